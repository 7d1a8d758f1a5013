/* Private: what the renderers share. */
#ifndef BK_RENDER_PRIVATE_H
#define BK_RENDER_PRIVATE_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ballotkit/render.h"

/* A Pango font map that sees only the fonts in fonts/fonts.conf (beside
 * the templates folder). NULL with a diagnostic when it cannot be made.
 * Unreference with g_object_unref. */
PangoFontMap *bk_render_font_map(const bk_templates *tpl, bk_diags *diags);

/* The PDF creation date: SOURCE_DATE_EPOCH when set, else date
 * ("YYYY-MM-DD") at midnight UTC, as cairo wants it; "" when neither. */
void bk_render_pdf_date(const char *date, char out[32]);

/* A cairo write function writing to a FILE *. */
cairo_status_t bk_render_write_file(void *closure, const unsigned char *data,
                                    unsigned int length);

#endif
