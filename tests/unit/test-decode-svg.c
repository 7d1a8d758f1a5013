/* Reading stencils back: the windows decoded from the laser-cutter SVG are
 * the layout's (the layout is the oracle here, never used by the decoder),
 * on every sheet, with a tab and without; the braille number read from the
 * swell PDF beside each window is that window's number, with the pitches
 * measured from the dots (two braille profiles); the reading depends on
 * the windows given (reordered windows read other numbers; a window with
 * no braille reads 0); hand-written SVG exercises the path commands,
 * transforms, <use>, units and the outline and corner rules; a PDF drawn
 * here exercises what is and is not a number; truncated, garbled or
 * malformed SVG is refused with a diagnostic naming the file, never a
 * crash. */
#include <ballotkit.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "files.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static bk_templates *tpl;
static bk_braille *br;

static char *temp_path(const char *stem)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/bk-%s-XXXXXX", stem);
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	return path;
}

/* Does the decoded window r match the layout's window (x, y, w, h)? */
static int same_rect(const double *r, double x, double y, double w, double h)
{
	return fabs(r[0] - x) < 0.05 && fabs(r[1] - y) < 0.05 &&
	       fabs(r[2] - w) < 0.05 && fabs(r[3] - h) < 0.05;
}

/* Rows top to bottom (top edges within 1 mm), then left to right. */
static int sorted_rows(const double *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double dy = r[4 * i + 1] - r[4 * (i - 1) + 1];
		if (dy < -1.0 || (fabs(dy) <= 1.0 && r[4 * i] <= r[4 * (i - 1)]))
			return 0;
	}
	return 1;
}

/* Every sheet of a stencil: windows from its SVG against the layout, and
 * numbers from its swell PDF. */
