/* Private: building decoded pages. */
#ifndef BK_DECODE_PRIVATE_H
#define BK_DECODE_PRIVATE_H

#include <libxml/tree.h>
#include <qpdf/qpdf-c.h>
#include <stdbool.h>

#include "ballotkit/decode.h"

bk_cell_pages *bki_cell_pages_new(void); /* NULL: no memory */
void bki_cell_pages_add_page(bk_cell_pages *p);
/* Adds a line to the last page (trailing blank cells dropped). */
void bki_cell_pages_add_line(bk_cell_pages *p, const unsigned char *cells,
                            size_t n);
/* True when a page or line could not be added: memory ran out. */
bool bki_cell_pages_nomem(const bk_cell_pages *p);

/* Parses XML (or, with html, HTML) with no network, entity expansion or
 * DTD loading; NULL with a located diagnostic when it is not well-formed.
 * Free with xmlFreeDoc. */
xmlDocPtr bki_decode_xml(const char *data, size_t size, const char *name,
                        bool html, bk_diags *diags);

/* The PDF in data (poppler), or NULL with a "bad-pdf" diagnostic naming
 * name. Free with g_object_unref. */
typedef struct _PopplerDocument PopplerDocument;
PopplerDocument *bki_decode_open_pdf(const char *data, size_t size,
                                    const char *name, bk_diags *diags);

/* The median of v's n values (0 when n is 0); sorts v. */
double bki_decode_median(double *v, size_t n);

/* Initialises libxml2 once per process (its first use is not
 * thread-safe); every decoder calls it before parsing. */
void bki_decode_xml_once(void);

/* Where one coordinate of a cubic Bézier has its extremes, as parameters
 * in (0, 1) into t; returns how many (0-2). */
int bki_cubic_extremes(double p0, double p1, double p2, double p3, double t[2]);

/* Reads a PDF's bytes into q (qpdf_silence_errors already called);
 * false, with a "bad-pdf" error naming name and qpdf's reason, when qpdf
 * cannot. The one place the decoders that use qpdf read a PDF. */
bool bki_decode_qpdf_read(qpdf_data q, const char *data, size_t size,
                          const char *name, bk_diags *diags);

#endif
