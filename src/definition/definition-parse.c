/* Parsing a definition: its JSON tree into the model, value by value.
 * Each value is checked for its type, range and text rules where it is,
 * and reported at its JSON path; references are recorded for
 * definition-resolve.c. See definition-load.h for the loader's steps,
 * docs/ballot-format.md and docs/validation-rules.md. */
#include "definition/definition-load.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json/jcheck.h"
#include "production/production-private.h"
#include "util/cache.h"

/* ---- small value helpers (all at the path of the member) ---- */

static json_t *member(def_ctx *c, json_t *obj, const char *key, size_t *old)
{
	json_t *v = json_object_get(obj, key);
	if (v)
		*old = jdoc_push_key(c->d, key);
	return v;
}

/* Calls fn with the member key of obj at its path, when there is one. */
static void with_member(def_ctx *c, json_t *obj, const char *key,
                        void (*fn)(def_ctx *c, json_t *v))
{
	size_t old;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return;
	fn(c, v);
	jdoc_pop(c->d, old);
}

static bool get_int(def_ctx *c, json_t *obj, const char *key, long lo, long hi,
                    long *out)
{
	size_t old;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return false;
	bool ok = false;
	if (jc_type(c->d, v, JSON_INTEGER, key)) {
		json_int_t n = json_integer_value(v);
		if (n < lo || n > hi)
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "%s must be between %ld and %ld, not %lld", key,
			            lo, hi, (long long)n);
		else {
			*out = (long)n;
			ok = true;
		}
	}
	jdoc_pop(c->d, old);
	return ok;
}

static bool get_bool(def_ctx *c, json_t *obj, const char *key, bool *out)
{
	size_t old;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return false;
	bool ok = jc_type(c->d, v, JSON_TRUE, key);
	if (ok)
		*out = json_is_true(v);
	jdoc_pop(c->d, old);
	return ok;
}

/* Returns the index of the value in values, or -1. */
static int get_enum(def_ctx *c, json_t *obj, const char *key,
                    const char *const *values)
{
	size_t old;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return -1;
	int r = -1;
	if (jc_type(c->d, v, JSON_STRING, key)) {
		const char *s = json_string_value(v);
		for (int i = 0; values[i]; i++)
			if (!strcmp(s, values[i]))
				r = i;
		if (r < 0) {
			bki_buf list = {0};
			for (int i = 0; values[i]; i++)
				bki_buf_printf(&list, "%s\"%s\"", i ? ", " : "",
				              values[i]);
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "%s \"%s\" is not one of %s", key, s,
			            bki_buf_str(&list));
			bki_buf_free(&list);
		}
	}
	jdoc_pop(c->d, old);
	return r;
}

static const char *get_id(def_ctx *c, json_t *obj, const char *what)
{
	size_t old;
	json_t *v = member(c, obj, "id", &old);
	if (!v)
		return NULL;
	const char *s = jc_id(c->d, v, what);
	/* An unsafe id is reported once, here; it still names its item, so
	 * references to it are not reported as dangling too. */
	if (!s && json_is_string(v))
		s = json_string_value(v);
	jdoc_pop(c->d, old);
	return s ? def_got(c, bki_arena_strdup(&c->e->arena, s)) : NULL;
}

/* Records a reference at $.<list>[item].field[j] (the current path). */

/* A reference in the member field of obj (its key is the field's). */
static void get_ref(def_ctx *c, json_t *obj, enum def_ref_field field,
                    enum def_coll coll, long *out)
{
	size_t old;
	const char *key = def_ref_field_key[field];
	*out = -1;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return;
	def_add_ref(c, v, coll, out, key, field, -1);
	jdoc_pop(c->d, old);
}

static void get_text(def_ctx *c, json_t *obj, const char *key, bki_text *out,
                     enum def_text_mode mode, const char *what)
{
	size_t old;
	memset(out, 0, sizeof *out);
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return;
	def_parse_text(c, v, out, mode, what);
	jdoc_pop(c->d, old);
}

/* ---- election ---- */

static bool valid_date(const char *s, int *year)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1991 || y > 2100) /* elections of the Republic of Kazakhstan */
		return false;
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return false;
	int dim = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d > dim)
		return false;
	*year = y;
	return true;
}

static void parse_date(def_ctx *c, json_t *v)
{
	if (!jc_type(c->d, v, JSON_STRING, "date"))
		return;
	bk_election *e = c->e;
	if (!valid_date(json_string_value(v), &e->year))
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "the date \"%s\" is not a real date "
		            "between 1991 and 2100 written YYYY-MM-DD",
		            json_string_value(v));
	else
		e->date = def_got(c, bki_arena_strdup(&e->arena,
		                                     json_string_value(v)));
}

/* One item of "languages" (at its path); false when it is not one. */
static bool add_language(def_ctx *c, json_t *x)
{
	bk_election *e = c->e;
	if (!jc_type(c->d, x, JSON_STRING, "a language"))
		return false;
	int l = bki_lang_index(json_string_value(x));
	if (l < 0) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "\"%s\" is not a language of ballotkit; use \"kk\" "
		            "or \"ru\"", json_string_value(x));
		return false;
	}
	if (bki_election_has_lang(e, l))
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "the language \"%s\" is listed twice",
		            json_string_value(x));
	else
		e->langs[e->nlangs++] = l;
	return true;
}

