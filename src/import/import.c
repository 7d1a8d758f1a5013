/* ballotkit import: a definition (format ballotkit/1) made from the
 * commission's tables. docs/import.md is the reference for the tables,
 * their columns and the rules below. */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/import.h"
#include "diag/diag-private.h"
#include "json/jdoc.h"
#include "import/import-private.h"
#include "import/spec.h"
#include "templates/templates-private.h"
#include "util/util.h"

/* What a column of one table file is read as. */
typedef struct binding {
	const bki_col_spec *col; /* NULL: not read (ignored, or an error) */
	int lang;               /* text: 0 kk, 1 ru */
} binding;

/* One table file, read. */
typedef struct source {
	bki_table *t;
	const bki_table_spec *spec;
	binding *b;             /* one per header cell */
} source;

/* Where a cell of the definition came from. */
typedef struct origin {
	const source *src;
	const bki_table_row *row;
	size_t col;             /* SIZE_MAX: the row as a whole */
} origin;

/* A record of the definition (an area, a ballot, …) and its rows. */
typedef struct rec {
	json_t *obj;            /* what goes into the definition */
	const char *id;         /* its id and (a candidate's) district, once
	                         * known: borrowed from obj and hidden */
	const char *district;
	json_t *hidden;         /* the "@" columns: district, order, … */
	origin at;              /* its row (for a derived ballot: the district's) */
	origin *extra;          /* rows of attached tables (pronunciations) */
	size_t nextra;
	origin *options;        /* a derived ballot's options: where each came from */
	size_t noptions;
} rec;

typedef struct section {
	const char *name;       /* "candidates" */
	const bki_table_spec *spec;
	rec *recs;
	size_t n, cap;
} section;

enum { S_AREAS, S_DISTRICTS, S_STATIONS, S_PARTIES, S_CANDIDATES, S_BALLOTS,
       S_COUNT };
static const char *const section_names[S_COUNT] = {
	"areas", "districts", "polling_stations", "parties", "candidates",
	"ballots"};

struct bk_import {
	bki_import_spec *spec;
	const bk_templates *tpl;
	bk_diags *diags;
	source *src;
	size_t nsrc;
	section sec[S_COUNT];
	rec election, production;
	bool have_election, have_production;
	rec **by_district;      /* candidates with a district, by district and id */
	size_t nby_district;
	struct draw_key *drawv; /* the draws table, by ballot, number, party */
	size_t ndraws;
	char *json;
	bool failed;
	bool nomem;             /* memory ran out: what is made is incomplete */
	bk_status status;       /* the first failure that is not bad data */
};

/* Marks the import when an allocation failed (p NULL); returns p. */
static void *got(bk_import *imp, void *p)
{
	if (!p)
		imp->nomem = true;
	return p;
}

/* ---- located reports ---- */

