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
#include <stdio.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/script.h"
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

/* ---- pages of braille: lists and leaflets for embossers ---- */

/* How braille is laid out on a page. Initialise with
 * BK_BRAILLE_LAYOUT_INIT; the version lets the struct grow: an older one
 * (1 .. BK_BRAILLE_LAYOUT_VERSION) is accepted, version 0 or a newer one
 * is refused naming the struct. */
/* The bounds of a braille page. */
#define BK_BRAILLE_CELLS_MIN 12
#define BK_BRAILLE_CELLS_MAX 100
#define BK_BRAILLE_LINES_MIN 5
#define BK_BRAILLE_LINES_MAX 100
typedef struct bk_braille_layout {
	unsigned int version;  /* BK_BRAILLE_LAYOUT_VERSION */
	unsigned int cells;    /* cells per line, BK_BRAILLE_CELLS_MIN to
	                        * _MAX, 12–100 (40) */
	unsigned int lines;    /* lines per page, BK_BRAILLE_LINES_MIN to
	                        * _MAX, 5–100 (25); line 1 carries the
	                        * braille page number */
	unsigned int binding;  /* blank cells kept at the binding edge (0) */
	int interpoint;        /* both sides: the binding margin is on the
	                        * left of odd pages, the right of even ones */
} bk_braille_layout;
#define BK_BRAILLE_LAYOUT_VERSION 1
#define BK_BRAILLE_LAYOUT_INIT {BK_BRAILLE_LAYOUT_VERSION, 40, 25, 0, 0}

/* A document of braille pages. Opaque. */
typedef struct bk_braille_doc bk_braille_doc;

/* The braille list of a script: its title, its district, then every
 * position (number, name, nominator, withdrawn label) in ballot order,
 * "against all" last, each wrapped into lines (see docs/braille.md).
 * layout NULL means BK_BRAILLE_LAYOUT_INIT. Free with
 * bk_braille_doc_free. */
BK_API bk_status bk_braille_list(bk_braille_doc **out, bk_braille *b,
                                 const bk_script *script,
                                 const bk_braille_layout *layout,
                                 bk_diags *diags);
/* Any texts as braille pages: each paragraph (UTF-8, in lang) is wrapped
 * like a list line, continuation lines indented by two cells; an empty
 * paragraph is a blank line. fields (NULL, or one per paragraph) name
 * where each came from, for messages. title, identifier and date go into
 * the PEF metadata. For leaflets and for checking the wrapping rules. */
BK_API bk_status bk_braille_paragraphs(bk_braille_doc **out, bk_braille *b,
                                       const char *lang,
                                       const char *const *paragraphs,
                                       const char *const *fields,
                                       size_t count, const char *title,
                                       const char *identifier,
                                       const char *date,
                                       const bk_braille_layout *layout,
                                       bk_diags *diags);

/* The tactile leaflet of a party or candidate (kind "party" or
 * "candidate") in lang: its name as the heading, a blank line, then the
 * leaflet text, one paragraph per line of it. BK_ERR_NOTFOUND when there
 * is no such party or candidate or it has no leaflet. */
BK_API bk_status bk_braille_leaflet(bk_braille_doc **out, bk_braille *b,
                                    const bk_election *election,
                                    const char *kind, const char *id,
                                    const char *lang,
                                    const bk_braille_layout *layout,
                                    bk_diags *diags);

/* Accepts NULL. */
BK_API void bk_braille_doc_free(bk_braille_doc *doc);

/* Pages, and the cells of each line (line 0 is the page-number line);
 * the cells are borrowed from the document. */
BK_API size_t bk_braille_doc_page_count(const bk_braille_doc *doc);
BK_API size_t bk_braille_doc_line_count(const bk_braille_doc *doc,
                                        size_t page);
BK_API const unsigned char *bk_braille_doc_line(const bk_braille_doc *doc,
                                                size_t page, size_t line,
                                                size_t *ncells);

/* The print text a line carries (for interline print), or NULL for a
 * blank line; the page-number line carries the page number. Borrowed. */
BK_API const char *bk_braille_doc_line_print(const bk_braille_doc *doc,
                                             size_t page, size_t line);
/* The document's title, date (YYYY-MM-DD or "") and layout. Borrowed. */
BK_API const char *bk_braille_doc_title(const bk_braille_doc *doc);
BK_API const char *bk_braille_doc_date(const bk_braille_doc *doc);
BK_API const bk_braille_layout *bk_braille_doc_layout(const bk_braille_doc *doc);

/* How a BRF file ends its pages: a form feed after each page's last
 * line (the default), CR LF then a form feed, or nothing (the embosser
 * counts lines). */
typedef enum bk_brf_break {
	BK_BRF_FF = 0,
	BK_BRF_CRLF_FF = 1,
	BK_BRF_NONE = 2
} bk_brf_break;

/* Writes the document as BRF (North American ASCII braille, CR LF line
 * ends), as PEF 1.0 (XML with Dublin Core metadata; duplex when the layout
 * is interpoint), or as UTF-8 Unicode braille text ("txt": one line per
 * line, a form feed between pages). Returns BK_ERR_IO on a write error. */
BK_API bk_status bk_braille_doc_write_brf(const bk_braille_doc *doc,
                                          bk_brf_break page_break, FILE *out);
BK_API bk_status bk_braille_doc_write_pef(const bk_braille_doc *doc,
                                          FILE *out);
BK_API bk_status bk_braille_doc_write_text(const bk_braille_doc *doc,
                                           FILE *out);

/* Writes the document to path in format "brf", "pef" or "txt", under a
 * temporary name renamed into place. */
BK_API bk_status bk_braille_doc_save(const bk_braille_doc *doc,
                                     const char *format,
                                     bk_brf_break page_break,
                                     const char *path, bk_diags *diags);
/* The same bytes written through write(arg) (diag.h): a failure of the
 * callback is returned with an "unwritable" diagnostic. BK_ERR_USAGE for
 * another format. The three FILE * writers above make the same bytes. */
BK_API bk_status bk_braille_doc_write_to(const bk_braille_doc *doc,
                                         const char *format,
                                         bk_brf_break page_break,
                                         bk_write_fn write, void *arg,
                                         bk_diags *diags);

BK_END_DECLS

#endif