static void parse_languages(def_ctx *c, json_t *v)
{
	if (!jc_type(c->d, v, JSON_ARRAY, "languages"))
		return;
	size_t i;
	json_t *x;
	bool all_ok = json_array_size(v) > 0;
	if (!json_array_size(v))
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "languages must list at least one "
		            "language (\"kk\", \"ru\")");
	json_array_foreach(v, i, x) {
		size_t old = jdoc_push_index(c->d, i);
		if (!add_language(c, x))
			all_ok = false;
		jdoc_pop(c->d, old);
	}
	c->langs_known = all_ok;
}

static void parse_election(def_ctx *c, json_t *o)
{
	static const jc_field f[] = {{"id", true}, {"date", true},
	                             {"name", true}, {"languages", true},
	                             {NULL, false}};
	bk_election *e = c->e;
	if (!jc_type(c->d, o, JSON_OBJECT, "election"))
		return;
	jc_fields(c->d, o, f, "the election");
	e->id = get_id(c, o, "the election id");
	with_member(c, o, "date", parse_date);
	with_member(c, o, "languages", parse_languages);
	get_text(c, o, "name", &e->name, TEXT_FULL, "the election name");
}

/* ---- collections ---- */

typedef void (*item_fn)(def_ctx *c, json_t *o, size_t i);

/* Reads each object of a list with fn, then frees the list's part of the
 * tree. Returns the number of items. */
static size_t parse_array(def_ctx *c, json_t *root, enum def_list list,
                          item_fn fn, const char *what)
{
	const char *key = def_list_key[list];
	size_t old;
	json_t *v = member(c, root, key, &old);
	if (!v)
		return 0;
	size_t n = 0;
	if (jc_type(c->d, v, JSON_ARRAY, key)) {
		n = json_array_size(v);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			size_t o2 = jdoc_push_index(c->d, i);
			c->list = list;
			c->item = i;
			if (jc_type(c->d, x, JSON_OBJECT, what))
				fn(c, x, i);
			jdoc_pop(c->d, o2);
		}
	}
	jdoc_pop(c->d, old);
	/* The model now holds what it needs from this list: free its part
	 * of the tree, so the tree and the model are never both whole in
	 * memory (docs/performance.md). */
	json_object_del(root, key);
	return n;
}

static const char *const area_kinds[] = {"country", "region", "city",
                                         "district", NULL};
static void parse_area(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"kind", true},
	                             {"name", true}, {"parent", false},
	                             {NULL, false}};
	bki_area *a = &c->e->areas[i];
	jc_fields(c->d, o, f, "an area");
	a->id = get_id(c, o, "an area id");
	get_enum(c, o, "kind", area_kinds);
	get_text(c, o, "name", &a->name, TEXT_FULL, "the area name");
	get_ref(c, o, F_PARENT, C_AREAS, &c->sink);
}

static const char *const district_kinds[] = {"nationwide", "mazhilis",
                                             "maslikhat", NULL};
static const char *const levels[] = {"regional", "city", "district", NULL};

/* level: required when needed, refused otherwise. Returns BK_LEVEL_*. */
static bki_level get_level(def_ctx *c, json_t *o, bool needed, bool known,
                          const char *what)
{
	json_t *v = json_object_get(o, "level");
	if (!known)
		return v ? (bki_level)(get_enum(c, o, "level", levels) + 1)
		         : BK_LEVEL_NONE;
	if (needed && !v) {
		jdoc_report(c->d, BK_ERROR, "missing-field", false,
		            "%s of a maslikhat needs the field \"level\" "
		            "(regional, city or district)", what);
		return BK_LEVEL_NONE;
	}
	if (!needed && v) {
		size_t old = jdoc_push_key(c->d, "level");
		jdoc_report(c->d, BK_ERROR, "unexpected-field", true,
		            "only a maslikhat %s has a level; remove \"level\"",
		            what);
		jdoc_pop(c->d, old);
		return BK_LEVEL_NONE;
	}
	return v ? (bki_level)(get_enum(c, o, "level", levels) + 1)
	         : BK_LEVEL_NONE;
}

static void parse_district(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"kind", true},
	                             {"name", true}, {"level", false},
	                             {"number", false}, {"area", false},
	                             {NULL, false}};
	bki_district *d = &c->e->districts[i];
	jc_fields(c->d, o, f, "a district");
	d->id = get_id(c, o, "a district id");
	int k = get_enum(c, o, "kind", district_kinds);
	d->kind = k < 0 ? BK_DISTRICT_UNKNOWN : (bki_district_kind)k;
	d->level = get_level(c, o, k == BK_DISTRICT_MASLIKHAT, k >= 0,
	                     "district");
	get_int(c, o, "number", 1, 99999, &d->number);
	get_text(c, o, "name", &d->name, TEXT_FULL, "the district name");
	if (!def_digest_json(o, d->digest))
		def_got(c, NULL);
	get_ref(c, o, F_AREA, C_AREAS, &c->sink);
}

