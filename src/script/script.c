/* The ballot script: one ballot in one language, as every output renders
 * it. Wording comes only from templates/print and templates/speech. */
#include "ballotkit/script.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "templates/templates-private.h"
#include "util/util.h"

typedef struct position {
	bk_position_kind kind;
	bk_position_status status;
	const char *ref, *text, *nominator, *spoken, *list, *source;
	long birth_year;         /* shown, or 0 */
	const char *details;     /* "" when none */
	unsigned sheet, box;
} position;

typedef struct segment {
	bk_segment_kind kind;
	const char *text;        /* the sentences joined by a space */
	const char **sentences;  /* each spoken as one clip */
	size_t nsentences;
	size_t position;
} segment;

struct bk_script {
	bki_arena arena;
	const char *ballot_id, *lang, *title, *braille_title, *braille_lang;
	const char *instructions, *withdrawn_label, *template_id;
	const char *district, *election_id, *election_date;
	/* the ballot's own boxes (paper.boxes or paper.source), written
	 * into the script so that a kit says where its stencil's windows
	 * stand; NULL for a template's. Borrowed from the election. */
	const bki_ballot *own;
	position *positions;
	size_t npositions;
	segment *segments;
	size_t nsegments, capsegments;
	bool nomem; /* memory ran out while making it */
};

/* A string of the script's arena: r, or "" when r is NULL (memory ran
 * out, and the script is marked so: bk_script_create then fails). */
static const char *kept(bk_script *s, const char *r)
{
	if (r)
		return r;
	s->nomem = true;
	return "";
}

typedef bki_wording_var var;

/* Expands {name} and {count:word} placeholders (the one expander of
 * templates/, with doubled and outer blanks left by empty values
 * removed). */
static const char *expand(bk_script *s, const bk_templates *tpl, int lang,
                          const char *text, const var *vars, size_t nvars,
                          unsigned long count)
{
	const bki_wording_fill f = {.vars = vars, .nvars = nvars, .tpl = tpl,
	                           .lang = lang, .count = count,
	                           .tidy_spaces = true};
	bki_buf out = {0};
	bki_wording_expand(&out, text, &f);
	const char *r = bki_buf_failed(&out)
	                ? NULL : bki_arena_strdup(&s->arena, bki_buf_str(&out));
	bki_buf_free(&out);
	return kept(s, r);
}

/* Sentence ends written in a wording template: '.', '!' or '?' followed
 * by a blank, outside placeholders. Returns the length of the sentence
 * that starts at text (the blank excluded), or strlen(text). */
static size_t sentence_len(const char *text)
{
	bool in_placeholder = false;
	for (size_t i = 0; text[i]; i++) {
		if (text[i] == '{')
			in_placeholder = true;
		else if (text[i] == '}')
			in_placeholder = false;
		else if (!in_placeholder && strchr(".!?", text[i]) &&
		         text[i + 1] == ' ')
			return i + 1;
	}
	return strlen(text);
}

/* Whether a sentence says anything: a letter or a digit. A sentence of a
 * template whose placeholders are all empty ("{details}." without
 * details) is left out. */
static bool says_something(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);
		if (l <= 0)
			return true; /* not ours to judge */
		utf8proc_category_t c = utf8proc_category(cp);
		if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO)
			return true;
		i += (size_t)l;
	}
	return false;
}

/* Adds a segment from a wording template: each sentence of the template is
 * expanded on its own (a name with a full stop inside stays one sentence),
 * those left without a letter or digit are dropped, and the segment's text
 * is the sentences joined. */
