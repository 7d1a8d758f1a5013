#include "util/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bki_hasher {
	struct sha256_ctx ctx;
	bool failed;
};

bki_hasher *bki_hasher_new(void)
{
	bki_hasher *h = bki_malloc(sizeof *h);
	if (h) {
		sha256_init(&h->ctx);
		h->failed = false;
	}
	return h;
}

void bki_hasher_add(bki_hasher *h, const void *data, size_t n)
{
	if (h)
		sha256_update(&h->ctx, n, data);
}

void bki_hasher_add_str(bki_hasher *h, const char *s)
{
	bki_hasher_add(h, s, strlen(s) + 1);
}

void bki_hasher_add_u64(bki_hasher *h, unsigned long long v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	bki_hasher_add(h, b, 8);
}

void bki_hasher_fail(bki_hasher *h)
{
	if (h)
		h->failed = true;
}

bool bki_hasher_done(bki_hasher *h, unsigned char out[BK_SHA256_SIZE])
{
	if (!h)
		return false;
	sha256_digest(&h->ctx, BK_SHA256_SIZE, out);
	bool ok = !h->failed;
	free(h);
	return ok;
}

void bki_sha256(const void *data, size_t n, unsigned char out[BK_SHA256_SIZE])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, n, data);
	sha256_digest(&ctx, BK_SHA256_SIZE, out);
}

void bki_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- key material ------------------------------------------------------ */

void bki_cache_key_str(bki_buf *key, const char *name, const char *value)
{
	bki_buf_add(key, name);
	bki_buf_addc(key, '=');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p == '\\')
			bki_buf_add(key, "\\\\");
		else if (*p == '\n')
			bki_buf_add(key, "\\n");
		else if (*p < 0x20 || *p == 0x7F)
			bki_buf_printf(key, "\\x%02x", *p);
		else
			bki_buf_addc(key, (char)*p);
	}
	bki_buf_addc(key, '\n');
}

void bki_cache_key_int(bki_buf *key, const char *name, long long value)
{
	bki_buf_printf(key, "%s=%lld\n", name, value);
}

void bki_cache_key_hex(bki_buf *key, const char *name, const unsigned char *data,
                      size_t n)
{
	char *hex = bki_malloc(2 * n + 1);
	if (!hex) {
		key->failed = true;
		return;
	}
	bki_hex(data, n, hex);
	bki_buf_printf(key, "%s=%s\n", name, hex);
	free(hex);
}

void bki_cache_key_digest(const bki_buf *key, unsigned char out[BK_SHA256_SIZE])
{
	bki_sha256(key->len ? key->data : "", key->len, out);
}

static bool same_key(const char *stored, size_t len, const bki_buf *key)
{
	return len == key->len && (!len || !memcmp(stored, key->data, len));
}

/* ---- memory ------------------------------------------------------------ */

typedef struct entry {
	unsigned char digest[BK_SHA256_SIZE];
	char *key; /* the key material */
	size_t klen;
	char *data;
	size_t n;
	struct entry *prev, *next; /* most recently used first */
	bool used;                 /* slot holds an entry */
	bool gone;                 /* slot held one (a tombstone) */
} entry;

struct bki_cache {
	char *dir;  /* the folder, or NULL */
	char *kind; /* its subfolder */
	size_t budget, bytes;
	entry *slots;
	size_t nslots, nused, ngone;
	entry *head, *tail;
	size_t discarded;
};

bki_cache *bki_cache_new(const char *dir, const char *kind, size_t budget)
{
	bki_cache *c = bki_calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (dir) {
		c->dir = bki_strdup(dir);
		c->kind = bki_strdup(kind);
	}
	c->budget = budget;
	c->nslots = 64;
	c->slots = bki_calloc(c->nslots, sizeof *c->slots);
	if (!c->slots || (dir && (!c->dir || !c->kind))) {
		bki_cache_free(c);
		return NULL;
	}
	return c;
}

