/* Private: the validated election model, read by the script stage. */
#ifndef BK_DEFINITION_PRIVATE_H
#define BK_DEFINITION_PRIVATE_H

#include <stdbool.h>

#include "ballotkit/boxes.h"
#include "ballotkit/definition.h"
#include "templates/templates-private.h"
#include "util/util.h"

/* A text per language; NULL where not given. */
typedef struct bki_text {
	const char *v[BK_LANG_COUNT];
	bool bad; /* a language was given but invalid: derive nothing */
	bool derived[BK_LANG_COUNT]; /* not in the file: derived or copied */
} bki_text;

typedef enum { BK_BODY_MAZHILIS, BK_BODY_MASLIKHAT } bki_body;
typedef enum { BK_LEVEL_NONE, BK_LEVEL_REGIONAL, BK_LEVEL_CITY,
               BK_LEVEL_DISTRICT } bki_level;
typedef enum { BK_DISTRICT_NATIONWIDE, BK_DISTRICT_MAZHILIS,
               BK_DISTRICT_MASLIKHAT,
               BK_DISTRICT_UNKNOWN /* kind missing or invalid (reported) */
} bki_district_kind;

typedef struct bki_area {
	const char *id;
	bki_text name;
} bki_area;

/* The SHA-256 of an object of the definition as jansson writes it with
 * sorted keys, compact: the same content whatever its layout. */
typedef unsigned char bk_digest[32];

typedef struct bki_district {
	const char *id;
	bk_digest digest;
	bki_district_kind kind;
	bki_level level;
	long number; /* 0 when not given */
	bki_text name;
} bki_district;

typedef struct bki_station {
	const char *id;
	long kits;
	long number;
	bki_text name;
	bki_text address;
	long *districts; /* indexes into districts */
	size_t ndistricts;
	size_t *ballots; /* the ballots of those districts, in ballot order */
	size_t nballots;
} bki_station;

typedef struct bki_party {
	const char *id;
	bk_digest digest;
	bki_text name, short_name, pronunciation, leaflet;
} bki_party;

typedef struct bki_candidate {
	const char *id;
	bk_digest digest;
	bki_text surname, given_name, patronymic, pronunciation, leaflet;
	bki_text details; /* as printed on the paper ballot (occupation, ...) */
	long birth_year;
	long party; /* index into parties, -1 when self-nominated */
	bool withdrawn;
} bki_candidate;

typedef struct bki_ballot {
	const char *id;
	bk_digest digest;      /* of the object alone while loading; then of
	                        * everything its outputs depend on */
	bki_body body;
	bki_level level;
	int kind; /* BK_KIND_* */
	long district;
	bki_text name, short_name;
	long *options; /* indexes into parties or candidates */
	size_t noptions;
	/* per option: its birth year is shown, because another option of the
	 * ballot reads the same (docs/ballot-format.md, "Candidates a voter
	 * can tell apart"); NULL when no option's is */
	bool *show_birth_year;
	bool against_all;
	const bki_stencil_tpl *tpl;
	bool tpl_bad; /* paper.template named something unusable (reported) */
	bki_paper_overrides over; /* 0 = none */
	bool has_over;
	/* The ballot's own boxes, where the definition gives them: read from
	 * paper.boxes (boxes, nboxes), or found in the ballot PDF paper.source
	 * names (source: the path resolved against the definition's folder;
	 * source_page 1-based). Once checked, tpl points at a copy of the
	 * template with these boxes, on a sheet of the ballot's size
	 * (paper.width × paper.height, or the PDF page's), so that every
	 * stage downstream reads them where it read the template's
	 * (docs/stencil.md, "The ballot's own boxes"). */
	bk_box *boxes;
	size_t nboxes;
	const char *source;
	unsigned source_page;
	double paper_w, paper_h; /* paper.width, paper.height; 0 = none */
	bool own_bad; /* paper.boxes or paper.source is unusable (reported) */
	/* what the finder found in paper.source, kept with the PDF's bytes
	 * for the stencil's proof to draw the page; owned, freed with the
	 * election */
	bk_boxes *found;
	const char *source_sha256; /* the PDF's, 64 hex digits; NULL: none */
	const char *colour;
	bool two_sided;
} bki_ballot;

struct bk_election {
	bki_arena arena;
	const bk_templates *tpl;
	const char *id, *date;
	int year;
	bki_text name;
	int langs[BK_LANG_COUNT];
	size_t nlangs;
	bki_area *areas;
	size_t nareas;
	bki_district *districts;
	size_t ndistricts;
	bki_station *stations;
	size_t nstations;
	bki_party *parties;
	size_t nparties;
	bki_candidate *candidates;
	size_t ncandidates;
	bki_ballot *ballots;
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

bool bki_election_has_lang(const bk_election *e, int lang);

/* The leaflet of a party or candidate (kind "party" or "candidate") in a
 * language of the election: its heading (the name) and text appended to
 * heading and text, and where the text is in the definition to source.
 * false when there is none. */
bool bki_election_leaflet_text(const bk_election *e, const char *kind,
                              const char *id, int lang, bki_buf *heading,
                              bki_buf *text, bki_buf *source);

/* ---- admission: the checks a higher module makes while loading ----
 *
 * The definition module knows every text and where it is, but not how
 * braille, speech or a stencil would render it; those modules sit above
 * it (docs/architecture.md, "Admission"). A higher module passes a
 * checker to bki_election_load_checked; the loader calls it while the
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
typedef struct bki_text_use {
	int lang;           /* BK_LANG_* */
	unsigned uses;      /* BK_USE_* bits, at least one */
	const char *text;   /* NFC */
	const char *list;   /* "candidates" */
	size_t index;
	const char *field;  /* "surname" */
	bool derived;       /* text is a spelling derived from the value of
	                     * the other language, where it is reported */
} bki_text_use;

/* Where a checker reports; see bki_check_report. Opaque. */
typedef struct bki_check_sink bki_check_sink;

/* Reports a problem at a JSON path of the definition (located later like
 * every other diagnostic). */
void bki_check_report(bki_check_sink *sink, const char *path, bk_severity sev,
                     const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same at a text's value (for a derived spelling, the value it was
 * derived from). */
void bki_check_report_text(bki_check_sink *sink, const bki_text_use *t,
                          bk_severity sev, const char *kind,
                          const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

typedef struct bki_checker {
	void *arg;
	/* Once, when the definition has been read (production defaults
	 * filled in; the election may have errors): resources. A missing
	 * one is reported to diags with its file and makes begin return
	 * BK_ERR_CONFIG; then no text is checked. Problems of the definition
	 * (a table it names) go to sink. */
	bk_status (*begin)(void *arg, const bk_election *e,
	                   bki_check_sink *sink, bk_diags *diags);
	/* Every text of the election's languages that an output renders,
	 * in definition order (the same text may come many times). */
	void (*text)(void *arg, const bki_text_use *t, bki_check_sink *sink);
	/* Once, when the definition has no error so far: the finished
	 * election (what the layouts of whole ballots need). */
	void (*election)(void *arg, const bk_election *e, bki_check_sink *sink);
} bki_checker;

/* bk_election_load (path, data NULL) or bk_election_load_buffer (data,
 * size, name) with a checker (NULL: none) and load options (NULL:
 * none; checked by the caller). Returns BK_ERR_CONFIG when the
 * checker's begin did. */
bk_status bki_election_load_checked(bk_election **out, const char *path,
                                   const char *data, size_t size,
                                   const char *name, const bk_templates *tpl,
                                   const bki_checker *chk,
                                   const bk_load_options *opt,
                                   bk_diags *diags);

#endif
