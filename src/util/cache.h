/* Private: SHA-256 (nettle) and a cache of byte strings, in memory (least
 * recently used out first, within a byte budget) and optionally on disk,
 * where several processes may share one folder.
 *
 * A value is asked for by its key material: text that names everything the
 * value depends on, as lines "name=value" (bk_cache_key_*). The cache names
 * the entry by the SHA-256 of that text, keeps the text beside the value,
 * and compares it on every read, so an entry can only ever answer the
 * question it was stored for. On disk each entry also carries a SHA-256 of
 * its bytes. An entry whose key material differs from the one asked for,
 * or whose bytes are damaged (truncated, flipped, not an entry), is
 * discarded (removed from disk), reported as a miss, and counted
 * (bki_cache_discarded); the caller makes the value again. The entry format
 * is in docs/audio.md, "Identity and cache". */
#ifndef BK_CACHE_H
#define BK_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define BK_SHA256_SIZE 32

/* Incremental SHA-256. bki_hasher_new returns NULL when memory runs out;
 * adding to NULL does nothing, and bki_hasher_done(NULL) returns false. */
typedef struct bki_hasher bki_hasher;
bki_hasher *bki_hasher_new(void);
void bki_hasher_add(bki_hasher *h, const void *data, size_t n);
/* Adds a string and its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
void bki_hasher_add_str(bki_hasher *h, const char *s);
/* Adds a number as 8 little-endian bytes. */
void bki_hasher_add_u64(bki_hasher *h, unsigned long long v);
/* Marks h untrustworthy: memory ran out while its input was gathered. */
void bki_hasher_fail(bki_hasher *h);
/* Writes the digest and frees h; false for h NULL (nothing written) or
 * failed. */
bool bki_hasher_done(bki_hasher *h, unsigned char out[BK_SHA256_SIZE]);
void bki_sha256(const void *data, size_t n, unsigned char out[BK_SHA256_SIZE]);
/* Lower-case hex of n bytes into out[2n + 1]. */
void bki_hex(const unsigned char *data, size_t n, char *out);

/* Key material. Each call appends one line "name=value\n"; the value's
 * backslashes, line breaks and other control characters are escaped
 * ("\\", "\n", "\xHH"), so different values give different lines. name
 * is a plain word chosen by the caller. */
void bki_cache_key_str(bki_buf *key, const char *name, const char *value);
void bki_cache_key_int(bki_buf *key, const char *name, long long value);
/* Lower-case hex of n bytes. Appending to key fails as bki_buf's appending
 * does: a failed key is neither found nor stored. */
void bki_cache_key_hex(bki_buf *key, const char *name, const unsigned char *data,
                      size_t n);
/* The digest an entry is named by: SHA-256 of the key material. */
void bki_cache_key_digest(const bki_buf *key, unsigned char out[BK_SHA256_SIZE]);

typedef struct bki_cache bki_cache;

/* dir NULL: memory only. kind names the subfolder of dir ("clips", "mp3"),
 * where entries lie at KIND/XX/REST, XXREST the hex of the key's digest.
 * No symbolic link below dir is followed: a link where a subfolder or an
 * entry should be is not an entry. budget: bytes of keys and values kept
 * in memory. NULL when memory runs out. */
bki_cache *bki_cache_new(const char *dir, const char *kind, size_t budget);
void bki_cache_free(bki_cache *c);

/* Appends the value stored under exactly this key material to out and
 * returns true, or returns false (nothing stored, or an entry discarded,
 * or out of memory: out failed). */
bool bki_cache_get(bki_cache *c, const bki_buf *key, bki_buf *out);
/* Stores a value under its key material in memory and, with a folder, on
 * disk. Returns 0, or -1 with errno when the disk copy could not be
 * written (the memory copy is kept unless memory ran out; ENOMEM for a
 * failed key). */
int bki_cache_put(bki_cache *c, const bki_buf *key, const void *data, size_t n);
/* Entries discarded since the cache was made: on disk, those whose key
 * material was not the one asked for or whose bytes were damaged; in
 * memory, those whose key material differed (a digest shared by two
 * keys). */
size_t bki_cache_discarded(const bki_cache *c);

#endif
