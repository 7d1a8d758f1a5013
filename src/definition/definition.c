/* Loading and validating election definitions: the entry points and the
 * loader's pipeline (definition-load.h names its steps and their files).
 * See docs/ballot-format.md and docs/validation-rules.md; every check has
 * its kind and location documented there. */
#include "definition/definition-load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "diag/diag-private.h"
#include "production/production-private.h"
#include "util/cache.h"

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

struct bki_check_sink {
	jdoc *d;
};

void bki_check_report(bki_check_sink *sink, const char *path, bk_severity sev,
                     const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(sink->d, path, sev, kind, false, fmt, ap);
	va_end(ap);
}

void bki_check_report_text(bki_check_sink *sink, const bki_text_use *t,
                          bk_severity sev, const char *kind,
                          const char *fmt, ...)
{
	/* a derived spelling is reported at the value it came from */
	int at = !t->derived ? t->lang
	         : t->lang == BK_LANG_RU ? BK_LANG_KK : BK_LANG_RU;
	bki_buf path = {0};
	bki_buf_printf(&path, "$.%s[%zu].%s.%s", t->list, t->index, t->field,
	              bki_lang_codes[at]);
	va_list ap;
	va_start(ap, fmt);
	jdoc_vreport_at(sink->d, bki_buf_str(&path), sev, kind, false, fmt, ap);
	va_end(ap);
	bki_buf_free(&path);
}

typedef struct text_walk {
	const bk_election *e;
	const bki_checker *chk;
	bki_check_sink *sink;
} text_walk;

/* Hands each language of t to the checker; pron, when given in a
 * language, is spoken instead of t there. */
static void walk_text(text_walk *w, const bki_text *t, unsigned uses,
                      const bki_text *pron, const char *list, size_t i,
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
		bki_text_use use = {l, u, t->v[l], list, i, field,
		                   t->derived[l]};
		w->chk->text(w->chk->arg, &use, w->sink);
	}
}

/* Every text an output renders, with what it does with it: braille
 * lists, leaflets and the stencil title are brailled, the audio speaks
 * titles, districts and names (or their pronunciations). Election, area
 * and polling station names are printed only (docs/validation-rules.md). */
