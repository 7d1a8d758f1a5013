/* Swell-paper PDF: true-size braille dots for a profile, with optional
 * interline print that does not swell. Geometry in docs/braille.md. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "templates/templates-private.h"
#include "util/util.h"

#define MM_TO_PT (72.0 / 25.4)
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Interline print: the band above each braille line, and its colour
 * (pure process blue: no carbon black, so it does not swell). */
static const double PRINT_BAND = 5.0;    /* mm */
static const double PRINT_SIZE = 3.2;    /* mm, about 9 pt */
static const double PRINT_RGB[3] = {0.0, 0.35, 0.85};

typedef struct geometry {
	const bki_braille_profile *p;
	double w, h, margin, advance, band;
	unsigned cells, lines;
} geometry;

static bk_status geometry_for(geometry *g, const bk_templates *tpl,
                              const char *profile,
                              const bk_swell_options *opt, bk_diags *diags)
{
	static const bk_swell_options def = BK_SWELL_OPTIONS_INIT;
	if (!opt)
		opt = &def;
	memset(g, 0, sizeof *g);
	g->p = profile ? bki_templates_profile_find(tpl, profile) : NULL;
	if (!g->p) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "there is no braille profile \"%s\" in %s/braille/profiles",
		             profile ? profile : "(none)", bk_templates_dir(tpl));
		return BK_ERR_NOTFOUND;
	}
	if (!bki_struct_version_ok(opt->version, BK_SWELL_OPTIONS_VERSION,
	                          "bk_swell_options", diags))
		return BK_ERR_USAGE;
	if (!bki_render_paper_ok(opt->paper_width, opt->paper_height, opt->margin,
	                        BK_SWELL_MARGIN_MIN, BK_SWELL_MARGIN_MAX)) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "swell paper is %d–%d mm on each side with a margin "
		             "of %d–%d mm", BK_PAPER_SIDE_MIN, BK_PAPER_SIDE_MAX,
		             BK_SWELL_MARGIN_MIN, BK_SWELL_MARGIN_MAX);
		return BK_ERR_USAGE;
	}
	g->w = opt->paper_width;
	g->h = opt->paper_height;
	g->margin = opt->margin;
	g->band = opt->interline ? PRINT_BAND : 0;
	g->advance = g->p->line_pitch + g->band;
	double cell_w = g->p->dot_pitch + g->p->dot_diameter;
	double cell_h = 2 * g->p->dot_pitch + g->p->dot_diameter;
	double avail_w = g->w - 2 * g->margin - cell_w;
	double avail_h = g->h - 2 * g->margin - g->band - cell_h;
	if (avail_w < 0 || avail_h < 0) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "a %g × %g mm swell page with %g mm margins has no "
		             "room for one braille cell", g->w, g->h, g->margin);
		return BK_ERR_USAGE;
	}
	g->cells = (unsigned)floor(avail_w / g->p->cell_pitch + 1e-9) + 1;
	g->lines = (unsigned)floor(avail_h / g->advance + 1e-9) + 1;
	if (g->cells < 12 || g->lines < 5) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "the swell page holds only %u cells × %u lines; a "
		             "braille page needs at least 12 × 5", g->cells,
		             g->lines);
		return BK_ERR_USAGE;
	}
	if (g->cells > 100)
		g->cells = 100;
	if (g->lines > 100)
		g->lines = 100;
	return BK_OK;
}

bk_status bk_swell_layout(bk_braille_layout *out, const bk_templates *tpl,
                          const char *profile, const bk_swell_options *opt,
                          bk_diags *diags)
{
	if (!out || !tpl)
		return BK_ERR_USAGE;
	geometry g;
	bk_status st = geometry_for(&g, tpl, profile, opt, diags);
	if (st != BK_OK)
		return st;
	const bk_braille_layout def = BK_BRAILLE_LAYOUT_INIT;
	*out = def;
	out->cells = g.cells;
	out->lines = g.lines;
	out->binding = 0;
	out->interpoint = 0; /* swell paper is single-sided */
	return BK_OK;
}

/* Adds every dot of one line to the current path. */
static void line_dots(cairo_t *cr, const geometry *g, const unsigned char *c,
                      size_t n, double top)
{
	const bki_braille_profile *p = g->p;
	double r = p->dot_diameter / 2;
	for (size_t k = 0; k < n; k++) {
		double x0 = g->margin + (double)k * p->cell_pitch + r;
		for (int dot = 0; dot < 6; dot++) {
			if (!(c[k] & (1 << dot)))
				continue;
			double x = x0 + (dot < 3 ? 0 : p->dot_pitch);
			double y = top + r + (double)(dot % 3) * p->dot_pitch;
			cairo_new_sub_path(cr);
			cairo_arc(cr, x, y, r, 0, 2 * M_PI);
			cairo_close_path(cr);
		}
	}
}

