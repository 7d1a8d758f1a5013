/* Loading and validating election definitions. See docs/ballot-format.md
 * and docs/validation-rules.md; every check here has its kind and location
 * documented there. */
#include "definition/definition-private.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "diag/diag-private.h"
#include "json/jcheck.h"
#include "production/production-private.h"
#include "util/cache.h"

enum coll { C_AREAS, C_DISTRICTS, C_PARTIES, C_CANDIDATES, C_COUNT };
static const char *const coll_key[C_COUNT] = {"areas", "districts", "parties",
                                               "candidates"};
static const char *const coll_what[C_COUNT] = {"area", "district", "party",
                                                "candidate"};

/* A reference, resolved once all collections are read. Its path is kept
 * in parts ($.<list>[i].<field>[j]) so a national-size definition's
 * ~100,000 references stay small. */
typedef struct pref {
	const char *id;
	long *out;
	uint32_t i;
	int32_t j;      /* -1 when the field is not a list */
	uint8_t coll;   /* what it names: enum coll */
	uint8_t list;   /* where it is: index into ref_lists */
	uint8_t field;  /* index into ref_fields */
} pref;

static const char *const ref_lists[] = {"areas", "districts",
                                        "polling_stations", "candidates",
                                        "ballots", NULL};
static const char *const ref_fields[] = {"parent", "area", "districts",
                                         "party", "district", "options",
                                         NULL};

static uint8_t name_index(const char *const *names, const char *name)
{
	for (uint8_t k = 0; names[k]; k++)
		if (!strcmp(names[k], name))
			return k;
	abort(); /* a reference from a field this table does not know */
}

typedef struct idx_entry {
	const char *id;
	size_t index;
} idx_entry;

typedef struct ctx {
	jdoc *d;
	/* where the item being read sits, for references */
	const char *list;
	size_t item;
	long sink; /* results of references nothing keeps */
	bk_arena scratch; /* freed when validation ends */
	bk_election *e;
	const bk_templates *tpl;
	bool langs_known;
	pref *refs;
	size_t nrefs, caprefs;
	idx_entry *index[C_COUNT];
	size_t nindex[C_COUNT];
} ctx;

enum text_mode { TEXT_FULL, TEXT_PARTIAL, TEXT_NAME };

static const char *const lang_names[BK_LANG_COUNT] = {"Kazakh (kk)",
                                                      "Russian (ru)"};

bool bk_election_has_lang(const bk_election *e, int lang)
{
	for (size_t i = 0; i < e->nlangs; i++)
		if (e->langs[i] == lang)
			return true;
	return false;
}

/* ---- small value helpers (all at the path of the member) ---- */

static json_t *member(ctx *c, json_t *obj, const char *key, size_t *old)
{
	json_t *v = json_object_get(obj, key);
	if (v)
		*old = jdoc_push_key(c->d, key);
	return v;
}

static bool get_int(ctx *c, json_t *obj, const char *key, long lo, long hi,
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

static bool get_bool(ctx *c, json_t *obj, const char *key, bool *out)
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
static int get_enum(ctx *c, json_t *obj, const char *key,
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
			bk_buf list = {0};
			for (int i = 0; values[i]; i++)
				bk_buf_printf(&list, "%s\"%s\"", i ? ", " : "",
				              values[i]);
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "%s \"%s\" is not one of %s", key, s,
			            bk_buf_str(&list));
			bk_buf_free(&list);
		}
	}
	jdoc_pop(c->d, old);
	return r;
}

static const char *get_id(ctx *c, json_t *obj, const char *what)
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
	return s ? bk_arena_strdup(&c->e->arena, s) : NULL;
}

/* Records a reference at $.<list>[item].field[j] (the current path). */
static void add_ref(ctx *c, json_t *v, int coll, long *out, const char *what,
                    const char *field, long j)
{
	*out = -1;
	if (!jc_type(c->d, v, JSON_STRING, what))
		return;
	if (c->nrefs == c->caprefs) {
		c->caprefs = c->caprefs ? c->caprefs * 2 : 64;
		c->refs = bk_xrealloc(c->refs, c->caprefs * sizeof *c->refs);
	}
	pref *r = &c->refs[c->nrefs++];
	/* copied: each list's part of the tree is freed once it is read */
	r->id = bk_arena_strdup(&c->scratch, json_string_value(v));
	r->out = out;
	r->i = (uint32_t)c->item;
	r->j = (int32_t)j;
	r->coll = (uint8_t)coll;
	r->list = name_index(ref_lists, c->list);
	r->field = name_index(ref_fields, field);
}

static void ref_path(const pref *r, bk_buf *b)
{
	bk_buf_truncate(b, 0);
	bk_buf_printf(b, "$.%s[%lu].%s", ref_lists[r->list],
	              (unsigned long)r->i, ref_fields[r->field]);
	if (r->j >= 0)
		bk_buf_printf(b, "[%ld]", (long)r->j);
}

static void get_ref(ctx *c, json_t *obj, const char *key, int coll, long *out)
{
	size_t old;
	*out = -1;
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return;
	add_ref(c, v, coll, out, key, key, -1);
	jdoc_pop(c->d, old);
}

/* ---- scripts of words ---- */

static bool has_latin_word(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = bk_utf8_decode(s + i, n - i, &cp);
		if (!l)
			return false;
		if (bk_cp_is_latin_letter(cp))
			return true;
		i += l;
	}
	return false;
}

/* Lengths, in characters (code points after NFC), docs/ballot-format.md:
 * a name part, any other one-line text, a leaflet. */
enum { CAP_NAME_PART = 200, CAP_LINE = 500, CAP_LEAFLET = 20000 };

/* Why cp may not stand in a text (a leaflet may hold line breaks), or
 * NULL. Format and control characters are invisible: print, braille and
 * speech would each show something else; private-use characters depend
 * on a font; noncharacters and unassigned code points have no meaning. */
static const char *bad_char(uint32_t cp, bool leaflet)
{
	if (cp == '\n')
		return leaflet ? NULL : "a line break";
	if (cp == '\r')
		return leaflet ? "a carriage return (write a line break as \\n "
		                 "alone)" : "a carriage return (a line break)";
	if (cp == '\t')
		return "a tab";
	if (cp == 0x85)
		return "a next-line control character";
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return "a bidirectional control character";
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060)
		return "a zero-width character";
	if (cp == 0xFEFF)
		return "a zero-width no-break space (a byte-order mark)";
	if (cp == 0x00AD)
		return "a soft hyphen";
	if (cp == 0x2028)
		return "a line separator";
	if (cp == 0x2029)
		return "a paragraph separator";
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return "a noncharacter";
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_CC: return "a control character";
	case UTF8PROC_CATEGORY_CF: return "an invisible format character";
	case UTF8PROC_CATEGORY_CO: return "a private-use character";
	case UTF8PROC_CATEGORY_CS: return "a surrogate";
	case UTF8PROC_CATEGORY_CN: return "a code point Unicode has not assigned";
	default: return NULL;
	}
}

/* Reports the first character of s that may not stand in a text. */
static bool check_chars(ctx *c, const char *s, bool leaflet, const char *what)
{
	size_t n = strlen(s), bad = 0;
	uint32_t first = 0;
	const char *why = NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bk_utf8_decode(s + i, n - i, &cp);
		if (!k)
			break; /* the document is valid UTF-8 */
		const char *w = bad_char(cp, leaflet);
		if (w && !bad++) {
			first = cp;
			why = w;
		}
		i += k;
	}
	if (!bad)
		return true;
	bk_buf more = {0};
	if (bad > 1)
		bk_buf_printf(&more, " (and %zu more such characters)", bad - 1);
	jdoc_report(c->d, BK_ERROR, "bad-character", false,
	            "%s has U+%04X, %s%s: print, braille and speech cannot "
	            "show it alike; remove it", what, (unsigned)first, why,
	            bk_buf_str(&more));
	bk_buf_free(&more);
	return false;
}

/* Checks a text value at the current path: at most cap characters. */
static bool check_string(ctx *c, json_t *v, const char *what, size_t cap)
{
	if (!jc_type(c->d, v, JSON_STRING, what))
		return false;
	const char *s = json_string_value(v);
	if (bk_str_blank(s)) {
		jdoc_report(c->d, BK_ERROR, "empty-text", false,
		            "%s is empty; write the text", what);
		return false;
	}
	if (!check_chars(c, s, cap == CAP_LEAFLET, what))
		return false;
	size_t len = bk_utf8_count(s, strlen(s));
	if (len > cap) {
		jdoc_report(c->d, BK_ERROR, "too-long", false,
		            "%s is %zu characters long; at most %zu are allowed "
		            "(docs/ballot-format.md, \"Lengths\")", what, len,
		            cap);
		return false;
	}
	const char *w;
	size_t wn;
	if (bk_utf8_mixed_word(s, &w, &wn)) {
		jdoc_report(c->d, BK_ERROR, "mixed-script", false,
		            "the word \"%.*s\" in %s mixes Latin and Cyrillic "
		            "letters (a Latin letter typed for a Cyrillic one?); "
		            "braille and speech would be wrong",
		            (int)wn, w, what);
		return false;
	}
	return true;
}

/* A Russian text must not contain Kazakh-specific letters: the Russian
 * braille table cannot write them and the Russian voice spells them. */
static bool russian_ok(ctx *c, const char *s, const char *what)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bk_utf8_decode(s + i, n - i, &cp);
		if (!k)
			return true;
		if (bk_templates_kk_specific(c->tpl, cp)) {
			jdoc_report(c->d, BK_ERROR, "kazakh-letter-in-russian", false,
			            "the Russian text of %s, \"%s\", has the Kazakh "
			            "letter \"%.*s\"; Russian braille and the Russian "
			            "voice cannot say it: write the Russian spelling "
			            "(see templates/language/kk.json)", what, s,
			            (int)k, s + i);
			return false;
		}
		i += k;
	}
	return true;
}

