/* The printable packing list of a polling station (packing/STATION.pdf):
 * A4, every line in Kazakh then Russian from the print wording
 * (templates/print/LANG.json, its packing_* texts),
 * 18 pt and up, black on white, laid out by Pango: the station's number,
 * name and address, a check box per kit with its copies and titles, the
 * total, lines to sign, and a page of two box labels to cut apart. */
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "templates/templates-private.h"
#include "util/util.h"

#define MM_TO_PT (72.0 / 25.4)
#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 18.0
#define BODY_PT 18.0
#define BOX 7.0      /* a check box's side, mm */
#define INDENT 12.0  /* a kit's text, right of its box */

static const char *const words_keys[] = {"title", "station", "address",
                                         "copies", "total", "packed",
                                         "received", "label", "label_kits",
                                         NULL};
enum { W_TITLE, W_STATION, W_ADDRESS, W_COPIES, W_TOTAL, W_PACKED,
       W_RECEIVED, W_LABEL, W_LABEL_KITS, W_COUNT };

struct bki_packing_words {
	PangoFontMap *fm;          /* made once for every list */
	const char *w[2][W_COUNT]; /* kk, ru: the print wording's packing_* */
};

bki_packing_words *bki_packing_words_load(const bk_templates *tpl,
                                          bk_diags *diags)
{
	bki_packing_words *pw = bki_calloc(1, sizeof *pw);
	if (!pw) {
		bki_diags_nomem(diags, "", "", "reading the packing list's wording");
		return NULL;
	}
	/* checked when the templates were opened (print_keys) */
	for (int l = 0; l < 2; l++)
		for (int k = 0; k < W_COUNT; k++) {
			char key[64];
			snprintf(key, sizeof key, "packing_%s", words_keys[k]);
			pw->w[l][k] = bki_wording_get(tpl, l, "print", key);
			if (!pw->w[l][k])
				pw->w[l][k] = "";
		}
	pw->fm = bki_render_font_map(tpl, diags);
	if (!pw->fm) {
		free(pw);
		return NULL;
	}
	return pw;
}

void bki_packing_words_free(bki_packing_words *pw)
{
	if (!pw)
		return;
	g_object_unref(pw->fm);
	free(pw);
}

/* The wording with {number}, {name}, {address}, {copies}, {kits} filled. */
static void fill(bki_buf *b, const char *w, const bki_packing *p)
{
	bki_buf_truncate(b, 0);
	for (const char *s = w; *s;) {
		const char *o = strchr(s, '{'), *c = o ? strchr(o, '}') : NULL;
		if (!o || !c) {
			bki_buf_add(b, s);
			break;
		}
		bki_buf_addn(b, s, (size_t)(o - s));
		size_t n = (size_t)(c - o - 1);
		if (n == 6 && !strncmp(o + 1, "number", 6))
			bki_buf_printf(b, "%ld", p->number);
		else if (n == 6 && !strncmp(o + 1, "copies", 6))
			bki_buf_printf(b, "%ld", p->copies);
		else if (n == 4 && !strncmp(o + 1, "kits", 4))
			bki_buf_printf(b, "%zu", p->nkits);
		else
			bki_buf_addn(b, o, (size_t)(c - o + 1));
		s = c + 1;
	}
}

typedef struct doc {
	cairo_t *cr;
	PangoContext *pc;
	double y; /* mm from the top */
} doc;

/* A paragraph of width w mm at (x, y): its height in mm; drawn when draw. */
static double para(doc *d, const char *text, double pt, bool bold, double x,
                   double y, double w, bool centre, bool draw)
{
	PangoLayout *lay = bki_render_mm_layout(d->pc, text, pt, bold, w, centre, false);
	int lw, lh;
	pango_layout_get_size(lay, &lw, &lh);
	if (draw) {
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, lay);
	}
	g_object_unref(lay);
	return (double)lh / PANGO_SCALE;
}

/* Lines of text one under another from d->y, on a new page first when
 * they do not fit (a block is kept together). */
