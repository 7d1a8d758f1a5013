/* Private to the ballotkit command: what the commands share. */
#ifndef BK_CLI_H
#define BK_CLI_H

#include <ballotkit.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Messages are marked for translation (gettext catalogues for kk and ru
 * are planned, docs/decisions.md). */
#define _(s) (s)
/* A bound (a constant of the public headers) in a message. */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

enum {
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_CANTCREAT = 73,
	EXIT_TEMPFAIL = 75,
	EXIT_CONFIG = 78
};

typedef struct options {
	const char *file;
	const char **texts; /* further arguments (braille) */
	size_t ntexts;
	const char *templates;
	const char **ballots;
	size_t nballots;
	const char *langs;
	bool json;
	const char *format;
	const char *brf_break;
	const char *party, *candidate;
	const char *output, *profile;
	int interline;
	double size_pt;
	double dpi;
	int counting_dots, tab;
	long sheet;
	const char *sheet_text; /* --sheet as given */
	/* print-job */
	double gap;
	const char *marks, *kits;
	unsigned sheets_per_file;
	/* speech and audio */
	bk_speech_options speech;
	bk_audio_options audio;
	const char *formats, *speeds, *cache;
	/* kits */
	int jobs;
	unsigned shard, shards;
	const char *definition;
	bool quick, partial;
	/* import */
	const char *encoding, *separator, *from, *language_map;
	const char **ignore_columns; /* NULL-terminated */
	size_t nignore;
	uint64_t given; /* OPT_* bits of the options on the command line */
	bk_braille_layout layout;
	/* boxes */
	unsigned box_page;
	size_t box_expected;
	const char *proof;
	/* stencil: the ballot's boxes from a ballot PDF */
	const char *ballot_pdf;
	const char *show_boxes;
	/* the print PDFs' output profile (PDF/X-4 output intent) */
	const char *output_intent;
	/* options of every command */
	size_t diag_limit;              /* --max-diagnostics (200; 0: all) */
	unsigned long long max_input;   /* --max-input-size, when given */
	bool max_input_given;
} options;

enum {
	OPT_PAGE = 1 << 0, OPT_BRFBREAK = 1 << 1, OPT_PROFILE = 1 << 2,
	OPT_INTERLINE = 1 << 3, OPT_SIZE = 1 << 4, OPT_TAB = 1 << 5,
	OPT_COUNTING = 1 << 6, OPT_SHEET = 1 << 7, OPT_DPI = 1 << 8,
	OPT_FORMAT = 1 << 9, OPT_OUTPUT = 1 << 10, OPT_WHO = 1 << 11,
	OPT_BALLOT = 1 << 12, OPT_LANG = 1 << 13, OPT_JSON = 1 << 14,
	OPT_SPEECH = 1 << 15, OPT_AUDIO = 1 << 16, OPT_CACHE = 1 << 17,
	OPT_JOBS = 1 << 18, OPT_SHARD = 1 << 19, OPT_DEFINITION = 1 << 20,
	/* given on the command line: they override the definition's */
	OPT_RATE = 1 << 21, OPT_LOUDNESS = 1 << 22, OPT_FORMATS = 1 << 23,
	OPT_PITCH = 1 << 24, OPT_VOLUME = 1 << 25, OPT_WORD_GAP = 1 << 26,
	OPT_TRUE_PEAK = 1 << 27, OPT_BITRATE = 1 << 28, OPT_QUALITY = 1 << 29,
	OPT_VERIFY = 1 << 30 /* --quick, --partial */
};
/* the bits beyond an enum's int: the groups are 64 bits wide */
#define OPT_IMPORT (1ull << 31) /* --encoding, --separator, --ignore-column */
#define OPT_BOXES (1ull << 32)  /* --page, --expected, --proof */
#define OPT_BALLOT_PDF (1ull << 33) /* --ballot-pdf, --show-boxes */
#define OPT_PRINT (1ull << 34)      /* --output-intent */
#define OPT_PRESS (1ull << 35)      /* --gap, --marks, --sheets-per-file */
#define OPT_KITS (1ull << 36)       /* --kits */

