/* The box finder: opens the PDF, picks the method by what the page holds,
 * keeps the candidates that are marking boxes, puts them in reading
 * order and checks them (docs/stencil.md, "Boxes from the ballot's
 * PDF"). */
#include "boxes-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "util/cache.h"
#include "util/util.h"

/* an image covering this share of the page makes it a scan */
#define SCAN_COVER 0.5
/* two candidates are one box drawn twice when every edge agrees within */
#define SAME_BOX 0.3
/* a box whose side differs from the median by more than this share is
 * not one of the ballot's marking boxes */
#define SIZE_SPREAD 0.25
/* boxes listed in a message at most */
#define LIST_MAX 60

PopplerDocument *bki_boxes_open(const char *data, size_t size,
                                const char *name, bk_diags *diags,
                                bk_status *st)
{
	GBytes *bytes = g_bytes_new_static(data, size);
	GError *err = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (doc)
		return doc;
	*st = BK_ERR_INVALID;
	if (err && g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
		bki_diags_add(diags, BK_ERROR, "encrypted", name, 0, 0, "",
		             "the ballot PDF is encrypted (password protected): "
		             "give the printer's unprotected file");
	else
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "not a PDF poppler can read: %s",
		             err ? err->message : "unknown error");
	if (err)
		g_error_free(err);
	return NULL;
}

PopplerPage *bki_boxes_page(PopplerDocument *doc, unsigned pageno,
                            const char *name, bk_diags *diags)
{
	int n = poppler_document_get_n_pages(doc);
	PopplerPage *page = NULL;
	if (n > 0 && pageno <= (unsigned)n)
		page = poppler_document_get_page(doc, (int)pageno - 1);
	if (!page)
		bki_diags_add(diags, BK_ERROR, "no-page", name, 0, 0, "",
		             "page %u: no such page, the PDF has %d", pageno,
		             n > 0 ? n : 0);
	return page;
}

/* True when an image covers most of the page (a scan); *images gets
 * whether it holds any. */
static bool page_is_scan(PopplerPage *page, bool *images)
{
	double w, h;
	poppler_page_get_size(page, &w, &h);
	GList *list = poppler_page_get_image_mapping(page);
	bool scan = false;
	*images = list != NULL;
	for (GList *l = list; l; l = l->next) {
		const PopplerImageMapping *m = l->data;
		double iw = fmin(m->area.x2, w) - fmax(m->area.x1, 0);
		double ih = fmin(m->area.y2, h) - fmax(m->area.y1, 0);
		if (iw > 0 && ih > 0 && iw * ih >= SCAN_COVER * w * h)
			scan = true;
	}
	poppler_page_free_image_mapping(list);
	return scan;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Keeps the candidates for which keep[i]. */
static void compact(bki_boxes_geom *g, const unsigned char *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < g->ncand; i++)
		if (keep[i])
			g->cand[k++] = g->cand[i];
	g->ncand = k;
}

static bool same_box(const bk_box *a, const bk_box *b)
{
	return fabs(a->x - b->x) <= SAME_BOX && fabs(a->y - b->y) <= SAME_BOX &&
	       fabs(a->x + a->w - b->x - b->w) <= SAME_BOX &&
	       fabs(a->y + a->h - b->y - b->h) <= SAME_BOX;
}

/* The bounds, and one box drawn twice kept once. */
static void keep_sized(bki_boxes_geom *g, unsigned char *keep)
{
	for (size_t i = 0; i < g->ncand; i++) {
		const bk_box *c = &g->cand[i];
		keep[i] = c->w >= g->min_mm && c->w <= g->max_mm &&
		          c->h >= g->min_mm && c->h <= g->max_mm &&
		          c->w <= 3 * c->h && c->h <= 3 * c->w;
		for (size_t j = 0; j < i && keep[i]; j++)
			if (keep[j] && same_box(&g->cand[j], c))
				keep[i] = 0;
	}
	compact(g, keep);
}

/* The ballot's boxes share a size: with three or more, a candidate whose
 * width or height is off the median by more than SIZE_SPREAD goes. */
