/* Finding and reading braille dots on rendered PDF pages. poppler draws
 * each page into a cairo image; black round blobs are dots; the grid (dot
 * pitch, cell pitch, line pitch) is inferred from the dots themselves, not
 * taken from the profile the page was drawn with, so a wrong geometry is
 * measured, not assumed. Shares no code with the renderer. */
#include "ballotkit/decode.h"

#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

typedef struct blob {
	double x, y;  /* centre, mm */
	double d;     /* equivalent diameter, mm */
	bool dot;
} blob;

typedef struct vec {
	blob *v;
	size_t n, cap;
	bool nomem; /* a blob could not be kept */
} vec;

static void push(vec *a, blob b)
{
	void *v = a->v;
	bool room = bki_array_room(&v, &a->cap, a->n, sizeof *a->v);
	a->v = v;
	if (!room) {
		a->nomem = true;
		return;
	}
	a->v[a->n++] = b;
}

/* How black a pixel is (0–1), or 0 when it is coloured (interline print
 * in blue is not black and not a dot). */
static double blackness(uint32_t px)
{
	int r = (px >> 16) & 0xFF, g = (px >> 8) & 0xFF, b = px & 0xFF;
	int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
	double dark = 255.0 - (r + g + b) / 3.0; /* 0–255 */
	/* grey: the channels differ by little compared with how dark the
	 * pixel is (a faint blue edge is pale but not grey) */
	if (mx - mn > 0.2 * dark + 2)
		return 0;
	return dark / 255.0;
}

/* A page image being searched for blobs: the pixels, those already
 * taken into a region, and the flood fill's stack of x, y pairs. */
typedef struct image_scan {
	const unsigned char *data;
	int w, h, stride;
	unsigned char *seen;
	int *stack;
	size_t cap, top;
	bool nomem; /* the stack could not grow */
} image_scan;

/* One region's blackness-weighted area and centre sums, its darkest
 * pixel, and its box. */
typedef struct region {
	double area, sx, sy, peak;
	int minx, maxx, miny, maxy;
} region;

static double pixel_blackness(const image_scan *im, int x, int y)
{
	uint32_t p = *(const uint32_t *)(im->data + (size_t)y * (size_t)im->stride +
	                                 (size_t)x * 4);
	return blackness(p);
}

static void scan_push(image_scan *im, int x, int y)
{
	/* an element is a pair; the stack starts at find_blobs's 1024 */
	void *v = im->stack;
	bool room = bki_array_room(&v, &im->cap, im->top, 2 * sizeof *im->stack);
	im->stack = v;
	if (!room) {
		im->nomem = true;
		return;
	}
	im->stack[im->top * 2] = x;
	im->stack[im->top * 2 + 1] = y;
	im->top++;
}

/* Pushes the unseen dark neighbours of (x, y) (4-connected). */
static void push_neighbours(image_scan *im, int x, int y)
{
	static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
	for (int q = 0; q < 4; q++) {
		int nx = x + dx[q], ny = y + dy[q];
		if (nx < 0 || ny < 0 || nx >= im->w || ny >= im->h)
			continue;
		size_t ni = (size_t)ny * (size_t)im->w + (size_t)nx;
		if (im->seen[ni] || pixel_blackness(im, nx, ny) < 0.05)
			continue;
		im->seen[ni] = 1;
		scan_push(im, nx, ny);
	}
}

/* The region of dark pixels connected to the seed (x0, y0). */
static region flood_region(image_scan *im, int x0, int y0)
{
	region r = {0, 0, 0, 0, x0, x0, y0, y0};
	im->top = 0;
	scan_push(im, x0, y0);
	im->seen[(size_t)y0 * (size_t)im->w + (size_t)x0] = 1;
	while (im->top) {
		im->top--;
		int x = im->stack[im->top * 2], y = im->stack[im->top * 2 + 1];
		double k = pixel_blackness(im, x, y);
		r.area += k;
		if (k > r.peak)
			r.peak = k;
		r.sx += k * x;
		r.sy += k * y;
		if (x < r.minx) r.minx = x;
		if (x > r.maxx) r.maxx = x;
		if (y < r.miny) r.miny = y;
		if (y > r.maxy) r.maxy = y;
		push_neighbours(im, x, y);
	}
	return r;
}

