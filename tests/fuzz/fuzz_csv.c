/*
 * fuzz_csv.c - libFuzzer target: any bytes as an uploaded CSV.
 * Built and run by tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdlib.h>

#include "io/csv_read.h"

static int fuzz_row(void *ctx, const char *sheet, long row, int ncells, const char *const *cells)
{
    (void)ctx, (void)sheet, (void)row;
    size_t n = 0;
    for (int i = 0; i < ncells; i++)
        for (const char *p = cells[i]; p && *p; p++)
            n++;
    return n == (size_t)-1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    csv_read(data, size, NULL, fuzz_row, NULL, &err);
    free(err);
    return 0;
}