static bool keep_like_sized(bki_boxes_geom *g, unsigned char *keep)
{
	if (g->ncand < 3)
		return true;
	double *v = bki_calloc(2 * g->ncand, sizeof *v);
	if (!v)
		return false;
	for (size_t i = 0; i < g->ncand; i++) {
		v[i] = g->cand[i].w;
		v[g->ncand + i] = g->cand[i].h;
	}
	bki_sort(v, g->ncand, sizeof *v, cmp_double);
	bki_sort(v + g->ncand, g->ncand, sizeof *v, cmp_double);
	double mw = v[g->ncand / 2], mh = v[g->ncand + g->ncand / 2];
	free(v);
	for (size_t i = 0; i < g->ncand; i++)
		keep[i] = fabs(g->cand[i].w - mw) <= SIZE_SPREAD * mw &&
		          fabs(g->cand[i].h - mh) <= SIZE_SPREAD * mh;
	compact(g, keep);
	return true;
}

/* The ballot's boxes stand in rows or columns: with two or more, a
 * candidate sharing neither a row nor a column with another goes. */
static void keep_aligned(bki_boxes_geom *g, unsigned char *keep)
{
	if (g->ncand < 2)
		return;
	for (size_t i = 0; i < g->ncand; i++) {
		const bk_box *a = &g->cand[i];
		keep[i] = 0;
		for (size_t j = 0; j < g->ncand && !keep[i]; j++) {
			const bk_box *b = &g->cand[j];
			double dx = fabs(a->x + a->w / 2 - b->x - b->w / 2);
			double dy = fabs(a->y + a->h / 2 - b->y - b->h / 2);
			keep[i] = j != i && (dx <= a->w / 2 || dy <= a->h / 2);
		}
	}
	compact(g, keep);
}

static int cmp_centre_y(const void *a, const void *b)
{
	const bk_box *p = a, *q = b;
	return cmp_double(&(double){p->y + p->h / 2}, &(double){q->y + q->h / 2});
}

static int cmp_x(const void *a, const void *b)
{
	const bk_box *p = a, *q = b;
	return cmp_double(&p->x, &q->x);
}

/* Rows top to bottom (a row: centres within half the height of its
 * first box), each left to right. */
static void reading_order(bk_box *b, size_t n)
{
	bki_sort(b, n, sizeof *b, cmp_centre_y);
	for (size_t i = 0; i < n;) {
		double cy = b[i].y + b[i].h / 2, tol = b[i].h / 2;
		size_t j = i + 1;
		while (j < n && b[j].y + b[j].h / 2 - cy <= tol)
			j++;
		bki_sort(b + i, j - i, sizeof *b, cmp_x);
		i = j;
	}
}

static void add_box_text(bki_buf *m, const bk_box *b)
{
	bki_buf_printf(m, "x %.1f y %.1f w %.1f h %.1f", b->x, b->y, b->w,
	               b->h);
}

static bk_status check_overlap(const bki_boxes_geom *g, unsigned pageno,
                               const char *name, bk_diags *diags)
{
	for (size_t i = 0; i < g->ncand; i++) {
		for (size_t j = i + 1; j < g->ncand; j++) {
			const bk_box *a = &g->cand[i], *b = &g->cand[j];
			double ox = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
			double oy = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
			if (ox <= 0.05 || oy <= 0.05)
				continue;
			bki_buf m = {0};
			add_box_text(&m, a);
			bki_buf_add(&m, " and ");
			add_box_text(&m, b);
			if (bki_buf_failed(&m))
				return bki_diags_nomem(diags, name, "", "a message");
			bki_diags_add(diags, BK_ERROR, "box-overlap", name, 0, 0, "",
			             "page %u: marking boxes overlap: %s (mm from "
			             "the page's top-left corner)", pageno, m.data);
			bki_buf_free(&m);
			return BK_ERR_INVALID;
		}
	}
	return BK_OK;
}

