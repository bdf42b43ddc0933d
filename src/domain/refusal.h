/*
 * refusal.h - why a domain operation said no, in the terms the API speaks.
 *
 * Domain functions return STORE_* codes for storage failures and REFUSED
 * when the request itself is refused; the refusal then holds the HTTP
 * status, the error code, the field and the Chinese message. Handlers pass
 * both to reply_refusal (reply.h), the command line prints the message.
 */
#ifndef EDU_REFUSAL_H
#define EDU_REFUSAL_H

#define REFUSED (-1)

typedef struct refusal {
    int status;            /* 400, 403, 404, 409, 413, 415 */
    const char *code;      /* "invalid", "missing", "forbidden", "not_found", "conflict", ... */
    const char *field;     /* the request field at fault, or NULL */
    const char *message;   /* Chinese, for people; a string constant or arena text */
} refusal;

/* Fill e and return REFUSED, so that a check reads
 *   return refuse(e, 400, "missing", "name", "请填写名称"); */
static inline int refuse(refusal *e, int status, const char *code, const char *field,
                         const char *message)
{
    e->status = status;
    e->code = code;
    e->field = field;
    e->message = message;
    return REFUSED;
}

#endif