static void parse_station(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"number", true},
	                             {"districts", true}, {"name", false},
	                             {"address", false},
	                             {"area", false}, {"abroad", false},
	                             {"kits", false}, {NULL, false}};
	bki_station *s = &c->e->stations[i];
	jc_fields(c->d, o, f, "a polling station");
	s->id = get_id(c, o, "a polling station id");
	get_int(c, o, "number", 1, 99999, &s->number);
	get_text(c, o, "name", &s->name, TEXT_FULL, "the polling station name");
	get_text(c, o, "address", &s->address, TEXT_FULL,
	         "the polling station address");
	get_ref(c, o, F_AREA, C_AREAS, &c->sink);
	bool abroad;
	get_bool(c, o, "abroad", &abroad);
	s->kits = BK_DEFAULT_STATION_KITS;
	get_int(c, o, "kits", 1, 1000, &s->kits);
	size_t old;
	json_t *v = member(c, o, "districts", &old);
	if (v) {
		if (jc_type(c->d, v, JSON_ARRAY, "districts")) {
			if (!json_array_size(v))
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "a polling station must vote in at "
				            "least one district");
			size_t k;
			json_t *x;
			s->ndistricts = json_array_size(v);
			s->districts = def_got(c, bki_arena_alloc(&c->e->arena,
			                              (s->ndistricts + 1) *
			                              sizeof *s->districts));
			if (!s->districts)
				s->ndistricts = 0;
			json_array_foreach(v, k, x) {
				if (!s->districts)
					break;
				size_t o2 = jdoc_push_index(c->d, k);
				def_add_ref(c, x, C_DISTRICTS, &s->districts[k],
				            "a district", F_DISTRICTS, (long)k);
				jdoc_pop(c->d, o2);
			}
		}
		jdoc_pop(c->d, old);
	}
}

/* A text member of a party or a candidate: its key, the offset of its
 * bki_text in the record, how it is read and what messages call it. */
typedef struct text_member {
	const char *key;
	size_t off;
	enum def_text_mode mode;
	const char *what;
} text_member;

/* Reads the text members t (up to one with no key) into the record rec. */
static void get_texts(def_ctx *c, json_t *o, void *rec, const text_member *t)
{
	for (; t->key; t++)
		get_text(c, o, t->key, (bki_text *)((char *)rec + t->off),
		         t->mode, t->what);
}

/* What every party and candidate begins with: its fields f checked, its
 * id, its digest and its first texts t, in that order (what names it in
 * messages, id_what its id). Returns the id. */
static const char *parse_record(def_ctx *c, json_t *o, const jc_field *f,
                                const char *what, const char *id_what,
                                bk_digest digest, void *rec,
                                const text_member *t)
{
	jc_fields(c->d, o, f, what);
	const char *id = get_id(c, o, id_what);
	if (!def_digest_json(o, digest))
		def_got(c, NULL);
	get_texts(c, o, rec, t);
	return id;
}

#define TEXT_OF(type, field, mode, what) \
	{#field, offsetof(type, field), mode, what}
#define PARTY_TEXT(field, mode, what) TEXT_OF(bki_party, field, mode, what)
#define CANDIDATE_TEXT(field, mode, what) \
	TEXT_OF(bki_candidate, field, mode, what)

static void parse_party(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"name", true},
	                             {"short_name", false},
	                             {"pronunciation", false},
	                             {"leaflet", false}, {NULL, false}};
	static const text_member t[] = {
		PARTY_TEXT(name, TEXT_FULL, "the party name"),
		PARTY_TEXT(short_name, TEXT_FULL, "the party's short name"),
		PARTY_TEXT(pronunciation, TEXT_PARTIAL, "the pronunciation"),
		PARTY_TEXT(leaflet, TEXT_FULL, "the leaflet text"),
		{NULL, 0, TEXT_FULL, NULL}};
	bki_party *p = &c->e->parties[i];
	p->id = parse_record(c, o, f, "a party", "a party id", p->digest, p, t);
}

static const char *const statuses[] = {"standing", "withdrawn", NULL};
static void parse_candidate(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"surname", true},
	                             {"given_name", true},
	                             {"birth_year", true}, {"patronymic", false},
	                             {"party", false}, {"self_nominated", false},
	                             {"pronunciation", false},
	                             {"leaflet", false}, {"status", false},
	                             {"details", false}, {NULL, false}};
	static const text_member names[] = {
		CANDIDATE_TEXT(surname, TEXT_NAME, "the surname"),
		CANDIDATE_TEXT(given_name, TEXT_NAME, "the given name"),
		CANDIDATE_TEXT(patronymic, TEXT_NAME, "the patronymic"),
		{NULL, 0, TEXT_FULL, NULL}};
	static const text_member texts[] = {
		CANDIDATE_TEXT(pronunciation, TEXT_PARTIAL, "the pronunciation"),
		CANDIDATE_TEXT(leaflet, TEXT_FULL, "the leaflet text"),
		CANDIDATE_TEXT(details, TEXT_FULL, "the details text"),
		{NULL, 0, TEXT_FULL, NULL}};
	bki_candidate *k = &c->e->candidates[i];
	k->id = parse_record(c, o, f, "a candidate", "a candidate id",
	                     k->digest, k, names);
	k->birth_year = 0;
	if (get_int(c, o, "birth_year", 1900, 2100, &k->birth_year) &&
	    c->e->year && k->birth_year > c->e->year) {
		size_t old = jdoc_push_key(c->d, "birth_year");
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "the birth year %ld is after the election (%d)",
		            k->birth_year, c->e->year);
		jdoc_pop(c->d, old);
	}
	json_t *party = json_object_get(o, "party");
	json_t *self = json_object_get(o, "self_nominated");
	k->party = -1;
	if (party)
		get_ref(c, o, F_PARTY, C_PARTIES, &k->party);
	if (self) {
		size_t old = jdoc_push_key(c->d, "self_nominated");
		if (party)
			jdoc_report(c->d, BK_ERROR, "unexpected-field", true,
			            "a candidate is nominated by a party or "
			            "self-nominated, not both; remove one");
		else if (jc_type(c->d, self, JSON_TRUE, "self_nominated") &&
		         !json_is_true(self))
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "self_nominated can only be true; for a "
			            "party's candidate write \"party\" instead");
		jdoc_pop(c->d, old);
	}
	if (!party && !self)
		jdoc_report(c->d, BK_ERROR, "missing-field", false,
		            "a candidate needs \"party\" (the nominating "
		            "party's id) or \"self_nominated\": true");
	get_texts(c, o, k, texts);
	k->withdrawn = get_enum(c, o, "status", statuses) == 1;
}

