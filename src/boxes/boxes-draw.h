/* Private: the ballot page a bk_boxes was found on, drawn onto a Cairo
 * context, for the stages that lay something over it (the stencil's
 * proof, docs/stencil.md, "The ballot's own boxes"). */
#ifndef BK_BOXES_DRAW_H
#define BK_BOXES_DRAW_H

#include <stdbool.h>

#include <cairo.h>

#include "ballotkit/boxes.h"

/* Draws the page as displayed (after its /Rotate), its top-left corner at
 * the context's origin, one unit of the context being a millimetre: the
 * frame bk_box uses. Drawn from the PDF's bytes as the finder read them,
 * so what is drawn is what the boxes were found on. false, with nothing
 * drawn, when poppler cannot open those bytes again (out of memory). */
bool bki_boxes_draw_page(const bk_boxes *boxes, cairo_t *cr);

#endif
