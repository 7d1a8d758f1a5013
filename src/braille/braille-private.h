/* Private: translation with the position map line layout needs. */
#ifndef BK_BRAILLE_PRIVATE_H
#define BK_BRAILLE_PRIVATE_H

#include "ballotkit/braille.h"

/* Cells of one text and, for every cell, the index (in code points) of
 * the input character it came from. */
typedef struct bk_cells {
	unsigned char *dots;
	size_t *src;
	size_t n;
} bk_cells;

bk_status bk_braille_translate_cells(bk_braille *b, const char *lang,
                                     const char *text, const char *field,
                                     bk_cells *out, bk_diags *diags);
void bk_cells_free(bk_cells *c);

#endif