/* A region as a blob in mm, and whether it has a dot's shape. Its area is
 * counted in its own ink's density (the darkest pixel as full cover): a
 * black separation rendered through its CMYK alternate is a little
 * lighter than RGB black, and its dots are no smaller for it. */
static blob region_blob(const region *r, double px_mm)
{
	blob b;
	b.x = (r->sx / r->area + 0.5) * px_mm;
	b.y = (r->sy / r->area + 0.5) * px_mm;
	b.d = 2 * sqrt(r->area / r->peak / M_PI) * px_mm;
	double bw = (r->maxx - r->minx + 1) * px_mm, bh = (r->maxy - r->miny + 1) * px_mm;
	/* a dot: round, 1–2 mm across */
	b.dot = b.d >= 1.0 && b.d <= 2.0 && bw < b.d * 1.3 &&
	        bh < b.d * 1.3 && bw > b.d * 0.8 && bh > b.d * 0.8;
	return b;
}

/* Connected dark grey regions of one page image, as blobs in mm (out
 * out of memory when they cannot all be kept). */
static void find_blobs(const unsigned char *data, int w, int h, int stride,
                       double px_mm, vec *out)
{
	image_scan im = {data, w, h, stride, bki_calloc((size_t)w * (size_t)h, 1),
	                 NULL, 1024, 0, false};
	im.stack = bki_calloc(im.cap * 2, sizeof *im.stack);
	if (!im.seen || !im.stack)
		out->nomem = true;
	for (int y0 = 0; !out->nomem && y0 < h; y0++) {
		for (int x0 = 0; x0 < w && !im.nomem; x0++) {
			if (im.seen[(size_t)y0 * (size_t)w + (size_t)x0] ||
			    pixel_blackness(&im, x0, y0) < 0.1)
				continue;
			region r = flood_region(&im, x0, y0);
			if (r.area >= 1)
				push(out, region_blob(&r, px_mm));
		}
		if (im.nomem)
			out->nomem = true;
	}
	free(im.stack);
	free(im.seen);
}

/* A page rendered at dpi into a white image, or NULL (with a diagnostic)
 * when the page is too large to render. */
static cairo_surface_t *render_page(PopplerPage *page, double dpi,
                                    const char *name, int pg, bk_diags *diags)
{
	double wpt, hpt;
	poppler_page_get_size(page, &wpt, &hpt);
	double wf = ceil(wpt / 72.0 * dpi), hf = ceil(hpt / 72.0 * dpi);
	if (!(wf >= 1 && hf >= 1 && wf <= 30000 && hf <= 30000 && wf * hf <= 2.0e8)) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %d is too large to read at %g dpi", pg + 1, dpi);
		return NULL;
	}
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	                                                  (int)wf, (int)hf);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "no memory to render page %d", pg + 1);
		return NULL;
	}
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	return img;
}

PopplerDocument *bki_decode_open_pdf(const char *data, size_t size,
                                    const char *name, bk_diags *diags)
{
	GBytes *bytes = g_bytes_new(data, size);
	GError *err = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes); /* the document keeps its own reference */
	if (!doc) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "poppler cannot read the PDF: %s",
		             err ? err->message : "unknown error");
		if (err)
			g_error_free(err);
	}
	return doc;
}

/* The black blobs of page pg (0-based) rendered at dpi, in mm. */
static bk_status page_blobs(PopplerDocument *doc, int pg, double dpi,
                            const char *name, vec *blobs, bk_diags *diags)
{
	PopplerPage *page = poppler_document_get_page(doc, pg);
	cairo_surface_t *img = render_page(page, dpi, name, pg, diags);
	g_object_unref(page);
	if (!img)
		return BK_ERR_INVALID;
	find_blobs(cairo_image_surface_get_data(img),
	           cairo_image_surface_get_width(img),
	           cairo_image_surface_get_height(img),
	           cairo_image_surface_get_stride(img), 25.4 / dpi, blobs);
	cairo_surface_destroy(img);
	if (blobs->nomem)
		return bki_diags_nomem(diags, name, "", "reading the PDF's dots");
	return BK_OK;
}

