/* ballotkit: rendering braille and print to PDF.
 *
 * Swell-paper (microcapsule) PDF: single-sided pages with every braille dot
 * a filled black circle at the true size of a braille profile from
 * templates/braille/profiles; only carbon black swells, so anything that
 * must stay flat (interline print for sighted helpers) is drawn in blue.
 * Files are written under a temporary name and renamed into place. Each
 * writer has a _to twin that hands the same bytes to a bk_write_fn
 * (diag.h) instead: a callback's failure is returned, with an
 * "unwritable" diagnostic.
 */
#ifndef BALLOTKIT_RENDER_H
#define BALLOTKIT_RENDER_H

#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/braille.h"
#include "ballotkit/definition.h"
#include "ballotkit/script.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

/* The bounds of the options below, mm and points: the paper's sides (swell
 * and large print alike), the margins and the large print's type size. */
#define BK_PAPER_SIDE_MIN 100
#define BK_PAPER_SIDE_MAX 500
#define BK_SWELL_MARGIN_MIN 10
#define BK_SWELL_MARGIN_MAX 40
#define BK_LARGE_PRINT_MARGIN_MIN 10
#define BK_LARGE_PRINT_MARGIN_MAX 50
#define BK_LARGE_PRINT_SIZE_MIN 18
#define BK_LARGE_PRINT_SIZE_MAX 72

typedef struct bk_swell_options {
	unsigned int version; /* BK_SWELL_OPTIONS_VERSION */
	double paper_width;   /* mm (210), BK_PAPER_SIDE_MIN to _MAX, 100–500 */
	double paper_height;  /* mm (297), the same */
	double margin;        /* mm (15), BK_SWELL_MARGIN_MIN to _MAX, 10–40 */
	int interline;        /* print text above each braille line */
} bk_swell_options;
#define BK_SWELL_OPTIONS_VERSION 1
#define BK_SWELL_OPTIONS_INIT {BK_SWELL_OPTIONS_VERSION, 210.0, 297.0, 15.0, 0}

/* The braille layout (cells per line, lines per page) that fills a swell
 * page with the named profile ("marburg-medium" …). opt NULL means
 * BK_SWELL_OPTIONS_INIT. */
BK_API bk_status bk_swell_layout(bk_braille_layout *out,
                                 const bk_templates *tpl, const char *profile,
                                 const bk_swell_options *opt,
                                 bk_diags *diags);

/* Writes doc, laid out with bk_swell_layout for the same profile and
 * options, as a swell-paper PDF at path. The PDF's creation date is
 * SOURCE_DATE_EPOCH when set, else the document's date: the same input
 * gives the same bytes. */
BK_API bk_status bk_swell_write_pdf(const bk_braille_doc *doc,
                                    const bk_templates *tpl,
                                    const char *profile,
                                    const bk_swell_options *opt,
                                    const char *path, bk_diags *diags);
/* The same PDF, byte for byte, written through write(arg). */
BK_API bk_status bk_swell_write_pdf_to(const bk_braille_doc *doc,
                                       const bk_templates *tpl,
                                       const char *profile,
                                       const bk_swell_options *opt,
                                       bk_write_fn write, void *arg,
                                       bk_diags *diags);

/* Large print for low-vision voters: black on white, DejaVu Sans (every
 * Kazakh letter covered), laid out by Pango, headings tagged H1/H2. */
typedef struct bk_large_print_options {
	unsigned int version; /* BK_LARGE_PRINT_OPTIONS_VERSION */
	double paper_width;   /* mm (210), BK_PAPER_SIDE_MIN to _MAX, 100–500 */
	double paper_height;  /* mm (297), the same */
	double margin;        /* mm (20), BK_LARGE_PRINT_MARGIN_MIN to _MAX,
	                       * 10–50 */
	double size_pt;       /* body text size in points (18),
	                       * BK_LARGE_PRINT_SIZE_MIN to _MAX, 18–72 */
} bk_large_print_options;
#define BK_LARGE_PRINT_OPTIONS_VERSION 1
#define BK_LARGE_PRINT_OPTIONS_INIT \
	{BK_LARGE_PRINT_OPTIONS_VERSION, 210.0, 297.0, 20.0, 18.0}

/* The large-print list of a script: title, district, every position's
 * list line. opt NULL means BK_LARGE_PRINT_OPTIONS_INIT. */
BK_API bk_status bk_large_print_list(const bk_script *script,
                                     const bk_templates *tpl,
                                     const bk_large_print_options *opt,
                                     const char *path, bk_diags *diags);
/* The same PDF, byte for byte, written through write(arg). */
BK_API bk_status bk_large_print_list_to(const bk_script *script,
                                        const bk_templates *tpl,
                                        const bk_large_print_options *opt,
                                        bk_write_fn write, void *arg,
                                        bk_diags *diags);

/* The large-print leaflet of a party or candidate (kind "party" or
 * "candidate"): its name, then the leaflet text. */
BK_API bk_status bk_large_print_leaflet(const bk_election *election,
                                        const char *kind, const char *id,
                                        const char *lang,
                                        const bk_templates *tpl,
                                        const bk_large_print_options *opt,
                                        const char *path, bk_diags *diags);
/* The same PDF, byte for byte, written through write(arg). */
BK_API bk_status bk_large_print_leaflet_to(const bk_election *election,
                                           const char *kind, const char *id,
                                           const char *lang,
                                           const bk_templates *tpl,
                                           const bk_large_print_options *opt,
                                           bk_write_fn write, void *arg,
                                           bk_diags *diags);

BK_END_DECLS

#endif
