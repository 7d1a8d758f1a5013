/* Reading a stencil's braille numbers back from the swell PDF: the dots
 * found by the PDF dot decoder (src/decode/pdf.c), gathered into one run
 * beside each window found in the cutter's SVG (src/decode/svg.c) and
 * read with its line decoder. Shares no code with the writers
 * (src/stencil/stencil.c, src/render/). */
#include "ballotkit/decode.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

/* Tolerances of the runs, mm. */
static const double LEVEL = 4.0;    /* dots level with a window's centre */
/* the run's first dot from the window: a number may stand in a second
 * column, a blank cell beyond the first (docs/stencil.md) */
static const double REACH = 40.0;
static const double RUN_GAP = 10.0; /* between columns of one run */
static const double SAME_COL = 0.5; /* dots in one column */

/* The digits 1–9, 0 by their dots (a–j). */
static const char *const digit_dots[10] = {
	"245", "1", "12", "14", "145", "15", "124", "1245", "125", "24",
};

static int cell_digit(unsigned char cell)
{
	for (int d = 0; d < 10; d++) {
		int c = 0;
		for (const char *s = digit_dots[d]; *s; s++)
			c |= 1 << (*s - '1');
		if (c == cell)
			return d;
	}
	return -1;
}

typedef struct pt {
	double x, y;
} pt;

static int cmp_pt_x_desc(const void *a, const void *b)
{
	const pt *p = a, *q = b;
	if (p->x != q->x)
		return p->x > q->x ? -1 : 1;
	return p->y < q->y ? -1 : p->y > q->y;
}

/* One run of dots beside a window, right to left: x, y pairs. */
typedef struct run {
	double *xy;
	size_t n;
} run;

/* The samples of the dot and cell pitches, one of each per run at most. */
typedef struct pitch_samples {
	double *dx, *dy, *cell;
	size_t ndx, ndy, ncell;
} pitch_samples;

/* The dots (sorted right to left) level with the window's centre on one
 * side of it (dir -1: left, 1: right), from the first within REACH of
 * that edge outwards until a gap wider than RUN_GAP; into r->xy (room for
 * every dot) right to left. Returns the first dot's distance from the
 * edge (INFINITY: none). */
static double gather_side(const pt *dots, size_t nd, const double *rect,
                          int dir, run *r)
{
	double edge = dir < 0 ? rect[0] : rect[0] + rect[2];
	double cy = rect[1] + rect[3] / 2, last = 0, first = INFINITY;
	r->n = 0;
	for (size_t m = 0; m < nd; m++) {
		size_t k = dir < 0 ? m : nd - 1 - m;
		double x = dots[k].x, y = dots[k].y, out = (x - edge) * dir;
		if (out <= 0 || fabs(y - cy) > LEVEL)
			continue;
		if (r->n == 0 ? out > REACH : (x - last) * dir > RUN_GAP)
			break;
		if (r->n == 0)
			first = out;
		r->xy[2 * r->n] = x;
		r->xy[2 * r->n + 1] = y;
		r->n++;
		last = x;
	}
	for (size_t k = 0; dir > 0 && k < r->n / 2; k++) {
		size_t o = r->n - 1 - k;
		double tx = r->xy[2 * k], ty = r->xy[2 * k + 1];
		r->xy[2 * k] = r->xy[2 * o];
		r->xy[2 * k + 1] = r->xy[2 * o + 1];
		r->xy[2 * o] = tx;
		r->xy[2 * o + 1] = ty;
	}
	return first;
}

/* The run beside a window: the dots level with its centre left of it, or
 * right of it where that run starts nearer the window. false when memory
 * runs out. */
static bool gather_run(const pt *dots, size_t nd, const double *rect, run *r)
{
	run right = {bki_calloc(2 * nd + 1, sizeof *right.xy), 0};
	r->xy = bki_calloc(2 * nd + 1, sizeof *r->xy);
	if (!r->xy || !right.xy) {
		free(right.xy);
		return false;
	}
	double dl = gather_side(dots, nd, rect, -1, r);
	double dr = gather_side(dots, nd, rect, 1, &right);
	if (dr < dl) {
		free(r->xy);
		*r = right;
	} else {
		free(right.xy);
	}
	return true;
}

/* Adds the run's dot pitches (across, down) and cell pitch to s, where
 * they are plausible; cols is scratch for r->n values. */
static void sample_pitches(const run *r, double *cols, pitch_samples *s)
{
	/* its columns, left to right (the run is right to left) */
	size_t nc = 0;
	double ymin = INFINITY, ymax = -INFINITY;
	for (size_t k = r->n; k-- > 0;) {
		double x = r->xy[2 * k], y = r->xy[2 * k + 1];
		if (!nc || x - cols[nc - 1] > SAME_COL)
			cols[nc++] = x;
		if (y < ymin) ymin = y;
		if (y > ymax) ymax = y;
	}
	if (nc >= 2 && cols[1] - cols[0] >= 1.5 && cols[1] - cols[0] <= 4.0)
		s->dx[s->ndx++] = cols[1] - cols[0];
	if (ymax - ymin >= 3.0 && ymax - ymin <= 8.0)
		s->dy[s->ndy++] = (ymax - ymin) / 2;
	if (nc >= 3 && cols[2] - cols[0] >= 4.0 && cols[2] - cols[0] <= 12.0)
		s->cell[s->ncell++] = cols[2] - cols[0];
}

