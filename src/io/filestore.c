/*
 * filestore.c - uploaded files, stored by content hash (see filestore.h).
 *
 * DIR/ab/abcdef...: the name is the hex BLAKE2b-256 (libsodium
 * crypto_generichash, 32 bytes) of the bytes, the first two hex digits name
 * the sub-directory. A put writes a temporary file in that sub-directory,
 * fsyncs it and renames it into place, so a reader never sees half a file;
 * bytes already stored are not written again. The directory is set once at
 * start-up (filestore_init) and only read afterwards, so the threads of the
 * server share it without a lock.
 */
#include "io/filestore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *filestore_root;            /* malloced; NULL until filestore_init */
static atomic_uint filestore_counter;   /* distinguishes temporary names */

/* mkdir -p path (mode 0700). 0 ok, -1 with errno. */
static int filestore_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(buf, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int filestore_init(const char *dir)
{
    if (!dir || !*dir) {
        errno = EINVAL;
        return -1;
    }
    if (sodium_init() < 0) {
        errno = EIO;
        return -1;
    }
    if (filestore_mkdirs(dir) != 0)
        return -1;
    char *copy = strdup(dir);
    if (!copy)
        return -1;
    free(filestore_root);
    filestore_root = copy;
    return 0;
}

const char *filestore_dir(void)
{
    return filestore_root;
}

/* 1 when hash is exactly FILESTORE_HASH_HEX lower-case hex digits. */
static int filestore_hash_valid(const char *hash)
{
    if (!hash)
        return 0;
    for (int i = 0; i < FILESTORE_HASH_HEX; i++)
        if (!((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
            return 0;
    return hash[FILESTORE_HASH_HEX] == '\0';
}

/* DIR/ab/<hash> into out. 0 ok, -1 when it does not fit. */
static int filestore_path(const char *hash, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/%.2s/%s", filestore_root, hash, hash);
    return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* Write all of data to fd. 0 ok, -1 with errno. */
static int filestore_write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync a directory so that a rename in it is durable (best effort). */
static void filestore_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int filestore_put(const void *data, size_t len, char *hash_out)
{
    unsigned char digest[32];
    char sub[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX];
    struct stat st;

    if (!filestore_root || (!data && len)) {
        errno = EINVAL;
        return -1;
    }
    if (crypto_generichash(digest, sizeof digest, data, len, NULL, 0) != 0) {
        errno = EIO;
        return -1;
    }
    sodium_bin2hex(hash_out, FILESTORE_HASH_HEX + 1, digest, sizeof digest);
    if (filestore_path(hash_out, final, sizeof final) != 0)
        return -1;
    if (stat(final, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        return 0;  /* the same bytes are stored once */
    int n = snprintf(sub, sizeof sub, "%s/%.2s", filestore_root, hash_out);
    if (n < 0 || (size_t)n >= sizeof sub || filestore_mkdirs(sub) != 0)
        return -1;
    n = snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-%u", sub, (long)getpid(),
                 atomic_fetch_add(&filestore_counter, 1));
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (filestore_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, final) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    filestore_sync_dir(sub);
    return 0;
}

int filestore_get(const char *hash, char **data, size_t *len)
{
    char path[PATH_MAX];
    struct stat st;

    *data = NULL;
    *len = 0;
    if (!filestore_root || !filestore_hash_valid(hash)) {
        errno = EINVAL;
        return -1;
    }
    if (filestore_path(hash, path, sizeof path) != 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return -1;
    }
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            close(fd);
            errno = n == 0 ? EIO : errno;
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    *data = buf;
    *len = size;
    return 0;
}

const char *filestore_sniff_image(const void *data, size_t len)
{
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    if (!data)
        return NULL;
    if (len >= sizeof png && memcmp(data, png, sizeof png) == 0)
        return "image/png";
    if (len > sizeof jpeg && memcmp(data, jpeg, sizeof jpeg) == 0)
        return "image/jpeg";
    return NULL;
}
