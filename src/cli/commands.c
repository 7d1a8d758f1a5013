/* The ballotkit command's table of commands, and what is drawn from it
 * with the table of options (args.c): the check that an option applies
 * to a command, the help, and the man page's SYNOPSIS and OPTIONS. */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int cmd_version(const options *o);
static int cmd_help(const options *o);
static int cmd_man(const options *o);

/* list and leaflet: the page options follow the format */
static const cli_format_opts list_formats[] = {
	{"", OPT_PAGE}, {"txt", OPT_PAGE}, {"pef", OPT_PAGE},
	{"brf", OPT_PAGE | OPT_BRFBREAK},
	{"swell-pdf", OPT_PROFILE | OPT_INTERLINE},
	{"large-print-pdf", OPT_SIZE},
	{NULL, 0}};
static const cli_format_opts stencil_formats[] = {
	{"svg", OPT_SHEET}, {"png", OPT_SHEET | OPT_DPI}, {NULL, 0}};

#define NEEDS_FILE _("this command needs a definition file:")
#define NEEDS_DIR _("this command needs a kit folder:")
#define AUDIO_OPTS (OPT_SPEECH | OPT_AUDIO | OPT_CACHE)

/* The commands, in the order the help lists them. usage holds one
 * synopsis a line; a line that begins with two spaces continues the one
 * before. Rows look alike (a duplicate-code finder pairs two of them):
 * they are data, not logic, and stay. */