/* The number a run spells (a number sign, then 1-9 digits, no leading
 * 0), or 0 when it spells none. */
static unsigned read_number(const run *r, double pitch, double cell)
{
	unsigned char *cells = NULL;
	size_t nc = 0;
	unsigned v = 0;
	bool ok = r->n && pitch > 0 && cell > pitch &&
	          bk_decode_dots_line(r->xy, r->n, pitch, cell, &cells, &nc) == BK_OK &&
	          nc >= 2 && nc <= 10 && cells[0] == 0x3C;
	for (size_t k = 1; ok && k < nc; k++) {
		int d = cell_digit(cells[k]);
		ok = d >= 0 && !(k == 1 && d == 0 && nc > 2);
		v = v * 10 + (unsigned)(d >= 0 ? d : 0);
	}
	bk_free(cells);
	return ok ? v : 0;
}

bk_status bk_decode_stencil_numbers(const char *data, size_t size,
                                    const char *name, double dpi, size_t page,
                                    const double *rects, size_t n,
                                    const bk_svg_cuts *cuts, unsigned *numbers,
                                    bk_dot_measure *measure, bk_diags *diags)
{
	if (!data || (n && (!rects || !numbers)) ||
	    !(dpi >= BK_DECODE_DPI_MIN && dpi <= BK_DECODE_DPI_MAX))
		return BK_ERR_USAGE;
	for (size_t i = 0; i < n; i++)
		numbers[i] = 0;
	if (measure)
		memset(measure, 0, sizeof *measure);
	double *xy = NULL;
	size_t nd = 0;
	bk_dot_measure m;
	bk_status st = bk_decode_pdf_dots(data, size, name ? name : "", dpi, page,
	                                  &xy, &nd, &m, diags);
	if (st != BK_OK)
		return st;
	/* the windows on the page */
	double ox = cuts ? cuts->sheet_x : 0, oy = cuts ? cuts->sheet_y : 0;
	double *r = bki_calloc(4 * n + 1, sizeof *r);
	if (!r) {
		bk_free(xy);
		return bki_diags_nomem(diags, name, "", "reading stencil numbers");
	}
	for (size_t w = 0; w < n; w++) {
		r[4 * w] = rects[4 * w] + ox;
		r[4 * w + 1] = rects[4 * w + 1] + oy;
		r[4 * w + 2] = rects[4 * w + 2];
		r[4 * w + 3] = rects[4 * w + 3];
	}
	st = bk_decode_numbers_beside(xy, nd, r, n, numbers, measure);
	if (st != BK_OK)
		bki_diags_nomem(diags, name, "", "reading stencil numbers");
	if (measure) {
		measure->dots = m.dots;
		measure->other_black = m.other_black;
		measure->dot_diameter = m.dot_diameter;
		measure->dot_diameter_min = m.dot_diameter_min;
		measure->dot_diameter_max = m.dot_diameter_max;
	}
	free(r);
	bk_free(xy);
	return st;
}

bk_status bk_decode_numbers_beside(const double *xy, size_t nd,
                                   const double *rects, size_t n,
                                   unsigned *numbers, bk_dot_measure *measure)
{
	for (size_t i = 0; i < n; i++)
		numbers[i] = 0;
	if (measure)
		memset(measure, 0, sizeof *measure);
	/* the dots by x, right to left */
	bk_status st = BK_ERR_NOMEM;
	pt *dots = bki_calloc(nd + 1, sizeof *dots);
	run *runs = bki_calloc(n + 1, sizeof *runs);
	pitch_samples s = {
		.dx = bki_calloc(n + 1, sizeof *s.dx),
		.dy = bki_calloc(n + 1, sizeof *s.dy),
		.cell = bki_calloc(n + 1, sizeof *s.cell),
	};
	double *cols = bki_calloc(nd + 1, sizeof *cols);
	if (!dots || !runs || !s.dx || !s.dy || !s.cell || !cols)
		goto out;
	for (size_t i = 0; i < nd; i++) {
		dots[i].x = xy[2 * i];
		dots[i].y = xy[2 * i + 1];
	}
	bki_sort(dots, nd, sizeof *dots, cmp_pt_x_desc);
	/* one run beside each window, and the pitches the runs show */
	for (size_t w = 0; w < n; w++) {
		if (!gather_run(dots, nd, rects + 4 * w, &runs[w]))
			goto out;
		if (runs[w].n)
			sample_pitches(&runs[w], cols, &s);
	}
	double px = bki_decode_median(s.dx, s.ndx), py = bki_decode_median(s.dy, s.ndy);
	double cell = bki_decode_median(s.cell, s.ncell);
	double pitch = px > 0 && py > 0 ? (px + py) / 2 : px;
	/* each run read as a number with those pitches */
	for (size_t w = 0; w < n; w++)
		numbers[w] = read_number(&runs[w], pitch, cell);
	if (measure) {
		measure->dots = nd;
		measure->dot_pitch_x = px;
		measure->dot_pitch_y = py;
		measure->cell_pitch = cell;
		measure->line_pitch = 0;
	}
	st = BK_OK;
out:
	for (size_t w = 0; runs && w < n; w++)
		free(runs[w].xy);
	free(cols);
	free(runs);
	free(s.dx);
	free(s.dy);
	free(s.cell);
	free(dots);
	return st;
}
