/* Boxes in a scan: the page rendered at BK_BOXES_RASTER_DPI, its dark
 * pixels joined into blobs (runs of each row, 8-connected), and each blob
 * that is a hollow frame measured to a fraction of a pixel from the
 * darkness profile across its four strokes (docs/stencil.md). */
#include "boxes-private.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "diag/diag-private.h"
#include "util/util.h"

/* a pixel is dark when its darkness (255 - luma) reaches this */
#define DARK 96
/* a frame's sides are dark along at least this share of their length,
 * and its inside at most INSIDE_DARK dark */
#define SIDE_COVER 0.9
#define INSIDE_DARK 0.1

typedef struct run {
	int32_t y, x0, x1; /* [x0, x1) */
	uint32_t parent;
} run;

typedef struct blob {
	int x0, y0, x1, y1; /* inclusive */
	size_t pixels;
} blob;

typedef struct raster {
	uint8_t *dark; /* darkness per pixel, w * h */
	int w, h;
	run *runs;
	size_t nruns, capruns;
	double px_mm;  /* mm per pixel */
} raster;

static uint32_t find_root(run *r, uint32_t i)
{
	while (r[i].parent != i) {
		r[i].parent = r[r[i].parent].parent;
		i = r[i].parent;
	}
	return i;
}

static void unite(run *r, uint32_t a, uint32_t b)
{
	a = find_root(r, a);
	b = find_root(r, b);
	if (a != b)
		r[a > b ? a : b].parent = a > b ? b : a;
}

/* The darkness of every pixel of the rendered image. */
static void darkness(raster *ra, const unsigned char *data, int stride)
{
	for (int y = 0; y < ra->h; y++) {
		const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
		uint8_t *out = ra->dark + (size_t)y * ra->w;
		for (int x = 0; x < ra->w; x++) {
			uint32_t p = row[x];
			unsigned luma = (((p >> 16) & 255) * 77 +
			                 ((p >> 8) & 255) * 150 + (p & 255) * 29) >> 8;
			out[x] = (uint8_t)(255 - luma);
		}
	}
}

/* The runs of dark pixels of row y, each joined to the runs of the row
 * above it touches (diagonals too); prev is where that row's runs begin. */
static bool row_runs(raster *ra, int y, size_t prev)
{
	const uint8_t *d = ra->dark + (size_t)y * ra->w;
	size_t first = ra->nruns, p = prev;
	for (int x = 0; x < ra->w;) {
		if (d[x] < DARK) {
			x++;
			continue;
		}
		int x0 = x;
		while (x < ra->w && d[x] >= DARK)
			x++;
		if (ra->nruns >= UINT32_MAX ||
		    !bki_array_room((void **)&ra->runs, &ra->capruns, ra->nruns,
		                    sizeof *ra->runs))
			return false;
		uint32_t id = (uint32_t)ra->nruns++;
		ra->runs[id] = (run){y, x0, x, id};
		while (p < first && ra->runs[p].x1 < x0)
			p++;
		for (size_t q = p; q < first && ra->runs[q].x0 <= x; q++)
			unite(ra->runs, id, (uint32_t)q);
	}
	return true;
}

/* The share of positions along a side where the band [a, b) across it
 * has a dark pixel: vertical sides when vertical, else horizontal. */
static double side_cover(const raster *ra, const blob *b, bool vertical,
                         int a0, int a1)
{
	int from = vertical ? b->y0 : b->x0, to = vertical ? b->y1 : b->x1;
	int hit = 0;
	for (int i = from; i <= to; i++) {
		for (int k = a0; k < a1; k++) {
			int x = vertical ? k : i, y = vertical ? i : k;
			if (ra->dark[(size_t)y * ra->w + x] >= DARK) {
				hit++;
				break;
			}
		}
	}
	return (double)hit / (to - from + 1);
}

/* The centre of the darkness across a stroke: along x (a vertical
 * stroke, columns [a0, a1)) or y, over the middle half of the side. */
static double stroke_centre(const raster *ra, const blob *b, bool vertical,
                            int a0, int a1)
{
	int from = vertical ? b->y0 : b->x0, to = vertical ? b->y1 : b->x1;
	int q = (to - from) / 4;
	double sum = 0, wsum = 0;
	for (int i = from + q; i <= to - q; i++) {
		for (int k = a0; k < a1; k++) {
			int x = vertical ? k : i, y = vertical ? i : k;
			double d = ra->dark[(size_t)y * ra->w + x];
			sum += d * (k + 0.5);
			wsum += d;
		}
	}
	return wsum > 0 ? sum / wsum : (a0 + a1) / 2.0;
}

static double inside_dark(const raster *ra, int x0, int y0, int x1, int y1)
{
	size_t dark = 0, all = 0;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++, all++)
			dark += ra->dark[(size_t)y * ra->w + x] >= DARK;
	return all ? (double)dark / all : 1.0;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A blob that is a hollow frame becomes a candidate, measured along the
 * centre lines of its strokes. */
