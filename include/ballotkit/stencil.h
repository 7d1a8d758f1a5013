/* ballotkit: braille stencils, the tactile templates laid over the paper
 * ballot: a window over every marking box ("against all" included), the
 * braille and large print number beside it, an orientation corner cut, a
 * braille title, labels for poll workers, alignment crosses and a
 * calibration bar. Laid out from the ballot script and the stencil
 * geometry template; every output is drawn from this one layout.
 * Geometry and rules: docs/stencil.md.
 */
#ifndef BALLOTKIT_STENCIL_H
#define BALLOTKIT_STENCIL_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/braille.h"
#include "ballotkit/definition.h"
#include "ballotkit/script.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_stencil bk_stencil;

/* The bounds of bk_stencil_options, mm, and of a PNG preview's dpi. */
#define BK_STENCIL_CLEARANCE_MAX 3
#define BK_STENCIL_CORNER_RADIUS_MAX 3
#define BK_STENCIL_TAB_DEPTH_MIN 5
#define BK_STENCIL_TAB_DEPTH_MAX 30
#define BK_STENCIL_TAB_WIDTH_MIN 15
#define BK_STENCIL_TAB_WIDTH_MAX 80
#define BK_STENCIL_DPI_MIN 30
#define BK_STENCIL_DPI_MAX 1200

typedef struct bk_stencil_options {
	unsigned int version;   /* BK_STENCIL_OPTIONS_VERSION */
	double clearance;       /* window = box + this on every side, mm (1.0),
	                         * 0.5 to BK_STENCIL_CLEARANCE_MAX, 0.5–3 */
	double corner_radius;   /* of the windows, mm (1.0), 0 to
	                         * BK_STENCIL_CORNER_RADIUS_MAX, 0–3 */
	double window_gap;      /* braille to any window, mm (3.0), at least 3 */
	double edge_gap;        /* braille to the sheet's edge, mm (8.0), at least 5 */
	int counting_dots;      /* a raised dot level with every window, in a
	                         * column left of the numbers, to count rows (0) */
	double tab_depth;       /* a tab above the top edge to hold the
	                         * stencil by, mm (0 = none, else
	                         * BK_STENCIL_TAB_DEPTH_MIN to _MAX, 5–30) */
	double tab_width;       /* its width, mm (30), BK_STENCIL_TAB_WIDTH_MIN
	                         * to _MAX, 15–80 */
} bk_stencil_options;
#define BK_STENCIL_OPTIONS_VERSION 1
#define BK_STENCIL_OPTIONS_INIT \
	{BK_STENCIL_OPTIONS_VERSION, 1.0, 1.0, 3.0, 8.0, 0, 0.0, 30.0}

/* Lays out the stencil of script's ballot (in the script's language for
 * labels; the braille title in the election's stencil title language)
 * with the election's braille profile. All arguments are borrowed and must
 * outlive the stencil. Refuses, with a diagnostic, a layout where braille
 * would come closer to a window or the edge than the options allow. */
BK_API bk_status bk_stencil_create(bk_stencil **out, const bk_election *election,
                                   const bk_script *script, bk_braille *braille,
                                   const bk_templates *tpl,
                                   const bk_stencil_options *opt,
                                   bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_stencil_free(bk_stencil *stencil);

/* Sheets (a ballot longer than its template's sheet continues on the
 * next), and the windows on a sheet: their rectangle in mm from the
 * sheet's top-left corner and the position number each opens on. */
BK_API size_t bk_stencil_sheet_count(const bk_stencil *stencil);
BK_API double bk_stencil_width(const bk_stencil *stencil);
BK_API double bk_stencil_height(const bk_stencil *stencil);
/* The clearance around each box the windows were given, mm: the option's,
 * reduced where boxes stand so close that windows would leave less than
 * 1.5 mm of material between them, but never below 0.5 mm (then a
 * warning gives the figures; docs/stencil.md). */
BK_API double bk_stencil_clearance(const bk_stencil *stencil);
BK_API size_t bk_stencil_window_count(const bk_stencil *stencil, size_t sheet);
BK_API unsigned bk_stencil_window(const bk_stencil *stencil, size_t sheet,
                                  size_t i, double *x, double *y, double *w,
                                  double *h);

/* Outputs, each written under a temporary name and renamed into place:
 * - swell-paper PDF (PDF/X-4): dots and print numbers on the process
 *   plate Black; cutting guides, labels, crosses and the calibration bar
 *   on the process plate Cyan, which does not swell;
 * - SVG for a laser cutter, in mm, one sheet (0-based) per file: red
 *   hairlines cut (outline, corner cut, windows), blue scores mark where
 *   the braille labels go, black is engraved (print numbers, labels);
 * - PNG preview of one sheet at dpi;
 * - the ballot proof: the template's marking boxes as the paper ballot has
 *   them, to overlay with the stencil. */
BK_API bk_status bk_stencil_write_swell_pdf(const bk_stencil *stencil,
                                            const char *path, bk_diags *diags);
BK_API bk_status bk_stencil_write_svg(const bk_stencil *stencil, size_t sheet,
                                      const char *path, bk_diags *diags);
BK_API bk_status bk_stencil_write_png(const bk_stencil *stencil, size_t sheet,
                                      double dpi, const char *path,
                                      bk_diags *diags);
BK_API bk_status bk_stencil_write_proof_pdf(const bk_stencil *stencil,
                                            const char *path, bk_diags *diags);

/* The print shop's PDF: TrimBox = the paper, BleedBox = trim + 3 mm,
 * MediaBox = bleed + a 10 mm slug with crop marks; the die line (outline,
 * corner cut, windows) in a Separation named CutContour, set to
 * overprint; braille dots in a Separation named Braille (raised varnish or
 * UV ink); everything else DeviceGray black; no RGB left. */
BK_API bk_status bk_stencil_write_print_pdf(const bk_stencil *stencil,
                                            const char *path, bk_diags *diags);

/* Each output above, the same bytes, written through write(arg)
 * (diag.h) instead of to a file: a failure of the callback is returned
 * with an "unwritable" diagnostic. The print PDF is made in memory first
 * (qpdf rewrites the whole file) and then handed over. */
BK_API bk_status bk_stencil_write_swell_pdf_to(const bk_stencil *stencil,
                                               bk_write_fn write, void *arg,
                                               bk_diags *diags);
BK_API bk_status bk_stencil_write_svg_to(const bk_stencil *stencil,
                                         size_t sheet, bk_write_fn write,
                                         void *arg, bk_diags *diags);
BK_API bk_status bk_stencil_write_png_to(const bk_stencil *stencil,
                                         size_t sheet, double dpi,
                                         bk_write_fn write, void *arg,
                                         bk_diags *diags);
BK_API bk_status bk_stencil_write_proof_pdf_to(const bk_stencil *stencil,
                                               bk_write_fn write, void *arg,
                                               bk_diags *diags);
BK_API bk_status bk_stencil_write_print_pdf_to(const bk_stencil *stencil,
                                               bk_write_fn write, void *arg,
                                               bk_diags *diags);

BK_END_DECLS

#endif