static const char *add_segment(bk_script *s, const bk_templates *tpl,
                               int lang, bk_segment_kind kind,
                               const char *wording, const var *vars,
                               size_t nvars, unsigned long count, size_t pos)
{
	void *v = s->segments;
	bool room = bki_array_room(&v, &s->capsegments, s->nsegments,
	                           sizeof *s->segments);
	s->segments = v;
	if (!room)
		return kept(s, NULL);
	const char *p = wording ? wording : "";
	size_t cap = 1;
	for (const char *q = p; *q; q++)
		cap += *q == ' ';
	const char **sentences = bki_arena_alloc(&s->arena,
	                                        cap * sizeof *sentences);
	if (!sentences)
		return kept(s, NULL);
	segment *g = &s->segments[s->nsegments++];
	g->kind = kind;
	g->position = pos;
	g->nsentences = 0;
	g->sentences = sentences;
	bki_buf joined = {0};
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = sentence_len(p);
		char *piece = bki_strndup(p, n);
		const char *e = kept(s, piece ? expand(s, tpl, lang, piece, vars,
		                                       nvars, count)
		                              : NULL);
		free(piece);
		if (says_something(e)) {
			g->sentences[g->nsentences++] = e;
			if (joined.len)
				bki_buf_addc(&joined, ' ');
			bki_buf_add(&joined, e);
		}
		p += n;
	}
	g->text = kept(s, bki_buf_failed(&joined)
	                  ? NULL : bki_arena_strdup(&s->arena,
	                                           bki_buf_str(&joined)));
	bki_buf_free(&joined);
	return g->text;
}

static const char *full_name(bk_script *s, const bki_candidate *k, int lang)
{
	bki_buf b = {0};
	bki_buf_add(&b, k->surname.v[lang]);
	bki_buf_addc(&b, ' ');
	bki_buf_add(&b, k->given_name.v[lang]);
	if (k->patronymic.v[lang]) {
		bki_buf_addc(&b, ' ');
		bki_buf_add(&b, k->patronymic.v[lang]);
	}
	const char *r = bki_buf_failed(&b)
	                ? NULL : bki_arena_strdup(&s->arena, bki_buf_str(&b));
	bki_buf_free(&b);
	return kept(s, r);
}

static const char *type_key(const bki_ballot *b)
{
	if (b->body == BK_BODY_MAZHILIS)
		return b->kind == BK_KIND_PARTY_LIST ? "mazhilis-party-list"
		                                     : "mazhilis-single-mandate";
	return b->kind == BK_KIND_PARTY_LIST ? "maslikhat-party-list"
	                                     : "maslikhat-single-mandate";
}

/* Title, district and short title of a ballot in one language. */
static void ballot_texts(bk_script *s, const bk_election *e,
                         const bki_ballot *b, int lang, const char **title,
                         const char **district, const char **short_title,
                         const char **number)
{
	const bk_templates *tpl = e->tpl;
	const bki_district *d = &e->districts[b->district];
	char num[32] = "";
	if (d->number)
		snprintf(num, sizeof num, "%ld", d->number);
	*number = kept(s, bki_arena_strdup(&s->arena, num));
	var v[] = {{"district_name", d->name.v[lang]},
	           {"district_number", num}};
	*district = expand(s, tpl, lang,
	                   bki_wording_get(tpl, lang, "print",
	                                  d->number ? "district_numbered"
	                                            : "district"),
	                   v, 2, 0);
	*title = b->name.v[lang]
	                 ? b->name.v[lang]
	                 : bki_wording_get2(tpl, lang, "print", "titles",
	                                   type_key(b));
	*short_title = b->short_name.v[lang]
	                       ? b->short_name.v[lang]
	                       : bki_wording_get2(tpl, lang, "print",
	                                         "short_titles", type_key(b));
}

/* What every step of making a script reads: the ballot, its language and
 * the number of positions, which plural wordings count. */
typedef struct maker {
	bk_script *s;
	const bk_election *e;
	const bki_ballot *b;
	const bk_templates *tpl;
	int lang;
	unsigned long count;
	char countstr[32];
} maker;

static const char *print_wording(const maker *m, const char *key)
{
	return bki_wording_get(m->tpl, m->lang, "print", key);
}

static const char *speech_wording(const maker *m, const char *key)
{
	return bki_wording_get(m->tpl, m->lang, "speech", key);
}

