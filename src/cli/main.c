/* The ballotkit command. It parses arguments and calls the public library
 * API; nothing else lives here. Exit codes follow sysexits.h: 0 success,
 * 64 usage, 65 invalid data, 66 unreadable input, 70 internal error,
 * 78 broken templates (configuration). */
#include "cli.h"

#include <jansson.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Appends s as it is shown on a terminal (cli.h, shown). */
static void add_shown(shown_buf *b, const char *s, bool keep_newlines)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2
		           : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		bool ok = len && i + len <= n;
		uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
		for (size_t k = 1; ok && k < len; k++) {
			unsigned char d = (unsigned char)s[i + k];
			ok = (d & 0xC0) == 0x80;
			cp = (cp << 6) | (d & 0x3F);
		}
		/* overlong forms, surrogates and what is past U+10FFFF are not
		 * UTF-8 either */
		if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		           (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		           (cp >= 0xD800 && cp <= 0xDFFF)))
			ok = false;
		char tmp[12];
		size_t t = 0;
		if (!ok) {
			/* a byte that is not UTF-8 */
			tmp[t++] = '\\';
			tmp[t++] = 'x';
			tmp[t++] = hex[c >> 4];
			tmp[t++] = hex[c & 15];
			len = 1;
		} else if (cp == '\n' && keep_newlines) {
			tmp[t++] = '\n';
		} else if (cp < 0x20 || cp == 0x7F) {
			/* C0 controls and DEL, ESC among them */
			tmp[t++] = '\\';
			tmp[t++] = 'x';
			tmp[t++] = hex[cp >> 4];
			tmp[t++] = hex[cp & 15];
		} else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		           (cp >= 0x2066 && cp <= 0x2069)) {
			/* C1 controls (U+009B is a CSI of its own) and the
			 * bidirectional embeddings, overrides and isolates, which
			 * reorder what follows them on the line */
			tmp[t++] = '\\';
			tmp[t++] = 'u';
			for (int sh = 12; sh >= 0; sh -= 4)
				tmp[t++] = hex[(cp >> sh) & 15];
		} else {
			memcpy(tmp, s + i, len);
			t = len;
		}
		if (b->len + t + 1 > b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 64;
			while (cap < b->len + t + 1)
				cap *= 2;
			char *d = realloc(b->data, cap);
			if (!d)
				return; /* shown cut short rather than not at all */
			b->data = d;
			b->cap = cap;
		}
		memcpy(b->data + b->len, tmp, t);
		b->len += t;
		b->data[b->len] = '\0';
		i += len;
	}
}

/* A ring of buffers, so that one printf can show several names. They are
 * kept until the program ends. */
static const char *shown_ring(const char *s, bool keep_newlines)
{
	static shown_buf ring[8];
	static unsigned next;
	shown_buf *b = &ring[next++ % 8];
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	add_shown(b, s ? s : "", keep_newlines);
	return b->data ? b->data : "";
}

const char *cli_shown(const char *s)
{
	return shown_ring(s, false);
}

const char *cli_shown_lines(const char *s)
{
	return shown_ring(s, true);
}

int cli_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "ballotkit: %s %s\n%s", what, cli_shown(arg),
	        _("Try 'ballotkit --help'.\n"));
	return EXIT_USAGE;
}

/* --max-diagnostics: how many diagnostics a command shows (0: all). */
static size_t diag_limit = 200;

/* How many diagnostics of at least severity min, by severity (note,
 * warning, error), are not among the first diag_limit shown: those the
 * list only counted, and those it kept past the limit. */
static size_t not_shown(const bk_diags *diags, bk_severity min, size_t left[3])
{
	static const bk_severity sev[3] = {BK_NOTE, BK_WARNING, BK_ERROR};
	size_t printed = 0, total = 0;
	left[0] = left[1] = left[2] = 0;
	for (size_t i = 0; i < bk_diags_count(diags); i++) {
		bk_severity v = bk_diag_severity(bk_diags_get(diags, i));
		if (v < min)
			continue;
		if (diag_limit && printed >= diag_limit)
			left[v == BK_NOTE ? 0 : v == BK_WARNING ? 1 : 2]++;
		else
			printed++;
	}
	for (int k = 0; k < 3; k++) {
		if (sev[k] >= min)
			left[k] += bk_diags_omitted(diags, sev[k]);
		else
			left[k] = 0;
		total += left[k];
	}
	return total;
}