static void report(bk_import *imp, const origin *at, const char *kind,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(bk_import *imp, const origin *at, const char *kind,
                   const char *fmt, ...)
{
	bki_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	unsigned long col = 0;
	if (at->col != SIZE_MAX && at->src) {
		char letter[8];
		bki_column_letter(at->col, letter);
		bki_buf_printf(&msg, " (column %s, \"%s\")", letter,
		              at->col < at->src->t->ncols ? at->src->t->header[at->col] : "");
		col = (unsigned long)at->col + 1;
	}
	bki_diags_add(imp->diags, BK_ERROR, kind, at->src ? at->src->t->file : "",
	             at->row ? at->row->number : 0, col, "", "%s", bki_buf_str(&msg));
	bki_buf_free(&msg);
	imp->failed = true;
}

static const char *cell(const origin *at)
{
	return at->col < at->row->ncells ? at->row->cells[at->col] : "";
}

/* ---- headers ---- */

static bool is_letter(uint32_t c)
{
	return bki_cp_is_cyrillic_letter(c) || bki_cp_is_latin_letter(c);
}

/* A «?» beside a letter in a name (or between two letters anywhere): a
 * letter the file's encoding could not hold. */
static bool lost_letter(const char *s, bool name_like)
{
	size_t n = strlen(s);
	uint32_t prev = 0;
	for (size_t i = 0; i < n;) {
		uint32_t c, next = 0;
		size_t l = bki_utf8_decode(s + i, n - i, &c);
		if (!l)
			return false;
		if (c == '?' && i + 1 < n)
			bki_utf8_decode(s + i + 1, n - i - 1, &next);
		if (c == '?' && (name_like ? is_letter(prev) || is_letter(next)
		                           : is_letter(prev) && is_letter(next)))
			return true;
		prev = c;
		i += l;
	}
	return false;
}


static bool ignored(const char *norm, const bk_import_options *opt)
{
	for (const char *const *p = opt->ignore_columns; p && *p; p++) {
		char *n = bki_import_norm(*p);
		bool hit = n && !strcmp(n, norm);
		free(n);
		if (hit)
			return true;
	}
	return false;
}

static void bind_headers(bk_import *imp, source *s, const bk_import_options *opt)
{
	bki_table *t = s->t;
	s->b = got(imp, bki_calloc(t->ncols ? t->ncols : 1, sizeof *s->b));
	for (size_t i = 0; s->b && i < t->ncols; i++) {
		char *norm = got(imp, bki_import_norm(t->header[i]));
		int lang;
		const bki_col_spec *c = NULL;
		if (!norm)
			continue;
		if (!norm[0])
			report(imp, &(origin){s, &(bki_table_row){1, 0, NULL}, i},
			       "unknown-column", "the column has no header: give it "
			       "one, or delete the column");
		else if (ignored(norm, opt) ||
		         (c = bki_import_spec_column(imp->spec, s->spec, norm, &lang)))
			;
		else if (lost_letter(t->header[i], true))
			report(imp, &(origin){s, &(bki_table_row){1, 0, NULL}, i},
			       "lost-letter", "the header \"%s\" has a «?» where a "
			       "letter was lost: the table was saved in an encoding "
			       "without the Kazakh letters; save it as \"CSV UTF-8\" "
			       "or as an XLSX workbook", t->header[i]);
		else
			report(imp, &(origin){s, &(bki_table_row){1, 0, NULL}, i},
			       "unknown-column", "the %s table has no column \"%s\": "
			       "see docs/import.md for its columns, or leave it unread "
			       "with --ignore-column \"%s\"", s->spec->table,
			       t->header[i], t->header[i]);
		for (size_t k = 0; c && k < i; k++)
			if (s->b[k].col == c && s->b[k].lang == lang) {
				char letter[8];
				bki_column_letter(k, letter);
				report(imp, &(origin){s, &(bki_table_row){1, 0, NULL}, i},
				       "duplicate-column", "the column is there twice: "
				       "column %s, \"%s\", is the same", letter, t->header[k]);
				c = NULL;
			}
		if (c)
			s->b[i] = (binding){c, lang};
		free(norm);
	}
}

/* ---- cells ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static json_t *integer_value(bk_import *imp, const origin *at, const char *v,
                             bool year)
{
	if (all_digits(v) && strlen(v) <= 9)
		return json_integer(strtol(v, NULL, 10));
	if (year && (strchr(v, '.') || strchr(v, '/') || strchr(v, '-')))
		report(imp, at, "bad-value", "\"%s\" is a date, not a year: type "
		       "the year alone (1971), and format the column as text or a "
		       "plain number", v);
	else
		report(imp, at, "bad-value", "\"%s\" is not a whole number", v);
	return NULL;
}

static json_t *number_value(bk_import *imp, const origin *at, const char *v)
{
	char buf[64];
	size_t n = strlen(v);
	bool ok = n > 0 && n < sizeof buf;
	for (size_t i = 0; ok && i < n; i++) {
		char c = v[i] == ',' ? '.' : v[i];
		ok = (c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '-' || c == '+'));
		buf[i] = c;
	}
	if (ok) {
		buf[n] = '\0';
		bki_c_numeric l = bki_c_numeric_enter();
		char *end;
		errno = 0;
		double d = strtod(buf, &end);
		bki_c_numeric_leave(&l);
		if (!*end && !errno)
			return json_real(d);
	}
	report(imp, at, "bad-value", "\"%s\" is not a number (write 1.5 or 1,5)", v);
	return NULL;
}

static json_t *list_value(const bk_import *imp, const char *v)
{
	json_t *arr = json_array();
	const char *seps = imp->spec->list_separators;
	const char *p = v;
	while (*p) {
		size_t skip = strspn(p, seps), len;
		p += skip;
		len = strcspn(p, seps);
		if (len)
			json_array_append_new(arr, json_stringn(p, len));
		p += len;
	}
	return arr;
}

/* "19.03.2023" as staff type it, or the format's "2023-03-19". */
static json_t *date_value(const char *v)
{
	int d, m, y;
	char tail;
	if (strlen(v) == 10 && sscanf(v, "%2d.%2d.%4d%c", &d, &m, &y, &tail) == 3) {
		char buf[16];
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
		return json_string(buf);
	}
	return json_string(v);
}

static json_t *enum_value(bk_import *imp, const origin *at,
                          const bki_col_spec *c, const char *v)
{
	char *norm = got(imp, bki_import_norm(v));
	if (!norm)
		return NULL;
	const char *key = bki_import_spec_enum(c, norm);
	free(norm);
	if (key)
		return json_string(key);
	bki_buf allowed = {0};
	const char *k;
	json_t *aliases;
	json_object_foreach(c->values, k, aliases)
		bki_buf_printf(&allowed, "%s%s", allowed.len ? ", " : "", k);
	report(imp, at, "bad-value", "\"%s\" is not one of: %s (or their Kazakh "
	       "and Russian names, docs/import.md)", v, bki_buf_str(&allowed));
	bki_buf_free(&allowed);
	return NULL;
}

/* The value of a cell that is not blank, or NULL after a report (or for
 * a "no" in a column that can only say yes). */
static json_t *cell_value(bk_import *imp, const origin *at, const bki_col_spec *c)
{
	const char *v = cell(at);
	int yn;
	char *norm;
	switch (c->kind) {
	case BK_COL_TEXT:
		if (lost_letter(v, c->name_like)) {
			report(imp, at, "lost-letter", "\"%s\": the «?» stands where a "
			       "letter was lost: the table was saved in an encoding "
			       "without the Kazakh letters (Windows-1251 writes «?» for "
			       "ә ғ қ ң ө ұ ү һ і); save it as \"CSV UTF-8\" or as an "
			       "XLSX workbook", v);
			return NULL;
		}
		return json_string(v);
	case BK_COL_ID:
	case BK_COL_STRING:
		return json_string(v);
	case BK_COL_IDS:
	case BK_COL_LIST:
		return list_value(imp, v);
	case BK_COL_INTEGER:
	case BK_COL_YEAR:
		return integer_value(imp, at, v, c->kind == BK_COL_YEAR);
	case BK_COL_NUMBER:
		return number_value(imp, at, v);
	case BK_COL_DATE:
		return date_value(v);
	case BK_COL_ENUM:
		return enum_value(imp, at, c, v);
	default: /* BK_COL_BOOLEAN, BK_COL_TRUE */
		if (!(norm = got(imp, bki_import_norm(v))))
			return NULL;
		yn = bki_import_spec_yes_no(imp->spec, norm);
		free(norm);
		if (yn < 0)
			report(imp, at, "bad-value", "\"%s\" is neither yes nor no "
			       "(иә / жоқ, да / нет, yes / no, 1 / 0)", v);
		else if (yn || c->kind == BK_COL_BOOLEAN)
			return json_boolean(yn);
		return NULL;
	}
}

/* Sets obj's member at a dotted path ("paper.overrides.pitch"), making
 * the objects on the way. Steals v. */
static void set_path(json_t *obj, const char *path, json_t *v)
{
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		json_t *next = json_object_get(obj, key);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, key, next);
		}
		obj = next;
		path = dot + 1;
	}
	json_object_set_new(obj, path, v);
}