/* The ballot's braille title, for the stencil: the stencil is one object
 * for all languages, so its title is in the election's stencil title
 * language (docs/ballot-script.md). */
static void braille_title(maker *m)
{
	bk_script *s = m->s;
	const bk_election *e = m->e;
	const bki_ballot *b = m->b;
	int bl = e->stencil_title_lang;
	const char *t2, *d2, *st2, *n2;
	ballot_texts(s, e, b, bl, &t2, &d2, &st2, &n2);
	var bv[] = {{"short_title", st2}, {"district_number", n2},
	            {"district_name", e->districts[b->district].name.v[bl]}};
	const char *bt = NULL;
	if (!e->districts[b->district].number)
		bt = bki_wording_get(m->tpl, bl, "print", "braille_title_unnumbered");
	if (!bt)
		bt = bki_wording_get(m->tpl, bl, "print", "braille_title");
	s->braille_title = expand(s, m->tpl, bl, bt, bv, 3, 0);
	s->braille_lang = bki_lang_codes[bl];
}

/* The printed texts of the whole ballot: title, district, braille title,
 * instructions and the label of a withdrawn candidate. */
static void ballot_header(maker *m)
{
	bk_script *s = m->s;
	const char *short_title, *number;
	ballot_texts(s, m->e, m->b, m->lang, &s->title, &s->district,
	             &short_title, &number);
	s->election_id = m->e->id;
	s->election_date = m->e->date;
	braille_title(m);
	s->instructions = print_wording(m, "instructions");
	s->withdrawn_label = print_wording(m, "withdrawn");
}

/* A segment of the whole ballot (title, intro, closing, repeat): its
 * wording may name the title, the district and the count. */
static void ballot_segment(maker *m, bk_segment_kind kind, const char *key)
{
	var tv[] = {{"title", m->s->title}, {"district", m->s->district},
	            {"count", m->countstr}};
	add_segment(m->s, m->tpl, m->lang, kind, speech_wording(m, key), tv, 3,
	            m->count, (size_t)-1);
}

/* The spoken opening: title, introduction and how to use the stencil. */
static void opening_segments(maker *m)
{
	ballot_segment(m, BK_SEGMENT_TITLE, "title");
	ballot_segment(m, BK_SEGMENT_INTRO,
	               m->b->against_all ? "intro" : "intro_without_against_all");
	const char *corner = bki_wording_get2(m->tpl, m->lang, "speech", "corners",
	                                     m->b->tpl->corner);
	var iv[] = {{"corner", corner}, {"count", m->countstr}};
	add_segment(m->s, m->tpl, m->lang, BK_SEGMENT_INSTRUCTIONS,
	            speech_wording(m, "instructions"), iv, 2, m->count,
	            (size_t)-1);
}

/* The "against all" line at position i. */
static void against_all(maker *m, position *p, size_t i, const char *num)
{
	p->kind = BK_POSITION_AGAINST_ALL;
	p->ref = "";
	p->text = print_wording(m, "against_all");
	var av[] = {{"number", num}};
	p->spoken = add_segment(m->s, m->tpl, m->lang, BK_SEGMENT_POSITION,
	                        speech_wording(m, "against_all"), av, 1,
	                        m->count, i);
}

/* A party of a party-list ballot at position i. */
static void party(maker *m, position *p, size_t i, const char *num)
{
	const bki_party *pt = &m->e->parties[m->b->options[i]];
	int lang = m->lang;
	p->kind = BK_POSITION_PARTY;
	p->ref = pt->id;
	p->text = pt->name.v[lang];
	const char *say = pt->pronunciation.v[lang] ? pt->pronunciation.v[lang]
	                                            : pt->name.v[lang];
	var pv[] = {{"number", num}, {"name", say}};
	p->spoken = add_segment(m->s, m->tpl, lang, BK_SEGMENT_POSITION,
	                        speech_wording(m, "party"), pv, 2, m->count, i);
}