/* Prints diagnostics of at least severity min: the first diag_limit of
 * them, then how many more there are. */
static void print_diags_min(const bk_diags *diags, FILE *out, bk_severity min)
{
	size_t printed = 0;
	for (size_t i = 0; i < bk_diags_count(diags); i++) {
		const bk_diag *d = bk_diags_get(diags, i);
		if (bk_diag_severity(d) < min)
			continue;
		if (diag_limit && printed == diag_limit)
			break;
		printed++;
		size_t n = bk_diag_format(d, NULL, 0);
		char *line = malloc(n + 1);
		if (line) {
			bk_diag_format(d, line, n + 1);
			fprintf(out, "%s\n", cli_shown(line));
			free(line);
		}
	}
	size_t left[3];
	size_t more = not_shown(diags, min, left);
	if (more) {
		fprintf(out, _("ballotkit: … and %zu more not shown: %zu errors, "
		               "%zu warnings"), more, left[2], left[1]);
		if (min <= BK_NOTE)
			fprintf(out, _(", %zu notes"), left[0]);
		fprintf(out, _(" (--max-diagnostics 0 shows them all)\n"));
	}
}

/* Commands other than validate leave notes (derived spellings) out. */
void cli_print_diags(const bk_diags *diags, FILE *out)
{
	print_diags_min(diags, out, BK_WARNING);
}

void cli_print_diags_notes(const bk_diags *diags, FILE *out)
{
	print_diags_min(diags, out, BK_NOTE);
}

/* A JSON string from bytes that may not be UTF-8 (a file name, a system
 * message): invalid bytes become U+FFFD. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *o = out;
	if (!out)
		return json_string("");
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2
		           : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		bool ok = len && i + len <= n;
		for (size_t k = 1; ok && k < len; k++)
			ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
		if (ok && len > 1) {
			char tmp[5] = {0};
			memcpy(tmp, s + i, len);
			json_t *t = json_string(tmp); /* overlong and surrogates */
			ok = t != NULL;
			json_decref(t);
		}
		if (ok) {
			memcpy(o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	*o = '\0';
	j = json_string(out);
	free(out);
	return j ? j : json_string("");
}

/* The first diag_limit diagnostics as a JSON array. */
static json_t *diags_json(const bk_diags *diags)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < bk_diags_count(diags); i++) {
		if (diag_limit && i == diag_limit)
			break;
		const bk_diag *d = bk_diags_get(diags, i);
		json_array_append_new(arr, json_pack(
			"{s:s, s:o, s:o, s:o, s:I, s:I, s:o}",
			"severity", bk_severity_string(bk_diag_severity(d)),
			"kind", jstr(bk_diag_kind(d)),
			"message", jstr(bk_diag_message(d)),
			"file", jstr(bk_diag_file(d)),
			"line", (json_int_t)bk_diag_line(d),
			"column", (json_int_t)bk_diag_column(d),
			"path", jstr(bk_diag_path(d))));
	}
	return arr;
}

int cli_open_templates(const options *o, bk_templates **tpl)
{
	bk_diags *diags = bk_diags_create();
	bk_diags_set_limit(diags, diag_limit);
	bk_status st = bk_templates_open(tpl, o->templates, diags);
	if (st != BK_OK) {
		cli_print_diags(diags, stderr);
		fprintf(stderr, _("ballotkit: the templates in %s cannot be "
		                  "used (%s); set --templates or "
		                  "BALLOTKIT_TEMPLATES to a complete templates "
		                  "folder\n"),
		        cli_shown(o->templates ? o->templates : bk_templates_default_dir()),
		        bk_status_string(st));
	}
	bk_diags_free(diags);
	return st == BK_OK || st == BK_ERR_NOMEM ? cli_exit_for(st) : EXIT_CONFIG;
}

int cli_ctx_open(cli_ctx *r, const options *o)
{
	*r = (cli_ctx){0};
	int rc = cli_open_templates(o, &r->tpl);
	if (!rc)
		r->diags = bk_diags_create();
	return rc;
}

int cli_ctx_load(cli_ctx *r, const options *o)
{
	int rc = cli_ctx_open(r, o);
	if (!rc)
		rc = cli_load_definition(o, r->tpl, &r->e, r->diags);
	return rc;
}

int cli_ctx_close(cli_ctx *r, int rc, bool print)
{
	if (rc && print && r->diags)
		cli_print_diags(r->diags, stderr);
	bk_braille_free(r->br);
	bk_script_free(r->s);
	bk_election_free(r->e);
	bk_diags_free(r->diags);
	bk_templates_free(r->tpl);
	*r = (cli_ctx){0};
	return rc;
}

