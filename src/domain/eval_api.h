/*
 * eval_api.h - the request side the 评估 handlers share (only
 * src/domain/eval_*api*.c and eval_scenarios.c include this file; the
 * contract with the rest of the program is eval.h and router.h).
 *
 *   eval_api.c        the request context below; the evaluation reads
 *                     (balanced, what-if, preschool, class-size, the
 *                     school card, export): eval_routes
 *   eval_scenarios.c  the saved what-if scenarios: eval_scenarios_routes
 *   eval_inputs_api.c the inputs the bureau keeps, the population aged
 *                     3-5 and its own standards: eval_inputs_routes
 *   eval_counties.c   the counties of a city or province side by side:
 *                     eval_counties_routes
 *
 * Every county-level handler starts with eval_api_can_read (a 学校管理员
 * reads only its school's card), then parses the org unit and school year
 * it is about into an eval_api_ctx. The helpers that can fail return 0, or
 * -1 after replying; the handler then returns at once.
 */
#ifndef EDU_EVAL_API_H
#define EDU_EVAL_API_H

#include <stdint.h>
#include <jansson.h>

#include "domain/eval.h"
#include "http/req.h"

/* The error text of a school year out of range. */
#define EVAL_API_YEAR_TEXT "学年应为 2000 到 2100 之间的整数"

/* What a read is about: the org unit, its subtree and the school year. */
typedef struct eval_api_ctx {
    eval_scope scope;
    int64_t org_id;
    const char *org_name;
    int year;
} eval_api_ctx;

/* A year from text, or 0 when it is not one. */
int eval_api_parse_year(const char *text);

/* A year of a JSON body: 0 absent, -1 invalid, else the year. */
int eval_api_json_year(json_t *v);

/* The query's year (0 when absent) into *year: 0, or -1 after replying. */
int eval_api_query_year(req *r, int *year);

/* The county-level reads: 0, or -1 after replying 403 (a 学校管理员, or
 * no read access to eval). */
int eval_api_can_read(req *r);

/* May the caller write eval at path? 0, or -1 after replying 403 with
 * message. */
int eval_api_can_write(req *r, const char *path, const char *message);

/* Fill c's scope from org unit org_id (0: the caller's scope root): 0, or
 * -1 after replying (400 unknown unit, 403 outside the caller's scope). */
int eval_api_org(req *r, int64_t org_id, eval_api_ctx *c);

/* The query's org into *org_id (0 when absent: the caller's scope root):
 * 0, or -1 after replying. */
int eval_api_query_org_id(req *r, int64_t *org_id);

/* year, or when it is 0 the latest with records in scope, else the
 * current school year. */
int eval_api_year_or_latest(req *r, const eval_scope *scope, int year);

/* A county-level read: who, then the query's org and year into c. */
int eval_api_read(req *r, eval_api_ctx *c);

/* The stage of text ("primary" or "junior"; NULL: "primary"), or NULL
 * after replying 400 stage. */
const char *eval_api_stage(req *r, const char *text);

/* The body of a what-if (year, stage, org, changes) into c, *stage and
 * *changes (borrowed from r->json): 0, or -1 after replying. */
int eval_api_body_what_if(req *r, eval_api_ctx *c, const char **stage, json_t **changes);

/* An optional text member key of the body, trimmed, into *out (arena;
 * NULL when absent or empty): 0, or -1 after replying 400 with label in
 * the message (not text, more than max characters, missing when
 * required). */
int eval_api_body_text(req *r, const char *key, const char *label, size_t max, int required,
                       const char **out);

/* Reply the answer of an evaluation function: JSON, or its failure logged. */
void eval_api_reply(req *r, int rc, json_t *out);

/* Finish a DELETE begun with req_begin: when rc is STORE_OK run sql (one
 * ? for id) and audit "delete" of entity id at path with before (freed),
 * then reply 204 or the failure. */
void eval_api_delete(req *r, int rc, const char *sql, const char *entity, int64_t id,
                     const char *path, json_t *before);

#endif