/* Who nominated a candidate, printed (the party's short name where it has
 * one) and spoken (the full name, docs/decisions.md, "A party's
 * pronunciation", never an abbreviation). */
static void nominator(maker *m, const bki_candidate *k, const char **print,
                      const char **spoken)
{
	int lang = m->lang;
	if (k->party < 0) {
		*print = print_wording(m, "self_nominated");
		*spoken = speech_wording(m, "self_nominated");
		return;
	}
	const bki_party *pt = &m->e->parties[k->party];
	const char *pname = pt->short_name.v[lang] ? pt->short_name.v[lang]
	                                           : pt->name.v[lang];
	const char *psay = pt->pronunciation.v[lang] ? pt->pronunciation.v[lang]
	                                             : pt->name.v[lang];
	var nv[] = {{"party", pname}};
	*print = expand(m->s, m->tpl, lang, print_wording(m, "nominated_by"), nv,
	                1, m->count);
	var sv[] = {{"party", psay}};
	*spoken = expand(m->s, m->tpl, lang, speech_wording(m, "nominated_by"),
	                 sv, 1, m->count);
}

/* The birth year where another option reads the same (the definition
 * decides) and the details where given, after the name, printed and
 * spoken. Returns the name as the list line shows it; *year_said is the
 * spoken birth year ("" when not shown). */
static const char *name_and_details(maker *m, position *p,
                                    const bki_candidate *k, size_t i,
                                    const char **year_said)
{
	bk_script *s = m->s;
	const char *list_name = p->text;
	*year_said = "";
	if (m->b->show_birth_year && m->b->show_birth_year[i]) {
		char year[32];
		p->birth_year = k->birth_year;
		snprintf(year, sizeof year, "%ld", k->birth_year);
		var yv[] = {{"year", year}};
		*year_said = expand(s, m->tpl, m->lang,
		                    speech_wording(m, "birth_year"), yv, 1, m->count);
		var nv[] = {{"name", list_name},
		            {"birth_year",
		             expand(s, m->tpl, m->lang, print_wording(m, "birth_year"),
		                    yv, 1, m->count)}};
		list_name = expand(s, m->tpl, m->lang,
		                   print_wording(m, "name_with_birth_year"), nv, 2,
		                   m->count);
	}
	if (k->details.v[m->lang]) {
		p->details = k->details.v[m->lang];
		var dv[] = {{"name", list_name}, {"details", p->details}};
		list_name = expand(s, m->tpl, m->lang,
		                   print_wording(m, "name_with_details"), dv, 2,
		                   m->count);
	}
	return list_name;
}

/* A candidate at position i. Returns the name as the list line shows it. */
static const char *candidate(maker *m, position *p, size_t i, const char *num)
{
	const bki_candidate *k = &m->e->candidates[m->b->options[i]];
	int lang = m->lang;
	p->kind = BK_POSITION_CANDIDATE;
	p->ref = k->id;
	p->text = full_name(m->s, k, lang);
	p->status = k->withdrawn ? BK_STATUS_WITHDRAWN : BK_STATUS_STANDING;
	const char *say = k->pronunciation.v[lang] ? k->pronunciation.v[lang]
	                                           : p->text;
	const char *nom_spoken;
	nominator(m, k, &p->nominator, &nom_spoken);
	const char *year_said;
	const char *list_name = name_and_details(m, p, k, i, &year_said);
	var cv[] = {{"number", num}, {"name", say}, {"birth_year", year_said},
	            {"details", p->details}, {"nominator", nom_spoken}};
	p->spoken = add_segment(m->s, m->tpl, lang, BK_SEGMENT_POSITION,
	                        speech_wording(m, k->withdrawn ? "withdrawn"
	                                                       : "candidate"),
	                        cv, 5, m->count, i);
	return list_name;
}