static const char *const bodies[] = {"mazhilis", "maslikhat", NULL};
static const char *const ballot_kinds[] = {"party-list", "single-mandate",
                                           NULL};

/* A number of mm at key of o within [lo, hi], into *out; false when it is
 * missing or wrong (said). */
static bool get_mm(def_ctx *c, json_t *o, const char *key, double lo,
                   double hi, double *out)
{
	size_t old;
	json_t *v = member(c, o, key, &old);
	if (!v)
		return false;
	bool ok = false;
	if (jc_type(c->d, v, JSON_REAL, key)) {
		double x = json_number_value(v);
		ok = x >= lo && x <= hi;
		if (!ok)
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "%s is %g mm; it must be between %g and %g mm",
			            key, x, lo, hi);
		else
			*out = x;
	}
	jdoc_pop(c->d, old);
	return ok;
}

static bool colour_ok(const char *s)
{
	if (s[0] != '#') {
		bool ok = *s != '\0';
		for (const char *p = s; ok && *p; p++)
			ok = *p >= 'a' && *p <= 'z';
		return ok;
	}
	bool ok = strlen(s) == 7;
	for (int k = 1; ok && k < 7; k++)
		ok = strchr("0123456789abcdefABCDEF", s[k]) != NULL;
	return ok;
}

static void parse_colour(def_ctx *c, json_t *v, bki_ballot *b)
{
	if (!jc_type(c->d, v, JSON_STRING, "colour"))
		return;
	const char *s = json_string_value(v);
	if (!colour_ok(s))
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "colour \"%s\" must be a lower-case "
		            "colour name (\"blue\") or #RRGGBB", s);
	else
		b->colour = def_got(c, bki_arena_strdup(&c->e->arena, s));
}

/* paper.template: a stencil template of the ballot's kind (kind: the
 * index into ballot_kinds, -1 when unknown). */
static void parse_paper_template(def_ctx *c, json_t *t, bki_ballot *b,
                                 int kind)
{
	if (!jc_type(c->d, t, JSON_STRING, "template"))
		return;
	const char *tid = json_string_value(t);
	b->tpl = bki_templates_stencil_find(c->tpl, tid);
	b->tpl_bad = !b->tpl;
	if (!b->tpl) {
		bki_buf list = {0};
		for (size_t k = 0; k < c->tpl->nstencils; k++)
			bki_buf_printf(&list, "%s%s", k ? ", " : "",
			              c->tpl->stencils[k].id);
		jdoc_report(c->d, BK_ERROR, "dangling-reference", false,
		            "there is no stencil template \"%s\" (templates: %s)",
		            tid, bki_buf_str(&list));
		bki_buf_free(&list);
	} else if (b->kind && !(b->tpl->kinds & b->kind)) {
		b->tpl_bad = true;
		jdoc_report(c->d, BK_ERROR, "inconsistent", false,
		            "the template \"%s\" is not for %s ballots", tid,
		            ballot_kinds[kind]);
	}
}

static void parse_overrides(def_ctx *c, json_t *ov, bki_ballot *b)
{
	static const jc_field of[] = {
		{"offset_x", false}, {"offset_y", false},
		{"box_width", false}, {"box_height", false},
		{"pitch", false}, {NULL, false}};
	if (!jc_type(c->d, ov, JSON_OBJECT, "overrides"))
		return;
	jc_fields(c->d, ov, of, "overrides");
	b->has_over = true;
	get_mm(c, ov, "offset_x", -20, 20, &b->over.offset_x);
	get_mm(c, ov, "offset_y", -20, 20, &b->over.offset_y);
	get_mm(c, ov, "box_width", 4, 40, &b->over.box_w);
	get_mm(c, ov, "box_height", 4, 40, &b->over.box_h);
	get_mm(c, ov, "pitch", 5, 60, &b->over.pitch);
}

/* paper.source: a ballot PDF, resolved against the definition's folder
 * (docs/ballot-format.md, "paper") */
