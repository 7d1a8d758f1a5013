/* ballotkit: the marking boxes of a printed ballot, found in its PDF.
 *
 * The finder reads one page of the PDF that goes to the ballot printer (or
 * a scan of a printed ballot) and returns the marking boxes in reading
 * order, with the sheet size and the cut corner when one is printed, so
 * that a stencil's windows can be registered to the real ballot
 * (docs/stencil.md, "Boxes from the ballot's PDF", says how each kind of
 * drawing is found and which rule picks the method).
 *
 * Coordinates are millimetres from the top-left corner of the page as it
 * is displayed (after the page's /Rotate), y downwards. A box is the
 * centre line of its frame: the path of a stroked rectangle, midway
 * between the outer and inner edges of a filled frame or a glyph («☐»),
 * the centre of the strokes of a scan.
 */
#ifndef BALLOTKIT_BOXES_H
#define BALLOTKIT_BOXES_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"

BK_BEGIN_DECLS

/* One marking box, mm (see above). */
typedef struct bk_box {
	double x, y, w, h;
} bk_box;

/* The boxes found on one page. Opaque; immutable once made. */
typedef struct bk_boxes bk_boxes;

/* The bounds of a box's side (bk_boxes_options.min_mm, .max_mm) and
 * their defaults: a marking box is a few millimetres across; a coat of
 * arms in a square frame is larger. */
#define BK_BOXES_SIDE_MIN 1.0
#define BK_BOXES_SIDE_MAX 100.0
#define BK_BOXES_MIN_DEFAULT 3.0
#define BK_BOXES_MAX_DEFAULT 20.0
/* The most boxes one page may hold (bk_boxes_options.expected). */
#define BK_BOXES_EXPECTED_MAX 1000

/* Options of bk_boxes_find_pdf. Initialise with BK_BOXES_OPTIONS_INIT; a
 * caller built against an older version (1 .. BK_BOXES_OPTIONS_VERSION)
 * is accepted, version 0 or a newer one is refused naming the struct. */
typedef struct bk_boxes_options {
	unsigned version;  /* BK_BOXES_OPTIONS_VERSION */
	unsigned page;     /* 1-based; 0 means 1 */
	size_t expected;   /* the number of boxes the page must hold; 0: any
	                    * number from 1 (up to BK_BOXES_EXPECTED_MAX) */
	double min_mm;     /* a box's sides lie within [min_mm, max_mm], */
	double max_mm;     /* within BK_BOXES_SIDE_MIN .. BK_BOXES_SIDE_MAX */
} bk_boxes_options;
#define BK_BOXES_OPTIONS_VERSION 1
#define BK_BOXES_OPTIONS_INIT \
	{BK_BOXES_OPTIONS_VERSION, 0, 0, BK_BOXES_MIN_DEFAULT, \
	 BK_BOXES_MAX_DEFAULT}

/* Finds the marking boxes on a page of the PDF at path. opt NULL means
 * BK_BOXES_OPTIONS_INIT. Errors, each naming the file and page:
 * BK_ERR_IO when the file cannot be read; BK_ERR_INVALID when it is not a
 * PDF poppler can read, is encrypted, has no such page, holds no box,
 * holds a number of boxes other than opt->expected (the message lists the
 * boxes found, with their positions in mm), or holds boxes that overlap;
 * BK_ERR_USAGE for bad options; BK_ERR_NOMEM. Never crashes on a damaged
 * PDF. *out is set only on BK_OK; free it with bk_boxes_free. */
BK_API bk_status bk_boxes_find_pdf(bk_boxes **out, const char *path,
                                   const bk_boxes_options *opt,
                                   bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_boxes_free(bk_boxes *boxes);

/* The number of boxes, and the i-th (0-based, reading order: rows top to
 * bottom, a row being boxes whose centres lie within half a box height of
 * the row's first, each row left to right). NULL when i is out of range.
 * Borrowed: valid while boxes lives. */
BK_API size_t bk_boxes_count(const bk_boxes *boxes);
BK_API const bk_box *bk_boxes_get(const bk_boxes *boxes, size_t i);

/* The page's size in mm as displayed (after /Rotate; the crop box). */
BK_API void bk_boxes_page_size(const bk_boxes *boxes, double *w_mm,
                               double *h_mm);

/* The 1-based page the boxes were found on. */
BK_API unsigned bk_boxes_page(const bk_boxes *boxes);

/* The SHA-256 of the PDF's bytes as the finder read them, as 64 lower-case
 * hex digits and a NUL: what a kit's resume key takes of the ballot PDF,
 * so that a changed PDF rebuilds its stencil. "" for NULL boxes. */
BK_API void bk_boxes_sha256(const bk_boxes *boxes, char hex[65]);

/* How they were found: "vector" (the page's drawing) or "raster" (the
 * page rendered at BK_BOXES_RASTER_DPI, for scans). Static string. */
BK_API const char *bk_boxes_method(const bk_boxes *boxes);
#define BK_BOXES_RASTER_DPI 300

/* The corner a printed cut-corner mark stands in (a straight diagonal
 * line, or a filled triangle, cutting off a corner of the page, its legs
 * 3 to 40 mm), as one of the constants below, or BK_BOXES_CORNER_NONE
 * when none is printed (or the page is a scan: marks are looked for in
 * the vector drawing only). size_mm (may be NULL) gets the mean of the
 * cut's two legs along the edges. */
#define BK_BOXES_CORNER_NONE (-1)
#define BK_BOXES_CORNER_TOP_LEFT 0
#define BK_BOXES_CORNER_TOP_RIGHT 1
#define BK_BOXES_CORNER_BOTTOM_RIGHT 2
#define BK_BOXES_CORNER_BOTTOM_LEFT 3
BK_API int bk_boxes_cut_corner(const bk_boxes *boxes, double *size_mm);
/* "top-left", "top-right", "bottom-right", "bottom-left" (the stencil
 * templates' words) or "" for anything else. Static string. */
BK_API const char *bk_boxes_corner_name(int corner);

/* Writes the proof a print shop checks the finder with (`--show-boxes`):
 * the ballot page as it is, each box found outlined in red along its
 * centre line and numbered in reading order beside its top-right corner.
 * One page the ballot page's size, drawn from the PDF's bytes as they
 * were read (the boxes keep them). Written under a temporary name and
 * renamed into place: no half-written file is left at path. */
BK_API bk_status bk_boxes_write_proof_pdf(const bk_boxes *boxes,
                                          const char *path,
                                          bk_diags *diags);

BK_END_DECLS

#endif