static int cmp_blob_y(const void *a, const void *b)
{
	const blob *x = a, *y = b;
	if (fabs(x->y - y->y) > 0.3)
		return x->y < y->y ? -1 : 1;
	return x->x < y->x ? -1 : x->x > y->x;
}

/* Root-mean-square distance of coordinates to the grid
 * origin + n * pitch + {0, sub, 2 sub} (levels sub-steps). */
static double grid_rms(const double *c, size_t n, double origin, double pitch,
                       double sub, int levels)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double u = c[i] - origin;
		double best = 1e9;
		double k = floor(u / pitch);
		for (int kk = -1; kk <= 1; kk++) {
			for (int j = 0; j < levels; j++) {
				double g = (k + kk) * pitch + j * sub;
				double e = fabs(u - g);
				if (e < best)
					best = e;
			}
		}
		s += best * best;
	}
	return n ? sqrt(s / (double)n) : 0;
}

/* The largest pitch in [lo, hi] whose grid fits the coordinates: the
 * largest, because every fraction of the true pitch fits as well. */
static double fit_pitch(const double *c, size_t n, double origin, double sub,
                        int levels, double lo, double hi)
{
	double best = 0, best_rms = 1e9;
	for (double p = hi; p >= lo; p -= 0.002) {
		double r = grid_rms(c, n, origin, p, sub, levels);
		if (r < 0.12)
			return p;
		if (r < best_rms) {
			best_rms = r;
			best = p;
		}
	}
	return best;
}

/* Refines pitch and origin by least squares once every coordinate has
 * its grid step k and sub-step j. */
static void refine(const double *c, size_t n, double *origin, double *pitch,
                   double sub, int levels)
{
	double sk = 0, sv = 0, skk = 0, skv = 0;
	for (size_t i = 0; i < n; i++) {
		double u = c[i] - *origin, best = 1e9, bk = 0, bj = 0;
		double k0 = floor(u / *pitch);
		for (int kk = -1; kk <= 1; kk++)
			for (int j = 0; j < levels; j++) {
				double e = fabs(u - (k0 + kk) * *pitch - j * sub);
				if (e < best) {
					best = e;
					bk = k0 + kk;
					bj = j;
				}
			}
		double v = c[i] - bj * sub;
		sk += bk;
		sv += v;
		skk += bk * bk;
		skv += bk * v;
	}
	double var = skk - sk * sk / (double)n;
	if (n < 2 || var <= 0)
		return;
	*pitch = (skv - sk * sv / (double)n) / var;
	*origin = (sv - *pitch * sk) / (double)n;
}

typedef struct page_fit {
	double pv, ph, cell, line, x0, y0;
} page_fit;

static bk_status fit_page(blob *dots, size_t n, page_fit *f, double line_hint)
{
	memset(f, 0, sizeof *f);
	if (n < 2)
		return BK_ERR_INVALID;
	bki_sort(dots, n, sizeof *dots, cmp_blob_y);
	double *gaps = bki_calloc(n, sizeof *gaps);
	size_t ng = 0;
	/* row clusters, then vertical gaps within cells (1.8–3.0 mm) */
	double *rows = bki_calloc(n, sizeof *rows);
	double *xs = bki_calloc(n, sizeof *xs);
	if (!gaps || !rows || !xs) {
		free(gaps);
		free(rows);
		free(xs);
		return BK_ERR_NOMEM;
	}
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		if (!nr || dots[i].y - rows[nr - 1] > 0.3)
			rows[nr++] = dots[i].y;
	for (size_t i = 1; i < nr; i++)
		if (rows[i] - rows[i - 1] >= 1.8 && rows[i] - rows[i - 1] <= 3.0)
			gaps[ng++] = rows[i] - rows[i - 1];
	f->pv = bki_decode_median(gaps, ng);
	/* horizontal gaps between neighbours in a row */
	ng = 0;
	for (size_t i = 1; i < n; i++) {
		double dx = dots[i].x - dots[i - 1].x;
		if (fabs(dots[i].y - dots[i - 1].y) < 0.3 && dx >= 1.8 && dx <= 3.0)
			gaps[ng++] = dx;
	}
	f->ph = bki_decode_median(gaps, ng);
	free(gaps);
	if (f->pv <= 0 || f->ph <= 0) {
		free(rows);
		free(xs);
		return BK_ERR_INVALID;
	}
	/* origins: the highest row and the leftmost dot */
	f->y0 = rows[0];
	f->x0 = 1e9;
	for (size_t i = 0; i < n; i++) {
		xs[i] = dots[i].x;
		if (dots[i].x < f->x0)
			f->x0 = dots[i].x;
	}
	f->line = line_hint > 0 ? line_hint
	                        : fit_pitch(rows, nr, f->y0, f->pv, 3, 8.0, 30.0);
	f->cell = fit_pitch(xs, n, f->x0, f->ph, 2, 5.0, 8.0);
	if (line_hint <= 0)
		refine(rows, nr, &f->y0, &f->line, f->pv, 3);
	refine(xs, n, &f->x0, &f->cell, f->ph, 2);
	free(xs);
	free(rows);
	return f->line > 0 && f->cell > 0 ? BK_OK : BK_ERR_INVALID;
}

