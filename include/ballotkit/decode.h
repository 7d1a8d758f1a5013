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
#include <stdint.h>
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

/* The bounds of the dpi a PDF is rendered at to read its dots. */
#define BK_DECODE_DPI_MIN 150
#define BK_DECODE_DPI_MAX 1200

/* Renders every page of a PDF with poppler at dpi (BK_DECODE_DPI_MIN to
 * BK_DECODE_DPI_MAX), finds the black round dots (coloured print is
 * ignored), infers the braille grid from them and reads the cells: line
 * 0 is the topmost line with dots, cell 0 the leftmost column. measure
 * (may be NULL) receives the geometry measured over all pages. */
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

/* The text of every page of a PDF as poppler extracts it (UTF-8, in
 * reading order, each page ended by a form feed). A PDF poppler cannot
 * read, or one without pages: BK_ERR_INVALID naming the file. *text:
 * free with bk_free. */
BK_API bk_status bk_decode_pdf_text(const char *data, size_t size,
                                    const char *name, char **text,
                                    bk_diags *diags);

/* ---- laser-cutter SVG windows (src/decode/svg.c) ---- */

/* What the cuts of a stencil's laser-cutter SVG measure, in mm. */
typedef struct bk_svg_cuts {
	double page_w, page_h;   /* the SVG page */
	double sheet_x, sheet_y; /* the sheet's top-left corner on the page
	                          * (sheet_y is the depth of a tab above it) */
	double sheet_w, sheet_h; /* the outline, a tab left out */
	const char *corner;      /* the corner cut: "top-left", "top-right",
	                          * "bottom-left", "bottom-right", or "" when
	                          * there is none (static string) */
	double corner_size;      /* the cut's leg along the sheet's edge */
	size_t other_cuts;       /* red paths that are none of these: open
	                          * ones, or closed ones touching the outline
	                          * away from a corner or outside the sheet */
} bk_svg_cuts;

/* Reads the windows of a laser-cutter SVG (one sheet): every closed red
 * (RGB 255, 0, 0, within 1%) stroked path, after the element and group
 * transforms and the viewBox, except the outline and the corner cut. The
 * outline is the closed cut with the largest bounding box; the sheet's
 * top edge is the outline's highest point on its left or right side (a
 * tab stands above it, between them); the corner cut is a corner of the
 * sheet the outline cuts off, or a separate cut touching the outline (less
 * than 0.5 mm from the sheet's bounding box) at a corner. Every other
 * closed cut lying inside the sheet is a window. *rects gets x, y, w, h
 * per window (their bounding boxes, mm from the sheet's top-left corner),
 * sorted by rows (top edges within 1 mm) top to bottom, then left to
 * right; free with bk_free. cuts (may be NULL) gets the sheet. Handles
 * <path> (every command), <rect>, <polygon>, <polyline>, <line>,
 * <circle>, <ellipse>, <g>, <use> and nested <svg>; <defs>, <symbol>
 * and the like only through <use>; text is never a cut. Not an SVG, not
 * well-formed, bad path data or no closed cut: BK_ERR_INVALID naming the
 * file and, where known, the line. */
BK_API bk_status bk_decode_svg_windows(const char *data, size_t size,
                                       const char *name, double **rects,
                                       size_t *n, bk_svg_cuts *cuts,
                                       bk_diags *diags);

/* Reads the braille number beside each window on page (0-based) of a
 * stencil's swell PDF rendered at dpi (BK_DECODE_DPI_MIN to
 * BK_DECODE_DPI_MAX), with the dots of
 * bk_decode_pdf_dots. rects: n windows as x, y, w, h in mm, from the
 * sheet's top-left corner when cuts (from bk_decode_svg_windows; may be
 * NULL) places the sheet on the page, else from the page's. A window's
 * braille is the run of dots left of it, level with its centre (within
 * 4 mm), the first within 30 mm of it, each column within 10 mm of the
 * next. The dot and cell pitches are measured from those runs (a number
 * sign ⠼ gives the dot pitch; every digit has a dot in its first column,
 * so the third column of a number is one cell pitch from its first) and
 * returned in measure (may be NULL) with the dots' sizes. numbers
 * (caller's, n entries) gets each window's number, or 0 when its braille
 * is not ⠼ followed by 1–9 digits without a leading zero. A PDF poppler
 * cannot read, or without that page: BK_ERR_INVALID. */
BK_API bk_status bk_decode_stencil_numbers(const char *data, size_t size,
                                           const char *name, double dpi,
                                           size_t page, const double *rects,
                                           size_t n, const bk_svg_cuts *cuts,
                                           unsigned *numbers,
                                           bk_dot_measure *measure,
                                           bk_diags *diags);

/* The braille numbers beside windows, from dot centres already found:
 * as bk_decode_stencil_numbers does after rendering, with xy the dots'
 * centres (x, y pairs in mm, in the frame the windows' rects are in).
 * BK_OK, or BK_ERR_NOMEM (every number 0) when out of memory. */
