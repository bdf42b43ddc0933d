/*
 * embed.c - build tool: embed files in the binary.
 *
 *   build/embed OUT.c FILE...
 *
 * Writes OUT.c defining `const asset assets[]`, `assets_count` and
 * asset_find() (see src/http/assets.h). Each file becomes a static byte
 * array (a string literal, which compilers read much faster than a list of
 * numbers, NUL-terminated as a courtesy to text readers), its gzip version
 * when that is smaller, and a strong ETag: the hex of the 64-bit FNV-1a hash
 * of the content. Paths are stored as given, except the ECharts bundle from
 * node_modules, which is served as web/vendor/echarts.min.js. Entries are
 * sorted by path so asset_find can search by bisection.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ECHARTS_SRC "node_modules/echarts/dist/echarts.min.js"
#define ECHARTS_DST "web/vendor/echarts.min.js"

typedef struct embed_file {
    const char *src;    /* path on disk */
    const char *path;   /* path stored */
    unsigned char *data;
    size_t len;
    unsigned char *gz;  /* NULL when gzip does not help */
    size_t gz_len;
    uint64_t hash;
} embed_file;

static int embed_read(const char *src, unsigned char **out, size_t *out_len)
{
    FILE *f = fopen(src, "rb");
    if (!f)
        return -1;
    size_t cap = 65536, len = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return -1;
    }
    for (;;) {
        if (len == cap) {
            unsigned char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = p;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* gzip (RFC 1952) at level 9; -1 on a zlib failure. */
static int embed_gzip(const unsigned char *data, size_t len, unsigned char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&z, (uLong)len) + 32;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

static uint64_t embed_fnv1a(const unsigned char *data, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= data[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Write bytes as a C string literal, split over lines. Printable ASCII goes
 * as is (except \ " and ?, against trigraphs); everything else as a
 * three-digit octal escape, which can never swallow a following digit. */
static void embed_literal(FILE *out, const unsigned char *data, size_t len)
{
    char line[600];
    size_t n = 0;
    line[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '?') {
            line[n++] = (char)c;
        } else {
            line[n++] = '\\';
            line[n++] = (char)('0' + (c >> 6));
            line[n++] = (char)('0' + ((c >> 3) & 7));
            line[n++] = (char)('0' + (c & 7));
        }
        if (n >= 500) {
            line[n++] = '"';
            line[n++] = '\n';
            fwrite(line, 1, n, out);
            n = 0;
            line[n++] = '"';
        }
    }
    line[n++] = '"';
    fwrite(line, 1, n, out);
}

static void embed_cstring(FILE *out, const char *s)
{
    embed_literal(out, (const unsigned char *)s, strlen(s));
}

static int embed_cmp(const void *x, const void *y)
{
    const embed_file *a = x, *b = y;
    return strcmp(a->path, b->path);
}

static const char *embed_stored_path(const char *src)
{
    const char *p = src;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    if (strcmp(p, ECHARTS_SRC) == 0)
        return ECHARTS_DST;
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: embed OUT.c FILE...\n");
        return 2;
    }
    int nfiles = argc - 2;
    embed_file *files = calloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof *files);
    if (!files) {
        fprintf(stderr, "embed: out of memory\n");
        return 1;
    }
    for (int i = 0; i < nfiles; i++) {
        embed_file *f = &files[i];
        f->src = argv[i + 2];
        f->path = embed_stored_path(f->src);
        if (embed_read(f->src, &f->data, &f->len) != 0) {
            perror(f->src);
            return 1;
        }
        f->hash = embed_fnv1a(f->data, f->len);
        unsigned char *gz;
        size_t gz_len;
        if (embed_gzip(f->data, f->len, &gz, &gz_len) != 0) {
            fprintf(stderr, "embed: gzip failed for %s\n", f->src);
            return 1;
        }
        if (gz_len + 64 < f->len) {
            f->gz = gz;
            f->gz_len = gz_len;
        } else {
            free(gz);
        }
    }
    qsort(files, (size_t)nfiles, sizeof *files, embed_cmp);
    for (int i = 1; i < nfiles; i++) {
        if (strcmp(files[i - 1].path, files[i].path) == 0) {
            fprintf(stderr, "embed: %s given twice\n", files[i].path);
            return 1;
        }
    }

    FILE *out = fopen(argv[1], "wb");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    fputs("/* Generated by tools/embed.c - do not edit. */\n"
          "#include <stdlib.h>\n#include <string.h>\n#include \"http/assets.h\"\n\n", out);
    for (int i = 0; i < nfiles; i++) {
        fprintf(out, "/* %s */\nstatic const unsigned char asset_data_%d[] =\n", files[i].path, i);
        embed_literal(out, files[i].data, files[i].len);
        fputs(";\n", out);
        if (files[i].gz) {
            fprintf(out, "static const unsigned char asset_gz_%d[] =\n", i);
            embed_literal(out, files[i].gz, files[i].gz_len);
            fputs(";\n", out);
        }
    }
    fputs("\nconst asset assets[] = {\n", out);
    for (int i = 0; i < nfiles; i++) {
        const embed_file *f = &files[i];
        fputs("    {", out);
        embed_cstring(out, f->path);
        fprintf(out, ", asset_data_%d, %zuu, ", i, f->len);
        if (f->gz)
            fprintf(out, "asset_gz_%d, %zuu, ", i, f->gz_len);
        else
            fputs("NULL, 0, ", out);
        fprintf(out, "\"\\\"%016llx\\\"\"},\n", (unsigned long long)f->hash);
    }
    if (nfiles == 0)
        fputs("    {NULL, NULL, 0, NULL, 0, NULL},\n", out);
    fprintf(out, "};\n\nconst size_t assets_count = %d;\n\n", nfiles);
    fputs("static int asset_cmp(const void *key, const void *elem)\n"
          "{\n"
          "    return strcmp((const char *)key, ((const asset *)elem)->path);\n"
          "}\n\n"
          "const asset *asset_find(const char *path)\n"
          "{\n"
          "    if (!path || assets_count == 0)\n"
          "        return NULL;\n"
          "    return bsearch(path, assets, assets_count, sizeof assets[0], asset_cmp);\n"
          "}\n", out);
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    for (int i = 0; i < nfiles; i++) {
        free(files[i].data);
        free(files[i].gz);
    }
    free(files);
    return 0;
}