static void parse_source(def_ctx *c, json_t *v, bki_ballot *b)
{
	if (!jc_type(c->d, v, JSON_STRING, "source"))
		return;
	const char *s = json_string_value(v);
	if (!*s) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "source is empty; name the ballot's PDF");
		b->own_bad = true;
		return;
	}
	bki_buf p = {0};
	const char *slash = c->path ? strrchr(c->path, '/') : NULL;
	if (s[0] != '/' && slash)
		bki_buf_printf(&p, "%.*s/", (int)(slash - c->path), c->path);
	bki_buf_printf(&p, "%s", s);
	b->source = def_got(c, bki_arena_strdup(&c->e->arena, bki_buf_str(&p)));
	bki_buf_free(&p);
}

static const char *const box_sides[] = {"front", "back", NULL};

/* One of paper.boxes: x, y, width, height in mm from the top-left corner
 * of the sheet, on sheet 1, front. */
static bool parse_box(def_ctx *c, json_t *o, bk_box *out)
{
	static const jc_field f[] = {{"x", true}, {"y", true},
	                             {"width", true}, {"height", true},
	                             {"sheet", false}, {"side", false},
	                             {NULL, false}};
	if (!jc_type(c->d, o, JSON_OBJECT, "a box"))
		return false;
	jc_fields(c->d, o, f, "a box");
	bool ok = get_mm(c, o, "x", 0, 1000, &out->x);
	ok = get_mm(c, o, "y", 0, 1000, &out->y) && ok;
	ok = get_mm(c, o, "width", BK_BOXES_SIDE_MIN, BK_BOXES_SIDE_MAX,
	            &out->w) && ok;
	ok = get_mm(c, o, "height", BK_BOXES_SIDE_MIN, BK_BOXES_SIDE_MAX,
	            &out->h) && ok;
	long sheet = 1;
	size_t old;
	if (get_int(c, o, "sheet", 1, 100, &sheet) && sheet != 1) {
		old = jdoc_push_key(c->d, "sheet");
		jdoc_report(c->d, BK_ERROR, "unsupported", false,
		            "sheet %ld: a stencil is made for a ballot's first "
		            "sheet only; a ballot of several sheets cannot have "
		            "its own boxes yet (docs/stencil.md)", sheet);
		jdoc_pop(c->d, old);
		ok = false;
	}
	int side = get_enum(c, o, "side", box_sides);
	if (side == 1) {
		old = jdoc_push_key(c->d, "side");
		jdoc_report(c->d, BK_ERROR, "unsupported", false,
		            "side \"back\": the stencil lies on the front of the "
		            "ballot, where the voter marks; a box on the back "
		            "cannot be reached through it");
		jdoc_pop(c->d, old);
	}
	if (side != 0 && json_object_get(o, "side"))
		ok = false; /* said above or by get_enum */
	return ok;
}

/* paper.boxes: the ballot's marking boxes, in the order of its
 * positions */
static void parse_boxes(def_ctx *c, json_t *v, bki_ballot *b)
{
	if (!jc_type(c->d, v, JSON_ARRAY, "boxes"))
		return;
	size_t n = json_array_size(v);
	if (n == 0 || n > BK_BOXES_EXPECTED_MAX) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "boxes holds %zu boxes; a ballot has 1 to %d", n,
		            BK_BOXES_EXPECTED_MAX);
		b->own_bad = true;
		return;
	}
	b->boxes = def_got(c, bki_arena_alloc(&c->e->arena, n * sizeof *b->boxes));
	if (!b->boxes)
		return;
	b->nboxes = n;
	for (size_t k = 0; k < n; k++) {
		size_t old = jdoc_push_index(c->d, k);
		if (!parse_box(c, json_array_get(v, k), &b->boxes[k]))
			b->own_bad = true;
		jdoc_pop(c->d, old);
	}
}

/* A member of paper (key) that goes only with another (with true) or
 * never with it (with false), and why. */
typedef struct paper_pair {
	const char *key, *other;
	bool with;
	const char *why;
} paper_pair;

static const paper_pair pairings[] = {
	/* the ballot's own boxes stand where the ballot has them */
	{"overrides", "boxes", false, "the boxes stand where the ballot has "
	 "them; correct them in paper.boxes"},
	{"overrides", "source", false, "the boxes are found where the ballot "
	 "PDF has them"},
	{"boxes", "source", false, "give the boxes or the PDF to find them in, "
	 "not both"},
	{"page", "source", true, "the page is a page of the ballot PDF"},
	{"width", "boxes", true, "the sheet's size goes with boxes given in mm"},
	{"height", "boxes", true, "the sheet's size goes with boxes given in mm"},
	{"width", "height", true, "a sheet has both sides"},
	{"height", "width", true, "a sheet has both sides"},
};

/* Said at the pair's key when it is in v and the pairing does not hold. */
static void paper_pairing(def_ctx *c, json_t *v, const paper_pair *p)
{
	if (!json_object_get(v, p->key) ||
	    (json_object_get(v, p->other) != NULL) == p->with)
		return;
	size_t old = jdoc_push_key(c->d, p->key);
	jdoc_report(c->d, BK_ERROR, "inconsistent", true, "%s %s paper.%s: %s",
	            p->key, p->with ? "needs" : "cannot go with", p->other,
	            p->why);
	jdoc_pop(c->d, old);
}