/* Reads a per-language text at the current path. */
static void parse_text(ctx *c, json_t *v, bk_text *out, enum text_mode mode,
                       const char *what)
{
	memset(out, 0, sizeof *out);
	if (!jc_type(c->d, v, JSON_OBJECT, what))
		return;
	size_t cap = !strcmp(what, "the leaflet text") ? CAP_LEAFLET
	             : mode == TEXT_NAME ? CAP_NAME_PART : CAP_LINE;
	const char *key;
	json_t *x;
	json_object_foreach(v, key, x) {
		size_t old = jdoc_push_key(c->d, key);
		int l = bk_lang_index(key);
		if (l < 0) {
			jdoc_report(c->d, BK_ERROR, "unknown-field", true,
			            "\"%s\" is not a language of ballotkit; use "
			            "\"kk\" or \"ru\"", key);
		} else if (check_string(c, x, what, cap) &&
		           (l != BK_LANG_RU || russian_ok(c, json_string_value(x), what))) {
			out->v[l] = bk_arena_strdup(&c->e->arena,
			                            json_string_value(x));
		} else {
			out->bad = true;
		}
		jdoc_pop(c->d, old);
	}
	if (!c->langs_known || mode == TEXT_PARTIAL)
		return;
	bool any = json_object_get(v, "kk") || json_object_get(v, "ru");
	for (size_t i = 0; i < c->e->nlangs; i++) {
		int l = c->e->langs[i];
		if (json_object_get(v, bk_lang_codes[l]))
			continue;
		if (mode == TEXT_NAME && any)
			continue; /* derived later */
		jdoc_report(c->d, BK_ERROR, "missing-language", false,
		            "%s has no %s text; every text needs each language "
		            "of the election", what, lang_names[l]);
	}
}

static void get_text(ctx *c, json_t *obj, const char *key, bk_text *out,
                     enum text_mode mode, const char *what)
{
	size_t old;
	memset(out, 0, sizeof *out);
	json_t *v = member(c, obj, key, &old);
	if (!v)
		return;
	parse_text(c, v, out, mode, what);
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

static void parse_election(ctx *c, json_t *o)
{
	static const jc_field f[] = {{"id", true}, {"date", true},
	                             {"name", true}, {"languages", true},
	                             {NULL, false}};
	bk_election *e = c->e;
	if (!jc_type(c->d, o, JSON_OBJECT, "election"))
		return;
	jc_fields(c->d, o, f, "the election");
	e->id = get_id(c, o, "the election id");
	size_t old;
	json_t *v = member(c, o, "date", &old);
	if (v) {
		if (jc_type(c->d, v, JSON_STRING, "date")) {
			if (!valid_date(json_string_value(v), &e->year))
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "the date \"%s\" is not a real date "
				            "between 1991 and 2100 written YYYY-MM-DD",
				            json_string_value(v));
			else
				e->date = bk_arena_strdup(&e->arena,
				                          json_string_value(v));
		}
		jdoc_pop(c->d, old);
	}
	v = member(c, o, "languages", &old);
	if (v) {
		if (jc_type(c->d, v, JSON_ARRAY, "languages")) {
			size_t i;
			json_t *x;
			bool all_ok = json_array_size(v) > 0;
			if (!json_array_size(v))
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "languages must list at least one "
				            "language (\"kk\", \"ru\")");
			json_array_foreach(v, i, x) {
				size_t o2 = jdoc_push_index(c->d, i);
				if (!jc_type(c->d, x, JSON_STRING, "a language")) {
					all_ok = false;
				} else {
					int l = bk_lang_index(json_string_value(x));
					if (l < 0) {
						all_ok = false;
						jdoc_report(c->d, BK_ERROR, "bad-value",
						            false, "\"%s\" is not a language "
						            "of ballotkit; use \"kk\" or "
						            "\"ru\"", json_string_value(x));
					} else if (bk_election_has_lang(e, l)) {
						jdoc_report(c->d, BK_ERROR, "bad-value",
						            false, "the language \"%s\" is "
						            "listed twice",
						            json_string_value(x));
					} else {
						e->langs[e->nlangs++] = l;
					}
				}
				jdoc_pop(c->d, o2);
			}
			c->langs_known = all_ok;
		}
		jdoc_pop(c->d, old);
	}
	get_text(c, o, "name", &e->name, TEXT_FULL, "the election name");
}

/* ---- collections ---- */

typedef void (*item_fn)(ctx *c, json_t *o, size_t i);

/* An object's content, whatever its layout: jansson with sorted keys,
 * compact (its numbers are written the same under any locale). */
static void digest_json(const json_t *v, bk_digest out)
{
	char *text = v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT |
	                                   JSON_ENCODE_ANY)
	               : NULL;
	bk_sha256(text ? text : "null", text ? strlen(text) : 4, out);
	free(text);
}

static size_t parse_array(ctx *c, json_t *root, const char *key, item_fn fn,
                          const char *what)
{
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
			c->list = key;
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
static void parse_area(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"kind", true},
	                             {"name", true}, {"parent", false},
	                             {NULL, false}};
	bk_area *a = &c->e->areas[i];
	jc_fields(c->d, o, f, "an area");
	a->id = get_id(c, o, "an area id");
	get_enum(c, o, "kind", area_kinds);
	get_text(c, o, "name", &a->name, TEXT_FULL, "the area name");
	get_ref(c, o, "parent", C_AREAS, &c->sink);
}

static const char *const district_kinds[] = {"nationwide", "mazhilis",
                                             "maslikhat", NULL};
static const char *const levels[] = {"regional", "city", "district", NULL};

/* level: required when needed, refused otherwise. Returns BK_LEVEL_*. */
static bk_level get_level(ctx *c, json_t *o, bool needed, bool known,
                          const char *what)
{
	json_t *v = json_object_get(o, "level");
	if (!known)
		return v ? (bk_level)(get_enum(c, o, "level", levels) + 1)
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
	return v ? (bk_level)(get_enum(c, o, "level", levels) + 1)
	         : BK_LEVEL_NONE;
}

static void parse_district(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"kind", true},
	                             {"name", true}, {"level", false},
	                             {"number", false}, {"area", false},
	                             {NULL, false}};
	bk_district *d = &c->e->districts[i];
	jc_fields(c->d, o, f, "a district");
	d->id = get_id(c, o, "a district id");
	int k = get_enum(c, o, "kind", district_kinds);
	d->kind = k < 0 ? BK_DISTRICT_UNKNOWN : (bk_district_kind)k;
	d->level = get_level(c, o, k == BK_DISTRICT_MASLIKHAT, k >= 0,
	                     "district");
	get_int(c, o, "number", 1, 99999, &d->number);
	get_text(c, o, "name", &d->name, TEXT_FULL, "the district name");
	digest_json(o, d->digest);
	get_ref(c, o, "area", C_AREAS, &c->sink);
}

static void parse_station(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"number", true},
	                             {"districts", true}, {"name", false},
	                             {"area", false}, {"abroad", false},
	                             {"kits", false}, {NULL, false}};
	bk_station *s = &c->e->stations[i];
	jc_fields(c->d, o, f, "a polling station");
	s->id = get_id(c, o, "a polling station id");
	get_int(c, o, "number", 1, 99999, &s->number);
	get_text(c, o, "name", &s->name, TEXT_FULL, "the polling station name");
	get_ref(c, o, "area", C_AREAS, &c->sink);
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
			s->districts = bk_arena_alloc(&c->e->arena,
			                              (s->ndistricts + 1) *
			                              sizeof *s->districts);
			json_array_foreach(v, k, x) {
				size_t o2 = jdoc_push_index(c->d, k);
				add_ref(c, x, C_DISTRICTS, &s->districts[k],
				        "a district", "districts", (long)k);
				jdoc_pop(c->d, o2);
			}
		}
		jdoc_pop(c->d, old);
	}
}

static void parse_party(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"name", true},
	                             {"short_name", false},
	                             {"pronunciation", false},
	                             {"leaflet", false}, {NULL, false}};
	bk_party *p = &c->e->parties[i];
	jc_fields(c->d, o, f, "a party");
	p->id = get_id(c, o, "a party id");
	digest_json(o, p->digest);
	get_text(c, o, "name", &p->name, TEXT_FULL, "the party name");
	get_text(c, o, "short_name", &p->short_name, TEXT_FULL,
	         "the party's short name");
	get_text(c, o, "pronunciation", &p->pronunciation, TEXT_PARTIAL,
	         "the pronunciation");
	get_text(c, o, "leaflet", &p->leaflet, TEXT_FULL, "the leaflet text");
}

static const char *const statuses[] = {"standing", "withdrawn", NULL};
static void parse_candidate(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"surname", true},
	                             {"given_name", true},
	                             {"birth_year", true}, {"patronymic", false},
	                             {"party", false}, {"self_nominated", false},
	                             {"pronunciation", false},
	                             {"leaflet", false}, {"status", false},
	                             {"details", false}, {NULL, false}};
	bk_candidate *k = &c->e->candidates[i];
	jc_fields(c->d, o, f, "a candidate");
	k->id = get_id(c, o, "a candidate id");
	digest_json(o, k->digest);
	get_text(c, o, "surname", &k->surname, TEXT_NAME, "the surname");
	get_text(c, o, "given_name", &k->given_name, TEXT_NAME,
	         "the given name");
	get_text(c, o, "patronymic", &k->patronymic, TEXT_NAME,
	         "the patronymic");
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
		get_ref(c, o, "party", C_PARTIES, &k->party);
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
	get_text(c, o, "pronunciation", &k->pronunciation, TEXT_PARTIAL,
	         "the pronunciation");
	get_text(c, o, "leaflet", &k->leaflet, TEXT_FULL, "the leaflet text");
	get_text(c, o, "details", &k->details, TEXT_FULL,
	         "the details text");
	k->withdrawn = get_enum(c, o, "status", statuses) == 1;
}

static const char *const bodies[] = {"mazhilis", "maslikhat", NULL};
static const char *const ballot_kinds[] = {"party-list", "single-mandate",
                                           NULL};

static void get_override(ctx *c, json_t *o, const char *key, double lo,
                         double hi, double *out)
{
	size_t old;
	json_t *v = member(c, o, key, &old);
	if (!v)
		return;
	if (jc_type(c->d, v, JSON_REAL, key)) {
		double x = json_number_value(v);
		if (x < lo || x > hi)
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "%s is %g mm; it must be between %g and %g mm",
			            key, x, lo, hi);
		else
			*out = x;
	}
	jdoc_pop(c->d, old);
}

