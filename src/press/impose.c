/* One file of press sheets. Cairo draws what the job adds to each sheet
 * (registration marks, crop marks round every stencil, a slug line under
 * each and one along the sheet's top), which render's print
 * post-processing makes PDF/X-4; then qpdf places each stencil page, as
 * the kit's print PDF holds it, as a form XObject clipped to its
 * BleedBox: the stencil's separations and fonts go over unchanged, and a
 * stencil printed twice on a file is held once. Why qpdf: docs/decisions.md. */
#include "press/press-private.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "render/qpdf-write.h"

/* ---- the marks, drawn in mm ---- */

static void text_at(cairo_t *cr, PangoContext *pc, const char *s, double pt,
                    double x, double y, double width, bool centre)
{
	PangoLayout *lay = bki_render_mm_layout(pc, s, pt, false, width, centre, true);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, lay);
	g_object_unref(lay);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

static void crop_marks(cairo_t *cr, const pj_markset *m, const pj_slot *s)
{
	double d = m->crop_distance, l = m->crop_length;
	double left = s->x, right = s->x + s->w, top = s->y, bottom = s->y + s->h;
	double bl = left - s->bl - d, br = right + s->br + d;
	double bt = top - s->bt - d, bb = bottom + s->bb + d;
	cairo_set_line_width(cr, m->crop_width);
	line(cr, bl - l, top, bl, top);
	line(cr, left, bt - l, left, bt);
	line(cr, br, top, br + l, top);
	line(cr, right, bt - l, right, bt);
	line(cr, bl - l, bottom, bl, bottom);
	line(cr, left, bb, left, bb + l);
	line(cr, br, bottom, br + l, bottom);
	line(cr, right, bb, right, bb + l);
}

static void registration(cairo_t *cr, const pj_markset *m, double W, double H)
{
	for (size_t i = 0; i < m->nmarks; i++) {
		const pj_mark *k = &m->marks[i];
		double x = k->corner & 1 ? W - k->x - k->size : k->x;
		double y = k->corner & 2 ? H - k->y - k->size : k->y;
		if (k->circle)
			cairo_arc(cr, x + k->size / 2, y + k->size / 2, k->size / 2, 0,
			          2 * G_PI);
		else
			cairo_rectangle(cr, x, y, k->size, k->size);
		cairo_fill(cr);
	}
}

/* The slug under a slot: whose stencil, which page and copy, and the
 * beginning of its file's SHA-256. */
static void slot_slug(cairo_t *cr, PangoContext *pc, const pj_job *j,
                      const pj_slot *s)
{
	const pj_stencil *st = &j->stencils[s->stencil];
	char t[256];
	snprintf(t, sizeof t, "%s · page %zu/%zu · copy %u/%u · sha256 %.12s",
	         st->kit, s->page + 1, st->npages, s->copy, st->copies, st->sha256);
	double y = s->y + s->h + s->bb + j->marks.crop_distance + 0.3;
	text_at(cr, pc, t, j->slug_pt * 0.85, s->x + 3, y, fmax(s->w - 6, 10), true);
}

static void sheet_slug(cairo_t *cr, PangoContext *pc, const pj_job *j,
                       const pj_file *f, size_t sheet, size_t nslots)
{
	const pj_kind *k = &j->kinds[f->kind];
	char t[512];
	snprintf(t, sizeof t, "ballotkit print-job · %s · %s · stencils: %s · "
	         "sheet %zu/%zu · %s %g × %g mm · %zu stencil%s on this sheet",
	         j->election_id, f->name, k->kind, sheet + 1,
	         j->kind_sheets[f->kind], j->sheet_name, f->w, f->h, nslots,
	         nslots == 1 ? "" : "s");
	double band = j->marks.margin - j->marks.crop_distance - j->marks.crop_length;
	double y = fmax(0.5, (band - j->slug_pt * 0.5) / 2);
	text_at(cr, pc, t, j->slug_pt, j->marks.margin, y,
	        f->w - 2 * j->marks.margin, false);
}

static bk_status write_buf(void *arg, const void *data, size_t len)
{
	bki_buf_addn(arg, data, len);
	return bki_buf_failed(arg) ? BK_ERR_NOMEM : BK_OK;
}