int cli_load_definition(const options *o, const bk_templates *tpl,
                bk_election **e, bk_diags *diags)
{
	/* The definition's diagnostics: the list keeps as many of each
	 * severity as are shown and only counts the rest, so a file with a
	 * million unknown fields costs no more memory than one with 200.
	 * What a command adds later is kept whole (build's line per failed
	 * kit, at most one per ballot). */
	bk_diags_set_limit(diags, diag_limit);
	/* stencil --ballot-pdf: the ballot's boxes from that PDF */
	bk_load_options lo = BK_LOAD_OPTIONS_INIT;
	if (o->ballot_pdf && o->nballots == 1) {
		lo.ballot = o->ballots[0];
		lo.ballot_pdf = o->ballot_pdf;
		lo.ballot_pdf_page = o->box_page;
	}
	bk_status st = bk_election_load_with(e, o->file, tpl, &lo, diags);
	bk_diags_set_limit(diags, 0);
	if (st == BK_ERR_IO)
		return EXIT_NOINPUT;
	if (st != BK_OK && st != BK_ERR_NOMEM)
		return EXIT_DATAERR;
	return cli_exit_for(st);
}

/* Loads the definition through admission (bk_election_admit): validate
 * and build refuse alike what build would fail on. */
int cli_admit(const options *o, const bk_templates *tpl,
          const bk_stencil_options *stencil, bk_election **e,
          bk_diags *diags)
{
	bk_status st = bk_election_admit(e, o->file, tpl, stencil, diags);
	return st == BK_OK || st == BK_ERR_NOMEM ? cli_exit_for(st)
	       : st == BK_ERR_IO ? EXIT_NOINPUT
	       : st == BK_ERR_CONFIG ? EXIT_CONFIG : EXIT_DATAERR;
}

static json_t *summary_json(const bk_election *e)
{
	json_t *langs = json_array();
	for (size_t i = 0; i < bk_election_language_count(e); i++)
		json_array_append_new(langs,
		                      json_string(bk_election_language(e, i)));
#define C(w) ((json_int_t)bk_election_count(e, w))
	return json_pack(
		"{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		"s:I, s:I, s:I}",
		"election", bk_election_id(e), "date", bk_election_date(e),
		"languages", langs,
		"areas", C(BK_COUNT_AREAS),
		"districts", C(BK_COUNT_DISTRICTS),
		"polling_stations", C(BK_COUNT_POLLING_STATIONS),
		"kits", C(BK_COUNT_KITS),
		"parties", C(BK_COUNT_PARTIES),
		"candidates", C(BK_COUNT_CANDIDATES),
		"candidates_withdrawn", C(BK_COUNT_CANDIDATES_WITHDRAWN),
		"ballots", C(BK_COUNT_BALLOTS),
		"ballots_party_list", C(BK_COUNT_BALLOTS_PARTY_LIST),
		"ballots_single_mandate", C(BK_COUNT_BALLOTS_SINGLE_MANDATE),
		"positions", C(BK_COUNT_POSITIONS),
		"derived_spellings", C(BK_COUNT_DERIVED_SPELLINGS));
}

#undef C
static void print_summary(const bk_election *e)
{
#define C(w) bk_election_count(e, w)
	printf(_("election %s (%s), languages"), bk_election_id(e),
	       bk_election_date(e));
	for (size_t i = 0; i < bk_election_language_count(e); i++)
		printf("%s %s", i ? "," : "", bk_election_language(e, i));
	printf("\n");
	printf(_("  %zu areas, %zu districts, %zu polling stations (%zu kits)\n"),
	       C(BK_COUNT_AREAS), C(BK_COUNT_DISTRICTS),
	       C(BK_COUNT_POLLING_STATIONS), C(BK_COUNT_KITS));
	printf(_("  %zu parties, %zu candidates (%zu withdrawn), %zu Russian "
	         "spellings derived\n"),
	       C(BK_COUNT_PARTIES), C(BK_COUNT_CANDIDATES),
	       C(BK_COUNT_CANDIDATES_WITHDRAWN),
	       C(BK_COUNT_DERIVED_SPELLINGS));
	printf(_("  %zu ballots (%zu party-list, %zu single-mandate), %zu "
	         "numbered positions\n"),
	       C(BK_COUNT_BALLOTS), C(BK_COUNT_BALLOTS_PARTY_LIST),
	       C(BK_COUNT_BALLOTS_SINGLE_MANDATE), C(BK_COUNT_POSITIONS));
#undef C
	/* the stencils that stand over a ballot's own print PDF */
	for (size_t i = 0; i < bk_election_ballot_count(e); i++) {
		const bk_boxes *b = bk_election_ballot_found_boxes(e, i);
		if (b)
			printf(_("  %s: its stencil stands over the %zu boxes found "
			         "on page %u of its print PDF (%s)\n"),
			       bk_election_ballot_id(e, i), bk_boxes_count(b),
			       bk_boxes_page(b), bk_boxes_method(b));
	}
}