static void parse_ballot(ctx *c, json_t *o, size_t i)
{
	static const jc_field f[] = {{"id", true}, {"body", true},
	                             {"kind", true}, {"district", true},
	                             {"options", true}, {"level", false},
	                             {"name", false}, {"short_name", false},
	                             {"against_all", false}, {"paper", false},
	                             {"colour", false}, {"two_sided", false},
	                             {NULL, false}};
	bk_ballot *b = &c->e->ballots[i];
	jc_fields(c->d, o, f, "a ballot");
	b->id = get_id(c, o, "a ballot id");
	digest_json(o, b->digest);
	int body = get_enum(c, o, "body", bodies);
	b->body = body < 0 ? BK_BODY_MAZHILIS : (bk_body)body;
	b->level = get_level(c, o, body == BK_BODY_MASLIKHAT, body >= 0,
	                     "ballot");
	int kind = get_enum(c, o, "kind", ballot_kinds);
	b->kind = kind < 0 ? 0 : (kind == 0 ? BK_KIND_PARTY_LIST
	                                    : BK_KIND_SINGLE_MANDATE);
	if (body < 0)
		b->kind = 0; /* no consistency checks on an unknown body */
	get_ref(c, o, "district", C_DISTRICTS, &b->district);
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
		if (jc_type(c->d, v, JSON_STRING, "colour")) {
			const char *s = json_string_value(v);
			bool ok = *s != '\0';
			if (s[0] == '#') {
				ok = strlen(s) == 7;
				for (int k = 1; ok && k < 7; k++)
					ok = strchr("0123456789abcdefABCDEF", s[k]) != NULL;
			} else {
				for (const char *p = s; ok && *p; p++)
					ok = *p >= 'a' && *p <= 'z';
			}
			if (!ok)
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "colour \"%s\" must be a lower-case "
				            "colour name (\"blue\") or #RRGGBB", s);
			else
				b->colour = bk_arena_strdup(&c->e->arena, s);
		}
		jdoc_pop(c->d, old);
	}

	v = member(c, o, "paper", &old);
	if (v) {
		static const jc_field pf[] = {{"template", false},
		                              {"overrides", false},
		                              {NULL, false}};
		if (jc_type(c->d, v, JSON_OBJECT, "paper")) {
			jc_fields(c->d, v, pf, "paper");
			size_t o2;
			json_t *t = member(c, v, "template", &o2);
			if (t) {
				if (jc_type(c->d, t, JSON_STRING, "template")) {
					const char *tid = json_string_value(t);
					b->tpl = bk_templates_stencil_find(c->tpl, tid);
					b->tpl_bad = !b->tpl;
					if (!b->tpl) {
						bk_buf list = {0};
						for (size_t k = 0; k < c->tpl->nstencils; k++)
							bk_buf_printf(&list, "%s%s",
							              k ? ", " : "",
							              c->tpl->stencils[k].id);
						jdoc_report(c->d, BK_ERROR,
						            "dangling-reference", false,
						            "there is no stencil template "
						            "\"%s\" (templates: %s)", tid,
						            bk_buf_str(&list));
						bk_buf_free(&list);
					} else if (b->kind && !(b->tpl->kinds & b->kind)) {
						b->tpl_bad = true;
						jdoc_report(c->d, BK_ERROR, "inconsistent",
						            false, "the template \"%s\" is "
						            "not for %s ballots", tid,
						            ballot_kinds[kind]);
					}
				}
				jdoc_pop(c->d, o2);
			}
			json_t *ov = member(c, v, "overrides", &o2);
			if (ov) {
				static const jc_field of[] = {
					{"offset_x", false}, {"offset_y", false},
					{"box_width", false}, {"box_height", false},
					{"pitch", false}, {NULL, false}};
				if (jc_type(c->d, ov, JSON_OBJECT, "overrides")) {
					jc_fields(c->d, ov, of, "overrides");
					b->has_over = true;
					get_override(c, ov, "offset_x", -20, 20, &b->over.offset_x);
					get_override(c, ov, "offset_y", -20, 20, &b->over.offset_y);
					get_override(c, ov, "box_width", 4, 40, &b->over.box_w);
					get_override(c, ov, "box_height", 4, 40, &b->over.box_h);
					get_override(c, ov, "pitch", 5, 60, &b->over.pitch);
				}
				jdoc_pop(c->d, o2);
			}
		}
		jdoc_pop(c->d, old);
	}

	v = member(c, o, "options", &old);
	if (v) {
		if (jc_type(c->d, v, JSON_ARRAY, "options")) {
			size_t n = json_array_size(v);
			if (!n)
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "a ballot needs at least one option");
			b->noptions = n;
			b->options = bk_arena_alloc(&c->e->arena,
			                            (n + 1) * sizeof(long));
			size_t k;
			json_t *x;
			json_array_foreach(v, k, x) {
				size_t o2 = jdoc_push_index(c->d, k);
				b->options[k] = -1;
				if (kind >= 0)
					add_ref(c, x, kind == 0 ? C_PARTIES
					                        : C_CANDIDATES,
					        &b->options[k], "an option", "options",
					        (long)k);
				else
					jc_type(c->d, x, JSON_STRING, "an option");
				jdoc_pop(c->d, o2);
			}
		}
		jdoc_pop(c->d, old);
	}
}

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

static void parse_production(ctx *c, json_t *o)
{
	static const jc_field f[] = {{"braille", false}, {"speech", false},
	                             {"outputs", false}, {NULL, false}};
	bk_election *e = c->e;
	if (!jc_type(c->d, o, JSON_OBJECT, "production"))
		return;
	jc_fields(c->d, o, f, "production");
	size_t old;
	json_t *br = member(c, o, "braille", &old);
	if (br) {
		static const jc_field bf[] = {{"tables", false},
		                              {"profile", false},
		                              {"stencil_title_language", false},
		                              {NULL, false}};
		if (jc_type(c->d, br, JSON_OBJECT, "braille")) {
			jc_fields(c->d, br, bf, "braille");
			size_t o2;
			json_t *t = member(c, br, "tables", &o2);
			if (t) {
				static const jc_field tf[] = {{"kk", false},
				                              {"ru", false},
				                              {NULL, false}};
				if (jc_type(c->d, t, JSON_OBJECT, "tables")) {
					jc_fields(c->d, t, tf, "tables");
					for (int l = 0; l < BK_LANG_COUNT; l++) {
						size_t o3;
						json_t *x = member(c, t, bk_lang_codes[l], &o3);
						if (!x)
							continue;
						if (jc_type(c->d, x, JSON_STRING, "a table")) {
							if (!table_name_ok(json_string_value(x)))
								jdoc_report(c->d, BK_ERROR, "bad-value",
								            false, "a braille table "
								            "list is file names "
								            "separated by commas");
							else
								e->braille_table[l] = bk_arena_strdup(
									&e->arena, json_string_value(x));
						}
						jdoc_pop(c->d, o3);
					}
				}
				jdoc_pop(c->d, o2);
			}
			json_t *p = member(c, br, "profile", &o2);
			if (p) {
				const char *s = jc_id(c->d, p, "the braille profile");
				if (s && !bk_templates_profile_find(c->tpl, s)) {
					bk_buf list = {0};
					for (size_t k = 0; k < c->tpl->nprofiles; k++)
						bk_buf_printf(&list, "%s%s", k ? ", " : "",
						              c->tpl->profiles[k].id);
					jdoc_report(c->d, BK_ERROR, "dangling-reference",
					            false, "there is no braille profile "
					            "\"%s\" (profiles: %s)", s,
					            bk_buf_str(&list));
					bk_buf_free(&list);
				} else if (s) {
					e->braille_profile = bk_arena_strdup(&e->arena, s);
				}
				jdoc_pop(c->d, o2);
			}
			static const char *const lang_values[] = {"kk", "ru", NULL};
			int l = get_enum(c, br, "stencil_title_language", lang_values);
			if (l >= 0) {
				if (c->langs_known && !bk_election_has_lang(e, l)) {
					size_t o3 = jdoc_push_key(c->d, "stencil_title_language");
					jdoc_report(c->d, BK_ERROR, "bad-value", false,
					            "\"%s\" is not a language of this "
					            "election", bk_lang_codes[l]);
					jdoc_pop(c->d, o3);
				} else {
					e->stencil_title_lang = l;
				}
			}
		}
		jdoc_pop(c->d, old);
	}
	json_t *sp = member(c, o, "speech", &old);
	if (sp) {
		static const jc_field sf[] = {{"rate", false},
		                              {"loudness_lufs", false},
		                              {NULL, false}};
		if (jc_type(c->d, sp, JSON_OBJECT, "speech")) {
			jc_fields(c->d, sp, sf, "speech");
			get_int(c, sp, "rate", 80, 450, &e->speech_rate);
			size_t o2;
			json_t *x = member(c, sp, "loudness_lufs", &o2);
			if (x) {
				if (jc_type(c->d, x, JSON_REAL, "loudness_lufs")) {
					/* the audio's range (bk_audio_options) */
					double v = json_number_value(x);
					if (!(v >= -40 && v <= -10))
						jdoc_report(c->d, BK_ERROR, "bad-value", false,
						            "loudness_lufs must be between "
						            "-40 and -10");
					else {
						e->loudness_lufs = v;
						e->loudness_given = true;
					}
				}
				jdoc_pop(c->d, o2);
			}
		}
		jdoc_pop(c->d, old);
	}
	json_t *out = member(c, o, "outputs", &old);
	if (out) {
		if (jc_type(c->d, out, JSON_ARRAY, "outputs")) {
			size_t k;
			json_t *x;
			bk_output_set set = 0;
			bool bad = false;
			json_array_foreach(out, k, x) {
				size_t o2 = jdoc_push_index(c->d, k);
				if (jc_type(c->d, x, JSON_STRING, "an output")) {
					const char *s = json_string_value(x);
					int known = bk_output_find(s);
					const char *now = bk_output_renamed(s);
					if (known < 0 && now) {
						jdoc_report(c->d, BK_ERROR, "bad-value", false,
						            "\"%s\" is an output name from before "
						            "(docs/ballot-format.md): the output is "
						            "now %s", s, now);
					} else if (known < 0) {
						bk_buf names = {0};
						bk_outputs_names(BK_OUTPUTS_ALL, &names);
						jdoc_report(c->d, BK_ERROR, "bad-value", false,
						            "\"%s\" is not an output of ballotkit "
						            "(%s)", s, bk_buf_str(&names));
						bk_buf_free(&names);
					} else if (set & BK_OUTPUT_BIT(known)) {
						jdoc_report(c->d, BK_ERROR, "bad-value", false,
						            "\"%s\" is listed twice", s);
					} else {
						set |= BK_OUTPUT_BIT(known);
						jdoc_pop(c->d, o2);
						continue;
					}
				}
				bad = true;
				jdoc_pop(c->d, o2);
			}
			int needed, lacks = bk_outputs_missing(set, &needed);
			if (!bad && !set)
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "outputs names nothing to build: leave it out "
				            "for the default outputs");
			else if (!bad && lacks >= 0)
				jdoc_report(c->d, BK_ERROR, "bad-value", false,
				            "%s needs %s: list it too",
				            bk_output_name((bk_output)lacks),
				            bk_output_name((bk_output)needed));
			else if (!bad)
				e->outputs = set;
		}
		jdoc_pop(c->d, old);
	}
}

