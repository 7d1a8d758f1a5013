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

static const char *const usage_text[] = {_(
	"Usage: ballotkit COMMAND [OPTIONS]\n"
	"\n"
	"Accessibility kits for elections: audio ballots, braille stencils and\n"
	"tactile leaflets from one ballot definition.\n"
	"\n"
	"Commands:\n"
	"  validate FILE [--json]         check a definition; list every problem\n"
	"                                 with its line, column and field, or\n"
	"                                 summarise the election when it is valid\n"
	"  script FILE [--ballot ID]... [--lang kk,ru] [--json]\n"
	"                                 print the ballot script (what the audio\n"
	"                                 says and the stencil numbers) of each\n"
	"                                 ballot in each language\n"
	"  braille [--lang kk|ru] [TEXT]...\n"
	"                                 show each text (or each line of standard\n"
	"                                 input) as print, Unicode braille and the\n"
	"                                 braille read back, for a reviewer\n"
	"  list FILE --ballot ID --lang kk|ru [--format txt|brf|pef|swell-pdf]\n"
	"       [-o OUT] [--cells N] [--lines N] [--binding N] [--interpoint]\n"
	"       [--brf-break ff|crlf-ff|none] [--profile ID] [--interline]\n"
	"                                 write the braille list of one ballot in\n"
	"                                 one language to OUT or standard output\n"
	"                                 (swell-pdf needs -o; its page follows the\n"
	"                                 braille profile, the election's by default)\n"
	"                                 --format large-print-pdf [--size PT] -o OUT:\n"
	"                                 the same list in large print (18 pt and up)\n"
	"  leaflet FILE (--party ID | --candidate ID) --lang kk|ru [list's options]\n"
	"                                 write a tactile leaflet to standard output\n"
	"  stencil FILE --ballot ID --format print-pdf|swell-pdf|svg|png|proof-pdf\n"
	"       -o OUT [--tab] [--counting-dots] [--sheet N (svg, png)]\n"
	"       [--lang kk|ru] [--dpi N]\n"
	"                                 write the braille stencil of a ballot (labels\n"
	"                                 in --lang, the election's first by default),\n"
	"                                 or the ballot proof to lay it over\n"
	), _( /* a second string: C11 guarantees strings of 4095 bytes only */
	"  speak [--lang kk|ru] TEXT... [-o CLIPS.wav]\n"
	"                                 show what the voice is given for each text\n"
	"                                 and write the clips one after another, as\n"
	"                                 eSpeak NG gives them\n"
	"  speak FILE --ballot ID --lang kk|ru -o DIR [audio's options]\n"
	"                                 write the audio ballot of one ballot in\n"
	"                                 one language into DIR, for a reviewer\n"
	"  audio FILE -o DIR [--ballot ID]... [--lang kk,ru] [--formats LIST]\n"
	"       [--speed 0.75,1.5] [--loudness LUFS] [--true-peak DBTP]\n"
	"       [--bitrate KBPS] [--quality 0-9] [--cache DIR]\n"
	"                                 write the audio ballot of each ballot in\n"
	"                                 each language into DIR/BALLOT-LANG/: the\n"
	"                                 audio outputs of the definition's\n"
	"                                 production.outputs (by default MP3 with\n"
	"                                 chapters, one MP3 per position and a\n"
	"                                 playlist, DAISY 2.02, transcript, captions\n"
	"                                 and a review page), or those --formats\n"
	"                                 names (audio-wav, audio-flac, audio-vorbis,\n"
	"                                 audio-opus, audio-phone...; see defaults);\n"
	"                                 and speed variants (pitch kept)\n"
	"                                 Speech options of speak and audio:\n"
	"                                 --rate WPM --pitch 0-100 (50)\n"
	"                                 --volume 0-200 (100) --word-gap N (0);\n"
	"                                 --rate and --loudness override the\n"
	"                                 definition's production.speech (125, -20)\n"
	"  build FILE -o DIR [--ballot ID]... [--lang kk,ru] [--formats LIST]\n"
	"       [--jobs N] [--shard K/N] [--json] [--cache DIR] [audio's options]\n"
	"                                 write the kit of each ballot into\n"
	"                                 DIR/kits/BALLOT/\n"
	"                                 (the outputs of production.outputs or\n"
	"                                 --formats, scripts, README, manifest.json\n"
	"                                 with SHA-256) with N worker processes;\n"
	"                                 unchanged kits are skipped; then DIR's\n"
	"                                 index, packing lists and print quantities\n"
	"  index DIR [SHARD_DIR]...       copy the kits of shard folders into DIR\n"
	"                                 and write DIR's index\n"
	), _( /* C11 guarantees strings of 4095 bytes only */
	"  verify DIR [--definition FILE] [--partial] [--quick] [--json]\n"
	"                                 check every kit's checksums, then decode\n"
	"                                 every file (stencil, braille, large print,\n"
	"                                 leaflets, audio and what it says) and\n"
	"                                 compare it with the ballot scripts made\n"
	"                                 from the definition (without it: with the\n"
	"                                 kit's own); --quick compares only each\n"
	"                                 chapter's number with fresh speech;\n"
	"                                 --partial accepts kits built with fewer\n"
	"                                 outputs or languages than the definition's\n"
	"  templates                      list the stencil templates and how many\n"
	"                                 positions each holds\n"
	"  defaults [--json]              list the defaults of the definition format\n"
	"                                 and the output names with their files\n"
	"  version                        print the version\n"
	"\n"
	"Options for every command:\n"
	"  --templates DIR                use the templates in DIR (default:\n"
	"                                 $BALLOTKIT_TEMPLATES or the installed ones)\n"
	"  --max-input-size SIZE          refuse a definition or template file\n"
	"                                 larger than SIZE bytes; K, M or G for\n"
	"                                 KiB, MiB, GiB (default 256M)\n"
	"  --max-diagnostics N            show the first N problems, then how many\n"
	"                                 more there are (default 200; 0: all)\n"
	"  -h, --help                     show this help\n"
	"  -V, --version                  show the version\n"
	"\n"
	"Exit codes: 0 done, 64 wrong usage, 65 invalid definition or text\n"
	"braille cannot write, 66 file not readable, 70 internal error (or\n"
	"standard output not writable), 73 output file not writable, 78\n"
	"templates broken.\n")};