int cli_cmd_validate(const options *o)
{
	cli_ctx r;
	int rc = cli_ctx_open(&r, o);
	if (rc)
		return rc;
	bk_diags *diags = r.diags;
	rc = cli_admit(o, r.tpl, NULL, &r.e, diags);
	const bk_election *e = r.e;
	size_t errors = bk_diags_count_severity(diags, BK_ERROR);
	size_t warnings = bk_diags_count_severity(diags, BK_WARNING);
	size_t notes = bk_diags_count_severity(diags, BK_NOTE);
	if (o->json) {
		size_t left[3];
		not_shown(diags, BK_NOTE, left);
		json_t *out = json_pack("{s:o, s:b, s:I, s:I, s:I, s:o, "
		                        "s:{s:I, s:I, s:I}, s:o}",
		                        "file", jstr(o->file), "valid", rc == 0,
		                        "errors", (json_int_t)errors,
		                        "warnings", (json_int_t)warnings,
		                        "notes", (json_int_t)notes,
		                        "diagnostics", diags_json(diags),
		                        "diagnostics_not_shown",
		                        "errors", (json_int_t)left[2],
		                        "warnings", (json_int_t)left[1],
		                        "notes", (json_int_t)left[0],
		                        "summary", e ? summary_json(e) : json_null());
		char *s = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
		if (!s) {
			fprintf(stderr, "ballotkit: cannot write the JSON report\n");
			rc = EXIT_SOFTWARE;
		} else {
			puts(s);
		}
		free(s);
		json_decref(out);
	} else {
		print_diags_min(diags, rc ? stderr : stdout, BK_NOTE);
		if (rc == 0) {
			printf(_("%s: valid, warnings: %zu, notes: %zu\n"), cli_shown(o->file),
			       warnings, notes);
			print_summary(e);
		} else if (rc == EXIT_DATAERR) {
			fprintf(stderr, _("%s: invalid, errors: %zu, warnings: %zu\n"),
			        cli_shown(o->file), errors, warnings);
		} else if (rc == EXIT_CONFIG) {
			fprintf(stderr, _("%s: cannot be admitted: the installation "
			                  "lacks what the errors above name "
			                  "(errors: %zu, warnings: %zu)\n"),
			        cli_shown(o->file), errors, warnings);
		}
	}
	return cli_ctx_close(&r, rc, false);
}

int cli_lang_one(const options *o, const char *cmd, const char **lang)
{
	*lang = o->langs ? o->langs : "kk";
	if (!strcmp(*lang, "kk") || !strcmp(*lang, "ru"))
		return 0;
	char what[64];
	snprintf(what, sizeof what, _("--lang for %s is kk or ru, not"), cmd);
	return cli_usage_error(what, *lang);
}

bool cli_lang_wanted(const char *langs, const char *lang)
{
	if (!langs)
		return true;
	size_t n = strlen(lang);
	for (const char *p = langs; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !strncmp(p, lang, n))
			return true;
		p += len + (comma ? 1 : 0);
	}
	return false;
}

