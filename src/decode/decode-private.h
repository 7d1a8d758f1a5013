/* Private: building decoded pages. */
#ifndef BK_DECODE_PRIVATE_H
#define BK_DECODE_PRIVATE_H

#include "ballotkit/decode.h"

bk_cell_pages *bk_cell_pages_new(void);
void bk_cell_pages_add_page(bk_cell_pages *p);
/* Adds a line to the last page (trailing blank cells dropped). */
void bk_cell_pages_add_line(bk_cell_pages *p, const unsigned char *cells,
                            size_t n);

#endif
