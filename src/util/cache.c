#include "util/cache.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bk_hasher {
	struct sha256_ctx ctx;
};

bk_hasher *bk_hasher_new(void)
{
	bk_hasher *h = bk_xmalloc(sizeof *h);
	sha256_init(&h->ctx);
	return h;
}

void bk_hasher_add(bk_hasher *h, const void *data, size_t n)
{
	sha256_update(&h->ctx, n, data);
}

void bk_hasher_add_str(bk_hasher *h, const char *s)
{
	bk_hasher_add(h, s, strlen(s) + 1);
}

void bk_hasher_add_u64(bk_hasher *h, unsigned long long v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	bk_hasher_add(h, b, 8);
}

void bk_hasher_done(bk_hasher *h, unsigned char out[BK_SHA256_SIZE])
{
	sha256_digest(&h->ctx, BK_SHA256_SIZE, out);
	free(h);
}

void bk_sha256(const void *data, size_t n, unsigned char out[BK_SHA256_SIZE])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, n, data);
	sha256_digest(&ctx, BK_SHA256_SIZE, out);
}

void bk_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

typedef struct entry {
	unsigned char key[BK_SHA256_SIZE];
	char *data;
	size_t n;
	struct entry *prev, *next; /* most recently used first */
	bool used;                 /* slot holds an entry */
	bool gone;                 /* slot held one (a tombstone) */
} entry;

struct bk_cache {
	char *dir; /* dir/kind, or NULL */
	size_t budget, bytes;
	entry *slots;
	size_t nslots, nused, ngone;
	entry *head, *tail;
};

bk_cache *bk_cache_new(const char *dir, const char *kind, size_t budget)
{
	bk_cache *c = bk_xcalloc(1, sizeof *c);
	if (dir) {
		bk_buf b = {0};
		bk_buf_printf(&b, "%s/%s", dir, kind);
		c->dir = bk_buf_steal(&b);
	}
	c->budget = budget;
	c->nslots = 64;
	c->slots = bk_xcalloc(c->nslots, sizeof *c->slots);
	return c;
}

void bk_cache_free(bk_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].used)
			free(c->slots[i].data);
	free(c->slots);
	free(c->dir);
	free(c);
}

static size_t slot_of(const bk_cache *c, const unsigned char *key)
{
	uint64_t h = 0;
	memcpy(&h, key, sizeof h); /* the key is a digest: any bytes will do */
	return (size_t)h & (c->nslots - 1);
}

static entry *find(bk_cache *c, const unsigned char *key)
{
	for (size_t i = slot_of(c, key), k = 0; k < c->nslots;
	     i = (i + 1) & (c->nslots - 1), k++) {
		entry *e = &c->slots[i];
		if (!e->used && !e->gone)
			return NULL;
		if (e->used && !memcmp(e->key, key, BK_SHA256_SIZE))
			return e;
	}
	return NULL;
}