/* ---- cross-checks ---- */

static int cmp_idx(const void *a, const void *b)
{
	const idx_entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void index_ids(ctx *c, int coll, const char *key, const char *what,
                      size_t n, const char *(*get)(const bk_election *, size_t))
{
	idx_entry *ix = bk_xmalloc((n ? n : 1) * sizeof *ix);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = get(c->e, i);
		if (id) {
			ix[m].id = id;
			ix[m].index = i;
			m++;
		}
	}
	qsort(ix, m, sizeof *ix, cmp_idx);
	for (size_t k = 1; k < m; k++) {
		if (strcmp(ix[k].id, ix[k - 1].id))
			continue;
		size_t first = k - 1;
		while (first > 0 && !strcmp(ix[first - 1].id, ix[k].id))
			first--;
		bk_buf p = {0};
		bk_buf_printf(&p, "$.%s[%zu].id", key, ix[k].index);
		jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR, "duplicate-id",
		               false, "the %s id \"%s\" is already used by "
		               "%s[%zu]; ids must be unique", what, ix[k].id, key,
		               ix[first].index);
		bk_buf_free(&p);
	}
	if (coll >= 0) {
		c->index[coll] = ix;
		c->nindex[coll] = m;
	} else {
		free(ix);
	}
}

static long lookup(ctx *c, int coll, const char *id)
{
	size_t lo = 0, hi = c->nindex[coll];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(c->index[coll][mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nindex[coll] && !strcmp(c->index[coll][lo].id, id))
		return (long)c->index[coll][lo].index;
	return -1;
}

static const char *get_area_id(const bk_election *e, size_t i) { return e->areas[i].id; }
static const char *get_district_id(const bk_election *e, size_t i) { return e->districts[i].id; }
static const char *get_station_id(const bk_election *e, size_t i) { return e->stations[i].id; }
static const char *get_party_id(const bk_election *e, size_t i) { return e->parties[i].id; }
static const char *get_candidate_id(const bk_election *e, size_t i) { return e->candidates[i].id; }
static const char *get_ballot_id(const bk_election *e, size_t i) { return e->ballots[i].id; }

static void resolve_refs(ctx *c)
{
	bk_buf path = {0};
	for (size_t k = 0; k < c->nrefs; k++) {
		pref *r = &c->refs[k];
		long i = lookup(c, r->coll, r->id);
		*r->out = i;
		if (i < 0) {
			ref_path(r, &path);
			const char *other = NULL;
			for (int q = 0; q < C_COUNT && !other; q++)
				if (q != r->coll && lookup(c, q, r->id) >= 0)
					other = coll_what[q];
			if (other)
				jdoc_report_at(c->d, bk_buf_str(&path), BK_ERROR,
				               "dangling-reference", false,
				               "\"%s\" is a %s, but a %s is expected "
				               "here", r->id, other, coll_what[r->coll]);
			else
				jdoc_report_at(c->d, bk_buf_str(&path), BK_ERROR,
				               "dangling-reference", false,
				               "there is no %s with the id \"%s\" in "
				               "\"%s\"", coll_what[r->coll], r->id,
				               coll_key[r->coll]);
		}
	}
	bk_buf_free(&path);
}

/* Collation by the Kazakh alphabet. */
static int kk_compare(const bk_templates *tpl, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
	while (i < na && j < nb) {
		uint32_t ca, cb;
		size_t la = bk_utf8_decode(a + i, na - i, &ca);
		size_t lb = bk_utf8_decode(b + j, nb - j, &cb);
		if (!la || !lb)
			return strcmp(a + i, b + j);
		ca = bk_cp_lower(ca);
		cb = bk_cp_lower(cb);
		size_t ra = bk_kk_rank(tpl, ca), rb = bk_kk_rank(tpl, cb);
		unsigned long ka = ra ? 10 + ra : (ca == ' ' || ca == '-') ? 1 : 1000 + ca;
		unsigned long kb = rb ? 10 + rb : (cb == ' ' || cb == '-') ? 1 : 1000 + cb;
		if (ka != kb)
			return ka < kb ? -1 : 1;
		i += la;
		j += lb;
	}
	return (i < na) - (j < nb);
}

static void sort_key(const bk_candidate *k, bk_buf *b)
{
	bk_buf_truncate(b, 0);
	bk_buf_add(b, k->surname.v[BK_LANG_KK] ? k->surname.v[BK_LANG_KK] : "");
	bk_buf_addc(b, ' ');
	bk_buf_add(b, k->given_name.v[BK_LANG_KK] ? k->given_name.v[BK_LANG_KK] : "");
	bk_buf_addc(b, ' ');
	bk_buf_add(b, k->patronymic.v[BK_LANG_KK] ? k->patronymic.v[BK_LANG_KK] : "");
}

static const char *transliterate(ctx *c, const char *kk)
{
	bk_buf out = {0};
	size_t n = strlen(kk), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = bk_utf8_decode(kk + i, n - i, &cp);
		if (!l)
			l = 1;
		char key[5] = {0};
		memcpy(key, kk + i, l);
		const char *r = json_string_value(
			json_object_get(c->tpl->kk_to_ru, key));
		if (r)
			bk_buf_add(&out, r);
		else
			bk_buf_addn(&out, kk + i, l);
		i += l;
	}
	const char *s = bk_arena_strdup(&c->e->arena, bk_buf_str(&out));
	bk_buf_free(&out);
	return s;
}

static void derive_name(ctx *c, size_t ci, const char *field, bk_text *t)
{
	bk_election *e = c->e;
	bool any = t->v[BK_LANG_KK] || t->v[BK_LANG_RU];
	if (!any || t->bad)
		return;
	bk_buf p = {0};
	bk_buf_printf(&p, "$.candidates[%zu].%s", ci, field);
	if (bk_election_has_lang(e, BK_LANG_RU) && !t->v[BK_LANG_RU]) {
		t->v[BK_LANG_RU] = transliterate(c, t->v[BK_LANG_KK]);
		t->derived[BK_LANG_RU] = true;
		e->derived_spellings++;
		jdoc_report_at(c->d, bk_buf_str(&p), BK_NOTE, "derived-spelling",
		               false, "Russian spelling \"%s\" derived from "
		               "\"%s\" (templates/language/kk.json); give \"ru\" "
		               "to choose it yourself", t->v[BK_LANG_RU],
		               t->v[BK_LANG_KK]);
	}
	if (bk_election_has_lang(e, BK_LANG_KK) && !t->v[BK_LANG_KK]) {
		t->v[BK_LANG_KK] = t->v[BK_LANG_RU];
		t->derived[BK_LANG_KK] = true;
		jdoc_report_at(c->d, bk_buf_str(&p), BK_NOTE, "derived-spelling",
		               false, "Kazakh spelling taken from the Russian "
		               "\"%s\"; give \"kk\" if it differs",
		               t->v[BK_LANG_RU]);
	}
	bk_buf_free(&p);
}

static void warn_latin(ctx *c, const char *coll, size_t i, const char *field,
                       const bk_text *t, const bk_text *pron)
{
	for (size_t q = 0; q < c->e->nlangs; q++) {
		int l = c->e->langs[q];
		if (!t->v[l] || pron->v[l] || !has_latin_word(t->v[l]))
			continue;
		bk_buf p = {0};
		/* a derived spelling is reported at the name it came from */
		if (t->derived[l])
			bk_buf_printf(&p, "$.%s[%zu].%s", coll, i, field);
		else
			bk_buf_printf(&p, "$.%s[%zu].%s.%s", coll, i, field,
			              bk_lang_codes[l]);
		jdoc_report_at(c->d, bk_buf_str(&p), BK_WARNING,
		               "no-pronunciation", false,
		               "\"%s\" is written in Latin letters but has no %s "
		               "pronunciation; the voice would read it with "
		               "English rules", t->v[l], lang_names[l]);
		bk_buf_free(&p);
	}
}

/* ---- options a voter can tell apart (docs/ballot-format.md, "Names
 * that read the same") ---- */

/* A text as a voter meets it, for comparison: NFC, case folded (utf8proc),
 * only its letters, combining marks and digits, every run of anything else
 * (blanks, punctuation, quotes, hyphens) one blank. Braille (Russian
 * braille marks no capitals) and the voice make no more of the rest. In
 * the scratch arena; NULL for NULL. */
static const char *read_key(ctx *c, const char *s)
{
	if (!s)
		return NULL;
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s,
	                                  (utf8proc_ssize_t)strlen(s), &m,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                  UTF8PROC_CASEFOLD);
	bk_buf b = {0};
	bool gap = false;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(m + i, n - i, &cp);
		if (l <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
			if (gap && b.len)
				bk_buf_addc(&b, ' ');
			bk_buf_addn(&b, (const char *)m + i, (size_t)l);
			gap = false;
		} else {
			gap = true;
		}
		i += l;
	}
	free(m);
	const char *r = bk_arena_strdup(&c->scratch, bk_buf_str(&b));
	bk_buf_free(&b);
	return r;
}

/* How an option reads in one language: its name as printed (and
 * brailled) and as spoken, and the whole position with the birth year,
 * details, nominator and status, each way. */
typedef struct option_reading {
	bool done;
	const char *shown[BK_LANG_COUNT]; /* the name as printed, for messages */
	const char *key[4][BK_LANG_COUNT]; /* enum reading_way */
} option_reading;