static bk_status check_count(const bki_boxes_geom *g, unsigned pageno,
                             size_t expected, const char *method,
                             const char *name, bk_diags *diags)
{
	if (g->ncand && (!expected || g->ncand == expected))
		return BK_OK;
	if (!g->ncand) {
		bki_diags_add(diags, BK_ERROR, "no-boxes", name, 0, 0, "",
		             "page %u: no marking box found (%s, %zu shapes "
		             "looked at)", pageno, method, g->shapes);
		return BK_ERR_INVALID;
	}
	bki_buf m = {0};
	for (size_t i = 0; i < g->ncand && i < LIST_MAX; i++) {
		bki_buf_printf(&m, "%s#%zu ", i ? "; " : "", i + 1);
		add_box_text(&m, &g->cand[i]);
	}
	if (g->ncand > LIST_MAX)
		bki_buf_printf(&m, "; and %zu more", g->ncand - LIST_MAX);
	if (bki_buf_failed(&m))
		return bki_diags_nomem(diags, name, "", "a message");
	bki_diags_add(diags, BK_ERROR, "box-count", name, 0, 0, "",
	             "page %u: %zu marking boxes found, %zu expected (%s; mm "
	             "from the page's top-left corner): %s", pageno, g->ncand,
	             expected, method, m.data);
	bki_buf_free(&m);
	return BK_ERR_INVALID;
}

/* The candidates that are marking boxes, in reading order. */
static bk_status select_boxes(bki_boxes_geom *g, const char *name)
{
	unsigned char *keep = bki_malloc(g->ncand ? g->ncand : 1);
	if (!keep)
		return BK_ERR_NOMEM;
	keep_sized(g, keep);
	bool ok = keep_like_sized(g, keep);
	if (ok)
		keep_aligned(g, keep);
	free(keep);
	if (!ok)
		return BK_ERR_NOMEM;
	reading_order(g->cand, g->ncand);
	return BK_OK;
}

/* The boxes of the page by the method its content calls for: a page
 * that is mostly one image is a scan (raster); any other is read as a
 * drawing (vector), and read as pixels after all when the drawing has
 * no box but the page holds images. */
static bk_status find_on_page(PopplerPage *page, unsigned pageno,
                              bki_boxes_geom *g, const char **method,
                              const char *name, bk_diags *diags)
{
	bool images;
	bool scan = page_is_scan(page, &images);
	bk_status st;
	*method = scan ? "raster" : "vector";
	st = scan ? bki_boxes_raster(page, pageno, g, name, diags)
	          : bki_boxes_vector(page, pageno, g, name, diags);
	if (st == BK_OK)
		st = select_boxes(g, name);
	if (st != BK_OK || scan || g->ncand || !images)
		return st;
	bki_boxes_geom_free(g);
	g->corner = BK_BOXES_CORNER_NONE;
	*method = "raster";
	st = bki_boxes_raster(page, pageno, g, name, diags);
	return st == BK_OK ? select_boxes(g, name) : st;
}

static bk_status check_options(bk_boxes_options *o,
                               const bk_boxes_options *opt, bk_diags *diags)
{
	*o = (bk_boxes_options)BK_BOXES_OPTIONS_INIT;
	if (!bki_options_take(o, opt, sizeof *o, BK_BOXES_OPTIONS_VERSION,
	                      "bk_boxes_options", diags))
		return BK_ERR_USAGE;
	if (!o->page)
		o->page = 1;
	if (!(o->min_mm >= BK_BOXES_SIDE_MIN && o->max_mm <= BK_BOXES_SIDE_MAX &&
	      o->min_mm <= o->max_mm) || o->expected > BK_BOXES_EXPECTED_MAX) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "bk_boxes_options: box sides from %g to %g mm and "
		             "at most %d boxes expected, within %g .. %g mm",
		             o->min_mm, o->max_mm, BK_BOXES_EXPECTED_MAX,
		             BK_BOXES_SIDE_MIN, BK_BOXES_SIDE_MAX);
		return BK_ERR_USAGE;
	}
	return BK_OK;
}

/* The result, taking the file's bytes and the boxes over. */
static bk_status make_result(bk_boxes **out, bki_boxes_geom *g,
                             PopplerPage *page, const bk_boxes_options *o,
                             const char *method, char **data, size_t size,
                             const char *path)
{
	bk_boxes *b = bki_calloc(1, sizeof *b);
	char *name = bki_strdup(path);
	if (!b || !name) {
		free(b);
		free(name);
		return BK_ERR_NOMEM;
	}
	double w, h;
	poppler_page_get_size(page, &w, &h);
	*b = (bk_boxes){g->cand, g->ncand, o->page, w * BKI_BOXES_MM,
	                h * BKI_BOXES_MM, method, g->corner, g->corner_size,
	                *data, size, name};
	g->cand = NULL;
	*data = NULL;
	*out = b;
	return BK_OK;
}

