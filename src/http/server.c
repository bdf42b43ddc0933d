/*
 * server.c - the HTTP server: libmicrohttpd with a thread pool.
 *
 * One request goes straight through server_handle: the body is accumulated
 * across callbacks (413 beyond max_body), then /api paths get a request
 * context (arena, query, JSON body, database connection, session user),
 * are authenticated, checked for CSRF and forced password change, and
 * dispatched by the router; other paths are embedded UI files (static.c).
 * Every reply leaves through server_send, which adds the security headers
 * and writes the access-log line.
 *
 * Replies are only queued after the whole body has been read (never on the
 * first callback): queuing earlier makes libmicrohttpd close the connection,
 * and a client still sending its body would see a reset instead of the
 * answer. Bodies announced far beyond the limit are refused at once.
 *
 * Shutdown: SIGINT and SIGTERM are blocked in every thread and awaited with
 * sigwait in the thread that called server_run; the daemon then stops
 * accepting, lets in-flight requests finish, and stops.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "auth/password.h"
#include "auth/session.h"
#include "domain/settings.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/static.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"

#define SERVER_CSP                                                                                 \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                   \
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "        \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
#define SERVER_MEMORY_LIMIT (128 * 1024)
#define SERVER_SHUTDOWN_WAIT_MS 10000

typedef struct server {
    store *store;
    const server_config *cfg;
    atomic_int in_flight;  /* requests between their first callback and completion */
} server;

/* Per-request state kept by libmicrohttpd between callbacks. */
typedef struct server_conn {
    strbuf body;
    int too_large;
    struct timespec start;
} server_conn;