static void check_stencil(bk_stencil *st, const char *what, double tab,
                          double dot_pitch, double cell_pitch)
{
	char *pdf_path = temp_path("swell");
	TAP_OK(bk_stencil_write_swell_pdf(st, pdf_path, NULL) == BK_OK,
	       "%s: swell PDF written", what);
	size_t pdf_size = 0;
	char *pdf = slurp(pdf_path, &pdf_size);
	for (size_t sh = 0; sh < bk_stencil_sheet_count(st); sh++) {
		char *svg_path = temp_path("svg");
		size_t size = 0;
		char *svg = NULL;
		if (bk_stencil_write_svg(st, sh, svg_path, NULL) == BK_OK)
			svg = slurp(svg_path, &size);
		double *r = NULL;
		size_t n = 0;
		bk_svg_cuts c;
		memset(&c, 0, sizeof c);
		bk_diags *d = bk_diags_create();
		bk_status s = svg ? bk_decode_svg_windows(svg, size, svg_path, &r, &n, &c, d)
		                  : BK_ERR_IO;
		size_t want = bk_stencil_window_count(st, sh);
		TAP_OK(s == BK_OK && n == want, "%s sheet %zu: %zu windows decoded from the SVG (layout %zu)",
		       what, sh + 1, n, want);
		/* each layout window decoded once, within 0.05 mm */
		int all = s == BK_OK && n == want;
		unsigned *layout_num = calloc(n + 1, sizeof *layout_num);
		for (size_t w = 0; all && w < want; w++) {
			double x, y, ww, wh;
			unsigned num = bk_stencil_window(st, sh, w, &x, &y, &ww, &wh);
			size_t hits = 0;
			for (size_t i = 0; i < n; i++)
				if (same_rect(r + 4 * i, x, y, ww, wh)) {
					hits++;
					layout_num[i] = num;
				}
			if (hits != 1) {
				all = 0;
				printf("# window %u at %.2f %.2f %.2f %.2f found %zu times\n", num,
				       x, y, ww, wh, hits);
			}
		}
		TAP_OK(all, "%s sheet %zu: every window within 0.05 mm of the layout's", what, sh + 1);
		TAP_OK(s == BK_OK && sorted_rows(r, n), "%s sheet %zu: windows sorted by rows, then left to right",
		       what, sh + 1);
		TAP_OK(s == BK_OK && fabs(c.sheet_w - bk_stencil_width(st)) < 0.01 &&
		       fabs(c.sheet_h - bk_stencil_height(st)) < 0.01 && fabs(c.sheet_y - tab) < 0.01 &&
		       fabs(c.sheet_x) < 0.01 && fabs(c.page_h - bk_stencil_height(st) - tab) < 0.01 &&
		       fabs(c.page_w - bk_stencil_width(st)) < 0.01,
		       "%s sheet %zu: sheet %.1f × %.1f mm at %.1f, %.1f on a %.1f × %.1f page", what,
		       sh + 1, c.sheet_w, c.sheet_h, c.sheet_x, c.sheet_y, c.page_w, c.page_h);
		TAP_OK(s == BK_OK && c.corner && !strcmp(c.corner, "top-right") &&
		       fabs(c.corner_size - 10) < 0.01 && c.other_cuts == 0,
		       "%s sheet %zu: corner cut %s %.1f mm, %zu other cuts", what, sh + 1,
		       c.corner ? c.corner : "(null)", c.corner_size, c.other_cuts);

		/* the numbers beside the windows */
		unsigned *num = calloc(n + 1, sizeof *num);
		bk_dot_measure m;
		s = pdf && all ? bk_decode_stencil_numbers(pdf, pdf_size, pdf_path, 400, sh, r, n, &c,
		                                           num, &m, d)
		               : BK_ERR_IO;
		int same = s == BK_OK;
		for (size_t i = 0; same && i < n; i++)
			if (num[i] != layout_num[i]) {
				same = 0;
				printf("# window %zu reads %u, layout %u\n", i, num[i], layout_num[i]);
			}
		TAP_OK(same, "%s sheet %zu: the braille beside every window reads its number", what, sh + 1);
		/* numbered on from the previous sheet, none twice, none missing */
		unsigned first = bk_stencil_window(st, sh, 0, NULL, NULL, NULL, NULL);
		int run = s == BK_OK && n > 0;
		for (unsigned k = 0; run && k < n; k++) {
			size_t hits = 0;
			for (size_t i = 0; i < n; i++)
				hits += num[i] == first + k;
			run = hits == 1;
		}
		TAP_OK(run, "%s sheet %zu: numbers %u to %zu, each once", what, sh + 1, first,
		       first + n - 1);
		TAP_OK(s == BK_OK && fabs(m.dot_pitch_x - dot_pitch) < 0.05 &&
		       fabs(m.dot_pitch_y - dot_pitch) < 0.05 && fabs(m.cell_pitch - cell_pitch) < 0.05,
		       "%s sheet %zu: pitches measured %.3f × %.3f, cells %.3f mm (profile %.2f, %.2f)",
		       what, sh + 1, m.dot_pitch_x, m.dot_pitch_y, m.cell_pitch, dot_pitch, cell_pitch);

		if (sh == 0 && n >= 2 && s == BK_OK) {
			/* the windows in another order read other numbers */
			double *rev = malloc(4 * n * sizeof *rev);
			for (size_t i = 0; i < n; i++)
				memcpy(rev + 4 * i, r + 4 * (n - 1 - i), 4 * sizeof *rev);
			unsigned *rn = calloc(n, sizeof *rn);
			bk_decode_stencil_numbers(pdf, pdf_size, pdf_path, 400, sh, rev, n, &c, rn, NULL, NULL);
			int reversed = 1, differs = 0;
			for (size_t i = 0; i < n; i++) {
				reversed &= rn[i] == num[n - 1 - i];
				differs |= rn[i] != num[i];
			}
			TAP_OK(reversed && differs, "%s: the windows reversed read the numbers reversed", what);
			/* in page coordinates without the cuts: the same, once the
			 * tab is added; without it (a tab) the windows miss */
			double *pg = malloc(4 * n * sizeof *pg);
			memcpy(pg, r, 4 * n * sizeof *pg);
			for (size_t i = 0; i < n; i++)
				pg[4 * i + 1] += c.sheet_y;
			bk_decode_stencil_numbers(pdf, pdf_size, pdf_path, 400, sh, pg, n, NULL, rn, NULL, NULL);
			TAP_OK(!memcmp(rn, num, n * sizeof *rn), "%s: windows in page coordinates read the same",
			       what);
			/* a window where no braille stands, and one moved half a row */
			pg[0] = c.sheet_x + c.sheet_w / 2;
			pg[1] = c.sheet_y + c.sheet_h - 20;
			pg[4 + 1] = r[5] + c.sheet_y + (r[4 * 1 + 3] + 8) / 2;
			bk_decode_stencil_numbers(pdf, pdf_size, pdf_path, 400, sh, pg, 2, NULL, rn, NULL, NULL);
			TAP_OK(rn[0] == 0 && rn[1] != num[1],
			       "%s: a window with no braille beside it reads 0, one moved off its row %u", what,
			       rn[1]);
			free(pg);
			free(rn);
			free(rev);
		}
		free(num);
		free(layout_num);
		bk_free(r);
		bk_diags_free(d);
		free(svg);
		remove(svg_path);
		free(svg_path);
	}
	free(pdf);
	remove(pdf_path);
	free(pdf_path);
}