static json_t *get_path(json_t *obj, const char *path)
{
	const char *dot;
	while (obj && (dot = strchr(path, '.'))) {
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		obj = json_object_get(obj, key);
		path = dot + 1;
	}
	return json_object_get(obj, path);
}

/* Reads one row's cells into r (the definition's fields into r->obj, the
 * "@" columns into r->hidden). */
static void read_cell(bk_import *imp, const source *s, const bki_table_row *row,
                      size_t i, rec *r)
{
	const bki_col_spec *c = s->b[i].col;
	origin at = {s, row, i};
	json_t *v = cell(&at)[0] ? cell_value(imp, &at, c) : NULL;
	if (!v)
		return;
	json_t *dst = c->field[0] == '@' ? r->hidden : r->obj;
	const char *field = c->field[0] == '@' ? c->field + 1 : c->field;
	if (c->kind != BK_COL_TEXT) {
		set_path(dst, field, v);
		return;
	}
	json_t *text = get_path(dst, field);
	if (!json_is_object(text)) {
		text = json_object();
		set_path(dst, field, text);
	}
	json_object_set_new(text, bki_lang_codes[s->b[i].lang], v);
}

/* Reads one row's cells into r (the definition's fields into r->obj, the
 * "@" columns into r->hidden), in the order of the table's columns in
 * tables.json and kk before ru, whatever the file's order. */
static void read_row(bk_import *imp, const source *s, const bki_table_row *row,
                     rec *r)
{
	for (size_t k = 0; k < s->spec->ncols; k++)
		for (int lang = -1; lang < 2; lang++)
			for (size_t i = 0; i < s->t->ncols; i++)
				if (s->b[i].col == &s->spec->cols[k] && s->b[i].lang == lang)
					read_cell(imp, s, row, i, r);
}

/* obj with its members in the order of spec's columns (the format's
 * order: id first), whatever order they were set in. A new reference. */