/* The line of position i in the braille and large-print lists. */
static void list_line(maker *m, position *p, const char *num,
                      const char *list_name)
{
	const char *lkey = p->kind == BK_POSITION_AGAINST_ALL ? "list_against_all"
	                   : p->kind == BK_POSITION_PARTY ? "list_party"
	                   : p->status == BK_STATUS_WITHDRAWN ? "list_withdrawn"
	                   : "list_candidate";
	var lv[] = {{"number", num},
	            {"name", list_name ? list_name : p->text},
	            {"nominator", p->nominator},
	            {"withdrawn", m->s->withdrawn_label}};
	p->list = expand(m->s, m->tpl, m->lang, print_wording(m, lkey), lv, 4,
	                 m->count);
}

/* Position i: where it sits on the stencil, what it prints and says, and
 * its line in the lists. */
static void add_position(maker *m, size_t i)
{
	const bki_ballot *b = m->b;
	position *p = &m->s->positions[i];
	char num[32];
	snprintf(num, sizeof num, "%zu", i + 1);
	p->sheet = (unsigned)(i / b->tpl->per_sheet);
	p->box = (unsigned)(i % b->tpl->per_sheet);
	p->nominator = "";
	p->details = "";
	char src[64];
	snprintf(src, sizeof src, "$.%s[%ld]",
	         b->kind == BK_KIND_PARTY_LIST ? "parties" : "candidates",
	         i < b->noptions ? b->options[i] : 0L);
	p->source = i < b->noptions ? kept(m->s, bki_arena_strdup(&m->s->arena,
	                                                         src))
	                            : "";
	const char *list_name = NULL; /* the name in the list line */
	if (i == b->noptions)
		against_all(m, p, i, num);
	else if (b->kind == BK_KIND_PARTY_LIST)
		party(m, p, i, num);
	else
		list_name = candidate(m, p, i, num);
	list_line(m, p, num, list_name);
}

bk_status bk_script_create(bk_script **out, const bk_election *e,
                           const char *ballot_id, const char *lang_code,
                           const bk_templates *tpl, bk_diags *diags)
{
	if (!out || !e || !ballot_id || !lang_code || !tpl)
		return BK_ERR_USAGE;
	*out = NULL;
	size_t bi = bk_election_ballot_find(e, ballot_id);
	if (bi == (size_t)-1) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "the election has no ballot \"%s\"", ballot_id);
		return BK_ERR_NOTFOUND;
	}
	int lang = bki_lang_index(lang_code);
	if (lang < 0 || !bki_election_has_lang(e, lang)) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "the election is not held in the language \"%s\"",
		             lang_code);
		return BK_ERR_NOTFOUND;
	}
	const bki_ballot *b = &e->ballots[bi];
	bk_script *s = bki_calloc(1, sizeof *s);
	if (!s)
		return bki_diags_nomem(diags, "", "", "making the script");
	s->ballot_id = b->id;
	s->lang = bki_lang_codes[lang];
	s->template_id = b->tpl->id;
	s->own = b->tpl->box_wv ? b : NULL;
	s->npositions = b->noptions + (b->against_all ? 1 : 0);
	s->positions = bki_calloc(s->npositions, sizeof *s->positions);
	if (!s->positions) {
		bk_script_free(s);
		return bki_diags_nomem(diags, "", "", "making the script");
	}

	maker m = {s, e, b, tpl, lang, (unsigned long)s->npositions, ""};
	snprintf(m.countstr, sizeof m.countstr, "%lu", m.count);
	ballot_header(&m);
	opening_segments(&m);
	for (size_t i = 0; i < s->npositions; i++)
		add_position(&m, i);
	ballot_segment(&m, BK_SEGMENT_CLOSING, "closing");
	ballot_segment(&m, BK_SEGMENT_REPEAT, "repeat");
	if (s->nomem) {
		bk_script_free(s);
		return bki_diags_nomem(diags, "", "", "making the script");
	}
	*out = s;
	return BK_OK;
}

void bk_script_free(bk_script *s)
{
	if (!s)
		return;
	free(s->positions);
	free(s->segments);
	bki_arena_free(&s->arena);
	free(s);
}