static const cli_command commands[] = {
	{"validate", cli_cmd_validate, OPT_JSON | OPT_PRINT, 0, NULL, false, false,
	 CLI_ARGS_FILE, NEEDS_FILE,
	 _("check a definition; list every problem or summarise the election"),
	 "validate FILE [--json] [--output-intent FILE.icc]",
	 _("Check a definition; list every problem with its line, column and\n"
	   "field, or summarise the election when it is valid.\n")},
	{"import", cli_cmd_import, OPT_OUTPUT | OPT_IMPORT, 0, NULL, false, true,
	 CLI_ARGS_FILE, _("import needs the tables (CSV files):"),
	 _("make a definition from the commission's tables"),
	 "import TABLE.csv|BOOK.xlsx... -o election.json [--encoding NAME]\n"
	 "  [--separator SEP] [--ignore-column HEADER]...\n"
	 "import --from nist-1500-20 BD.json -o election.json\n"
	 "  [--language-map en=ru]",
	 _("Read the tables (election, areas, districts, polling stations,\n"
	   "parties, candidates, ballots, draws, pronunciations, leaflets,\n"
	   "production; docs/import.md) and write the definition they describe,\n"
	   "validated: nothing is written unless it is valid. --from\n"
	   "nist-1500-20: read a NIST SP 1500-20 BallotDefinition instead\n"
	   "(docs/nist-1500-20.md).\n")},
	{"export", cli_cmd_export, OPT_FORMAT | OPT_OUTPUT, 0, NULL, false,
	 false, CLI_ARGS_FILE, NEEDS_FILE,
	 _("write a definition for another election system"),
	 "export FILE --format nist-1500-20 -o OUT.json",
	 _("Validate a definition and write it as a NIST SP 1500-20\n"
	   "BallotDefinition (JSON) for other election systems; what NIST has\n"
	   "no place for is kept in ExternalIdentifier entries\n"
	   "(docs/nist-1500-20.md).\n")},
	{"boxes", cli_cmd_boxes, OPT_JSON | OPT_BOXES, 0, NULL, false, false,
	 CLI_ARGS_FILE, _("this command needs a ballot PDF:"),
	 _("find the marking boxes in a ballot's print PDF or scan"),
	 "boxes BALLOT.pdf [--page N] [--expected N] [--json] [--proof OUT.pdf]",
	 _("Find the marking boxes on a page of the PDF that goes to the ballot\n"
	   "printer, or of a scan of a printed ballot, and list them in reading\n"
	   "order in mm from the page's top-left corner, with the page size, the\n"
	   "method (vector or raster) and the cut corner when one is printed\n"
	   "(docs/stencil.md). --expected refuses a page with another number of\n"
	   "boxes; --proof writes the page with the boxes outlined and numbered.\n")},
	{"script", cli_cmd_script, OPT_JSON | OPT_BALLOT | OPT_LANG, 0, NULL,
	 false, false, CLI_ARGS_FILE, NEEDS_FILE,
	 _("print the ballot scripts"),
	 "script FILE [--ballot ID]... [--lang kk,ru] [--json]",
	 _("Print the ballot script (what the audio says and the stencil\n"
	   "numbers) of each ballot in each language.\n")},
	{"braille", cli_cmd_braille, OPT_LANG, 0, NULL, false, true,
	 CLI_ARGS_ANY, NULL, _("show texts as print, braille and braille read back"),
	 "braille [--lang kk|ru] [TEXT]...",
	 _("Show each text (or each line of standard input) as print, Unicode\n"
	   "braille and the braille read back, for a reviewer.\n")},
	/* Rows of one table share their shape (here and at "audio"): data,
	 * not logic repeated. */
	{"list", cli_cmd_list, OPT_FORMAT | OPT_OUTPUT | OPT_LANG | OPT_BALLOT,
	 0, list_formats, false, false, CLI_ARGS_FILE, NEEDS_FILE,
	 _("write the braille or large-print list of one ballot"),
	 "list FILE --ballot ID --lang kk|ru [--format txt|brf|pef|swell-pdf]\n"
	 "  [-o OUT] [--cells N] [--lines N] [--binding N] [--interpoint]\n"
	 "  [--brf-break ff|crlf-ff|none] [--profile ID] [--interline]\n"
	 "list FILE --ballot ID --lang kk|ru --format large-print-pdf\n"
	 "  [--size PT] -o OUT",
	 _("Write the braille list of one ballot in one language to OUT or\n"
	   "standard output (swell-pdf needs -o; its page follows the braille\n"
	   "profile, the election's by default); --format large-print-pdf: the\n"
	   "same list in large print (" CLI_STR(BK_LARGE_PRINT_SIZE_MIN)
	   " pt and up).\n")},
	{"leaflet", cli_cmd_leaflet, OPT_FORMAT | OPT_OUTPUT | OPT_LANG | OPT_WHO,
	 0, list_formats, false, false, CLI_ARGS_FILE, NEEDS_FILE,
	 _("write a tactile leaflet of a party or candidate"),
	 "leaflet FILE (--party ID | --candidate ID) --lang kk|ru\n"
	 "  [list's options]",
	 _("Write the tactile leaflet of a party or a candidate, as list\n"
	   "writes a list.\n")},
	{"stencil", cli_cmd_stencil, OPT_FORMAT | OPT_OUTPUT | OPT_BALLOT |
	 OPT_LANG | OPT_TAB | OPT_COUNTING | OPT_BALLOT_PDF | OPT_BOXES |
	 OPT_PRINT, 0,
	 stencil_formats, false, false,
	 CLI_ARGS_FILE, NEEDS_FILE, _("write the braille stencil of a ballot"),
	 "stencil FILE --ballot ID --format print-pdf|swell-pdf|svg|png|proof-pdf\n"
	 "  -o OUT [--tab] [--counting-dots] [--sheet N] [--lang kk|ru] [--dpi N]\n"
	 "  [--ballot-pdf BALLOT.pdf [--page N] [--show-boxes OUT.pdf]]\n"
	 "  [--output-intent FILE.icc]",
	 _("Write the braille stencil of a ballot (labels in --lang, the\n"
	   "election's first by default), or the ballot proof to lay it over.\n"
	   "With --ballot-pdf the windows stand over the marking boxes found on\n"
	   "that page of the ballot's print PDF, as with paper.source.\n")},
	{"speak", cli_cmd_speak, OPT_LANG | OPT_SPEECH | OPT_OUTPUT | OPT_CACHE,
	 OPT_BALLOT | OPT_AUDIO, NULL, false, true, CLI_ARGS_FILE,
	 _("speak needs a text, or a definition and --ballot:"),
	 _("speak texts, or write the audio ballot of one ballot"),
	 "speak [--lang kk|ru] TEXT... [-o CLIPS.wav]\n"
	 "speak FILE --ballot ID --lang kk|ru -o DIR [audio's options]",
	 _("Show what the voice is given for each text and write the clips one\n"
	   "after another, as eSpeak NG gives them; or write the audio ballot of\n"
	   "one ballot in one language into DIR, for a reviewer.\n")},
	/* (the same shape as the rows above: data, not logic repeated) */
	{"audio", cli_cmd_audio, OPT_BALLOT | OPT_LANG | OPT_OUTPUT | AUDIO_OPTS,
	 0, NULL, false, false, CLI_ARGS_FILE, NEEDS_FILE,
	 _("write the audio ballots"),
	 "audio FILE -o DIR [--ballot ID]... [--lang kk,ru] [--formats LIST]\n"
	 "  [--speed 0.75,1.5] [--loudness LUFS] [--true-peak DBTP]\n"
	 "  [--bitrate KBPS] [--quality 0-" CLI_STR(BK_AUDIO_QUALITY_MAX)
	 "] [--cache DIR]",
	 _("Write the audio ballot of each ballot in each language into\n"
	   "DIR/BALLOT-LANG/: the audio outputs of the definition's\n"
	   "production.outputs (by default MP3 with chapters, one MP3 per\n"
	   "position and a playlist, DAISY 2.02, transcript, captions and a\n"
	   "review page), or those --formats names (audio-wav, audio-flac,\n"
	   "audio-vorbis, audio-opus, audio-phone...; see defaults); and speed\n"
	   "variants (pitch kept).\n")},
	{"build", cli_cmd_build, OPT_BALLOT | OPT_LANG | OPT_OUTPUT | AUDIO_OPTS |
	 OPT_JSON | OPT_JOBS | OPT_SHARD | OPT_TAB | OPT_COUNTING | OPT_PRINT,
	 0, NULL, false, false, CLI_ARGS_FILE, _("build needs a definition file:"),
	 _("write the kit of each ballot, then the index"),
	 "build FILE -o DIR [--ballot ID]... [--lang kk,ru] [--formats LIST]\n"
	 "  [--jobs N] [--shard K/N] [--json] [--cache DIR] [audio's options]\n"
	 "  [--output-intent FILE.icc]",
	 _("Write the kit of each ballot into DIR/kits/BALLOT/ (the outputs of\n"
	   "production.outputs or --formats, scripts, README, manifest.json with\n"
	   "SHA-256) with N worker processes; unchanged kits are skipped; then\n"
	   "DIR's index, packing lists and print quantities.\n")},
	{"index", cli_cmd_index, 0, 0, NULL, false, true, CLI_ARGS_FILE,
	 NEEDS_DIR, _("gather the kits of shard folders and write the index"),
	 "index DIR [SHARD_DIR]...",
	 _("Copy the kits of shard folders into DIR and write DIR's index.\n")},
	{"verify", cli_cmd_verify, OPT_DEFINITION | OPT_JSON | OPT_VERIFY |
	 OPT_KITS, 0, NULL, false, false, CLI_ARGS_FILE, NEEDS_DIR,
	 _("decode every kit and compare it with the definition"),
	 "verify DIR [--definition FILE] [--partial] [--quick] [--json]\n"
	 "verify JOB [--kits DIR] [--json]",
	 _("Check every kit's checksums, then decode every file (stencil,\n"
	   "braille, large print, leaflets, audio and what it says) and compare\n"
	   "it with the ballot scripts made from the definition (without it:\n"
	   "with the kit's own). A print job's folder (print-job) is checked\n"
	   "against its ticket and the kits folder: every sheet decoded, slot\n"
	   "by slot.\n")},
	{"print-job", cli_cmd_print_job, OPT_OUTPUT | OPT_SHEET | OPT_PRESS |
	 OPT_PRINT, 0, NULL, false, false, CLI_ARGS_FILE, NEEDS_DIR,
	 _("impose a kits folder's stencils on press sheets, with a job ticket"),
	 "print-job DIR -o JOB [--sheet SRA3|A3|A4|WxH] [--gap MM]\n"
	 "  [--marks SET] [--sheets-per-file N] [--output-intent FILE.icc]",
	 _("Impose the stencil print and swell PDFs of a built kits folder on\n"
	   "press sheets (PDF/X-4), each kind on sheets of its own and each\n"
	   "stencil as often as the packing lists ask, with crop marks, the\n"
	   "cutter's registration marks and a slug line; write the job ticket\n"
	   "(job-ticket.json, job-ticket.csv) and check the job as verify does\n"
	   "(docs/print-shop.md).\n")},
	{"templates", cli_cmd_templates, 0, 0, NULL, true, false, CLI_ARGS_NONE,
	 NULL, _("list the stencil templates and their positions"), "templates",
	 _("List the stencil templates and how many positions each holds.\n")},
	{"defaults", cli_cmd_defaults, OPT_JSON, 0, NULL, false, false,
	 CLI_ARGS_NONE, NULL, _("list the defaults of the definition format"),
	 "defaults [--json]",
	 _("List the defaults of the definition format and the output names\n"
	   "with their files.\n")},
	{"version", cmd_version, 0, 0, NULL, true, false, CLI_ARGS_ANY, NULL,
	 _("print the version"), "version", _("Print the version.\n")},
	{"help", cmd_help, 0, 0, NULL, true, false, CLI_ARGS_ANY, NULL,
	 _("show the help of a command"), "help [COMMAND]",
	 _("Show the list of commands, or a command's usage and options.\n")},
	/* hidden (no summary): the man page's SYNOPSIS and OPTIONS, which
	 * tests/test_help.py compares with docs/ballotkit.1 */
	{"man-sections", cmd_man, 0, 0, NULL, true, false, CLI_ARGS_ANY, NULL,
	 NULL, NULL, NULL},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

const cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The groups cmd allows with format fmt ("" when none is given). */
static uint64_t allowed(const cli_command *cmd, const char *fmt,
                        uint64_t given)
{
	uint64_t ok = cmd->opts;
	if (given & OPT_BALLOT)
		ok |= cmd->with_ballot;
	for (const cli_format_opts *f = cmd->formats; f && f->format; f++)
		if (!strcmp(f->format, fmt))
			ok |= f->opts;
	return ok;
}

/* Every group cmd may allow, with any format. */
static uint64_t allowed_any(const cli_command *cmd)
{
	uint64_t ok = cmd->opts | cmd->with_ballot;
	for (const cli_format_opts *f = cmd->formats; f && f->format; f++)
		ok |= f->opts;
	return ok;
}

const char *cli_inapplicable(const cli_command *cmd, const options *o)
{
	if (cmd->lenient)
		return NULL;
	size_t n;
	const cli_option *opts = cli_options(&n);
	uint64_t groups = 0;
	for (size_t i = 0; i < n; i++)
		groups |= opts[i].group;
	uint64_t ok = allowed(cmd, o->format ? o->format : "", o->given);
	for (unsigned b = 0; b < 64; b++) {
		uint64_t bit = 1ull << b;
		if ((groups & bit) && (o->given & bit) && !(ok & bit))
			return cli_group_name(bit);
	}
	return NULL;
}

/* Writes text from column col on, wrapped before column 80 with lines
 * after the first indented to column 25. */
static void print_wrapped(FILE *out, const char *text, size_t col)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		if (col > 25 && col + 1 + len > 79) {
			fprintf(out, "\n%25s", "");
			col = 25;
		} else if (col > 25) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)len, p);
		col += len;
		p += len;
		p += strspn(p, " ");
	}
	fputc('\n', out);
}