enum reading_way { WAY_NAME_PRINTED, WAY_NAME_SPOKEN, WAY_WHOLE_PRINTED,
                   WAY_WHOLE_SPOKEN, WAY_COUNT };

static void read_candidate(ctx *c, size_t ci, option_reading *r)
{
	const bk_election *e = c->e;
	const bk_candidate *k = &e->candidates[ci];
	r->done = true;
	bk_buf b = {0};
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		if (!k->surname.v[l] || !k->given_name.v[l])
			continue;
		bk_buf_truncate(&b, 0);
		bk_buf_printf(&b, "%s %s", k->surname.v[l], k->given_name.v[l]);
		if (k->patronymic.v[l])
			bk_buf_printf(&b, " %s", k->patronymic.v[l]);
		r->shown[l] = bk_arena_strdup(&c->scratch, bk_buf_str(&b));
		const char *printed = read_key(c, r->shown[l]);
		const char *spoken = k->pronunciation.v[l]
		                             ? read_key(c, k->pronunciation.v[l])
		                             : printed;
		r->key[WAY_NAME_PRINTED][l] = printed;
		r->key[WAY_NAME_SPOKEN][l] = spoken;
		/* the nominator as printed (the party's short name) and as
		 * spoken (its full name or pronunciation) */
		const char *nom_p = "s", *nom_s = "s";
		if (k->party >= 0) {
			/* a name missing in l (an error reported) reads "" */
			const bk_party *p = &e->parties[k->party];
			const char *np = read_key(c, p->short_name.v[l]
			                                     ? p->short_name.v[l]
			                                     : p->name.v[l]);
			const char *ns = read_key(c, p->pronunciation.v[l]
			                                     ? p->pronunciation.v[l]
			                                     : p->name.v[l]);
			bk_buf_truncate(&b, 0);
			bk_buf_printf(&b, "p%s", np ? np : "");
			nom_p = bk_arena_strdup(&c->scratch, bk_buf_str(&b));
			bk_buf_truncate(&b, 0);
			bk_buf_printf(&b, "p%s", ns ? ns : "");
			nom_s = bk_arena_strdup(&c->scratch, bk_buf_str(&b));
		}
		const char *details = k->details.v[l] ? read_key(c, k->details.v[l])
		                                      : "";
		for (int way = WAY_WHOLE_PRINTED; way <= WAY_WHOLE_SPOKEN; way++) {
			bk_buf_truncate(&b, 0);
			bk_buf_printf(&b, "%s\x1f%ld\x1f%s\x1f%s\x1f%c",
			              way == WAY_WHOLE_PRINTED ? printed : spoken,
			              k->birth_year, details,
			              way == WAY_WHOLE_PRINTED ? nom_p : nom_s,
			              k->withdrawn ? 'w' : 's');
			r->key[way][l] = bk_arena_strdup(&c->scratch, bk_buf_str(&b));
		}
	}
	bk_buf_free(&b);
}

typedef struct keyed {
	const char *key;
	size_t at;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* For each item of list (n items, keys in list[].key, NULL ones left out
 * by the caller), the first earlier item with the same key, in
 * partner[item] when it is earlier than the one there (-1: none). */
static void first_same(keyed *list, size_t m, long *partner, int *lang,
                       int *way, int l, int w, bool *show)
{
	qsort(list, m, sizeof *list, cmp_keyed);
	for (size_t j = 1, g = 0; j < m; j++) {
		if (strcmp(list[j].key, list[g].key)) {
			g = j;
			continue;
		}
		size_t k = list[j].at, first = list[g].at;
		if (show)
			show[k] = show[first] = true;
		if (partner[k] < 0 || (long)first < partner[k]) {
			partner[k] = (long)first;
			lang[k] = l;
			way[k] = w;
		}
	}
}

/* Candidates of one ballot that a voter could not tell apart by their
 * names, in some language of the election, in print and braille or in
 * speech: a warning, and every output shows their birth years; the same
 * with the birth year, details, nominator and status: an error. */
static void check_same_names(ctx *c, size_t bi, const bool *dup,
                             option_reading *readings)
{
	bk_election *e = c->e;
	bk_ballot *bl = &e->ballots[bi];
	size_t n = bl->noptions;
	if (n < 2)
		return;
	long *same = bk_xmalloc(n * sizeof *same);
	long *ident = bk_xmalloc(n * sizeof *ident);
	int *same_lang = bk_xcalloc(n, sizeof *same_lang);
	int *same_way = bk_xcalloc(n, sizeof *same_way);
	int *ident_lang = bk_xcalloc(n, sizeof *ident_lang);
	int *ident_way = bk_xcalloc(n, sizeof *ident_way);
	bool *show = bk_xcalloc(n, sizeof *show);
	keyed *list = bk_xmalloc(n * sizeof *list);
	for (size_t k = 0; k < n; k++)
		same[k] = ident[k] = -1;
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		for (int w = 0; w < WAY_COUNT; w++) {
			size_t m = 0;
			for (size_t k = 0; k < n; k++) {
				long ci = bl->options[k];
				if (ci < 0 || dup[k])
					continue;
				option_reading *r = &readings[ci];
				if (!r->done)
					read_candidate(c, (size_t)ci, r);
				if (!r->key[w][l])
					continue;
				list[m].key = r->key[w][l];
				list[m].at = k;
				m++;
			}
			if (w <= WAY_NAME_SPOKEN)
				first_same(list, m, same, same_lang, same_way, l, w,
				           show);
			else
				first_same(list, m, ident, ident_lang, ident_way, l,
				           w, NULL);
		}
	}
	bk_buf p = {0};
	bool any = false;
	for (size_t k = 0; k < n; k++) {
		any |= show[k];
		long q = ident[k] >= 0 ? ident[k] : same[k];
		if (q < 0)
			continue;
		const bk_candidate *a = &e->candidates[bl->options[q]];
		const bk_candidate *b = &e->candidates[bl->options[k]];
		int l = ident[k] >= 0 ? ident_lang[k] : same_lang[k];
		int w = ident[k] >= 0 ? ident_way[k] : same_way[k];
		const option_reading *ra = &readings[bl->options[q]];
		const option_reading *rb = &readings[bl->options[k]];
		bk_buf_truncate(&p, 0);
		bk_buf_printf(&p, "$.ballots[%zu].options[%zu]", bi, k);
		if (ident[k] >= 0)
			jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
			               "indistinguishable", false,
			               "positions %ld and %zu cannot be told apart "
			               "in %s %s: \"%s\" (%s) and \"%s\" (%s) have "
			               "the same name and birth year (%ld), and "
			               "neither details nor nominator tell them "
			               "apart; give each candidate's \"details\" as "
			               "the paper ballot prints them (occupation, "
			               "place of work, residence)", q + 1, k + 1,
			               lang_names[l],
			               w == WAY_WHOLE_PRINTED ? "in print and braille"
			                                      : "as the voice says them",
			               ra->shown[l], a->id, rb->shown[l], b->id,
			               b->birth_year);
		else
			jdoc_report_at(c->d, bk_buf_str(&p), BK_WARNING,
			               "same-name", false,
			               "positions %ld and %zu read the same in %s "
			               "%s: \"%s\" (%s) and \"%s\" (%s); every "
			               "output adds their birth years (%ld, %ld) so "
			               "that voters can tell them apart: check that "
			               "the paper ballot does too", q + 1, k + 1,
			               lang_names[l],
			               w == WAY_NAME_PRINTED ? "in print and braille"
			                                     : "as the voice says them",
			               ra->shown[l], a->id, rb->shown[l], b->id,
			               a->birth_year, b->birth_year);
	}
	if (any) {
		bl->show_birth_year = bk_arena_alloc(&e->arena,
		                                     n * sizeof *bl->show_birth_year);
		memcpy(bl->show_birth_year, show, n * sizeof *show);
	}
	bk_buf_free(&p);
	free(list);
	free(show);
	free(ident_way);
	free(ident_lang);
	free(same_way);
	free(same_lang);
	free(ident);
	free(same);
}

/* Two parties whose names read the same (read_key: NFC, case and
 * punctuation left aside), as printed or as spoken, in a language of the
 * election: an error at the later one. */
static void check_party_names(ctx *c)
{
	bk_election *e = c->e;
	size_t n = e->nparties;
	if (n < 2)
		return;
	keyed *list = bk_xmalloc(n * sizeof *list);
	long *partner = bk_xmalloc(n * sizeof *partner);
	int *lang = bk_xcalloc(n, sizeof *lang), *way = bk_xcalloc(n, sizeof *way);
	bk_buf path = {0};
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		for (size_t i = 0; i < n; i++)
			partner[i] = -1;
		for (int w = 0; w < 2; w++) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++) {
				const bk_party *p = &e->parties[i];
				if (!p->name.v[l])
					continue; /* an error reported */
				const char *t = w == 1 && p->pronunciation.v[l]
				                        ? p->pronunciation.v[l]
				                        : p->name.v[l];
				list[m].key = read_key(c, t);
				list[m].at = i;
				m++;
			}
			first_same(list, m, partner, lang, way, l, w, NULL);
		}
		for (size_t j = 0; j < n; j++) {
			if (partner[j] < 0)
				continue;
			const bk_party *a = &e->parties[partner[j]];
			const bk_party *b = &e->parties[j];
			bool pron = way[j] == 1 && b->pronunciation.v[l];
			bk_buf_truncate(&path, 0);
			bk_buf_printf(&path, "$.parties[%zu].%s.%s", j,
			              pron ? "pronunciation" : "name",
			              bk_lang_codes[l]);
			if (way[j] == 0)
				jdoc_report_at(c->d, bk_buf_str(&path), BK_ERROR,
				               "duplicate-name", false,
				               "the party name \"%s\" reads the same as "
				               "the %s name of parties[%ld] (%s), \"%s\": "
				               "they differ only in case, spacing or "
				               "punctuation, which braille and speech do "
				               "not tell apart", b->name.v[l],
				               lang_names[l], partner[j], a->id,
				               a->name.v[l]);
			else
				jdoc_report_at(c->d, bk_buf_str(&path), BK_ERROR,
				               "duplicate-name", false,
				               "the %s voice would say the party \"%s\" "
				               "as \"%s\", the same as parties[%ld] (%s), "
				               "\"%s\"; give pronunciations that tell the "
				               "two apart", lang_names[l], b->name.v[l],
				               b->pronunciation.v[l]
				                       ? b->pronunciation.v[l]
				                       : b->name.v[l],
				               partner[j], a->id,
				               a->pronunciation.v[l]
				                       ? a->pronunciation.v[l]
				                       : a->name.v[l]);
		}
	}
	bk_buf_free(&path);
	free(way);
	free(lang);
	free(partner);
	free(list);
}