/* One line of cells as read from a page's grid. */
typedef struct dline {
	unsigned char *c;
	size_t n;
} dline;

/* A braille PDF being read: every page's dots, the pitches fitted to each
 * page with dots, the lines read and how many each page holds, and the
 * dots' measures. */
typedef struct braille_reading {
	int npages;
	blob **pdots;
	size_t *pn;
	double *pvs, *phs, *cells, *lines;
	size_t nfit;
	dline *all;
	size_t nall;
	size_t *page_lines;
	double dsum, dmin, dmax;
	size_t ndots, nother;
} braille_reading;

/* false when memory runs out (then reading_free). */
static bool reading_init(braille_reading *r, int npages)
{
	memset(r, 0, sizeof *r);
	size_t np = (size_t)npages + 1;
	r->pvs = bki_calloc(np, sizeof *r->pvs);
	r->phs = bki_calloc(np, sizeof *r->phs);
	r->cells = bki_calloc(np, sizeof *r->cells);
	r->lines = bki_calloc(np, sizeof *r->lines);
	r->page_lines = bki_calloc(np, sizeof *r->page_lines);
	r->pdots = bki_calloc(np, sizeof *r->pdots);
	r->pn = bki_calloc(np, sizeof *r->pn);
	r->dmin = 1e9;
	if (!r->pvs || !r->phs || !r->cells || !r->lines || !r->page_lines ||
	    !r->pdots || !r->pn)
		return false;
	r->npages = npages;
	return true;
}

static void reading_free(braille_reading *r)
{
	for (size_t i = 0; i < r->nall; i++)
		free(r->all[i].c);
	free(r->all);
	free(r->page_lines);
	for (int pg = 0; pg < r->npages; pg++)
		free(r->pdots[pg]);
	free(r->pdots);
	free(r->pn);
	free(r->pvs);
	free(r->phs);
	free(r->cells);
	free(r->lines);
}

/* Every page's dots into r (other black blobs counted). */
static bk_status collect_dots(PopplerDocument *doc, double dpi,
                              const char *name, braille_reading *r,
                              bk_diags *diags)
{
	for (int pg = 0; pg < r->npages; pg++) {
		vec blobs = {0};
		bk_status st = page_blobs(doc, pg, dpi, name, &blobs, diags);
		if (st == BK_OK && !(r->pdots[pg] = bki_calloc(blobs.n + 1,
		                                              sizeof **r->pdots)))
			st = bki_diags_nomem(diags, name, "", "reading the PDF's dots");
		if (st != BK_OK) {
			free(blobs.v);
			return st;
		}
		for (size_t i = 0; i < blobs.n; i++) {
			if (!blobs.v[i].dot) {
				r->nother++;
				continue;
			}
			r->pdots[pg][r->pn[pg]++] = blobs.v[i];
			r->dsum += blobs.v[i].d;
			if (blobs.v[i].d < r->dmin) r->dmin = blobs.v[i].d;
			if (blobs.v[i].d > r->dmax) r->dmax = blobs.v[i].d;
		}
		r->ndots += r->pn[pg];
		free(blobs.v);
	}
	return BK_OK;
}

/* One line pitch for the document, the least any page fits: a page whose
 * lines all stand two apart (blank lines between) fits twice the pitch as
 * well as the pitch itself. -1 when memory runs out. */
