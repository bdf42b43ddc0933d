/*
 * log.h - timestamped log lines on stderr (access log and diagnostics).
 */
#ifndef EDU_LOG_H
#define EDU_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_quiet(int quiet);  /* 1: only warnings and errors */

#endif