static void print_option(FILE *out, const cli_option *op, const char *note)
{
	char name[64], text[512];
	snprintf(name, sizeof name, "%s%s%s", op->name, op->arg ? " " : "",
	         op->arg ? op->arg : "");
	size_t len = (size_t)snprintf(text, sizeof text, "%s", op->help);
	if ((op->flags & CLI_BOUNDS) && len < sizeof text)
		len += (size_t)snprintf(text + len, sizeof text - len, " (%g-%g)",
		                        op->min, op->max);
	if (len < sizeof text)
		snprintf(text + len, sizeof text - len, "%s", note);
	fprintf(out, "  %-22s ", name);
	print_wrapped(out, text, 25);
}

static void print_common_options(FILE *out)
{
	size_t n;
	const cli_option *opts = cli_options(&n);
	fputs(_("\nOptions for every command:\n"), out);
	for (size_t i = 0; i < n; i++)
		if (!opts[i].group)
			print_option(out, &opts[i], "");
	fputs(_("  -h, --help             show this help\n"
	        "  -V, --version          show the version\n"), out);
}

void cli_print_help(FILE *out)
{
	fputs(_("Usage: ballotkit COMMAND [OPTIONS]\n"
	        "\n"
	        "Accessibility kits for elections: audio ballots, braille stencils and\n"
	        "tactile leaflets from one ballot definition.\n"
	        "\n"
	        "Commands:\n"), out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].summary)
			fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	print_common_options(out);
	fputs(_("\n'ballotkit COMMAND --help' or 'ballotkit help COMMAND' shows a\n"
	        "command's usage and options.\n"
	        "\n"
	        "Exit codes: 0 done, 64 wrong usage, 65 invalid definition or text\n"
	        "braille cannot write, 66 file not readable, 70 internal error (or\n"
	        "standard output not writable), 73 output file not writable, 78\n"
	        "templates broken.\n"), out);
}