static void block(doc *d, const char *const *lines, size_t n, double pt,
                  bool bold, double x, double gap_after)
{
	double w = PAGE_W - MARGIN - x, h = 0;
	for (size_t i = 0; i < n; i++)
		h += lines[i] ? para(d, lines[i], pt, bold, x, 0, w, false, false) : 0;
	if (d->y + h > PAGE_H - MARGIN && d->y > MARGIN) {
		cairo_show_page(d->cr);
		d->y = MARGIN;
	}
	for (size_t i = 0; i < n; i++)
		if (lines[i])
			d->y += para(d, lines[i], pt, bold, x, d->y, w, false, true);
	d->y += gap_after;
}

static void kit_row(doc *d, const bki_packing *p, size_t k, bki_buf *b)
{
	const bki_packing_kit *kit = &p->kits[k];
	bki_buf_truncate(b, 0);
	bki_buf_printf(b, "%s × %ld", kit->id, p->copies);
	double x = MARGIN + INDENT, w = PAGE_W - MARGIN - x;
	double h = para(d, bki_buf_str(b), BODY_PT, true, x, 0, w, false, false);
	for (int l = 0; l < 2; l++)
		if (kit->title[l])
			h += para(d, kit->title[l], BODY_PT, false, x, 0, w, false, false);
	if (d->y + h > PAGE_H - MARGIN && d->y > MARGIN) {
		cairo_show_page(d->cr);
		d->y = MARGIN;
	}
	cairo_set_line_width(d->cr, 0.5);
	cairo_rectangle(d->cr, MARGIN, d->y + 1, BOX, BOX);
	cairo_stroke(d->cr);
	d->y += para(d, bki_buf_str(b), BODY_PT, true, x, d->y, w, false, true);
	for (int l = 0; l < 2; l++)
		if (kit->title[l])
			d->y += para(d, kit->title[l], BODY_PT, false, x, d->y, w, false, true);
	d->y += 5;
}

static void sign_line(doc *d, const char *const *words)
{
	const char *lines[] = {words[0], words[1]};
	block(d, lines, 2, BODY_PT, false, MARGIN, 14);
	cairo_set_line_width(d->cr, 0.4);
	cairo_move_to(d->cr, MARGIN, d->y);
	cairo_line_to(d->cr, PAGE_W - MARGIN, d->y);
	cairo_stroke(d->cr);
	d->y += 8;
}

/* Two labels on a page, to cut apart along the dashed line. */
static void labels(doc *d, const bki_packing_words *pw, const bki_packing *p,
                   bki_buf *b)
{
	cairo_show_page(d->cr);
	double half = PAGE_H / 2, w = PAGE_W - 2 * MARGIN;
	for (int k = 0; k < 2; k++) {
		double y = k * half + 14;
		bki_buf_truncate(b, 0);
		bki_buf_printf(b, "№ %ld", p->number);
		y += para(d, bki_buf_str(b), 60, true, MARGIN, y, w, true, true) + 2;
		bki_buf t = {0};
		for (int l = 0; l < 2; l++) {
			fill(&t, pw->w[l][W_STATION], p);
			y += para(d, bki_buf_str(&t), 20, true, MARGIN, y, w, true, true);
		}
		for (int l = 0; l < 2; l++)
			if (p->address[l])
				y += para(d, p->address[l], BODY_PT, false, MARGIN, y, w, true, true);
		y += 3;
		for (int l = 0; l < 2; l++)
			y += para(d, pw->w[l][W_LABEL], BODY_PT, false, MARGIN, y, w, true, true);
		for (int l = 0; l < 2; l++) {
			fill(&t, pw->w[l][W_LABEL_KITS], p);
			y += para(d, bki_buf_str(&t), BODY_PT, true, MARGIN, y, w, true, true);
		}
		bki_buf_free(&t);
	}
	static const double dash[] = {3, 2};
	cairo_set_dash(d->cr, dash, 2, 0);
	cairo_set_line_width(d->cr, 0.3);
	cairo_move_to(d->cr, 0, half);
	cairo_line_to(d->cr, PAGE_W, half);
	cairo_stroke(d->cr);
	cairo_set_dash(d->cr, NULL, 0, 0);
}