static void parse_paper(def_ctx *c, json_t *v, bki_ballot *b, int kind)
{
	static const jc_field pf[] = {{"template", false},
	                              {"overrides", false},
	                              {"source", false}, {"page", false},
	                              {"boxes", false}, {"width", false},
	                              {"height", false},
	                              {NULL, false}};
	if (!jc_type(c->d, v, JSON_OBJECT, "paper"))
		return;
	jc_fields(c->d, v, pf, "paper");
	size_t old;
	json_t *t = member(c, v, "template", &old);
	if (t) {
		parse_paper_template(c, t, b, kind);
		jdoc_pop(c->d, old);
	}
	json_t *ov = member(c, v, "overrides", &old);
	if (ov) {
		parse_overrides(c, ov, b);
		jdoc_pop(c->d, old);
	}
	json_t *x = member(c, v, "source", &old);
	if (x) {
		parse_source(c, x, b);
		jdoc_pop(c->d, old);
	}
	long page = BK_DEFAULT_PAPER_PAGE;
	get_int(c, v, "page", 1, 10000, &page);
	b->source_page = (unsigned)page;
	x = member(c, v, "boxes", &old);
	if (x) {
		parse_boxes(c, x, b);
		jdoc_pop(c->d, old);
	}
	get_mm(c, v, "width", 50, 1000, &b->paper_w);
	get_mm(c, v, "height", 50, 1000, &b->paper_h);
	for (size_t k = 0; k < sizeof pairings / sizeof *pairings; k++)
		paper_pairing(c, v, &pairings[k]);
	/* reported above */
	if (b->has_over && (b->source || b->boxes))
		b->has_over = false;
	if (b->source && b->boxes)
		b->own_bad = true;
}

/* options: references to parties (a party-list ballot, kind 0) or
 * candidates (kind 1); only their type is checked when the kind is
 * unknown (-1). */
static void parse_options(def_ctx *c, json_t *v, bki_ballot *b, int kind)
{
	if (!jc_type(c->d, v, JSON_ARRAY, "options"))
		return;
	size_t n = json_array_size(v);
	if (!n)
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "a ballot needs at least one option");
	b->options = def_got(c, bki_arena_alloc(&c->e->arena,
	                                       (n + 1) * sizeof(long)));
	if (!b->options)
		return;
	b->noptions = n;
	size_t k;
	json_t *x;
	json_array_foreach(v, k, x) {
		size_t old = jdoc_push_index(c->d, k);
		b->options[k] = -1;
		if (kind >= 0)
			def_add_ref(c, x, kind == 0 ? C_PARTIES : C_CANDIDATES,
			            &b->options[k], "an option", F_OPTIONS,
			            (long)k);
		else
			jc_type(c->d, x, JSON_STRING, "an option");
		jdoc_pop(c->d, old);
	}
}

/* The caller's ballot PDF (bk_load_options) in place of what the
 * ballot's paper says about its boxes. */
static void ballot_pdf_option(def_ctx *c, bki_ballot *b)
{
	const bk_load_options *lo = c->opt;
	if (!lo || !lo->ballot || !b->id || strcmp(b->id, lo->ballot))
		return;
	c->ballot_pdf_used = true;
	b->source = def_got(c, bki_arena_strdup(&c->e->arena, lo->ballot_pdf));
	b->source_page = lo->ballot_pdf_page ? lo->ballot_pdf_page
	                                     : BK_DEFAULT_PAPER_PAGE;
	b->boxes = NULL;
	b->nboxes = 0;
	b->has_over = false;
	b->paper_w = b->paper_h = 0;
}

static void parse_ballot(def_ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"body", true},
	                             {"kind", true}, {"district", true},
	                             {"options", true}, {"level", false},
	                             {"name", false}, {"short_name", false},
	                             {"against_all", false}, {"paper", false},
	                             {"colour", false}, {"two_sided", false},
	                             {NULL, false}};
	bki_ballot *b = &c->e->ballots[i];
	jc_fields(c->d, o, f, "a ballot");
	b->id = get_id(c, o, "a ballot id");
	if (!def_digest_json(o, b->digest))
		def_got(c, NULL);
	int body = get_enum(c, o, "body", bodies);
	b->body = body < 0 ? BK_BODY_MAZHILIS : (bki_body)body;
	b->level = get_level(c, o, body == BK_BODY_MASLIKHAT, body >= 0,
	                     "ballot");
	int kind = get_enum(c, o, "kind", ballot_kinds);
	b->kind = kind < 0 ? 0 : (kind == 0 ? BK_KIND_PARTY_LIST
	                                    : BK_KIND_SINGLE_MANDATE);
	if (body < 0)
		b->kind = 0; /* no consistency checks on an unknown body */
	get_ref(c, o, F_DISTRICT, C_DISTRICTS, &b->district);
	get_text(c, o, "name", &b->name, TEXT_FULL, "the ballot name");
	get_text(c, o, "short_name", &b->short_name, TEXT_FULL,
	         "the ballot's short name");
	b->against_all = BK_DEFAULT_AGAINST_ALL;
	get_bool(c, o, "against_all", &b->against_all);
	b->two_sided = BK_DEFAULT_TWO_SIDED;
	get_bool(c, o, "two_sided", &b->two_sided);

	size_t old;
	json_t *v = member(c, o, "colour", &old);
	if (v) {
		parse_colour(c, v, b);
		jdoc_pop(c->d, old);
	}
	v = member(c, o, "paper", &old);
	if (v) {
		parse_paper(c, v, b, kind);
		jdoc_pop(c->d, old);
	}
	v = member(c, o, "options", &old);
	if (v) {
		parse_options(c, v, b, kind);
		jdoc_pop(c->d, old);
	}
	ballot_pdf_option(c, b);
}

