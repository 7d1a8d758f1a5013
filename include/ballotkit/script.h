/* ballotkit: the ballot script, what every output renders.
 *
 * For one ballot and one language: the title, every segment the audio will
 * speak, and every numbered position ("against all" last, with its own
 * number and box). The stencil, the audio, the braille list and the leaflets
 * take positions and wording only from here, so their numbering cannot
 * disagree. Wording comes from templates/print/<lang>.json and
 * templates/speech/<lang>.json.
 */
#ifndef BALLOTKIT_SCRIPT_H
#define BALLOTKIT_SCRIPT_H

#include <stdio.h>
#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_script bk_script;

typedef enum bk_position_kind {
	BK_POSITION_PARTY,
	BK_POSITION_CANDIDATE,
	BK_POSITION_AGAINST_ALL
} bk_position_kind;

typedef enum bk_position_status {
	BK_STATUS_STANDING,
	BK_STATUS_WITHDRAWN
} bk_position_status;

/* bk_segment_kind, the kinds of spoken segment, is in ballotkit/templates.h:
 * the speech wording gives a pause after each kind. */

/* Builds the script of ballot ballot_id in language lang ("kk" or "ru").
 * election and tpl are borrowed and must outlive the script. Returns
 * BK_ERR_NOTFOUND for an unknown ballot or a language the election does not
 * use. *out is owned by the caller; free with bk_script_free. */
BK_API bk_status bk_script_create(bk_script **out, const bk_election *election,
                                  const char *ballot_id, const char *lang,
                                  const bk_templates *tpl, bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_script_free(bk_script *script);

/* All strings below are UTF-8, borrowed from the script. */
BK_API const char *bk_script_ballot_id(const bk_script *s);
BK_API const char *bk_script_language(const bk_script *s);
BK_API const char *bk_script_title(const bk_script *s);
/* The district as printed ("№ 3 …"). */
BK_API const char *bk_script_district(const bk_script *s);
/* The election's id and date (YYYY-MM-DD). */
BK_API const char *bk_script_election_id(const bk_script *s);
BK_API const char *bk_script_election_date(const bk_script *s);
/* Short title for the stencil's braille line (see docs/ballot-script.md). */
BK_API const char *bk_script_braille_title(const bk_script *s);
/* Language of the braille title: the election's stencil title language. */
BK_API const char *bk_script_braille_title_language(const bk_script *s);
/* Printed marking instructions of the ballot. */
BK_API const char *bk_script_instructions(const bk_script *s);
/* Printed label of a withdrawn position (for the braille list). */
BK_API const char *bk_script_withdrawn_label(const bk_script *s);
/* Stencil geometry template id. */
BK_API const char *bk_script_template(const bk_script *s);

/* Numbered positions in ballot order; number = index + 1. For an index
 * out of range the accessors return NULL strings and zero values. */
BK_API size_t bk_script_position_count(const bk_script *s);
BK_API unsigned bk_script_position_number(const bk_script *s, size_t i);
BK_API bk_position_kind bk_script_position_kind(const bk_script *s, size_t i);
BK_API bk_position_status bk_script_position_status(const bk_script *s,
                                                    size_t i);
/* Party or candidate id; "" for against all. */
BK_API const char *bk_script_position_ref(const bk_script *s, size_t i);
/* Where the position comes from in the definition, e.g.
 * "$.candidates[12]" ("" for against all), for messages. */
BK_API const char *bk_script_position_source(const bk_script *s, size_t i);
/* Printed text: the party's name or the candidate's full name. */
BK_API const char *bk_script_position_text(const bk_script *s, size_t i);
/* Printed nominator line ("" for parties and against all). */
BK_API const char *bk_script_position_nominator(const bk_script *s, size_t i);
/* The position's line in the braille and large-print list: number, name,
 * the birth year where another option of the ballot reads the same, the
 * candidate's details when given, nominator and, when withdrawn, the
 * withdrawn label (docs/ballot-script.md). */
BK_API const char *bk_script_position_list_text(const bk_script *s, size_t i);
/* Text spoken for this position (pronunciations applied; the birth year
 * and details as in the list line). */
BK_API const char *bk_script_position_spoken(const bk_script *s, size_t i);
/* Where its box is: sheet (0-based) and box on that sheet (0-based). */
BK_API unsigned bk_script_position_sheet(const bk_script *s, size_t i);
BK_API unsigned bk_script_position_box(const bk_script *s, size_t i);

/* Spoken segments in order. A position segment names its position index. */
BK_API size_t bk_script_segment_count(const bk_script *s);
BK_API bk_segment_kind bk_script_segment_kind(const bk_script *s, size_t i);
BK_API const char *bk_script_segment_text(const bk_script *s, size_t i);
/* Position index of a BK_SEGMENT_POSITION segment, (size_t)-1 otherwise. */
BK_API size_t bk_script_segment_position(const bk_script *s, size_t i);
/* The sentences of a segment, each spoken as one clip: the wording split
 * at the sentence ends its template writes ('.', '!' or '?' before a
 * blank), never inside a name; empty ones left out. The segment's text is
 * its sentences joined by a blank. Out of range: 0 and NULL. */
BK_API size_t bk_script_segment_sentence_count(const bk_script *s, size_t i);
BK_API const char *bk_script_segment_sentence(const bk_script *s, size_t i,
                                              size_t j);

/* Writes the script as readable text (format "text") or as JSON ("json")
 * to out. Returns BK_ERR_USAGE for another format, BK_ERR_IO on a write
 * error, BK_ERR_NOMEM when out of memory. */
BK_API bk_status bk_script_write(const bk_script *s, const char *format,
                                 FILE *out);
/* The same bytes written through write(arg) (diag.h): a failure of the
 * callback is returned with an "unwritable" diagnostic. */
BK_API bk_status bk_script_write_to(const bk_script *s, const char *format,
                                    bk_write_fn write, void *arg,
                                    bk_diags *diags);

BK_END_DECLS

#endif
