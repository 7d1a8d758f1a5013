/* Private helpers: memory, growable buffers, an arena for strings, UTF-8. */
#ifndef BK_UTIL_H
#define BK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>

/* The library's own allocation: NULL (errno ENOMEM) when memory runs
 * out, never an abort; the caller returns BK_ERR_NOMEM (docs/decisions.md,
 * "Out of memory"). A size of 0 allocates 1 byte. bki_calloc and
 * bki_reallocarray check n * size for overflow; a failed bki_realloc leaves
 * p as it was. Free with free(). */
void *bki_malloc(size_t n);
void *bki_calloc(size_t n, size_t size);
void *bki_realloc(void *p, size_t n);
void *bki_reallocarray(void *p, size_t n, size_t size);
/* The one way an array grows: room for need elements in the array *arr
 * (each size bytes, room for *cap): *cap doubles (from 64, or from what
 * the caller allocated first) until need fit, so appending stays linear.
 * false when memory runs out (errno ENOMEM), *arr and *cap then as they
 * were. The array is passed through a void * of the caller's, not cast:
 *
 *	void *v = l->lines;
 *	bool room = bki_array_room(&v, &l->cap, l->n, sizeof *l->lines);
 *	l->lines = v;
 *
 * bki_array_room: room for one more after n used (need n + 1). */
bool bki_array_reserve(void **arr, size_t *cap, size_t need, size_t size);
bool bki_array_room(void **arr, size_t *cap, size_t n, size_t size);
char *bki_strdup(const char *s);
char *bki_strndup(const char *s, size_t n);

/* Test hook (hidden, not exported): after n more allocations by the
 * functions above, every one fails until the next call; -1 restores
 * normal allocation. bki_alloc_count is the number of allocations since
 * the last call. Process-wide. */
void bki_alloc_fail_after(long n);
long bki_alloc_count(void);

/* Growable NUL-terminated byte buffer. Zero-initialise, free with buf_free.
 * When memory runs out the buffer fails for good (until bki_buf_free):
 * appending does nothing more, bki_buf_failed is true and bki_buf_steal
 * returns NULL. Whoever uses the text checks bki_buf_failed first. */
typedef struct bki_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
} bki_buf;

