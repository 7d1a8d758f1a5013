#include "render/render-private.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/diag-private.h"
#include "util/util.h"

PangoFontMap *bki_render_font_map(const bk_templates *tpl, bk_diags *diags)
{
	/* fonts/ sits beside templates/, both in the source tree and where
	 * they are installed (<datadir>/ballotkit/). */
	bki_buf conf = {0};
	bki_buf_printf(&conf, "%s/../fonts/fonts.conf", bk_templates_dir(tpl));
	FcConfig *fc = FcConfigCreate();
	if (!fc || !FcConfigParseAndLoad(fc, (const FcChar8 *)bki_buf_str(&conf),
	                                 FcTrue) ||
	    !FcConfigBuildFonts(fc)) {
		bki_diags_add(diags, BK_ERROR, "fonts", bki_buf_str(&conf), 0, 0, "",
		             "cannot load the font configuration");
		if (fc)
			FcConfigDestroy(fc);
		bki_buf_free(&conf);
		return NULL;
	}
	bki_buf_free(&conf);
	PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (!fm) {
		FcConfigDestroy(fc);
		bki_diags_add(diags, BK_ERROR, "fonts", "", 0, 0, "",
		             "Pango has no FreeType font map");
		return NULL;
	}
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), fc);
	/* the font map holds its own reference, which Pango 1.50 keeps after
	 * the map is freed (valgrind reports it lost); dropping it by hand was
	 * followed by a worker dying in a GLib thread, most likely Pango's
	 * threads still using it (docs/decisions.md, "Fonts") */
	FcConfigDestroy(fc);
	return fm;
}

void bki_render_pdf_date(const char *date, char out[32])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	out[0] = '\0';
	if (sde && *sde) {
		char *end = NULL;
		long long t = strtoll(sde, &end, 10);
		if (end && !*end && t >= 0) {
			time_t tt = (time_t)t;
			struct tm tm;
			if (gmtime_r(&tt, &tm)) {
				strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
				return;
			}
		}
	}
	/* no clock: without a date the document is dated 2000-01-01 */
	if (date && strlen(date) == 10)
		snprintf(out, 32, "%sT00:00:00Z", date);
	else
		snprintf(out, 32, "2000-01-01T00:00:00Z");
}

cairo_status_t bki_render_write_sink(void *closure, const unsigned char *data,
                                    unsigned int length)
{
	return bki_sink_write((bki_sink *)closure, data, length)
	               ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

cairo_status_t bki_render_write_buf(void *closure, const unsigned char *data,
                                   unsigned int length)
{
	bki_buf_addn((bki_buf *)closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *bki_render_pdf_surface(cairo_write_func_t write,
                                       void *closure, double w_mm,
                                       double h_mm, const char *title,
                                       const char *date)
{
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(
		write, closure, w_mm * 72.0 / 25.4, h_mm * 72.0 / 25.4);
	char cdate[32];
	bki_render_pdf_date(date, cdate);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, cdate);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
	                               title ? title : "");
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
	                               "ballotkit");
	return surf;
}

bool bki_render_paper_ok(double w, double h, double m, double margin_min,
                        double margin_max)
{
	return m >= margin_min && m <= margin_max && w >= BK_PAPER_SIDE_MIN &&
	       w <= BK_PAPER_SIDE_MAX && h >= BK_PAPER_SIDE_MIN &&
	       h <= BK_PAPER_SIDE_MAX;
}

PangoLayout *bki_render_mm_layout(PangoContext *pc, const char *text, double pt,
                                  bool bold, double width, bool centre,
                                  bool ellipsize)
{
	PangoLayout *lay = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
	/* the drawing is in mm: the font's size too */
	pango_font_description_set_absolute_size(fd, pt * 25.4 / 72.0 * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
	if (ellipsize)
		pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
	else
		pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, centre ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(lay, text, -1);
	return lay;
}
