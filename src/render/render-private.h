/* Private: what the renderers share. */
#ifndef BK_RENDER_PRIVATE_H
#define BK_RENDER_PRIVATE_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ballotkit/render.h"
#include "diag/diag-private.h"
#include "util/util.h"

/* A Pango font map that sees only the fonts in fonts/fonts.conf (beside
 * the templates folder). NULL with a diagnostic when it cannot be made.
 * Unreference with g_object_unref. */
PangoFontMap *bki_render_font_map(const bk_templates *tpl, bk_diags *diags);

/* The PDF creation date: SOURCE_DATE_EPOCH when set, else date
 * ("YYYY-MM-DD") at midnight UTC, else 2000-01-01: never the clock. */
void bki_render_pdf_date(const char *date, char out[32]);

/* A PDF surface of w × h mm writing through write(closure), with the
 * document's title, ballotkit as creator and the creation date of
 * bki_render_pdf_date(date): the same input, the same bytes. */
cairo_surface_t *bki_render_pdf_surface(cairo_write_func_t write,
                                       void *closure, double w_mm,
                                       double h_mm, const char *title,
                                       const char *date);

/* Whether paper of w × h mm with a margin of m mm is within the bounds
 * of render.h: each side BK_PAPER_SIDE_MIN to BK_PAPER_SIDE_MAX, the
 * margin margin_min to margin_max (swell's or large print's). */
bool bki_render_paper_ok(double w, double h, double m, double margin_min,
                        double margin_max);

/* A cairo write function writing through a bki_sink * (diag-private.h). */
cairo_status_t bki_render_write_sink(void *closure, const unsigned char *data,
                                    unsigned int length);

/* A layout of text in DejaVu Sans at pt points, for a drawing whose unit
 * is the mm (cairo scaled by 72/25.4), width mm wide: wrapped at words
 * (or anywhere in a word too long), or on one line cut short with an
 * ellipsis. Unreference with g_object_unref. */
PangoLayout *bki_render_mm_layout(PangoContext *pc, const char *text, double pt,
                                  bool bold, double width, bool centre,
                                  bool ellipsize);

/* A cairo write function appending to a bki_buf. */
cairo_status_t bki_render_write_buf(void *closure, const unsigned char *data,
                                   unsigned int length);

/* Turning a Cairo PDF into a print-shop PDF (src/render/pdfpost.c). */
/* A colour of the drawing that goes to the press as a Separation: the
 * reserved RGB colour Cairo drew it in, the colorant's name, and the CMYK
 * alternate of its full tint (what a device without that colorant prints).
 * A process colorant's name ("Black", "Cyan") puts it on that plate. */
typedef struct bki_pdf_ink {
	const double *rgb;       /* NULL: the drawing has no such colour */
	const char *name;
	double cmyk[4];
} bki_pdf_ink;

typedef struct bki_pdf_print_setup {
	double trim[4];          /* x, y (from the top left), width, height; mm */
	double bleed;            /* mm */
	bki_pdf_ink black;       /* black (0 0 0); rgb NULL: DeviceGray (K) */
	bki_pdf_ink cut;         /* the die line ("CutContour") */
	bki_pdf_ink spot;        /* the spot ink ("Braille") */
	const char *date;        /* the election's, YYYY-MM-DD: the PDF's dates
	                          * (SOURCE_DATE_EPOCH wins, as for every PDF) */
} bki_pdf_print_setup;

/* The CMYK output profile the print PDFs declare as their PDF/X output
 * intent (docs/stencil.md, "PDF/X-4"): $BALLOTKIT_OUTPUT_INTENT when it is
 * set, else the build's (meson option output_intent_icc). */
const char *bki_output_intent_icc(void);
/* Reads it into *data (owned), as an installation resource (not under
 * --max-input-size, which is for definitions and templates); 0, or an
 * errno value with the reason in
 * bki_read_error(), or EINVAL when it is no CMYK output profile (an ICC
 * header with device class prtr and colour space CMYK). */
int bki_output_intent_read(char **data, size_t *size);
/* Why bki_output_intent_read failed with err, for a message. */
const char *bki_output_intent_reason(int err);

/* Rewrites every page of the PDF in data: page boxes, colours (black to
 * DeviceGray or its separation, white to DeviceGray, the reserved colours
 * to their separations, overprint on),
 * the RGB transparency group replaced by a CMYK one; and makes the file
 * PDF/X-4: PDF 1.6, the output intent with the profile embedded, the
 * Info's GTS_PDFXVersion, Trapped and dates, XMP metadata agreeing with
 * them, a document ID. Any other colour is an error, and so is an output
 * profile that cannot be read (BK_ERR_CONFIG, its path named). Writes the result through out (its callback's failure is
 * returned, reported by the caller). */
bk_status bki_pdf_for_print(const char *data, size_t size,
                           const bki_pdf_print_setup *setup, bki_sink *out,
                           bk_diags *diags);

/* Makes the large-print PDF in data readable by assistive technology:
 * the catalogue's /MarkInfo (Marked true: its structure tree is the
 * reading order), /Lang (lang, "kk" or "ru"), /ViewerPreferences
 * DisplayDocTitle, and XMP metadata with the Info's title and the
 * language; written as every print PDF is (qpdf-write.h). The result goes
 * through out (its callback's failure is returned). */
bk_status bki_pdf_accessible(const char *data, size_t size, const char *lang,
                             bki_sink *out, bk_diags *diags);

/* The printable packing list of a polling station (src/render/packing.c):
 * its wording (the print wording's packing_* texts, kk and ru) and the
 * fonts, taken once for every list. */
typedef struct bki_packing_words bki_packing_words;
/* NULL with the reason in diags (the file named). */
bki_packing_words *bki_packing_words_load(const bk_templates *tpl,
                                          bk_diags *diags);
void bki_packing_words_free(bki_packing_words *pw);

typedef struct bki_packing_kit {
	const char *id;
	const char *title[2];    /* kk, ru; NULL when the kit has none */
} bki_packing_kit;
typedef struct bki_packing {
	long number;
	const char *name[2];     /* kk, ru; NULL when not given */
	const char *address[2];
	long copies;             /* of each kit */
	const bki_packing_kit *kits;
	size_t nkits;
	const char *date;        /* the election's (the PDF's date) */
} bki_packing;
/* An A4 PDF through write(arg): the list with a check box per kit, the
 * total, lines to sign, and a page of two box labels. */
bk_status bki_render_packing_pdf(const bki_packing_words *pw,
                                 const bki_packing *p, bk_write_fn write,
                                 void *arg, bk_diags *diags);

#endif
