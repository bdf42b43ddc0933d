/*
 * test_filestore.c - the content-addressed file store (io/filestore.c):
 * image types from the bytes only, the same bytes stored once under their
 * BLAKE2b-256 name, reading back, and refusing names that are not hashes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/filestore.h"

static const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
                                    0x00, 0x00, 0x00, 0x0D, 'I',  'H',  'D',  'R'};
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00};

static void test_sniff(void **state)
{
    (void)state;
    static const char script[] = "#!/bin/sh\nrm -rf /\n";
    static const char html[] = "<html><script>alert(1)</script></html>";
    static const char gif[] = "GIF89a\x01\x00\x01\x00";
    assert_string_equal(filestore_sniff_image(jpeg, sizeof jpeg), "image/jpeg");
    assert_string_equal(filestore_sniff_image(png, sizeof png), "image/png");
    /* a file name plays no part: these are the bytes of "x.jpg" holding a PNG */
    assert_string_equal(filestore_sniff_image(png, 8), "image/png");
    assert_null(filestore_sniff_image(script, sizeof script - 1));
    assert_null(filestore_sniff_image(html, sizeof html - 1));
    assert_null(filestore_sniff_image(gif, sizeof gif - 1));
    assert_null(filestore_sniff_image("", 0));
    assert_null(filestore_sniff_image(NULL, 0));
    assert_null(filestore_sniff_image(jpeg, 3));  /* just the marker: not an image */
    assert_null(filestore_sniff_image(png, 7));   /* a PNG signature cut short */
    assert_null(filestore_sniff_image(png + 1, sizeof png - 1));
}

static int files_in(const char *dir)
{
    int n = 0;
    struct dirent *d;
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    while ((d = readdir(dp)))
        n += d->d_name[0] != '.';
    closedir(dp);
    return n;
}

static void test_put_get(void **state)
{
    (void)state;
    char dir[64] = "/tmp/edubureau-files-XXXXXX", root[128], sub[160], cmd[200];
    char hash1[FILESTORE_HASH_HEX + 1], hash2[FILESTORE_HASH_HEX + 1], hash3[FILESTORE_HASH_HEX + 1];
    char *data = NULL;
    size_t len = 0;

    assert_non_null(mkdtemp(dir));
    snprintf(root, sizeof root, "%s/a/b/files", dir);  /* created with its parents */
    assert_int_equal(filestore_init(root), 0);
    assert_string_equal(filestore_dir(), root);

    assert_int_equal(filestore_put(png, sizeof png, hash1), 0);
    assert_int_equal(strlen(hash1), FILESTORE_HASH_HEX);
    assert_int_equal(strspn(hash1, "0123456789abcdef"), FILESTORE_HASH_HEX);
    assert_int_equal(filestore_put(png, sizeof png, hash2), 0);
    assert_string_equal(hash1, hash2);
    snprintf(sub, sizeof sub, "%s/%.2s", root, hash1);
    assert_int_equal(files_in(sub), 1);  /* once, and no temporary file left */

    assert_int_equal(filestore_put(jpeg, sizeof jpeg, hash3), 0);
    assert_string_not_equal(hash1, hash3);

    assert_int_equal(filestore_get(hash1, &data, &len), 0);
    assert_int_equal(len, sizeof png);
    assert_memory_equal(data, png, len);
    free(data);
    assert_int_equal(filestore_get(hash3, &data, &len), 0);
    assert_int_equal(len, sizeof jpeg);
    assert_memory_equal(data, jpeg, len);
    free(data);

    /* the empty file is a file too */
    assert_int_equal(filestore_put("", 0, hash2), 0);
    assert_int_equal(filestore_get(hash2, &data, &len), 0);
    assert_int_equal(len, 0);
    free(data);

    /* names that are not hashes, and hashes not stored */
    assert_int_equal(filestore_get("../../etc/passwd", &data, &len), -1);
    assert_null(data);
    assert_int_equal(filestore_get(NULL, &data, &len), -1);
    char missing[FILESTORE_HASH_HEX + 1];
    memset(missing, '0', FILESTORE_HASH_HEX);
    missing[FILESTORE_HASH_HEX] = '\0';
    assert_int_equal(filestore_get(missing, &data, &len), -1);
    hash1[0] = (char)(hash1[0] == 'A' ? 'B' : 'A');  /* upper case is not a name we write */
    assert_int_equal(filestore_get(hash1, &data, &len), -1);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_put_get),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
