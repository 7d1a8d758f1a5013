/* The ballotkit command's tables: one of commands, one of options. Option
 * parsing, the check that an option applies to a command, the bounds, the
 * help and the man page's SYNOPSIS and OPTIONS are all drawn from them. */
#include "cli.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(field) offsetof(options, field)
#define NEEDS_VALUE _("this option needs a value:")
#define NEEDS_WHOLE _("this option needs a whole number:")

/* The options, in the order the help lists them. Options of one OPT_*
 * group are adjacent: a refusal names the group as their names joined by
 * '/' ("--cells/--lines/--binding/--interpoint"). */
static const cli_option options_table[] = {
	{"--ballot", "ID", CLI_BALLOT, C_STR, OPT_BALLOT, 0, 0, 0, 0, 0,
	 NEEDS_VALUE, _("a ballot of the definition (repeatable; default: all)")},
	{"--lang", "LANGS", CLI_STRING, C_STR, OPT_LANG, 0, 0, 0, 0, F(langs),
	 NEEDS_VALUE, _("the languages, kk and/or ru, separated by commas")},
	{"--json", NULL, CLI_FLAG, C_BOOL, OPT_JSON, 0, 0, 0, 0, F(json),
	 NULL, _("print JSON instead of text")},
	{"--format", "FORMAT", CLI_STRING, C_STR, OPT_FORMAT, 0, 0, 0, 0,
	 F(format), NEEDS_VALUE, _("the output format")},
	{"-o", "OUT", CLI_STRING, C_STR, OPT_OUTPUT, 0, 0, 0, 0, F(output),
	 NEEDS_VALUE, _("the output file or folder")},
	{"--party", "ID", CLI_STRING, C_STR, OPT_WHO, 0, 0, 0, 0, F(party),
	 NEEDS_VALUE, _("the party of a leaflet")},
	{"--candidate", "ID", CLI_STRING, C_STR, OPT_WHO, 0, 0, 0, 0,
	 F(candidate), NEEDS_VALUE, _("the candidate of a leaflet")},
	{"--cells", "N", CLI_INT, C_UINT, OPT_PAGE, 0, 0, 1000, 0,
	 F(layout.cells), NEEDS_WHOLE, _("braille cells per line")},
	{"--lines", "N", CLI_INT, C_UINT, OPT_PAGE, 0, 0, 1000, 0,
	 F(layout.lines), NEEDS_WHOLE, _("braille lines per page")},
	{"--binding", "N", CLI_INT, C_UINT, OPT_PAGE, 0, 0, 1000, 0,
	 F(layout.binding), NEEDS_WHOLE, _("cells left for the binding")},
	{"--interpoint", NULL, CLI_FLAG, C_INT, OPT_PAGE, 0, 0, 0, 0,
	 F(layout.interpoint), NULL, _("braille on both sides of the paper")},
	{"--brf-break", "BREAK", CLI_STRING, C_STR, OPT_BRFBREAK, 0, 0, 0, 0,
	 F(brf_break), NEEDS_VALUE, _("the page break of BRF: ff, crlf-ff or none")},
	{"--profile", "ID", CLI_STRING, C_STR, OPT_PROFILE, 0, 0, 0, 0,
	 F(profile), NEEDS_VALUE,
	 _("the braille profile of swell paper (default: the election's)")},
	{"--interline", NULL, CLI_FLAG, C_INT, OPT_INTERLINE, 0, 0, 0, 0,
	 F(interline), NULL, _("print each line's text under its braille")},
	{"--size", "PT", CLI_DOUBLE, C_DOUBLE, OPT_SIZE, 0, 1, 1000, 0,
	 F(size_pt), _("this option needs a size in points:"),
	 _("the large print's type size in points ("
	   CLI_STR(BK_LARGE_PRINT_SIZE_MIN) " and up)")},
	{"--tab", NULL, CLI_FLAG, C_INT, OPT_TAB, 0, 0, 0, 0, F(tab), NULL,
	 _("a tab on the stencil's edge")},
	{"--counting-dots", NULL, CLI_FLAG, C_INT, OPT_COUNTING, 0, 0, 0, 0,
	 F(counting_dots), NULL, _("counting dots beside the windows")},
	{"--sheet", "N|SHEET", CLI_SHEET, C_LONG, OPT_SHEET, 0, 1, 1000,
	 CLI_SHOW_VALUE | CLI_BOUNDS, F(sheet),
	 _("--sheet needs a stencil's sheet number (1-1000) or a press sheet "
	   "(SRA3, A3, A4, WxH), not"),
	 _("print-job: the press sheet, SRA3, A3, A4 or WxH in mm (SRA3); "
	   "stencil: the sheet to write (svg, png)")},
	{"--gap", "MM", CLI_DOUBLE, C_DOUBLE, OPT_PRESS, 0, 0,
	 BK_PRINT_JOB_GAP_MAX, CLI_SHOW_VALUE | CLI_BOUNDS, F(gap),
	 _("--gap needs a distance in mm, 0-" CLI_STR(BK_PRINT_JOB_GAP_MAX) ", not"),
	 _("print-job: mm between two stencils' bleeds (10; the crop marks "
	   "need it)")},
	{"--marks", "SET", CLI_STRING, C_STR, OPT_PRESS, 0, 0, 0, CLI_STRICT,
	 F(marks), NEEDS_VALUE,
	 _("print-job: the registration mark set, a name in templates/print/"
	   "marks/ or a file (default)")},
	{"--sheets-per-file", "N", CLI_INT, C_UINT, OPT_PRESS, 0, 1,
	 BK_PRINT_JOB_SHEETS_PER_FILE_MAX, CLI_STRICT | CLI_SHOW_VALUE | CLI_BOUNDS,
	 F(sheets_per_file),
	 _("--sheets-per-file needs a number of sheets, 1-"
	   CLI_STR(BK_PRINT_JOB_SHEETS_PER_FILE_MAX) ", not"),
	 _("print-job: sheets in one PDF (100)")},
	{"--kits", "DIR", CLI_STRING, C_STR, OPT_KITS, 0, 0, 0, CLI_STRICT,
	 F(kits), NEEDS_VALUE,
	 _("the kits folder a print job was made from (default: the job "
	   "folder's parent)")},
	{"--dpi", "N", CLI_DOUBLE, C_DOUBLE, OPT_DPI, 0, BK_STENCIL_DPI_MIN,
	 BK_STENCIL_DPI_MAX, CLI_SHOW_VALUE | CLI_BOUNDS, F(dpi),
	 _("--dpi needs a resolution of " CLI_STR(BK_STENCIL_DPI_MIN) "–"
	   CLI_STR(BK_STENCIL_DPI_MAX) ", not"),
	 _("the resolution of png (150)")},
	{"--rate", "WPM", CLI_INT, C_INT, OPT_SPEECH, OPT_RATE, 0, 1000,
	 CLI_STRICT, F(speech.rate), NEEDS_WHOLE,
	 _("words a minute (overrides production.speech)")},
	{"--pitch", "N", CLI_INT, C_INT, OPT_SPEECH, OPT_PITCH, 0, 1000,
	 CLI_STRICT, F(speech.pitch), NEEDS_WHOLE,
	 _("the voice's pitch, 0-" CLI_STR(BK_SPEECH_PITCH_MAX) " (50)")},
	{"--volume", "N", CLI_INT, C_INT, OPT_SPEECH, OPT_VOLUME, 0, 1000,
	 CLI_STRICT, F(speech.volume), NEEDS_WHOLE,
	 _("the voice's amplitude, 0-" CLI_STR(BK_SPEECH_VOLUME_MAX) " (100)")},
	{"--word-gap", "N", CLI_INT, C_INT, OPT_SPEECH, OPT_WORD_GAP, 0, 1000,
	 CLI_STRICT, F(speech.word_gap), NEEDS_WHOLE,
	 _("extra pause between words, 10 ms units (0)")},
	{"--loudness", "LUFS", CLI_DOUBLE, C_DOUBLE, OPT_AUDIO, OPT_LOUDNESS,
	 -HUGE_VAL, HUGE_VAL, 0, F(audio.loudness),
	 _("this option needs a number:"),
	 _("integrated loudness (overrides production.speech)")},
	{"--true-peak", "DBTP", CLI_DOUBLE, C_DOUBLE, OPT_AUDIO, OPT_TRUE_PEAK,
	 -HUGE_VAL, HUGE_VAL, 0, F(audio.true_peak),
	 _("this option needs a number:"), _("the ceiling of the decoded files")},
	{"--bitrate", "KBPS", CLI_INT, C_INT, OPT_AUDIO, OPT_BITRATE, 0, 1000,
	 CLI_STRICT, F(audio.bitrate), NEEDS_WHOLE, _("MP3 bit rate")},
	{"--quality", "N", CLI_INT, C_INT, OPT_AUDIO, OPT_QUALITY, 0, 1000,
	 CLI_STRICT, F(audio.quality), NEEDS_WHOLE,
	 _("LAME's quality, 0 best to " CLI_STR(BK_AUDIO_QUALITY_MAX) " fastest")},
	{"--speed", "S,...", CLI_STRING, C_STR, OPT_AUDIO, 0, 0, 0, 0, F(speeds),
	 NEEDS_VALUE, _("speed variants, pitch kept (0.75,1.5)")},
	{"--formats", "LIST", CLI_STRING, C_STR, OPT_AUDIO, OPT_FORMATS, 0, 0, 0,
	 F(formats), NEEDS_VALUE,
	 _("the outputs to write (default: production.outputs)")},
	{"--cache", "DIR", CLI_STRING, C_STR, OPT_CACHE, 0, 0, 0, 0, F(cache),
	 NEEDS_VALUE, _("keep spoken clips in DIR")},
	{"--jobs", "N", CLI_INT, C_INT, OPT_JOBS, 0, 1, BK_KIT_JOBS_MAX,
	 CLI_STRICT | CLI_SHOW_VALUE | CLI_BOUNDS, F(jobs),
	 _("--jobs needs a number of workers, 1-" CLI_STR(BK_KIT_JOBS_MAX) ", not"),
	 _("worker processes")},
	{"--shard", "K/N", CLI_SHARD, C_UINT, OPT_SHARD, 0, 1, BK_KIT_SHARDS_MAX,
	 CLI_SHOW_VALUE, 0, _("--shard needs K/N with 1 <= K <= N, not"),
	 _("build only the K-th of N shares of the kits")},
	{"--definition", "FILE", CLI_STRING, C_STR, OPT_DEFINITION, 0, 0, 0, 0,
	 F(definition), NEEDS_VALUE,
	 _("compare with this definition (default: the kit's own)")},
	{"--encoding", "NAME", CLI_STRING, C_STR, OPT_IMPORT, 0, 0, 0, 0,
	 F(encoding), NEEDS_VALUE,
	 _("the CSV tables' encoding: UTF-8, UTF-16, CP1251, RK1048 or PT154 "
	   "(default: detected)")},
	{"--separator", "SEP", CLI_STRING, C_STR, OPT_IMPORT, 0, 0, 0, 0,
	 F(separator), NEEDS_VALUE,
	 _("the CSV tables' separator: \",\", \";\" or tab (default: "
	   "detected)")},
	{"--from", "FORMAT", CLI_STRING, C_STR, OPT_IMPORT, 0, 0, 0, 0, F(from),
	 NEEDS_VALUE,
	 _("import a definition of another system: nist-1500-20 (default: "
	   "tables)")},
	{"--language-map", "MAP", CLI_STRING, C_STR, OPT_IMPORT, 0, 0, 0, 0,
	 F(language_map), NEEDS_VALUE,
	 _("which of a NIST file's languages stand for kk and ru (en=ru)")},
	{"--ignore-column", "HEADER", CLI_COLUMN, C_STR, OPT_IMPORT, 0, 0, 0, 0,
	 0, NEEDS_VALUE,
	 _("leave the column with this header unread, in every table "
	   "(repeatable)")},
	{"--page", "N", CLI_INT, C_UINT, OPT_BOXES, 0, 1, 100000,
	 CLI_STRICT | CLI_SHOW_VALUE, F(box_page),
	 _("--page needs a page number, not"),
	 _("the page of the ballot PDF (1)")},
	{"--expected", "N", CLI_INT, C_SIZE, OPT_BOXES, 0, 1,
	 BK_BOXES_EXPECTED_MAX, CLI_STRICT | CLI_SHOW_VALUE | CLI_BOUNDS,
	 F(box_expected),
	 _("--expected needs a number of boxes, 1-"
	   CLI_STR(BK_BOXES_EXPECTED_MAX) ", not"),
	 _("the number of boxes the page must hold (default: any)")},
	{"--proof", "OUT.pdf", CLI_STRING, C_STR, OPT_BOXES, 0, 0, 0, 0,
	 F(proof), NEEDS_VALUE,
	 _("write the page with the boxes found outlined and numbered")},
	{"--ballot-pdf", "BALLOT.pdf", CLI_STRING, C_STR, OPT_BALLOT_PDF, 0, 0, 0,
	 0, F(ballot_pdf), NEEDS_VALUE,
	 _("the ballot's print PDF: the windows stand over the boxes found on "
	   "its --page")},
	{"--show-boxes", "OUT.pdf", CLI_STRING, C_STR, OPT_BALLOT_PDF, 0, 0, 0,
	 0, F(show_boxes), NEEDS_VALUE,
	 _("write the ballot page with the boxes found outlined and numbered")},
	{"--output-intent", "FILE.icc", CLI_STRING, C_STR, OPT_PRINT, 0, 0, 0, 0,
	 F(output_intent), NEEDS_VALUE,
	 _("the CMYK output profile the print PDFs embed as their PDF/X-4 "
	   "output intent (default: $BALLOTKIT_OUTPUT_INTENT or Ghostscript's "
	   "default_cmyk.icc)")},
	{"--quick", NULL, CLI_FLAG, C_BOOL, OPT_VERIFY, 0, 0, 0, 0, F(quick),
	 NULL, _("compare only each chapter's number with fresh speech")},
	{"--partial", NULL, CLI_FLAG, C_BOOL, OPT_VERIFY, 0, 0, 0, 0, F(partial),
	 NULL, _("accept kits with fewer outputs or languages")},
	/* options of every command (group 0) */
	{"--templates", "DIR", CLI_STRING, C_STR, 0, 0, 0, 0, 0, F(templates),
	 NEEDS_VALUE,
	 _("use the templates in DIR (default: $BALLOTKIT_TEMPLATES or the "
	   "installed ones)")},
	{"--max-input-size", "SIZE", CLI_SIZE, C_ULL, 0, 0, 1, 0, CLI_SHOW_VALUE,
	 F(max_input), _("--max-input-size needs a size such as 256M or 1G, not"),
	 _("refuse a definition or template file larger than SIZE bytes; K, M "
	   "or G for KiB, MiB, GiB (default 256M)")},
	{"--max-diagnostics", "N", CLI_INT, C_SIZE, 0, 0, 0, 1000000000,
	 CLI_SHOW_VALUE | CLI_DIGIT_FIRST, F(diag_limit),
	 _("--max-diagnostics needs a number (0: all), not"),
	 _("show the first N problems, then how many more there are "
	   "(default 200; 0: all)")},
};