int cli_cmd_script(const options *o)
{
	cli_ctx r;
	int rc = cli_ctx_load(&r, o);
	if (rc)
		return cli_ctx_close(&r, rc, true);
	bk_diags *diags = r.diags;
	const bk_election *e = r.e;
	for (size_t k = 0; k < o->nballots; k++)
		if (bk_election_ballot_find(e, o->ballots[k]) == (size_t)-1) {
			fprintf(stderr, _("ballotkit: %s has no ballot \"%s\"\n"),
			        cli_shown(o->file), cli_shown(o->ballots[k]));
			rc = EXIT_USAGE;
			goto done;
		}
	if (o->langs && !*o->langs) {
		rc = cli_usage_error(_("--lang needs a language:"), "kk, ru");
		goto done;
	}
	if (o->langs) {
		for (const char *p = o->langs; *p;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			bool known = false;
			for (size_t i = 0; i < bk_election_language_count(e); i++)
				if (strlen(bk_election_language(e, i)) == len &&
				    !strncmp(p, bk_election_language(e, i), len))
					known = true;
			if (!known) {
				char *w = strndup(p, len);
				fprintf(stderr, _("ballotkit: the election is not "
				                  "held in \"%s\"\n"), cli_shown(w ? w : ""));
				free(w);
				rc = EXIT_USAGE;
				goto done;
			}
			p += len + (comma ? 1 : 0);
		}
	}
	bool first = true;
	if (o->json)
		printf("[\n");
	for (size_t b = 0; b < bk_election_ballot_count(e); b++) {
		const char *id = bk_election_ballot_id(e, b);
		bool wanted = o->nballots == 0;
		for (size_t k = 0; k < o->nballots; k++)
			if (!strcmp(o->ballots[k], id))
				wanted = true;
		if (!wanted)
			continue;
		for (size_t l = 0; l < bk_election_language_count(e); l++) {
			const char *lang = bk_election_language(e, l);
			if (!cli_lang_wanted(o->langs, lang))
				continue;
			bk_script *s;
			if (bk_script_create(&s, e, id, lang, r.tpl, diags) != BK_OK) {
				cli_print_diags(diags, stderr);
				rc = EXIT_SOFTWARE;
				goto done;
			}
			if (o->json && !first)
				printf(",\n");
			else if (!o->json && !first)
				printf("\n");
			first = false;
			if (bk_script_write(s, o->json ? "json" : "text", stdout))
				rc = EXIT_SOFTWARE;
			bk_script_free(s);
		}
	}
	if (o->json)
		printf("]\n");
done:
	return cli_ctx_close(&r, rc, false);
}

/* The exit code for a library status. Out of memory is an internal
 * error (EX_SOFTWARE), said on standard error here, since the
 * diagnostic that says it may itself have found no memory. */
int cli_exit_for(bk_status st)
{
	switch (st) {
	case BK_OK: return 0;
	case BK_ERR_NOMEM:
		fprintf(stderr, _("ballotkit: out of memory\n"));
		return EXIT_SOFTWARE;
	case BK_ERR_USAGE:
	case BK_ERR_NOTFOUND: return EXIT_USAGE;
	case BK_ERR_IO: return EXIT_CANTCREAT;
	case BK_ERR_CONFIG: return EXIT_CONFIG;
	default: return EXIT_DATAERR;
	}
}

/* Opens r, loads the election and opens braille; with want_script, also the
 * script of o's one ballot in lang (NULL: the election's first language).
 * Returns an exit code; cli_ctx_close frees the objects. */
static int open_ballot(const options *o, cli_ctx *r, const char *lang,
                       bool want_script)
{
	int rc = cli_ctx_load(r, o);
	if (rc)
		return rc;
	if (want_script) {
		bk_status st = bk_script_create(
			&r->s, r->e, o->ballots[0],
			lang ? lang : bk_election_language(r->e, 0), r->tpl,
			r->diags);
		if (st != BK_OK)
			return cli_exit_for(st);
	}
	bk_status st = bk_braille_open(&r->br, r->e, r->tpl, r->diags);
	if (st == BK_ERR_NOMEM)
		return cli_exit_for(st);
	if (st != BK_OK)
		return EXIT_CONFIG; /* a braille table cannot be used */
	return 0;
}