bk_status bki_render_packing_pdf(const bki_packing_words *pw,
                                 const bki_packing *p, bk_write_fn write,
                                 void *arg, bk_diags *diags)
{
	bki_sink sink = {write, arg, BK_OK};
	bki_buf title = {0};
	fill(&title, pw->w[0][W_STATION], p);
	cairo_surface_t *sf = bki_render_pdf_surface(bki_render_write_sink, &sink,
	                                            PAGE_W, PAGE_H,
	                                            bki_buf_str(&title), p->date);
	doc d = {cairo_create(sf), pango_font_map_create_context(pw->fm), MARGIN};
	cairo_scale(d.cr, MM_TO_PT, MM_TO_PT);
	pango_cairo_update_context(d.cr, d.pc);
	cairo_set_source_rgb(d.cr, 0, 0, 0);
	bki_buf a = {0}, b = {0}, row = {0};
	const char *lines[2];
	for (int l = 0; l < 2; l++)
		lines[l] = pw->w[l][W_TITLE];
	block(&d, lines, 2, 22, true, MARGIN, 6);
	fill(&a, pw->w[0][W_STATION], p);
	fill(&b, pw->w[1][W_STATION], p);
	lines[0] = bki_buf_str(&a);
	lines[1] = bki_buf_str(&b);
	block(&d, lines, 2, 22, true, MARGIN, 3);
	block(&d, (const char *const *)p->name, 2, BODY_PT, false, MARGIN, 3);
	for (int l = 0; l < 2; l++)
		if (p->address[l]) {
			bki_buf *x = l ? &b : &a;
			bki_buf_truncate(x, 0);
			const char *w = pw->w[l][W_ADDRESS], *at = strstr(w, "{address}");
			if (at) {
				bki_buf_addn(x, w, (size_t)(at - w));
				bki_buf_add(x, p->address[l]);
				bki_buf_add(x, at + strlen("{address}"));
			} else
				bki_buf_add(x, w);
			lines[l] = bki_buf_str(x);
		} else
			lines[l] = NULL;
	block(&d, lines, 2, BODY_PT, false, MARGIN, 3);
	fill(&a, pw->w[0][W_COPIES], p);
	fill(&b, pw->w[1][W_COPIES], p);
	lines[0] = bki_buf_str(&a);
	lines[1] = bki_buf_str(&b);
	block(&d, lines, 2, BODY_PT, true, MARGIN, 8);
	for (size_t k = 0; k < p->nkits; k++)
		kit_row(&d, p, k, &row);
	fill(&a, pw->w[0][W_TOTAL], p);
	fill(&b, pw->w[1][W_TOTAL], p);
	lines[0] = bki_buf_str(&a);
	lines[1] = bki_buf_str(&b);
	block(&d, lines, 2, BODY_PT, true, MARGIN, 10);
	const char *packed[] = {pw->w[0][W_PACKED], pw->w[1][W_PACKED]};
	sign_line(&d, packed);
	const char *received[] = {pw->w[0][W_RECEIVED], pw->w[1][W_RECEIVED]};
	sign_line(&d, received);
	labels(&d, pw, p, &row);
	bool nomem = bki_buf_failed(&a) || bki_buf_failed(&b) || bki_buf_failed(&row) ||
	             bki_buf_failed(&title);
	bki_buf_free(&a);
	bki_buf_free(&b);
	bki_buf_free(&row);
	bki_buf_free(&title);
	g_object_unref(d.pc);
	cairo_destroy(d.cr);
	cairo_surface_finish(sf);
	cairo_status_t cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (sink.status != BK_OK)
		return sink.status;
	if (nomem || cs != CAIRO_STATUS_SUCCESS)
		return bki_diags_nomem(diags, "", "", "drawing a packing list");
	return BK_OK;
}