static double document_line_pitch(const braille_reading *r)
{
	double line_pitch = 0;
	for (int pg = 0; pg < r->npages; pg++) {
		page_fit f;
		bk_status st = r->pn[pg] > 1 ? fit_page(r->pdots[pg], r->pn[pg],
		                                        &f, 0)
		                             : BK_ERR_INVALID;
		if (st == BK_ERR_NOMEM)
			return -1;
		if (st == BK_OK && (line_pitch == 0 || f.line < line_pitch))
			line_pitch = f.line;
	}
	return line_pitch;
}

/* Where each dot of page pg stands on the grid f: line li, cell ci and
 * its dot bit; the last line and cell into *maxline, *maxcell. A dot off
 * the grid is a located error. */
static bk_status place_dots(const braille_reading *r, int pg, const page_fit *f,
                            size_t *li, size_t *ci, int *bit, size_t *maxline,
                            size_t *maxcell, const char *name, bk_diags *diags)
{
	const blob *dots = r->pdots[pg];
	for (size_t i = 0; i < r->pn[pg]; i++) {
		double u = dots[i].y - f->y0, v = dots[i].x - f->x0;
		double ln = floor((u + 0.5 * f->pv) / f->line);
		double row = round((u - ln * f->line) / f->pv);
		double cl = floor((v + 0.5 * f->ph) / f->cell);
		double col = round((v - cl * f->cell) / f->ph);
		double ey = fabs(u - ln * f->line - row * f->pv);
		double ex = fabs(v - cl * f->cell - col * f->ph);
		if (row < 0 || row > 2 || col < 0 || col > 1 || ey > 0.35 ||
		    ex > 0.35 || ln < 0 || cl < 0) {
			bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
			             "page %d: a dot at %.2f, %.2f mm is off "
			             "the braille grid", pg + 1, dots[i].x, dots[i].y);
			return BK_ERR_INVALID;
		}
		li[i] = (size_t)ln;
		ci[i] = (size_t)cl;
		bit[i] = 1 << ((int)col * 3 + (int)row);
		if (li[i] > *maxline) *maxline = li[i];
		if (ci[i] > *maxcell) *maxcell = ci[i];
	}
	return BK_OK;
}

/* Page pg (with dots) read on the grid f into lines of cells. */
static bk_status read_grid(braille_reading *r, int pg, const page_fit *f,
                           const char *name, bk_diags *diags)
{
	size_t n = r->pn[pg], maxline = 0, maxcell = 0;
	size_t *li = bki_calloc(n, sizeof *li), *ci = bki_calloc(n, sizeof *ci);
	int *bit = bki_calloc(n, sizeof *bit);
	unsigned char *grid = NULL;
	bk_status st = !li || !ci || !bit ? BK_ERR_NOMEM
	               : place_dots(r, pg, f, li, ci, bit, &maxline, &maxcell,
	                            name, diags);
	if (st != BK_OK)
		goto out;
	size_t width = maxcell + 1;
	grid = bki_calloc(maxline + 1, width);
	if (!grid) {
		st = BK_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		grid[li[i] * width + ci[i]] |= (unsigned char)bit[i];
	for (size_t l = 0; l <= maxline; l++) {
		dline *more = bki_reallocarray(r->all, r->nall + 1, sizeof *r->all);
		if (more)
			r->all = more;
		if (!more || !(r->all[r->nall].c = bki_malloc(width))) {
			st = BK_ERR_NOMEM;
			goto out;
		}
		memcpy(r->all[r->nall].c, grid + l * width, width);
		r->all[r->nall].n = width;
		r->nall++;
	}
	r->page_lines[pg] = maxline + 1;
out:
	if (st == BK_ERR_NOMEM)
		bki_diags_nomem(diags, name, "", "reading braille from the PDF");
	free(grid);
	free(li);
	free(ci);
	free(bit);
	return st;
}

/* Every page with dots fitted to a braille grid (with the document's line
 * pitch) and read. */
static bk_status read_pages(braille_reading *r, const char *name,
                            bk_diags *diags)
{
	double line_pitch = document_line_pitch(r);
	if (line_pitch < 0)
		return bki_diags_nomem(diags, name, "", "reading braille from the PDF");
	for (int pg = 0; pg < r->npages; pg++) {
		size_t n = r->pn[pg];
		page_fit f;
		if (!n)
			continue;
		bk_status fit = fit_page(r->pdots[pg], n, &f, line_pitch);
		if (fit == BK_ERR_NOMEM)
			return bki_diags_nomem(diags, name, "",
			                      "reading braille from the PDF");
		if (fit != BK_OK) {
			bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
			             "page %d: the dots do not form a braille grid",
			             pg + 1);
			return BK_ERR_INVALID;
		}
		r->pvs[r->nfit] = f.pv;
		r->phs[r->nfit] = f.ph;
		r->cells[r->nfit] = f.cell;
		r->lines[r->nfit] = f.line;
		r->nfit++;
		bk_status st = read_grid(r, pg, &f, name, diags);
		if (st != BK_OK)
			return st;
	}
	return BK_OK;
}