static void unlink_lru(bk_cache *c, entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(bk_cache *c, entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void drop(bk_cache *c, entry *e)
{
	unlink_lru(c, e);
	c->bytes -= e->n;
	free(e->data);
	e->data = NULL;
	e->used = false;
	e->gone = true;
	c->nused--;
	c->ngone++;
}

/* Rebuilds the table at a size that keeps it under half full. */
static void rehash(bk_cache *c)
{
	size_t n = 64;
	while (n < 4 * (c->nused + 1))
		n *= 2;
	entry *old = c->slots;
	size_t nold = c->nslots;
	/* the LRU order, oldest last, to rebuild the list */
	entry **order = bk_xmalloc((c->nused + 1) * sizeof *order);
	size_t k = 0;
	for (entry *e = c->head; e; e = e->next)
		order[k++] = e;
	c->slots = bk_xcalloc(n, sizeof *c->slots);
	c->nslots = n;
	c->ngone = 0;
	c->head = c->tail = NULL;
	for (size_t j = k; j-- > 0;) {
		size_t i = slot_of(c, order[j]->key);
		while (c->slots[i].used)
			i = (i + 1) & (n - 1);
		c->slots[i] = *order[j];
		c->slots[i].prev = c->slots[i].next = NULL;
		push_front(c, &c->slots[i]);
	}
	free(order);
	free(old);
	(void)nold;
}

static void remember(bk_cache *c, const unsigned char *key, const void *data,
                     size_t n)
{
	if (n > c->budget || find(c, key))
		return;
	while (c->bytes + n > c->budget && c->tail)
		drop(c, c->tail);
	if (2 * (c->nused + c->ngone + 1) > c->nslots)
		rehash(c);
	size_t i = slot_of(c, key);
	while (c->slots[i].used)
		i = (i + 1) & (c->nslots - 1);
	entry *e = &c->slots[i];
	if (e->gone)
		c->ngone--;
	memset(e, 0, sizeof *e);
	memcpy(e->key, key, BK_SHA256_SIZE);
	e->data = bk_xmalloc(n ? n : 1);
	if (n)
		memcpy(e->data, data, n);
	e->n = n;
	e->used = true;
	c->nused++;
	c->bytes += n;
	push_front(c, e);
}

static char *disk_path(const bk_cache *c, const unsigned char *key,
                       bool folder_only)
{
	char hex[2 * BK_SHA256_SIZE + 1];
	bk_hex(key, BK_SHA256_SIZE, hex);
	bk_buf b = {0};
	if (folder_only)
		bk_buf_printf(&b, "%s/%.2s", c->dir, hex);
	else
		bk_buf_printf(&b, "%s/%.2s/%s", c->dir, hex, hex + 2);
	return bk_buf_steal(&b);
}

/* A disk entry: "BKCACHE1", the length (8 bytes, little-endian), the
 * value, and the SHA-256 of the value. */
static const char magic[8] = {'B', 'K', 'C', 'A', 'C', 'H', 'E', '1'};

static bool disk_get(bk_cache *c, const unsigned char *key, bk_buf *out)
{
	char *path = disk_path(c, key, false);
	char *data = NULL;
	size_t size = 0;
	int rc = bk_read_file(path, &data, &size);
	free(path);
	if (rc)
		return false;
	bool ok = size >= 16 + BK_SHA256_SIZE && !memcmp(data, magic, 8);
	uint64_t n = 0;
	for (int i = 0; ok && i < 8; i++)
		n |= (uint64_t)(unsigned char)data[8 + i] << (8 * i);
	ok = ok && n == size - 16 - BK_SHA256_SIZE;
	if (ok) {
		unsigned char d[BK_SHA256_SIZE];
		bk_sha256(data + 16, (size_t)n, d);
		ok = !memcmp(d, data + 16 + n, BK_SHA256_SIZE);
	}
	if (ok) {
		bk_buf_addn(out, data + 16, (size_t)n);
		remember(c, key, data + 16, (size_t)n);
	}
	free(data);
	return ok;
}

static int disk_put(bk_cache *c, const unsigned char *key, const void *data,
                    size_t n)
{
	char *folder = disk_path(c, key, true);
	int rc = bk_mkdirs(folder);
	free(folder);
	if (rc)
		return -1;
	char *path = disk_path(c, key, false);
	bk_atomic a;
	rc = bk_atomic_open(&a, path);
	free(path);
	if (rc)
		return -1;
	unsigned char len[8], d[BK_SHA256_SIZE];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)n >> (8 * i));
	bk_sha256(data, n, d);
	if (fwrite(magic, 1, 8, a.f) != 8 || fwrite(len, 1, 8, a.f) != 8 ||
	    fwrite(data, 1, n, a.f) != n ||
	    fwrite(d, 1, BK_SHA256_SIZE, a.f) != BK_SHA256_SIZE) {
		int e = errno;
		bk_atomic_abort(&a);
		errno = e;
		return -1;
	}
	/* no fsync: an entry lost in a crash is a miss, a torn one fails its
	 * digest */
	return bk_atomic_commit_sync(&a, false);
}

bool bk_cache_get(bk_cache *c, const unsigned char key[BK_SHA256_SIZE],
                  bk_buf *out)
{
	entry *e = find(c, key);
	if (e) {
		unlink_lru(c, e);
		push_front(c, e);
		bk_buf_addn(out, e->data, e->n);
		return true;
	}
	return c->dir && disk_get(c, key, out);
}

int bk_cache_put(bk_cache *c, const unsigned char key[BK_SHA256_SIZE],
                 const void *data, size_t n)
{
	remember(c, key, data, n);
	return c->dir ? disk_put(c, key, data, n) : 0;
}