static int cmd_list(const options *o, bool leaflet)
{
	if (leaflet && (!o->party == !o->candidate || o->nballots ||
	                !o->langs || strchr(o->langs, ',')))
		return cli_usage_error(_("leaflet needs --party or --candidate and one "
		                     "--lang, for"), o->file);
	if (!leaflet && (o->nballots != 1 || !o->langs || strchr(o->langs, ',')))
		return cli_usage_error(_("list needs one --ballot and one --lang, for"),
		                   o->file);
	const char *fmt = o->format ? o->format : "txt";
	bk_brf_break brk = BK_BRF_FF;
	bool swell = !strcmp(fmt, "swell-pdf");
	bool large = !strcmp(fmt, "large-print-pdf");
	if (strcmp(fmt, "txt") && strcmp(fmt, "brf") && strcmp(fmt, "pef") &&
	    !swell && !large)
		return cli_usage_error(_("--format is txt, brf, pef, swell-pdf or "
		                     "large-print-pdf, not"), fmt);
	if ((swell || large) && !o->output)
		return cli_usage_error(_("a PDF is written to a file: give"), "-o FILE");
	if (o->brf_break) {
		if (!strcmp(o->brf_break, "ff"))
			brk = BK_BRF_FF;
		else if (!strcmp(o->brf_break, "crlf-ff"))
			brk = BK_BRF_CRLF_FF;
		else if (!strcmp(o->brf_break, "none"))
			brk = BK_BRF_NONE;
		else
			return cli_usage_error(_("--brf-break is ff, crlf-ff or none, not"),
			                   o->brf_break);
	}
	cli_ctx r;
	bk_braille_doc *doc = NULL;
	int rc = open_ballot(o, &r, o->langs, !leaflet);
	if (rc)
		goto done;
	const bk_templates *tpl = r.tpl;
	bk_diags *diags = r.diags;
	const bk_election *e = r.e;
	bk_status st = BK_OK;
	const char *profile = o->profile ? o->profile : bk_election_braille_profile(e);
	bk_swell_options sw = BK_SWELL_OPTIONS_INIT;
	sw.interline = o->interline;
	bk_braille_layout layout = o->layout;
	if (st == BK_OK && large) {
		bk_large_print_options lp = BK_LARGE_PRINT_OPTIONS_INIT;
		if (o->size_pt)
			lp.size_pt = o->size_pt;
		st = leaflet ? bk_large_print_leaflet(e, o->party ? "party" : "candidate",
		                                      o->party ? o->party : o->candidate,
		                                      o->langs, tpl, &lp, o->output, diags)
		             : bk_large_print_list(r.s, tpl, &lp, o->output, diags);
		rc = cli_exit_for(st);
		goto done;
	}
	if (st == BK_OK && swell) {
		st = bk_swell_layout(&layout, tpl, profile, &sw, diags);
		if (st == BK_ERR_NOTFOUND) {
			rc = EXIT_USAGE;
			goto done;
		}
	}
	if (st == BK_OK && leaflet) {
		st = bk_braille_leaflet(&doc, r.br, e, o->party ? "party" : "candidate",
		                        o->party ? o->party : o->candidate, o->langs,
		                        &layout, diags);
		if (st == BK_ERR_NOTFOUND) {
			rc = EXIT_USAGE;
			goto done;
		}
	} else if (st == BK_OK) {
		st = bk_braille_list(&doc, r.br, r.s, &layout, diags);
	}
	if (st == BK_OK && swell) {
		st = bk_swell_write_pdf(doc, tpl, profile, &sw, o->output, diags);
	} else if (st == BK_OK && o->output) {
		st = bk_braille_doc_save(doc, fmt, brk, o->output, diags);
	} else if (st == BK_OK) {
		if (!strcmp(fmt, "brf"))
			st = bk_braille_doc_write_brf(doc, brk, stdout);
		else if (!strcmp(fmt, "pef"))
			st = bk_braille_doc_write_pef(doc, stdout);
		else
			st = bk_braille_doc_write_text(doc, stdout);
	}
	rc = cli_exit_for(st);
done:
	bk_braille_doc_free(doc);
	return cli_ctx_close(&r, rc, true);
}

int cli_cmd_list(const options *o)
{
	return cmd_list(o, false);
}

int cli_cmd_leaflet(const options *o)
{
	return cmd_list(o, true);
}

/* stencil --show-boxes: the finder's proof of the ballot PDF, the boxes
 * the stencil's windows stand over outlined and numbered on its page, as
 * the finder found them when the definition was loaded (not run again). */
static bk_status show_boxes(const options *o, const bk_election *e,
                            bk_diags *diags)
{
	const bk_boxes *boxes = bk_election_ballot_found_boxes(
		e, bk_election_ballot_find(e, o->ballots[0]));
	return boxes ? bk_boxes_write_proof_pdf(boxes, o->show_boxes, diags)
	             : BK_ERR_NOTFOUND;
}