const cli_option *cli_options(size_t *n)
{
	*n = sizeof options_table / sizeof *options_table;
	return options_table;
}

const cli_option *cli_option_find(const char *name)
{
	for (size_t i = 0; i < sizeof options_table / sizeof *options_table; i++)
		if (!strcmp(options_table[i].name, name))
			return &options_table[i];
	return NULL;
}

/* The names of the options of a group joined by '/'. */
const char *cli_group_name(uint64_t group)
{
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof options_table / sizeof *options_table; i++) {
		if (options_table[i].group != group)
			continue;
		if (buf[0])
			strncat(buf, "/", sizeof buf - strlen(buf) - 1);
		strncat(buf, options_table[i].name, sizeof buf - strlen(buf) - 1);
	}
	return buf;
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

static bool parse_long(const cli_option *op, const char *arg, long *v)
{
	char *end = NULL;
	if ((op->flags & CLI_DIGIT_FIRST) && (arg[0] < '0' || arg[0] > '9'))
		return false;
	*v = strtol(arg, &end, 10);
	/* a strict option refuses an empty value; the others take it as 0,
	 * which their bounds refuse but for the page options */
	if (*end || (end == arg && (op->flags & CLI_STRICT)))
		return false;
	return *v >= op->min && *v <= op->max;
}

