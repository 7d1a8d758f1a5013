/* Checks across records of a definition, once references are resolved
 * and spellings derived: Latin words without a pronunciation, parties
 * and candidates whose names read the same, ballots against their
 * districts, templates and the Kazakh alphabet. See definition-load.h
 * for the loader's steps and docs/validation-rules.md for every kind. */
#include "definition/definition-load.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool has_latin_word(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = bki_utf8_decode(s + i, n - i, &cp);
		if (!l)
			return false;
		if (bki_cp_is_latin_letter(cp))
			return true;
		i += l;
	}
	return false;
}

/* Collation by the Kazakh alphabet. */
static int kk_compare(const bk_templates *tpl, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
	while (i < na && j < nb) {
		uint32_t ca, cb;
		size_t la = bki_utf8_decode(a + i, na - i, &ca);
		size_t lb = bki_utf8_decode(b + j, nb - j, &cb);
		if (!la || !lb)
			return strcmp(a + i, b + j);
		unsigned long ka = bki_kk_weight(tpl, ca), kb = bki_kk_weight(tpl, cb);
		if (ka != kb)
			return ka < kb ? -1 : 1;
		i += la;
		j += lb;
	}
	return (i < na) - (j < nb);
}

static void sort_key(const bki_candidate *k, bki_buf *b)
{
	bki_buf_truncate(b, 0);
	bki_buf_add(b, k->surname.v[BK_LANG_KK] ? k->surname.v[BK_LANG_KK] : "");
	bki_buf_addc(b, ' ');
	bki_buf_add(b, k->given_name.v[BK_LANG_KK] ? k->given_name.v[BK_LANG_KK] : "");
	bki_buf_addc(b, ' ');
	bki_buf_add(b, k->patronymic.v[BK_LANG_KK] ? k->patronymic.v[BK_LANG_KK] : "");
}

static void warn_latin(def_ctx *c, const char *coll, size_t i, const char *field,
                       const bki_text *t, const bki_text *pron)
{
	for (size_t q = 0; q < c->e->nlangs; q++) {
		int l = c->e->langs[q];
		if (!t->v[l] || pron->v[l] || !has_latin_word(t->v[l]))
			continue;
		bki_buf p = {0};
		/* a derived spelling is reported at the name it came from */
		if (t->derived[l])
			bki_buf_printf(&p, "$.%s[%zu].%s", coll, i, field);
		else
			bki_buf_printf(&p, "$.%s[%zu].%s.%s", coll, i, field,
			              bki_lang_codes[l]);
		jdoc_report_at(c->d, bki_buf_str(&p), BK_WARNING,
		               "no-pronunciation", false,
		               "\"%s\" is written in Latin letters but has no %s "
		               "pronunciation; the voice would read it with "
		               "English rules", t->v[l], def_lang_names[l]);
		bki_buf_free(&p);
	}
}

/* ---- options a voter can tell apart (docs/ballot-format.md, "Names
 * that read the same") ---- */

/* A text as a voter meets it, for comparison: NFC, case folded (utf8proc),
 * only its letters, combining marks and digits, every run of anything else
 * (blanks, punctuation, quotes, hyphens) one blank. Braille (Russian
 * braille marks no capitals) and the voice make no more of the rest. In
 * the scratch arena; NULL for NULL. */
static const char *read_key(def_ctx *c, const char *s)
{
	if (!s)
		return NULL;
	bki_buf b = {0};
	bki_fold_words(s, &b);
	const char *r = bki_buf_failed(&b)
	                ? NULL : bki_arena_strdup(&c->scratch, bki_buf_str(&b));
	bki_buf_free(&b);
	return def_got(c, (void *)r);
}

/* (NULL: memory ran out, and the document is marked so.) */

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