/* ---- production ---- */

static bool table_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.,-", *s)))
			return false;
	return true;
}

/* production.braille.tables: a list of table files per language. */
static void parse_tables(def_ctx *c, json_t *t)
{
	static const jc_field tf[] = {{"kk", false}, {"ru", false},
	                              {NULL, false}};
	bk_election *e = c->e;
	if (!jc_type(c->d, t, JSON_OBJECT, "tables"))
		return;
	jc_fields(c->d, t, tf, "tables");
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		size_t old;
		json_t *x = member(c, t, bki_lang_codes[l], &old);
		if (!x)
			continue;
		if (jc_type(c->d, x, JSON_STRING, "a table") &&
		    !table_name_ok(json_string_value(x)))
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "a braille table list is file names "
			            "separated by commas");
		else if (json_is_string(x))
			e->braille_table[l] = def_got(c, bki_arena_strdup(
				&e->arena, json_string_value(x)));
		jdoc_pop(c->d, old);
	}
}

/* production.braille.profile: a profile of the templates. */
static void parse_profile(def_ctx *c, json_t *p)
{
	bk_election *e = c->e;
	const char *s = jc_id(c->d, p, "the braille profile");
	if (!s)
		return;
	if (bki_templates_profile_find(c->tpl, s)) {
		e->braille_profile = def_got(c, bki_arena_strdup(&e->arena, s));
		return;
	}
	bki_buf list = {0};
	for (size_t k = 0; k < c->tpl->nprofiles; k++)
		bki_buf_printf(&list, "%s%s", k ? ", " : "",
		              c->tpl->profiles[k].id);
	jdoc_report(c->d, BK_ERROR, "dangling-reference", false,
	            "there is no braille profile \"%s\" (profiles: %s)", s,
	            bki_buf_str(&list));
	bki_buf_free(&list);
}

/* production.braille.stencil_title_language: a language of the
 * election. */
static void parse_title_language(def_ctx *c, json_t *br)
{
	static const char *const lang_values[] = {"kk", "ru", NULL};
	int l = get_enum(c, br, "stencil_title_language", lang_values);
	if (l < 0)
		return;
	if (c->langs_known && !bki_election_has_lang(c->e, l)) {
		size_t old = jdoc_push_key(c->d, "stencil_title_language");
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "\"%s\" is not a language of this election",
		            bki_lang_codes[l]);
		jdoc_pop(c->d, old);
	} else {
		c->e->stencil_title_lang = l;
	}
}

static void parse_braille(def_ctx *c, json_t *br)
{
	static const jc_field bf[] = {{"tables", false},
	                              {"profile", false},
	                              {"stencil_title_language", false},
	                              {NULL, false}};
	if (!jc_type(c->d, br, JSON_OBJECT, "braille"))
		return;
	jc_fields(c->d, br, bf, "braille");
	with_member(c, br, "tables", parse_tables);
	with_member(c, br, "profile", parse_profile);
	parse_title_language(c, br);
}

/* production.speech.loudness_lufs: the audio's range
 * (bk_audio_options). */
static void parse_loudness(def_ctx *c, json_t *x)
{
	if (!jc_type(c->d, x, JSON_REAL, "loudness_lufs"))
		return;
	double v = json_number_value(x);
	if (!(v >= BK_LOUDNESS_LUFS_MIN && v <= BK_LOUDNESS_LUFS_MAX)) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "loudness_lufs must be between %d and %d",
		            BK_LOUDNESS_LUFS_MIN, BK_LOUDNESS_LUFS_MAX);
		return;
	}
	c->e->loudness_lufs = v;
	c->e->loudness_given = true;
}

static void parse_speech(def_ctx *c, json_t *sp)
{
	static const jc_field sf[] = {{"rate", false},
	                              {"loudness_lufs", false},
	                              {NULL, false}};
	if (!jc_type(c->d, sp, JSON_OBJECT, "speech"))
		return;
	jc_fields(c->d, sp, sf, "speech");
	get_int(c, sp, "rate", BK_SPEECH_RATE_MIN, BK_SPEECH_RATE_MAX,
	        &c->e->speech_rate);
	with_member(c, sp, "loudness_lufs", parse_loudness);
}

/* One item of production.outputs (at its path) added to *set; false
 * (reported) when it names no output or one already listed. */