void bki_buf_free(bki_buf *b);
/* Room for extra more bytes; false (and the buffer failed) without. */
bool bki_buf_reserve(bki_buf *b, size_t extra);
bool bki_buf_failed(const bki_buf *b);
void bki_buf_addn(bki_buf *b, const char *s, size_t n);
void bki_buf_add(bki_buf *b, const char *s);
void bki_buf_addc(bki_buf *b, char c);
void bki_buf_printf(bki_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bki_buf_vprintf(bki_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void bki_buf_truncate(bki_buf *b, size_t len);
/* Hands the string over to the caller and resets the buffer; NULL when
 * the buffer failed (its memory is freed) or memory runs out. */
char *bki_buf_steal(bki_buf *b);
const char *bki_buf_str(const bki_buf *b);

/* Appends "[i]" (a JSON path index) without going through printf. */
void bki_buf_add_index(bki_buf *b, size_t i);

/* Appends s as XML text or an attribute value (<, >, &, " escaped). */
void bki_buf_add_xml(bki_buf *b, const char *s);

/* Appends s as a JSON string literal (with quotes). */
void bki_buf_add_json_string(bki_buf *b, const char *s);

/* Arena: many small allocations freed at once. The allocators return NULL
 * when memory runs out. */
typedef struct bki_arena_block bki_arena_block;
typedef struct bki_arena {
	bki_arena_block *head;
} bki_arena;

void *bki_arena_alloc(bki_arena *a, size_t n);
char *bki_arena_strdup(bki_arena *a, const char *s);
char *bki_arena_strndup(bki_arena *a, const char *s, size_t n);
void bki_arena_free(bki_arena *a);

/* qsort(3) that accepts an empty array whose base is NULL (qsort's base
 * must never be NULL, even for no elements). The one way src/ sorts. */
void bki_sort(void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

/* UTF-8. Decodes one code point at s (at most n bytes); returns its length
 * (1..4) and stores it in *cp, or returns 0 for an invalid sequence. */
size_t bki_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* The walk over s[0..n): decodes the character at *i into *cp, moves *i
 * past it and returns its length; 0 (and *i unmoved) at the end or at a
 * byte that does not begin valid UTF-8, which the caller tells apart by
 * *i < n. The one home of every loop over a text's characters:
 *     while ((k = bki_utf8_next(s, n, &i, &cp))) ... */
size_t bki_utf8_next(const char *s, size_t n, size_t *i, uint32_t *cp);
/* Length of the longest valid UTF-8 prefix of s. */
size_t bki_utf8_valid_prefix(const char *s, size_t n);
/* Encodes cp; returns the number of bytes written (1..4) into out[4]. */
size_t bki_utf8_encode(uint32_t cp, char out[4]);
/* Number of code points in s[0..n). s must be valid UTF-8. */
size_t bki_utf8_count(const char *s, size_t n);

/* Letter classes for script checks. */
bool bki_cp_is_latin_letter(uint32_t cp);
bool bki_cp_is_cyrillic_letter(uint32_t cp);
/* Lower-case of Basic/extended Cyrillic and Latin letters; others as is. */
uint32_t bki_cp_lower(uint32_t cp);

/* Finds a word (maximal run of letters) in s that mixes Latin and Cyrillic
 * letters; returns true and sets *word, *len to it. */
bool bki_utf8_mixed_word(const char *s, const char **word, size_t *len);
/* Appends the letters and digits of s in lower case: what a braille reader
 * gets back from cells, and what the checks of admission and verify
 * compare (punctuation is read back by shape and compared by no check).
 * "№" counts as "н": Kazakh and Russian braille write it as н and the
 * number sign. */
void bki_utf8_letters(const char *s, bki_buf *out);

/* True when s is empty or only white space (Unicode spaces included). */
bool bki_str_blank(const char *s);
/* s as words to compare: NFC, case folded (utf8proc), only letters, marks
 * and numbers kept, every run of anything else one space, none at either
 * end; appended to out. «Қасым-Ұлы» and «ҚАСЫМ ҰЛЫ» give the same. For
 * the validator's names that read the same and the import's headers. */
void bki_fold_words(const char *s, bki_buf *out);

/* Writes or reads all n bytes of a file descriptor, again after EINTR.
 * False on an error or, for reading, an early end of file (errno says
 * which error; it is unchanged at an end of file). */
bool bki_fd_write_all(int fd, const void *data, size_t n);
bool bki_fd_read_all(int fd, void *data, size_t n);
/* True when s has a control character (tab and line breaks included). */
bool bki_str_has_control(const char *s);

/* Reading files safely (docs/decisions.md, "Bounds on input").
 *
 * Only regular files are read: a folder, FIFO, device or socket (or a
 * symbolic link to one) is refused before it is opened, so nothing blocks
 * and no device is touched. A file over the cap is refused before a byte
 * of it is read, and reading stops as soon as a file (one that grew, or
 * one whose size the system does not tell) passes the cap.
 *
 * Two caps: the input cap, settable, for what a user gives ballotkit to
 * parse (the definition, the templates folder); and a fixed ceiling of
 * BK_READ_CEILING for every other file read whole (a kit's files that
 * verify reads, data that is hashed): lowering the input cap must not
 * make a hash skip an eSpeak NG dictionary. */

/* The input cap, process-wide: 256 MiB unless set (the public
 * bk_set_max_input_size). */
unsigned long long bki_input_cap(void);
void bki_input_cap_set(unsigned long long bytes);
#define BK_READ_CEILING (1ull << 30) /* 1 GiB */

/* Opens path read-only (close-on-exec) when it is a regular file, and
 * stores its status in *st (st may be NULL). Returns the descriptor, or
 * -1 with errno set and the reason in bki_read_error(): EISDIR for a
 * folder, EINVAL for any other file that is not regular. */
int bki_open_regular(const char *path, struct stat *st);

/* Checks, without opening it, that path is a regular file (or a link to
 * one) of at most the input cap: for a file another library opens by name
 * (a liblouis table in the templates folder). 0, or -1 with errno set and
 * the reason in bki_read_error(), as bki_read_input. */
int bki_check_input(const char *path);

/* Reads a whole regular file of at most the input cap: the definition, a
 * template file. Returns 0 and sets *data (malloc'd, NUL-terminated) and
 * *size, or -1 with errno set (as bki_open_regular; EFBIG for a file over
 * the cap) and the reason in bki_read_error(). */
int bki_read_input(const char *path, char **data, size_t *size);

/* The same for any other file, at most BK_READ_CEILING bytes. */
int bki_read_file(const char *path, char **data, size_t *size);

/* Why this thread's last read, open or check above failed, as a phrase
 * for a message: the system's reason ("No such file or directory"), "it
 * is a FIFO (named pipe), not a regular file; ...", or "it is 300 MiB
 * (314572800 bytes), over the input cap of 256 MiB (268435456 bytes);
 * ...". Valid until the thread's next call of one of them. */
const char *bki_read_error(void);

/* Makes a folder and its parents (mode 0777 less the umask); 0 when path
 * is a folder afterwards, else -1 with errno. */
int bki_mkdirs(const char *path);

/* Numbers formatted in C conventions (a decimal point) for the calling
 * thread, whatever the caller's locale, until leave. */
typedef struct bki_c_numeric {
	locale_t c, old;
} bki_c_numeric;
bki_c_numeric bki_c_numeric_enter(void);
void bki_c_numeric_leave(bki_c_numeric *l);

/* Writing a file safely: bki_atomic_open creates a temporary file beside
 * path (path.tmp-<pid>-<n>, exclusively: never through a link);
 * bki_atomic_commit flushes, closes and renames it into place (0 on
 * success; a link at path is replaced, not followed); bki_atomic_abort
 * closes and removes it. An interrupted or failed write never leaves a
 * half-written file at path. bki_atomic_open_at does the same for the
 * entry name (one component, no '/') of the folder handle at (a copy of
 * the handle is kept until commit or abort), so that nothing resolves a
 * path again between the folder and the file (util/fs.h). */
typedef struct bki_atomic {
	FILE *f;
	char *tmp;
	char *path;
	int at;       /* the folder tmp and path are in, or AT_FDCWD */
	bool own_at;
} bki_atomic;
int bki_atomic_open(bki_atomic *a, const char *path);
int bki_atomic_open_at(bki_atomic *a, int at, const char *name);
int bki_atomic_commit(bki_atomic *a);
/* The same without waiting for the disk (fsync): for a cache, whose
 * entries check themselves and may be lost. */
int bki_atomic_commit_sync(bki_atomic *a, bool sync);
/* Process-wide: while deferred, bki_atomic_commit does not wait for the
 * disk either; whoever defers makes the files durable itself, as the kit
 * builder does for a kit's temporary folder (one syncfs before the kit is
 * swapped into place, instead of one fsync per file). Affects no byte
 * written. */
void bki_atomic_defer_sync(bool defer);
void bki_atomic_abort(bki_atomic *a);

#endif