static void read_candidate(def_ctx *c, size_t ci, option_reading *r)
{
	const bk_election *e = c->e;
	const bki_candidate *k = &e->candidates[ci];
	r->done = true;
	bki_buf b = {0};
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		if (!k->surname.v[l] || !k->given_name.v[l])
			continue;
		bki_buf_truncate(&b, 0);
		bki_buf_printf(&b, "%s %s", k->surname.v[l], k->given_name.v[l]);
		if (k->patronymic.v[l])
			bki_buf_printf(&b, " %s", k->patronymic.v[l]);
		r->shown[l] = def_got(c, bki_arena_strdup(&c->scratch,
		                                         bki_buf_str(&b)));
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
			const bki_party *p = &e->parties[k->party];
			const char *np = read_key(c, p->short_name.v[l]
			                                     ? p->short_name.v[l]
			                                     : p->name.v[l]);
			const char *ns = read_key(c, p->pronunciation.v[l]
			                                     ? p->pronunciation.v[l]
			                                     : p->name.v[l]);
			bki_buf_truncate(&b, 0);
			bki_buf_printf(&b, "p%s", np ? np : "");
			nom_p = def_got(c, bki_arena_strdup(&c->scratch,
			                                   bki_buf_str(&b)));
			bki_buf_truncate(&b, 0);
			bki_buf_printf(&b, "p%s", ns ? ns : "");
			nom_s = def_got(c, bki_arena_strdup(&c->scratch,
			                                   bki_buf_str(&b)));
		}
		if (jdoc_nomem(c->d) || bki_buf_failed(&b))
			break; /* the keys left NULL are skipped */
		const char *details = k->details.v[l] ? read_key(c, k->details.v[l])
		                                      : "";
		for (int way = WAY_WHOLE_PRINTED; way <= WAY_WHOLE_SPOKEN; way++) {
			bki_buf_truncate(&b, 0);
			bki_buf_printf(&b, "%s\x1f%ld\x1f%s\x1f%s\x1f%c",
			              way == WAY_WHOLE_PRINTED ? printed : spoken,
			              k->birth_year, details,
			              way == WAY_WHOLE_PRINTED ? nom_p : nom_s,
			              k->withdrawn ? 'w' : 's');
			r->key[way][l] = def_got(c, bki_arena_strdup(&c->scratch,
			                                            bki_buf_str(&b)));
		}
	}
	bki_buf_free(&b);
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
	bki_sort(list, m, sizeof *list, cmp_keyed);
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
/* For each option of a ballot, the first earlier option that reads the
 * same (-1: none), and in which language and way. */
typedef struct partners {
	long *at;
	int *lang, *way;
} partners;

/* false when memory runs out (then partners_free). */
static bool partners_init(partners *p, size_t n)
{
	p->at = bki_calloc(n, sizeof *p->at);
	p->lang = bki_calloc(n, sizeof *p->lang);
	p->way = bki_calloc(n, sizeof *p->way);
	if (!p->at || !p->lang || !p->way)
		return false;
	for (size_t k = 0; k < n; k++)
		p->at[k] = -1;
	return true;
}

static void partners_free(partners *p)
{
	free(p->way);
	free(p->lang);
	free(p->at);
}

/* The options of a ballot with their key in language l, way w, into
 * list; returns how many (repeated options and those without a key left
 * out). */
static size_t keyed_options(def_ctx *c, const bki_ballot *bl,
                            const bool *dup, option_reading *readings,
                            int l, int w, keyed *list)
{
	size_t m = 0;
	for (size_t k = 0; k < bl->noptions; k++) {
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
	return m;
}

/* Options whose names read the same (same, show: both show their birth
 * years) and whose whole positions do (ident), in any language and way. */
static void find_same(def_ctx *c, const bki_ballot *bl, const bool *dup,
                      option_reading *readings, partners *same,
                      partners *ident, bool *show)
{
	const bk_election *e = c->e;
	keyed *list = def_got(c, bki_calloc(bl->noptions, sizeof *list));
	if (!list)
		return;
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		for (int w = 0; w < WAY_COUNT; w++) {
			size_t m = keyed_options(c, bl, dup, readings, l, w, list);
			if (w <= WAY_NAME_SPOKEN)
				first_same(list, m, same->at, same->lang, same->way,
				           l, w, show);
			else
				first_same(list, m, ident->at, ident->lang,
				           ident->way, l, w, NULL);
		}
	}
	free(list);
}