static bk_status draw(cairo_t *cr, const bk_braille_doc *doc,
                      const geometry *g, PangoFontMap *fm)
{
	PangoContext *pc = NULL;
	PangoFontDescription *font = NULL;
	if (fm) {
		pc = pango_font_map_create_context(fm);
		pango_cairo_update_context(cr, pc);
		font = pango_font_description_from_string("DejaVu Sans");
		pango_font_description_set_absolute_size(font,
		                                         PRINT_SIZE * PANGO_SCALE);
	}
	size_t pages = bk_braille_doc_page_count(doc);
	for (size_t pg = 0; pg < pages; pg++) {
		cairo_save(cr);
		cairo_scale(cr, MM_TO_PT, MM_TO_PT);
		/* all dots of the page as one path, filled once */
		cairo_new_path(cr);
		for (size_t l = 0; l < bk_braille_doc_line_count(doc, pg); l++) {
			size_t n;
			const unsigned char *c = bk_braille_doc_line(doc, pg, l, &n);
			double top = g->margin + g->band + (double)l * g->advance;
			line_dots(cr, g, c, n, top);
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_fill(cr);
		if (pc) {
			cairo_set_source_rgb(cr, PRINT_RGB[0], PRINT_RGB[1],
			                     PRINT_RGB[2]);
			for (size_t l = 0; l < bk_braille_doc_line_count(doc, pg); l++) {
				const char *print = bk_braille_doc_line_print(doc, pg, l);
				if (!print || !*print)
					continue;
				PangoLayout *lay = pango_layout_new(pc);
				pango_layout_set_font_description(lay, font);
				pango_layout_set_text(lay, print, -1);
				double top = g->margin + (double)l * g->advance;
				double x = g->margin;
				if (l == 0) { /* the page number stands at the right */
					int pw, ph;
					pango_layout_get_size(lay, &pw, &ph);
					x = g->margin + (double)(bk_braille_doc_layout(doc)->cells - 1) *
					                g->p->cell_pitch +
					    g->p->dot_pitch + g->p->dot_diameter -
					    (double)pw / PANGO_SCALE;
				}
				cairo_move_to(cr, x, top);
				pango_cairo_show_layout(cr, lay);
				g_object_unref(lay);
			}
		}
		cairo_restore(cr);
		cairo_show_page(cr);
	}
	if (font)
		pango_font_description_free(font);
	if (pc)
		g_object_unref(pc);
	return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? BK_OK : BK_ERR_IO;
}

/* What bk_swell_write_pdf and _to render. */
typedef struct swell_job {
	const bk_braille_doc *doc;
	const bk_templates *tpl;
	const char *profile;
	const bk_swell_options *opt;
} swell_job;

static bk_status swell_render(void *ctx, bk_write_fn write, void *arg,
                              const char *name, bk_diags *diags)
{
	static const bk_swell_options def = BK_SWELL_OPTIONS_INIT;
	const swell_job *j = ctx;
	const bk_braille_doc *doc = j->doc;
	const bk_swell_options *opt = j->opt ? j->opt : &def;
	geometry g;
	bk_status st = geometry_for(&g, j->tpl, j->profile, opt, diags);
	if (st != BK_OK)
		return st;
	const bk_braille_layout *L = bk_braille_doc_layout(doc);
	if (L->cells > g.cells || L->lines > g.lines || L->binding) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "the document's %u × %u page does not fit the swell "
		             "page (%u × %u): lay it out with bk_swell_layout",
		             L->cells, L->lines, g.cells, g.lines);
		return BK_ERR_USAGE;
	}
	PangoFontMap *fm = NULL;
	if (opt->interline && !(fm = bki_render_font_map(j->tpl, diags)))
		return BK_ERR_IO;

	/* Numbers in the PDF must not follow the caller's locale. */
	bki_c_numeric numeric = bki_c_numeric_enter();

	bki_sink out = {write, arg, BK_OK};
	cairo_surface_t *surf = bki_render_pdf_surface(
		bki_render_write_sink, &out, g.w, g.h, bk_braille_doc_title(doc),
		bk_braille_doc_date(doc));
	cairo_t *cr = cairo_create(surf);
	cairo_set_tolerance(cr, 0.05);
	st = draw(cr, doc, &g, fm);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		st = BK_ERR_IO;
	cairo_surface_destroy(surf);
	/* Cairo's PDF surface does not always report a failed write */
	if (out.status != BK_OK) {
		st = bki_sink_failed(&out, name, "the PDF", st, diags);
	} else if (st != BK_OK) {
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cairo could not write the PDF");
		st = BK_ERR_IO;
	}
	bki_c_numeric_leave(&numeric);
	if (fm)
		g_object_unref(fm);
	return st;
}

bk_status bk_swell_write_pdf(const bk_braille_doc *doc,
                             const bk_templates *tpl, const char *profile,
                             const bk_swell_options *opt, const char *path,
                             bk_diags *diags)
{
	if (!doc || !tpl || !path)
		return BK_ERR_USAGE;
	swell_job j = {doc, tpl, profile, opt};
	return bki_write_atomic(path, swell_render, &j, diags);
}

bk_status bk_swell_write_pdf_to(const bk_braille_doc *doc,
                                const bk_templates *tpl, const char *profile,
                                const bk_swell_options *opt,
                                bk_write_fn write, void *arg, bk_diags *diags)
{
	if (!doc || !tpl || !write)
		return BK_ERR_USAGE;
	swell_job j = {doc, tpl, profile, opt};
	return swell_render(&j, write, arg, "", diags);
}