static double server_ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static int server_is_api(const char *path)
{
    return strncmp(path, "/api", 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

static void server_security_headers(struct MHD_Response *resp, int api)
{
    MHD_add_response_header(resp, "Content-Security-Policy", SERVER_CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (api)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

/* attr-char of RFC 5987 */
static int server_attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$&+-.^_`|~", c) != NULL;
}

/* attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded> */
static char *server_disposition(arena *a, const char *name)
{
    strbuf ascii = STRBUF_INIT, enc = STRBUF_INIT;
    int prev_sub = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' && c != ';' && c != '/') {
            sb_appendc(&ascii, (char)c);
            prev_sub = 0;
        } else if ((c & 0xc0) != 0x80 && !prev_sub) {
            sb_appendc(&ascii, '_');   /* one '_' per run of other characters */
            prev_sub = 1;
        }
        if (c != '\0' && server_attr_char(c) && c != '\\')
            sb_appendc(&enc, (char)c);
        else
            sb_appendf(&enc, "%%%02X", c);
    }
    const char *fallback = sb_str(&ascii);
    const char *dot = strrchr(fallback, '.');
    int meaningless = fallback[0] == '\0' || fallback[0] == '.' ||
                      (fallback[0] == '_' && (fallback[1] == '.' || fallback[1] == '\0'));
    if (meaningless)
        fallback = arena_printf(a, "download%s", dot ? dot : "");
    char *out = arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", fallback,
                             sb_str(&enc));
    sb_free(&ascii);
    sb_free(&enc);
    return out;
}

static void server_access_log(const server *srv, const char *method, const char *path, int status,
                              size_t bytes, const server_conn *sc, const char *username)
{
    if (srv->cfg->quiet)
        return;
    log_info("%s %s %d %zu %.1fms %s", method, path, status, bytes, server_ms_since(&sc->start),
             username ? username : "-");
}

/* Send the reply a handler left in r (takes its body). */
static enum MHD_Result server_send(server *srv, struct MHD_Connection *c, server_conn *sc, req *r)
{
    if (!r->replied) {
        log_error("%s %s: handler did not reply", r->method, r->path);
        reply_error(r, 500, "internal", "服务器内部错误", NULL);
    }
    size_t len = r->reply_len;
    struct MHD_Response *resp;
    if (r->reply_body) {
        resp = MHD_create_response_from_buffer(len, r->reply_body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->reply_body = NULL;
    } else {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) {
        free(r->reply_body);
        r->reply_body = NULL;
        return MHD_NO;
    }
    /* A handler's own Cache-Control (e.g. "private" for photos) replaces no-store. */
    int own_cache = 0;
    for (int i = 0; i < r->nheaders; i++)
        own_cache |= strcasecmp(r->header_names[i], "Cache-Control") == 0;
    server_security_headers(resp, !own_cache);
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    if (r->download_name)
        MHD_add_response_header(resp, "Content-Disposition", server_disposition(r->a, r->download_name));
    for (int i = 0; i < r->nheaders; i++) {
        if (MHD_add_response_header(resp, r->header_names[i], r->header_values[i]) != MHD_YES)
            log_warn("%s %s: header %s rejected", r->method, r->path, r->header_names[i]);
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    server_access_log(srv, r->method, r->path, r->status, len, sc,
                      r->user ? r->user->username : NULL);
    return ok;
}

static int server_unsafe_method(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

static const char *server_client_ip(arena *a, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[INET6_ADDRSTRLEN] = "";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text, sizeof text);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text, sizeof text);
    }
    return arena_strdup(a, text[0] ? text : "unknown");
}

/* Authenticate, authorise and run the route's handler; the reply is in r. */
static void server_dispatch(req *r)
{
    int path_known = 0;
    const route *rt = router_match(r->method, r->path, r, &path_known);
    if (!rt) {
        if (path_known)
            reply_error(r, 405, "method_not_allowed", "不支持的请求方法", NULL);
        else
            reply_error(r, 404, "not_found", "接口不存在", NULL);
        return;
    }
    if (r->body_len > 0 && !(rt->flags & ROUTE_RAW_BODY)) {
        const char *ctype = req_header(r, "Content-Type");
        if (!ctype || strcasestr(ctype, "json")) {
            json_error_t jerr;
            r->json = json_loadb(r->body, r->body_len, 0, &jerr);
            if (!r->json) {
                reply_error(r, 400, "bad_json", "请求内容不是有效的 JSON", NULL);
                return;
            }
        }
    }
    const char *token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (token && *token) {
        user_ctx *u = NULL;
        int64_t idle = settings_int(r->db, "session_idle_minutes", 30) * 60;
        int rc = session_load(r->db, r->a, token, clock_now(), idle, &u);
        if (rc == STORE_OK)
            r->user = u;
        else if (rc != STORE_NOTFOUND)
            log_warn("%s %s: session lookup failed (%d): %s", r->method, r->path, rc, db_errmsg(r->db));
    }
    if (!r->user && !(rt->flags & ROUTE_PUBLIC)) {
        reply_unauthorized(r);
        return;
    }
    if (server_unsafe_method(r->method) && !(rt->flags & ROUTE_NO_CSRF)) {
        const char *csrf = req_header(r, "X-CSRF-Token");
        if (!r->user || !csrf || !r->user->csrf || !password_equal(csrf, r->user->csrf)) {
            reply_error(r, 403, "csrf", "缺少或无效的 CSRF 令牌", NULL);
            return;
        }
    }
    if (r->user && r->user->must_change_password &&
        !(rt->flags & (ROUTE_PASSWORD_CHANGE | ROUTE_PUBLIC))) {
        reply_error(r, 403, "password_change_required", "请先修改初始密码", NULL);
        return;
    }
    rt->fn(r);
}

/* A fresh request context for method and path on connection c, with its
 * arena (the caller frees it with arena_free). */
static void server_req_init(req *r, struct MHD_Connection *c, const char *method,
                            const char *path)
{
    memset(r, 0, sizeof *r);
    r->a = arena_new();
    r->method = method;
    r->path = path;
    r->conn = c;
}

static enum MHD_Result server_static(server *srv, struct MHD_Connection *c, server_conn *sc,
                                     const char *method, const char *path)
{
    static_reply sr;
    int found = -1;
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
        const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        found = static_resolve(path, ae, inm, &sr);
    }
    if (found != 0) {
        /* Same error shape and headers as the API. */
        req r;
        server_req_init(&r, c, method, path);
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
            reply_error(&r, 405, "method_not_allowed", "不支持的请求方法", NULL);
        else
            reply_error(&r, 404, "not_found", "页面不存在", NULL);
        enum MHD_Result ok = server_send(srv, c, sc, &r);
        arena_free(r.a);
        return ok;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sr.status == 304 ? 0 : sr.len,
                                        sr.status == 304 ? (void *)"" : (void *)sr.data,
                                        MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    server_security_headers(resp, 0);
    MHD_add_response_header(resp, "ETag", sr.etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (sr.has_gzip)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (sr.status == 200) {
        MHD_add_response_header(resp, "Content-Type", sr.content_type);
        if (sr.gzip)
            MHD_add_response_header(resp, "Content-Encoding", "gzip");
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned int)sr.status, resp);
    MHD_destroy_response(resp);
    server_access_log(srv, method, path, sr.status, sr.status == 304 ? 0 : sr.len, sc, NULL);
    return ok;
}

static enum MHD_Result server_api(server *srv, struct MHD_Connection *c, server_conn *sc,
                                  const char *method, const char *path)
{
    req r;
    server_req_init(&r, c, method, path);
    r.ip = server_client_ip(r.a, c);
    if (sc->too_large) {
        reply_error(&r, 413, "too_large",
                    arena_printf(r.a, "请求内容过大（不能超过 %zu MB）",
                                 srv->cfg->max_body / (1024 * 1024)),
                    NULL);
    } else {
        if (sc->body.len > 0) {
            r.body = sc->body.buf;
            r.body_len = sc->body.len;
        }
        r.db = store_acquire(srv->store);
        if (!r.db)
            reply_error(&r, 503, "busy", "服务器繁忙，请稍后再试", NULL);
        else
            server_dispatch(&r);
    }
    enum MHD_Result ok = server_send(srv, c, sc, &r);
    if (r.db)
        store_release(srv->store, r.db);
    json_decref(r.json);
    arena_free(r.a);
    return ok;
}

static enum MHD_Result server_too_large_now(server *srv, struct MHD_Connection *c, server_conn *sc,
                                            const char *method, const char *path)
{
    sc->too_large = 1;
    return server_api(srv, c, sc, method, path);
}

static enum MHD_Result server_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                         const char *method, const char *version,
                                         const char *upload_data, size_t *upload_data_size,
                                         void **con_cls)
{
    (void)version;
    server *srv = cls;
    server_conn *sc = *con_cls;
    size_t max_body = srv->cfg->max_body;
    /* Bodies announced beyond this are refused without reading them. */
    size_t drain_limit = max_body * 4 > max_body ? max_body * 4 : max_body;

    if (!sc) {
        sc = calloc(1, sizeof *sc);
        if (!sc)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &sc->start);
        *con_cls = sc;
        atomic_fetch_add(&srv->in_flight, 1);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            unsigned long long n = strtoull(cl, NULL, 10);
            if (n > max_body)
                sc->too_large = 1;
            if (n > drain_limit)
                return server_too_large_now(srv, c, sc, method, url);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (!sc->too_large && sc->body.len + n > max_body) {
            sc->too_large = 1;
            sb_free(&sc->body);
        }
        if (!sc->too_large) {
            sb_appendn(&sc->body, upload_data, n);
        } else {
            /* Drain what is reasonable so the client can read the 413. */
            sc->body.len += n;
            if (sc->body.len > drain_limit)
                return server_too_large_now(srv, c, sc, method, url);
        }
        return MHD_YES;
    }
    if (server_is_api(url) || sc->too_large)
        return server_api(srv, c, sc, method, url);
    return server_static(srv, c, sc, method, url);
}

static void server_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                                enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    server *srv = cls;
    server_conn *sc = *con_cls;
    if (!sc)
        return;
    if (!sc->too_large)
        sb_free(&sc->body);
    else
        free(sc->body.buf);
    free(sc);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static void server_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("microhttpd: %s", msg);
}

void server_config_defaults(server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bind = "127.0.0.1";
    cfg->port = 8080;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = cores > 2 ? (int)(cores * 2) : 4;
    cfg->max_body = 10 * 1024 * 1024;
    cfg->timeout_seconds = 30;
}

int server_run(store *s, const server_config *cfg)
{
    server srv = {.store = s, .cfg = cfg};
    atomic_init(&srv.in_flight, 0);

    struct sockaddr_in sa4;
    struct sockaddr_in6 sa6;
    struct sockaddr *sa;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    const char *bind = cfg->bind && *cfg->bind ? cfg->bind : "127.0.0.1";
    if (cfg->port < 0 || cfg->port > 65535) {
        log_error("端口无效: %d", cfg->port);
        return -1;
    }
    memset(&sa4, 0, sizeof sa4);
    memset(&sa6, 0, sizeof sa6);
    if (inet_pton(AF_INET, bind, &sa4.sin_addr) == 1) {
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&sa4;
    } else if (inet_pton(AF_INET6, bind, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&sa6;
        flags |= MHD_USE_IPv6;
    } else {
        log_error("监听地址无效: %s", bind);
        return -1;
    }

    /* Block the stop signals before the daemon's threads exist, so that they
     * inherit the mask and only sigwait below sees the signals. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, &old) != 0) {
        log_error("无法设置信号屏蔽");
        return -1;
    }
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, NULL);

    int threads = cfg->threads > 0 ? cfg->threads : 4;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, server_on_request, &srv,
        MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(cfg->timeout_seconds > 0 ? cfg->timeout_seconds : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVER_MEMORY_LIMIT,
        MHD_OPTION_NOTIFY_COMPLETED, server_on_completed, &srv,
        MHD_OPTION_END);
    if (!d) {
        log_error("无法在 %s:%d 上启动 HTTP 服务: %s", bind, cfg->port, strerror(errno));
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    int port = cfg->port;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port)
        port = info->port;
    if (cfg->on_ready)
        cfg->on_ready(port);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    log_info("收到信号 %d，正在停止服务", sig);

    /* Stop accepting, let requests in progress finish, then stop. */
    MHD_socket listen_fd = MHD_quiesce_daemon(d);
    for (int waited = 0; atomic_load(&srv.in_flight) > 0 && waited < SERVER_SHUTDOWN_WAIT_MS;
         waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 0;
}