/* Option k of ballot bi against option p->at[k]: with same_name, it
 * reads the same (a warning); without, it cannot be told apart (an error).
 * One home for both, which look the pair up and name it alike. */
static void report_partner(def_ctx *c, size_t bi, size_t k,
                           const partners *p,
                           const option_reading *readings, bool same_name)
{
	const bk_election *e = c->e;
	const bki_ballot *bl = &e->ballots[bi];
	long q = p->at[k];
	int l = p->lang[k], w = p->way[k];
	const bki_candidate *a = &e->candidates[bl->options[q]];
	const bki_candidate *b = &e->candidates[bl->options[k]];
	const option_reading *ra = &readings[bl->options[q]];
	const option_reading *rb = &readings[bl->options[k]];
	const char *way = w == (same_name ? WAY_NAME_PRINTED : WAY_WHOLE_PRINTED)
	                  ? "in print and braille" : "as the voice says them";
	bki_buf path = {0}, head = {0}, tail = {0};
	bki_buf_printf(&path, "$.ballots[%zu].options[%zu]", bi, k);
	bki_buf_printf(&head, "positions %ld and %zu %s in %s %s: \"%s\" (%s) "
	              "and \"%s\" (%s)", q + 1, k + 1,
	              same_name ? "read the same" : "cannot be told apart",
	              def_lang_names[l], way, ra->shown[l], a->id, rb->shown[l],
	              b->id);
	if (same_name)
		bki_buf_printf(&tail, "; every output adds their birth years (%ld, "
		              "%ld) so that voters can tell them apart: check "
		              "that the paper ballot does too", a->birth_year,
		              b->birth_year);
	else
		bki_buf_printf(&tail, " have the same name and birth year (%ld), "
		              "and neither details nor nominator tell them "
		              "apart; give each candidate's \"details\" as the "
		              "paper ballot prints them (occupation, place of "
		              "work, residence)", b->birth_year);
	jdoc_report_at(c->d, bki_buf_str(&path),
	               same_name ? BK_WARNING : BK_ERROR,
	               same_name ? "same-name" : "indistinguishable", false,
	               "%s%s", bki_buf_str(&head), bki_buf_str(&tail));
	bki_buf_free(&head);
	bki_buf_free(&tail);
	bki_buf_free(&path);
}

/* Candidates of one ballot that a voter could not tell apart by their
 * names, in some language of the election, in print and braille or in
 * speech: a warning, and every output shows their birth years; the same
 * with the birth year, details, nominator and status: an error. */
static void check_same_names(def_ctx *c, size_t bi, const bool *dup,
                             option_reading *readings)
{
	bk_election *e = c->e;
	bki_ballot *bl = &e->ballots[bi];
	size_t n = bl->noptions;
	if (n < 2)
		return;
	partners same, ident;
	bool *show = bki_calloc(n, sizeof *show);
	bool ok = partners_init(&same, n);
	ok = partners_init(&ident, n) && ok;
	if (!def_got(c, ok ? show : NULL))
		goto out;
	find_same(c, bl, dup, readings, &same, &ident, show);
	if (jdoc_nomem(c->d))
		goto out;
	bool any = false;
	for (size_t k = 0; k < n; k++) {
		any |= show[k];
		if (ident.at[k] >= 0)
			report_partner(c, bi, k, &ident, readings, false);
		else if (same.at[k] >= 0)
			report_partner(c, bi, k, &same, readings, true);
	}
	if (any) {
		bl->show_birth_year = def_got(c, bki_arena_alloc(&e->arena,
		                                     n * sizeof *bl->show_birth_year));
		if (bl->show_birth_year)
			memcpy(bl->show_birth_year, show, n * sizeof *show);
	}
out:
	free(show);
	partners_free(&ident);
	partners_free(&same);
}

/* Two parties whose names read the same (read_key: NFC, case and
 * punctuation left aside), as printed or as spoken, in a language of the
 * election: an error at the later one. */