bk_status bk_boxes_find_pdf(bk_boxes **out, const char *path,
                            const bk_boxes_options *opt, bk_diags *diags)
{
	bk_boxes_options o;
	bki_boxes_geom g = {.corner = BK_BOXES_CORNER_NONE};
	char *data = NULL;
	size_t size = 0;
	PopplerDocument *doc = NULL;
	PopplerPage *page = NULL;
	const char *method = "vector";
	bk_status st;
	if (!out || !path)
		return BK_ERR_USAGE;
	*out = NULL;
	if ((st = check_options(&o, opt, diags)) != BK_OK)
		return st;
	bki_c_numeric num = bki_c_numeric_enter();
	if (bki_read_input(path, &data, &size)) {
		st = errno == ENOMEM ? BK_ERR_NOMEM : BK_ERR_IO;
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "cannot read the ballot PDF: %s", bki_read_error());
		goto out;
	}
	if (!(doc = bki_boxes_open(data, size, path, diags, &st)))
		goto out;
	if (!(page = bki_boxes_page(doc, o.page, path, diags))) {
		st = BK_ERR_INVALID;
		goto out;
	}
	double w, h;
	poppler_page_get_size(page, &w, &h);
	g.page_w = w * BKI_BOXES_MM;
	g.page_h = h * BKI_BOXES_MM;
	g.min_mm = o.min_mm;
	g.max_mm = o.max_mm;
	st = find_on_page(page, o.page, &g, &method, path, diags);
	if (st == BK_ERR_NOMEM)
		st = bki_diags_nomem(diags, path, "", "finding the boxes");
	if (st == BK_OK)
		st = check_overlap(&g, o.page, path, diags);
	if (st == BK_OK)
		st = check_count(&g, o.page, o.expected, method, path, diags);
	if (st == BK_OK &&
	    make_result(out, &g, page, &o, method, &data, size, path) != BK_OK)
		st = bki_diags_nomem(diags, path, "", "finding the boxes");
out:
	if (page)
		g_object_unref(page);
	if (doc)
		g_object_unref(doc);
	bki_boxes_geom_free(&g);
	free(data);
	bki_c_numeric_leave(&num);
	return st;
}

cairo_status_t bki_boxes_render(PopplerPage *page, cairo_surface_t *s,
                                void (*over)(cairo_t *, const bk_boxes *),
                                const bk_boxes *boxes)
{
	cairo_t *cr = cairo_create(s);
	poppler_page_render_for_printing(page, cr);
	if (over)
		over(cr, boxes);
	cairo_status_t cs = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return cs;
}

void bk_boxes_free(bk_boxes *boxes)
{
	if (!boxes)
		return;
	free(boxes->box);
	free(boxes->pdf);
	free(boxes->name);
	free(boxes);
}

size_t bk_boxes_count(const bk_boxes *boxes)
{
	return boxes ? boxes->n : 0;
}

const bk_box *bk_boxes_get(const bk_boxes *boxes, size_t i)
{
	return boxes && i < boxes->n ? &boxes->box[i] : NULL;
}

void bk_boxes_page_size(const bk_boxes *boxes, double *w_mm, double *h_mm)
{
	if (w_mm)
		*w_mm = boxes ? boxes->page_w : 0;
	if (h_mm)
		*h_mm = boxes ? boxes->page_h : 0;
}

unsigned bk_boxes_page(const bk_boxes *boxes)
{
	return boxes ? boxes->page : 0;
}

void bk_boxes_sha256(const bk_boxes *boxes, char hex[65])
{
	hex[0] = '\0';
	if (!boxes)
		return;
	unsigned char d[BK_SHA256_SIZE];
	bki_sha256(boxes->pdf, boxes->pdf_size, d);
	bki_hex(d, sizeof d, hex);
}

const char *bk_boxes_method(const bk_boxes *boxes)
{
	return boxes ? boxes->method : "";
}

int bk_boxes_cut_corner(const bk_boxes *boxes, double *size_mm)
{
	if (size_mm)
		*size_mm = boxes && boxes->corner >= 0 ? boxes->corner_size : 0;
	return boxes ? boxes->corner : BK_BOXES_CORNER_NONE;
}

const char *bk_boxes_corner_name(int corner)
{
	static const char *const names[] = {"top-left", "top-right",
	                                    "bottom-right", "bottom-left"};
	return corner >= 0 && corner < 4 ? names[corner] : "";
}