/* Details are spoken as written: they have no pronunciation. */
static void warn_latin_details(ctx *c, size_t i, const bk_text *t)
{
	for (size_t q = 0; q < c->e->nlangs; q++) {
		int l = c->e->langs[q];
		if (!t->v[l] || !has_latin_word(t->v[l]))
			continue;
		bk_buf p = {0};
		bk_buf_printf(&p, "$.candidates[%zu].details.%s", i,
		              bk_lang_codes[l]);
		jdoc_report_at(c->d, bk_buf_str(&p), BK_WARNING,
		               "no-pronunciation", false, "the details \"%s\" have a word in Latin "
		               "letters; the %s voice would read it with English "
		               "rules (details are spoken as written)", t->v[l],
		               lang_names[l]);
		bk_buf_free(&p);
	}
}

static const char *const ballot_kind_names[] = {"", "party-list",
                                                 "single-mandate"};

static void check_ballots(ctx *c)
{
	bk_election *e = c->e;
	bk_buf a = {0}, b = {0}, p = {0};
	option_reading *readings = bk_xcalloc(e->ncandidates + 1,
	                                      sizeof *readings);
	for (size_t i = 0; i < e->nballots; i++) {
		bk_ballot *bl = &e->ballots[i];
		bool *dup = bk_xcalloc(bl->noptions + 1, sizeof *dup);
		/* body and kind against the district */
		if (bl->district >= 0 && bl->kind) {
			const bk_district *d = &e->districts[bl->district];
			const char *why = NULL;
			if (d->kind == BK_DISTRICT_UNKNOWN)
				why = NULL;
			else if (bl->body == BK_BODY_MAZHILIS &&
			         bl->kind == BK_KIND_PARTY_LIST &&
			         d->kind != BK_DISTRICT_NATIONWIDE)
				why = "a Mazhilis party-list ballot belongs to the "
				      "nationwide district";
			else if (bl->body == BK_BODY_MAZHILIS &&
			         bl->kind == BK_KIND_SINGLE_MANDATE &&
			         d->kind != BK_DISTRICT_MAZHILIS)
				why = "a Mazhilis single-mandate ballot belongs to a "
				      "Mazhilis district";
			else if (bl->body == BK_BODY_MASLIKHAT &&
			         (d->kind != BK_DISTRICT_MASLIKHAT ||
			          (bl->level && d->level != bl->level)))
				why = "a maslikhat ballot belongs to a maslikhat "
				      "district of the same level";
			if (why) {
				bk_buf_truncate(&p, 0);
				bk_buf_printf(&p, "$.ballots[%zu].district", i);
				jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
				               "inconsistent", false,
				               "%s; the district \"%s\" does not "
				               "match", why, d->id);
			}
		}
		/* duplicate options */
		for (size_t k = 0; k < bl->noptions; k++) {
			if (bl->options[k] < 0)
				continue;
			for (size_t q = 0; q < k; q++) {
				if (bl->options[q] == bl->options[k]) {
					dup[k] = true;
					bk_buf_truncate(&p, 0);
					bk_buf_printf(&p, "$.ballots[%zu].options[%zu]",
					              i, k);
					jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
					               "duplicate-option", false,
					               "this option is already listed "
					               "as option %zu of the ballot",
					               q + 1);
					break;
				}
			}
		}
		/* capacity: choose a template when none is named */
		size_t positions = bl->noptions + (bl->against_all ? 1 : 0);
		bk_buf_truncate(&p, 0);
		bk_buf_printf(&p, "$.ballots[%zu].options", i);
		if (bl->tpl_bad) {
			/* already reported at paper.template */
		} else if (!bl->tpl && bl->kind && bl->noptions) {
			const bk_stencil_tpl *best = NULL;
			for (size_t k = 0; k < c->tpl->nstencils; k++) {
				const bk_stencil_tpl *t = &c->tpl->stencils[k];
				if ((t->kinds & bl->kind) && t->capacity >= positions &&
				    (!best || t->capacity < best->capacity))
					best = t;
			}
			if (!best)
				jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
				               "too-many-options", false,
				               "%zu positions (with against all) do "
				               "not fit any stencil template for %s "
				               "ballots", positions,
				               ballot_kind_names[bl->kind]);
			bl->tpl = best;
		} else if (bl->tpl && positions > bl->tpl->capacity) {
			jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
			               "too-many-options", false,
			               "%zu positions (with against all) do not fit "
			               "the template \"%s\", which holds %zu; choose "
			               "a larger template", positions, bl->tpl->id,
			               bl->tpl->capacity);
		}
		/* overrides must keep every used box on the paper */
		if (bl->has_over && bl->tpl && !bl->tpl_bad) {
			size_t used = positions < bl->tpl->per_sheet ? positions
			                                             : bl->tpl->per_sheet;
			for (size_t k = 0; k < used; k++) {
				double x, y, w, h;
				bk_stencil_box(bl->tpl, &bl->over, k, &x, &y, &w, &h);
				if (x < 0 || y < 0 || x + w > bl->tpl->paper_w ||
				    y + h > bl->tpl->paper_h) {
					bk_buf_truncate(&p, 0);
					bk_buf_printf(&p, "$.ballots[%zu].paper.overrides", i);
					jdoc_report_at(c->d, bk_buf_str(&p), BK_ERROR,
					               "bad-value", false,
					               "with these overrides box %zu is at "
					               "%.1f, %.1f mm (%.1f × %.1f mm), off "
					               "the %g × %g mm paper", k + 1, x, y,
					               w, h, bl->tpl->paper_w,
					               bl->tpl->paper_h);
					break;
				}
			}
		}
		/* Kazakh alphabetical order of single-mandate candidates */
		if (bl->kind == BK_KIND_SINGLE_MANDATE) {
			for (size_t k = 1; k < bl->noptions; k++) {
				long x = bl->options[k - 1], y = bl->options[k];
				if (x < 0 || y < 0 ||
				    !e->candidates[x].surname.v[BK_LANG_KK] ||
				    !e->candidates[y].surname.v[BK_LANG_KK] ||
				    !e->candidates[x].given_name.v[BK_LANG_KK] ||
				    !e->candidates[y].given_name.v[BK_LANG_KK])
					continue;
				sort_key(&e->candidates[x], &a);
				sort_key(&e->candidates[y], &b);
				if (kk_compare(c->tpl, bk_buf_str(&a),
				               bk_buf_str(&b)) > 0) {
					bk_buf_truncate(&p, 0);
					bk_buf_printf(&p, "$.ballots[%zu].options[%zu]",
					              i, k);
					jdoc_report_at(c->d, bk_buf_str(&p), BK_WARNING,
					               "not-alphabetical", false,
					               "\"%s\" comes before \"%s\" in the "
					               "Kazakh alphabet; single-mandate "
					               "ballots list candidates "
					               "alphabetically (check the printed "
					               "order)", bk_buf_str(&b),
					               bk_buf_str(&a));
				}
			}
			check_same_names(c, i, dup, readings);
		}
		free(dup);
	}
	free(readings);
	bk_buf_free(&a);
	bk_buf_free(&b);
	bk_buf_free(&p);
}

static void validate(ctx *c)
{
	bk_election *e = c->e;
	json_t *root = c->d->root;
	static const jc_field top[] = {
		{"format", true}, {"election", true}, {"districts", true},
		{"ballots", true}, {"areas", false}, {"polling_stations", false},
		{"parties", false}, {"candidates", false}, {"production", false},
		{NULL, false}};
	if (!jc_type(c->d, root, JSON_OBJECT, "the definition"))
		return;
	jc_fields(c->d, root, top, "the definition");
	{
		bk_hasher *h = bk_hasher_new();
		static const char *const head[] = {"format", "election",
		                                   "production"};
		for (size_t k = 0; k < 3; k++) {
			bk_digest d;
			digest_json(json_object_get(root, head[k]), d);
			bk_hasher_add(h, d, sizeof d);
		}
		bk_hasher_done(h, e->head_digest);
	}
	size_t old;
	json_t *v = member(c, root, "format", &old);
	if (v) {
		if (jc_type(c->d, v, JSON_STRING, "format") &&
		    strcmp(json_string_value(v), "ballotkit/1"))
			jdoc_report(c->d, BK_ERROR, "bad-value", false,
			            "format \"%s\" is not one this ballotkit "
			            "reads; write \"ballotkit/1\"",
			            json_string_value(v));
		jdoc_pop(c->d, old);
	}
	v = member(c, root, "election", &old);
	if (v) {
		parse_election(c, v);
		jdoc_pop(c->d, old);
	}

#define ALLOC_COLL(key, field, nfield)                                        \
	do {                                                                  \
		json_t *a_ = json_object_get(root, key);                      \
		e->nfield = json_is_array(a_) ? json_array_size(a_) : 0;      \
		e->field = bk_arena_alloc(&e->arena,                          \
		                          (e->nfield + 1) * sizeof *e->field); \
		memset(e->field, 0, (e->nfield + 1) * sizeof *e->field);      \
	} while (0)
	ALLOC_COLL("areas", areas, nareas);
	ALLOC_COLL("districts", districts, ndistricts);
	ALLOC_COLL("polling_stations", stations, nstations);
	ALLOC_COLL("parties", parties, nparties);
	ALLOC_COLL("candidates", candidates, ncandidates);
	ALLOC_COLL("ballots", ballots, nballots);
#undef ALLOC_COLL
	parse_array(c, root, "areas", parse_area, "an area");
	parse_array(c, root, "districts", parse_district, "a district");
	parse_array(c, root, "polling_stations", parse_station,
	            "a polling station");
	parse_array(c, root, "parties", parse_party, "a party");
	parse_array(c, root, "candidates", parse_candidate, "a candidate");
	parse_array(c, root, "ballots", parse_ballot, "a ballot");
	v = member(c, root, "production", &old);
	if (v) {
		parse_production(c, v);
		jdoc_pop(c->d, old);
	}

	index_ids(c, C_AREAS, "areas", "area", e->nareas, get_area_id);
	index_ids(c, C_DISTRICTS, "districts", "district", e->ndistricts,
	          get_district_id);
	index_ids(c, -1, "polling_stations", "polling station", e->nstations,
	          get_station_id);
	index_ids(c, C_PARTIES, "parties", "party", e->nparties, get_party_id);
	index_ids(c, C_CANDIDATES, "candidates", "candidate", e->ncandidates,
	          get_candidate_id);
	index_ids(c, -1, "ballots", "ballot", e->nballots, get_ballot_id);
	resolve_refs(c);

	for (size_t i = 0; i < e->ncandidates; i++) {
		bk_candidate *k = &e->candidates[i];
		derive_name(c, i, "surname", &k->surname);
		derive_name(c, i, "given_name", &k->given_name);
		derive_name(c, i, "patronymic", &k->patronymic);
		/* after deriving: a derived spelling is spoken too */
		warn_latin(c, "candidates", i, "surname", &k->surname,
		           &k->pronunciation);
		warn_latin(c, "candidates", i, "given_name", &k->given_name,
		           &k->pronunciation);
		warn_latin(c, "candidates", i, "patronymic", &k->patronymic,
		           &k->pronunciation);
		warn_latin_details(c, i, &k->details);
	}
	for (size_t i = 0; i < e->nparties; i++) {
		bk_party *p = &e->parties[i];
		warn_latin(c, "parties", i, "name", &p->name, &p->pronunciation);
		warn_latin(c, "parties", i, "short_name", &p->short_name,
		           &p->pronunciation);
	}
	check_party_names(c);
	check_ballots(c);
}