/* Prints cmd's usage lines: the first of each synopsis after "Usage:"
 * or "   or:", its continuations indented. */
static void print_usage_lines(FILE *out, const char *usage)
{
	bool first = true;
	for (const char *p = usage; *p;) {
		size_t len = strcspn(p, "\n");
		if (p[0] == ' ')
			fprintf(out, "                 %.*s\n", (int)len - 2, p + 2);
		else
			fprintf(out, "%s ballotkit %.*s\n", first ? _("Usage:") : _("   or:"),
			        (int)len, p);
		first = false;
		p += len + (p[len] == '\n');
	}
}

/* The formats of cmd that allow group, as a note for the help. */
static void format_note(const cli_command *cmd, uint64_t group, char *buf,
                        size_t cap)
{
	buf[0] = '\0';
	if (cmd->opts & group)
		return;
	if (cmd->with_ballot & group) {
		snprintf(buf, cap, _(" (with --ballot)"));
		return;
	}
	size_t len = 0;
	for (const cli_format_opts *f = cmd->formats; f && f->format; f++)
		if ((f->opts & group) && *f->format && len < cap)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s",
			                        len ? ", " : _(" (--format "), f->format);
	if (len && len < cap)
		snprintf(buf + len, cap - len, ")");
}

int cli_print_command_help(const char *name)
{
	const cli_command *cmd = cli_command_find(name);
	if (!cmd || !cmd->summary)
		return cli_usage_error(_("unknown command"), name);
	print_usage_lines(stdout, cmd->usage);
	printf("\n%s", cmd->help);
	uint64_t ok = allowed_any(cmd);
	size_t n;
	const cli_option *opts = cli_options(&n);
	if (ok)
		printf(_("\nOptions:\n"));
	for (size_t i = 0; i < n; i++) {
		char note[128];
		if (!opts[i].group || !(ok & opts[i].group))
			continue;
		format_note(cmd, opts[i].group, note, sizeof note);
		print_option(stdout, &opts[i], note);
	}
	print_common_options(stdout);
	return 0;
}