const char *bk_script_ballot_id(const bk_script *s) { return s->ballot_id; }
const char *bk_script_language(const bk_script *s) { return s->lang; }
const char *bk_script_title(const bk_script *s) { return s->title; }
const char *bk_script_district(const bk_script *s) { return s->district; }
const char *bk_script_election_id(const bk_script *s) { return s->election_id; }
const char *bk_script_election_date(const bk_script *s) { return s->election_date; }
const char *bk_script_braille_title(const bk_script *s) { return s->braille_title; }
const char *bk_script_braille_title_language(const bk_script *s) { return s->braille_lang; }
const char *bk_script_instructions(const bk_script *s) { return s->instructions; }
const char *bk_script_withdrawn_label(const bk_script *s) { return s->withdrawn_label; }
const char *bk_script_template(const bk_script *s) { return s->template_id; }
size_t bk_script_position_count(const bk_script *s) { return s->npositions; }

/* Out of range: NULL strings, kind and status 0, sheet and box 0. */
static const position *pos_at(const bk_script *s, size_t i)
{
	return i < s->npositions ? &s->positions[i] : NULL;
}
#define POS(s, i) pos_at((s), (i))
unsigned bk_script_position_number(const bk_script *s, size_t i)
{
	return i < s->npositions ? (unsigned)(i + 1) : 0;
}
bk_position_kind bk_script_position_kind(const bk_script *s, size_t i)
{
	return POS(s, i) ? POS(s, i)->kind : BK_POSITION_PARTY;
}
bk_position_status bk_script_position_status(const bk_script *s, size_t i)
{
	return POS(s, i) ? POS(s, i)->status : BK_STATUS_STANDING;
}
#define POS_STR(name, field)                                                  \
	const char *name(const bk_script *s, size_t i)                        \
	{                                                                     \
		return POS(s, i) ? POS(s, i)->field : NULL;                   \
	}
POS_STR(bk_script_position_ref, ref)
POS_STR(bk_script_position_text, text)
POS_STR(bk_script_position_nominator, nominator)
POS_STR(bk_script_position_spoken, spoken)
POS_STR(bk_script_position_list_text, list)
POS_STR(bk_script_position_source, source)
unsigned bk_script_position_sheet(const bk_script *s, size_t i)
{
	return POS(s, i) ? POS(s, i)->sheet : 0;
}
unsigned bk_script_position_box(const bk_script *s, size_t i)
{
	return POS(s, i) ? POS(s, i)->box : 0;
}

size_t bk_script_segment_count(const bk_script *s) { return s->nsegments; }
bk_segment_kind bk_script_segment_kind(const bk_script *s, size_t i)
{
	return i < s->nsegments ? s->segments[i].kind : BK_SEGMENT_TITLE;
}
const char *bk_script_segment_text(const bk_script *s, size_t i)
{
	return i < s->nsegments ? s->segments[i].text : NULL;
}
size_t bk_script_segment_position(const bk_script *s, size_t i)
{
	return i < s->nsegments ? s->segments[i].position : (size_t)-1;
}
size_t bk_script_segment_sentence_count(const bk_script *s, size_t i)
{
	return i < s->nsegments ? s->segments[i].nsentences : 0;
}
const char *bk_script_segment_sentence(const bk_script *s, size_t i, size_t j)
{
	return i < s->nsegments && j < s->segments[i].nsentences
	               ? s->segments[i].sentences[j]
	               : NULL;
}

static const char *const kind_names[] = {"party", "candidate", "against-all"};

