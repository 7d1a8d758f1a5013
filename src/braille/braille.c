/* Braille through liblouis. See include/ballotkit/braille.h and
 * ../shared/reference/braille.md for the pitfalls this guards against:
 * the display path loses Kazakh letters (we translate in dots mode), an
 * undefined character becomes an escape sequence with dot-7 cells (we
 * refuse any cell with dots 7 or 8), a short output buffer truncates
 * silently (we check the whole input was consumed), liblouis is not
 * thread-safe (one lock), and a table of the same name in the working
 * directory would win (we pass absolute paths). */
#include "braille/braille-private.h"

#include <liblouis/liblouis.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

#ifndef BK_LOUIS_TABLES_DIR
#define BK_LOUIS_TABLES_DIR "/usr/share/liblouis/tables"
#endif

static pthread_mutex_t lou_lock = PTHREAD_MUTEX_INITIALIZER;
/* Output buffer sizing (cells per input character, and the most retries
 * with a 4 times larger buffer): changed only by the tests' fault hook. */
static size_t buf_factor = 4, buf_extra = 64, buf_retries = 4;

void bki_braille_test_buffers(size_t factor, size_t extra, size_t retries)
{
	pthread_mutex_lock(&lou_lock);
	buf_factor = factor;
	buf_extra = extra;
	buf_retries = retries;
	pthread_mutex_unlock(&lou_lock);
}
static unsigned lou_users;  /* open bk_braille objects; tables freed at 0 */
static bki_buf lou_log;      /* liblouis' messages, under lou_lock */

static void EXPORT_CALL log_to_buffer(logLevels level, const char *message)
{
	if (level < LOU_LOG_ERROR)
		return;
	if (lou_log.len)
		bki_buf_add(&lou_log, "; ");
	bki_buf_add(&lou_log, message);
}

struct bk_braille {
	const bk_templates *tpl;
	const char *name[BK_LANG_COUNT]; /* forward table as configured */
	char *fwd[BK_LANG_COUNT];        /* absolute table lists */
	char *back[BK_LANG_COUNT];
	char *hyph[BK_LANG_COUNT];       /* forward + dictionary, or NULL */
};

static const char *const default_table[BK_LANG_COUNT] = {"kk.utb",
                                                         "ru-litbrl.ctb"};

/* Turns "a.utb,b.ctb" into absolute paths: <templates>/braille/ first,
 * then liblouis' folder. Returns NULL and sets *missing on failure;
 * NULL with *missing NULL when memory runs out. */
static char *resolve(const bk_templates *tpl, const char *list,
                     char **missing)
{
	bki_buf out = {0};
	const char *p = list;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *name = bki_strndup(p, n);
		if (!name) {
			bki_buf_free(&out);
			return NULL;
		}
		bki_buf path = {0};
		bool ok = n > 0 && !strchr(name, '/');
		if (ok) {
			bki_buf_printf(&path, "%s/braille/%s", bk_templates_dir(tpl),
			              name);
			if (access(bki_buf_str(&path), R_OK) != 0) {
				bki_buf_truncate(&path, 0);
				bki_buf_printf(&path, "%s/%s", BK_LOUIS_TABLES_DIR,
				              name);
				ok = access(bki_buf_str(&path), R_OK) == 0;
			}
		}
		if (!ok) {
			*missing = name;
			bki_buf_free(&path);
			bki_buf_free(&out);
			return NULL;
		}
		if (out.len)
			bki_buf_addc(&out, ',');
		bki_buf_add(&out, bki_buf_str(&path));
		if (bki_buf_failed(&path))
			out.failed = true;
		bki_buf_free(&path);
		free(name);
		p += n + (comma ? 1 : 0);
	}
	return bki_buf_steal(&out);
}

/* Compiles a table list now, so a broken table is reported at open.
 * false with *why, or with *why NULL when memory runs out. */