static json_t *canonical(json_t *obj, const bki_table_spec *spec)
{
	json_t *out = json_object();
	for (size_t k = 0; k < spec->ncols; k++) {
		char key[64];
		const char *f = spec->cols[k].field;
		snprintf(key, sizeof key, "%.*s", (int)strcspn(f, "."), f);
		json_t *v = json_object_get(obj, key);
		if (v && !json_object_get(out, key))
			json_object_set(out, key, v);
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
		if (!json_object_get(out, key))
			json_object_set(out, key, v);
	return out;
}

/* A new record at the end of sec, or NULL when memory runs out. */
static rec *add_rec(section *sec)
{
	void *recs = sec->recs;
	bool room = bki_array_room(&recs, &sec->cap, sec->n, sizeof *sec->recs);
	sec->recs = recs;
	if (!room)
		return NULL;
	rec *r = &sec->recs[sec->n++];
	*r = (rec){.obj = json_object(), .hidden = json_object()};
	return r;
}

static int section_of(const char *table)
{
	for (int i = 0; i < S_COUNT; i++)
		if (!strcmp(section_names[i], table))
			return i;
	return -1;
}

static const char *hidden_str(const rec *r, const char *key)
{
	return json_string_value(json_object_get(r->hidden, key));
}

static const char *rec_id(const rec *r)
{
	if (r->id)
		return r->id;
	const char *id = json_string_value(json_object_get(r->obj, "id"));
	return id ? id : "";
}

/* Two rows with one id: reported at the later row, naming the earlier
 * (the validator would name JSON indexes, which a table does not show). */
static void check_unique(bk_import *imp, const section *sec)
{
	for (size_t i = 1; i < sec->n; i++) {
		const rec *a = &sec->recs[i - 1], *b = &sec->recs[i];
		if (!a->id || !b->id || strcmp(a->id, b->id) || !a->at.row || !b->at.row)
			continue;
		const rec *first = a->at.row->number <= b->at.row->number ? a : b;
		const rec *later = first == a ? b : a;
		report(imp, &later->at, "duplicate-id", "the id \"%s\" is also on row "
		       "%lu of %s: ids must be unique%s", later->id,
		       first->at.row->number, first->at.src->t->file,
		       !strcmp(sec->name, "candidates") ? " (a candidate stands "
		       "in one district)" : "");
	}
}

/* Caches each record's id and district, once ids are made. */
static void cache_keys(bk_import *imp)
{
	for (int s = 0; s < S_COUNT; s++)
		for (size_t i = 0; i < imp->sec[s].n; i++) {
			rec *r = &imp->sec[s].recs[i];
			r->id = rec_id(r);
			r->district = hidden_str(r, "district");
		}
}

static int rec_cmp(const void *a, const void *b)
{
	return strcmp(rec_id(a), rec_id(b));
}

static int id_rec_cmp(const void *key, const void *r)
{
	return strcmp(key, rec_id(r));
}

/* The record with that id; the section is sorted by id. */
static rec *find_rec(section *sec, const char *id)
{
	return id && sec->n ? bsearch(id, sec->recs, sec->n, sizeof *sec->recs,
	                              id_rec_cmp) : NULL;
}

/* A row of pronunciations or leaflets: the field it gives, added to its
 * party or candidate. */
static void attach_row(bk_import *imp, const source *s, const bki_table_row *row)
{
	rec tmp = {.obj = json_object(), .hidden = json_object(), .at = {s, row, SIZE_MAX}};
	read_row(imp, s, row, &tmp);
	const char *party = hidden_str(&tmp, "party");
	const char *cand = hidden_str(&tmp, "candidate");
	rec *to = NULL;
	origin at = {s, row, SIZE_MAX};
	if (!party == !cand)
		report(imp, &at, "bad-value", "give either a party or a candidate, "
		       "not %s", party ? "both" : "neither");
	else if (!(to = party ? find_rec(&imp->sec[S_PARTIES], party)
	                      : find_rec(&imp->sec[S_CANDIDATES], cand)))
		report(imp, &at, "dangling-reference", "there is no %s with the "
		       "id \"%s\" in the %s table", party ? "party" : "candidate",
		       party ? party : cand, party ? "parties" : "candidates");
	const char *key;
	json_t *v;
	json_object_foreach(tmp.obj, key, v) {
		if (!to)
			break;
		if (json_object_get(to->obj, key)) {
			report(imp, &at, "duplicate", "the %s of \"%s\" is given twice: "
			       "here and in the %s table", key, rec_id(to),
			       party ? "parties" : "candidates");
			continue;
		}
		json_object_set(to->obj, key, v);
		origin *extra = got(imp, bki_reallocarray(to->extra, to->nextra + 1,
		                                          sizeof *extra));
		if (!extra)
			break;
		to->extra = extra;
		to->extra[to->nextra++] = at;
	}
	json_decref(tmp.obj);
	json_decref(tmp.hidden);
}

static void read_source(bk_import *imp, source *s)
{
	const bki_table_spec *spec = s->spec;
	if (spec->one_row && s->t->nrows > 1)
		report(imp, &(origin){s, &s->t->rows[1], SIZE_MAX}, "bad-value",
		       "the %s table has one row: this is a second", spec->table);
	if (spec->one_row) {
		rec *r = !strcmp(spec->table, "election") ? &imp->election : &imp->production;
		*r = (rec){.obj = json_object(), .hidden = json_object(),
		           .at = {s, s->t->nrows ? &s->t->rows[0] : NULL, SIZE_MAX}};
		if (s->t->nrows)
			read_row(imp, s, &s->t->rows[0], r);
		if (r == &imp->election)
			imp->have_election = true;
		else
			imp->have_production = true;
		return;
	}
	if (spec->attach || !strcmp(spec->table, "draws"))
		return; /* read once every record is */
	int sec = section_of(spec->table);
	for (size_t i = 0; sec >= 0 && i < s->t->nrows; i++) {
		rec *r = got(imp, add_rec(&imp->sec[sec]));
		if (!r)
			return;
		r->at = (origin){s, &s->t->rows[i], SIZE_MAX};
		read_row(imp, s, &s->t->rows[i], r);
	}
}

/* ---- ids, derived ballots and options ---- */

static void derive_ids(bk_import *imp)
{
	section *cs = &imp->sec[S_CANDIDATES], *ps = &imp->sec[S_STATIONS];
	for (size_t i = 0; i < cs->n; i++) {
		rec *r = &cs->recs[i];
		if (json_object_get(r->obj, "id"))
			continue;
		const char *d = hidden_str(r, "district");
		json_t *reg = json_object_get(r->hidden, "registration");
		if (!d || !json_is_integer(reg)) {
			report(imp, &r->at, "missing-field", "the candidate has no id: "
			       "give an id column, or the district and the registration "
			       "number, from which the id is made");
			continue;
		}
		bki_buf id = {0};
		bki_buf_printf(&id, "%s-%lld", d, (long long)json_integer_value(reg));
		json_object_set_new(r->obj, "id", json_string(bki_buf_str(&id)));
		bki_buf_free(&id);
	}
	for (size_t i = 0; i < ps->n; i++) {
		rec *r = &ps->recs[i];
		json_t *num = json_object_get(r->obj, "number");
		if (json_object_get(r->obj, "id") || !json_is_integer(num))
			continue;
		bki_buf id = {0};
		bki_buf_printf(&id, "ps-%lld", (long long)json_integer_value(num));
		json_object_set_new(r->obj, "id", json_string(bki_buf_str(&id)));
		bki_buf_free(&id);
	}
}

static void set_options(rec *ballot, json_t *ids, origin *from, size_t n)
{
	json_object_set_new(ballot->obj, "options", ids);
	ballot->options = from;
	ballot->noptions = n;
}

typedef struct draw_key {
	const char *ballot;     /* borrowed from the table's cells */
	const char *party;
	long number;
	origin at;
} draw_key;

static int draw_cmp(const void *a, const void *b)
{
	const draw_key *x = a, *y = b;
	int c = strcmp(x->ballot, y->ballot);
	if (c)
		return c;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->party, y->party);
}

static const char *cell_of(const source *s, const bki_table_row *row,
                           const char *field)
{
	for (size_t c = 0; c < s->t->ncols && c < row->ncells; c++)
		if (s->b[c].col && !strcmp(s->b[c].col->field, field))
			return row->cells[c][0] ? row->cells[c] : NULL;
	return NULL;
}