static void json_position(bki_buf *b, const position *p, size_t i)
{
	bki_buf_printf(b, "%s\n  {\"number\": %zu, \"kind\": \"%s\", \"ref\": ",
	              i ? "," : "", i + 1, kind_names[p->kind]);
	bki_buf_add_json_string(b, p->ref);
	bki_buf_printf(b, ", \"status\": \"%s\", \"sheet\": %u, \"box\": %u, "
	              "\"text\": ",
	              p->status == BK_STATUS_WITHDRAWN ? "withdrawn" : "standing",
	              p->sheet + 1, p->box + 1);
	bki_buf_add_json_string(b, p->text);
	bki_buf_add(b, ", \"nominator\": ");
	bki_buf_add_json_string(b, p->nominator);
	if (p->birth_year)
		bki_buf_printf(b, ", \"birth_year\": %ld", p->birth_year);
	else
		bki_buf_add(b, ", \"birth_year\": null");
	bki_buf_add(b, ", \"details\": ");
	bki_buf_add_json_string(b, p->details);
	bki_buf_add(b, ", \"list\": ");
	bki_buf_add_json_string(b, p->list);
	bki_buf_add(b, ", \"spoken\": ");
	bki_buf_add_json_string(b, p->spoken);
	bki_buf_add(b, "}");
}

static void json_segment(bki_buf *b, const segment *g, size_t i)
{
	bki_buf_printf(b, "%s\n  {\"kind\": \"%s\", ", i ? "," : "",
	              bki_segment_kind_name(g->kind));
	if (g->kind == BK_SEGMENT_POSITION)
		bki_buf_printf(b, "\"number\": %zu, ", g->position + 1);
	bki_buf_add(b, "\"text\": ");
	bki_buf_add_json_string(b, g->text);
	bki_buf_add(b, ", \"sentences\": [");
	for (size_t j = 0; j < g->nsentences; j++) {
		if (j)
			bki_buf_add(b, ", ");
		bki_buf_add_json_string(b, g->sentences[j]);
	}
	bki_buf_add(b, "]}");
}

/* The file name of a path: the script names the ballot PDF without the
 * folder it was read from, so that the same PDF gives the same bytes
 * wherever the definition stands. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "paper": the ballot's own boxes in mm, the sheet's size, and the PDF
 * they were found in (docs/ballot-script.md). */
static void json_paper(bki_buf *b, const bki_ballot *own)
{
	bki_c_numeric num = bki_c_numeric_enter();
	bki_buf_printf(b, ",\n \"paper\": {\"width\": %.3f, \"height\": %.3f, "
	               "\"boxes\": [", own->paper_w, own->paper_h);
	for (size_t k = 0; k < own->nboxes; k++)
		bki_buf_printf(b, "%s[%.3f, %.3f, %.3f, %.3f]", k ? ", " : "",
		               own->boxes[k].x, own->boxes[k].y, own->boxes[k].w,
		               own->boxes[k].h);
	bki_buf_add(b, "]");
	if (own->source && own->source_sha256) {
		bki_buf_add(b, ", \"ballot_pdf\": {\"file\": ");
		bki_buf_add_json_string(b, base_name(own->source));
		bki_buf_printf(b, ", \"page\": %u, \"sha256\": \"%s\"}",
		               own->source_page ? own->source_page : 1,
		               own->source_sha256);
	}
	bki_buf_add(b, "}");
	bki_c_numeric_leave(&num);
}

static void write_json(bki_buf *b, const bk_script *s)
{
	/* the head: each text after the key and punctuation before it */
	const struct {
		const char *before;
		const char *text;
	} head[] = {
		{"{\"ballot\": ", s->ballot_id},
		{", \"language\": ", s->lang},
		{", \"template\": ", s->template_id},
		{",\n \"title\": ", s->title},
		{",\n \"district\": ", s->district},
		{",\n \"braille_title\": ", s->braille_title},
		{", \"braille_title_language\": ", s->braille_lang},
	};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
		bki_buf_add(b, head[i].before);
		bki_buf_add_json_string(b, head[i].text);
	}
	if (s->own)
		json_paper(b, s->own);
	bki_buf_add(b, ",\n \"positions\": [");
	for (size_t i = 0; i < s->npositions; i++)
		json_position(b, &s->positions[i], i);
	bki_buf_add(b, "],\n \"segments\": [");
	for (size_t i = 0; i < s->nsegments; i++)
		json_segment(b, &s->segments[i], i);
	bki_buf_add(b, "]}\n");
}

