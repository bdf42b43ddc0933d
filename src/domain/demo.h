/*
 * demo.h - the synthetic demo county (长葛市) and the bench province.
 *
 * Generated from a seed number with our own PRNG so that a given seed always
 * gives the same county. Everything goes through the same store calls as the
 * API, in one transaction, with audit rows attributed to the command line.
 */
#ifndef EDU_DEMO_H
#define EDU_DEMO_H

#include <stdint.h>
#include "store/store.h"

#define DEMO_PASSWORD "Demo@2021"

/* The 长葛市 demo county with its users. counties > 1 adds that many further
 * synthetic counties under one province (for benchmarks; no extra users). */
int demo_generate(store *s, uint64_t seed, int counties, char **err);
/* Print the demo logins (username, role, scope) to stdout, and the address
 * to open when port > 0 (0: not serving). */
void demo_print_logins(store *s, int port);

#endif