static bool parse_shard(const cli_option *op, const char *arg, options *o)
{
	unsigned k = 0, n = 0;
	char tail = 0;
	if (sscanf(arg, "%u/%u%c", &k, &n, &tail) != 2 || k < op->min ||
	    n < op->min || k > n || n > op->max)
		return false;
	o->shard = k;
	o->shards = n;
	return true;
}

/* Parses arg for op into o; false when the value is refused. */
static bool parse_value(const cli_option *op, const char *arg, options *o)
{
	char *field = (char *)o + op->field;
	long l = 0;
	char *end = NULL;
	double d = 0;
	switch (op->kind) {
	case CLI_FLAG:
		if (op->ctype == C_BOOL)
			*(bool *)field = true;
		else
			*(int *)field = 1;
		return true;
	case CLI_STRING:
		*(const char **)field = arg;
		return true;
	case CLI_BALLOT:
		o->ballots[o->nballots++] = arg;
		return true;
	case CLI_COLUMN:
		o->ignore_columns[o->nignore++] = arg;
		return true;
	case CLI_SHARD:
		return parse_shard(op, arg, o);
	case CLI_SIZE:
		return parse_size(arg, (unsigned long long *)field);
	case CLI_SHEET:
		/* a number is a stencil's sheet, in bounds; anything else a
		 * press sheet's name or size, which print-job reads */
		o->sheet_text = arg;
		if (!*arg)
			return false;
		if (strspn(arg, "0123456789+-") != strlen(arg))
			return true;
		if (!parse_long(op, arg, &l))
			return false;
		*(long *)field = l;
		return true;
	case CLI_DOUBLE:
		d = strtod(arg, &end);
		if (*end || end == arg || d < op->min || d > op->max)
			return false;
		*(double *)field = d;
		return true;
	case CLI_INT:
		if (!parse_long(op, arg, &l))
			return false;
		if (op->ctype == C_INT)
			*(int *)field = (int)l;
		else if (op->ctype == C_UINT)
			*(unsigned *)field = (unsigned)l;
		else if (op->ctype == C_LONG)
			*(long *)field = l;
		else
			*(size_t *)field = (size_t)l;
		return true;
	}
	return false;
}

/* Parses the option at argv[*i] (and its value); returns an exit code. */
int cli_parse_option(int argc, char **argv, int *i, options *o)
{
	const char *a = argv[*i];
	const cli_option *op = cli_option_find(a);
	if (!op)
		return cli_usage_error(_("unknown option"), a);
	const char *arg = NULL;
	if (op->kind != CLI_FLAG) {
		arg = *i + 1 < argc ? argv[*i + 1] : NULL;
		if (!arg || !parse_value(op, arg, o))
			return cli_usage_error(op->error,
			                       !(op->flags & CLI_SHOW_VALUE) ? a
			                       : arg ? arg : "nothing");
		++*i;
	} else {
		parse_value(op, NULL, o);
	}
	o->given |= op->group | op->given;
	if (op->kind == CLI_SIZE)
		o->max_input_given = true;
	return 0;
}