int cli_cmd_stencil(const options *o)
{
	const char *fmt = o->format ? o->format : "";
	if (o->nballots != 1 || !o->output ||
	    (strcmp(fmt, "swell-pdf") && strcmp(fmt, "svg") && strcmp(fmt, "png") &&
	     strcmp(fmt, "proof-pdf") && strcmp(fmt, "print-pdf")))
		return cli_usage_error(_("stencil needs one --ballot, -o FILE and --format "
		                     "print-pdf, swell-pdf, svg, png or proof-pdf, for"),
		                   o->file);
	if (o->box_expected || o->proof)
		return cli_usage_error(_("stencil takes one box per position and "
		                     "writes the finder's proof with --show-boxes, "
		                     "not"), o->proof ? "--proof" : "--expected");
	if ((o->box_page || o->show_boxes) && !o->ballot_pdf)
		return cli_usage_error(_("--page and --show-boxes go with"),
		                       "--ballot-pdf BALLOT.pdf");
	long sheet = o->sheet;
	if (o->sheet_text && strspn(o->sheet_text, "0123456789") != strlen(o->sheet_text))
		return cli_usage_error(_("stencil's --sheet is a sheet number, not"),
		                       o->sheet_text);
	cli_ctx c;
	bk_stencil *st = NULL;
	int rc = open_ballot(o, &c, o->langs, true);
	if (rc)
		goto done;
	bk_diags *diags = c.diags;
	bk_status r = BK_OK;
	bk_stencil_options so = BK_STENCIL_OPTIONS_INIT;
	so.counting_dots = o->counting_dots;
	so.tab_depth = o->tab ? 12.0 : 0.0;
	if (r == BK_OK)
		r = bk_stencil_create(&st, c.e, c.s, c.br, c.tpl, &so, diags);
	if (r == BK_OK) {
		if (!strcmp(fmt, "swell-pdf"))
			r = bk_stencil_write_swell_pdf(st, o->output, diags);
		else if ((!strcmp(fmt, "svg") || !strcmp(fmt, "png")) &&
		         (size_t)sheet > bk_stencil_sheet_count(st)) {
			fprintf(stderr, _("ballotkit: the stencil of %s has %zu sheet(s); "
			                  "--sheet %ld is not one of them\n"),
			        o->ballots[0], bk_stencil_sheet_count(st), sheet);
			rc = EXIT_USAGE;
			goto done;
		} else if (!strcmp(fmt, "svg"))
			r = bk_stencil_write_svg(st, (size_t)sheet - 1, o->output, diags);
		else if (!strcmp(fmt, "png"))
			r = bk_stencil_write_png(st, (size_t)sheet - 1, o->dpi ? o->dpi : 150,
			                         o->output, diags);
		else if (!strcmp(fmt, "print-pdf"))
			r = bk_stencil_write_print_pdf(st, o->output, diags);
		else
			r = bk_stencil_write_proof_pdf(st, o->output, diags);
	}
	if (r == BK_OK && o->show_boxes)
		r = show_boxes(o, c.e, diags);
	rc = cli_exit_for(r);
done:
	bk_stencil_free(st);
	return cli_ctx_close(&c, rc, true);
}

int cli_cmd_templates(const options *o)
{
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	printf(_("stencil templates in %s:\n"), cli_shown(bk_templates_dir(tpl)));
	for (size_t i = 0; i < bk_templates_stencil_count(tpl); i++)
		printf(_("  %-28s holds %zu positions\n"),
		       bk_templates_stencil_id(tpl, i),
		       bk_templates_stencil_capacity(tpl, i));
	bk_templates_free(tpl);
	return 0;
}

static int braille_line(bk_braille *br, const char *lang, const char *text,
                        bk_diags *diags)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	char *back = NULL;
	printf(_("print:   %s\n"), text);
	bk_status st = bk_braille_translate(br, lang, text, NULL, &cells, &n,
	                                    diags);
	if (st == BK_OK)
		st = bk_braille_back(br, lang, cells, n, &back, diags);
	char *uni = st == BK_OK ? bk_braille_unicode(cells, n) : NULL;
	if (st == BK_OK && !uni)
		st = BK_ERR_NOMEM;
	if (st != BK_OK) {
		cli_print_diags(diags, stderr);
		bk_free(cells);
		bk_free(back);
		return st == BK_ERR_NOMEM ? cli_exit_for(st) : EXIT_DATAERR;
	}
	printf(_("braille: %s\nback:    %s\n"), uni, back);
	bk_free(uni);
	bk_free(back);
	bk_free(cells);
	return 0;
}