/* The table of options (args.c): what an option sets, its bounds and the
 * message when its value is refused. */
typedef enum {
	CLI_FLAG,   /* no value: sets a bool (C_BOOL) or int (C_INT) to 1 */
	CLI_INT,    /* a whole number of min..max */
	CLI_DOUBLE, /* a number of min..max */
	CLI_STRING, /* any value */
	CLI_BALLOT, /* a ballot id, added to ballots */
	CLI_COLUMN, /* a column's header, added to ignore_columns */
	CLI_SHARD,  /* K/N with min <= K <= N <= max */
	CLI_SIZE,   /* a size in bytes with K, M or G */
	CLI_SHEET   /* a whole number of min..max (into the field), or a name
	             * (sheet_text holds the value either way) */
} cli_kind;
typedef enum { C_BOOL, C_INT, C_UINT, C_LONG, C_SIZE, C_DOUBLE, C_STR, C_ULL } cli_ctype;
enum {
	CLI_SHOW_VALUE = 1 << 0,  /* the refusal names the value, not the option */
	CLI_STRICT = 1 << 1,      /* an empty value is refused */
	CLI_DIGIT_FIRST = 1 << 2, /* the value begins with a digit */
	CLI_BOUNDS = 1 << 3       /* the help prints the bounds */
};
typedef struct cli_option {
	const char *name; /* "--jobs" */
	const char *arg;  /* the value's name in help ("N"); NULL for a flag */
	cli_kind kind;
	cli_ctype ctype;  /* the type of the field */
	uint64_t group;   /* OPT_* checked against the command; 0: any command */
	uint64_t given;   /* further OPT_* bits set when it is given */
	double min, max;  /* bounds of CLI_INT, CLI_DOUBLE, CLI_SHARD */
	unsigned flags;   /* CLI_SHOW_VALUE... */
	size_t field;     /* offsetof(options, ...) */
	const char *error; /* the message when the value is missing or refused */
	const char *help;
} cli_option;
const cli_option *cli_options(size_t *n);
const cli_option *cli_option_find(const char *name);
const char *cli_group_name(uint64_t group);
/* Parses the option at argv[*i] and its value into o, moving *i past
 * them; returns 0 or an exit code after a message. */
int cli_parse_option(int argc, char **argv, int *i, options *o);

/* The table of commands (commands.c). */
typedef struct cli_format_opts {
	const char *format; /* "" when --format is not given */
	uint64_t opts;      /* the further OPT_* groups it allows */
} cli_format_opts;
typedef enum {
	CLI_ARGS_ANY,     /* no check of the arguments */
	CLI_ARGS_FILE,    /* a FILE or DIR: missing is refused with needs */
	CLI_ARGS_NONE     /* no argument */
} cli_args;
typedef struct cli_command {
	const char *name;
	int (*run)(const options *o);
	uint64_t opts;        /* the OPT_* groups it allows */
	uint64_t with_ballot; /* further groups when --ballot is given */
	const cli_format_opts *formats; /* further groups by --format */
	bool lenient;         /* takes (and ignores) any option */
	bool more_args;       /* takes arguments after the first */
	cli_args args;
	const char *needs;    /* the refusal when the argument is missing */
	const char *summary;  /* one line for the list of commands */
	const char *usage;    /* its synopsis lines, without "ballotkit " */
	const char *help;     /* what it does */
} cli_command;
const cli_command *cli_command_find(const char *name);
/* The name of the first option group given that cmd does not take with
 * o's format; NULL if all apply. */
const char *cli_inapplicable(const cli_command *cmd, const options *o);
void cli_print_help(FILE *out);
int cli_print_command_help(const char *name);
int cli_run(const char *name, options *o);

