/* plan_api.c - STUB: the plan API helper replaces this file. */
#include "http/router.h"

const route plan_routes[] = {{0}};