static void frame_blob(const raster *ra, const blob *b, bki_boxes_geom *g)
{
	double W = b->x1 - b->x0 + 1, H = b->y1 - b->y0 + 1;
	double lo = g->min_mm / ra->px_mm, hi = (g->max_mm + 5.0) / ra->px_mm;
	if (W < lo || H < lo || W > hi || H > hi || W > 3 * H || H > 3 * W)
		return;
	double disc = (W + H) * (W + H) - 4.0 * (double)b->pixels;
	if (disc <= 0)
		return;
	double t = ((W + H) - sqrt(disc)) / 4; /* the strokes' thickness */
	if (t < 0.5 || t > 0.3 * fmin(W, H) || t * ra->px_mm > 2.5)
		return;
	int band = (int)ceil(t) + 2;
	if (side_cover(ra, b, true, b->x0, b->x0 + band) < SIDE_COVER ||
	    side_cover(ra, b, true, b->x1 + 1 - band, b->x1 + 1) < SIDE_COVER ||
	    side_cover(ra, b, false, b->y0, b->y0 + band) < SIDE_COVER ||
	    side_cover(ra, b, false, b->y1 + 1 - band, b->y1 + 1) < SIDE_COVER ||
	    inside_dark(ra, b->x0 + 2 * band, b->y0 + 2 * band,
	                b->x1 - 2 * band, b->y1 - 2 * band) > INSIDE_DARK)
		return;
	int l0 = clampi(b->x0 - 1, 0, ra->w), r1 = clampi(b->x1 + 2, 0, ra->w);
	int t0 = clampi(b->y0 - 1, 0, ra->h), b1 = clampi(b->y1 + 2, 0, ra->h);
	double left = stroke_centre(ra, b, true, l0, b->x0 + band);
	double right = stroke_centre(ra, b, true, b->x1 + 1 - band, r1);
	double top = stroke_centre(ra, b, false, t0, b->y0 + band);
	double bottom = stroke_centre(ra, b, false, b->y1 + 1 - band, b1);
	bki_boxes_add_cand(g, left * ra->px_mm, top * ra->px_mm,
	                   (right - left) * ra->px_mm,
	                   (bottom - top) * ra->px_mm);
}

/* The blobs of the runs (by their roots), each looked at as a frame. */
static bool blobs(raster *ra, bki_boxes_geom *g)
{
	blob *bl = bki_calloc(ra->nruns ? ra->nruns : 1, sizeof *bl);
	if (!bl)
		return false;
	for (size_t i = 0; i < ra->nruns; i++) {
		run *r = &ra->runs[i];
		blob *b = &bl[find_root(ra->runs, (uint32_t)i)];
		if (!b->pixels)
			*b = (blob){r->x0, r->y, r->x1 - 1, r->y, 0};
		b->x0 = r->x0 < b->x0 ? r->x0 : b->x0;
		b->x1 = r->x1 - 1 > b->x1 ? r->x1 - 1 : b->x1;
		b->y1 = r->y;
		b->pixels += (size_t)(r->x1 - r->x0);
	}
	for (size_t i = 0; i < ra->nruns && !g->nomem; i++) {
		if (ra->runs[i].parent != i)
			continue;
		g->shapes++;
		frame_blob(ra, &bl[i], g);
	}
	free(bl);
	return true;
}

static cairo_surface_t *render(PopplerPage *page, double scale, int *w,
                               int *h)
{
	double pw, ph;
	poppler_page_get_size(page, &pw, &ph);
	*w = (int)ceil(pw * scale);
	*h = (int)ceil(ph * scale);
	if (*w < 1 || *h < 1 || *w > 20000 || *h > 20000)
		return NULL;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	                                                  *w, *h);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return NULL;
	}
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	return img;
}

bk_status bki_boxes_raster(PopplerPage *page, unsigned pageno,
                           bki_boxes_geom *g, const char *name,
                           bk_diags *diags)
{
	raster ra = {.px_mm = 25.4 / BK_BOXES_RASTER_DPI};
	bk_status st = BK_OK;
	cairo_surface_t *img = render(page, BK_BOXES_RASTER_DPI / 72.0, &ra.w,
	                              &ra.h);
	if (!img) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %u: cannot render it at %d dpi", pageno,
		             BK_BOXES_RASTER_DPI);
		return BK_ERR_INVALID;
	}
	ra.dark = bki_malloc((size_t)ra.w * ra.h);
	if (!ra.dark)
		goto nomem;
	darkness(&ra, cairo_image_surface_get_data(img),
	         cairo_image_surface_get_stride(img));
	cairo_surface_destroy(img);
	img = NULL;
	size_t prev = 0;
	for (int y = 0; y < ra.h; y++) {
		size_t start = ra.nruns;
		if (!row_runs(&ra, y, prev))
			goto nomem;
		prev = start;
	}
	if (!blobs(&ra, g) || g->nomem)
		goto nomem;
	goto out;
nomem:
	st = bki_diags_nomem(diags, name, "", "reading the scan");
out:
	if (img)
		cairo_surface_destroy(img);
	free(ra.dark);
	free(ra.runs);
	return st;
}
