/*
 * zip_fixture.h - reading back what our writers zip (xlsx, docx) in unit
 * tests: one member of an archive in memory, as text.
 */
#ifndef EDU_ZIP_FIXTURE_H
#define EDU_ZIP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include <zip.h>

/* The named member of the zip as a NUL-terminated malloced string, or NULL
 * when the archive has no such member. Fails the test on a broken zip. */
static inline char *fx_zip_member(const char *data, size_t len, const char *name)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    zip_stat_t st;
    char *text = NULL;
    if (zip_stat(z, name, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(z, name, 0);
        assert_non_null(f);
        text = calloc(1, st.size + 1);
        assert_non_null(text);
        assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
        zip_fclose(f);
    }
    zip_close(z);
    zip_error_fini(&zerr);
    return text;
}

#endif