static bool check_table(const char *list, char **why)
{
	pthread_mutex_lock(&lou_lock);
	if (bki_buf_failed(&lou_log))
		bki_buf_free(&lou_log); /* a fresh start after memory ran out */
	bki_buf_truncate(&lou_log, 0);
	bool ok = lou_getTable(list) != NULL;
	if (!ok)
		*why = bki_strdup(lou_log.len && !bki_buf_failed(&lou_log)
		                 ? bki_buf_str(&lou_log)
		                 : "liblouis cannot compile it");
	pthread_mutex_unlock(&lou_lock);
	return ok;
}

/* The hyphenation dictionary of language l, where the templates name one. */
static bk_status open_hyphenation(bk_braille *b, int l, bk_diags *diags)
{
	const char *dict = bki_templates_braille_hyphenation(b->tpl, l);
	if (!dict)
		return BK_OK;
	char *missing = NULL, *why = NULL;
	bki_buf list = {0};
	bki_buf_printf(&list, "%s,%s", b->name[l], dict);
	b->hyph[l] = bki_buf_failed(&list) ? NULL
	             : resolve(b->tpl, bki_buf_str(&list), &missing);
	bki_buf_free(&list);
	if (b->hyph[l] && check_table(b->hyph[l], &why))
		return BK_OK;
	if (!why && !missing)
		return bki_diags_nomem(diags, "", "", "opening braille");
	bki_diags_add(diags, BK_ERROR, "braille-table", "", 0, 0, "",
	             "the hyphenation dictionary \"%s\" cannot be used: %s", dict,
	             why ? why : "it is not found");
	free(missing);
	free(why);
	return BK_ERR_INVALID;
}

/* The tables of language l: forward and back, found and compiled, then
 * its hyphenation dictionary. */
static bk_status open_language(bk_braille *b, const bk_election *e, int l,
                               bk_diags *diags)
{
	const bk_templates *tpl = b->tpl;
	b->name[l] = e ? e->braille_table[l] : default_table[l];
	const char *back = bki_templates_braille_back(tpl, b->name[l]);
	char *missing = NULL, *why = NULL;
	bki_buf field = {0};
	bki_buf_printf(&field, "$.production.braille.tables.%s", bki_lang_codes[l]);
	bk_status st = BK_OK;
	b->fwd[l] = resolve(tpl, b->name[l], &missing);
	if (b->fwd[l])
		b->back[l] = resolve(tpl, back, &missing);
	if ((!b->fwd[l] || !b->back[l]) && !missing) {
		st = bki_diags_nomem(diags, "", bki_buf_str(&field),
		                    "opening braille");
		goto out;
	}
	if (!b->fwd[l] || !b->back[l]) {
		bki_diags_add(diags, BK_ERROR, "braille-table", "", 0, 0,
		             bki_buf_str(&field),
		             "the braille table \"%s\" is neither in %s/braille nor "
		             "in %s", missing, bk_templates_dir(tpl),
		             BK_LOUIS_TABLES_DIR);
		free(missing);
		st = BK_ERR_NOTFOUND;
		goto out;
	}
	if (!check_table(b->fwd[l], &why) || !check_table(b->back[l], &why)) {
		if (!why) {
			st = bki_diags_nomem(diags, "", bki_buf_str(&field),
			                    "opening braille");
			goto out;
		}
		bki_diags_add(diags, BK_ERROR, "braille-table", "", 0, 0,
		             bki_buf_str(&field),
		             "the braille table \"%s\" cannot be used: %s",
		             b->name[l], why);
		free(why);
		st = BK_ERR_INVALID;
		goto out;
	}
	st = open_hyphenation(b, l, diags);
out:
	bki_buf_free(&field);
	return st;
}