void bki_cache_free(bki_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->slots && i < c->nslots; i++)
		if (c->slots[i].used) {
			free(c->slots[i].data);
			free(c->slots[i].key);
		}
	free(c->slots);
	free(c->dir);
	free(c->kind);
	free(c);
}

size_t bki_cache_discarded(const bki_cache *c)
{
	return c ? c->discarded : 0;
}

static size_t slot_of(const bki_cache *c, const unsigned char *digest)
{
	uint64_t h = 0;
	memcpy(&h, digest, sizeof h); /* a digest: any bytes will do */
	return (size_t)h & (c->nslots - 1);
}

static entry *find(bki_cache *c, const unsigned char *digest)
{
	for (size_t i = slot_of(c, digest), k = 0; k < c->nslots;
	     i = (i + 1) & (c->nslots - 1), k++) {
		entry *e = &c->slots[i];
		if (!e->used && !e->gone)
			return NULL;
		if (e->used && !memcmp(e->digest, digest, BK_SHA256_SIZE))
			return e;
	}
	return NULL;
}

static void unlink_lru(bki_cache *c, entry *e)
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

static void push_front(bki_cache *c, entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void drop(bki_cache *c, entry *e)
{
	unlink_lru(c, e);
	c->bytes -= e->n + e->klen;
	free(e->data);
	free(e->key);
	e->data = e->key = NULL;
	e->used = false;
	e->gone = true;
	c->nused--;
	c->ngone++;
}

/* Rebuilds the table at a size that keeps it under half full; false,
 * the table as it was, when memory runs out. */
static bool rehash(bki_cache *c)
{
	size_t n = 64;
	while (n < 4 * (c->nused + 1))
		n *= 2;
	entry *old = c->slots;
	/* the LRU order, oldest last, to rebuild the list */
	entry **order = bki_calloc(c->nused + 1, sizeof *order);
	entry *slots = bki_calloc(n, sizeof *c->slots);
	if (!order || !slots) {
		free(order);
		free(slots);
		return false;
	}
	size_t k = 0;
	for (entry *e = c->head; e; e = e->next)
		order[k++] = e;
	c->slots = slots;
	c->nslots = n;
	c->ngone = 0;
	c->head = c->tail = NULL;
	for (size_t j = k; j-- > 0;) {
		size_t i = slot_of(c, order[j]->digest);
		while (c->slots[i].used)
			i = (i + 1) & (n - 1);
		c->slots[i] = *order[j];
		c->slots[i].prev = c->slots[i].next = NULL;
		push_front(c, &c->slots[i]);
	}
	free(order);
	free(old);
	return true;
}

/* Keeps the value in memory; without the memory for it, it is not kept
 * (a cache may forget). */
static void remember(bki_cache *c, const unsigned char *digest, const bki_buf *key,
                     const void *data, size_t n)
{
	entry *e = find(c, digest);
	if (e)
		drop(c, e); /* the newer value replaces it */
	if (n + key->len > c->budget)
		return;
	while (c->bytes + n + key->len > c->budget && c->tail)
		drop(c, c->tail);
	if (2 * (c->nused + c->ngone + 1) > c->nslots && !rehash(c))
		return;
	char *kcopy = bki_malloc(key->len ? key->len : 1);
	char *dcopy = bki_malloc(n ? n : 1);
	if (!kcopy || !dcopy) {
		free(kcopy);
		free(dcopy);
		return;
	}
	size_t i = slot_of(c, digest);
	while (c->slots[i].used)
		i = (i + 1) & (c->nslots - 1);
	e = &c->slots[i];
	if (e->gone)
		c->ngone--;
	memset(e, 0, sizeof *e);
	memcpy(e->digest, digest, BK_SHA256_SIZE);
	e->klen = key->len;
	e->key = kcopy;
	if (key->len)
		memcpy(e->key, key->data, key->len);
	e->data = dcopy;
	if (n)
		memcpy(e->data, data, n);
	e->n = n;
	e->used = true;
	c->nused++;
	c->bytes += n + key->len;
	push_front(c, e);
}

/* ---- disk -------------------------------------------------------------- */

/* An entry on disk:
 *   "BKCACHE2"                  8 bytes, the format
 *   key length, value length    8 bytes each, little-endian
 *   the key material            (text, "name=value" lines)
 *   the value
 *   SHA-256 of all the above    32 bytes
 * Entries of other formats (BKCACHE1 had no key) lie under other names
 * and are never read. */
static const char magic[8] = {'B', 'K', 'C', 'A', 'C', 'H', 'E', '2'};
#define HEAD 24
/* No entry is larger (a clip is at most 8 MB). */
#define MAX_ENTRY ((uint64_t)64 << 20)

/* The entry's folder KIND/XX, opened without following a symbolic link
 * below the cache folder; with make, made where missing. -1 with errno. */
static int open_folder(const bki_cache *c, const char *hex, bool make)
{
	/* the cache folder itself is the caller's: it may be a link */
	int top = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0 && errno == ENOENT && make && bki_mkdirs(c->dir) == 0)
		top = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return -1;
	char xx[3] = {hex[0], hex[1], '\0'};
	const char *names[2] = {c->kind, xx};
	int fd = top;
	for (int i = 0; i < 2 && fd >= 0; i++) {
		if (make && mkdirat(fd, names[i], 0777) != 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		int next = openat(fd, names[i],
		                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(fd);
		errno = e;
		fd = next;
	}
	return fd;
}

static uint64_t get_u64(const char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Reads the entry of key into out. false: no entry, or one discarded
 * (removed and counted) because it is damaged or holds another key. */
static bool disk_get(bki_cache *c, const unsigned char *digest,
                     const bki_buf *key, bki_buf *out)
{
	char hex[2 * BK_SHA256_SIZE + 1];
	bki_hex(digest, BK_SHA256_SIZE, hex);
	int dir = open_folder(c, hex, false);
	if (dir < 0)
		return false;
	const char *name = hex + 2;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0) {
		/* a symbolic link where an entry goes is not an entry:
		 * unlinkat removes the link itself (anything else that cannot
		 * be opened is a miss) */
		bool link = errno == ELOOP &&
		            fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (link && unlinkat(dir, name, 0) == 0)
			c->discarded++;
		close(dir);
		return false;
	}
	bool ok = fstat(fd, &st) == 0;
	if (!ok || S_ISDIR(st.st_mode)) {
		/* a folder is left alone: a miss, as if absent */
		close(fd);
		close(dir);
		return false;
	}
	ok = S_ISREG(st.st_mode); /* a pipe, say: not an entry */
	uint64_t size = ok ? (uint64_t)st.st_size : 0;
	ok = ok && size >= HEAD + BK_SHA256_SIZE && size <= MAX_ENTRY;
	char *data = ok ? bki_malloc((size_t)size) : NULL;
	ok = ok && data && bki_fd_read_all(fd, data, (size_t)size);
	/* the format, the lengths, the digest, the key */
	uint64_t klen = 0, n = 0;
	if (ok) {
		klen = get_u64(data + 8);
		n = get_u64(data + 16);
		ok = !memcmp(data, magic, 8) && klen <= size && n <= size &&
		     HEAD + klen + n + BK_SHA256_SIZE == size;
	}
	if (ok) {
		unsigned char d[BK_SHA256_SIZE];
		bki_sha256(data, (size_t)(size - BK_SHA256_SIZE), d);
		ok = !memcmp(d, data + size - BK_SHA256_SIZE, BK_SHA256_SIZE);
	}
	ok = ok && same_key(data + HEAD, (size_t)klen, key);
	if (ok) {
		const char *v = data + HEAD + klen;
		bki_buf_addn(out, v, (size_t)n);
		remember(c, digest, key, v, (size_t)n);
		ok = !bki_buf_failed(out); /* out of memory: a miss */
	} else if (data || size < HEAD + BK_SHA256_SIZE || size > MAX_ENTRY) {
		/* discarded: removed, unless another process has put a new entry
		 * in its place since it was read */
		struct stat now;
		if (fstatat(dir, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_ino == st.st_ino && now.st_dev == st.st_dev)
			unlinkat(dir, name, 0);
		c->discarded++;
	}
	free(data);
	close(fd);
	close(dir);
	return ok;
}

static int disk_put(bki_cache *c, const unsigned char *digest, const bki_buf *key,
                    const void *data, size_t n)
{
	char hex[2 * BK_SHA256_SIZE + 1];
	bki_hex(digest, BK_SHA256_SIZE, hex);
	int dir = open_folder(c, hex, true);
	if (dir < 0)
		return -1;
	const char *name = hex + 2;
	/* NAME.tmp-<pid>-<n>, created exclusively (mode 0666 less the umask)
	 * and renamed into place */
	static unsigned long counter;
	bki_buf tmp = {0};
	int fd = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		bki_buf_truncate(&tmp, 0);
		unsigned long k = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
		bki_buf_printf(&tmp, "%s.tmp-%ld-%lu", name, (long)getpid(), k);
		if (bki_buf_failed(&tmp)) {
			errno = ENOMEM;
			break;
		}
		fd = openat(dir, bki_buf_str(&tmp),
		            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int e = errno;
		bki_buf_free(&tmp);
		close(dir);
		errno = e;
		return -1;
	}
	unsigned char head[HEAD], d[BK_SHA256_SIZE];
	memcpy(head, magic, 8);
	put_u64(head + 8, key->len);
	put_u64(head + 16, n);
	bki_hasher *h = bki_hasher_new();
	bki_hasher_add(h, head, HEAD);
	bki_hasher_add(h, key->len ? key->data : "", key->len);
	bki_hasher_add(h, n ? data : "", n);
	bki_hasher_done(h, d);
	/* no fsync: an entry lost in a crash is a miss, a torn one fails its
	 * digest */
	bool ok = bki_fd_write_all(fd, head, HEAD) &&
	          bki_fd_write_all(fd, key->data, key->len) &&
	          bki_fd_write_all(fd, data, n) && bki_fd_write_all(fd, d, sizeof d);
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && renameat(dir, bki_buf_str(&tmp), dir, name) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok)
		unlinkat(dir, bki_buf_str(&tmp), 0);
	bki_buf_free(&tmp);
	close(dir);
	errno = e;
	return ok ? 0 : -1;
}

/* ---- both -------------------------------------------------------------- */

bool bki_cache_get(bki_cache *c, const bki_buf *key, bki_buf *out)
{
	if (bki_buf_failed(key))
		return false;
	unsigned char digest[BK_SHA256_SIZE];
	bki_cache_key_digest(key, digest);
	entry *e = find(c, digest);
	if (e && !same_key(e->key, e->klen, key)) {
		/* another key with the same digest */
		drop(c, e);
		c->discarded++;
		e = NULL;
	}
	if (e) {
		unlink_lru(c, e);
		push_front(c, e);
		bki_buf_addn(out, e->data, e->n);
		return !bki_buf_failed(out);
	}
	return c->dir && disk_get(c, digest, key, out);
}

int bki_cache_put(bki_cache *c, const bki_buf *key, const void *data, size_t n)
{
	if (bki_buf_failed(key)) {
		errno = ENOMEM;
		return -1;
	}
	unsigned char digest[BK_SHA256_SIZE];
	bki_cache_key_digest(key, digest);
	remember(c, digest, key, data, n);
	return c->dir ? disk_put(c, digest, key, data, n) : 0;
}
