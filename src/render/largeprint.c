/* Large print for low-vision voters: the braille list's text and the
 * leaflets as a PDF in a large sans font (18 pt and up), black on white,
 * laid out by Pango, headings tagged. */
#include <errno.h>
#include <locale.h>
#include <string.h>

#include <cairo-pdf.h>

#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "render/render-private.h"
#include "util/util.h"

#define MM_TO_PT (72.0 / 25.4)

typedef struct para {
	const char *text;
	const char *tag; /* "H1", "H2" or "P" */
} para;

static bk_status check_options(const bk_large_print_options *o,
                               bk_diags *diags)
{
	if (!bki_struct_version_ok(o->version, BK_LARGE_PRINT_OPTIONS_VERSION,
	                          "bk_large_print_options", diags))
		return BK_ERR_USAGE;
	if (!(o->size_pt >= BK_LARGE_PRINT_SIZE_MIN &&
	      o->size_pt <= BK_LARGE_PRINT_SIZE_MAX) ||
	    !bki_render_paper_ok(o->paper_width, o->paper_height, o->margin,
	                        BK_LARGE_PRINT_MARGIN_MIN,
	                        BK_LARGE_PRINT_MARGIN_MAX)) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "large print is %d–%d pt on paper of %d–%d mm with "
		             "a margin of %d–%d mm", BK_LARGE_PRINT_SIZE_MIN,
		             BK_LARGE_PRINT_SIZE_MAX, BK_PAPER_SIDE_MIN,
		             BK_PAPER_SIDE_MAX, BK_LARGE_PRINT_MARGIN_MIN,
		             BK_LARGE_PRINT_MARGIN_MAX);
		return BK_ERR_USAGE;
	}
	return BK_OK;
}

/* A paragraph laid out at the print size (a level-1 heading larger,
 * headings bold), wrapped to width (pt). Unreference with g_object_unref. */
static PangoLayout *para_layout(PangoContext *pc, const para *pa,
                                const bk_large_print_options *o, double width)
{
	PangoLayout *lay = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
	double size = o->size_pt * (!strcmp(pa->tag, "H1") ? 1.25 : 1.0);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (strcmp(pa->tag, "P"))
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(lay, pa->text, -1);
	pango_font_description_free(fd);
	return lay;
}

/* Shows a paragraph's layout, tagged, from *y (pt) down, and leaves *y
 * where the next paragraph starts: a paragraph that fits a page is kept
 * together; a longer one runs on line by line (nothing may fall off the
 * page). */
