/* ballotkit: braille cells for Kazakh and Russian text, through liblouis.
 *
 * A cell is one byte: bit k-1 set means dot k (dots 1–6), so U+2800 + the
 * byte is the cell as Unicode braille and 0 is a blank. Kazakh is written
 * with kk.utb, Russian with the election's Russian table (ru-litbrl.ctb by
 * default); every character must become 6-dot cells, or the call fails with
 * a diagnostic naming the character, the text and the field it came from.
 * liblouis is process-global: every call takes one lock inside the library.
 */
#ifndef BALLOTKIT_BRAILLE_H
#define BALLOTKIT_BRAILLE_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_braille bk_braille;

/* Opens translation with the tables the election chose
 * (production.braille.tables), or the defaults when election is NULL.
 * Tables are looked up in <templates>/braille/ first, then in liblouis'
 * table folder, never in the working directory. election and tpl are
 * borrowed and must outlive the object. Free with bk_braille_free. */
BK_API bk_status bk_braille_open(bk_braille **out, const bk_election *election,
                                 const bk_templates *tpl, bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_braille_free(bk_braille *b);

/* The forward table of a language ("kk", "ru"), as configured. Borrowed. */
BK_API const char *bk_braille_table(const bk_braille *b, const char *lang);

/* Translates UTF-8 text in lang into cells. On success *cells (free with
 * bk_free) holds *ncells cells. field names where the text came from
 * (e.g. "$.candidates[3].surname.ru") for messages; may be NULL. Returns
 * BK_ERR_INVALID, with an "unbrailleable" diagnostic, for a character the
 * table cannot write in 6 dots, a Kazakh-specific letter in Russian text,
 * or a word mixing Latin and Cyrillic letters. */
BK_API bk_status bk_braille_translate(bk_braille *b, const char *lang,
                                      const char *text, const char *field,
                                      unsigned char **cells, size_t *ncells,
                                      bk_diags *diags);

/* Reads cells back into text (UTF-8, free with bk_free) for checking.
 * The plain tables write no capital signs, so the text is in lower case;
 * "№" reads back as "н". */
BK_API bk_status bk_braille_back(bk_braille *b, const char *lang,
                                 const unsigned char *cells, size_t ncells,
                                 char **text, bk_diags *diags);

/* Cells as a UTF-8 string of Unicode braille (U+2800–U+283F); free with
 * bk_free. NULL only when out of memory. */
BK_API char *bk_braille_unicode(const unsigned char *cells, size_t ncells);

BK_END_DECLS

#endif