/* The draws table, read once: its rows sorted by ballot and number. */
static void read_draws(bk_import *imp, const source *s)
{
	imp->drawv = got(imp, bki_calloc(s->t->nrows ? s->t->nrows : 1,
	                                 sizeof *imp->drawv));
	for (size_t i = 0; imp->drawv && i < s->t->nrows; i++) {
		const bki_table_row *row = &s->t->rows[i];
		rec tmp = {.obj = json_object(), .hidden = json_object()};
		read_row(imp, s, row, &tmp);
		json_t *num = json_object_get(tmp.hidden, "number");
		const char *b = cell_of(s, row, "@ballot"), *p = cell_of(s, row, "@party");
		origin at = {s, row, SIZE_MAX};
		if (!b || !p || !json_is_integer(num))
			report(imp, &at, "missing-field", "a draw needs a ballot, a "
			       "party and a draw number");
		else if (!find_rec(&imp->sec[S_BALLOTS], b))
			report(imp, &at, "dangling-reference", "there is no ballot with "
			       "the id \"%s\" in the ballots table", b);
		else
			imp->drawv[imp->ndraws++] = (draw_key){b, p,
			                                       (long)json_integer_value(num), at};
		json_decref(tmp.obj);
		json_decref(tmp.hidden);
	}
	bki_sort(imp->drawv, imp->ndraws, sizeof *imp->drawv, draw_cmp);
}

/* A party-list ballot's options: the parties of the draws table for it,
 * by draw number. */
static void draw_options(bk_import *imp, rec *ballot)
{
	const char *id = rec_id(ballot);
	size_t first = 0;
	while (first < imp->ndraws && strcmp(imp->drawv[first].ballot, id) < 0)
		first++;
	size_t n = 0;
	while (first + n < imp->ndraws && !strcmp(imp->drawv[first + n].ballot, id))
		n++;
	const draw_key *keys = imp->drawv + first;
	origin *from = got(imp, bki_calloc(n ? n : 1, sizeof *from));
	if (!from)
		return;
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++) {
		from[i] = keys[i].at;
		if (i && keys[i].number == keys[i - 1].number)
			report(imp, &from[i], "duplicate", "parties \"%s\" and \"%s\" "
			       "have the same draw number (%ld) on ballot \"%s\"",
			       keys[i - 1].party, keys[i].party, keys[i].number, id);
		json_array_append_new(ids, json_string(keys[i].party));
	}
	set_options(ballot, ids, from, n);
}

static int by_district_cmp(const void *a, const void *b)
{
	const rec *x = *(rec *const *)a, *y = *(rec *const *)b;
	int c = strcmp(x->district, y->district);
	return c ? c : strcmp(rec_id(x), rec_id(y));
}

static void index_candidates(bk_import *imp)
{
	section *cs = &imp->sec[S_CANDIDATES];
	imp->by_district = got(imp, bki_calloc(cs->n ? cs->n : 1,
	                                      sizeof *imp->by_district));
	for (size_t i = 0; imp->by_district && i < cs->n; i++)
		if (cs->recs[i].district)
			imp->by_district[imp->nby_district++] = &cs->recs[i];
	if (imp->nby_district)
		bki_sort(imp->by_district, imp->nby_district, sizeof *imp->by_district,
		      by_district_cmp);
}

/* The candidates of a district: by_district[*first .. *first + n). */
static size_t district_range(const bk_import *imp, const char *district,
                             size_t *first)
{
	size_t lo = 0, hi = imp->nby_district;
	*first = 0;
	if (!district)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(imp->by_district[mid]->district, district) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < imp->nby_district &&
	       !strcmp(imp->by_district[lo + n]->district, district))
		n++;
	*first = lo;
	return n;
}

typedef struct cand_key {
	rec *r;
	unsigned long *name; /* the Kazakh alphabet's weights of "surname
	                      * given patronymic", then 0 */
	long order;          /* the printed order column, or -1 */
} cand_key;

static int cand_cmp(const void *a, const void *b)
{
	const cand_key *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	size_t i = 0;
	while (x->name[i] && x->name[i] == y->name[i])
		i++;
	if (x->name[i] != y->name[i])
		return x->name[i] < y->name[i] ? -1 : 1;
	return strcmp(rec_id(x->r), rec_id(y->r));
}

static unsigned long *kk_name(const bk_templates *tpl, const rec *r)
{
	static const char *const parts[] = {"surname", "given_name", "patronymic"};
	bki_buf b = {0};
	for (size_t i = 0; i < 3; i++) {
		json_t *t = json_object_get(r->obj, parts[i]);
		const char *v = json_string_value(json_object_get(t, "kk"));
		if (!v)
			v = json_string_value(json_object_get(t, "ru"));
		bki_buf_printf(&b, "%s%s", i ? " " : "", v ? v : "");
	}
	size_t n = b.len;
	unsigned long *w = bki_buf_failed(&b) ? NULL : bki_calloc(n + 1, sizeof *w);
	size_t k = 0;
	for (size_t i = 0; w && i < n;) {
		uint32_t c;
		size_t l = bki_utf8_decode(b.data + i, n - i, &c);
		if (!l)
			break;
		w[k++] = bki_kk_weight(tpl, c);
		i += l;
	}
	bki_buf_free(&b);
	return w;
}

/* A single-mandate ballot's options: its district's candidates, in the
 * printed order a column gives, else by the Kazakh alphabet. */
