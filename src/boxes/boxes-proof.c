/* The finder's proof: the ballot page drawn as it is, each box found
 * outlined in red and numbered in reading order, for a print shop to
 * check by eye (`--show-boxes`). */
#include "boxes-private.h"
#include "boxes-draw.h"

#include <stdio.h>

#include <cairo-pdf.h>

#include "diag/diag-private.h"
#include "util/util.h"

/* the outline's width and the numbers' size, mm */
#define LINE_MM 0.25
#define NUMBER_MM 3.0

typedef struct proof {
	const bk_boxes *boxes;
	bki_sink sink;
} proof;

static cairo_status_t to_sink(void *closure, const unsigned char *data,
                              unsigned int length)
{
	return bki_sink_write((bki_sink *)closure, data, length)
	               ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void draw_boxes(cairo_t *cr, const bk_boxes *b)
{
	cairo_scale(cr, 1 / BKI_BOXES_MM, 1 / BKI_BOXES_MM);
	cairo_set_source_rgb(cr, 1, 0, 0);
	cairo_set_line_width(cr, LINE_MM);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, NUMBER_MM);
	for (size_t i = 0; i < b->n; i++) {
		const bk_box *x = &b->box[i];
		char num[24];
		cairo_rectangle(cr, x->x, x->y, x->w, x->h);
		cairo_stroke(cr);
		snprintf(num, sizeof num, "%zu", i + 1);
		cairo_move_to(cr, x->x + x->w + 0.8, x->y + NUMBER_MM * 0.75);
		cairo_show_text(cr, num);
	}
}

bool bki_boxes_draw_page(const bk_boxes *b, cairo_t *cr)
{
	bk_status st = BK_OK;
	bk_diags *d = bk_diags_create();
	PopplerDocument *doc = d ? bki_boxes_open(b->pdf, b->pdf_size, b->name,
	                                          d, &st) : NULL;
	PopplerPage *page = doc ? bki_boxes_page(doc, b->page, b->name, d)
	                        : NULL;
	bool drawn = page != NULL;
	if (page) {
		cairo_save(cr);
		cairo_scale(cr, BKI_BOXES_MM, BKI_BOXES_MM);
		poppler_page_render_for_printing(page, cr);
		cairo_restore(cr);
		g_object_unref(page);
	}
	if (doc)
		g_object_unref(doc);
	bk_diags_free(d);
	return drawn;
}

static bk_status render_proof(void *ctx, bk_write_fn write, void *arg,
                              const char *name, bk_diags *diags)
{
	proof *p = ctx;
	const bk_boxes *b = p->boxes;
	bk_status st = BK_OK;
	p->sink = (bki_sink){write, arg, BK_OK};
	PopplerDocument *doc = bki_boxes_open(b->pdf, b->pdf_size, b->name,
	                                      diags, &st);
	PopplerPage *page = doc ? bki_boxes_page(doc, b->page, b->name, diags)
	                        : NULL;
	if (!page) {
		st = BK_ERR_INVALID;
		goto out;
	}
	double w, h;
	poppler_page_get_size(page, &w, &h);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_sink,
	                                                         &p->sink, w, h);
	/* fixed, so that the same boxes give the same bytes */
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	                               "2000-01-01T00:00:00Z");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	                               "ballotkit boxes");
	cairo_status_t cs = bki_boxes_render(page, s, draw_boxes, b);
	if (cs != CAIRO_STATUS_SUCCESS)
		st = bki_sink_failed(&p->sink, name, "the boxes' proof",
		                     cs == CAIRO_STATUS_NO_MEMORY ? BK_ERR_NOMEM
		                                                  : BK_ERR_IO,
		                     diags);
	if (cs != CAIRO_STATUS_SUCCESS && p->sink.status == BK_OK)
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cannot draw the boxes' proof: %s",
		             cairo_status_to_string(cs));
out:
	if (page)
		g_object_unref(page);
	if (doc)
		g_object_unref(doc);
	return st;
}

bk_status bk_boxes_write_proof_pdf(const bk_boxes *boxes, const char *path,
                                   bk_diags *diags)
{
	if (!boxes || !path)
		return BK_ERR_USAGE;
	proof p = {boxes, {0}};
	bki_c_numeric num = bki_c_numeric_enter();
	bk_status st = bki_write_atomic(path, render_proof, &p, diags);
	bki_c_numeric_leave(&num);
	return st;
}
