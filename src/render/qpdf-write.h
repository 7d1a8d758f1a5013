/* Private: how every print-shop PDF is written by qpdf (the stencils'
 * print and swell PDFs, src/render/pdfpost.c; the press sheets,
 * src/press/impose.c), so that they cannot differ in it. */
#ifndef BALLOTKIT_RENDER_QPDF_WRITE_H
#define BALLOTKIT_RENDER_QPDF_WRITE_H

#include <qpdf/qpdf-c.h>
#include <stdbool.h>

/* Writes q into its memory buffer (qpdf_get_buffer): PDF 1.6 at least,
 * the deterministic document ID, compressed streams. False when qpdf
 * fails (its error in q). */
bool bki_qpdf_write(qpdf_data q);

#endif