static void candidate_options(bk_import *imp, rec *ballot)
{
	const char *district = json_string_value(json_object_get(ballot->obj, "district"));
	size_t first, count = district_range(imp, district, &first);
	cand_key *keys = got(imp, bki_calloc(count ? count : 1, sizeof *keys));
	origin *from = got(imp, bki_calloc(count ? count : 1, sizeof *from));
	size_t n = 0, with_order = 0;
	for (size_t i = first; keys && from && i < first + count; i++) {
		rec *c = imp->by_district[i];
		json_t *o = json_object_get(c->hidden, "order");
		keys[n] = (cand_key){c, got(imp, kk_name(imp->tpl, c)),
		                     json_is_integer(o) ? (long)json_integer_value(o) : -1};
		with_order += keys[n].order >= 0;
		n++;
	}
	if (imp->nomem) {
		for (size_t i = 0; i < n; i++)
			free(keys[i].name);
		free(keys);
		free(from);
		return;
	}
	for (size_t i = 0; with_order && with_order < n && i < n; i++)
		if (keys[i].order < 0)
			report(imp, &keys[i].r->at, "missing-field", "the candidate has "
			       "no place in the ballot's order, while others of district "
			       "\"%s\" have: give every one, or none", district);
	bki_sort(keys, n, sizeof *keys, cand_cmp);
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++) {
		if (i && keys[i].order >= 0 && keys[i].order == keys[i - 1].order)
			report(imp, &keys[i].r->at, "duplicate", "candidates \"%s\" and "
			       "\"%s\" have the same place (%ld) in the ballot's order",
			       rec_id(keys[i - 1].r), rec_id(keys[i].r), keys[i].order);
		json_array_append_new(ids, json_string(rec_id(keys[i].r)));
		from[i] = keys[i].r->at;
		free(keys[i].name);
	}
	free(keys);
	set_options(ballot, ids, from, n);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A single-mandate ballot for every district whose candidates no ballot
 * of the ballots table lists. */
static void derive_ballots(bk_import *imp)
{
	section *ds = &imp->sec[S_DISTRICTS], *bs = &imp->sec[S_BALLOTS];
	/* the districts that have a single-mandate ballot, sorted */
	const char **have = got(imp, bki_calloc(bs->n ? bs->n : 1, sizeof *have));
	if (!have)
		return;
	size_t nhave = 0;
	for (size_t b = 0; b < bs->n; b++) {
		const char *bd = json_string_value(json_object_get(bs->recs[b].obj, "district"));
		const char *bk = json_string_value(json_object_get(bs->recs[b].obj, "kind"));
		if (bd && bk && !strcmp(bk, "single-mandate"))
			have[nhave++] = bd;
	}
	bki_sort(have, nhave, sizeof *have, str_cmp);
	for (size_t i = 0; i < ds->n; i++) {
		rec *d = &ds->recs[i];
		const char *kind = json_string_value(json_object_get(d->obj, "kind"));
		const char *id = rec_id(d);
		size_t first;
		if (!district_range(imp, id, &first) || !kind ||
		    !strcmp(kind, "nationwide") ||
		    bsearch(&id, have, nhave, sizeof *have, str_cmp))
			continue;
		rec *r = got(imp, add_rec(bs));
		if (!r)
			break;
		r->at = d->at;
		json_object_set_new(r->obj, "id", json_string(id));
		json_object_set_new(r->obj, "body", json_string(kind));
		if (json_object_get(d->obj, "level"))
			json_object_set(r->obj, "level", json_object_get(d->obj, "level"));
		json_object_set_new(r->obj, "kind", json_string("single-mandate"));
		json_object_set_new(r->obj, "district", json_string(id));
	}
	free(have);
}

static void check_candidate_districts(bk_import *imp)
{
	section *cs = &imp->sec[S_CANDIDATES];
	for (size_t i = 0; i < cs->n; i++) {
		const char *d = hidden_str(&cs->recs[i], "district");
		if (d && !find_rec(&imp->sec[S_DISTRICTS], d)) {
			origin at = cs->recs[i].at;
			for (size_t c = 0; c < at.src->t->ncols; c++)
				if (at.src->b[c].col && !strcmp(at.src->b[c].col->field, "@district"))
					at.col = c;
			report(imp, &at, "dangling-reference", "there is no district with "
			       "the id \"%s\" in the districts table", d);
		}
	}
}

static void fill_options(bk_import *imp)
{
	derive_ballots(imp);
	section *bs = &imp->sec[S_BALLOTS];
	for (size_t i = 0; i < bs->n; i++) {
		rec *b = &bs->recs[i];
		if (json_object_get(b->obj, "options"))
			continue;
		const char *kind = json_string_value(json_object_get(b->obj, "kind"));
		if (kind && !strcmp(kind, "single-mandate"))
			candidate_options(imp, b);
		else if (kind && !strcmp(kind, "party-list"))
			draw_options(imp, b);
	}
}

/* ---- the definition and where each of its values came from ---- */

static void assemble(bk_import *imp)
{
	json_t *def = json_object();
	json_object_set_new(def, "format", json_string("ballotkit/1"));
	if (imp->have_election) {
		json_object_set_new(def, "election", canonical(imp->election.obj,
		                                               imp->election.at.src->spec));
	}
	for (int s = 0; s < S_COUNT; s++) {
		section *sec = &imp->sec[s];
		if (!sec->n && s != S_DISTRICTS && s != S_BALLOTS)
			continue;
		if (sec->n)
			bki_sort(sec->recs, sec->n, sizeof *sec->recs, rec_cmp);
		json_t *arr = json_array();
		for (size_t i = 0; i < sec->n; i++) {
			rec *r = &sec->recs[i];
			json_array_append_new(arr, canonical(r->obj, sec->spec));
		}
		json_object_set_new(def, sec->name, arr);
	}
	if (imp->have_production && json_object_size(imp->production.obj)) {
		json_object_set_new(def, "production",
		                    canonical(imp->production.obj,
		                              imp->production.at.src->spec));
	}
	imp->json = bki_json_text(def);
	json_decref(def);
}