static void walk_texts(const bk_election *e, const bki_checker *chk,
                       bki_check_sink *sink)
{
	const unsigned B = BK_USE_BRAILLE, S = BK_USE_SPEECH;
	text_walk w = {e, chk, sink};
	for (size_t i = 0; i < e->ndistricts; i++)
		walk_text(&w, &e->districts[i].name, B | S, NULL,
		          "districts", i, "name");
	for (size_t i = 0; i < e->nparties; i++) {
		const bki_party *p = &e->parties[i];
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
		const bki_candidate *k = &e->candidates[i];
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

/* Reads, resolves and checks the document into e; the tree is freed
 * before the diagnostics are located, so that the tree and the model are
 * never both whole in memory (docs/performance.md). */
static void validate(jdoc *d, bk_election *e, const bk_templates *tpl,
                     const char *path, const bk_load_options *opt)
{
	nfc_tree(d->root);
	def_ctx c = {.d = d, .e = e, .tpl = tpl, .path = path, .opt = opt};
	/* each step stops at memory running out (jdoc_nomem) */
	if (def_parse(&c) && !jdoc_nomem(d)) {
		if (opt && opt->ballot && !c.ballot_pdf_used)
			jdoc_report_at(d, "$.ballots", BK_ERROR, "dangling-reference",
			               false, "there is no ballot \"%s\" to take the "
			               "ballot PDF %s", opt->ballot, opt->ballot_pdf);
		def_resolve(&c);
		if (!jdoc_nomem(d))
			def_derive_spellings(&c);
		if (!jdoc_nomem(d))
			def_check(&c);
	}
	free(c.refs);
	bki_arena_free(&c.scratch);
	for (int q = 0; q < C_COUNT; q++)
		free(c.index[q]);
	json_decref(d->root);
	d->root = NULL;
}

/* Once the election is valid: ballot digests and station ballots.
 * false when memory runs out. */
static bool finish_ballots(bk_election *e)
{
	return def_ballot_digests(e) && def_station_ballots(e);
}

/* The checker's steps, while the document is open so that its
 * diagnostics are located too. *finished: the ballots were finished for
 * the checker's look at whole ballots. Returns what its begin did. */
static bk_status run_checker(jdoc *d, bk_election *e, const bki_checker *chk,
                             bool *finished, bk_diags *diags)
{
	bki_check_sink sink = {d};
	if (chk->begin) {
		bk_status st = chk->begin(chk->arg, e, &sink, diags);
		if (st != BK_OK)
			return st; /* begin reported what is missing */
	}
	if (chk->text)
		walk_texts(e, chk, &sink);
	if (chk->election && !d->errors) {
		if (!finish_ballots(e))
			return BK_ERR_NOMEM; /* reported by jdoc_finish */
		*finished = true;
		chk->election(chk->arg, e, &sink);
	}
	return BK_OK;
}

/* Makes the election of a definition's text (taken over): parse, NFC,
 * validate, defaults, the checker; then the diagnostics, located. path:
 * the file it was read from, NULL for a buffer. */
static bk_status election_from_text(bk_election **out, char *text,
                                    size_t size, const char *name,
                                    const char *path,
                                    const bk_templates *tpl,
                                    const bki_checker *chk,
                                    const bk_load_options *opt,
                                    bk_diags *diags)
{
	jdoc d;
	bk_election *e = bki_calloc(1, sizeof *e);
	if (!e) {
		free(text);
		return bki_diags_nomem(diags, name, "$", "loading the definition");
	}
	e->tpl = tpl;
	e->stencil_title_lang = -1;
	bki_sha256(text, size, e->file_digest);
	bk_status st = BK_OK;
	bool finished = false;
	if (jdoc_parse_owned(&d, text, size, name, diags) != 0)
		goto out; /* the located syntax or UTF-8 error is in diags */
	validate(&d, e, tpl, path, opt);
	fill_defaults(e);
	if (chk && !jdoc_nomem(&d))
		st = run_checker(&d, e, chk, &finished, diags);
out:
	if (st == BK_ERR_NOMEM)
		d.nomem = true;
	jdoc_finish(&d, diags);
	if (jdoc_nomem(&d))
		st = BK_ERR_NOMEM; /* said by jdoc_finish */
	else if (st == BK_OK && d.errors)
		st = BK_ERR_INVALID; /* the errors are in diags */
	jdoc_free(&d);
	if (st == BK_OK && !finished && !finish_ballots(e))
		st = bki_diags_nomem(diags, name, "$", "loading the definition");
	if (st != BK_OK) {
		bk_election_free(e);
		return st;
	}
	*out = e;
	return BK_OK;
}

/* A caller's mistake: BK_ERR_USAGE, said in diags. */
static bk_status usage(bk_election **out, bk_diags *diags, const char *what)
{
	if (out)
		*out = NULL;
	bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
	             "loading a definition: %s", what);
	return BK_ERR_USAGE;
}

bk_status bki_election_load_checked(bk_election **out, const char *path,
                                   const char *data, size_t size,
                                   const char *name, const bk_templates *tpl,
                                   const bki_checker *chk,
                                   const bk_load_options *opt,
                                   bk_diags *diags)
{
	if (!out || !tpl || (!path && !data && size))
		return usage(out, diags, !out ? "out is NULL"
		                         : !tpl ? "the templates are NULL"
		                                : "data is NULL but size is not 0");
	*out = NULL;
	char *text;
	if (path) {
		if (bki_read_input(path, &text, &size)) {
			if (errno == ENOMEM)
				return bki_diags_nomem(diags, path, "",
				                      "reading the definition");
			bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
			             "cannot read the definition: %s", bki_read_error());
			return BK_ERR_IO;
		}
		name = path;
	} else {
		text = bki_strndup(data ? data : "", size);
		if (!text)
			return bki_diags_nomem(diags, name, "$",
			                      "loading the definition");
	}
	/* numbers in messages keep a decimal point whatever the caller's
	 * locale */
	bki_c_numeric numeric = bki_c_numeric_enter();
	bk_status st = election_from_text(out, text, size, name, path, tpl, chk,
	                                  opt, diags);
	bki_c_numeric_leave(&numeric);
	return st;
}

bk_status bk_election_load_buffer(bk_election **out, const char *data,
                                  size_t size, const char *name,
                                  const bk_templates *tpl, bk_diags *diags)
{
	if (!data && size)
		return usage(out, diags, "data is NULL but size is not 0");
	return bki_election_load_checked(out, NULL, data ? data : "", size, name,
	                                tpl, NULL, NULL, diags);
}

bk_status bk_election_load(bk_election **out, const char *path,
                           const bk_templates *tpl, bk_diags *diags)
{
	return bk_election_load_with(out, path, tpl, NULL, diags);
}

bk_status bk_election_load_with(bk_election **out, const char *path,
                                const bk_templates *tpl,
                                const bk_load_options *opt_in,
                                bk_diags *diags)
{
	if (!path)
		return usage(out, diags, "the path is NULL");
	bk_load_options opt = BK_LOAD_OPTIONS_INIT;
	if (!bki_options_take(&opt, opt_in, sizeof opt, BK_LOAD_OPTIONS_VERSION,
	                      "bk_load_options", diags)) {
		if (out)
			*out = NULL;
		return BK_ERR_USAGE;
	}
	if (!opt.ballot != !opt.ballot_pdf ||
	    (opt.ballot_pdf && !*opt.ballot_pdf))
		return usage(out, diags, "bk_load_options: ballot and ballot_pdf "
		                         "go together, and the PDF's path is not "
		                         "empty");
	return bki_election_load_checked(out, path, NULL, 0, NULL, tpl, NULL,
	                                &opt, diags);
}