/* A single-mandate ballot of n candidates on the given template, with a
 * braille profile. */
static char *definition(int n, const char *tmpl, const char *profile)
{
	size_t cap = 4096 + (size_t)n * 300;
	char *s = malloc(cap);
	size_t len = (size_t)snprintf(s, cap,
		"{\"format\": \"ballotkit/1\", \"election\": {\"id\": \"e\", \"date\": \"2023-03-19\","
		" \"name\": {\"kk\": \"С\", \"ru\": \"В\"}, \"languages\": [\"kk\", \"ru\"]},"
		" \"districts\": [{\"id\": \"d\", \"kind\": \"mazhilis\", \"number\": 9,"
		" \"name\": {\"kk\": \"Округ\", \"ru\": \"Округ\"}}], \"candidates\": [");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
			"%s{\"id\": \"c%03d\", \"surname\": {\"kk\": \"Ахметов\"}, \"given_name\": {\"kk\": \"Әлі\"},"
			" \"birth_year\": %d, \"self_nominated\": true}", i ? "," : "", i,
			1900 + i); /* one name: told apart by the year */
	len += (size_t)snprintf(s + len, cap - len,
		"], \"ballots\": [{\"id\": \"b\", \"body\": \"mazhilis\", \"kind\": \"single-mandate\","
		" \"district\": \"d\", \"paper\": {\"template\": \"%s\"}, \"options\": [", tmpl);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s\"c%03d\"", i ? "," : "", i);
	snprintf(s + len, cap - len, "]}], \"production\": {\"braille\": {\"profile\": \"%s\"}}}",
	         profile);
	return s;
}

static void generated(int n, const char *tmpl, const char *profile, double dp, double cp,
                      size_t sheets)
{
	char *text = definition(n, tmpl, profile);
	char what[128];
	snprintf(what, sizeof what, "%d candidates on %s, %s", n, tmpl, profile);
	bk_election *e = NULL;
	bk_braille *b = NULL;
	bk_script *s = NULL;
	bk_stencil *st = NULL;
	bk_diags *d = bk_diags_create();
	if (bk_election_load_buffer(&e, text, strlen(text), "gen.json", tpl, d) == BK_OK &&
	    bk_braille_open(&b, e, tpl, d) == BK_OK &&
	    bk_script_create(&s, e, "b", "kk", tpl, d) == BK_OK)
		bk_stencil_create(&st, e, s, b, tpl, NULL, d);
	TAP_OK(st && bk_stencil_sheet_count(st) == sheets, "%s: laid out on %zu sheets", what,
	       st ? bk_stencil_sheet_count(st) : 0);
	if (!st)
		printf("# %s\n", bk_diag_message(bk_diags_get(d, bk_diags_count(d) - 1)));
	bk_diags_free(d);
	if (st)
		check_stencil(st, what, 0, dp, cp);
	bk_stencil_free(st);
	bk_script_free(s);
	bk_braille_free(b);
	bk_election_free(e);
	free(text);
}

/* ---- hand-written SVG ---- */

static bk_status decode_str(const char *svg, double **r, size_t *n, bk_svg_cuts *c,
                            bk_diags *d)
{
	return bk_decode_svg_windows(svg, strlen(svg), "hand.svg", r, n, c, d);
}

#define HEAD "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" " \
             "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "

static void hand_written(void)
{
	double *r = NULL;
	size_t n = 0;
	bk_svg_cuts c;
	/* Cairo 1.18-style presentation attributes, a bottom-left corner
	 * cut in the outline, units of 0.1 mm (width in cm over a viewBox),
	 * relative commands, H and V, S and Q, an arc, transforms on groups
	 * and elements, <rect rx>, <use> of a <symbol>, currentColor, #f00,
	 * and things that are not windows: a blue closed path, a red open
	 * path, a red path under display:none, a red path in <defs> never
	 * used, red text */
	const char *svg = HEAD "width=\"20cm\" height=\"10cm\" viewBox=\"0 0 2000 1000\">\n"
		"<defs><path id=\"unused\" stroke=\"red\" d=\"M 500 500 h 10 v 10 h -10 Z\"/>\n"
		"<symbol id=\"win\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"50\" rx=\"10\"/></symbol></defs>\n"
		"<path fill=\"none\" stroke-width=\"0.1\" stroke=\"rgb(100%, 0%, 0%)\" "
		"d=\"M 0 0 L 2000 0 L 2000 1000 L 100 1000 L 0 900 Z\"/>\n"
		/* 1: relative, H/V: (100,100) 200 × 100 */
		"<path style=\"fill:none;stroke:#f00\" d=\"m100,100h200v100H100z\"/>\n"
		/* 2: translated group, element scale: (400, 100) 200 × 100 */
		"<g transform=\"translate(400 100)\" stroke=\"#FF0000\"><path transform=\"scale(2)\" "
		"d=\"M0 0 100 0 100 50 0 50z\"/></g>\n"
		/* 3: matrix and rotate(90) about a point: (700,100) 100 × 200 */
		"<g transform=\"matrix(1,0,0,1,700,100)\" style=\"stroke:rgb(255,0,0)\">"
		"<path transform=\"rotate(90 50 50)\" d=\"M 0 0 L 200 0 L 200 100 L 0 100 Z\"/></g>\n"
		/* 4: <use> of a symbol at (1000, 100): 100 × 50 */
		"<g color=\"red\" stroke=\"currentColor\"><use xlink:href=\"#win\" x=\"1000\" y=\"100\"/></g>\n"
		/* 5: a circle of arcs, bounding box (1200,100) 100 × 100 */
		"<path stroke=\"red\" d=\"M 1200 150 A 50 50 0 0 1 1300 150 A 50 50 0 1 1 1200 150 Z\"/>\n"
		/* 6: curves: S and Q, the curve's extremes (not its control
		 * points): a cubic bulging to y = 475 and a quadratic to 550 */
		"<path stroke=\"red\" d=\"M 100 400 C 100 300 300 300 300 400 S 100 500 100 400 Z\"/>\n"
		"<path stroke=\"red\" d=\"M 400 400 Q 500 300 600 400 T 800 400 L 800 500 L 400 500 Z\"/>\n"
		/* not windows */
		"<path stroke=\"rgb(0%,0%,100%)\" d=\"M 100 700 h 100 v 100 h -100 Z\"/>\n"
		"<path stroke=\"red\" d=\"M 300 700 h 100 v 100\"/>\n"
		"<g style=\"display:none\"><path stroke=\"red\" d=\"M 500 700 h 100 v 100 h -100 Z\"/></g>\n"
		"<text stroke=\"red\" x=\"700\" y=\"700\">1</text>\n"
		"</svg>\n";
	bk_diags *d = bk_diags_create();
	bk_status s = decode_str(svg, &r, &n, &c, d);
	static const double want[][4] = {
		{10, 10, 20, 10}, {40, 10, 20, 10}, {70, 10, 10, 20}, {100, 10, 10, 5},
		{120, 10, 10, 10}, {10, 32.5, 20, 15}, {40, 35, 40, 15},
	};
	int ok = s == BK_OK && n == 7;
	for (size_t i = 0; ok && i < 7; i++) {
		ok = same_rect(r + 4 * i, want[i][0], want[i][1], want[i][2], want[i][3]);
		if (!ok)
			printf("# window %zu: %.3f %.3f %.3f %.3f\n", i, r[4 * i], r[4 * i + 1],
			       r[4 * i + 2], r[4 * i + 3]);
	}
	TAP_OK(ok, "hand-written SVG: 7 windows through every command, transform and <use> (%zu)", n);
	TAP_OK(s == BK_OK && fabs(c.page_w - 200) < 1e-9 && fabs(c.page_h - 100) < 1e-9 &&
	       fabs(c.sheet_w - 200) < 1e-9 && c.sheet_y == 0 && !strcmp(c.corner, "bottom-left") &&
	       fabs(c.corner_size - 10) < 1e-9 && c.other_cuts == 1,
	       "hand-written SVG: a 200 × 100 mm page, corner %s %.1f mm, %zu other cut",
	       c.corner, c.corner_size, c.other_cuts);
	bk_free(r);

	/* a tab above a top-left corner cut; a separate corner cut instead */
	const char *tab = HEAD "width=\"100mm\" height=\"70mm\" viewBox=\"0 0 100 70\">"
		"<g transform=\"translate(0,20)\" stroke=\"red\"><path d=\"M 10 0 L 60 0 L 60 -20 L 90 -20 "
		"L 90 0 L 100 0 L 100 50 L 0 50 L 0 10 Z\"/>"
		"<path d=\"M 20 20 h 10 v 10 h -10 z\"/></g></svg>";
	s = decode_str(tab, &r, &n, &c, NULL);
	TAP_OK(s == BK_OK && n == 1 && same_rect(r, 20, 20, 10, 10) && fabs(c.sheet_y - 20) < 1e-9 &&
	       fabs(c.sheet_h - 50) < 1e-9 && fabs(c.page_h - 70) < 1e-9 &&
	       !strcmp(c.corner, "top-left") && fabs(c.corner_size - 10) < 1e-9,
	       "a tab: the sheet starts %.1f mm down, corner %s, the window in sheet coordinates",
	       c.sheet_y, c.corner);
	bk_free(r);
	const char *sep = HEAD "width=\"100mm\" height=\"50mm\" viewBox=\"0 0 100 50\">"
		"<g stroke=\"red\"><rect width=\"100\" height=\"50\"/><path d=\"M 92 0 L 100 8\"/>"
		"<path d=\"M 0.2 20 h 10 v 10 h -10 z\"/><rect x=\"40\" y=\"10\" width=\"10\" height=\"10\"/>"
		"<line x1=\"60\" y1=\"10\" x2=\"70\" y2=\"10\"/></g></svg>";
	s = decode_str(sep, &r, &n, &c, NULL);
	TAP_OK(s == BK_OK && n == 1 && same_rect(r, 40, 10, 10, 10) && !strcmp(c.corner, "top-right") &&
	       fabs(c.corner_size - 8) < 1e-9 && c.other_cuts == 2,
	       "a separate corner cut (%s %.1f mm); a cut touching the edge and an open line are "
	       "not windows (%zu other)", c.corner, c.corner_size, c.other_cuts);
	bk_free(r);
	/* rows: top edges within 1 mm are one row */
	const char *rows = HEAD "width=\"100mm\" height=\"100mm\" viewBox=\"0 0 100 100\">"
		"<g stroke=\"red\"><rect width=\"100\" height=\"100\"/>"
		"<rect x=\"60\" y=\"10\" width=\"5\" height=\"5\"/><rect x=\"10\" y=\"30\" width=\"5\" height=\"5\"/>"
		"<rect x=\"10\" y=\"10.8\" width=\"5\" height=\"5\"/><rect x=\"30\" y=\"10.5\" width=\"5\" height=\"5\"/>"
		"</g></svg>";
	s = decode_str(rows, &r, &n, &c, NULL);
	TAP_OK(s == BK_OK && n == 4 && r[0] == 10 && r[4] == 30 && r[8] == 60 && r[13] == 30 &&
	       !c.corner[0], "rows: three windows within 1 mm of each other's tops, left to right, "
	       "then the next row; no corner cut");
	bk_free(r);
	/* user units of pt (no mm anywhere): width in pt */
	const char *pt = HEAD "width=\"72pt\" height=\"72pt\" viewBox=\"0 0 72 72\">"
		"<g stroke=\"red\"><rect width=\"72\" height=\"72\"/><rect x=\"36\" y=\"36\" width=\"18\" "
		"height=\"9\"/></g></svg>";
	s = decode_str(pt, &r, &n, &c, NULL);
	TAP_OK(s == BK_OK && n == 1 && same_rect(r, 12.7, 12.7, 6.35, 3.175) &&
	       fabs(c.page_w - 25.4) < 1e-9, "points converted to mm");
	bk_free(r);
	const char *pc = HEAD "width=\"100%\" viewBox=\"0 0 50 40\">"
		"<g stroke=\"red\"><rect width=\"50\" height=\"40\"/><rect x=\"10\" y=\"10\" width=\"5\" "
		"height=\"5\"/></g></svg>";
	s = decode_str(pc, &r, &n, &c, NULL);
	TAP_OK(s == BK_OK && n == 1 && same_rect(r, 10, 10, 5, 5) && fabs(c.page_h - 40) < 1e-9,
	       "no physical size (a percentage): the viewBox in mm");
	bk_free(r);
	bk_diags_free(d);
}