/* ---- reading the files ---- */

/* Takes t: a table of the file (or workbook) path. */
static void add_source(bk_import *imp, bki_table *t, bool sheet,
                       const bk_import_options *opt)
{
	const bki_table_spec *spec = bki_import_spec_table(imp->spec, t->name,
	                                                 &imp->nomem);
	if (imp->nomem) {
		bki_table_free(t);
		return;
	}
	if (!spec) {
		bki_buf names = {0};
		for (size_t i = 0; i < imp->spec->ntables; i++)
			bki_buf_printf(&names, "%s%s", i ? ", " : "", imp->spec->tables[i].table);
		/* a workbook may hold other sheets (notes, instructions) */
		bki_diags_add(imp->diags, sheet ? BK_WARNING : BK_ERROR,
		             "unknown-table", t->file, 0, 0, "",
		             "no table is called \"%s\"%s: name the %s after its "
		             "table (%s, or their Kazakh or Russian names: "
		             "docs/import.md)", t->name, sheet ? "; the sheet is not "
		             "read" : "", sheet ? "sheet" : "file", bki_buf_str(&names));
		bki_buf_free(&names);
		bki_table_free(t);
		imp->failed = imp->failed || !sheet;
		return;
	}
	for (size_t i = 0; i < imp->nsrc; i++)
		if (imp->src[i].spec == spec) {
			bki_diags_add(imp->diags, BK_ERROR, "duplicate", t->file, 0, 0, "",
			             "a second %s table: %s is one already", spec->table,
			             imp->src[i].t->file);
			bki_table_free(t);
			imp->failed = true;
			return;
		}
	source *src = got(imp, bki_reallocarray(imp->src, imp->nsrc + 1,
	                                       sizeof *src));
	if (!src) {
		bki_table_free(t);
		return;
	}
	imp->src = src;
	source *s = &imp->src[imp->nsrc++];
	*s = (source){t, spec, NULL};
	bind_headers(imp, s, opt);
}

static void open_source(bk_import *imp, const char *path,
                        const bk_import_options *opt)
{
	bki_table **tables = NULL;
	size_t n = 0;
	bk_status st = bki_tables_read(&tables, &n, path, opt, imp->diags);
	if (st != BK_OK) {
		imp->failed = true;
		if (st != BK_ERR_INVALID && imp->status == BK_OK)
			imp->status = st;
	}
	bool sheets = n > 1 || (n == 1 && strcmp(tables[0]->file, path));
	for (size_t i = 0; i < n; i++)
		add_source(imp, tables[i], sheets, opt);
	free(tables);
}

/* Tables read in the order records need: every party and candidate
 * before the rows that attach to them. */
static void read_all(bk_import *imp)
{
	for (size_t i = 0; i < imp->nsrc; i++)
		read_source(imp, &imp->src[i]);
	derive_ids(imp);
	cache_keys(imp);
	for (int s = 0; s < S_COUNT; s++) {
		if (imp->sec[s].n)
			bki_sort(imp->sec[s].recs, imp->sec[s].n, sizeof *imp->sec[s].recs,
			      rec_cmp);
		check_unique(imp, &imp->sec[s]);
	}
	for (size_t i = 0; i < imp->nsrc; i++) {
		source *s = &imp->src[i];
		if (!strcmp(s->spec->table, "draws"))
			read_draws(imp, s);
		for (size_t r = 0; s->spec->attach && r < s->t->nrows; r++)
			attach_row(imp, s, &s->t->rows[r]);
	}
	check_candidate_districts(imp);
	index_candidates(imp);
}

static_assert(offsetof(bk_import_options, version) == 0,
              "bki_options_take reads the version first");

bk_status bk_import_create(bk_import **out, const char *const *paths,
                           size_t npaths, const bk_templates *tpl,
                           const bk_import_options *opt_in, bk_diags *diags)
{
	*out = NULL;
	bk_import_options opt = BK_IMPORT_OPTIONS_INIT;
	if (!bki_options_take(&opt, opt_in, sizeof opt, BK_IMPORT_OPTIONS_VERSION,
	                      "bk_import_options", diags))
		return BK_ERR_USAGE;
	if (opt.separator && opt.separator != ',' && opt.separator != ';' &&
	    opt.separator != '\t') {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the separator must be \",\", \";\" or a tab");
		return BK_ERR_USAGE;
	}
	/* the shape of every create function (see bk_audio_create) */
	bk_import *imp = bki_calloc(1, sizeof *imp);
	if (!imp)
		return bki_diags_nomem(diags, "", "", "importing the tables");
	imp->tpl = tpl;
	imp->diags = diags;
	bk_status st = bki_import_spec_load(&imp->spec, bk_templates_dir(tpl), diags);
	for (int s = 0; s < S_COUNT && st == BK_OK; s++) {
		imp->sec[s].name = section_names[s];
		bool nomem = false;
		imp->sec[s].spec = bki_import_spec_table(imp->spec, section_names[s],
		                                        &nomem);
		if (nomem) {
			st = bki_diags_nomem(diags, "", "", "importing the tables");
		} else if (!imp->sec[s].spec) {
			bki_diags_add(diags, BK_ERROR, "templates", bk_templates_dir(tpl), 0, 0,
			             "", "import/tables.json has no table \"%s\"",
			             section_names[s]);
			st = BK_ERR_CONFIG;
		}
	}
	if (st != BK_OK) {
		bk_import_free(imp);
		return st;
	}
	/* each step stops at memory running out: what it left is incomplete */
	for (size_t i = 0; i < npaths && !imp->nomem; i++)
		open_source(imp, paths[i], &opt);
	if (!imp->nomem)
		read_all(imp);
	if (!imp->nomem)
		fill_options(imp);
	if (!imp->nomem)
		assemble(imp);
	if (imp->nomem || (!imp->json && imp->status == BK_OK && !imp->failed)) {
		bki_diags_nomem(diags, "", "", "importing the tables");
		bk_import_free(imp);
		return BK_ERR_NOMEM;
	}
	imp->diags = NULL;
	*out = imp;
	return imp->status != BK_OK ? imp->status
	       : imp->failed ? BK_ERR_INVALID : BK_OK;
}