static void check_party_names(def_ctx *c)
{
	bk_election *e = c->e;
	size_t n = e->nparties;
	if (n < 2)
		return;
	keyed *list = bki_calloc(n, sizeof *list);
	long *partner = bki_calloc(n, sizeof *partner);
	int *lang = bki_calloc(n, sizeof *lang), *way = bki_calloc(n, sizeof *way);
	bki_buf path = {0};
	if (!def_got(c, list && partner && lang && way ? list : NULL))
		goto out;
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q];
		for (size_t i = 0; i < n; i++)
			partner[i] = -1;
		for (int w = 0; w < 2; w++) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++) {
				const bki_party *p = &e->parties[i];
				if (!p->name.v[l])
					continue; /* an error reported */
				const char *t = w == 1 && p->pronunciation.v[l]
				                        ? p->pronunciation.v[l]
				                        : p->name.v[l];
				list[m].key = read_key(c, t);
				list[m].at = i;
				m += list[m].key != NULL; /* NULL: no memory */
			}
			first_same(list, m, partner, lang, way, l, w, NULL);
		}
		for (size_t j = 0; j < n; j++) {
			if (partner[j] < 0)
				continue;
			const bki_party *a = &e->parties[partner[j]];
			const bki_party *b = &e->parties[j];
			bool pron = way[j] == 1 && b->pronunciation.v[l];
			bki_buf_truncate(&path, 0);
			bki_buf_printf(&path, "$.parties[%zu].%s.%s", j,
			              pron ? "pronunciation" : "name",
			              bki_lang_codes[l]);
			if (way[j] == 0)
				jdoc_report_at(c->d, bki_buf_str(&path), BK_ERROR,
				               "duplicate-name", false,
				               "the party name \"%s\" reads the same as "
				               "the %s name of parties[%ld] (%s), \"%s\": "
				               "they differ only in case, spacing or "
				               "punctuation, which braille and speech do "
				               "not tell apart", b->name.v[l],
				               def_lang_names[l], partner[j], a->id,
				               a->name.v[l]);
			else
				jdoc_report_at(c->d, bki_buf_str(&path), BK_ERROR,
				               "duplicate-name", false,
				               "the %s voice would say the party \"%s\" "
				               "as \"%s\", the same as parties[%ld] (%s), "
				               "\"%s\"; give pronunciations that tell the "
				               "two apart", def_lang_names[l], b->name.v[l],
				               b->pronunciation.v[l]
				                       ? b->pronunciation.v[l]
				                       : b->name.v[l],
				               partner[j], a->id,
				               a->pronunciation.v[l]
				                       ? a->pronunciation.v[l]
				                       : a->name.v[l]);
		}
	}
out:
	bki_buf_free(&path);
	free(way);
	free(lang);
	free(partner);
	free(list);
}

/* Details are spoken as written: they have no pronunciation. */
static void warn_latin_details(def_ctx *c, size_t i, const bki_text *t)
{
	for (size_t q = 0; q < c->e->nlangs; q++) {
		int l = c->e->langs[q];
		if (!t->v[l] || !has_latin_word(t->v[l]))
			continue;
		bki_buf p = {0};
		bki_buf_printf(&p, "$.candidates[%zu].details.%s", i,
		              bki_lang_codes[l]);
		jdoc_report_at(c->d, bki_buf_str(&p), BK_WARNING,
		               "no-pronunciation", false, "the details \"%s\" have a word in Latin "
		               "letters; the %s voice would read it with English "
		               "rules (details are spoken as written)", t->v[l],
		               def_lang_names[l]);
		bki_buf_free(&p);
	}
}