/* A PDF page drawn here: numbers of braille beside windows, at pitches no
 * profile has, some of them not numbers. */
static void drawn_pdf(void)
{
	const double dp = 2.3, cp = 6.4, dd = 1.5;
	/* windows 20 × 10 mm at x = 100, rows 20 mm apart; the braille ends 4
	 * mm left of each */
	struct {
		const char *cells; /* cells as dot strings, '/' between cells */
		double stray;      /* a dot this far left of the first, level
		                    * with the window's centre (0: none) */
		unsigned want;
	} rows[] = {
		{"3456/12", 0, 2},          /* ⠼⠃ */
		{"3456/1/245", 0, 10},      /* ⠼⠁⠚ */
		{"3456/24/245/1", 0, 901},  /* ⠼⠊⠚⠁ */
		{"1/12", 0, 0},             /* no number sign */
		{"3456/245/1", 0, 0},       /* a leading zero */
		{"3456/13", 0, 0},          /* ⠼⠅: k is not a digit */
		{"3456", 0, 0},             /* the sign alone */
		{"", 0, 0},                 /* nothing */
		{"3456/1/0/1", 0, 0},       /* a blank cell inside */
		{"3456/1/1", 10.5, 11},     /* a dot apart from the run */
		{"3456/1/1", 9.0, 0},       /* a dot that joins it */
	};
	size_t nrows = sizeof rows / sizeof *rows;
	char *path = temp_path("drawn");
	cairo_surface_t *surf = cairo_pdf_surface_create(path, 150 / 25.4 * 72, 240 / 25.4 * 72);
	cairo_t *cr = cairo_create(surf);
	cairo_scale(cr, 72 / 25.4, 72 / 25.4);
	double *rects = malloc(4 * nrows * sizeof *rects);
	for (size_t i = 0; i < nrows; i++) {
		double wy = 10 + 20.0 * (double)i;
		rects[4 * i] = 100;
		rects[4 * i + 1] = wy;
		rects[4 * i + 2] = 20;
		rects[4 * i + 3] = 10;
		size_t ncells = *rows[i].cells ? 1 : 0;
		for (const char *q = rows[i].cells; *q; q++)
			ncells += *q == '/';
		/* right-aligned: the last cell's second column 4 mm + dd/2 left */
		double x0 = 100 - 4 - dd / 2 - dp - (double)(ncells ? ncells - 1 : 0) * cp;
		double y0 = wy + 5 - dp;
		size_t cell = 0;
		for (const char *q = rows[i].cells; *q; q++) {
			if (*q == '/') {
				cell++;
				continue;
			}
			int dot = *q - '1';
			if (dot < 0 || dot > 5)
				continue; /* '0': the blank cell */
			cairo_new_sub_path(cr);
			cairo_arc(cr, x0 + (double)cell * cp + (dot < 3 ? 0 : dp), y0 + (dot % 3) * dp,
			          dd / 2, 0, 2 * M_PI);
		}
		if (rows[i].stray > 0) {
			cairo_new_sub_path(cr);
			cairo_arc(cr, x0 - rows[i].stray, y0 + dp, dd / 2, 0, 2 * M_PI);
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0.35, 0.85);
		cairo_set_line_width(cr, 0.3);
		cairo_rectangle(cr, 100, wy, 20, 10);
		cairo_stroke(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_surface_destroy(surf);
	size_t size = 0;
	char *pdf = slurp(path, &size);
	unsigned *num = calloc(nrows, sizeof *num);
	bk_dot_measure m;
	bk_status s = pdf ? bk_decode_stencil_numbers(pdf, size, path, 300, 0, rects, nrows, NULL,
	                                              num, &m, NULL)
	                  : BK_ERR_IO;
	int ok = s == BK_OK;
	for (size_t i = 0; ok && i < nrows; i++)
		if (num[i] != rows[i].want) {
			ok = 0;
			printf("# row %zu (%s) reads %u, want %u\n", i, rows[i].cells, num[i], rows[i].want);
		}
	TAP_OK(ok, "drawn PDF: 2, 10, 901 read; no sign, a leading zero, a letter, the sign alone, "
	       "nothing and a blank cell read 0; a dot 10.5 mm off is not the number's, 9 mm off is");
	TAP_OK(s == BK_OK && fabs(m.dot_pitch_x - dp) < 0.05 && fabs(m.dot_pitch_y - dp) < 0.05 &&
	       fabs(m.cell_pitch - cp) < 0.05 && fabs(m.dot_diameter - dd) < 0.05,
	       "drawn PDF: pitches %.3f × %.3f, cells %.3f, dots %.3f mm measured (drawn %.1f, %.1f, %.1f)",
	       m.dot_pitch_x, m.dot_pitch_y, m.cell_pitch, m.dot_diameter, dp, cp, dd);
	TAP_OK(bk_decode_stencil_numbers(pdf, size, path, 300, 1, rects, nrows, NULL, num, NULL,
	                                 NULL) == BK_ERR_INVALID, "drawn PDF: no page 2");
	TAP_OK(bk_decode_stencil_numbers(pdf, size / 2, path, 300, 0, rects, nrows, NULL, num, NULL,
	                                 NULL) == BK_ERR_INVALID, "a truncated PDF is refused");
	TAP_OK(bk_decode_stencil_numbers(pdf, size, path, 100, 0, rects, nrows, NULL, num, NULL,
	                                 NULL) == BK_ERR_USAGE &&
	       bk_decode_stencil_numbers(pdf, size, path, 300, 0, NULL, 1, NULL, num, NULL,
	                                 NULL) == BK_ERR_USAGE,
	       "a dpi out of range or no windows: a usage error");
	free(num);
	free(pdf);
	free(rects);
	remove(path);
	free(path);
}

/* Refused with BK_ERR_INVALID and a diagnostic naming the file (and the
 * line, wanted_line > 0). */
static int refused(const char *data, size_t size, unsigned long wanted_line)
{
	bk_diags *d = bk_diags_create();
	double *r = (double *)(uintptr_t)1;
	size_t n = 7;
	bk_status s = bk_decode_svg_windows(data, size, "bad.svg", &r, &n, NULL, d);
	const bk_diag *g = bk_diags_get(d, 0);
	int ok = s == BK_ERR_INVALID && r == NULL && n == 0 && bk_diags_count(d) == 1 &&
	         !strcmp(bk_diag_file(g), "bad.svg") &&
	         (wanted_line == 0 || bk_diag_line(g) == wanted_line);
	if (!ok)
		printf("# status %d, %zu diagnostics: %s line %lu: %s\n", s, bk_diags_count(d),
		       bk_diag_file(g), bk_diag_line(g), bk_diag_message(g));
	bk_diags_free(d);
	return ok;
}

static void malformed(const char *svg, size_t size)
{
	/* every truncation refused until the closing tag is in */
	const char *end = strstr(svg, "</svg>");
	size_t whole = end ? (size_t)(end - svg) + 6 : size;
	int ok = 1;
	size_t tried = 0;
	for (size_t k = 0; k < size && ok; k += (k < 300 || k + 300 > size) ? 1 : 97) {
		tried++;
		if (k < whole) {
			ok = refused(svg, k, 0);
			if (!ok)
				printf("# truncated at %zu of %zu\n", k, size);
		} else {
			double *r = NULL;
			size_t n = 0;
			ok = bk_decode_svg_windows(svg, k, "t.svg", &r, &n, NULL, NULL) == BK_OK && n > 0;
			bk_free(r);
		}
	}
	TAP_OK(ok, "%zu truncations: refused until </svg>, read after", tried);
	/* bytes garbled at random: read or refused, never a crash */
	char *copy = malloc(size);
	uint32_t seed = 12345;
	size_t read = 0, refused_n = 0, other = 0;
	for (int round = 0; round < 300; round++) {
		memcpy(copy, svg, size);
		for (int k = 0; k < 1 + round % 5; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % size;
			seed = seed * 1103515245u + 12345u;
			copy[at] = (char)(seed >> 16);
		}
		double *r = NULL;
		size_t n = 0;
		bk_diags *d = bk_diags_create();
		bk_status s = bk_decode_svg_windows(copy, size, "g.svg", &r, &n, NULL, d);
		if (s == BK_OK)
			read++;
		else if (s == BK_ERR_INVALID && bk_diags_count(d) >= 1)
			refused_n++;
		else
			other++;
		bk_free(r);
		bk_diags_free(d);
	}
	free(copy);
	TAP_OK(other == 0 && refused_n > 0, "300 garbled copies: %zu read, %zu refused, %zu otherwise",
	       read, refused_n, other);

	static const char *const bad[] = {
		"",
		"not xml at all",
		"<?xml version=\"1.0\"?>\n<html><body/></html>\n",
		HEAD "width=\"10mm\" height=\"10mm\">\n<g>\n</svg>\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		TAP_OK(refused(bad[i], strlen(bad[i]), 0), "refused: bad input %zu", i + 1);
	static const struct {
		const char *body;
		unsigned long line;
		const char *what;
	} lines[] = {
		{"<path stroke=\"red\" d=\"M 0 0 L 10\"/>", 4, "a lineto short of a number"},
		{"<path d=\"M 0 0 X 10 10\"/>", 4, "an unknown command"},
		{"<path d=\"L 0 0 10 10\"/>", 4, "no moveto first"},
		{"<path d=\"M 0 0 A 5 5 0 2 0 10 10\"/>", 4, "an arc flag of 2"},
		{"<g transform=\"skew(3)\"><rect width=\"1\" height=\"1\"/></g>", 4, "a bad transform"},
		{"<rect width=\"-1\" height=\"1\"/>", 4, "a negative width"},
		{"<polygon points=\"0 0 10\"/>", 4, "an odd points list"},
		{"<path d=\"M 0 0 L 1e999 0\"/>", 4, "a number out of range"},
		{"<rect width=\"10%\" height=\"1\"/>", 4, "a relative length"},
		{"<path stroke=\"blue\" d=\"M 0 0 h 10 v 10 Z\"/>", 0, "no red cut at all"},
		{"<path stroke=\"red\" d=\"M 0 0 h 10 v 10\"/>", 0, "no closed red cut"},
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		char doc[512];
		snprintf(doc, sizeof doc, HEAD "width=\"10mm\" height=\"10mm\">\n\n%s\n</svg>\n",
		         lines[i].body);
		TAP_OK(refused(doc, strlen(doc), lines[i].line), "refused: %s (line %lu)", lines[i].what,
		       lines[i].line);
	}
	/* the XML error's line */
	const char *mismatch = HEAD "width=\"1mm\" height=\"1mm\">\n<g>\n<path d=\"M 0 0\">\n</g>\n</svg>\n";
	TAP_OK(refused(mismatch, strlen(mismatch), 5),
	       "refused: mismatched tags, on the line libxml2 gives");
	/* <use> in a loop, and an exponential fan-out */
	const char *loop = HEAD "width=\"1mm\" height=\"1mm\"><g id=\"a\"><use xlink:href=\"#a\"/></g>"
		"<rect stroke=\"red\" width=\"1\" height=\"1\"/></svg>";
	TAP_OK(refused(loop, strlen(loop), 0), "refused: <use> in a loop");
	char fan[4096];
	size_t len = (size_t)snprintf(fan, sizeof fan, HEAD "width=\"1mm\" height=\"1mm\"><defs>"
	                       "<g id=\"g0\"><rect stroke=\"red\" width=\"1\" height=\"1\"/></g>");
	for (int i = 1; i <= 15; i++) {
		len += (size_t)snprintf(fan + len, sizeof fan - len, "<g id=\"g%d\">", i);
		for (int k = 0; k < 10; k++)
			len += (size_t)snprintf(fan + len, sizeof fan - len,
			                        "<use xlink:href=\"#g%d\"/>", i - 1);
		len += (size_t)snprintf(fan + len, sizeof fan - len, "</g>");
	}
	snprintf(fan + len, sizeof fan - len, "</defs><use xlink:href=\"#g15\"/></svg>");
	TAP_OK(refused(fan, strlen(fan), 0), "refused: <use> fanning out to 10^15 elements");
	double *r = NULL;
	size_t n = 0;
	TAP_OK(bk_decode_svg_windows(NULL, 0, "x", &r, &n, NULL, NULL) == BK_ERR_USAGE &&
	       bk_decode_svg_windows(svg, size, "x", NULL, &n, NULL, NULL) == BK_ERR_USAGE,
	       "no data or no output: a usage error");
}

int main(void)
{
	bk_election *e = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK ||
	    bk_braille_open(&br, e, tpl, NULL) != BK_OK) {
		printf("Bail out! templates, tables or example not found\n");
		return 1;
	}
	/* every ballot of the example; one with a tab and counting dots */
	for (size_t b = 0; b < bk_election_ballot_count(e); b++) {
		const char *id = bk_election_ballot_id(e, b);
		for (int variant = 0; variant < (b == 1 ? 2 : 1); variant++) {
			bk_stencil_options o = BK_STENCIL_OPTIONS_INIT;
			if (variant) {
				o.tab_depth = 12;
				o.counting_dots = 1;
			}
			bk_script *s = NULL;
			bk_stencil *st = NULL;
			char what[96];
			snprintf(what, sizeof what, "%s%s", id, variant ? " (tab, counting dots)" : "");
			bk_script_create(&s, e, id, "ru", tpl, NULL);
			TAP_OK(s && bk_stencil_create(&st, e, s, br, tpl, &o, NULL) == BK_OK,
			       "%s: stencil laid out", what);
			if (st)
				check_stencil(st, what, o.tab_depth, 2.5, 6.0); /* Marburg Medium */
			if (st && b == 0) {
				/* the malformed-input checks on a real stencil's SVG */
				char *path = temp_path("trunc");
				size_t size = 0;
				char *svg = NULL;
				if (bk_stencil_write_svg(st, 0, path, NULL) == BK_OK)
					svg = slurp(path, &size);
				if (svg)
					malformed(svg, size);
				free(svg);
				remove(path);
				free(path);
			}
			bk_stencil_free(st);
			bk_script_free(s);
		}
	}
	/* two sheets of two columns (62 and 9 windows), numbered on; another
	 * profile's pitches measured */
	generated(70, "a4-two-columns-continued", "marburg-medium", 2.5, 6.0, 2);
	generated(12, "a5-single-mandate", "ada-signage", 2.4, 6.6, 1);
	generated(12, "a5-single-mandate", "nls-bana", 2.34, 6.2, 1);

	hand_written();
	drawn_pdf();

	bk_election_free(e);
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