static void free_rec(rec *r)
{
	json_decref(r->obj);
	json_decref(r->hidden);
	free(r->extra);
	free(r->options);
}

void bk_import_free(bk_import *imp)
{
	if (!imp)
		return;
	for (int s = 0; s < S_COUNT; s++) {
		for (size_t i = 0; i < imp->sec[s].n; i++)
			free_rec(&imp->sec[s].recs[i]);
		free(imp->sec[s].recs);
	}
	free_rec(&imp->election);
	free_rec(&imp->production);
	for (size_t i = 0; i < imp->nsrc; i++) {
		bki_table_free(imp->src[i].t);
		free(imp->src[i].b);
	}
	free(imp->src);
	free(imp->by_district);
	free(imp->drawv);
	free(imp->json);
	bki_import_spec_free(imp->spec);
	free(imp);
}

const char *bk_import_json(const bk_import *imp)
{
	return imp && imp->json ? imp->json : "";
}

/* The cell of row at's table that gave field (the rest of a JSON path:
 * "surname", "surname.kk", "paper.overrides.pitch", "districts[2]"), or
 * false. */
static bool field_cell(const origin *at, const char *field, origin *found)
{
	const source *s = at->src;
	for (size_t c = 0; s && at->row && c < s->t->ncols; c++) {
		const bki_col_spec *col = s->b[c].col;
		size_t fl = col ? strlen(col->field) : 0;
		if (!col || col->field[0] == '@' || strncmp(field, col->field, fl) ||
		    (field[fl] && field[fl] != '.' && field[fl] != '['))
			continue;
		if (c >= at->row->ncells || !at->row->cells[c][0])
			continue;
		if (col->kind == BK_COL_TEXT && field[fl] == '.' &&
		    strcmp(field + fl + 1, bki_lang_codes[s->b[c].lang]))
			continue;
		*found = (origin){s, at->row, c};
		return true;
	}
	return false;
}

/* Where the value a JSON path of the definition names came from: its
 * cell, or its record's row; NULL when the import cannot tell (a table
 * missing as a whole). Read from the path: the lists are in the order
 * the definition has them. */
static bool locate(const bk_import *imp, const char *path, origin *out)
{
	if (strncmp(path, "$.", 2))
		return false;
	const char *p = path + 2;
	size_t len = strcspn(p, ".[");
	const rec *r = NULL;
	if (len == 8 && !strncmp(p, "election", 8) && imp->have_election)
		r = &imp->election;
	else if (len == 10 && !strncmp(p, "production", 10) && imp->have_production)
		r = &imp->production;
	for (int sidx = 0; !r && sidx < S_COUNT; sidx++) {
		const section *sec = &imp->sec[sidx];
		if (strlen(sec->name) != len || strncmp(p, sec->name, len) || p[len] != '[')
			continue;
		char *end;
		unsigned long i = strtoul(p + len + 1, &end, 10);
		if (*end != ']' || i >= sec->n)
			return false;
		r = &sec->recs[i];
		len = (size_t)(end + 1 - p);
	}
	if (!r || !r->at.src || !r->at.row)
		return false;
	const char *rest = p + len;
	*out = r->at;
	out->col = SIZE_MAX;
	if (*rest != '.')
		return true;
	rest++;
	if (!strncmp(rest, "options[", 8) && r->noptions) {
		unsigned long k = strtoul(rest + 8, NULL, 10);
		if (k < r->noptions)
			*out = r->options[k];
		return true;
	}
	if (field_cell(&r->at, rest, out))
		return true;
	for (size_t e = 0; e < r->nextra; e++)
		if (field_cell(&r->extra[e], rest, out))
			return true;
	return true;
}

void bk_import_relocate(const bk_import *imp, const bk_diags *in,
                        const char *json_file, const char *tables,
                        bk_diags *out)
{
	for (size_t i = 0; i < bk_diags_count(in); i++) {
		const bk_diag *d = bk_diags_get(in, i);
		origin at;
		bool found = imp && locate(imp, bk_diag_path(d), &at);
		bool ours = json_file && !strcmp(bk_diag_file(d), json_file);
		if (!found) {
			bki_diags_add(out, bk_diag_severity(d), bk_diag_kind(d),
			             ours ? (tables ? tables : "") : bk_diag_file(d),
			             ours ? 0 : bk_diag_line(d), ours ? 0 : bk_diag_column(d),
			             bk_diag_path(d), "%s", bk_diag_message(d));
			continue;
		}
		bki_buf msg = {0};
		bki_buf_add(&msg, bk_diag_message(d));
		unsigned long col = 0;
		if (at.col != SIZE_MAX) {
			char letter[8];
			bki_column_letter(at.col, letter);
			bki_buf_printf(&msg, " (column %s, \"%s\")", letter,
			              at.src->t->header[at.col]);
			col = (unsigned long)at.col + 1;
		}
		bki_diags_add(out, bk_diag_severity(d), bk_diag_kind(d),
		             at.src->t->file, at.row->number, col,
		             bk_diag_path(d), "%s", bki_buf_str(&msg));
		bki_buf_free(&msg);
	}
}