/* Files are made on several threads (press.c), but Cairo and Pango draw
 * one file's marks at a time: Pango and HarfBuzz are thread-safe for
 * objects of their own per thread by their documents, and helgrind cannot
 * tell their atomics from races, so the drawing, a small part of a file's
 * time, is kept to one thread rather than trusted; qpdf, the large part,
 * runs on every thread, each with its own objects. */
static pthread_mutex_t draw_lock = PTHREAD_MUTEX_INITIALIZER;

/* The file's sheets with the job's marks only, as a PDF/X-4 file. */
static bk_status draw_marks(const pj_job *j, const pj_file *f, bki_buf *out)
{
	pthread_mutex_lock(&draw_lock);
	bki_buf raw = {0};
	char title[256];
	snprintf(title, sizeof title, "ballotkit print job %s: %s", j->election_id,
	         f->name);
	cairo_surface_t *sf = bki_render_pdf_surface(bki_render_write_buf, &raw,
	                                            f->w, f->h, title,
	                                            j->election_date);
	cairo_t *cr = cairo_create(sf);
	PangoFontMap *fm = bki_render_font_map(j->tpl, j->diags);
	if (!fm) {
		cairo_destroy(cr);
		cairo_surface_destroy(sf);
		bki_buf_free(&raw);
		pthread_mutex_unlock(&draw_lock);
		return BK_ERR_CONFIG;
	}
	PangoContext *pc = pango_font_map_create_context(fm);
	pango_cairo_update_context(cr, pc);
	cairo_scale(cr, PJ_MM_TO_PT, PJ_MM_TO_PT);
	pango_cairo_update_context(cr, pc);
	cairo_set_source_rgb(cr, 0, 0, 0);
	size_t slot = f->first_slot;
	for (size_t sh = 0; sh < f->nsheets; sh++) {
		size_t sheet = f->first_sheet + sh, first = slot;
		while (slot < f->first_slot + f->nslots && j->slots[slot].sheet == sheet)
			slot++;
		registration(cr, &j->marks, f->w, f->h);
		for (size_t i = first; i < slot; i++) {
			crop_marks(cr, &j->marks, &j->slots[i]);
			slot_slug(cr, pc, j, &j->slots[i]);
		}
		sheet_slug(cr, pc, j, f, sheet, slot - first);
		cairo_show_page(cr);
	}
	g_object_unref(pc);
	g_object_unref(fm);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	bk_status st = cairo_surface_status(sf) == CAIRO_STATUS_SUCCESS
	               && !bki_buf_failed(&raw) ? BK_OK
	               : bki_diags_nomem(j->diags, f->name, "", "drawing the marks");
	cairo_surface_destroy(sf);
	pthread_mutex_unlock(&draw_lock);
	if (st == BK_OK) {
		/* the job's marks are black (DeviceGray) only: no separation of
		 * a stencil's holds them */
		bki_pdf_print_setup ps = {
			.trim = {0, 0, f->w, f->h}, .bleed = 0,
			.date = j->election_date,
		};
		bki_sink sink = {write_buf, out, BK_OK};
		st = bki_pdf_for_print(raw.data, raw.len, &ps, &sink, j->diags);
	}
	bki_buf_free(&raw);
	return st;
}

/* ---- the stencils placed ---- */

/* A stencil open for the file being made: qpdf copies lazily, so its
 * bytes and document stay until the file is written. */
typedef struct source {
	char *data;
	size_t size;
	qpdf_data q;
	qpdf_oh *forms;           /* per page, 0 until made */
} source;

static bool open_source(const pj_job *j, size_t i, source *src)
{
	const pj_stencil *s = &j->stencils[i];
	if (!pj_read_stencil(j, s, &src->data, &src->size))
		return false;
	src->forms = bki_calloc(s->npages + 1, sizeof *src->forms);
	src->q = qpdf_init();
	qpdf_silence_errors(src->q);
	qpdf_set_suppress_warnings(src->q, QPDF_TRUE);
	if (!src->forms ||
	    (qpdf_read_memory(src->q, s->file, src->data, src->size, NULL) & QPDF_ERRORS) ||
	    qpdf_get_num_pages(src->q) != (int)s->npages) {
		bki_buf p = {0};
		bki_diags_add(j->diags, BK_ERROR, "bad-pdf", pj_stencil_path(j, s, &p),
		             0, 0, "", "the stencil's PDF cannot be read again");
		bki_buf_free(&p);
		return false;
	}
	qpdf_push_inherited_attributes_to_page(src->q);
	return true;
}