static void show_para(cairo_t *cr, PangoLayout *lay, const char *tag,
                      const bk_large_print_options *o, double *y)
{
	double bottom = (o->paper_height - o->margin) * MM_TO_PT;
	double top = o->margin * MM_TO_PT;
	int lw, lh;
	pango_layout_get_size(lay, &lw, &lh);
	if (*y + (double)lh / PANGO_SCALE > bottom && *y > top) {
		cairo_show_page(cr);
		*y = top;
	}
	cairo_tag_begin(cr, tag, NULL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	PangoLayoutIter *it = pango_layout_get_iter(lay);
	double base = *y; /* where the layout's top stands on this page */
	double end = *y;
	do {
		PangoRectangle ext;
		pango_layout_iter_get_line_extents(it, NULL, &ext);
		double ly = (double)ext.y / PANGO_SCALE;
		double lh2 = (double)ext.height / PANGO_SCALE;
		if (base + ly + lh2 > bottom && base + ly > top) {
			cairo_tag_end(cr, tag);
			cairo_show_page(cr);
			cairo_tag_begin(cr, tag, NULL);
			base = top - ly;
		}
		cairo_move_to(cr, o->margin * MM_TO_PT,
		              base + (double)pango_layout_iter_get_baseline(it) /
		                             PANGO_SCALE);
		pango_cairo_show_layout_line(cr,
		                             pango_layout_iter_get_line_readonly(it));
		end = base + ly + lh2;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	cairo_tag_end(cr, tag);
	*y = end + o->size_pt * 0.6;
}

/* Every paragraph on the surface: BK_ERR_INVALID when the font lacks a
 * character of one (the paragraphs up to it are drawn). */
static bk_status draw_paras(cairo_surface_t *surf, PangoFontMap *fm,
                            const para *paras, size_t n, const char *lang,
                            const bk_large_print_options *o, bk_diags *diags)
{
	cairo_t *cr = cairo_create(surf);
	PangoContext *pc = pango_font_map_create_context(fm);
	pango_cairo_update_context(cr, pc);
	pango_context_set_language(pc, pango_language_from_string(lang));
	double width = (o->paper_width - 2 * o->margin) * MM_TO_PT;
	double y = o->margin * MM_TO_PT;
	bk_status st = BK_OK;
	for (size_t i = 0; st == BK_OK && i < n; i++) {
		PangoLayout *lay = para_layout(pc, &paras[i], o, width);
		if (pango_layout_get_unknown_glyphs_count(lay) > 0) {
			bki_diags_add(diags, BK_ERROR, "missing-glyph", "", 0, 0, "",
			             "the font has no glyph for a character of \"%s\"",
			             paras[i].text);
			st = BK_ERR_INVALID;
		}
		show_para(cr, lay, paras[i].tag, o, &y);
		g_object_unref(lay);
	}
	g_object_unref(pc);
	cairo_destroy(cr);
	return st;
}

static bk_status render(const para *paras, size_t n, const char *title,
                        const char *lang, const char *date,
                        const bk_templates *tpl,
                        const bk_large_print_options *o, bk_write_fn write,
                        void *arg, const char *name, bk_diags *diags)
{
	bk_status st = check_options(o, diags);
	if (st != BK_OK)
		return st;
	PangoFontMap *fm = bki_render_font_map(tpl, diags);
	if (!fm)
		return BK_ERR_IO;
	bki_c_numeric numeric = bki_c_numeric_enter();
	bki_sink out = {write, arg, BK_OK};
	bki_buf raw = {0}; /* Cairo's PDF, then made accessible (pdfpost.c) */
	cairo_surface_t *surf = bki_render_pdf_surface(
		bki_render_write_buf, &raw, o->paper_width, o->paper_height, title,
		date);
	st = draw_paras(surf, fm, paras, n, lang, o, diags);
	cairo_surface_finish(surf);
	if (st == BK_OK && (bki_buf_failed(&raw) ||
	                    cairo_surface_status(surf) == CAIRO_STATUS_NO_MEMORY)) {
		st = bki_diags_nomem(diags, name, "", "drawing large print");
	} else if (st == BK_OK &&
	           cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cairo could not write the PDF: %s",
		             cairo_status_to_string(cairo_surface_status(surf)));
		st = BK_ERR_IO;
	}
	cairo_surface_destroy(surf);
	if (st == BK_OK)
		st = bki_pdf_accessible(raw.data, raw.len, lang, &out, diags);
	if (out.status != BK_OK)
		st = bki_sink_failed(&out, name, "the PDF", st, diags);
	bki_buf_free(&raw);
	bki_c_numeric_leave(&numeric);
	g_object_unref(fm);
	return st;
}

static bk_status list_render(const bk_script *s, const bk_templates *tpl,
                             const bk_large_print_options *opt,
                             bk_write_fn write, void *arg, const char *name,
                             bk_diags *diags)
{
	static const bk_large_print_options def = BK_LARGE_PRINT_OPTIONS_INIT;
	size_t n = bk_script_position_count(s);
	para *p = bki_calloc(n + 2, sizeof *p);
	if (!p)
		return bki_diags_nomem(diags, name, "", "laying out large print");
	p[0].text = bk_script_title(s);
	p[0].tag = "H1";
	p[1].text = bk_script_district(s);
	p[1].tag = "H2";
	for (size_t i = 0; i < n; i++) {
		p[2 + i].text = bk_script_position_list_text(s, i);
		p[2 + i].tag = "P";
	}
	bk_status st = render(p, n + 2, bk_script_title(s), bk_script_language(s),
	                      bk_script_election_date(s), tpl, opt ? opt : &def,
	                      write, arg, name, diags);
	free(p);
	return st;
}

/* The arguments of the path functions, for bki_write_atomic. */
typedef struct lp_job {
	const bk_script *s;
	const bk_election *e;
	const char *kind, *id, *lang;
	const bk_templates *tpl;
	const bk_large_print_options *opt;
} lp_job;

static bk_status list_job(void *ctx, bk_write_fn write, void *arg,
                          const char *name, bk_diags *diags)
{
	const lp_job *j = ctx;
	return list_render(j->s, j->tpl, j->opt, write, arg, name, diags);
}

bk_status bk_large_print_list(const bk_script *s, const bk_templates *tpl,
                              const bk_large_print_options *opt,
                              const char *path, bk_diags *diags)
{
	if (!s || !tpl || !path)
		return BK_ERR_USAGE;
	lp_job j = {.s = s, .tpl = tpl, .opt = opt};
	return bki_write_atomic(path, list_job, &j, diags);
}

bk_status bk_large_print_list_to(const bk_script *s, const bk_templates *tpl,
                                 const bk_large_print_options *opt,
                                 bk_write_fn write, void *arg, bk_diags *diags)
{
	if (!s || !tpl || !write)
		return BK_ERR_USAGE;
	return list_render(s, tpl, opt, write, arg, "", diags);
}

static bk_status leaflet_render(const bk_election *e, const char *kind,
                                const char *id, const char *lang_code,
                                const bk_templates *tpl,
                                const bk_large_print_options *opt,
                                bk_write_fn write, void *arg,
                                const char *file, bk_diags *diags)
{
	static const bk_large_print_options def = BK_LARGE_PRINT_OPTIONS_INIT;
	bki_buf name = {0}, txt = {0}, src = {0};
	if (!bki_election_leaflet_text(e, kind, id, bki_lang_index(lang_code), &name,
	                              &txt, &src)) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "there is no %s \"%s\" with a leaflet in \"%s\"", kind,
		             id, lang_code);
		bki_buf_free(&name);
		bki_buf_free(&txt);
		bki_buf_free(&src);
		return BK_ERR_NOTFOUND;
	}
	bool failed = bki_buf_failed(&src) || bki_buf_failed(&name);
	bki_buf_free(&src);
	const char *heading = bki_buf_str(&name);
	char *body = bki_buf_steal(&txt);
	size_t n = 1;
	for (const char *q = body; q && *q; q++)
		n += *q == '\n';
	para *p = bki_calloc(n + 1, sizeof *p);
	bk_status st;
	if (failed || !body || !p) {
		st = bki_diags_nomem(diags, file, "", "laying out large print");
		goto out;
	}
	size_t count = 0;
	p[count].text = heading;
	p[count++].tag = "H1";
	for (char *q = body, *nl; q; q = nl) {
		nl = strchr(q, '\n');
		if (nl)
			*nl++ = '\0';
		if (!*q)
			continue;
		p[count].text = q;
		p[count++].tag = "P";
	}
	st = render(p, count, heading, lang_code, e->date, tpl,
	            opt ? opt : &def, write, arg, file, diags);