BK_API bk_status bk_decode_numbers_beside(const double *xy, size_t ndots,
                                          const double *rects, size_t n,
                                          unsigned *numbers,
                                          bk_dot_measure *measure);

/* ---- end of SVG ---- */

/* ---- one separation of a print-shop PDF (src/decode/separation.c) ---- */

/* What is painted in one Separation colour space of a page, read from
 * the page's content stream (with its transformation matrices, graphics
 * state stack and form XObjects): every painted subpath's bounding box
 * (a curve's true extremes, not its control points). Opaque. */
typedef struct bk_pdf_separation bk_pdf_separation;

/* Reads page (0-based) of a PDF for the separation of the given name
 * ("CutContour", "Braille"): whatever is filled or stroked with a
 * Separation colour space of that name at a tint above 0. A PDF qpdf
 * cannot read, or without that page: BK_ERR_INVALID naming the file.
 * *out is owned by the caller; free with bk_pdf_separation_free. */
BK_API bk_status bk_decode_pdf_separation(const char *data, size_t size,
                                          const char *name, size_t page,
                                          const char *separation,
                                          bk_pdf_separation **out,
                                          bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_pdf_separation_free(bk_pdf_separation *s);
/* A PDF read once for many pages and separations (a press sheet file of
 * hundreds of pages): bk_decode_pdf_open reads it as
 * bk_decode_pdf_separation does (data need not outlive the call); *out is
 * owned by the caller, free with bk_pdf_pages_free (accepts NULL). */
typedef struct bk_pdf_pages bk_pdf_pages;
BK_API bk_status bk_decode_pdf_open(const char *data, size_t size,
                                    const char *name, bk_pdf_pages **out,
                                    bk_diags *diags);
BK_API void bk_pdf_pages_free(bk_pdf_pages *d);
BK_API size_t bk_pdf_pages_count(const bk_pdf_pages *d);
/* Page's TrimBox and BleedBox (x0, y0, x1, y1 in PDF points; the
 * MediaBox for a TrimBox it lacks, the TrimBox for a BleedBox). 0 when
 * the page does not exist or has no MediaBox. */
BK_API int bk_pdf_pages_boxes(const bk_pdf_pages *d, size_t page,
                              double trim[4], double bleed[4]);
/* As bk_decode_pdf_separation, for page (0-based) of d. */
BK_API bk_status bk_pdf_pages_separation(bk_pdf_pages *d, size_t page,
                                         const char *separation,
                                         bk_pdf_separation **out,
                                         bk_diags *diags);
/* The same for n separations at once (1 to BK_PDF_SEPARATIONS_MAX), the
 * page's content read once: out[k] (an array of n, each owned by the
 * caller) for separations[k]; all NULL on failure. */
#define BK_PDF_SEPARATIONS_MAX 8
BK_API bk_status bk_pdf_pages_separations(bk_pdf_pages *d, size_t page,
                                          const char *const *separations,
                                          size_t n, bk_pdf_separation **out,
                                          bk_diags *diags);
/* The page's TrimBox (the MediaBox when it has none), in mm; and how far
 * the BleedBox reaches beyond it on each side. */
BK_API void bk_pdf_separation_trim(const bk_pdf_separation *s, double *w,
                                   double *h);
BK_API void bk_pdf_separation_bleed(const bk_pdf_separation *s, double *left,
                                    double *top, double *right,
                                    double *bottom);
/* The painted subpaths, in painting order: bounding box in mm from the
 * TrimBox's top-left corner (y down), whether it was filled (else only
 * stroked) and closed. Returns 0 when i is out of range. */
BK_API size_t bk_pdf_separation_count(const bk_pdf_separation *s);
BK_API int bk_pdf_separation_mark(const bk_pdf_separation *s, size_t i,
                                  double *x, double *y, double *w, double *h,
                                  int *filled, int *closed);
/* Text shown and images painted in the separation (none is expected). */
BK_API size_t bk_pdf_separation_other(const bk_pdf_separation *s);

/* ---- PDF/X-4, as a prepress preflight checks it (src/decode/pdfx.c) ---- */

/* Reads a PDF with qpdf and checks what PDF/X-4 asks of a print file:
 * PDF 1.6 or later, not encrypted, a document ID; the Info's
 * GTS_PDFXVersion "PDF/X-4", Trapped, and CreationDate and ModDate of the
 * form D:; an OutputIntent of subtype GTS_PDFX with an
 * OutputConditionIdentifier and an embedded CMYK ICC profile (N 4); XMP
 * metadata saying pdfxid:GTS_PDFXVersion PDF/X-4 with the Info's dates
 * and xmpMM DocumentID, VersionID and RenditionClass; every page with a
 * TrimBox and a BleedBox and its fonts embedded; no open action,
 * additional actions or JavaScript. BK_OK with *problems NULL when all
 * hold, or a sentence naming each that does not (owned; free with
 * bk_free); BK_ERR_INVALID (said, naming name) when qpdf cannot read it. */
BK_API bk_status bk_decode_pdfx(const char *data, size_t size, const char *name,
                                char **problems, bk_diags *diags);

/* Reads a large-print PDF with qpdf and checks what assistive technology
 * needs of it: the catalogue's /MarkInfo with Marked true and a structure
 * tree, /Lang equal to lang ("kk", "ru"), ViewerPreferences with
 * DisplayDocTitle true, a title in the Info, and XMP metadata whose
 * dc:title is that title and dc:language lang. *problems as for
 * bk_decode_pdfx. */
BK_API bk_status bk_decode_pdf_access(const char *data, size_t size,
                                      const char *name, const char *lang,
                                      char **problems, bk_diags *diags);

/* ---- audio: ID3 chapters, decoding, matching (src/decode/audio.c) ---- */

/* The chapters of an MP3's ID3v2 tag, in table-of-contents order. Opaque. */
typedef struct bk_decoded_chapters bk_decoded_chapters;

/* Reads the ID3v2.3 or v2.4 tag at the start of an MP3 (name is used in
 * messages): the top-level ordered CTOC frame and, for each of its
 * entries, the CHAP frame it names with that frame's TIT2 title.
 * Unsynchronisation and the extended header are handled; compressed or
 * encrypted chapter frames are refused. No tag, or a malformed or cut
 * one, is BK_ERR_INVALID naming the byte offset in the file. *out is
 * owned by the caller; free with bk_decoded_chapters_free. */
BK_API bk_status bk_decode_id3_chapters(const char *data, size_t size,
                                        const char *name,
                                        bk_decoded_chapters **out,
                                        bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_decoded_chapters_free(bk_decoded_chapters *chapters);
BK_API size_t bk_decoded_chapters_count(const bk_decoded_chapters *chapters);
/* Chapter i's start and end, in seconds (the CHAP frame's milliseconds);
 * 0 when i is out of range. */
BK_API double bk_decoded_chapters_start(const bk_decoded_chapters *chapters,
                                      size_t i);
BK_API double bk_decoded_chapters_end(const bk_decoded_chapters *chapters,
                                    size_t i);
/* Its element id and title (UTF-8, "" when it has no TIT2). Borrowed;
 * NULL when i is out of range. */
BK_API const char *bk_decoded_chapters_id(const bk_decoded_chapters *chapters,
                                        size_t i);
BK_API const char *bk_decoded_chapters_title(const bk_decoded_chapters *chapters,
                                           size_t i);

/* Decodes a file libsndfile reads (WAV, FLAC, Ogg Vorbis and Opus, MP3
 * through mpg123) to *n mono floats (full scale 1), the channels' mean, at
 * *rate Hz (rate may be NULL). Nothing is trimmed from an MP3 without a
 * Xing/LAME header, and ballotkit writes none: a chapter's time is where
 * its frames start, and its first sentence (trimmed as the writer trims)
 * is heard 1105 samples later (50.1 ms: LAME's delay and the decoder's;
 * measured 49.6-50.6 ms with the tag's milliseconds). *samples is owned
 * by the caller; free with bk_free. BK_ERR_IO when the file cannot be
 * opened, BK_ERR_INVALID when libsndfile cannot decode it. */
BK_API bk_status bk_decode_audio_file(const char *path, float **samples,
                                      size_t *n, int *rate, bk_diags *diags);

/* How well a speech clip (16-bit mono at clip_rate, as bk_speech_clip
 * gives it: it is trimmed here as the writer trims) is heard in audio
 * (mono at rate) near at seconds: the highest Pearson correlation of the
 * clip with the audio (gain does not count; 1 is the same waveform, 0 is
 * nothing alike or worse) over starts within at ± search seconds, into
 * *score, and where the trimmed clip then starts, in seconds after at,
 * into *offset (may be NULL). Audio beyond the ends counts as silence.
 * About 0.5 ms a call for a number clip at ±0.25 s (measured figures in
 * src/decode/audio.c). BK_ERR_INVALID for a silent clip. */
BK_API bk_status bk_decode_audio_match(const float *audio, size_t n, int rate,
                                       double at, const int16_t *clip,
                                       size_t nclip, int clip_rate,
                                       double search, double *score,
                                       double *offset);

/* bk_decode_audio_match, and then how well the clip and the audio agree
 * all along the clip where it was found: both low-passed at 3 kHz (the
 * band MP3 at 32 kbit/s keeps well), the Pearson correlation of every
 * 50 ms window (25 ms apart) in which the clip is not quiet (at least
 * -10 dB of its mean power); *local gets the lowest. One phoneme that
 * differs drags one window down, where it hardly moves *score. */
BK_API bk_status bk_decode_audio_compare(const float *audio, size_t n,
                                         int rate, double at,
                                         const int16_t *clip, size_t nclip,
                                         int clip_rate, double search,
                                         double *score, double *local,
                                         double *offset);

/* The part of a clip that bk_decode_audio_match compares (and the writer
 * keeps): from 5 ms before its first to 20 ms after its last sample above
 * -54 dBFS, as sample indexes [*start, *end); both 0 for a silent clip. */
BK_API void bk_decode_clip_span(const int16_t *clip, size_t n, int rate,
                                size_t *start, size_t *end);

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
