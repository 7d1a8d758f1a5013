/* Private: SHA-256 (nettle) and a content-addressed cache of byte strings,
 * in memory (least recently used out first, within a byte budget) and
 * optionally on disk, where several processes may share one folder: each
 * file is written under a temporary name and renamed, and carries its own
 * length and digest, so a damaged file is a miss, never wrong bytes. */
#ifndef BK_CACHE_H
#define BK_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define BK_SHA256_SIZE 32

/* Incremental SHA-256. */
typedef struct bk_hasher bk_hasher;
bk_hasher *bk_hasher_new(void);
void bk_hasher_add(bk_hasher *h, const void *data, size_t n);
/* Adds a string and its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
void bk_hasher_add_str(bk_hasher *h, const char *s);
/* Adds a number as 8 little-endian bytes. */
void bk_hasher_add_u64(bk_hasher *h, unsigned long long v);
/* Writes the digest and frees h. */
void bk_hasher_done(bk_hasher *h, unsigned char out[BK_SHA256_SIZE]);
void bk_sha256(const void *data, size_t n, unsigned char out[BK_SHA256_SIZE]);
/* Lower-case hex of n bytes into out[2n + 1]. */
void bk_hex(const unsigned char *data, size_t n, char *out);

typedef struct bk_cache bk_cache;

/* dir NULL: memory only. kind names the subfolder of dir ("pcm", "mp3").
 * budget: bytes of values kept in memory. */
bk_cache *bk_cache_new(const char *dir, const char *kind, size_t budget);
void bk_cache_free(bk_cache *c);

/* Appends the value of key to out and returns true, or returns false. */
bool bk_cache_get(bk_cache *c, const unsigned char key[BK_SHA256_SIZE],
                  bk_buf *out);
/* Stores a value in memory and, with a folder, on disk. Returns 0, or -1
 * with errno when the disk copy could not be written (the memory copy is
 * kept). */
int bk_cache_put(bk_cache *c, const unsigned char key[BK_SHA256_SIZE],
                 const void *data, size_t n);

#endif