static int cmd_version(const options *o)
{
	(void)o;
	printf("ballotkit %s\n", bk_version());
	return 0;
}

static int cmd_help(const options *o)
{
	if (!o->file) {
		cli_print_help(stdout);
		return 0;
	}
	return cli_print_command_help(o->file);
}

/* Writes s as roff: metavariables (FILE, ID) in italics, option and
 * command names in bold, hyphens escaped. */
static void roff_words(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;
		const char *font = NULL;
		if (isupper((unsigned char)s[i])) {
			while (j < len && (isalnum((unsigned char)s[j]) ||
			                   strchr("_.,/", s[j])))
				j++;
			font = "\\fI";
		} else if (islower((unsigned char)s[i]) || s[i] == '-') {
			while (j < len && (isalnum((unsigned char)s[j]) ||
			                   strchr("-'", s[j])))
				j++;
			font = "\\fB";
		}
		if (font)
			fputs(font, stdout);
		for (size_t k = i; k < j; k++) {
			if (s[k] == '-')
				fputs("\\-", stdout);
			else
				putchar(s[k]);
		}
		if (font)
			fputs("\\fR", stdout);
		i = j;
	}
}

static void man_synopsis(void)
{
	printf(".nh\n.ad l\n"); /* no hyphens, ragged right */
	for (size_t c = 0; c < NCOMMANDS; c++) {
		if (!commands[c].summary)
			continue;
		for (const char *p = commands[c].usage; *p;) {
			size_t len = strcspn(p, "\n");
			size_t skip = strspn(p, " ");
			if (!skip)
				printf("\\fBballotkit\\fR ");
			roff_words(p + skip, len - skip);
			printf("\n");
			p += len + (p[len] == '\n');
			if (!*p || *p != ' ')
				printf(".br\n");
		}
	}
	printf(".ad b\n.hy\n");
}