/* Why a ballot's body and kind do not match its district, or NULL. */
static const char *district_mismatch(const bki_ballot *bl,
                                     const bki_district *d)
{
	if (d->kind == BK_DISTRICT_UNKNOWN)
		return NULL;
	if (bl->body == BK_BODY_MAZHILIS && bl->kind == BK_KIND_PARTY_LIST &&
	    d->kind != BK_DISTRICT_NATIONWIDE)
		return "a Mazhilis party-list ballot belongs to the "
		       "nationwide district";
	if (bl->body == BK_BODY_MAZHILIS &&
	    bl->kind == BK_KIND_SINGLE_MANDATE &&
	    d->kind != BK_DISTRICT_MAZHILIS)
		return "a Mazhilis single-mandate ballot belongs to a "
		       "Mazhilis district";
	if (bl->body == BK_BODY_MASLIKHAT &&
	    (d->kind != BK_DISTRICT_MASLIKHAT ||
	     (bl->level && d->level != bl->level)))
		return "a maslikhat ballot belongs to a maslikhat "
		       "district of the same level";
	return NULL;
}

/* body and kind against the district */
static void check_district(def_ctx *c, size_t i)
{
	const bki_ballot *bl = &c->e->ballots[i];
	if (bl->district < 0 || !bl->kind)
		return;
	const bki_district *d = &c->e->districts[bl->district];
	const char *why = district_mismatch(bl, d);
	if (!why)
		return;
	bki_buf p = {0};
	bki_buf_printf(&p, "$.ballots[%zu].district", i);
	jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "inconsistent", false,
	               "%s; the district \"%s\" does not match", why, d->id);
	bki_buf_free(&p);
}

/* An option listed twice: an error at the second, marked in dup. */
static void check_duplicate_options(def_ctx *c, size_t i, bool *dup)
{
	const bki_ballot *bl = &c->e->ballots[i];
	bki_buf p = {0};
	for (size_t k = 0; k < bl->noptions; k++) {
		if (bl->options[k] < 0)
			continue;
		for (size_t q = 0; q < k; q++) {
			if (bl->options[q] != bl->options[k])
				continue;
			dup[k] = true;
			bki_buf_truncate(&p, 0);
			bki_buf_printf(&p, "$.ballots[%zu].options[%zu]", i, k);
			jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR,
			               "duplicate-option", false,
			               "this option is already listed as option "
			               "%zu of the ballot", q + 1);
			break;
		}
	}
	bki_buf_free(&p);
}

/* The positions of a ballot (its options and against all). */
static size_t positions_of(const bki_ballot *bl)
{
	return bl->noptions + (bl->against_all ? 1 : 0);
}

/* capacity: choose a template when none is named */
static void check_capacity(def_ctx *c, size_t i)
{
	bki_ballot *bl = &c->e->ballots[i];
	size_t positions = positions_of(bl);
	bki_buf p = {0};
	bki_buf_printf(&p, "$.ballots[%zu].options", i);
	if (bl->tpl_bad) {
		/* already reported at paper.template */
	} else if ((bl->source || bl->boxes) && bl->kind && bl->noptions) {
		/* the ballot's own boxes hold its positions, one each */
		def_own_boxes(c, i, positions);
	} else if (!bl->tpl && bl->kind && bl->noptions) {
		bl->tpl = def_choose_template(c, bl, positions, bki_buf_str(&p));
	} else if (bl->tpl && positions > bl->tpl->capacity) {
		jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR,
		               "too-many-options", false,
		               "%zu positions (with against all) do not fit "
		               "the template \"%s\", which holds %zu; choose "
		               "a larger template", positions, bl->tpl->id,
		               bl->tpl->capacity);
	}
	bki_buf_free(&p);
}

/* overrides must keep every used box on the paper */
static void check_overrides(def_ctx *c, size_t i)
{
	const bki_ballot *bl = &c->e->ballots[i];
	if (!bl->has_over || !bl->tpl || bl->tpl_bad)
		return;
	size_t positions = positions_of(bl);
	size_t used = positions < bl->tpl->per_sheet ? positions
	                                             : bl->tpl->per_sheet;
	for (size_t k = 0; k < used; k++) {
		double x, y, w, h;
		bki_templates_stencil_box(bl->tpl, &bl->over, k, &x, &y, &w, &h);
		if (!(x < 0 || y < 0 || x + w > bl->tpl->paper_w ||
		      y + h > bl->tpl->paper_h))
			continue;
		bki_buf p = {0};
		bki_buf_printf(&p, "$.ballots[%zu].paper.overrides", i);
		jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "bad-value",
		               false, "with these overrides box %zu is at %.1f, "
		               "%.1f mm (%.1f × %.1f mm), off the %g × %g mm "
		               "paper", k + 1, x, y, w, h, bl->tpl->paper_w,
		               bl->tpl->paper_h);
		bki_buf_free(&p);
		break;
	}
}

