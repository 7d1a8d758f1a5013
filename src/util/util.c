#include "util/util.h"

#include <utf8proc.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The test hook: after fail_after more allocations, every allocation
 * fails (-1: never). Atomic, as the kit's threads allocate too. */
static long fail_after = -1;
static long alloc_count;

void bki_alloc_fail_after(long n)
{
	__atomic_store_n(&alloc_count, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_after, n, __ATOMIC_RELAXED);
}

long bki_alloc_count(void)
{
	return __atomic_load_n(&alloc_count, __ATOMIC_RELAXED);
}

static bool alloc_fails(void)
{
	long limit = __atomic_load_n(&fail_after, __ATOMIC_RELAXED);
	long n = __atomic_fetch_add(&alloc_count, 1, __ATOMIC_RELAXED);
	if (limit >= 0 && n >= limit) {
		errno = ENOMEM;
		return true;
	}
	return false;
}

void *bki_malloc(size_t n)
{
	if (alloc_fails())
		return NULL;
	return malloc(n ? n : 1);
}

void *bki_calloc(size_t n, size_t size)
{
	if (alloc_fails())
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *bki_realloc(void *p, size_t n)
{
	if (alloc_fails())
		return NULL;
	return realloc(p, n ? n : 1);
}

void *bki_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return bki_realloc(p, n * size);
}

char *bki_strdup(const char *s)
{
	return bki_strndup(s, strlen(s));
}