bk_status bk_braille_open(bk_braille **out, const bk_election *e,
                          const bk_templates *tpl, bk_diags *diags)
{
	if (!out || !tpl)
		return BK_ERR_USAGE;
	*out = NULL;
	pthread_mutex_lock(&lou_lock);
	if (lou_users++ == 0) {
		lou_registerLogCallback(log_to_buffer);
		lou_setLogLevel(LOU_LOG_ERROR);
	}
	pthread_mutex_unlock(&lou_lock);

	bk_braille *b = bki_calloc(1, sizeof *b);
	if (!b) {
		pthread_mutex_lock(&lou_lock);
		if (--lou_users == 0) {
			lou_free();
			bki_buf_free(&lou_log);
		}
		pthread_mutex_unlock(&lou_lock);
		return bki_diags_nomem(diags, "", "", "opening braille");
	}
	b->tpl = tpl;
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		bk_status st = open_language(b, e, l, diags);
		if (st != BK_OK) {
			bk_braille_free(b);
			return st;
		}
	}
	*out = b;
	return BK_OK;
}

void bk_braille_free(bk_braille *b)
{
	if (!b)
		return;
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		free(b->fwd[l]);
		free(b->back[l]);
		free(b->hyph[l]);
	}
	free(b);
	pthread_mutex_lock(&lou_lock);
	if (--lou_users == 0) {
		lou_free();
		bki_buf_free(&lou_log);
	}
	pthread_mutex_unlock(&lou_lock);
}

const char *bk_braille_table(const bk_braille *b, const char *lang)
{
	int l = bki_lang_index(lang);
	return l < 0 ? NULL : b->name[l];
}

void bki_cells_free(bki_cells *c)
{
	free(c->dots);
	free(c->src);
	memset(c, 0, sizeof *c);
}

static void refuse(bk_diags *diags, const char *field, const char *text,
                   const char *what, uint32_t cp, const char *hint)
{
	char ch[5] = {0};
	bki_utf8_encode(cp, ch);
	bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0,
	             field ? field : "",
	             "%s \"%s\" (U+%04X) in \"%s\"; %s", what, ch, (unsigned)cp,
	             text, hint);
}

/* Text a table must never get: invalid UTF-8, or a word mixing Latin and
 * Cyrillic letters. */
static bk_status check_text(const char *text, const char *field,
                            bk_diags *diags)
{
	size_t len = strlen(text);
	if (bki_utf8_valid_prefix(text, len) != len) {
		bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0,
		             field ? field : "", "the text is not valid UTF-8");
		return BK_ERR_INVALID;
	}
	const char *w;
	size_t wn;
	if (bki_utf8_mixed_word(text, &w, &wn)) {
		bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0,
		             field ? field : "",
		             "the word \"%.*s\" in \"%s\" mixes Latin and Cyrillic "
		             "letters; its braille would be wrong", (int)wn, w,
		             text);
		return BK_ERR_INVALID;
	}
	return BK_OK;
}

/* The text's code points for liblouis, into *in (n of them), checked for
 * what the language's table must not get. */
static bk_status table_input(const bk_braille *b, int l, const char *text,
                             const char *field, widechar **in, size_t *n,
                             bk_diags *diags)
{
	size_t len = strlen(text);
	*n = 0;
	*in = bki_calloc(len + 1, sizeof **in);
	if (!*in)
		return bki_diags_nomem(diags, "", field, "brailling a text");
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(text + i, len - i, &cp);
		if (l == BK_LANG_RU && bki_templates_kk_specific(b->tpl, cp)) {
			refuse(diags, field, text, "the Kazakh letter", cp,
			       "the Russian braille table cannot write it: give "
			       "the Russian spelling");
			return BK_ERR_INVALID;
		}
		if (cp > 0xFFFF && sizeof(widechar) < 4) {
			refuse(diags, field, text, "the character", cp,
			       "it cannot be written in braille");
			return BK_ERR_INVALID;
		}
		(*in)[(*n)++] = (widechar)cp;
		i += k;
	}
	return BK_OK;
}

/* What liblouis made of n code points: cells[0 .. outlen) in Unicode
 * braille, inpos[] the input index of each, inlen the input it read,
 * cap the room it had. */
typedef struct louis_out {
	widechar *cells;
	int *inpos;
	int inlen, outlen;
	size_t cap;
} louis_out;

/* The forward translation; a full buffer may hide a truncated result, so
 * it is tried again with a larger one. Returns liblouis's success, -1
 * when memory runs out. */