int cli_cmd_braille(const options *o)
{
	const char *lang;
	cli_ctx r;
	int rc = cli_lang_one(o, "braille", &lang);
	if (!rc)
		rc = cli_ctx_open(&r, o);
	if (rc)
		return rc;
	bk_diags *diags = r.diags;
	bk_status st = bk_braille_open(&r.br, NULL, r.tpl, diags);
	if (st != BK_OK) {
		cli_print_diags(diags, stderr);
		rc = st == BK_ERR_NOMEM ? cli_exit_for(st) : EXIT_CONFIG;
		goto done;
	}
	if (o->file) {
		rc = braille_line(r.br, lang, o->file, diags);
		for (size_t i = 0; i < o->ntexts && !rc; i++) {
			printf("\n");
			rc = braille_line(r.br, lang, o->texts[i], diags);
		}
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t got;
		bool first = true;
		while (!rc && (got = getline(&line, &cap, stdin)) >= 0) {
			while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
				line[--got] = '\0';
			if (!first)
				printf("\n");
			first = false;
			rc = braille_line(r.br, lang, line, diags);
		}
		free(line);
	}
done:
	return cli_ctx_close(&r, rc, false);
}

enum { DONE = -1 }; /* parse_args: help or version printed */

/* The arguments after the command: the first is o->file, the rest are
 * texts for the commands that take more. */
static int positional(const char *cmd, const char *a, options *o)
{
	const cli_command *c = cli_command_find(cmd);
	if (!o->file)
		o->file = a;
	else if (c && c->more_args)
		o->texts[o->ntexts++] = a;
	else
		return cli_usage_error(_("unexpected argument"), a);
	return 0;
}

/* Reads argv into o and *cmd. Returns 0, an exit code after a message,
 * or DONE when --help or --version was answered. */
static int parse_args(int argc, char **argv, options *o, const char **cmd)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			if (!*cmd || !strcmp(*cmd, "help")) {
				cli_print_help(stdout);
				return DONE;
			}
			rc = cli_print_command_help(*cmd);
			return rc ? rc : DONE;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("ballotkit %s\n", bk_version());
			return DONE;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_parse_option(argc, argv, &i, o);
		} else if (!*cmd) {
			*cmd = a;
		} else {
			rc = positional(*cmd, a, o);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* a speech helper started by this program runs here and exits; the
	 * helpers are fresh copies of this file, not of a worker's memory */
	bk_speech_helper_entry(argc, argv);

	/* The users' locales (ru_RU, kk_KZ) write a decimal comma: numbers
	 * in every file we write use the C conventions. */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");

	options o = {0};
	const bk_braille_layout def_layout = BK_BRAILLE_LAYOUT_INIT;
	o.layout = def_layout;
	const bk_speech_options def_speech = BK_SPEECH_OPTIONS_INIT;
	o.speech = def_speech;
	const bk_audio_options def_audio = BK_AUDIO_OPTIONS_INIT;
	o.audio = def_audio;
	o.sheet = 1;
	o.gap = -1;
	o.diag_limit = diag_limit;
	const char **ballots = calloc((size_t)argc + 1, sizeof *ballots);
	const char **texts = calloc((size_t)argc + 1, sizeof *texts);
	const char **columns = calloc((size_t)argc + 1, sizeof *columns);
	if (!ballots || !texts || !columns) {
		free(ballots);
		free(texts);
		free(columns);
		return EXIT_SOFTWARE;
	}
	o.ballots = ballots;
	o.texts = texts;
	o.ignore_columns = columns;
	const char *cmd = NULL;
	int rc = parse_args(argc, argv, &o, &cmd);
	if (rc == DONE) {
		rc = 0;
	} else if (!rc && !cmd) {
		cli_print_help(stderr);
		rc = EXIT_USAGE;
	} else if (!rc) {
		diag_limit = o.diag_limit;
		if (o.max_input_given)
			bk_set_max_input_size(o.max_input);
		/* the library reads the profile's path from the environment (so
		 * build's workers, forked, see it too) */
		if (o.output_intent && setenv("BALLOTKIT_OUTPUT_INTENT",
		                              o.output_intent, 1))
			rc = EXIT_SOFTWARE;
		if (!rc)
			rc = cli_run(cmd, &o);
	}
	free(ballots);
	free(texts);
	free(columns);
	if ((fflush(stdout) != 0 || ferror(stdout)) && (rc == 0 || rc == EXIT_SOFTWARE)) {
		fprintf(stderr, _("ballotkit: cannot write to standard output\n"));
		rc = EXIT_SOFTWARE;
	}
	return rc;
}
