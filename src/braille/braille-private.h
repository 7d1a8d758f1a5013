/* Private: translation with the position map line layout needs. */
#ifndef BK_BRAILLE_PRIVATE_H
#define BK_BRAILLE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ballotkit/braille.h"

/* Cells of one text and, for every cell, the index (in code points) of
 * the input character it came from. */
typedef struct bki_cells {
	unsigned char *dots;
	size_t *src;
	size_t n;
} bki_cells;

bk_status bki_braille_translate_cells(bk_braille *b, const char *lang,
                                     const char *text, const char *field,
                                     bki_cells *out, bk_diags *diags);
void bki_cells_free(bki_cells *c);

/* Where a word (code points, letters only) may take a hyphen: allowed[i]
 * true means before word[i]. Returns 1; 0, with nothing allowed, when
 * the language has no hyphenation dictionary (the caller applies the
 * syllable rule instead); -1 when memory runs out. */
int bki_braille_hyphenate(bk_braille *b, int lang, const uint32_t *word,
                         size_t n, bool *allowed);

/* Fault injection for the tests: the output buffer starts at
 * factor * characters + extra cells and grows 4 times at most retries
 * times. Defaults 4, 64, 4. */
void bki_braille_test_buffers(size_t factor, size_t extra, size_t retries);

#endif