static int louis_forward(const bk_braille *b, int l, const widechar *in,
                         size_t n, louis_out *o)
{
	pthread_mutex_lock(&lou_lock);
	size_t cap = buf_factor * n + buf_extra, retries = buf_retries;
	pthread_mutex_unlock(&lou_lock);
	if (cap < 1)
		cap = 1;
	int ok;
	for (;;) {
		widechar *cells = bki_reallocarray(o->cells, cap, sizeof *o->cells);
		if (cells)
			o->cells = cells;
		int *inpos = bki_reallocarray(o->inpos, cap, sizeof *o->inpos);
		if (inpos)
			o->inpos = inpos;
		if (!cells || !inpos)
			return -1;
		o->inlen = (int)n;
		o->outlen = (int)cap;
		pthread_mutex_lock(&lou_lock);
		bki_buf_truncate(&lou_log, 0);
		ok = lou_translate(b->fwd[l], in, &o->inlen, o->cells, &o->outlen,
		                   NULL, NULL, NULL, o->inpos, NULL, dotsIO | ucBrl);
		pthread_mutex_unlock(&lou_lock);
		if (!ok || (size_t)o->outlen < cap || retries-- == 0)
			break;
		cap *= 4;
	}
	o->cap = cap;
	return ok;
}

/* liblouis's cells as 6-dot cells with the character each came from;
 * an 8-dot cell or a character left in print is refused. */
static bk_status six_dot_cells(const louis_out *o, const widechar *in,
                               size_t n, const char *text, const char *field,
                               bki_cells *out, bk_diags *diags)
{
	out->dots = bki_malloc((size_t)o->outlen + 1);
	out->src = bki_calloc((size_t)o->outlen + 1, sizeof *out->src);
	if (!out->dots || !out->src)
		return bki_diags_nomem(diags, "", field, "brailling a text");
	out->n = (size_t)o->outlen;
	for (size_t i = 0; i < out->n; i++) {
		widechar c = o->cells[i];
		size_t from = o->inpos[i] >= 0 && (size_t)o->inpos[i] < n
		                      ? (size_t)o->inpos[i] : 0;
		if (c < 0x2800 || c > 0x28FF || (c & 0xC0)) {
			refuse(diags, field, text, "braille has no 6-dot cell for",
			       in[from], "remove or replace the character");
			return BK_ERR_INVALID;
		}
		out->dots[i] = (unsigned char)(c & 0x3F);
		out->src[i] = from;
	}
	return BK_OK;
}

bk_status bki_braille_translate_cells(bk_braille *b, const char *lang,
                                     const char *text, const char *field,
                                     bki_cells *out, bk_diags *diags)
{
	memset(out, 0, sizeof *out);
	int l = lang ? bki_lang_index(lang) : -1;
	if (!b || l < 0 || !text)
		return BK_ERR_USAGE;
	bk_status st = check_text(text, field, diags);
	if (st != BK_OK)
		return st;
	widechar *in = NULL;
	size_t n;
	louis_out o = {0};
	st = table_input(b, l, text, field, &in, &n, diags);
	if (st != BK_OK)
		goto out;
	int ok = louis_forward(b, l, in, n, &o);
	if (ok < 0) {
		st = bki_diags_nomem(diags, "", field, "brailling a text");
		goto out;
	}
	if (!ok || (size_t)o.inlen != n || (size_t)o.outlen >= o.cap) {
		bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0,
		             field ? field : "",
		             "liblouis translated only part of \"%s\" (%d of %zu "
		             "characters into at most %zu cells); nothing was "
		             "written", text, o.inlen, n, o.cap);
		st = BK_ERR_INVALID;
		goto out;
	}
	st = six_dot_cells(&o, in, n, text, field, out, diags);
out:
	if (st != BK_OK)
		bki_cells_free(out);
	free(in);
	free(o.cells);
	free(o.inpos);
	return st;
}