/* Once the election is valid: each ballot's digest covers everything its
 * outputs are made from (the definition's head, the ballot, its district,
 * its options and their nominating parties), and each polling station
 * learns the ballots of its districts. */
static void finish_ballots(bk_election *e)
{
	for (size_t i = 0; i < e->nballots; i++) {
		bk_ballot *b = &e->ballots[i];
		bk_hasher *h = bk_hasher_new();
		bk_hasher_add(h, e->head_digest, sizeof e->head_digest);
		bk_hasher_add(h, b->digest, sizeof b->digest);
		bk_hasher_add(h, e->districts[b->district].digest,
		              sizeof(bk_digest));
		for (size_t k = 0; k < b->noptions; k++) {
			if (b->kind == BK_KIND_PARTY_LIST) {
				bk_hasher_add(h, e->parties[b->options[k]].digest,
				              sizeof(bk_digest));
				continue;
			}
			const bk_candidate *cd = &e->candidates[b->options[k]];
			bk_hasher_add(h, cd->digest, sizeof cd->digest);
			if (cd->party >= 0)
				bk_hasher_add(h, e->parties[cd->party].digest,
				              sizeof(bk_digest));
		}
		bk_hasher_done(h, b->digest);
	}
	/* the ballots of each district, then of each station */
	size_t *first = bk_xcalloc(e->ndistricts + 1, sizeof *first);
	size_t *order = bk_xcalloc(e->nballots + 1, sizeof *order);
	for (size_t i = 0; i < e->nballots; i++)
		first[e->ballots[i].district + 1]++;
	for (size_t d = 0; d < e->ndistricts; d++)
		first[d + 1] += first[d];
	size_t *fill = bk_xcalloc(e->ndistricts + 1, sizeof *fill);
	for (size_t i = 0; i < e->nballots; i++) {
		size_t d = (size_t)e->ballots[i].district;
		order[first[d] + fill[d]++] = i;
	}
	bool *seen = bk_xcalloc(e->nballots + 1, sizeof *seen);
	for (size_t s = 0; s < e->nstations; s++) {
		bk_station *st = &e->stations[s];
		size_t n = 0;
		for (size_t k = 0; k < st->ndistricts; k++) {
			size_t d = (size_t)st->districts[k];
			for (size_t j = first[d]; j < first[d + 1]; j++)
				if (!seen[order[j]]) {
					seen[order[j]] = true;
					n++;
				}
		}
		st->ballots = bk_arena_alloc(&e->arena, (n + 1) * sizeof *st->ballots);
		st->nballots = 0;
		for (size_t i = 0; i < e->nballots; i++)
			if (seen[i]) {
				st->ballots[st->nballots++] = i;
				seen[i] = false;
			}
	}
	free(seen);
	free(fill);
	free(order);
	free(first);
}

/* ---- NFC --------------------------------------------------------------
 * Every string value of the document is put in Unicode Normalization Form
 * C (utf8proc) before anything reads it, so that a name typed with
 * combining marks ("И" + U+0306) is the same name as one typed with the
 * composed letter ("Й"), in the model, the digests and every output
 * (docs/ballot-format.md, "Text"). A string already in NFC is left as it
 * is, so the digests of such a definition do not change. */

static void nfc_tree(json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
			nfc_tree(x);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			nfc_tree(x);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), i = 0;
		while (i < n && !((unsigned char)s[i] & 0x80))
			i++;
		if (i == n)
			return; /* ASCII is NFC */
		utf8proc_uint8_t *out = NULL;
		utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s,
		                                  (utf8proc_ssize_t)n, &out,
		                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (m >= 0 && ((size_t)m != n || memcmp(out, s, n)))
			json_string_setn(v, (const char *)out, (size_t)m);
		free(out);
	}
}

/* ---- admission checks (definition-private.h) ---- */

struct bk_check_sink {
	jdoc *d;
};

void bk_check_report(bk_check_sink *sink, const char *path, bk_severity sev,
                     const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(sink->d, path, sev, kind, false, fmt, ap);
	va_end(ap);
}

void bk_check_report_text(bk_check_sink *sink, const bk_text_use *t,
                          bk_severity sev, const char *kind,
                          const char *fmt, ...)
{
	/* a derived spelling is reported at the value it came from */
	int at = !t->derived ? t->lang
	         : t->lang == BK_LANG_RU ? BK_LANG_KK : BK_LANG_RU;
	bk_buf path = {0};
	bk_buf_printf(&path, "$.%s[%zu].%s.%s", t->list, t->index, t->field,
	              bk_lang_codes[at]);
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(sink->d, bk_buf_str(&path), sev, kind, false, fmt, ap);
	va_end(ap);
	bk_buf_free(&path);
}

typedef struct text_walk {
	const bk_election *e;
	const bk_checker *chk;
	bk_check_sink *sink;
} text_walk;

/* Hands each language of t to the checker; pron, when given in a
 * language, is spoken instead of t there. */
static void walk_text(text_walk *w, const bk_text *t, unsigned uses,
                      const bk_text *pron, const char *list, size_t i,
                      const char *field)
{
	for (size_t q = 0; q < w->e->nlangs; q++) {
		int l = w->e->langs[q];
		if (!t->v[l])
			continue;
		unsigned u = uses;
		if (pron && pron->v[l])
			u &= ~(unsigned)BK_USE_SPEECH;
		if (!(u & (BK_USE_BRAILLE | BK_USE_SPEECH)))
			continue;
		bk_text_use use = {l, u, t->v[l], list, i, field,
		                   t->derived[l]};
		w->chk->text(w->chk->arg, &use, w->sink);
	}
}

/* Every text an output renders, with what it does with it: braille
 * lists, leaflets and the stencil title are brailled, the audio speaks
 * titles, districts and names (or their pronunciations). Election, area
 * and polling station names are printed only (docs/validation-rules.md). */
static void walk_texts(const bk_election *e, const bk_checker *chk,
                       bk_check_sink *sink)
{
	const unsigned B = BK_USE_BRAILLE, S = BK_USE_SPEECH;
	text_walk w = {e, chk, sink};
	for (size_t i = 0; i < e->ndistricts; i++)
		walk_text(&w, &e->districts[i].name, B | S, NULL,
		          "districts", i, "name");
	for (size_t i = 0; i < e->nparties; i++) {
		const bk_party *p = &e->parties[i];
		walk_text(&w, &p->name, B | S, &p->pronunciation,
		          "parties", i, "name");
		walk_text(&w, &p->short_name, B, NULL, "parties", i,
		          "short_name");
		walk_text(&w, &p->pronunciation, S, NULL, "parties", i,
		          "pronunciation");
		walk_text(&w, &p->leaflet, B | BK_USE_LINES, NULL,
		          "parties", i, "leaflet");
	}
	for (size_t i = 0; i < e->ncandidates; i++) {
		const bk_candidate *k = &e->candidates[i];
		walk_text(&w, &k->surname, B | S, &k->pronunciation,
		          "candidates", i, "surname");
		walk_text(&w, &k->given_name, B | S, &k->pronunciation,
		          "candidates", i, "given_name");
		walk_text(&w, &k->patronymic, B | S, &k->pronunciation,
		          "candidates", i, "patronymic");
		walk_text(&w, &k->pronunciation, S, NULL, "candidates", i,
		          "pronunciation");
		walk_text(&w, &k->leaflet, B | BK_USE_LINES, NULL,
		          "candidates", i, "leaflet");
		walk_text(&w, &k->details, B | S, NULL, "candidates", i,
		          "details");
	}
	for (size_t i = 0; i < e->nballots; i++) {
		walk_text(&w, &e->ballots[i].name, B | S, NULL, "ballots",
		          i, "name");
		walk_text(&w, &e->ballots[i].short_name, B, NULL,
		          "ballots", i, "short_name");
	}
}

/* Production settings the definition does not give. */
static void fill_defaults(bk_election *e)
{
	for (int l = 0; l < BK_LANG_COUNT; l++)
		e->braille_table_given[l] = e->braille_table[l] != NULL;
	/* defaults of the production settings (include/ballotkit/production.h) */
	if (!e->braille_table[BK_LANG_KK])
		e->braille_table[BK_LANG_KK] = BK_DEFAULT_BRAILLE_TABLE_KK;
	if (!e->braille_table[BK_LANG_RU])
		e->braille_table[BK_LANG_RU] = BK_DEFAULT_BRAILLE_TABLE_RU;
	if (!e->braille_profile)
		e->braille_profile = BK_DEFAULT_BRAILLE_PROFILE;
	if (!e->speech_rate)
		e->speech_rate = BK_DEFAULT_SPEECH_RATE;
	if (!e->loudness_given)
		e->loudness_lufs = BK_DEFAULT_LOUDNESS_LUFS;
	if (!e->outputs)
		e->outputs = bk_outputs_default();
	if (e->stencil_title_lang < 0)
		e->stencil_title_lang = e->langs[0]; /* the first language */
}