static void close_source(source *src)
{
	if (src->q)
		qpdf_cleanup(&src->q);
	free(src->data);
	free(src->forms);
	memset(src, 0, sizeof *src);
}

/* Page p of a stencil as a form XObject of q, clipped to its BleedBox. */
static qpdf_oh form_of(qpdf_data q, source *src, const pj_page *pp, size_t p,
                       bool *bad)
{
	if (src->forms[p])
		return src->forms[p];
	qpdf_oh pg = qpdf_get_page_n(src->q, p);
	unsigned char *content = NULL;
	size_t clen = 0;
	if (qpdf_oh_get_page_content_data(src->q, pg, &content, &clen) & QPDF_ERRORS) {
		free(content);
		*bad = true;
		return 0;
	}
	qpdf_oh res = qpdf_oh_get_key(src->q, pg, "/Resources");
	if (!qpdf_oh_is_indirect(src->q, res))
		res = qpdf_make_indirect_object(src->q, res);
	qpdf_oh mine = qpdf_oh_copy_foreign_object(q, src->q, res);
	qpdf_oh st = qpdf_oh_new_stream(q);
	qpdf_oh_replace_stream_data(q, st, content, clen, qpdf_oh_new_null(q),
	                            qpdf_oh_new_null(q));
	free(content);
	qpdf_oh d = qpdf_oh_get_dict(q, st);
	char bbox[160];
	snprintf(bbox, sizeof bbox, "[%.4f %.4f %.4f %.4f]", pp->bleed[0],
	         pp->bleed[1], pp->bleed[2], pp->bleed[3]);
	qpdf_oh_replace_key(q, d, "/Type", qpdf_oh_new_name(q, "/XObject"));
	qpdf_oh_replace_key(q, d, "/Subtype", qpdf_oh_new_name(q, "/Form"));
	qpdf_oh_replace_key(q, d, "/BBox", qpdf_oh_parse(q, bbox));
	qpdf_oh_replace_key(q, d, "/Resources", mine);
	qpdf_oh_replace_key(q, d, "/Group",
	                    qpdf_oh_parse(q, "<< /Type /Group /S /Transparency"
	                                     " /CS /DeviceCMYK /I true >>"));
	src->forms[p] = qpdf_make_indirect_object(q, st);
	return src->forms[p];
}