static bool add_output(def_ctx *c, json_t *x, bk_output_set *set)
{
	if (!jc_type(c->d, x, JSON_STRING, "an output"))
		return false;
	const char *s = json_string_value(x);
	int known = bk_output_find(s);
	const char *now = bki_output_renamed(s);
	if (known < 0 && now) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "\"%s\" is an output name from before "
		            "(docs/ballot-format.md): the output is now %s", s,
		            now);
	} else if (known < 0) {
		bki_buf names = {0};
		bki_outputs_names(BK_OUTPUTS_ALL, &names);
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "\"%s\" is not an output of ballotkit (%s)", s,
		            bki_buf_str(&names));
		bki_buf_free(&names);
	} else if (*set & BK_OUTPUT_BIT(known)) {
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "\"%s\" is listed twice", s);
	} else {
		*set |= BK_OUTPUT_BIT(known);
		return true;
	}
	return false;
}

static void parse_outputs(def_ctx *c, json_t *out)
{
	if (!jc_type(c->d, out, JSON_ARRAY, "outputs"))
		return;
	size_t k;
	json_t *x;
	bk_output_set set = 0;
	bool bad = false;
	json_array_foreach(out, k, x) {
		size_t old = jdoc_push_index(c->d, k);
		if (!add_output(c, x, &set))
			bad = true;
		jdoc_pop(c->d, old);
	}
	if (bad)
		return; /* reported at the item */
	int needed, lacks = bki_outputs_missing(set, &needed);
	if (!set)
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "outputs names nothing to build: leave it out "
		            "for the default outputs");
	else if (lacks >= 0)
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "%s needs %s: list it too",
		            bk_output_name((bk_output)lacks),
		            bk_output_name((bk_output)needed));
	else
		c->e->outputs = set;
}

static void parse_production(def_ctx *c, json_t *o)
{
	static const jc_field f[] = {{"braille", false}, {"speech", false},
	                             {"outputs", false}, {NULL, false}};
	if (!jc_type(c->d, o, JSON_OBJECT, "production"))
		return;
	jc_fields(c->d, o, f, "production");
	with_member(c, o, "braille", parse_braille);
	with_member(c, o, "speech", parse_speech);
	with_member(c, o, "outputs", parse_outputs);
}

/* ---- the document ---- */

/* The digest of the definition's head: "format", "election" and
 * "production". */
static void digest_head(def_ctx *c, bk_election *e, json_t *root)
{
	bki_hasher *h = bki_hasher_new();
	static const char *const head[] = {"format", "election",
	                                   "production"};
	for (size_t k = 0; k < 3; k++) {
		bk_digest d;
		if (!def_digest_json(json_object_get(root, head[k]), d))
			def_got(c, NULL);
		bki_hasher_add(h, d, sizeof d);
	}
	if (!bki_hasher_done(h, e->head_digest))
		def_got(c, NULL);
}

static void parse_format(def_ctx *c, json_t *v)
{
	if (jc_type(c->d, v, JSON_STRING, "format") &&
	    strcmp(json_string_value(v), "ballotkit/1"))
		jdoc_report(c->d, BK_ERROR, "bad-value", false,
		            "format \"%s\" is not one this ballotkit "
		            "reads; write \"ballotkit/1\"",
		            json_string_value(v));
}

/* Room for every item of each list (and one more, so that no
 * allocation is empty), zeroed. false when memory runs out. */
static bool alloc_collections(bk_election *e, json_t *root)
{
#define ALLOC_COLL(key, field, nfield)                                        \
	do {                                                                  \
		json_t *a_ = json_object_get(root, key);                      \
		size_t n_ = json_is_array(a_) ? json_array_size(a_) : 0;      \
		e->field = bki_arena_alloc(&e->arena,                          \
		                          (n_ + 1) * sizeof *e->field);       \
		if (!e->field)                                                \
			return false;                                         \
		e->nfield = n_;                                               \
		memset(e->field, 0, (e->nfield + 1) * sizeof *e->field);      \
	} while (0)
	ALLOC_COLL("areas", areas, nareas);
	ALLOC_COLL("districts", districts, ndistricts);
	ALLOC_COLL("polling_stations", stations, nstations);
	ALLOC_COLL("parties", parties, nparties);
	ALLOC_COLL("candidates", candidates, ncandidates);
	ALLOC_COLL("ballots", ballots, nballots);
#undef ALLOC_COLL
	return true;
}

bool def_parse(def_ctx *c)
{
	json_t *root = c->d->root;
	static const jc_field top[] = {
		{"format", true}, {"election", true}, {"districts", true},
		{"ballots", true}, {"areas", false}, {"polling_stations", false},
		{"parties", false}, {"candidates", false}, {"production", false},
		{NULL, false}};
	if (!jc_type(c->d, root, JSON_OBJECT, "the definition"))
		return false;
	jc_fields(c->d, root, top, "the definition");
	digest_head(c, c->e, root);
	with_member(c, root, "format", parse_format);
	with_member(c, root, "election", parse_election);
	if (!def_got(c, alloc_collections(c->e, root) ? c : NULL))
		return false;
	parse_array(c, root, L_AREAS, parse_area, "an area");
	parse_array(c, root, L_DISTRICTS, parse_district, "a district");
	parse_array(c, root, L_STATIONS, parse_station, "a polling station");
	parse_array(c, root, L_PARTIES, parse_party, "a party");
	parse_array(c, root, L_CANDIDATES, parse_candidate, "a candidate");
	parse_array(c, root, L_BALLOTS, parse_ballot, "a ballot");
	with_member(c, root, "production", parse_production);
	return true;
}