static void print_usage(FILE *out)
{
	for (size_t i = 0; i < sizeof usage_text / sizeof *usage_text; i++)
		fputs(usage_text[i], out);
}

static const char *const opt_names[] = {
	"--cells/--lines/--binding/--interpoint", "--brf-break", "--profile",
	"--interline", "--size", "--tab", "--counting-dots", "--sheet", "--dpi",
	"--format", "-o", "--party/--candidate", "--ballot", "--lang", "--json",
	"--rate/--pitch/--volume/--word-gap",
	"--loudness/--true-peak/--bitrate/--quality/--speed/--formats", "--cache",
	"--jobs", "--shard", "--definition"};

/* The options a command takes with a format; NULL if all given apply,
 * else the name of the first that does not. */
static const char *inapplicable(const char *cmd, const char *fmt, unsigned given)
{
	unsigned ok = 0;
	fmt = fmt ? fmt : "";
	if (!strcmp(cmd, "validate") || !strcmp(cmd, "defaults"))
		ok = OPT_JSON;
	else if (!strcmp(cmd, "script"))
		ok = OPT_JSON | OPT_BALLOT | OPT_LANG;
	else if (!strcmp(cmd, "braille"))
		ok = OPT_LANG;
	else if (!strcmp(cmd, "list") || !strcmp(cmd, "leaflet")) {
		ok = OPT_FORMAT | OPT_OUTPUT | OPT_LANG |
		     (!strcmp(cmd, "list") ? OPT_BALLOT : OPT_WHO);
		if (!*fmt || !strcmp(fmt, "txt") || !strcmp(fmt, "pef"))
			ok |= OPT_PAGE;
		else if (!strcmp(fmt, "brf"))
			ok |= OPT_PAGE | OPT_BRFBREAK;
		else if (!strcmp(fmt, "swell-pdf"))
			ok |= OPT_PROFILE | OPT_INTERLINE;
		else if (!strcmp(fmt, "large-print-pdf"))
			ok |= OPT_SIZE;
	} else if (!strcmp(cmd, "speak")) {
		/* one text, or one ballot (--ballot) written as audio */
		ok = OPT_LANG | OPT_SPEECH | OPT_OUTPUT | OPT_CACHE |
		     ((given & OPT_BALLOT) ? OPT_BALLOT | OPT_AUDIO : 0);
	} else if (!strcmp(cmd, "audio")) {
		ok = OPT_BALLOT | OPT_LANG | OPT_OUTPUT | OPT_SPEECH | OPT_AUDIO |
		     OPT_CACHE;
	} else if (!strcmp(cmd, "build")) {
		ok = OPT_BALLOT | OPT_LANG | OPT_OUTPUT | OPT_SPEECH | OPT_AUDIO |
		     OPT_CACHE | OPT_JSON | OPT_JOBS | OPT_SHARD | OPT_TAB |
		     OPT_COUNTING;
	} else if (!strcmp(cmd, "verify")) {
		ok = OPT_DEFINITION | OPT_JSON | OPT_VERIFY;
	} else if (!strcmp(cmd, "index")) {
		ok = 0;
	} else if (!strcmp(cmd, "stencil")) {
		ok = OPT_FORMAT | OPT_OUTPUT | OPT_BALLOT | OPT_LANG | OPT_TAB |
		     OPT_COUNTING;
		if (!strcmp(fmt, "svg"))
			ok |= OPT_SHEET;
		else if (!strcmp(fmt, "png"))
			ok |= OPT_SHEET | OPT_DPI;
	}
	for (size_t b = 0; b < sizeof opt_names / sizeof *opt_names; b++)
		if ((given & (1u << b)) && !(ok & (1u << b)))
			return opt_names[b];
	/* (the bits after --definition are named here: OPT_RATE and the
	 * others given with OPT_SPEECH or OPT_AUDIO are never checked alone) */
	if ((given & OPT_VERIFY) && !(ok & OPT_VERIFY))
		return "--quick/--partial";
	return NULL;
}

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
	return st == BK_OK ? 0 : EXIT_CONFIG;
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
	bk_status st = bk_election_load(e, o->file, tpl, diags);
	bk_diags_set_limit(diags, 0);
	if (st == BK_ERR_IO)
		return EXIT_NOINPUT;
	if (st != BK_OK)
		return EXIT_DATAERR;
	return 0;
}

