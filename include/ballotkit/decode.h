/* ballotkit: reading written braille back, for checks.
 *
 * These decoders share no code with the writers (src/braille/pages.c):
 * a check that decodes with the writer's own tables could not catch the
 * writer's mistakes. Cells are bytes as in ballotkit/braille.h (bit k-1 =
 * dot k).
 */
#ifndef BALLOTKIT_DECODE_H
#define BALLOTKIT_DECODE_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"

BK_BEGIN_DECLS

/* Pages of lines of cells, as decoded. Opaque. */
typedef struct bk_cell_pages bk_cell_pages;

/* Reads a BRF file (North American ASCII braille; lines end in CR LF or
 * LF, pages in a form feed, or every lines_per_page lines when the file
 * has no form feeds and lines_per_page > 0). name is used in messages. A
 * byte that is not ASCII braille is an error naming its line and column. */
BK_API bk_status bk_decode_brf(bk_cell_pages **out, const char *data,
                               size_t size, const char *name,
                               unsigned lines_per_page, bk_diags *diags);

/* Reads a PEF 1.0 document (XML). Checks the namespace, version and the
 * required dc:format and dc:identifier; every row must hold only Unicode
 * braille U+2800–U+283F. */
BK_API bk_status bk_decode_pef(bk_cell_pages **out, const char *data,
                               size_t size, const char *name,
                               bk_diags *diags);

/* What the dots on a rendered PDF measure, in millimetres. */
typedef struct bk_dot_measure {
	size_t dots;             /* round black dots found */
	size_t other_black;      /* black marks that are not round dots */
	double dot_diameter;     /* mean equivalent diameter */
	double dot_diameter_min, dot_diameter_max;
	double dot_pitch_x;      /* between the columns of a cell */
	double dot_pitch_y;      /* between the rows of a cell */
	double cell_pitch;       /* from cell to cell */
	double line_pitch;       /* from line to line */
} bk_dot_measure;

/* Renders every page of a PDF with poppler at dpi (150–1200), finds the
 * black round dots (coloured print is ignored), infers the braille grid
 * from them and reads the cells: line 0 is the topmost line with dots,
 * cell 0 the leftmost column. measure (may be NULL) receives the geometry
 * measured over all pages. */
BK_API bk_status bk_decode_pdf_braille(bk_cell_pages **out, const char *data,
                                       size_t size, const char *name,
                                       double dpi, bk_dot_measure *measure,
                                       bk_diags *diags);

/* The black round dots on one page (0-based) of a PDF rendered at dpi:
 * their centres in mm from the page's top-left corner, as x, y pairs in
 * *xy (free with bk_free), *n dots. measure (may be NULL) gets the dot
 * diameters and how many black marks are not dots; the pitches are left 0
 * (a page of stencils has no single grid). */
BK_API bk_status bk_decode_pdf_dots(const char *data, size_t size,
                                    const char *name, double dpi, size_t page,
                                    double **xy, size_t *n,
                                    bk_dot_measure *measure, bk_diags *diags);

/* Reads one line of braille from dot centres (x, y pairs in mm): the
 * leftmost dot is taken to stand in a cell's first column and the highest
 * in its first row (true of every number, which starts with ⠼); dots are
 * given to cells by the cell pitch. Returns BK_ERR_INVALID when a dot
 * falls off that grid by more than 0.4 mm. *cells: free with bk_free. */
BK_API bk_status bk_decode_dots_line(const double *xy, size_t n,
                                     double dot_pitch, double cell_pitch,
                                     unsigned char **cells, size_t *ncells);

/* ---- laser-cutter SVG windows (src/decode/svg.c) ---- */

/* ---- end of SVG ---- */

/* ---- audio: ID3 chapters, decoding, matching (src/decode/audio.c) ---- */

/* ---- end of audio ---- */

/* Accepts NULL. */
BK_API void bk_cell_pages_free(bk_cell_pages *pages);
BK_API size_t bk_cell_pages_count(const bk_cell_pages *pages);
BK_API size_t bk_cell_pages_line_count(const bk_cell_pages *pages,
                                       size_t page);
/* Borrowed; trailing blank cells are not kept. */
BK_API const unsigned char *bk_cell_pages_line(const bk_cell_pages *pages,
                                               size_t page, size_t line,
                                               size_t *ncells);

BK_END_DECLS

#endif
