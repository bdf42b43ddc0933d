/*
 * filestore.h - uploaded files, stored by content hash outside the web root.
 *
 * Files live under one directory (set once at start-up: --files DIR, env
 * EDUBUREAU_FILES, or "<database file>.files"), as DIR/ab/abcdef... where
 * the name is the hex BLAKE2b-256 of the bytes; the same bytes are stored
 * once. Writes go to a temporary name and are renamed into place.
 */
#ifndef EDU_FILESTORE_H
#define EDU_FILESTORE_H

#include <stddef.h>

#define FILESTORE_HASH_HEX 64

/* Set the directory (created when missing). 0 ok, -1 with errno. */
int filestore_init(const char *dir);
const char *filestore_dir(void);

/* Store the bytes; hash_out gets FILESTORE_HASH_HEX + 1 chars. 0 ok, -1 error. */
int filestore_put(const void *data, size_t len, char *hash_out);
/* Read a stored file into a malloced buffer. 0 ok, -1 missing or error. */
int filestore_get(const char *hash, char **data, size_t *len);

/* The image type recognised from the first bytes: "image/jpeg",
 * "image/png", or NULL for anything else. */
const char *filestore_sniff_image(const void *data, size_t len);

#endif