/* Loads the definition through admission (bk_election_admit): validate
 * and build refuse alike what build would fail on. */
int cli_admit(const options *o, const bk_templates *tpl,
          const bk_stencil_options *stencil, bk_election **e,
          bk_diags *diags)
{
	bk_status st = bk_election_admit(e, o->file, tpl, stencil, diags);
	return st == BK_OK ? 0 : st == BK_ERR_IO ? EXIT_NOINPUT
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
}

static int cmd_validate(const options *o)
{
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	rc = cli_admit(o, tpl, NULL, &e, diags);
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
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
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

static int cmd_script(const options *o)
{
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	rc = cli_load_definition(o, tpl, &e, diags);
	if (rc) {
		cli_print_diags(diags, stderr);
		goto done;
	}
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
			if (bk_script_create(&s, e, id, lang, tpl, diags) != BK_OK) {
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
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}

/* The exit code for a library status. */
int cli_exit_for(bk_status st)
{
	switch (st) {
	case BK_OK: return 0;
	case BK_ERR_USAGE:
	case BK_ERR_NOTFOUND: return EXIT_USAGE;
	case BK_ERR_IO: return EXIT_CANTCREAT;
	case BK_ERR_CONFIG: return EXIT_CONFIG;
	default: return EXIT_DATAERR;
	}
}

/* Loads the election and opens braille; with want_script, also the script
 * of o's one ballot in lang (NULL: the election's first language).
 * Returns an exit code; the objects are freed by the caller. */
static int open_ballot(const options *o, const bk_templates *tpl,
                       const char *lang, bool want_script, bk_election **e,
                       bk_script **s, bk_braille **br, bk_diags *diags)
{
	int rc = cli_load_definition(o, tpl, e, diags);
	if (rc)
		return rc;
	if (want_script) {
		bk_status st = bk_script_create(
			s, *e, o->ballots[0], lang ? lang : bk_election_language(*e, 0),
			tpl, diags);
		if (st != BK_OK)
			return cli_exit_for(st);
	}
	if (bk_braille_open(br, *e, tpl, diags) != BK_OK)
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
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	bk_script *s = NULL;
	bk_braille *br = NULL;
	bk_braille_doc *doc = NULL;
	rc = open_ballot(o, tpl, o->langs, !leaflet, &e, &s, &br, diags);
	if (rc)
		goto done;
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
		             : bk_large_print_list(s, tpl, &lp, o->output, diags);
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
		st = bk_braille_leaflet(&doc, br, e, o->party ? "party" : "candidate",
		                        o->party ? o->party : o->candidate, o->langs,
		                        &layout, diags);
		if (st == BK_ERR_NOTFOUND) {
			rc = EXIT_USAGE;
			goto done;
		}
	} else if (st == BK_OK) {
		st = bk_braille_list(&doc, br, s, &layout, diags);
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
	if (rc)
		cli_print_diags(diags, stderr);
	bk_braille_doc_free(doc);
	bk_braille_free(br);
	bk_script_free(s);
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}

static int cmd_stencil(const options *o)
{
	const char *fmt = o->format ? o->format : "";
	if (o->nballots != 1 || !o->output ||
	    (strcmp(fmt, "swell-pdf") && strcmp(fmt, "svg") && strcmp(fmt, "png") &&
	     strcmp(fmt, "proof-pdf") && strcmp(fmt, "print-pdf")))
		return cli_usage_error(_("stencil needs one --ballot, -o FILE and --format "
		                     "print-pdf, swell-pdf, svg, png or proof-pdf, for"),
		                   o->file);
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	bk_script *s = NULL;
	bk_braille *br = NULL;
	bk_stencil *st = NULL;
	rc = open_ballot(o, tpl, o->langs, true, &e, &s, &br, diags);
	if (rc)
		goto done;
	bk_status r = BK_OK;
	bk_stencil_options so = BK_STENCIL_OPTIONS_INIT;
	so.counting_dots = o->counting_dots;
	so.tab_depth = o->tab ? 12.0 : 0.0;
	if (r == BK_OK)
		r = bk_stencil_create(&st, e, s, br, tpl, &so, diags);
	if (r == BK_OK) {
		if (!strcmp(fmt, "swell-pdf"))
			r = bk_stencil_write_swell_pdf(st, o->output, diags);
		else if ((!strcmp(fmt, "svg") || !strcmp(fmt, "png")) &&
		         (o->sheet < 1 || (size_t)o->sheet > bk_stencil_sheet_count(st))) {
			fprintf(stderr, _("ballotkit: the stencil of %s has %zu sheet(s); "
			                  "--sheet %ld is not one of them\n"),
			        o->ballots[0], bk_stencil_sheet_count(st), o->sheet);
			rc = EXIT_USAGE;
			goto done;
		} else if (!strcmp(fmt, "svg"))
			r = bk_stencil_write_svg(st, (size_t)o->sheet - 1, o->output, diags);
		else if (!strcmp(fmt, "png"))
			r = bk_stencil_write_png(st, (size_t)o->sheet - 1, o->dpi ? o->dpi : 150,
			                         o->output, diags);
		else if (!strcmp(fmt, "print-pdf"))
			r = bk_stencil_write_print_pdf(st, o->output, diags);
		else
			r = bk_stencil_write_proof_pdf(st, o->output, diags);
	}
	rc = cli_exit_for(r);
done:
	if (rc)
		cli_print_diags(diags, stderr);
	bk_stencil_free(st);
	bk_braille_free(br);
	bk_script_free(s);
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}

static int cmd_templates(const options *o)
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
	if (bk_braille_translate(br, lang, text, NULL, &cells, &n, diags) != BK_OK ||
	    bk_braille_back(br, lang, cells, n, &back, diags) != BK_OK) {
		cli_print_diags(diags, stderr);
		bk_free(cells);
		return EXIT_DATAERR;
	}
	char *uni = bk_braille_unicode(cells, n);
	printf(_("braille: %s\nback:    %s\n"), uni, back);
	bk_free(uni);
	bk_free(back);
	bk_free(cells);
	return 0;
}

static int cmd_braille(const options *o)
{
	const char *lang = o->langs ? o->langs : "kk";
	if (strcmp(lang, "kk") && strcmp(lang, "ru"))
		return cli_usage_error(_("--lang for braille is kk or ru, not"), lang);
	bk_templates *tpl;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_braille *br = NULL;
	if (bk_braille_open(&br, NULL, tpl, diags) != BK_OK) {
		cli_print_diags(diags, stderr);
		rc = EXIT_CONFIG;
		goto done;
	}
	if (o->file) {
		rc = braille_line(br, lang, o->file, diags);
		for (size_t i = 0; i < o->ntexts && !rc; i++) {
			printf("\n");
			rc = braille_line(br, lang, o->texts[i], diags);
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
			rc = braille_line(br, lang, line, diags);
		}
		free(line);
	}
done:
	bk_braille_free(br);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}

/* A size: a whole number of bytes, or with K, M or G for KiB, MiB and
 * GiB ("256M"); at least 1 byte, at most 2^62. */
static bool parse_size(const char *s, unsigned long long *bytes)
{
	const unsigned long long max = 1ull << 62;
	unsigned long long v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > max)
			return false;
	}
	unsigned shift = *s == 'K' || *s == 'k' ? 10
	               : *s == 'M' || *s == 'm' ? 20
	               : *s == 'G' || *s == 'g' ? 30 : 0;
	if (shift)
		s++;
	if (*s || v == 0 || v > max >> shift)
		return false;
	*bytes = v << shift;
	return true;
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
	const char *cmd = NULL;
	const char **ballots = calloc((size_t)argc + 1, sizeof *ballots);
	const char **texts = calloc((size_t)argc + 1, sizeof *texts);
	if (!ballots || !texts) {
		free(ballots);
		free(texts);
		return EXIT_SOFTWARE;
	}
	o.ballots = ballots;
	o.texts = texts;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout);
			goto out;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("ballotkit %s\n", bk_version());
			goto out;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
			o.given |= OPT_JSON;
		} else if (!strcmp(a, "--interpoint")) {
			o.layout.interpoint = 1;
			o.given |= OPT_PAGE;
		} else if (!strcmp(a, "--interline")) {
			o.interline = 1;
			o.given |= OPT_INTERLINE;
		} else if (!strcmp(a, "--sheet")) {
			char *end = NULL;
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (i + 1 >= argc || !end || *end || v < 1 || v > 1000) {
				rc = cli_usage_error(_("--sheet needs a sheet number, not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			o.sheet = v;
			o.given |= OPT_SHEET;
			i++;
		} else if (!strcmp(a, "--counting-dots")) {
			o.counting_dots = 1;
			o.given |= OPT_COUNTING;
		} else if (!strcmp(a, "--tab")) {
			o.tab = 1;
			o.given |= OPT_TAB;
		} else if (!strcmp(a, "--dpi")) {
			char *end = NULL;
			double v = i + 1 < argc ? strtod(argv[i + 1], &end) : -1;
			if (i + 1 >= argc || !end || *end || v < 30 || v > 1200) {
				rc = cli_usage_error(_("--dpi needs a resolution of 30–1200, not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			o.dpi = v;
			o.given |= OPT_DPI;
			i++;
		} else if (!strcmp(a, "--size")) {
			char *end = NULL;
			double v = i + 1 < argc ? strtod(argv[i + 1], &end) : -1;
			if (i + 1 >= argc || !end || *end || v < 1 || v > 1000) {
				rc = cli_usage_error(_("this option needs a size in points:"), a);
				goto out;
			}
			o.size_pt = v;
			o.given |= OPT_SIZE;
			i++;
		} else if (!strcmp(a, "--cells") || !strcmp(a, "--lines") ||
		           !strcmp(a, "--binding")) {
			char *end = NULL;
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (i + 1 >= argc || !end || *end || v < 0 || v > 1000) {
				rc = cli_usage_error(_("this option needs a whole number:"), a);
				goto out;
			}
			i++;
			o.given |= OPT_PAGE;
			if (!strcmp(a, "--cells"))
				o.layout.cells = (unsigned)v;
			else if (!strcmp(a, "--lines"))
				o.layout.lines = (unsigned)v;
			else
				o.layout.binding = (unsigned)v;
		} else if (!strcmp(a, "--rate") || !strcmp(a, "--pitch") ||
		           !strcmp(a, "--volume") || !strcmp(a, "--word-gap") ||
		           !strcmp(a, "--bitrate") || !strcmp(a, "--quality")) {
			char *end = NULL;
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (i + 1 >= argc || !end || *end || end == argv[i + 1] ||
			    v < 0 || v > 1000) {
				rc = cli_usage_error(_("this option needs a whole number:"), a);
				goto out;
			}
			i++;
			if (!strcmp(a, "--rate"))
				o.speech.rate = (int)v, o.given |= OPT_RATE;
			else if (!strcmp(a, "--pitch"))
				o.speech.pitch = (int)v, o.given |= OPT_PITCH;
			else if (!strcmp(a, "--volume"))
				o.speech.volume = (int)v, o.given |= OPT_VOLUME;
			else if (!strcmp(a, "--word-gap"))
				o.speech.word_gap = (int)v, o.given |= OPT_WORD_GAP;
			else if (!strcmp(a, "--bitrate"))
				o.audio.bitrate = (int)v, o.given |= OPT_BITRATE;
			else
				o.audio.quality = (int)v, o.given |= OPT_QUALITY;
			o.given |= !strcmp(a, "--bitrate") || !strcmp(a, "--quality")
			                   ? OPT_AUDIO : OPT_SPEECH;
		} else if (!strcmp(a, "--loudness") || !strcmp(a, "--true-peak")) {
			char *end = NULL;
			double v = i + 1 < argc ? strtod(argv[i + 1], &end) : 0;
			if (i + 1 >= argc || !end || *end || end == argv[i + 1]) {
				rc = cli_usage_error(_("this option needs a number:"), a);
				goto out;
			}
			i++;
			if (!strcmp(a, "--loudness"))
				o.audio.loudness = v, o.given |= OPT_LOUDNESS;
			else
				o.audio.true_peak = v, o.given |= OPT_TRUE_PEAK;
			o.given |= OPT_AUDIO;
		} else if (!strcmp(a, "--speed") || !strcmp(a, "--formats") ||
		           !strcmp(a, "--cache")) {
			if (i + 1 >= argc) {
				rc = cli_usage_error(_("this option needs a value:"), a);
				goto out;
			}
			if (!strcmp(a, "--speed"))
				o.speeds = argv[++i];
			else if (!strcmp(a, "--formats"))
				o.formats = argv[++i], o.given |= OPT_FORMATS;
			else
				o.cache = argv[++i];
			o.given |= !strcmp(a, "--cache") ? OPT_CACHE : OPT_AUDIO;
		} else if (!strcmp(a, "--format") || !strcmp(a, "--brf-break") ||
		           !strcmp(a, "--party") || !strcmp(a, "--candidate") ||
		           !strcmp(a, "-o") || !strcmp(a, "--profile")) {
			if (i + 1 >= argc) {
				rc = cli_usage_error(_("this option needs a value:"), a);
				goto out;
			}
			if (!strcmp(a, "--format")) {
				o.format = argv[++i];
				o.given |= OPT_FORMAT;
			} else if (!strcmp(a, "--brf-break")) {
				o.brf_break = argv[++i];
				o.given |= OPT_BRFBREAK;
			} else if (!strcmp(a, "--party")) {
				o.party = argv[++i];
				o.given |= OPT_WHO;
			} else if (!strcmp(a, "-o")) {
				o.output = argv[++i];
				o.given |= OPT_OUTPUT;
			} else if (!strcmp(a, "--profile")) {
				o.profile = argv[++i];
				o.given |= OPT_PROFILE;
			} else {
				o.candidate = argv[++i];
				o.given |= OPT_WHO;
			}
		} else if (!strcmp(a, "--jobs")) {
			char *end = NULL;
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (i + 1 >= argc || !end || *end || end == argv[i + 1] ||
			    v < 1 || v > 256) {
				rc = cli_usage_error(_("--jobs needs a number of workers, 1-256, not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			o.jobs = (int)v;
			o.given |= OPT_JOBS;
			i++;
		} else if (!strcmp(a, "--shard")) {
			unsigned k = 0, n = 0;
			char tail = 0;
			if (i + 1 >= argc ||
			    sscanf(argv[i + 1], "%u/%u%c", &k, &n, &tail) != 2 || k < 1 ||
			    n < 1 || k > n || n > 100000) {
				rc = cli_usage_error(_("--shard needs K/N with 1 <= K <= N, not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			o.shard = k;
			o.shards = n;
			o.given |= OPT_SHARD;
			i++;
		} else if (!strcmp(a, "--quick")) {
			o.quick = true;
			o.given |= OPT_VERIFY;
		} else if (!strcmp(a, "--partial")) {
			o.partial = true;
			o.given |= OPT_VERIFY;
		} else if (!strcmp(a, "--max-input-size")) {
			unsigned long long v = 0;
			if (i + 1 >= argc || !parse_size(argv[i + 1], &v)) {
				rc = cli_usage_error(_("--max-input-size needs a size such as "
				                   "256M or 1G, not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			bk_set_max_input_size(v);
			i++;
		} else if (!strcmp(a, "--max-diagnostics")) {
			char *end = NULL;
			unsigned long long v = i + 1 < argc && argv[i + 1][0] >= '0' &&
			                       argv[i + 1][0] <= '9'
			                               ? strtoull(argv[i + 1], &end, 10) : 0;
			if (i + 1 >= argc || !end || *end || v > 1000000000) {
				rc = cli_usage_error(_("--max-diagnostics needs a number "
				                   "(0: all), not"),
				                 i + 1 < argc ? argv[i + 1] : "nothing");
				goto out;
			}
			diag_limit = (size_t)v;
			i++;
		} else if (!strcmp(a, "--definition")) {
			if (i + 1 >= argc) {
				rc = cli_usage_error(_("this option needs a value:"), a);
				goto out;
			}
			o.definition = argv[++i];
			o.given |= OPT_DEFINITION;
		} else if (!strcmp(a, "--templates") || !strcmp(a, "--ballot") ||
		           !strcmp(a, "--lang")) {
			if (i + 1 >= argc) {
				rc = cli_usage_error(_("this option needs a value:"), a);
				goto out;
			}
			const char *v = argv[++i];
			if (!strcmp(a, "--templates")) {
				o.templates = v;
			} else if (!strcmp(a, "--ballot")) {
				ballots[o.nballots++] = v;
				o.given |= OPT_BALLOT;
			} else {
				o.langs = v;
				o.given |= OPT_LANG;
			}
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage_error(_("unknown option"), a);
			goto out;
		} else if (!cmd) {
			cmd = a;
		} else if (!o.file) {
			o.file = a;
		} else if (cmd && (!strcmp(cmd, "braille") || !strcmp(cmd, "speak") ||
		                   !strcmp(cmd, "index"))) {
			texts[o.ntexts++] = a;
		} else {
			rc = cli_usage_error(_("unexpected argument"), a);
			goto out;
		}
	}
	const char *bad = cmd ? inapplicable(cmd, o.format, o.given) : NULL;
	if (!cmd) {
		print_usage(stderr);
		rc = EXIT_USAGE;
	} else if (bad && strcmp(cmd, "version") && strcmp(cmd, "templates")) {
		fprintf(stderr, _("ballotkit: %s does not apply to %s%s%s\n%s"), bad,
		        cli_shown(cmd), o.format ? " --format " : "", cli_shown(o.format ? o.format : ""),
		        _("Try 'ballotkit --help'.\n"));
		rc = EXIT_USAGE;
	} else if (!strcmp(cmd, "version")) {
		printf("ballotkit %s\n", bk_version());
	} else if (!strcmp(cmd, "stencil")) {
		rc = !o.file ? cli_usage_error(_("this command needs a definition file:"), cmd)
		             : cmd_stencil(&o);
	} else if (!strcmp(cmd, "list") || !strcmp(cmd, "leaflet")) {
		rc = !o.file ? cli_usage_error(_("this command needs a definition file:"), cmd)
		             : cmd_list(&o, !strcmp(cmd, "leaflet"));
	} else if (!strcmp(cmd, "speak")) {
		rc = !o.file ? cli_usage_error(_("speak needs a text, or a definition "
		                             "and --ballot:"), cmd)
		             : cli_cmd_speak(&o);
	} else if (!strcmp(cmd, "audio")) {
		rc = !o.file ? cli_usage_error(_("this command needs a definition file:"), cmd)
		             : cli_cmd_audio(&o);
	} else if (!strcmp(cmd, "build") || !strcmp(cmd, "index") ||
	           !strcmp(cmd, "verify")) {
		rc = !o.file ? cli_usage_error(!strcmp(cmd, "build")
		                               ? _("build needs a definition file:")
		                               : _("this command needs a kit folder:"),
		                           cmd)
		     : !strcmp(cmd, "build") ? cli_cmd_build(&o)
		     : !strcmp(cmd, "index") ? cli_cmd_index(&o)
		                             : cli_cmd_verify(&o);
	} else if (!strcmp(cmd, "braille")) {
		rc = o.nballots || o.json
		             ? cli_usage_error(_("braille takes"), "--lang and texts")
		             : cmd_braille(&o);
	} else if (!strcmp(cmd, "defaults")) {
		rc = o.file ? cli_usage_error(_("unexpected argument"), o.file)
		            : cli_cmd_defaults(&o);
	} else if (!strcmp(cmd, "templates")) {
		rc = o.file ? cli_usage_error(_("unexpected argument"), o.file)
		            : cmd_templates(&o);
	} else if (!strcmp(cmd, "validate") || !strcmp(cmd, "script")) {
		if (!o.file)
			rc = cli_usage_error(_("this command needs a definition file:"), cmd);
		else if (!strcmp(cmd, "validate") && (o.nballots || o.langs))
			rc = cli_usage_error(_("--ballot and --lang are not options of"), cmd);
		else
			rc = !strcmp(cmd, "validate") ? cmd_validate(&o)
			                              : cmd_script(&o);
	} else {
		rc = cli_usage_error(_("unknown command"), cmd);
	}
out:
	free(ballots);
	free(texts);
	if ((fflush(stdout) != 0 || ferror(stdout)) && (rc == 0 || rc == EXIT_SOFTWARE)) {
		fprintf(stderr, _("ballotkit: cannot write to standard output\n"));
		rc = EXIT_SOFTWARE;
	}
	return rc;
}