char *bki_strndup(const char *s, size_t n)
{
	if (n == SIZE_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	char *p = bki_malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void bki_buf_free(bki_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

bool bki_buf_reserve(bki_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra < b->cap && b->len + 1 <= b->cap - extra)
		return true;
	if (extra > SIZE_MAX - 1 - b->len) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	size_t cap = b->cap ? b->cap * 2 : 64;
	if (cap < need || cap < b->cap)
		cap = need;
	char *data = bki_realloc(b->data, cap);
	if (!data) {
		b->failed = true;
		return false;
	}
	b->data = data;
	b->data[b->len] = '\0'; /* a reserved, still empty buffer is "" */
	b->cap = cap;
	return true;
}

bool bki_buf_failed(const bki_buf *b)
{
	return b->failed;
}

void bki_buf_addn(bki_buf *b, const char *s, size_t n)
{
	if (!bki_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void bki_buf_add(bki_buf *b, const char *s)
{
	bki_buf_addn(b, s, strlen(s));
}

void bki_buf_addc(bki_buf *b, char c)
{
	bki_buf_addn(b, &c, 1);
}

void bki_buf_vprintf(bki_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !bki_buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void bki_buf_printf(bki_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void bki_buf_truncate(bki_buf *b, size_t len)
{
	if (len < b->len && !b->failed) {
		b->len = len;
		b->data[len] = '\0';
	}
}

char *bki_buf_steal(bki_buf *b)
{
	char *s = NULL;
	if (b->failed)
		free(b->data);
	else
		s = b->data ? b->data : bki_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	return s;
}

const char *bki_buf_str(const bki_buf *b)
{
	return b->data ? b->data : "";
}

void bki_buf_add_xml(bki_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': bki_buf_add(b, "&lt;"); break;
		case '>': bki_buf_add(b, "&gt;"); break;
		case '&': bki_buf_add(b, "&amp;"); break;
		case '"': bki_buf_add(b, "&quot;"); break;
		default: bki_buf_addc(b, *s);
		}
	}
}

void bki_buf_add_index(bki_buf *b, size_t i)
{
	char tmp[24];
	size_t n = sizeof tmp;
	tmp[--n] = ']';
	do {
		tmp[--n] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	tmp[--n] = '[';
	bki_buf_addn(b, tmp + n, sizeof tmp - n);
}

void bki_buf_add_json_string(bki_buf *b, const char *s)
{
	bki_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': bki_buf_add(b, "\\\""); break;
		case '\\': bki_buf_add(b, "\\\\"); break;
		case '\n': bki_buf_add(b, "\\n"); break;
		case '\r': bki_buf_add(b, "\\r"); break;
		case '\t': bki_buf_add(b, "\\t"); break;
		default:
			if (*p < 0x20)
				bki_buf_printf(b, "\\u%04x", *p);
			else
				bki_buf_addc(b, (char)*p);
		}
	}
	bki_buf_addc(b, '"');
}

struct bki_arena_block {
	bki_arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *bki_arena_alloc(bki_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	if (a->head)
		a->head->used = (a->head->used + align - 1) / align * align;
	if (!a->head || a->head->used > a->head->cap ||
	    a->head->cap - a->head->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		if (cap > SIZE_MAX - sizeof(bki_arena_block))
			return NULL;
		bki_arena_block *blk = bki_malloc(sizeof(*blk) + cap);
		if (!blk)
			return NULL;
		blk->next = a->head;
		blk->used = 0;
		blk->cap = cap;
		a->head = blk;
	}
	void *p = (char *)a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

/* Strings need no alignment: they are packed byte by byte. */
static char *arena_bytes(bki_arena *a, size_t n)
{
	if (!a->head || a->head->cap - a->head->used < n)
		return bki_arena_alloc(a, n);
	char *p = (char *)a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

char *bki_arena_strndup(bki_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = arena_bytes(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bki_arena_strdup(bki_arena *a, const char *s)
{
	return bki_arena_strndup(a, s, strlen(s));
}

void bki_arena_free(bki_arena *a)
{
	bki_arena_block *b = a->head;
	while (b) {
		bki_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

size_t bki_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

size_t bki_utf8_valid_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = bki_utf8_decode(s + i, n - i, &cp);
		if (!l)
			break;
		i += l;
	}
	return i;
}

size_t bki_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t bki_utf8_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

bool bki_cp_is_latin_letter(uint32_t cp)
{
	/* Basic Latin, Latin-1, Extended-A/B, IPA (ə U+0259, a common
	 * stand-in for Cyrillic ә), Latin Extended Additional */
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 0xC0 && cp <= 0x2AF && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF);
}

bool bki_cp_is_cyrillic_letter(uint32_t cp)
{
	return (cp >= 0x400 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x52F);
}

uint32_t bki_cp_lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 0x20;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
	    (cp >= 0x4D0 && cp <= 0x52F))
		return cp | 1u;
	if (cp >= 0x4C1 && cp <= 0x4CE)
		return (cp & 1u) ? cp + 1 : cp;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 0x20;
	return cp;
}

bool bki_utf8_mixed_word(const char *s, const char **w, size_t *wn)
{
	size_t n = strlen(s), i = 0, start = 0;
	bool lat = false, cyr = false, in = false;
	while (i <= n) {
		uint32_t cp = 0;
		size_t l = i < n ? bki_utf8_decode(s + i, n - i, &cp) : 1;
		if (!l)
			l = 1;
		bool isl = i < n && bki_cp_is_latin_letter(cp);
		bool isc = i < n && bki_cp_is_cyrillic_letter(cp);
		if (isl || isc) {
			if (!in) {
				in = true;
				start = i;
				lat = cyr = false;
			}
			lat |= isl;
			cyr |= isc;
		} else if (in) {
			in = false;
			if (lat && cyr) {
				*w = s + start;
				*wn = i - start;
				return true;
			}
		}
		i += l;
	}
	return false;
}

void bki_sort(void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

size_t bki_utf8_next(const char *s, size_t n, size_t *i, uint32_t *cp)
{
	if (*i >= n)
		return 0;
	size_t k = bki_utf8_decode(s + *i, n - *i, cp);
	*i += k;
	return k;
}

bool bki_str_blank(const char *s)
{
	size_t n = strlen(s), i = 0;
	uint32_t cp;
	while (bki_utf8_next(s, n, &i, &cp)) {
		bool space = cp == ' ' || (cp >= 0x09 && cp <= 0x0D) ||
		             cp == 0xA0 || cp == 0x1680 ||
		             (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
		             cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
		             cp == 0x3000 || cp == 0xFEFF;
		if (!space)
			return false;
	}
	return i == n; /* not blank: a byte that is not UTF-8 */
}

bool bki_str_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7F)
			return true;
	return false;
}

/* The reason of this thread's last refused or failed read. */
static __thread char read_err[512];

const char *bki_read_error(void)
{
	return read_err;
}

static void read_failed(int err)
{
	snprintf(read_err, sizeof read_err, "%s", strerror(err));
	errno = err;
}

/* "256 MiB (268435456 bytes)", "1.5 KiB (1536 bytes)", "17 bytes":
 * integers only, so no locale puts a comma in. */
static void size_text(char *out, size_t n, unsigned long long v)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
	int u = -1;
	unsigned long long scale = 1;
	while (u < 3 && v >= scale * 1024) {
		scale *= 1024;
		u++;
	}
	if (u < 0) {
		snprintf(out, n, "%llu bytes", v);
	} else if (v % scale == 0) {
		snprintf(out, n, "%llu %s (%llu bytes)", v / scale, unit[u], v);
	} else {
		unsigned long long tenths = v % scale * 10 / scale;
		snprintf(out, n, "%llu.%llu %s (%llu bytes)", v / scale, tenths,
		         unit[u], v);
	}
}

/* BK_MAX_INPUT_SIZE_DEFAULT (ballotkit/diag.h), which util does not include */
static unsigned long long input_cap = 256ull << 20;

unsigned long long bki_input_cap(void)
{
	return __atomic_load_n(&input_cap, __ATOMIC_RELAXED);
}

void bki_input_cap_set(unsigned long long bytes)
{
	__atomic_store_n(&input_cap, bytes, __ATOMIC_RELAXED);
}

/* Refuses a file that is not regular, naming what it is. */
static int not_regular(mode_t mode)
{
	const char *what = S_ISDIR(mode) ? "a folder"
	                   : S_ISFIFO(mode) ? "a FIFO (named pipe)"
	                   : S_ISCHR(mode) ? "a character device"
	                   : S_ISBLK(mode) ? "a block device"
	                   : S_ISSOCK(mode) ? "a socket" : "a special file";
	snprintf(read_err, sizeof read_err,
	         "it is %s, not a regular file; only regular files are read",
	         what);
	errno = S_ISDIR(mode) ? EISDIR : EINVAL;
	return -1;
}

int bki_open_regular(const char *path, struct stat *st)
{
	/* stat first, following links: a link to a regular file is read,
	 * anything else is refused without being opened, so no FIFO can
	 * block the open and no device sees one. The open then does not
	 * block either (O_NONBLOCK), in case the path was replaced in
	 * between, and fstat checks what was opened. */
	struct stat s;
	if (stat(path, &s) != 0) {
		read_failed(errno);
		return -1;
	}
	if (!S_ISREG(s.st_mode))
		return not_regular(s.st_mode);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		read_failed(errno);
		return -1;
	}
	if (fstat(fd, &s) != 0) {
		int e = errno;
		close(fd);
		read_failed(e);
		return -1;
	}
	if (!S_ISREG(s.st_mode)) {
		close(fd);
		return not_regular(s.st_mode);
	}
	/* a regular file ignores O_NONBLOCK; clear it for whoever reads on */
	int fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (st)
		*st = s;
	read_err[0] = '\0';
	return fd;
}

/* Refuses a file over the cap; size is the file's size, or 0 when it is
 * only known to be larger than the cap. */
static int too_big(unsigned long long size, unsigned long long cap, bool input)
{
	char sz[96], cp[96];
	size_text(sz, sizeof sz, size);
	size_text(cp, sizeof cp, cap);
	snprintf(read_err, sizeof read_err, "it is %s%s, over the %s of %s%s",
	         size ? "" : "larger than ", size ? sz : cp,
	         input ? "input cap" : "limit on a file read whole", cp,
	         input ? "; ballotkit's --max-input-size raises the cap" : "");
	errno = EFBIG;
	return -1;
}

int bki_check_input(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		read_failed(errno);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return not_regular(st.st_mode);
	unsigned long long cap = bki_input_cap();
	if (st.st_size > 0 && (unsigned long long)st.st_size > cap)
		return too_big((unsigned long long)st.st_size, cap, true);
	read_err[0] = '\0';
	return 0;
}

static int read_capped(const char *path, unsigned long long cap, bool input,
                       char **data, size_t *size)
{
	struct stat st;
	int fd = bki_open_regular(path, &st);
	if (fd < 0)
		return -1;
	if (cap > SIZE_MAX - 2)
		cap = SIZE_MAX - 2;
	/* refused before a byte is read */
	if (st.st_size > 0 && (unsigned long long)st.st_size > cap) {
		close(fd);
		return too_big((unsigned long long)st.st_size, cap, input);
	}
	bki_buf b = {0};
	/* a regular file's size reserved up front, so a large definition is
	 * held once, not in a doubling buffer; one byte more to see the end */
	int err = 0;
	if (!bki_buf_reserve(&b, (size_t)(st.st_size > 0 ? st.st_size : 0) + 1))
		err = ENOMEM;
	while (!err) {
		if (b.len > cap) {
			/* it grew, or told no size (a file in /proc) */
			bki_buf_free(&b);
			close(fd);
			return too_big(0, cap, input);
		}
		if (b.cap - b.len < 2 &&
		    !bki_buf_reserve(&b, b.len < 65536 ? 65536 : b.len)) {
			err = ENOMEM;
			break;
		}
		size_t room = b.cap - b.len - 1;
		if (room > cap + 1 - b.len)
			room = cap + 1 - b.len;
		ssize_t got = read(fd, b.data + b.len, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = errno;
			break;
		}
		if (got == 0)
			break;
		b.len += (size_t)got;
		b.data[b.len] = '\0';
	}
	close(fd);
	if (err) {
		bki_buf_free(&b);
		read_failed(err);
		return -1;
	}
	*size = b.len;
	*data = bki_buf_steal(&b);
	if (!*data) {
		read_failed(ENOMEM);
		return -1;
	}
	return 0;
}

int bki_read_input(const char *path, char **data, size_t *size)
{
	return read_capped(path, bki_input_cap(), true, data, size);
}

int bki_read_file(const char *path, char **data, size_t *size)
{
	return read_capped(path, BK_READ_CEILING, false, data, size);
}

/* Creates the temporary file of *a beside name in the folder at
 * (AT_FDCWD: name is a path). */
static int atomic_create(bki_atomic *a, int at, const char *name)
{
	/* name.tmp-<pid>-<n>, created exclusively with mode 0666 less the
	 * umask (as any output file): no randomness, no umask juggling.
	 * O_EXCL never follows a link, and the rename that ends the write
	 * replaces a link at name instead of following it. */
	static unsigned long counter;
	int fd = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		bki_buf t = {0};
		unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
		bki_buf_printf(&t, "%s.tmp-%ld-%lu", name, (long)getpid(), n);
		if (bki_buf_failed(&t)) {
			errno = ENOMEM;
			return -1;
		}
		fd = openat(at, bki_buf_str(&t), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		            0666);
		if (fd >= 0) {
			a->tmp = bki_buf_steal(&t); /* not NULL: t holds a name */
		} else
			bki_buf_free(&t);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	if (fd < 0)
		return -1;
	a->f = fdopen(fd, "wb");
	if (!a->f) {
		int e = errno;
		close(fd);
		unlinkat(at, a->tmp, 0);
		free(a->tmp);
		a->tmp = NULL;
		errno = e;
		return -1;
	}
	a->path = bki_strdup(name);
	if (!a->path) {
		fclose(a->f);
		a->f = NULL;
		unlinkat(at, a->tmp, 0);
		free(a->tmp);
		a->tmp = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int bki_atomic_open(bki_atomic *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->at = AT_FDCWD;
	return atomic_create(a, AT_FDCWD, path);
}

int bki_atomic_open_at(bki_atomic *a, int at, const char *name)
{
	memset(a, 0, sizeof *a);
	a->at = AT_FDCWD;
	if (!name || !*name || strchr(name, '/')) {
		errno = EINVAL;
		return -1;
	}
	int own = fcntl(at, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return -1;
	if (atomic_create(a, own, name)) {
		int e = errno;
		close(own);
		errno = e;
		return -1;
	}
	a->at = own;
	a->own_at = true;
	return 0;
}

/* Closes the folder handle of an _at writer and clears *a. */
static void atomic_done(bki_atomic *a)
{
	if (a->own_at)
		close(a->at);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	a->at = AT_FDCWD;
}

static bool sync_deferred;

void bki_atomic_defer_sync(bool defer)
{
	sync_deferred = defer;
}

int bki_atomic_commit(bki_atomic *a)
{
	return bki_atomic_commit_sync(a, !sync_deferred);
}

int bki_atomic_commit_sync(bki_atomic *a, bool sync)
{
	int rc = 0;
	if (fflush(a->f) != 0 || ferror(a->f) || (sync && fsync(fileno(a->f)) != 0))
		rc = -1;
	if (fclose(a->f) != 0)
		rc = -1;
	a->f = NULL;
	if (rc == 0 && renameat(a->at, a->tmp, a->at, a->path) != 0)
		rc = -1;
	if (rc != 0) {
		int e = errno;
		unlinkat(a->at, a->tmp, 0);
		errno = e;
	}
	int e = errno;
	atomic_done(a);
	errno = e;
	return rc;
}

void bki_atomic_abort(bki_atomic *a)
{
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlinkat(a->at, a->tmp, 0);
	atomic_done(a);
}

bki_c_numeric bki_c_numeric_enter(void)
{
	bki_c_numeric l;
	l.c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	l.old = l.c ? uselocale(l.c) : (locale_t)0;
	return l;
}

void bki_c_numeric_leave(bki_c_numeric *l)
{
	if (l->c) {
		uselocale(l->old);
		freelocale(l->c);
		l->c = (locale_t)0;
	}
}

int bki_mkdirs(const char *path)
{
	char *p = bki_strdup(path);
	if (!p)
		return -1;
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char saved = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				rc = -1;
			*s = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) != 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
	}
	return rc;
}

void bki_utf8_letters(const char *s, bki_buf *out)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(s + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		if (cp == 0x2116)
			cp = 0x043D;
		cp = bki_cp_lower(cp);
		if ((cp >= '0' && cp <= '9') || bki_cp_is_latin_letter(cp) ||
		    bki_cp_is_cyrillic_letter(cp)) {
			char u[4];
			bki_buf_addn(out, u, bki_utf8_encode(cp, u));
		}
		i += k;
	}
}

bool bki_fd_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

bool bki_fd_read_all(int fd, void *data, size_t n)
{
	char *p = data;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

void bki_fold_words(const char *s, bki_buf *out)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s,
	                                  (utf8proc_ssize_t)strlen(s), &m,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                  UTF8PROC_CASEFOLD);
	if (n == UTF8PROC_ERROR_NOMEM)
		out->failed = true;
	size_t start = out->len;
	bool gap = false;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(m + i, n - i, &cp);
		if (l <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
			if (gap && out->len > start)
				bki_buf_addc(out, ' ');
			bki_buf_addn(out, (const char *)m + i, (size_t)l);
			gap = false;
		} else {
			gap = true;
		}
		i += l;
	}
	free(m);
}

bool bki_array_reserve(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t more = *cap ? *cap : 64;
	while (more < need)
		more = more > SIZE_MAX / 2 ? need : 2 * more;
	void *p = bki_reallocarray(*arr, more, size);
	if (!p)
		return false;
	*arr = p;
	*cap = more;
	return true;
}

bool bki_array_room(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n == SIZE_MAX) {
		errno = ENOMEM;
		return false;
	}
	return bki_array_reserve(arr, cap, n + 1, size);
}