static void write_text(bki_buf *b, const bk_script *s)
{
	bki_buf_printf(b, "ballot %s (%s), template %s\n", s->ballot_id, s->lang,
	              s->template_id);
	bki_buf_printf(b, "title: %s\n", s->title);
	bki_buf_printf(b, "district: %s\n", s->district);
	bki_buf_printf(b, "braille title (%s): %s\n", s->braille_lang,
	              s->braille_title);
	if (s->own) {
		bki_c_numeric num = bki_c_numeric_enter();
		bki_buf_printf(b, "paper: %.1f × %.1f mm, the ballot's own boxes",
		               s->own->paper_w, s->own->paper_h);
		if (s->own->source)
			bki_buf_printf(b, " from %s page %u",
			               base_name(s->own->source),
			               s->own->source_page ? s->own->source_page : 1);
		bki_buf_add(b, "\n");
		bki_c_numeric_leave(&num);
	}
	bki_buf_add(b, "positions:\n");
	for (size_t i = 0; i < s->npositions; i++) {
		const position *p = &s->positions[i];
		bki_buf_printf(b, "  %2zu. %s", i + 1, p->text);
		if (p->birth_year)
			bki_buf_printf(b, ", %ld", p->birth_year);
		if (*p->details)
			bki_buf_printf(b, ", %s", p->details);
		if (*p->nominator)
			bki_buf_printf(b, " — %s", p->nominator);
		if (p->status == BK_STATUS_WITHDRAWN)
			bki_buf_printf(b, " [%s]", s->withdrawn_label);
		bki_buf_printf(b, "   (sheet %u, box %u", p->sheet + 1, p->box + 1);
		if (s->own && p->box < s->own->nboxes) {
			bki_c_numeric num = bki_c_numeric_enter();
			const bk_box *x = &s->own->boxes[p->box];
			bki_buf_printf(b, " at %.1f, %.1f mm", x->x, x->y);
			bki_c_numeric_leave(&num);
		}
		bki_buf_add(b, ")\n");
	}
	bki_buf_add(b, "spoken:\n");
	for (size_t i = 0; i < s->nsegments; i++)
		bki_buf_printf(b, "  [%s] %s\n", bki_segment_kind_name(s->segments[i].kind),
		              s->segments[i].text);
}

/* The script in format ("json" or "text") into *b; false for another. */
static bool script_bytes(const bk_script *s, const char *format, bki_buf *b)
{
	if (!format || (strcmp(format, "json") && strcmp(format, "text")))
		return false;
	if (!strcmp(format, "json"))
		write_json(b, s);
	else
		write_text(b, s);
	return true;
}

bk_status bk_script_write(const bk_script *s, const char *format, FILE *out)
{
	bki_buf b = {0};
	if (!s || !out || !script_bytes(s, format, &b))
		return BK_ERR_USAGE;
	if (bki_buf_failed(&b)) {
		bki_buf_free(&b);
		return BK_ERR_NOMEM;
	}
	size_t len = b.len;
	size_t w = fwrite(b.data, 1, len, out);
	bki_buf_free(&b);
	return w == len ? BK_OK : BK_ERR_IO;
}

bk_status bk_script_write_to(const bk_script *s, const char *format,
                             bk_write_fn write, void *arg, bk_diags *diags)
{
	bki_buf b = {0};
	if (!s || !write || !script_bytes(s, format, &b))
		return BK_ERR_USAGE;
	if (bki_buf_failed(&b)) {
		bki_buf_free(&b);
		return bki_diags_nomem(diags, "", "", "writing the script");
	}
	bki_sink out = {write, arg, BK_OK};
	bool ok = bki_sink_write(&out, b.data, b.len);
	bki_buf_free(&b);
	return ok ? BK_OK : bki_sink_failed(&out, "", "the script", BK_ERR_IO,
	                                   diags);
}
