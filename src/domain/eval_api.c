/* eval_api.c - STUB: the eval API helper replaces this file. */
#include "http/router.h"

const route eval_routes[] = {{0}};
