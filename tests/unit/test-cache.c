/* The cache (src/util/cache.c): key material, the memory LRU, and disk
 * entries that answer only the key they were stored for: another entry
 * put in an entry's place, a truncated one, a flipped byte of the value
 * or of the stored key, an entry of the old format and symbolic links are
 * each discarded (removed) and counted, never read as a value. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "tap.h"
#include "util/cache.h"

static void key_of(unsigned k, bki_buf *key)
{
	bki_buf_truncate(key, 0);
	bki_cache_key_str(key, "cache", "test");
	bki_cache_key_int(key, "n", k);
}

static void test_key(void)
{
	bki_buf a = {0}, b = {0};
	bki_cache_key_str(&a, "text", "a\nb\\c\x01\x7f Ә");
	TAP_STREQ(bki_buf_str(&a), "text=a\\nb\\\\c\\x01\\x7f Ә\n",
	          "key material: one line per field, control characters and "
	          "backslashes escaped, UTF-8 kept");
	bki_buf_truncate(&a, 0);
	bki_cache_key_str(&a, "text", "x\ny=1");
	bki_cache_key_str(&b, "text", "x");
	bki_cache_key_str(&b, "y", "1");
	TAP_OK(a.len != b.len || memcmp(a.data, b.data, a.len),
	       "a value cannot pass for two fields");
	bki_buf_truncate(&a, 0);
	bki_cache_key_int(&a, "rate", -125);
	unsigned char d[BK_SHA256_SIZE];
	bki_cache_key_hex(&a, "id", (const unsigned char *)"\x01\xab", 2);
	TAP_STREQ(bki_buf_str(&a), "rate=-125\nid=01ab\n", "numbers and hex");
	bki_cache_key_digest(&a, d);
	unsigned char e[BK_SHA256_SIZE];
	bki_sha256(a.data, a.len, e);
	TAP_OK(!memcmp(d, e, sizeof d), "an entry is named by the SHA-256 of its key");
	bki_buf_free(&a);
	bki_buf_free(&b);
}

static void test_memory(void)
{
	bki_buf key = {0};
	key_of(0, &key);
	size_t per = 100 + key.len; /* a value of 100 bytes and its key */
	/* memory only: a budget of 10 entries */
	bki_cache *c = bki_cache_new(NULL, "x", 10 * per + per / 2);
	char v[100];
	for (unsigned k = 0; k < 500; k++) {
		memset(v, (int)(k & 0xFF), sizeof v);
		key_of(k + 1000, &key); /* keys of one length */
		bki_cache_put(c, &key, v, sizeof v);
	}
	int newest = 1, oldest_gone = 1;
	for (unsigned k = 0; k < 500; k++) {
		bki_buf b = {0};
		key_of(k + 1000, &key);
		bool hit = bki_cache_get(c, &key, &b);
		if (k >= 490)
			newest &= hit && b.len == 100 && (unsigned char)b.data[0] == (k & 0xFF);
		else
			oldest_gone &= !hit;
		bki_buf_free(&b);
	}
	TAP_OK(newest, "the cache keeps the 10 newest entries within its budget "
	       "(keys counted), intact");
	TAP_OK(oldest_gone, "older entries were evicted");
	/* a get makes an entry recent: it survives the next evictions */
	key_of(1490, &key);
	bki_buf b = {0};
	bki_cache_get(c, &key, &b);
	bki_buf_free(&b);
	bki_buf k2 = {0};
	for (unsigned k = 2000; k < 2009; k++) {
		key_of(k, &k2);
		bki_cache_put(c, &k2, v, sizeof v);
	}
	bki_buf_free(&k2);
	TAP_OK(bki_cache_get(c, &key, &b), "an entry just read is kept as recent");
	bki_buf_free(&b);
	key_of(1491, &key);
	TAP_OK(!bki_cache_get(c, &key, &b), "the least recently used one went instead");
	bki_buf_free(&b);
	/* a put replaces the value of its key */
	key_of(7, &key);
	bki_cache_put(c, &key, "old", 3);
	bki_cache_put(c, &key, "new", 3);
	TAP_OK(bki_cache_get(c, &key, &b) && b.len == 3 && !memcmp(b.data, "new", 3),
	       "a put replaces the value stored under its key");
	bki_buf_free(&b);
	TAP_OK(bki_cache_discarded(c) == 0, "nothing discarded in memory");
	bki_cache_free(c);
	bki_buf_free(&key);
}