int cli_usage_error(const char *what, const char *arg);
/* s as it is shown on a terminal: C0 controls (ESC among them) and DEL as
 * \xNN, C1 controls and the bidirectional embeddings, overrides and
 * isolates as \uNNNN, bytes that are not UTF-8 as \xNN; the rest as it
 * is. So a file or kit name cannot move the cursor, recolour or retitle
 * the terminal, or reorder the line. cli_shown_lines keeps line breaks (for
 * text of several lines). The result is valid until eight more calls.
 * Only what is printed for people is shown so: --json output is JSON. */
typedef struct shown_buf {
	char *data;
	size_t len, cap;
} shown_buf;
const char *cli_shown(const char *s);
const char *cli_shown_lines(const char *s);
/* Prints diagnostics of at least a warning. */
void cli_print_diags(const bk_diags *diags, FILE *out);
/* The same with the notes. */
void cli_print_diags_notes(const bk_diags *diags, FILE *out);
int cli_open_templates(const options *o, bk_templates **tpl);
int cli_load_definition(const options *o, const bk_templates *tpl, bk_election **e,
         bk_diags *diags);
/* The same through admission (validate, build): 78 when a resource of the
 * installation is missing. */
int cli_admit(const options *o, const bk_templates *tpl,
          const bk_stencil_options *stencil, bk_election **e,
          bk_diags *diags);
int cli_exit_for(bk_status st);
bool cli_lang_wanted(const char *langs, const char *lang);

/* What a command opens, freed together: the templates, a list of
 * diagnostics and, as the command needs them, the definition, one
 * ballot's script and braille. */
typedef struct cli_ctx {
	bk_templates *tpl;
	bk_diags *diags;
	bk_election *e;
	bk_script *s;
	bk_braille *br;
} cli_ctx;
/* Opens the templates and creates the list, the rest NULL; an exit code
 * (EXIT_CONFIG, reported, when the templates cannot be used: then r holds
 * nothing). */
int cli_ctx_open(cli_ctx *r, const options *o);
/* cli_ctx_open, then the definition o->file loaded into r->e (an exit
 * code). */
int cli_ctx_load(cli_ctx *r, const options *o);
/* Prints the diagnostics to stderr when print and rc is not 0, frees what
 * r holds and returns rc. */
int cli_ctx_close(cli_ctx *r, int rc, bool print);
/* A rate or loudness of 0 on the command line would read as "not given":
 * refused (an exit code). */
int cli_check_given(const options *o);
/* The one language of braille and speak (cmd): --lang, kk or ru (default
 * kk), in *lang; an exit code. */
int cli_lang_one(const options *o, const char *cmd, const char **lang);

/* main.c */
int cli_cmd_validate(const options *o);
int cli_cmd_script(const options *o);
int cli_cmd_braille(const options *o);
int cli_cmd_list(const options *o);
int cli_cmd_leaflet(const options *o);
int cli_cmd_stencil(const options *o);
int cli_cmd_templates(const options *o);

/* audio.c */
int cli_cmd_speak(const options *o);
int cli_cmd_audio(const options *o);

/* kit.c */
int cli_cmd_build(const options *o);
int cli_cmd_index(const options *o);
int cli_cmd_verify(const options *o);
/* press.c */
int cli_cmd_print_job(const options *o);
int cli_cmd_defaults(const options *o);

/* import.c */
int cli_cmd_import(const options *o);
/* Writes text to out under a temporary name, renamed into place; 0 or an
 * exit code after a message. */
int cli_write_atomic(const char *out, const char *text);
/* Reads a whole file (malloc'd into *data, not NUL-terminated); 0 or an
 * exit code after a message. */
int cli_read_file(const char *path, char **data, size_t *size);

/* export.c */
int cli_cmd_export(const options *o);
/* ballotkit boxes (boxes.c) */
int cli_cmd_boxes(const options *o);

#endif