/* The lines read, page by page (a page without dots is empty); NULL
 * when memory runs out. */
static bk_cell_pages *pages_of(const braille_reading *r)
{
	bk_cell_pages *p = bki_cell_pages_new();
	size_t k = 0;
	for (int pg = 0; p && pg < r->npages; pg++) {
		bki_cell_pages_add_page(p);
		for (size_t l = 0; l < r->page_lines[pg]; l++, k++)
			bki_cell_pages_add_line(p, r->all[k].c, r->all[k].n);
	}
	if (p && bki_cell_pages_nomem(p)) {
		bk_cell_pages_free(p);
		return NULL;
	}
	return p;
}

static void measure_of(braille_reading *r, bk_dot_measure *m)
{
	m->dots = r->ndots;
	m->other_black = r->nother;
	m->dot_diameter = r->ndots ? r->dsum / (double)r->ndots : 0;
	m->dot_diameter_min = r->ndots ? r->dmin : 0;
	m->dot_diameter_max = r->dmax;
	m->dot_pitch_y = bki_decode_median(r->pvs, r->nfit);
	m->dot_pitch_x = bki_decode_median(r->phs, r->nfit);
	m->cell_pitch = bki_decode_median(r->cells, r->nfit);
	m->line_pitch = bki_decode_median(r->lines, r->nfit);
}

/* What both readers of dots begin with: dpi checked against
 * BK_DECODE_DPI_MIN and BK_DECODE_DPI_MAX (BK_ERR_USAGE), m (may be NULL)
 * cleared and the PDF opened (BK_ERR_INVALID when poppler cannot read
 * it). NULL, with *st, on failure; the caller unrefs the document. */
static PopplerDocument *open_at(const char *data, size_t size,
                                const char *name, double dpi,
                                bk_dot_measure *m, bk_status *st,
                                bk_diags *diags)
{
	if (!(dpi >= BK_DECODE_DPI_MIN && dpi <= BK_DECODE_DPI_MAX)) {
		bki_diags_add(diags, BK_ERROR, "bad-value", name ? name : "", 0,
		             0, "", "a PDF is read at %d–%d dpi, not %g",
		             BK_DECODE_DPI_MIN, BK_DECODE_DPI_MAX, dpi);
		*st = BK_ERR_USAGE;
		return NULL;
	}
	if (m)
		memset(m, 0, sizeof *m);
	PopplerDocument *doc = bki_decode_open_pdf(data, size, name, diags);
	*st = doc ? BK_OK : BK_ERR_INVALID;
	return doc;
}

bk_status bk_decode_pdf_braille(bk_cell_pages **out, const char *data,
                                size_t size, const char *name, double dpi,
                                bk_dot_measure *m, bk_diags *diags)
{
	if (!out || !data)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_status st;
	PopplerDocument *doc = open_at(data, size, name, dpi, m, &st, diags);
	if (!doc)
		return st;
	braille_reading r;
	st = BK_ERR_NOMEM;
	if (!reading_init(&r, poppler_document_get_n_pages(doc))) {
		bki_diags_nomem(diags, name, "", "reading braille from the PDF");
		goto out;
	}
	st = collect_dots(doc, dpi, name, &r, diags);
	if (st != BK_OK)
		goto out;
	st = read_pages(&r, name, diags);
	if (st != BK_OK)
		goto out;
	*out = pages_of(&r);
	if (!*out)
		st = bki_diags_nomem(diags, name, "", "reading braille from the PDF");
out:
	if (m)
		measure_of(&r, m);
	reading_free(&r);
	g_object_unref(doc);
	return st;
}