/* The entry of key in dir/kind. */
static void entry_path(const char *dir, const bki_buf *key, char *path, size_t n)
{
	unsigned char d[BK_SHA256_SIZE];
	char hex[65];
	bki_cache_key_digest(key, d);
	bki_hex(d, BK_SHA256_SIZE, hex);
	snprintf(path, n, "%s/kind/%.2s/%s", dir, hex, hex + 2);
}

static bool write_bytes(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static unsigned long long u64_at(const char *p)
{
	unsigned long long v = 0;
	for (int i = 0; i < 8; i++)
		v |= (unsigned long long)(unsigned char)p[i] << (8 * i);
	return v;
}

/* A fresh cache object (another process) asks for key: true when it is a
 * miss, the entry was discarded and counted once, and its file is gone. */
static bool discarded(const char *dir, const bki_buf *key, const char *path)
{
	bki_cache *r = bki_cache_new(dir, "kind", 1 << 20);
	bki_buf b = {0};
	bool hit = bki_cache_get(r, key, &b);
	bool ok = !hit && bki_cache_discarded(r) == 1 && access(path, F_OK) != 0;
	bki_buf_free(&b);
	bki_cache_free(r);
	return ok;
}

static bool put(const char *dir, const bki_buf *key, const char *value)
{
	bki_cache *w = bki_cache_new(dir, "kind", 0);
	bool ok = bki_cache_put(w, key, value, strlen(value)) == 0;
	bki_cache_free(w);
	return ok;
}

static bool get_is(const char *dir, const bki_buf *key, const char *value)
{
	bki_cache *r = bki_cache_new(dir, "kind", 1 << 20);
	bki_buf b = {0};
	bool ok = bki_cache_get(r, key, &b) && b.len == strlen(value) &&
	          !memcmp(b.data, value, b.len) && bki_cache_discarded(r) == 0;
	bki_buf_free(&b);
	bki_cache_free(r);
	return ok;
}

static void test_disk(void)
{
	char dir[] = "/tmp/bk-test-cache-XXXXXX";
	TAP_OK(mkdtemp(dir) != NULL, "a cache folder");
	bki_buf seven = {0}, eight = {0};
	key_of(7, &seven);
	key_of(8, &eight);
	char p7[256], p8[256];
	entry_path(dir, &seven, p7, sizeof p7);
	entry_path(dir, &eight, p8, sizeof p8);

	TAP_OK(put(dir, &seven, "seven") && put(dir, &eight, "eight!"),
	       "entries are written to disk");
	TAP_OK(get_is(dir, &seven, "seven") && get_is(dir, &eight, "eight!"),
	       "another cache object reads them back");

	/* the format: BKCACHE2, key length, value length, key, value, SHA-256 */
	size_t n = 0;
	char *data = slurp(p7, &n);
	bool fmt = data && n == 24 + seven.len + 5 + 32 &&
	           !memcmp(data, "BKCACHE2", 8) && u64_at(data + 8) == seven.len &&
	           u64_at(data + 16) == 5 &&
	           !memcmp(data + 24, seven.data, seven.len) &&
	           !memcmp(data + 24 + seven.len, "seven", 5);
	unsigned char d[BK_SHA256_SIZE];
	if (fmt) {
		bki_sha256(data, n - 32, d);
		fmt = !memcmp(d, data + n - 32, 32);
	}
	TAP_OK(fmt, "the entry at kind/XX/REST holds its format, lengths, key "
	       "material, value and the SHA-256 of all of them");

	/* (a) another intact entry in its place */
	TAP_OK(data && write_bytes(p8, data, n) && discarded(dir, &eight, p8),
	       "an intact entry of another key in an entry's place is "
	       "discarded, removed and counted");
	TAP_OK(get_is(dir, &seven, "seven"), "the entry of that key still reads");
	TAP_OK(put(dir, &eight, "eight!") && get_is(dir, &eight, "eight!"),
	       "the discarded value is stored again");
	/* (b) truncated */
	TAP_OK(truncate(p7, (off_t)n - 1) == 0 && discarded(dir, &seven, p7),
	       "a truncated entry is discarded");
	/* (c) a byte of the value flipped */
	TAP_OK(put(dir, &seven, "seven"), "stored again");
	data[24 + seven.len + 2] ^= 1;
	TAP_OK(write_bytes(p7, data, n) && discarded(dir, &seven, p7),
	       "an entry whose value has a flipped bit is discarded");
	data[24 + seven.len + 2] ^= 1;
	/* (d) a byte of the stored key flipped, the digest made to agree: the
	 * comparison of keys alone finds it */
	data[24 + seven.len - 2] ^= 1;
	bki_sha256(data, n - 32, d);
	memcpy(data + n - 32, d, 32);
	TAP_OK(write_bytes(p7, data, n) && discarded(dir, &seven, p7),
	       "an entry whose stored key differs by one bit (its digest "
	       "agreeing) is discarded");
	data[24 + seven.len - 2] ^= 1;
	/* the old format */
	char old[64];
	memcpy(old, "BKCACHE1", 8);
	memset(old + 8, 0, sizeof old - 8);
	old[8] = 5;
	memcpy(old + 16, "seven", 5);
	TAP_OK(write_bytes(p7, old, 16 + 5 + 32) && discarded(dir, &seven, p7),
	       "an entry of the old format (no key) is discarded");
	TAP_OK(write_bytes(p7, "", 0) && discarded(dir, &seven, p7),
	       "an empty file is discarded");
	free(data);

	/* a symbolic link where an entry goes: not followed, removed */
	char target[300];
	snprintf(target, sizeof target, "%s/outside", dir);
	TAP_OK(put(dir, &seven, "seven") && rename(p7, target) == 0 &&
	       symlink(target, p7) == 0 && discarded(dir, &seven, p7) &&
	       access(target, F_OK) == 0,
	       "a symbolic link in an entry's place is discarded, its target "
	       "left alone");
	/* and a put over it replaces the link, not its target */
	char *before = slurp(target, &n);
	size_t nbefore = n;
	TAP_OK(symlink(target, p7) == 0 && put(dir, &seven, "SEVEN") &&
	       get_is(dir, &seven, "SEVEN"), "a put replaces a link in its place");
	char *after = slurp(target, &n);
	TAP_OK(before && after && n == nbefore && !memcmp(before, after, n),
	       "the link's target is unchanged");
	free(before);
	free(after);
	/* a symbolic link where the folder XX goes */
	char folder[300], moved[300];
	snprintf(folder, sizeof folder, "%.*s", (int)(strrchr(p7, '/') - p7), p7);
	snprintf(moved, sizeof moved, "%s/moved", dir);
	TAP_OK(rename(folder, moved) == 0 && symlink(moved, folder) == 0,
	       "the entry's folder replaced by a link to it");
	bki_cache *r = bki_cache_new(dir, "kind", 1 << 20);
	bki_buf b = {0};
	TAP_OK(!bki_cache_get(r, &seven, &b), "an entry behind a linked folder "
	       "is not read");
	TAP_OK(bki_cache_put(r, &seven, "x", 1) != 0, "nor written");
	bki_buf_free(&b);
	bki_cache_free(r);
	char inside[400];
	snprintf(inside, sizeof inside, "%s/%s", moved, strrchr(p7, '/') + 1);
	data = slurp(inside, &n);
	TAP_OK(data && n == 24 + seven.len + 5 + 32 &&
	       !memcmp(data + 24 + seven.len, "SEVEN", 5),
	       "the linked folder's entry is unchanged");
	free(data);

	bki_buf_free(&seven);
	bki_buf_free(&eight);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	TAP_OK(system(cmd) == 0, "cleaned up");
}

int main(void)
{
	test_key();
	test_memory();
	test_disk();
	return tap_done();
}
