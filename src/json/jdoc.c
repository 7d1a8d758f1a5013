#include "json/jdoc.h"

#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"

struct jdoc_pending {
	bk_severity sev;
	bool at_key;
	char *kind;
	char *path;
	char *msg;
	size_t seq;
	unsigned long line, column;
};

static void line_col(const jdoc *d, size_t off, unsigned long *line,
                     unsigned long *col)
{
	unsigned long l = 1;
	size_t ls = d->start;
	for (size_t i = d->start; i < off && i < d->len; i++) {
		if (d->text[i] == '\n') {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = (unsigned long)bki_utf8_count(d->text + ls, off - ls) + 1;
}

int jdoc_parse(jdoc *d, const char *data, size_t size, const char *name,
               bk_diags *diags)
{
	return jdoc_parse_owned(d, bki_strndup(data, size), size, name, diags);
}

int jdoc_parse_owned(jdoc *d, char *data, size_t size, const char *name,
                     bk_diags *diags)
{
	memset(d, 0, sizeof *d);
	d->limit = bki_diags_limit(diags);
	d->name = bki_strdup(name ? name : "");
	d->text = data;
	d->len = size;
	if (!d->name || !data) {
		d->nomem = true;
		d->errors++;
		bki_diags_nomem(diags, name, "$", "reading the document");
		return -1;
	}
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		d->start = 3;

	size_t valid = d->start + bki_utf8_valid_prefix(d->text + d->start,
	                                               size - d->start);
	if (valid < size) {
		unsigned long line, col;
		line_col(d, valid, &line, &col);
		bki_diags_add(diags, BK_ERROR, "utf8", d->name, line, col, "$",
		             "the file is not valid UTF-8 (byte 0x%02X); save it "
		             "as UTF-8 text",
		             (unsigned)(unsigned char)d->text[valid]);
		d->errors++;
		return -1;
	}
	if (memchr(d->text + d->start, '\0', size - d->start)) {
		size_t off = (size_t)((char *)memchr(d->text + d->start, '\0',
		                                     size - d->start) - d->text);
		unsigned long line, col;
		line_col(d, off, &line, &col);
		bki_diags_add(diags, BK_ERROR, "syntax", d->name, line, col, "$",
		             "invalid JSON: the file contains a NUL byte");
		d->errors++;
		return -1;
	}

	json_error_t err;
	d->root = json_loadb(d->text + d->start, size - d->start, 0, &err);
	if (!d->root) {
		/* jansson's position counts the bytes it has read, which is
		 * just past the offending character. */
		size_t off = d->start + (err.position > 0 ? (size_t)err.position - 1 : 0);
		if (off > size)
			off = size;
		unsigned long line, col;
		line_col(d, off, &line, &col);
		d->errors++;
		if (json_error_code(&err) == json_error_out_of_memory) {
			d->nomem = true;
			bki_diags_nomem(diags, d->name, "$", "parsing the JSON");
			return -1;
		}
		bki_diags_add(diags, BK_ERROR, "syntax", d->name, line, col, "$",
		             "invalid JSON: %s",
		             strstr(err.text, "JSON_ALLOW_NUL")
		                     ? "a text contains \\u0000 (a NUL character)"
		                     : err.text);
		return -1;
	}
	d->parsed = true;
	bki_buf_add(&d->path, "$");
	return 0;
}

void jdoc_free(jdoc *d)
{
	for (size_t i = 0; i < d->npending; i++) {
		free(d->pending[i].kind);
		free(d->pending[i].path);
		free(d->pending[i].msg);
	}
	free(d->pending);
	json_decref(d->root);
	bki_buf_free(&d->path);
	free(d->text);
	free(d->name);
	memset(d, 0, sizeof *d);
}

static bool plain_key(const char *k)
{
	if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_'))
		return false;
	for (k++; *k; k++)
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

void jdoc_path_append_key(bki_buf *b, const char *key)
{
	if (plain_key(key)) {
		bki_buf_addc(b, '.');
		bki_buf_add(b, key);
	} else {
		bki_buf_addc(b, '[');
		bki_buf_add_json_string(b, key);
		bki_buf_addc(b, ']');
	}
}

size_t jdoc_push_key(jdoc *d, const char *key)
{
	size_t old = d->path.len;
	jdoc_path_append_key(&d->path, key);
	return old;
}

size_t jdoc_push_index(jdoc *d, size_t i)
{
	size_t old = d->path.len;
	bki_buf_add_index(&d->path, i);
	return old;
}

void jdoc_pop(jdoc *d, size_t len)
{
	bki_buf_truncate(&d->path, len);
}

const char *jdoc_path(const jdoc *d)
{
	return bki_buf_str(&d->path);
}

bool jdoc_nomem(const jdoc *d)
{
	return d->nomem || bki_buf_failed(&d->path);
}

/* Queues a diagnostic, taking over msg. NULL when memory runs out (the
 * document is then out of memory, and msg freed). */
static jdoc_pending *add_pending(jdoc *d, const char *path, bk_severity sev,
                                 const char *kind, bool at_key, char *msg)
{
	if (sev == BK_ERROR)
		d->errors++;
	void *v = d->pending;
	bki_array_room(&v, &d->cappending, d->npending, sizeof *d->pending);
	d->pending = v;
	char *k = bki_strdup(kind), *pa = bki_strdup(path);
	if (!msg || !k || !pa || d->npending == d->cappending) {
		free(k);
		free(pa);
		free(msg);
		d->nomem = true;
		return NULL;
	}
	jdoc_pending *p = &d->pending[d->npending];
	p->sev = sev;
	p->at_key = at_key;
	p->kind = k;
	p->path = pa;
	p->msg = msg;
	p->seq = d->npending;
	p->line = p->column = 0;
	d->npending++;
	return p;
}

/* Past the limit: the diagnostic is counted (and an error still makes
 * the document invalid), not held. True when it was counted so. */
static bool over_limit(jdoc *d, bk_severity sev)
{
	size_t k = sev == BK_NOTE ? 0 : sev == BK_WARNING ? 1 : 2;
	if (!d->limit || d->held[k] < d->limit) {
		d->held[k]++;
		return false;
	}
	d->omitted[k]++;
	if (sev == BK_ERROR)
		d->errors++;
	return true;
}

void jdoc_vreport_at(jdoc *d, const char *path, bk_severity sev,
                     const char *kind, bool at_key, const char *fmt,
                     va_list ap)
{
	if (over_limit(d, sev))
		return;
	bki_buf msg = {0};
	bki_buf_vprintf(&msg, fmt, ap);
	add_pending(d, path, sev, kind, at_key, bki_buf_steal(&msg));
}

void jdoc_report(jdoc *d, bk_severity sev, const char *kind, bool at_key,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(d, jdoc_path(d), sev, kind, at_key, fmt, ap);
	va_end(ap);
}

void jdoc_report_at(jdoc *d, const char *path, bk_severity sev,
                    const char *kind, bool at_key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(d, path, sev, kind, at_key, fmt, ap);
	va_end(ap);
}

/* ---- the locating scanner ---------------------------------------------
 * The text is known to be valid JSON (jansson accepted it), so the scanner
 * only tracks positions and paths. */

typedef struct scanner {
	jdoc *d;
	size_t i;              /* byte offset */
	unsigned long line;
	size_t line_start;     /* byte offset of the current line */
	bki_buf path;
	jdoc_pending **sorted; /* pending sorted by (path, at_key) */
	size_t nsorted;
	/* duplicate keys found while scanning: kept apart, because adding
	 * to d->pending would move what sorted points into */
	jdoc_pending *dups;
	size_t ndups, capdups;
	bool nomem; /* memory ran out while scanning */
	/* the last column worked out, so that columns on one long line (a
	 * minified file) are counted once, not from the line start each time */
	size_t col_line, col_off;
	unsigned long col;
} scanner;

static unsigned long sc_col(scanner *s)
{
	if (s->col_line != s->line_start || s->i < s->col_off || !s->col) {
		s->col_line = s->line_start;
		s->col_off = s->line_start;
		s->col = 1;
	}
	s->col += (unsigned long)bki_utf8_count(s->d->text + s->col_off,
	                                       s->i - s->col_off);
	s->col_off = s->i;
	return s->col;
}

static void sc_ws(scanner *s)
{
	const char *t = s->d->text;
	while (s->i < s->d->len) {
		char c = t[s->i];
		if (c == '\n') {
			s->line++;
			s->line_start = s->i + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		s->i++;
	}
}

static int cmp_pending(const void *a, const void *b)
{
	const jdoc_pending *x = *(jdoc_pending *const *)a;
	const jdoc_pending *y = *(jdoc_pending *const *)b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return (int)x->at_key - (int)y->at_key;
}

/* Gives every pending diagnostic at (path, at_key) the position line:col
 * (col 0: the current position). A key given twice is located at its last
 * occurrence, the one jansson keeps. */
static void sc_mark(scanner *s, bool at_key, unsigned long line,
                    unsigned long col)
{
	if (!s->nsorted)
		return;
	const char *path = bki_buf_str(&s->path);
	size_t lo = 0, hi = s->nsorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const jdoc_pending *p = s->sorted[mid];
		int c = strcmp(p->path, path);
		if (!c)
			c = (int)p->at_key - (int)at_key;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < s->nsorted; k++) {
		jdoc_pending *p = s->sorted[k];
		if (strcmp(p->path, path) || p->at_key != at_key)
			break;
		if (!col) {
			line = s->line;
			col = sc_col(s);
		}
		p->line = line;
		p->column = col;
	}
}

/* The code point of a \u escape at s->i (past "\u"), joining a
 * surrogate pair written as two escapes; s->i is moved past it. */
static uint32_t sc_unicode_escape(scanner *s)
{
	const char *t = s->d->text;
	char hex[5] = {0};
	memcpy(hex, t + s->i, 4);
	uint32_t cp = (uint32_t)strtoul(hex, NULL, 16);
	s->i += 4;
	if (cp < 0xD800 || cp > 0xDBFF || s->i + 6 > s->d->len ||
	    t[s->i] != '\\' || t[s->i + 1] != 'u')
		return cp;
	memcpy(hex, t + s->i + 2, 4);
	uint32_t lo = (uint32_t)strtoul(hex, NULL, 16);
	if (lo < 0xDC00 || lo > 0xDFFF)
		return cp;
	s->i += 6;
	return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/* Decodes the escape at s->i (at its backslash) into out (NULL: skips
 * it). */
static void sc_escape(scanner *s, bki_buf *out)
{
	char e = s->d->text[s->i + 1];
	s->i += 2;
	if (!out)
		return;
	switch (e) {
	case 'n': bki_buf_addc(out, '\n'); break;
	case 't': bki_buf_addc(out, '\t'); break;
	case 'r': bki_buf_addc(out, '\r'); break;
	case 'b': bki_buf_addc(out, '\b'); break;
	case 'f': bki_buf_addc(out, '\f'); break;
	case 'u': {
		char enc[4];
		uint32_t cp = sc_unicode_escape(s);
		bki_buf_addn(out, enc, bki_utf8_encode(cp, enc));
		break;
	}
	default: bki_buf_addc(out, e); break;
	}
}

/* Decodes the JSON string at s->i (at its opening quote) into out (NULL:
 * skips it). */
static void sc_string(scanner *s, bki_buf *out)
{
	const char *t = s->d->text;
	s->i++; /* opening quote */
	while (s->i < s->d->len && t[s->i] != '"') {
		if (t[s->i] == '\\' && s->i + 1 < s->d->len) {
			sc_escape(s, out);
			continue;
		}
		if (out)
			bki_buf_addc(out, t[s->i]);
		s->i++;
	}
	s->i++; /* closing quote */
}

typedef struct key_seen {
	char *key;
	size_t order;
	unsigned long line, column;
} key_seen;

static int cmp_key_seen(const void *a, const void *b)
{
	const key_seen *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void sc_value(scanner *s, unsigned depth);

/* The keys of one object, in the order met. */
typedef struct key_list {
	key_seen *v;
	size_t n, cap;
} key_list;

static bool remember_key(key_list *keys, const char *key,
                         unsigned long line, unsigned long column)
{
	void *v = keys->v;
	bool room = bki_array_room(&v, &keys->cap, keys->n, sizeof *keys->v);
	keys->v = v;
	if (!room)
		return false;
	key_seen *k = &keys->v[keys->n];
	k->key = bki_strdup(key);
	if (!k->key)
		return false;
	k->order = keys->n;
	k->line = line;
	k->column = column;
	keys->n++;
	return true;
}

/* A "duplicate-key" error at the later of two same keys of the object at
 * s->path, kept in s->dups. */
static void add_duplicate_key(scanner *s, const key_seen *k)
{
	bki_buf p = {0};
	bki_buf_add(&p, bki_buf_str(&s->path));
	jdoc_path_append_key(&p, k->key);
	void *v = s->dups;
	bki_array_room(&v, &s->capdups, s->ndups, sizeof *s->dups);
	s->dups = v;
	bki_buf msg = {0};
	bki_buf_printf(&msg, "the field \"%s\" appears more than once in this "
	              "object; keep only one", k->key);
	jdoc_pending pd = {BK_ERROR, true, bki_strdup("duplicate-key"),
	                   bki_buf_steal(&p), bki_buf_steal(&msg), 0, k->line,
	                   k->column};
	if (!pd.kind || !pd.path || !pd.msg || s->ndups == s->capdups) {
		free(pd.kind);
		free(pd.path);
		free(pd.msg);
		s->nomem = true;
		return;
	}
	s->dups[s->ndups++] = pd;
}

/* Reports each key of the object met before (jansson keeps the last),
 * then frees the list. */
static void check_keys(scanner *s, key_list *keys)
{
	if (keys->n > 1) {
		bki_sort(keys->v, keys->n, sizeof *keys->v, cmp_key_seen);
		for (size_t k = 1; k < keys->n; k++)
			if (!strcmp(keys->v[k].key, keys->v[k - 1].key) &&
			    !over_limit(s->d, BK_ERROR))
				add_duplicate_key(s, &keys->v[k]);
	}
	for (size_t k = 0; k < keys->n; k++)
		free(keys->v[k].key);
	free(keys->v);
}

/* A member's value (of an object or a list), whose path was appended
 * after the first old bytes, and the comma after it: the one home of the
 * step sc_object and sc_array share. */
static void sc_member(scanner *s, unsigned depth, size_t old)
{
	sc_value(s, depth + 1);
	bki_buf_truncate(&s->path, old);
	sc_ws(s);
	if (s->i < s->d->len && s->d->text[s->i] == ',') {
		s->i++;
		sc_ws(s);
	}
}

static void sc_object(scanner *s, unsigned depth)
{
	key_list keys = {0};
	bki_buf key = {0};
	s->i++; /* { */
	sc_ws(s);
	while (s->i < s->d->len && s->d->text[s->i] != '}') {
		unsigned long kline = s->line, kcol = sc_col(s);
		bki_buf_truncate(&key, 0);
		bki_buf_add(&key, "");
		sc_string(s, &key);
		size_t old = s->path.len;
		jdoc_path_append_key(&s->path, bki_buf_str(&key));
		sc_mark(s, true, kline, kcol);
		if (!remember_key(&keys, bki_buf_str(&key), kline, kcol))
			s->nomem = true;
		sc_ws(s);
		s->i++; /* : */
		sc_member(s, depth, old);
	}
	s->i++; /* } */
	if (bki_buf_failed(&key))
		s->nomem = true;
	check_keys(s, &keys);
	bki_buf_free(&key);
}

static void sc_array(scanner *s, unsigned depth)
{
	s->i++; /* [ */
	sc_ws(s);
	size_t idx = 0;
	while (s->i < s->d->len && s->d->text[s->i] != ']') {
		size_t old = s->path.len;
		bki_buf_add_index(&s->path, idx++);
		sc_member(s, depth, old);
	}
	s->i++; /* ] */
}

static void sc_value(scanner *s, unsigned depth)
{
	sc_ws(s);
	if (s->i >= s->d->len)
		return;
	sc_mark(s, false, 0, 0);
	char c = s->d->text[s->i];
	if (c == '{') {
		sc_object(s, depth);
	} else if (c == '[') {
		sc_array(s, depth);
	} else if (c == '"') {
		sc_string(s, NULL);
	} else {
		while (s->i < s->d->len && !strchr(",}] \t\r\n", s->d->text[s->i]))
			s->i++;
	}
}

static int cmp_position(const void *a, const void *b)
{
	const jdoc_pending *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The scanner's pass: positions for the pending diagnostics, and the
 * duplicate keys added to them. */
static void locate(jdoc *d)
{
	scanner s = {.d = d, .i = d->start, .line = 1, .line_start = d->start};
	s.nsorted = d->npending;
	s.sorted = bki_calloc(s.nsorted, sizeof *s.sorted);
	if (!s.sorted) {
		d->nomem = true;
		return;
	}
	for (size_t k = 0; k < s.nsorted; k++)
		s.sorted[k] = &d->pending[k];
	bki_sort(s.sorted, s.nsorted, sizeof *s.sorted, cmp_pending);
	bki_buf_add(&s.path, "$");
	sc_value(&s, 0);
	if (s.nomem || bki_buf_failed(&s.path))
		d->nomem = true;
	free(s.sorted);
	bki_buf_free(&s.path);
	for (size_t k = 0; k < s.ndups; k++) {
		jdoc_pending *p = add_pending(d, s.dups[k].path, BK_ERROR,
		                              s.dups[k].kind, true, s.dups[k].msg);
		if (p) {
			p->line = s.dups[k].line;
			p->column = s.dups[k].column;
		}
		free(s.dups[k].path);
		free(s.dups[k].kind);
	}
	free(s.dups);
}

void jdoc_finish(jdoc *d, bk_diags *diags)
{
	if (d->parsed)
		locate(d);
	for (size_t k = 0; k < d->npending; k++)
		d->pending[k].seq = k;
	if (d->npending)
		bki_sort(d->pending, d->npending, sizeof *d->pending, cmp_position);
	for (size_t k = 0; k < d->npending; k++) {
		jdoc_pending *p = &d->pending[k];
		bki_diags_add(diags, p->sev, p->kind, d->name, p->line, p->column,
		             p->path, "%s", p->msg);
	}
	static const bk_severity sevs[3] = {BK_NOTE, BK_WARNING, BK_ERROR};
	for (int k = 0; k < 3; k++) {
		bki_diags_add_omitted(diags, sevs[k], d->omitted[k]);
		d->omitted[k] = d->held[k] = 0;
	}
	for (size_t k = 0; k < d->npending; k++) {
		free(d->pending[k].kind);
		free(d->pending[k].path);
		free(d->pending[k].msg);
	}
	d->npending = 0;
	if (jdoc_nomem(d))
		bki_diags_nomem(diags, d->name, "$", "checking the document");
}

char *bki_json_text(json_t *doc)
{
	bki_c_numeric l = bki_c_numeric_enter();
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	bki_c_numeric_leave(&l);
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *out = realloc(text, n + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}
