/* Private: the validated election model, read by the script stage. */
#ifndef BK_DEFINITION_PRIVATE_H
#define BK_DEFINITION_PRIVATE_H

#include <stdbool.h>

#include "ballotkit/definition.h"
#include "templates/templates-private.h"
#include "util/util.h"

/* A text per language; NULL where not given. */
typedef struct bk_text {
	const char *v[BK_LANG_COUNT];
	bool bad; /* a language was given but invalid: derive nothing */
	bool derived[BK_LANG_COUNT]; /* not in the file: derived or copied */
} bk_text;

typedef enum { BK_BODY_MAZHILIS, BK_BODY_MASLIKHAT } bk_body;
typedef enum { BK_LEVEL_NONE, BK_LEVEL_REGIONAL, BK_LEVEL_CITY,
               BK_LEVEL_DISTRICT } bk_level;
typedef enum { BK_DISTRICT_NATIONWIDE, BK_DISTRICT_MAZHILIS,
               BK_DISTRICT_MASLIKHAT,
               BK_DISTRICT_UNKNOWN /* kind missing or invalid (reported) */
} bk_district_kind;

typedef struct bk_area {
	const char *id;
	bk_text name;
} bk_area;

/* The SHA-256 of an object of the definition as jansson writes it with
 * sorted keys, compact: the same content whatever its layout. */
typedef unsigned char bk_digest[32];

typedef struct bk_district {
	const char *id;
	bk_digest digest;
	bk_district_kind kind;
	bk_level level;
	long number; /* 0 when not given */
	bk_text name;
} bk_district;

typedef struct bk_station {
	const char *id;
	long kits;
	long number;
	bk_text name;
	long *districts; /* indexes into districts */
	size_t ndistricts;
	size_t *ballots; /* the ballots of those districts, in ballot order */
	size_t nballots;
} bk_station;

typedef struct bk_party {
	const char *id;
	bk_digest digest;
	bk_text name, short_name, pronunciation, leaflet;
} bk_party;

typedef struct bk_candidate {
	const char *id;
	bk_digest digest;
	bk_text surname, given_name, patronymic, pronunciation, leaflet;
	bk_text details; /* as printed on the paper ballot (occupation, ...) */
	long birth_year;
	long party; /* index into parties, -1 when self-nominated */
	bool withdrawn;
} bk_candidate;

typedef struct bk_ballot {
	const char *id;
	bk_digest digest;      /* of the object alone while loading; then of
	                        * everything its outputs depend on */
	bk_body body;
	bk_level level;
	int kind; /* BK_KIND_* */
	long district;
	bk_text name, short_name;
	long *options; /* indexes into parties or candidates */
	size_t noptions;
	/* per option: its birth year is shown, because another option of the
	 * ballot reads the same (docs/ballot-format.md, "Candidates a voter
	 * can tell apart"); NULL when no option's is */
	bool *show_birth_year;
	bool against_all;
	const bk_stencil_tpl *tpl;
	bool tpl_bad; /* paper.template named something unusable (reported) */
	bk_paper_overrides over; /* 0 = none */
	bool has_over;
	const char *colour;
	bool two_sided;
} bk_ballot;

struct bk_election {
	bk_arena arena;
	const bk_templates *tpl;
	const char *id, *date;
	int year;
	bk_text name;
	int langs[BK_LANG_COUNT];
	size_t nlangs;
	bk_area *areas;
	size_t nareas;
	bk_district *districts;
	size_t ndistricts;
	bk_station *stations;
	size_t nstations;
	bk_party *parties;
	size_t nparties;
	bk_candidate *candidates;
	size_t ncandidates;
	bk_ballot *ballots;
	size_t nballots;
	size_t derived_spellings;
	bk_digest file_digest;  /* of the definition's bytes */
	bk_digest head_digest;  /* of "format", "election" and "production" */
	/* production settings (defaults filled in) */
	const char *braille_table[BK_LANG_COUNT];
	const char *braille_profile;
	int stencil_title_lang;
	long speech_rate;
	double loudness_lufs;
	bool loudness_given;
	bk_output_set outputs;
	bool braille_table_given[BK_LANG_COUNT]; /* named by the definition */
};

bool bk_election_has_lang(const bk_election *e, int lang);

/* The leaflet of a party or candidate (kind "party" or "candidate") in a
 * language of the election: its heading (the name) and text appended to
 * heading and text, and where the text is in the definition to source.
 * false when there is none. */
bool bk_election_leaflet_text(const bk_election *e, const char *kind,
                              const char *id, int lang, bk_buf *heading,
                              bk_buf *text, bk_buf *source);

/* ---- admission: the checks a higher module makes while loading ----
 *
 * The definition module knows every text and where it is, but not how
 * braille, speech or a stencil would render it; those modules sit above
 * it (docs/architecture.md, "Admission"). A higher module passes a
 * checker to bk_election_load_checked; the loader calls it while the
 * document is still open, so that whatever the checker reports is located
 * by file, line, column and JSON path like every other diagnostic. */

/* What an output does with a text. */
enum {
	BK_USE_BRAILLE = 1 << 0, /* brailled (lists, leaflets, stencil title) */
	BK_USE_SPEECH = 1 << 1,  /* spoken by the voice */
	BK_USE_LINES = 1 << 2    /* a leaflet: each line is a paragraph */
};

/* One text of the definition in one language, as outputs use it: the
 * value at $.<list>[index].<field>.<lang>. */
typedef struct bk_text_use {
	int lang;           /* BK_LANG_* */
	unsigned uses;      /* BK_USE_* bits, at least one */
	const char *text;   /* NFC */
	const char *list;   /* "candidates" */
	size_t index;
	const char *field;  /* "surname" */
	bool derived;       /* text is a spelling derived from the value of
	                     * the other language, where it is reported */
} bk_text_use;

/* Where a checker reports; see bk_check_report. Opaque. */
typedef struct bk_check_sink bk_check_sink;

/* Reports a problem at a JSON path of the definition (located later like
 * every other diagnostic). */
void bk_check_report(bk_check_sink *sink, const char *path, bk_severity sev,
                     const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same at a text's value (for a derived spelling, the value it was
 * derived from). */
void bk_check_report_text(bk_check_sink *sink, const bk_text_use *t,
                          bk_severity sev, const char *kind,
                          const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

typedef struct bk_checker {
	void *arg;
	/* Once, when the definition has been read (production defaults
	 * filled in; the election may have errors): resources. A missing
	 * one is reported to diags with its file and makes begin return
	 * BK_ERR_CONFIG; then no text is checked. Problems of the definition
	 * (a table it names) go to sink. */
	bk_status (*begin)(void *arg, const bk_election *e,
	                   bk_check_sink *sink, bk_diags *diags);
	/* Every text of the election's languages that an output renders,
	 * in definition order (the same text may come many times). */
	void (*text)(void *arg, const bk_text_use *t, bk_check_sink *sink);
	/* Once, when the definition has no error so far: the finished
	 * election (what the layouts of whole ballots need). */
	void (*election)(void *arg, const bk_election *e, bk_check_sink *sink);
} bk_checker;

/* bk_election_load (path, data NULL) or bk_election_load_buffer (data,
 * size, name) with a checker (NULL: none). Returns BK_ERR_CONFIG when the
 * checker's begin did. */
bk_status bk_election_load_checked(bk_election **out, const char *path,
                                   const char *data, size_t size,
                                   const char *name, const bk_templates *tpl,
                                   const bk_checker *chk, bk_diags *diags);

#endif