/* Loads from text (taken over). */
static bk_status load(bk_election **out, char *text, size_t size,
                     const char *name, const bk_templates *tpl,
                     const bk_checker *chk, bk_diags *diags)
{
	jdoc d;
	bk_election *e = bk_xcalloc(1, sizeof *e);
	e->tpl = tpl;
	e->stencil_title_lang = -1;
	bk_sha256(text, size, e->file_digest);
	int parsed = jdoc_parse_owned(&d, text, size, name, diags);
	bk_status checked = BK_OK;
	bool finished = false;
	if (parsed == 0) {
		nfc_tree(d.root);
		ctx c = {.d = &d, .e = e, .tpl = tpl};
		validate(&c);
		free(c.refs);
		bk_arena_free(&c.scratch);
		for (int q = 0; q < C_COUNT; q++)
			free(c.index[q]);
		/* The model holds copies: drop the tree before locating the
		 * diagnostics, so both are never in memory at once. */
		json_decref(d.root);
		d.root = NULL;
		fill_defaults(e);
		/* the checker reports while the document is open, so that its
		 * diagnostics are located too */
		bk_check_sink sink = {&d};
		if (chk && chk->begin)
			checked = chk->begin(chk->arg, e, &sink, diags);
		if (chk && checked == BK_OK && chk->text)
			walk_texts(e, chk, &sink);
		if (chk && checked == BK_OK && chk->election && !d.errors) {
			finish_ballots(e);
			finished = true;
			chk->election(chk->arg, e, &sink);
		}
	}
	jdoc_finish(&d, diags);
	size_t errors = d.errors;
	jdoc_free(&d);
	if (checked != BK_OK || errors) {
		bk_election_free(e);
		return checked != BK_OK ? checked : BK_ERR_INVALID;
	}
	if (!finished)
		finish_ballots(e);
	*out = e;
	return BK_OK;
}

bk_status bk_election_load_checked(bk_election **out, const char *path,
                                   const char *data, size_t size,
                                   const char *name, const bk_templates *tpl,
                                   const bk_checker *chk, bk_diags *diags)
{
	if (!out || !tpl || (!path && !data && size))
		return BK_ERR_USAGE;
	*out = NULL;
	char *text;
	if (path) {
		if (bk_read_input(path, &text, &size)) {
			bk_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
			             "cannot read the definition: %s", bk_read_error());
			return BK_ERR_IO;
		}
		name = path;
	} else {
		text = bk_xstrndup(data ? data : "", size);
	}
	/* numbers in messages keep a decimal point whatever the caller's
	 * locale */
	bk_c_numeric numeric = bk_c_numeric_enter();
	bk_status st = load(out, text, size, name, tpl, chk, diags);
	bk_c_numeric_leave(&numeric);
	return st;
}

bk_status bk_election_load_buffer(bk_election **out, const char *data,
                                  size_t size, const char *name,
                                  const bk_templates *tpl, bk_diags *diags)
{
	if (!data && size) {
		if (out)
			*out = NULL;
		return BK_ERR_USAGE;
	}
	return bk_election_load_checked(out, NULL, data ? data : "", size, name,
	                                tpl, NULL, diags);
}

bk_status bk_election_load(bk_election **out, const char *path,
                           const bk_templates *tpl, bk_diags *diags)
{
	if (!path) {
		if (out)
			*out = NULL;
		return BK_ERR_USAGE;
	}
	return bk_election_load_checked(out, path, NULL, 0, NULL, tpl, NULL,
	                                diags);
}

void bk_election_free(bk_election *e)
{
	if (!e)
		return;
	bk_arena_free(&e->arena);
	free(e);
}

const char *bk_election_id(const bk_election *e) { return e->id; }

void bk_election_sha256(const bk_election *e, char hex[65])
{
	bk_hex(e->file_digest, sizeof e->file_digest, hex);
}

void bk_election_ballot_sha256(const bk_election *e, size_t i, char hex[65])
{
	bk_hex(e->ballots[i].digest, sizeof e->ballots[i].digest, hex);
}

size_t bk_election_station_count(const bk_election *e) { return e->nstations; }
const char *bk_election_station_id(const bk_election *e, size_t i)
{
	return e->stations[i].id;
}
unsigned bk_election_station_number(const bk_election *e, size_t i)
{
	return (unsigned)e->stations[i].number;
}
const char *bk_election_station_name(const bk_election *e, size_t i,
                                     const char *lang)
{
	int l = bk_lang_index(lang);
	return l < 0 ? NULL : e->stations[i].name.v[l];
}
unsigned bk_election_station_kits(const bk_election *e, size_t i)
{
	return (unsigned)e->stations[i].kits;
}
size_t bk_election_station_ballot_count(const bk_election *e, size_t i)
{
	return e->stations[i].nballots;
}
size_t bk_election_station_ballot(const bk_election *e, size_t i, size_t k)
{
	return e->stations[i].ballots[k];
}
const char *bk_election_date(const bk_election *e) { return e->date; }
size_t bk_election_language_count(const bk_election *e) { return e->nlangs; }

const char *bk_election_language(const bk_election *e, size_t i)
{
	return i < e->nlangs ? bk_lang_codes[e->langs[i]] : NULL;
}

size_t bk_election_count(const bk_election *e, bk_count_what what)
{
	size_t n = 0;
	switch (what) {
	case BK_COUNT_AREAS: return e->nareas;
	case BK_COUNT_DISTRICTS: return e->ndistricts;
	case BK_COUNT_POLLING_STATIONS: return e->nstations;
	case BK_COUNT_KITS:
		for (size_t i = 0; i < e->nstations; i++)
			n += (size_t)e->stations[i].kits;
		return n;
	case BK_COUNT_PARTIES: return e->nparties;
	case BK_COUNT_CANDIDATES: return e->ncandidates;
	case BK_COUNT_CANDIDATES_WITHDRAWN:
		for (size_t i = 0; i < e->ncandidates; i++)
			n += e->candidates[i].withdrawn;
		return n;
	case BK_COUNT_BALLOTS: return e->nballots;
	case BK_COUNT_BALLOTS_PARTY_LIST:
	case BK_COUNT_BALLOTS_SINGLE_MANDATE:
		for (size_t i = 0; i < e->nballots; i++)
			n += e->ballots[i].kind ==
			     (what == BK_COUNT_BALLOTS_PARTY_LIST
			              ? BK_KIND_PARTY_LIST : BK_KIND_SINGLE_MANDATE);
		return n;
	case BK_COUNT_POSITIONS:
		for (size_t i = 0; i < e->nballots; i++)
			n += e->ballots[i].noptions + e->ballots[i].against_all;
		return n;
	case BK_COUNT_DERIVED_SPELLINGS: return e->derived_spellings;
	}
	return 0;
}

size_t bk_election_ballot_count(const bk_election *e) { return e->nballots; }

const char *bk_election_ballot_id(const bk_election *e, size_t i)
{
	return i < e->nballots ? e->ballots[i].id : NULL;
}

size_t bk_election_ballot_find(const bk_election *e, const char *id)
{
	for (size_t i = 0; i < e->nballots; i++)
		if (!strcmp(e->ballots[i].id, id))
			return i;
	return (size_t)-1;
}

static bool has_leaflet(const bk_text *t)
{
	return t->v[BK_LANG_KK] || t->v[BK_LANG_RU];
}

size_t bk_election_leaflet_count(const bk_election *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nparties; i++)
		n += has_leaflet(&e->parties[i].leaflet);
	for (size_t i = 0; i < e->ncandidates; i++)
		n += has_leaflet(&e->candidates[i].leaflet);
	return n;
}

void bk_election_leaflet(const bk_election *e, size_t i, const char **kind,
                         const char **id)
{
	*kind = *id = NULL;
	for (size_t k = 0; k < e->nparties; k++)
		if (has_leaflet(&e->parties[k].leaflet) && i-- == 0) {
			*kind = "party";
			*id = e->parties[k].id;
			return;
		}
	for (size_t k = 0; k < e->ncandidates; k++)
		if (has_leaflet(&e->candidates[k].leaflet) && i-- == 0) {
			*kind = "candidate";
			*id = e->candidates[k].id;
			return;
		}
}

const char *bk_election_braille_profile(const bk_election *e)
{
	return e->braille_profile;
}

int bk_election_speech_rate(const bk_election *e)
{
	return e ? (int)e->speech_rate : BK_DEFAULT_SPEECH_RATE;
}

double bk_election_loudness(const bk_election *e)
{
	return e ? e->loudness_lufs : BK_DEFAULT_LOUDNESS_LUFS;
}

bk_output_set bk_election_outputs(const bk_election *e)
{
	return e ? e->outputs : bk_outputs_default();
}

bool bk_election_leaflet_text(const bk_election *e, const char *kind,
                              const char *id, int lang, bk_buf *heading,
                              bk_buf *text, bk_buf *source)
{
	if (lang < 0 || !bk_election_has_lang(e, lang))
		return false;
	if (!strcmp(kind, "party")) {
		for (size_t i = 0; i < e->nparties; i++) {
			const bk_party *p = &e->parties[i];
			if (strcmp(p->id, id) || !p->leaflet.v[lang])
				continue;
			bk_buf_add(heading, p->name.v[lang]);
			bk_buf_add(text, p->leaflet.v[lang]);
			bk_buf_printf(source, "$.parties[%zu].leaflet.%s", i,
			              bk_lang_codes[lang]);
			return true;
		}
	} else if (!strcmp(kind, "candidate")) {
		for (size_t i = 0; i < e->ncandidates; i++) {
			const bk_candidate *k = &e->candidates[i];
			if (strcmp(k->id, id) || !k->leaflet.v[lang])
				continue;
			bk_buf_printf(heading, "%s %s", k->surname.v[lang],
			              k->given_name.v[lang]);
			if (k->patronymic.v[lang])
				bk_buf_printf(heading, " %s", k->patronymic.v[lang]);
			bk_buf_add(text, k->leaflet.v[lang]);
			bk_buf_printf(source, "$.candidates[%zu].leaflet.%s", i,
			              bk_lang_codes[lang]);
			return true;
		}
	}
	return false;
}