out:
	free(p);
	free(body);
	bki_buf_free(&name);
	return st;
}

static bk_status leaflet_job(void *ctx, bk_write_fn write, void *arg,
                             const char *name, bk_diags *diags)
{
	const lp_job *j = ctx;
	return leaflet_render(j->e, j->kind, j->id, j->lang, j->tpl, j->opt,
	                      write, arg, name, diags);
}

bk_status bk_large_print_leaflet(const bk_election *e, const char *kind,
                                 const char *id, const char *lang_code,
                                 const bk_templates *tpl,
                                 const bk_large_print_options *opt,
                                 const char *path, bk_diags *diags)
{
	if (!e || !kind || !id || !lang_code || !tpl || !path)
		return BK_ERR_USAGE;
	lp_job j = {.e = e, .kind = kind, .id = id, .lang = lang_code,
	            .tpl = tpl, .opt = opt};
	return bki_write_atomic(path, leaflet_job, &j, diags);
}

bk_status bk_large_print_leaflet_to(const bk_election *e, const char *kind,
                                    const char *id, const char *lang_code,
                                    const bk_templates *tpl,
                                    const bk_large_print_options *opt,
                                    bk_write_fn write, void *arg,
                                    bk_diags *diags)
{
	if (!e || !kind || !id || !lang_code || !tpl || !write)
		return BK_ERR_USAGE;
	return leaflet_render(e, kind, id, lang_code, tpl, opt, write, arg, "",
	                      diags);
}
