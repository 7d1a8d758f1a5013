/* ballotkit: election definitions (format "ballotkit/1", JSON, UTF-8).
 *
 * bk_election_load reads and validates a definition against the format and
 * the templates, reporting every problem it finds (not just the first) with
 * file, line, column and JSON path. A loaded election is immutable.
 * See docs/ballot-format.md and docs/validation-rules.md.
 */
#ifndef BALLOTKIT_DEFINITION_H
#define BALLOTKIT_DEFINITION_H

#include <stddef.h>
#include "ballotkit/boxes.h"
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/production.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_election bk_election;

/* Reads the definition at path and validates it against tpl (borrowed; must
 * outlive the election). Every diagnostic goes to diags (may be NULL).
 * Returns BK_OK and sets *out (owned by the caller) when there is no error;
 * BK_ERR_IO when the file cannot be read, BK_ERR_INVALID when it has errors
 * (then *out is NULL). Warnings and notes do not make a definition invalid. */
BK_API bk_status bk_election_load(bk_election **out, const char *path,
                                  const bk_templates *tpl, bk_diags *diags);

/* The same for a definition already in memory; name is used as the file in
 * diagnostics. data need not be NUL-terminated; it is not kept. Having no
 * folder, it resolves a relative paper.source against the current
 * folder. */
BK_API bk_status bk_election_load_buffer(bk_election **out, const char *data,
                                         size_t size, const char *name,
                                         const bk_templates *tpl,
                                         bk_diags *diags);

/* Options of bk_election_load_with. Initialise with BK_LOAD_OPTIONS_INIT;
 * a caller built against an older version (1 .. BK_LOAD_OPTIONS_VERSION)
 * is accepted, version 0 or a newer one is refused naming the struct. */
typedef struct bk_load_options {
	unsigned version;        /* BK_LOAD_OPTIONS_VERSION */
	/* The ballot PDF of one ballot, in place of what the ballot's paper
	 * says (`ballotkit stencil --ballot-pdf`): the ballot's id, the
	 * PDF's path (as given: not resolved against the definition's
	 * folder) and its page (0: 1). Both NULL: none. The boxes are found
	 * and checked as for paper.source, and reported at
	 * $.ballots[i].paper.source. */
	const char *ballot;
	const char *ballot_pdf;
	unsigned ballot_pdf_page;
} bk_load_options;
#define BK_LOAD_OPTIONS_VERSION 1
#define BK_LOAD_OPTIONS_INIT {BK_LOAD_OPTIONS_VERSION, NULL, NULL, 0}

/* bk_election_load with options (NULL: BK_LOAD_OPTIONS_INIT). A ballot id
 * the definition does not have is an error (BK_ERR_INVALID, said);
 * bad options are BK_ERR_USAGE. */
BK_API bk_status bk_election_load_with(bk_election **out, const char *path,
                                       const bk_templates *tpl,
                                       const bk_load_options *opt,
                                       bk_diags *diags);

/* Accepts NULL. */
BK_API void bk_election_free(bk_election *election);

/* Identity. Strings are borrowed from the election. */
BK_API const char *bk_election_id(const bk_election *election);
BK_API const char *bk_election_date(const bk_election *election);
/* The election's languages in definition order ("kk", "ru"). */
BK_API size_t bk_election_language_count(const bk_election *election);
BK_API const char *bk_election_language(const bk_election *election, size_t i);

/* What the election contains, for summaries. */
typedef enum bk_count_what {
	BK_COUNT_AREAS,
	BK_COUNT_DISTRICTS,
	BK_COUNT_POLLING_STATIONS,
	BK_COUNT_KITS,            /* sum of the stations' kit counts */
	BK_COUNT_PARTIES,
	BK_COUNT_CANDIDATES,
	BK_COUNT_CANDIDATES_WITHDRAWN,
	BK_COUNT_BALLOTS,
	BK_COUNT_BALLOTS_PARTY_LIST,
	BK_COUNT_BALLOTS_SINGLE_MANDATE,
	BK_COUNT_POSITIONS,       /* numbered positions on all ballots */
	BK_COUNT_DERIVED_SPELLINGS /* names whose Russian spelling was derived */
} bk_count_what;
BK_API size_t bk_election_count(const bk_election *election, bk_count_what what);

/* Ballots in definition order. Strings are borrowed. */
BK_API size_t bk_election_ballot_count(const bk_election *election);
BK_API const char *bk_election_ballot_id(const bk_election *election, size_t i);
/* Index of the ballot with this id, or (size_t)-1. */
BK_API size_t bk_election_ballot_find(const bk_election *election,
                                      const char *id);

/* SHA-256, as 64 lower-case hex digits and a NUL, of the definition's
 * bytes; and of a ballot's content: the election, format and production
 * settings, the ballot, its district, its options and their nominating
 * parties, each as JSON with sorted keys, so that the digest changes when
 * and only when something its outputs are made from does. */
BK_API void bk_election_sha256(const bk_election *election, char hex[65]);
BK_API void bk_election_ballot_sha256(const bk_election *election, size_t i,
                                      char hex[65]);

/* The marking boxes found in ballot i's print PDF (paper.source, or
 * bk_load_options.ballot_pdf) when the definition was loaded, with the
 * PDF's bytes (bk_boxes_write_proof_pdf draws them); NULL when the ballot
 * takes its boxes from a template or from paper.boxes. Borrowed: valid
 * while the election lives. */
BK_API const bk_boxes *bk_election_ballot_found_boxes(const bk_election *election,
                                                      size_t i);

/* Polling stations in definition order: their number, name in a language
 * (NULL if not given), how many kits they need, and the ballots their
 * voters receive (those of the districts they vote in), as indexes in
 * ballot order. Strings are borrowed. */
BK_API size_t bk_election_station_count(const bk_election *election);
BK_API const char *bk_election_station_id(const bk_election *election, size_t i);
BK_API unsigned bk_election_station_number(const bk_election *election, size_t i);
BK_API const char *bk_election_station_name(const bk_election *election,
                                            size_t i, const char *lang);
/* Its address in a language (borrowed), NULL when the definition gives
 * none. */
BK_API const char *bk_election_station_address(const bk_election *election,
                                               size_t i, const char *lang);
BK_API unsigned bk_election_station_kits(const bk_election *election, size_t i);
BK_API size_t bk_election_station_ballot_count(const bk_election *election,
                                               size_t i);
BK_API size_t bk_election_station_ballot(const bk_election *election, size_t i,
                                         size_t k);

/* The braille profile the election chose (production.braille.profile,
 * default "marburg-medium"). Borrowed. */
BK_API const char *bk_election_braille_profile(const bk_election *election);

/* The production settings the election chose, defaults filled in
 * (include/ballotkit/production.h): production.speech.rate (words per
 * minute), production.speech.loudness_lufs, production.outputs. The
 * command line may override each (build, audio). */
BK_API int bk_election_speech_rate(const bk_election *election);
BK_API double bk_election_loudness(const bk_election *election);
BK_API bk_output_set bk_election_outputs(const bk_election *election);

/* Leaflets: the parties and candidates with leaflet text, parties first,
 * each in definition order. kind is "party" or "candidate"; strings are
 * borrowed. */
BK_API size_t bk_election_leaflet_count(const bk_election *election);
BK_API void bk_election_leaflet(const bk_election *election, size_t i,
                                const char **kind, const char **id);

BK_END_DECLS

#endif