/* The options of commands, each with the commands that take it. */
static void man_options(void)
{
	size_t n;
	const cli_option *opts = cli_options(&n);
	for (size_t i = 0; i < n; i++) {
		if (!opts[i].group)
			continue;
		printf(".TP\n");
		roff_words(opts[i].name, strlen(opts[i].name));
		if (opts[i].arg) {
			printf(" ");
			roff_words(opts[i].arg, strlen(opts[i].arg));
		}
		printf("\n%s", opts[i].help);
		if (opts[i].flags & CLI_BOUNDS)
			printf(" (%g\\(en%g)", opts[i].min, opts[i].max);
		printf(". Commands:");
		for (size_t c = 0, k = 0; c < NCOMMANDS; c++)
			if (allowed_any(&commands[c]) & opts[i].group)
				printf("%s \\fB%s\\fR", k++ ? "," : "", commands[c].name);
		printf(".\n");
	}
}

/* man-sections synopsis|options: the generated parts of docs/ballotkit.1 */
static int cmd_man(const options *o)
{
	if (o->file && !strcmp(o->file, "synopsis"))
		man_synopsis();
	else if (o->file && !strcmp(o->file, "options"))
		man_options();
	else
		return cli_usage_error(_("man-sections prints"), "synopsis or options");
	return 0;
}

/* Runs the command name with o: the check of its options and arguments
 * first. Returns the exit code. */
int cli_run(const char *name, options *o)
{
	const cli_command *cmd = cli_command_find(name);
	if (!cmd)
		return cli_usage_error(_("unknown command"), name);
	const char *bad = cli_inapplicable(cmd, o);
	if (bad) {
		fprintf(stderr, _("ballotkit: %s does not apply to %s%s%s\n%s"), bad,
		        cli_shown(name), o->format ? " --format " : "",
		        cli_shown(o->format ? o->format : ""),
		        _("Try 'ballotkit --help'.\n"));
		return EXIT_USAGE;
	}
	if (cmd->args == CLI_ARGS_FILE && !o->file)
		return cli_usage_error(cmd->needs, name);
	if (cmd->args == CLI_ARGS_NONE && o->file)
		return cli_usage_error(_("unexpected argument"), o->file);
	return cmd->run(o);
}