bk_status bk_braille_translate(bk_braille *b, const char *lang,
                               const char *text, const char *field,
                               unsigned char **cells, size_t *ncells,
                               bk_diags *diags)
{
	if (!cells || !ncells)
		return BK_ERR_USAGE;
	*cells = NULL;
	*ncells = 0;
	bki_cells c;
	bk_status st = bki_braille_translate_cells(b, lang, text, field, &c,
	                                          diags);
	if (st == BK_OK) {
		*cells = c.dots;
		*ncells = c.n;
		c.dots = NULL;
		bki_cells_free(&c);
	}
	return st;
}

bk_status bk_braille_back(bk_braille *b, const char *lang,
                          const unsigned char *cells, size_t ncells,
                          char **text, bk_diags *diags)
{
	int l = lang ? bki_lang_index(lang) : -1;
	if (!b || l < 0 || !text || (!cells && ncells))
		return BK_ERR_USAGE;
	*text = NULL;
	widechar *in = bki_calloc(ncells + 1, sizeof *in);
	if (!in)
		return bki_diags_nomem(diags, "", "", "reading braille back");
	for (size_t i = 0; i < ncells; i++) {
		if (cells[i] & 0xC0) {
			free(in);
			bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0, "",
			             "cell %zu has dots 7 or 8", i + 1);
			return BK_ERR_INVALID;
		}
		in[i] = LOU_DOTS | cells[i];
	}
	size_t cap = 4 * ncells + 64;
	widechar *out = NULL;
	int inlen, outlen, ok;
	for (;;) {
		widechar *more = bki_reallocarray(out, cap, sizeof *out);
		if (!more) {
			free(in);
			free(out);
			return bki_diags_nomem(diags, "", "", "reading braille back");
		}
		out = more;
		inlen = (int)ncells;
		outlen = (int)cap;
		pthread_mutex_lock(&lou_lock);
		ok = lou_backTranslate(b->back[l], in, &inlen, out, &outlen, NULL,
		                       NULL, NULL, NULL, NULL, dotsIO);
		pthread_mutex_unlock(&lou_lock);
		if (!ok || (size_t)outlen < cap || cap > 64 * ncells + 1024)
			break;
		cap *= 4;
	}
	bk_status st = BK_OK;
	if (!ok || (size_t)inlen != ncells || (size_t)outlen >= cap) {
		bki_diags_add(diags, BK_ERROR, "unbrailleable", "", 0, 0, "",
		             "liblouis read back only part of the cells");
		st = BK_ERR_INVALID;
	} else {
		bki_buf s = {0};
		for (int i = 0; i < outlen; i++) {
			char enc[4];
			bki_buf_addn(&s, enc, bki_utf8_encode(out[i], enc));
		}
		*text = bki_buf_steal(&s);
		if (!*text)
			st = bki_diags_nomem(diags, "", "", "reading braille back");
	}
	free(in);
	free(out);
	return st;
}

char *bk_braille_unicode(const unsigned char *cells, size_t ncells)
{
	bki_buf s = {0};
	bki_buf_reserve(&s, 3 * ncells);
	for (size_t i = 0; i < ncells; i++) {
		char enc[4];
		bki_buf_addn(&s, enc, bki_utf8_encode(0x2800u + (cells[i] & 0xFF), enc));
	}
	return bki_buf_steal(&s);
}

int bki_braille_hyphenate(bk_braille *b, int lang, const uint32_t *word,
                         size_t n, bool *allowed)
{
	memset(allowed, 0, n * sizeof *allowed);
	if (!b->hyph[lang] || n < 4 || n > 1000)
		return b->hyph[lang] != NULL;
	widechar *in = bki_calloc(n, sizeof *in);
	char *hy = bki_calloc(n + 1, 1);
	if (!in || !hy) {
		free(in);
		free(hy);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		in[i] = (widechar)word[i];
	pthread_mutex_lock(&lou_lock);
	int ok = lou_hyphenate(b->hyph[lang], in, (int)n, hy, 0);
	pthread_mutex_unlock(&lou_lock);
	/* hy[i] odd: a hyphen may stand before character i */
	for (size_t i = 1; ok && i < n; i++)
		allowed[i] = hy[i] & 1;
	free(in);
	free(hy);
	return 1;
}