bk_status bk_decode_pdf_dots(const char *data, size_t size, const char *name,
                             double dpi, size_t pageno, double **xy, size_t *n,
                             bk_dot_measure *m, bk_diags *diags)
{
	if (!data || !xy || !n)
		return BK_ERR_USAGE;
	*xy = NULL;
	*n = 0;
	bk_status st;
	PopplerDocument *doc = open_at(data, size, name, dpi, m, &st, diags);
	if (!doc)
		return st;
	vec blobs = {0};
	st = BK_ERR_INVALID;
	if (pageno < (size_t)poppler_document_get_n_pages(doc))
		st = page_blobs(doc, (int)pageno, dpi, name, &blobs, diags);
	else
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "the PDF has no page %zu", pageno + 1);
	g_object_unref(doc);
	double *out = st == BK_OK ? bki_calloc(2 * blobs.n + 1, sizeof *out) : NULL;
	if (st == BK_OK && !out)
		st = bki_diags_nomem(diags, name, "", "reading the PDF's dots");
	if (st != BK_OK) {
		free(blobs.v);
		return st;
	}
	size_t k = 0, other = 0;
	double dsum = 0, dmin = 1e9, dmax = 0;
	for (size_t i = 0; i < blobs.n; i++) {
		if (!blobs.v[i].dot) {
			other++;
			continue;
		}
		out[2 * k] = blobs.v[i].x;
		out[2 * k + 1] = blobs.v[i].y;
		dsum += blobs.v[i].d;
		if (blobs.v[i].d < dmin) dmin = blobs.v[i].d;
		if (blobs.v[i].d > dmax) dmax = blobs.v[i].d;
		k++;
	}
	free(blobs.v);
	if (m) {
		m->dots = k;
		m->other_black = other;
		m->dot_diameter = k ? dsum / (double)k : 0;
		m->dot_diameter_min = k ? dmin : 0;
		m->dot_diameter_max = dmax;
	}
	*xy = out;
	*n = k;
	return BK_OK;
}

bk_status bk_decode_dots_line(const double *xy, size_t n, double dot_pitch,
                              double cell_pitch, unsigned char **cells,
                              size_t *ncells)
{
	if (!xy || !n || !cells || !ncells || dot_pitch <= 0 ||
	    cell_pitch <= dot_pitch)
		return BK_ERR_USAGE;
	*cells = NULL;
	*ncells = 0;
	double x0 = xy[0], y0 = xy[1];
	for (size_t i = 1; i < n; i++) {
		if (xy[2 * i] < x0) x0 = xy[2 * i];
		if (xy[2 * i + 1] < y0) y0 = xy[2 * i + 1];
	}
	size_t maxcell = 0;
	size_t *ci = bki_calloc(n, sizeof *ci);
	int *bit = bki_calloc(n, sizeof *bit);
	if (!ci || !bit) {
		free(ci);
		free(bit);
		return BK_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		double u = xy[2 * i] - x0, v = xy[2 * i + 1] - y0;
		double cl = floor((u + 0.5 * dot_pitch) / cell_pitch);
		double col = round((u - cl * cell_pitch) / dot_pitch);
		double row = round(v / dot_pitch);
		if (col < 0 || col > 1 || row < 0 || row > 2 ||
		    fabs(u - cl * cell_pitch - col * dot_pitch) > 0.4 ||
		    fabs(v - row * dot_pitch) > 0.4) {
			free(ci);
			free(bit);
			return BK_ERR_INVALID;
		}
		ci[i] = (size_t)cl;
		bit[i] = 1 << ((int)col * 3 + (int)row);
		if (ci[i] > maxcell)
			maxcell = ci[i];
	}
	unsigned char *c = bki_calloc(maxcell + 2, 1);
	for (size_t i = 0; c && i < n; i++)
		c[ci[i]] |= (unsigned char)bit[i];
	free(ci);
	free(bit);
	if (!c)
		return BK_ERR_NOMEM;
	*cells = c;
	*ncells = maxcell + 1;
	return BK_OK;
}