/* Both candidates have a Kazakh surname and given name to sort by. */
static bool sortable(const bk_election *e, long x, long y)
{
	return x >= 0 && y >= 0 && e->candidates[x].surname.v[BK_LANG_KK] &&
	       e->candidates[y].surname.v[BK_LANG_KK] &&
	       e->candidates[x].given_name.v[BK_LANG_KK] &&
	       e->candidates[y].given_name.v[BK_LANG_KK];
}

/* Kazakh alphabetical order of single-mandate candidates */
static void check_alphabetical(def_ctx *c, size_t i)
{
	const bk_election *e = c->e;
	const bki_ballot *bl = &e->ballots[i];
	bki_buf a = {0}, b = {0}, p = {0};
	for (size_t k = 1; k < bl->noptions; k++) {
		long x = bl->options[k - 1], y = bl->options[k];
		if (!sortable(e, x, y))
			continue;
		sort_key(&e->candidates[x], &a);
		sort_key(&e->candidates[y], &b);
		if (kk_compare(c->tpl, bki_buf_str(&a), bki_buf_str(&b)) <= 0)
			continue;
		bki_buf_truncate(&p, 0);
		bki_buf_printf(&p, "$.ballots[%zu].options[%zu]", i, k);
		jdoc_report_at(c->d, bki_buf_str(&p), BK_WARNING,
		               "not-alphabetical", false,
		               "\"%s\" comes before \"%s\" in the Kazakh "
		               "alphabet; single-mandate ballots list "
		               "candidates alphabetically (check the printed "
		               "order)", bki_buf_str(&b), bki_buf_str(&a));
	}
	bki_buf_free(&a);
	bki_buf_free(&b);
	bki_buf_free(&p);
}

static void check_ballot(def_ctx *c, size_t i, option_reading *readings)
{
	const bki_ballot *bl = &c->e->ballots[i];
	bool *dup = def_got(c, bki_calloc(bl->noptions + 1, sizeof *dup));
	if (!dup)
		return;
	check_district(c, i);
	check_duplicate_options(c, i, dup);
	check_capacity(c, i);
	check_overrides(c, i);
	if (bl->kind == BK_KIND_SINGLE_MANDATE) {
		check_alphabetical(c, i);
		check_same_names(c, i, dup, readings);
	}
	free(dup);
}

static void check_ballots(def_ctx *c)
{
	option_reading *readings = def_got(c, bki_calloc(c->e->ncandidates + 1,
	                                                sizeof *readings));
	for (size_t i = 0; readings && !jdoc_nomem(c->d) &&
	                   i < c->e->nballots; i++)
		check_ballot(c, i, readings);
	free(readings);
}

/* Latin words without a pronunciation, after deriving (a derived
 * spelling is spoken too). */
static void warn_no_pronunciation(def_ctx *c)
{
	const bk_election *e = c->e;
	for (size_t i = 0; i < e->ncandidates; i++) {
		const bki_candidate *k = &e->candidates[i];
		warn_latin(c, "candidates", i, "surname", &k->surname,
		           &k->pronunciation);
		warn_latin(c, "candidates", i, "given_name", &k->given_name,
		           &k->pronunciation);
		warn_latin(c, "candidates", i, "patronymic", &k->patronymic,
		           &k->pronunciation);
		warn_latin_details(c, i, &k->details);
	}
	for (size_t i = 0; i < e->nparties; i++) {
		const bki_party *p = &e->parties[i];
		warn_latin(c, "parties", i, "name", &p->name, &p->pronunciation);
		warn_latin(c, "parties", i, "short_name", &p->short_name,
		           &p->pronunciation);
	}
}

void def_check(def_ctx *c)
{
	warn_no_pronunciation(c);
	check_party_names(c);
	check_ballots(c);
}
