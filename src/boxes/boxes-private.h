/* Private: the box finder's shared state (src/boxes/). */
#ifndef BK_BOXES_PRIVATE_H
#define BK_BOXES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <poppler.h>

#include "ballotkit/boxes.h"

/* mm per PDF point */
#define BKI_BOXES_MM (25.4 / 72.0)

struct bk_boxes {
	bk_box *box;
	size_t n;
	unsigned page;          /* 1-based */
	double page_w, page_h;  /* mm, as displayed */
	const char *method;     /* "vector" or "raster" */
	int corner;
	double corner_size;
	char *pdf;              /* the file's bytes, for the proof */
	size_t pdf_size;
	char *name;             /* the path, for messages */
};

/* A point of a path, mm on the page (top-left origin, y down). */
typedef struct bki_boxes_pt {
	double x, y;
} bki_boxes_pt;

/* One subpath: n points from first in the path's point array. */
typedef struct bki_boxes_sub {
	size_t first, n;
	bool closed;  /* ended by Z */
	bool curved;  /* holds a curve */
} bki_boxes_sub;

/* A straight stroke (or a thin filled bar, along its centre line). */
typedef struct bki_boxes_seg {
	double x0, y0, x1, y1;
	double width;
} bki_boxes_seg;

/* What the page's drawing (or its pixels) gave: candidate boxes, the
 * strokes still to be assembled into boxes, the cut corner. */
typedef struct bki_boxes_geom {
	bk_box *cand;
	size_t ncand, capcand;
	bki_boxes_seg *seg;
	size_t nseg, capseg;
	double page_w, page_h;  /* mm */
	double min_mm, max_mm;
	int corner;             /* BK_BOXES_CORNER_* */
	double corner_size;
	size_t shapes;          /* paths (or dark blobs) looked at */
	bool nomem;
} bki_boxes_geom;

/* ---- boxes-shapes.c: geometry to candidates ---- */

/* One drawn path (its subpaths, points in mm), stroked with width (mm)
 * or filled: rectangles become candidates, a pair of nested rectangles
 * filled (a frame, a «☐» glyph) one midway between them, straight
 * strokes and thin filled bars segments, a corner-cutting diagonal or
 * triangle the cut corner. */
void bki_boxes_add_path(bki_boxes_geom *g, const bki_boxes_pt *pts,
                        const bki_boxes_sub *subs, size_t nsub,
                        bool stroked, double width);
/* Adds a candidate box (sets nomem when memory runs out). */
void bki_boxes_add_cand(bki_boxes_geom *g, double x, double y, double w,
                        double h);
/* Boxes drawn as four separate strokes, from the segments. */
void bki_boxes_assemble(bki_boxes_geom *g);
void bki_boxes_geom_free(bki_boxes_geom *g);

/* ---- boxes-vector.c and boxes-raster.c ---- */

/* The page's drawing, through a Cairo SVG surface read back. BK_OK,
 * BK_ERR_NOMEM, or BK_ERR_INVALID when Cairo or libxml2 failed (a
 * diagnostic naming name and the page). */
bk_status bki_boxes_vector(PopplerPage *page, unsigned pageno,
                           bki_boxes_geom *g, const char *name,
                           bk_diags *diags);
/* The page rendered at BK_BOXES_RASTER_DPI: hollow frames. */
bk_status bki_boxes_raster(PopplerPage *page, unsigned pageno,
                           bki_boxes_geom *g, const char *name,
                           bk_diags *diags);

/* ---- boxes.c ---- */

/* The PDF in data opened with poppler; NULL with *st and a diagnostic
 * naming name when it cannot be read or is encrypted. */
PopplerDocument *bki_boxes_open(const char *data, size_t size,
                                const char *name, bk_diags *diags,
                                bk_status *st);
/* The page rendered onto the surface s (its unit a PDF point), then
 * over(cr, boxes) drawn on top when over is not NULL; s is finished and
 * destroyed. Cairo's first error status, or CAIRO_STATUS_SUCCESS. The
 * one place the finder's SVG reading and the proof render a page. */
cairo_status_t bki_boxes_render(PopplerPage *page, cairo_surface_t *s,
                                void (*over)(cairo_t *, const bk_boxes *),
                                const bk_boxes *boxes);
/* Its page pageno (1-based); NULL with a "no-page" error naming the
 * number of pages when there is none. Unref with g_object_unref. */
PopplerPage *bki_boxes_page(PopplerDocument *doc, unsigned pageno,
                            const char *name, bk_diags *diags);

#endif