/* Places the slots of each sheet of q over its marks. */
static bk_status place(const pj_job *j, const pj_file *f, qpdf_data q,
                       source *srcs)
{
	size_t slot = f->first_slot;
	bool bad = false;
	for (size_t sh = 0; sh < f->nsheets && !bad; sh++) {
		size_t sheet = f->first_sheet + sh;
		qpdf_oh page = qpdf_get_page_n(q, sh);
		unsigned char *marks = NULL;
		size_t mlen = 0;
		if (qpdf_oh_get_page_content_data(q, page, &marks, &mlen) & QPDF_ERRORS) {
			free(marks);
			bad = true;
			break;
		}
		bki_buf c = {0};
		bki_buf_add(&c, "q\n");
		bki_buf_addn(&c, (const char *)marks, mlen);
		bki_buf_add(&c, "\nQ\n");
		free(marks);
		qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
		qpdf_oh xo = qpdf_oh_get_key(q, res, "/XObject");
		if (!qpdf_oh_is_dictionary(q, xo)) {
			xo = qpdf_oh_new_dictionary(q);
			qpdf_oh_replace_key(q, res, "/XObject", xo);
		}
		for (size_t n = 0; slot < f->first_slot + f->nslots &&
		                   j->slots[slot].sheet == sheet; slot++, n++) {
			const pj_slot *s = &j->slots[slot];
			source *src = &srcs[s->stencil];
			if (!src->q && !open_source(j, s->stencil, src)) {
				bki_buf_free(&c);
				return bk_diags_count_severity(j->diags, BK_ERROR)
				       ? BK_ERR_INVALID : BK_ERR_NOMEM;
			}
			const pj_page *pp = &j->stencils[s->stencil].pages[s->page];
			qpdf_oh form = form_of(q, src, pp, s->page, &bad);
			if (bad)
				break;
			char name[32];
			snprintf(name, sizeof name, "/BKslot%zu", n + 1);
			qpdf_oh_replace_key(q, xo, name, form);
			/* the slot's TrimBox corner on the sheet (PDF y from the
			 * bottom) onto the page's own */
			double tx = s->x * PJ_MM_TO_PT - pp->trim[0];
			double ty = (f->h - s->y - s->h) * PJ_MM_TO_PT - pp->trim[1];
			bki_buf_printf(&c, "q 1 0 0 1 %.4f %.4f cm %s Do Q\n", tx, ty, name);
		}
		if (bki_buf_failed(&c)) {
			bki_buf_free(&c);
			return bki_diags_nomem(j->diags, f->name, "", "imposing");
		}
		qpdf_oh st = qpdf_oh_new_stream(q);
		qpdf_oh_replace_stream_data(q, st, (const unsigned char *)c.data, c.len,
		                            qpdf_oh_new_null(q), qpdf_oh_new_null(q));
		bki_buf_free(&c);
		qpdf_oh_replace_key(q, page, "/Contents", qpdf_make_indirect_object(q, st));
		/* the sheet is trimmed nowhere: its TrimBox and BleedBox are its
		 * MediaBox, to the digit (the post-processing's own are rounded
		 * from mm) */
		qpdf_oh mb = qpdf_oh_get_key(q, page, "/MediaBox");
		qpdf_oh_replace_key(q, page, "/TrimBox", qpdf_oh_parse(q, qpdf_oh_unparse(q, mb)));
		qpdf_oh_replace_key(q, page, "/BleedBox", qpdf_oh_parse(q, qpdf_oh_unparse(q, mb)));
	}
	if (bad || qpdf_has_error(q)) {
		bki_diags_add(j->diags, BK_ERROR, "bad-pdf", f->name, 0, 0, "",
		             "a stencil could not be placed%s%s",
		             qpdf_has_error(q) ? ": " : "",
		             qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : "");
		return BK_ERR_INVALID;
	}
	return BK_OK;
}

bk_status pj_impose(const pj_job *j, const pj_file *f, bki_buf *out)
{
	bki_buf marks = {0};
	bk_status st = draw_marks(j, f, &marks);
	if (st != BK_OK) {
		bki_buf_free(&marks);
		return st;
	}
	bki_c_numeric num = bki_c_numeric_enter();
	source *srcs = bki_calloc(j->nstencils + 1, sizeof *srcs);
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (!srcs)
		st = bki_diags_nomem(j->diags, f->name, "", "imposing");
	else if (qpdf_read_memory(q, f->name, marks.data, marks.len, NULL) & QPDF_ERRORS ||
	         qpdf_get_num_pages(q) != (int)f->nsheets) {
		bki_diags_add(j->diags, BK_ERROR, "bad-pdf", f->name, 0, 0, "",
		             "the sheets' marks could not be read back");
		st = BK_ERR_INVALID;
	}
	if (st == BK_OK)
		st = place(j, f, q, srcs);
	if (st == BK_OK) {
		if (!bki_qpdf_write(q)) {
			bki_diags_add(j->diags, BK_ERROR, "bad-pdf", f->name, 0, 0, "",
			             "qpdf: %s", qpdf_get_error_full_text(q, qpdf_get_error(q)));
			st = BK_ERR_INVALID;
		} else {
			bki_buf_addn(out, (const char *)qpdf_get_buffer(q),
			             qpdf_get_buffer_length(q));
			if (bki_buf_failed(out))
				st = bki_diags_nomem(j->diags, f->name, "", "imposing");
		}
	}
	qpdf_cleanup(&q);
	for (size_t i = 0; srcs && i < j->nstencils; i++)
		close_source(&srcs[i]);
	free(srcs);
	bki_buf_free(&marks);
	bki_c_numeric_leave(&num);
	return st;
}
