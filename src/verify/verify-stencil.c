/* Verifying the stencil: every window, read from the laser SVG and from
 * the print PDF's CutContour separation, is over its marking box (centre
 * within 0.2 mm of the box's, size the box plus the clearance on every
 * side, at least BKI_WINDOW_MIN across), where the box is the one the
 * definition resolves (its template plus paper.overrides, or the
 * ballot's own boxes: paper.boxes, or those the finder finds afresh in
 * the ballot PDF of paper.source); the braille beside each window, read from the
 * swell PDF's black dots and from the print PDF's Braille separation,
 * is its position's number; the sheets have the paper's size. Without a
 * definition the boxes are not known: the SVG's and the print PDF's
 * windows must then agree with each other. */
#include "verify/verify-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "definition/definition-private.h"

#define SWELL_DPI 200
/* How far a window's centre may stand from its box's, and its size from
 * the box plus the clearance, mm (issue 8's figure; a drawn window is
 * exact to 0.01 mm). */
#define WINDOW_TOL 0.2
/* The sheet against the paper, mm. */
#define SHEET_TOL 0.3
/* A print shop's bleed, mm (docs/stencil.md). */
#define BLEED 3.0

/* One window: where it is (x, y, w, h, mm from the sheet's top-left
 * corner) and the position it is for. */
typedef struct win {
	double x, y, w, h;
	unsigned number;
} win;

typedef struct sheet {
	win *want;            /* the positions on this sheet and their windows */
	size_t n;
	bool known;           /* the windows' places are known (a definition) */
} sheet;

static double cx(const win *w) { return w->x + w->w / 2; }
static double cy(const win *w) { return w->y + w->h / 2; }

/* The window found nearest to w's centre, or -1. */
static long nearest(const win *w, const double *rects, size_t n)
{
	long best = -1;
	double bd = INFINITY;
	for (size_t i = 0; i < n; i++) {
		double dx = rects[4 * i] + rects[4 * i + 2] / 2 - cx(w);
		double dy = rects[4 * i + 1] + rects[4 * i + 3] / 2 - cy(w);
		double d = hypot(dx, dy);
		if (d < bd) {
			bd = d;
			best = (long)i;
		}
	}
	return best;
}

/* Compares windows found (rects, n) with the sheet's: each position's
 * window over its box, no window without a position. match[i] gets the
 * found window of want[i] (or -1). */
static void compare_windows(vkit *k, size_t c, const sheet *sh, unsigned s,
                            const double *rects, size_t n, long *match)
{
	bool *used = vk_got(k, bki_calloc(n + 1, sizeof *used));
	for (size_t i = 0; !used && i < sh->n; i++)
		match[i] = -1;
	for (size_t i = 0; used && i < sh->n; i++) {
		const win *w = &sh->want[i];
		long j = nearest(w, rects, n);
		match[i] = j;
		if (j < 0) {
			vk_fail(k, c, w->number, "sheet %u has no window for it", s);
			continue;
		}
		const double *r = &rects[4 * j];
		double dx = r[0] + r[2] / 2 - cx(w), dy = r[1] + r[3] / 2 - cy(w);
		if (!sh->known) {
			used[j] = true;
			continue;
		}
		if (fabs(dx) > WINDOW_TOL || fabs(dy) > WINDOW_TOL) {
			vk_fail(k, c, w->number, "its window on sheet %u stands %.2f mm %s "
			        "and %.2f mm %s of its box's centre (at most %.1f mm)", s,
			        fabs(dx), dx < 0 ? "left" : "right", fabs(dy),
			        dy < 0 ? "above" : "below", WINDOW_TOL);
			match[i] = -1;
		} else if (fabs(r[2] - w->w) > WINDOW_TOL || fabs(r[3] - w->h) > WINDOW_TOL) {
			vk_fail(k, c, w->number, "its window on sheet %u is %.2f × %.2f mm; "
			        "its box with the clearance is %.2f × %.2f mm", s, r[2], r[3],
			        w->w, w->h);
		} else if (used[j]) {
			vk_fail(k, c, w->number, "shares its window on sheet %u with "
			        "another position", s);
		}
		if (match[i] >= 0)
			used[j] = true;
	}
	for (size_t j = 0; j < n; j++)
		if (!used[j])
			vk_fail(k, c, 0, "sheet %u has a window at %.1f, %.1f mm (%.1f × "
			        "%.1f mm) over no position's box", s, rects[4 * j],
			        rects[4 * j + 1], rects[4 * j + 2], rects[4 * j + 3]);
	free(used);
}

static void compare_numbers(vkit *k, size_t c, const sheet *sh, unsigned s,
                            const long *match, const unsigned *numbers)
{
	for (size_t i = 0; i < sh->n; i++) {
		if (match[i] < 0)
			continue;
		unsigned got = numbers[match[i]], want = sh->want[i].number;
		if (got == want)
			continue;
		if (got)
			vk_fail(k, c, want, "the braille beside its window on sheet %u "
			        "reads %u", s, got);
		else
			vk_fail(k, c, want, "no braille number can be read beside its "
			        "window on sheet %u", s);
	}
}

/* The ballot's own boxes as the kit's script records them ("paper",
 * docs/ballot-script.md): box i (0-based) into v (x, y, w, h, mm); false
 * when the script has no such box. */
static bool script_box(const json_t *paper, size_t i, double v[4])
{
	json_t *b = json_array_get(json_object_get(paper, "boxes"), i);
	for (size_t j = 0; j < 4; j++) {
		json_t *x = json_array_get(b, j);
		if (!json_is_number(x))
			return false;
		v[j] = json_number_value(x);
	}
	return json_array_size(b) == 4;
}

/* The boxes of the ballot as the definition resolves them (or, without
 * it, as the kit's script records the ballot's own), plus the clearance
 * the kit was built with. */
static bool reference_boxes(vkit *k, size_t c, sheet *sheets, unsigned nsheets,
                            double *paper_w, double *paper_h)
{
	json_t *cl = json_object_get(json_object_get(k->manifest, "stencil"), "clearance");
	double clearance = json_number_value(cl);
	const bk_election *e = k->v->e;
	const bki_ballot *b = NULL;
	if (e) {
		size_t bi = bk_election_ballot_find(e, k->ballot);
		b = bi == (size_t)-1 ? NULL : &e->ballots[bi];
	}
	const bki_stencil_tpl *t = b ? b->tpl : NULL;
	const char *tname = vk_str(k->script[0], "template");
	if (!t)
		t = bki_templates_stencil_find(k->v->tpl, tname);
	if (!t) {
		vk_fail(k, c, 0, "the script names a stencil template \"%s\" the "
		        "templates do not have", tname);
		return false;
	}
	if (strcmp(t->id, tname))
		vk_fail(k, c, 0, "the script names the template %s, the definition %s",
		        tname, t->id);
	if (!json_is_number(cl) || clearance < 0 || clearance > 3)
		vk_fail(k, c, 0, "the manifest does not say the clearance the windows "
		        "were given (stencil.clearance)");
	/* the ballot's own boxes: with the definition, its (the kit's script
	 * was compared with it, load_scripts); without, those the kit's
	 * script records */
	json_t *paper = json_object_get(k->script[0], "paper");
	bool from_script = !b && paper;
	*paper_w = from_script ? json_number_value(json_object_get(paper, "width"))
	                       : t->paper_w;
	*paper_h = from_script ? json_number_value(json_object_get(paper, "height"))
	                       : t->paper_h;
	size_t per_sheet = from_script ? json_array_size(json_object_get(paper, "boxes"))
	                               : t->per_sheet;
	size_t i;
	json_t *p;
	json_array_foreach(vk_positions(k, 0), i, p) {
		long s = (long)json_integer_value(json_object_get(p, "sheet"));
		long box = (long)json_integer_value(json_object_get(p, "box"));
		unsigned num = vk_position_number(k, 0, i);
		if (s < 1 || (unsigned long)s > nsheets || box < 1 ||
		    (size_t)box > per_sheet) {
			vk_fail(k, c, num, "the script puts it on sheet %ld, box %ld, which "
			        "%s does not have", s, box, from_script ? "its paper"
			        : t->box_wv ? "the ballot's own boxes" : "the template");
			return false;
		}
		sheet *sh = &sheets[s - 1];
		win w = {0, 0, 0, 0, num};
		double bx, by, bw, bh, v[4];
		if (from_script && script_box(paper, (size_t)box - 1, v)) {
			bx = v[0], by = v[1], bw = v[2], bh = v[3];
		} else if (from_script) {
			vk_fail(k, c, num, "the script's paper.boxes[%ld] is not four "
			        "numbers", box - 1);
			return false;
		} else {
			bki_templates_stencil_box(t, b && b->has_over ? &b->over : NULL,
			                          (size_t)box - 1, &bx, &by, &bw, &bh);
		}
		bki_stencil_window(bx, by, bw, bh, clearance, v);
		w.x = v[0];
		w.y = v[1];
		w.w = v[2];
		w.h = v[3];
		win *more = vk_got(k, bki_reallocarray(sh->want, sh->n + 1,
		                                      sizeof *sh->want));
		if (!more)
			return false;
		sh->want = more;
		sh->want[sh->n++] = w;
		sh->known = e != NULL || from_script;
	}
	return !vk_failed(k, c);
}

/* The windows of a sheet's laser SVG; false with the reason. */
static bool svg_windows(vkit *k, size_t c, const char *file, double **rects,
                        size_t *n, bk_svg_cuts *cuts)
{
	char *data = NULL;
	size_t size = 0;
	if (!vk_read(k, c, file, &data, &size))
		return false;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_decode_svg_windows(data, size, file, rects, n, cuts, d);
	free(data);
	if (st != BK_OK)
		vk_fail(k, c, 0, "its windows cannot be read: %s", vk_first(d));
	bk_diags_free(d);
	return st == BK_OK;
}

/* The windows of the print PDF's CutContour separation on page pg, in mm
 * from the trim's top-left corner: every closed cut inside the outline
 * (the largest cut) and not touching it. */
static bool pdf_windows(vkit *k, size_t c, const char *data, size_t size,
                        const char *file, size_t pg, double **rects, size_t *n,
                        double paper_w, double paper_h)
{
	bk_pdf_separation *sep = NULL;
	bk_diags *d = bk_diags_create();
	if (bk_decode_pdf_separation(data, size, file, pg, "CutContour", &sep, d) != BK_OK) {
		vk_fail(k, c, 0, "its CutContour separation cannot be read on page %zu: "
		        "%s", pg + 1, vk_first(d));
		bk_diags_free(d);
		return false;
	}
	bk_diags_free(d);
	double tw, th, bl, bt, br, bb;
	bk_pdf_separation_trim(sep, &tw, &th);
	bk_pdf_separation_bleed(sep, &bl, &bt, &br, &bb);
	if (fabs(tw - paper_w) > SHEET_TOL || fabs(th - paper_h) > SHEET_TOL)
		vk_fail(k, c, 0, "page %zu's TrimBox is %.1f × %.1f mm, the paper %.0f × "
		        "%.0f mm", pg + 1, tw, th, paper_w, paper_h);
	if (fabs(bl - BLEED) > 0.1 || fabs(bt - BLEED) > 0.1 || fabs(br - BLEED) > 0.1 ||
	    fabs(bb - BLEED) > 0.1)
		vk_fail(k, c, 0, "page %zu's BleedBox is not %.0f mm beyond the trim on "
		        "every side", pg + 1, BLEED);
	size_t m = bk_pdf_separation_count(sep), outline = m;
	double area = -1;
	for (size_t i = 0; i < m; i++) {
		double x, y, w, h;
		bk_pdf_separation_mark(sep, i, &x, &y, &w, &h, NULL, NULL);
		if (w * h > area) {
			area = w * h;
			outline = i;
		}
	}
	*rects = vk_got(k, bki_calloc(4 * m + 4, sizeof **rects));
	*n = 0;
	if (!*rects) {
		bk_pdf_separation_free(sep);
		return false;
	}
	if (outline == m) {
		vk_fail(k, c, 0, "page %zu's CutContour separation cuts nothing", pg + 1);
	} else {
		double ox, oy, ow, oh;
		bk_pdf_separation_mark(sep, outline, &ox, &oy, &ow, &oh, NULL, NULL);
		if (fabs(ox) > SHEET_TOL || fabs(ow - paper_w) > SHEET_TOL ||
		    fabs(oy + oh - paper_h) > SHEET_TOL)
			vk_fail(k, c, 0, "page %zu's die line is %.1f × %.1f mm at %.1f, "
			        "%.1f mm; the paper is %.0f × %.0f mm", pg + 1, ow, oh, ox,
			        oy, paper_w, paper_h);
		for (size_t i = 0; i < m; i++) {
			double x, y, w, h;
			int filled, closed;
			bk_pdf_separation_mark(sep, i, &x, &y, &w, &h, &filled, &closed);
			if (i == outline)
				continue;
			bool inside = x > ox + 0.5 && y > oy + 0.5 && x + w < ox + ow - 0.5 &&
			              y + h < oy + oh - 0.5;
			if (!inside)
				continue; /* the corner cut, touching the outline */
			if (!closed || filled) {
				vk_fail(k, c, 0, "page %zu's CutContour separation has a mark "
				        "that is not a closed cut at %.1f, %.1f mm", pg + 1, x, y);
				continue;
			}
			double *r = &(*rects)[4 * (*n)++];
			r[0] = x;
			r[1] = y;
			r[2] = w;
			r[3] = h;
		}
	}
	if (bk_pdf_separation_other(sep))
		vk_fail(k, c, 0, "page %zu's CutContour separation holds text or images",
		        pg + 1);
	bk_pdf_separation_free(sep);
	return true;
}

/* The numbers the print PDF's Braille separation shows beside the
 * windows (rects, in the trim's frame). */
static bool pdf_numbers(vkit *k, size_t c, const char *data, size_t size,
                        const char *file, size_t pg, const double *rects,
                        size_t n, unsigned *numbers)
{
	bk_pdf_separation *sep = NULL;
	bk_diags *d = bk_diags_create();
	if (bk_decode_pdf_separation(data, size, file, pg, "Braille", &sep, d) != BK_OK) {
		vk_fail(k, c, 0, "its Braille separation cannot be read on page %zu: %s",
		        pg + 1, vk_first(d));
		bk_diags_free(d);
		return false;
	}
	bk_diags_free(d);
	size_t m = bk_pdf_separation_count(sep), nd = 0;
	double *xy = vk_got(k, bki_calloc(2 * m + 2, sizeof *xy));
	if (!xy) {
		bk_pdf_separation_free(sep);
		return false;
	}
	for (size_t i = 0; i < m; i++) {
		double x, y, w, h;
		int filled;
		bk_pdf_separation_mark(sep, i, &x, &y, &w, &h, &filled, NULL);
		/* a dot: a filled round mark 1-2 mm across */
		if (filled && w >= 1.0 && w <= 2.0 && fabs(w - h) < 0.1) {
			xy[2 * nd] = x + w / 2;
			xy[2 * nd + 1] = y + h / 2;
			nd++;
		}
	}
	bool ok = bk_decode_numbers_beside(xy, nd, rects, n, numbers, NULL) ==
	          BK_OK;
	vk_got(k, ok ? xy : NULL);
	free(xy);
	bk_pdf_separation_free(sep);
	return ok;
}

/* The stencil's PDFs as read for the sheets' checks. */
typedef struct stencil_files {
	bki_buf swell, print;            /* their names in the kit */
	char *swell_data, *print_data;  /* their bytes, NULL when not read */
	size_t swell_n, print_n;
	size_t cs, cp;                  /* their checks */
	double paper_w, paper_h;        /* the paper, mm */
} stencil_files;

/* The windows of sheet s from its laser SVG (into *rects, *n, *cuts,
 * matched to the sheet's boxes in match); false when it cannot be read. */
static bool check_sheet_svg(vkit *k, const stencil_files *f, sheet *sh,
                            unsigned s, double **rects, size_t *n,
                            bk_svg_cuts *cuts, long *match)
{
	bki_buf svg = {0};
	bki_buf_printf(&svg, "stencil/%s-stencil-cut-%u.svg", k->ballot, s);
	size_t cw = vk_check(k, bki_buf_str(&svg), "stencil-windows");
	bool have_svg = svg_windows(k, cw, bki_buf_str(&svg), rects, n, cuts);
	bki_buf_free(&svg);
	if (!have_svg)
		return false;
	if (fabs(cuts->sheet_w - f->paper_w) > SHEET_TOL ||
	    fabs(cuts->sheet_h - f->paper_h) > SHEET_TOL)
		vk_fail(k, cw, 0, "the sheet is %.1f × %.1f mm, the paper "
		        "%.0f × %.0f mm", cuts->sheet_w, cuts->sheet_h,
		        f->paper_w, f->paper_h);
	if (cuts->other_cuts)
		vk_fail(k, cw, 0, "%zu cuts are neither the outline, the "
		        "corner nor a window", cuts->other_cuts);
	compare_windows(k, cw, sh, s, *rects, *n, match);
	return true;
}

/* The swell PDF's braille beside the SVG's windows of sheet s. */
static void check_sheet_swell(vkit *k, const stencil_files *f, sheet *sh,
                              unsigned s, const double *rects, size_t n,
                              const bk_svg_cuts *cuts, long *match)
{
	unsigned *nums = vk_got(k, bki_calloc(n + 1, sizeof *nums));
	bk_diags *d = vk_got(k, bk_diags_create());
	bk_status st = BK_ERR_NOMEM;
	if (nums && d && (st = bk_decode_stencil_numbers(f->swell_data, f->swell_n, bki_buf_str(&f->swell),
	                              SWELL_DPI, s - 1, rects, n, cuts, nums,
	                              NULL, d)) != BK_OK && st != BK_ERR_NOMEM)
		vk_fail(k, f->cs, 0, "its braille cannot be read on sheet %u: %s", s,
		        vk_first(d));
	else if (st == BK_OK)
		compare_numbers(k, f->cs, sh, s, match, nums);
	if (st == BK_ERR_NOMEM)
		k->v->nomem = true;
	bk_diags_free(d);
	free(nums);
}

/* Without boxes to compare with, the print PDF's windows must be where
 * the laser SVG has them. */
static void print_agrees_with_svg(vkit *k, size_t cp, const sheet *sh,
                                  unsigned s, const double *rects,
                                  const long *match, const double *prects,
                                  const long *pm)
{
	for (size_t q = 0; q < sh->n; q++) {
		if (match[q] < 0 || pm[q] < 0)
			continue;
		const double *a = &rects[4 * match[q]], *b = &prects[4 * pm[q]];
		if (fabs(a[0] + a[2] / 2 - b[0] - b[2] / 2) > WINDOW_TOL ||
		    fabs(a[1] + a[3] / 2 - b[1] - b[3] / 2) > WINDOW_TOL ||
		    fabs(a[2] - b[2]) > WINDOW_TOL || fabs(a[3] - b[3]) > WINDOW_TOL)
			vk_fail(k, cp, sh->want[q].number, "its window on sheet "
			        "%u is not where the laser SVG has it", s);
	}
}

/* The print PDF's sheet s: its own windows and its Braille separation. */
static void check_sheet_print(vkit *k, const stencil_files *f, sheet *sh,
                              unsigned s, bool have_svg, const double *rects,
                              const long *match)
{
	double *prects = NULL;
	size_t pn = 0;
	if (!pdf_windows(k, f->cp, f->print_data, f->print_n, bki_buf_str(&f->print),
	                 s - 1, &prects, &pn, f->paper_w, f->paper_h)) {
		free(prects);
		return;
	}
	long *pm = vk_got(k, bki_calloc(sh->n + 1, sizeof *pm));
	unsigned *nums = vk_got(k, bki_calloc(pn + 1, sizeof *nums));
	if (!pm || !nums) {
		free(pm);
		free(nums);
		free(prects);
		return;
	}
	compare_windows(k, f->cp, sh, s, prects, pn, pm);
	if (!sh->known && have_svg)
		print_agrees_with_svg(k, f->cp, sh, s, rects, match, prects, pm);
	if (pdf_numbers(k, f->cp, f->print_data, f->print_n, bki_buf_str(&f->print),
	                s - 1, prects, pn, nums))
		compare_numbers(k, f->cp, sh, s, pm, nums);
	free(nums);
	free(pm);
	free(prects);
}

/* One sheet: its laser SVG, then the swell and print PDFs beside it. */
static void check_sheet(vkit *k, const stencil_files *f, sheet *sh, unsigned s)
{
	long *match = vk_got(k, bki_calloc(sh->n + 1, sizeof *match));
	if (!match)
		return;
	double *rects = NULL;
	size_t n = 0;
	bk_svg_cuts cuts;
	bool have_svg = (k->outputs & VO_STENCIL_SVG) &&
	                check_sheet_svg(k, f, sh, s, &rects, &n, &cuts, match);
	if (f->swell_data && have_svg)
		check_sheet_swell(k, f, sh, s, rects, n, &cuts, match);
	else if (f->swell_data)
		vk_not_run(k, bki_buf_str(&f->swell), "stencil", "the windows its numbers "
		           "stand beside are read from the laser SVG, which is not there");
	if (f->print_data)
		check_sheet_print(k, f, sh, s, have_svg, rects, match);
	free(rects);
	free(match);
}

/* Page i of the proof is the ballot's sheet, w × h mm (within 0.2 mm). */
static void check_proof_page(vkit *k, size_t c, const char *file,
                             const char *data, size_t n, size_t i, double w,
                             double h)
{
	bk_diags *d = vk_got(k, bk_diags_create());
	bk_pdf_separation *sep = NULL;
	if (d && bk_decode_pdf_separation(data, n, file, i, "CutContour", &sep,
	                                  d) == BK_OK) {
		double pw, ph;
		bk_pdf_separation_trim(sep, &pw, &ph);
		if (fabs(pw - w) > 0.2 || fabs(ph - h) > 0.2)
			vk_fail(k, c, 0, "page %zu is %.1f × %.1f mm, the ballot's "
			        "sheet %.1f × %.1f mm", i + 1, pw, ph, w, h);
	} else if (d) {
		vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
	}
	bk_pdf_separation_free(sep);
	bk_diags_free(d);
}

/* The proof PDF has one page per sheet, each the ballot's sheet's size
 * (when the paper is known: w, h > 0). */
static void check_proof(vkit *k, unsigned nsheets, double w, double h)
{
	bki_buf proof = {0};
	bki_buf_printf(&proof, "stencil/%s-ballot-proof.pdf", k->ballot);
	size_t c = vk_check(k, bki_buf_str(&proof), "stencil-proof");
	char *data = NULL, *text = NULL;
	size_t n = 0;
	if (vk_read(k, c, bki_buf_str(&proof), &data, &n)) {
		bk_diags *d = bk_diags_create();
		if (bk_decode_pdf_text(data, n, bki_buf_str(&proof), &text, d) != BK_OK) {
			vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
		} else {
			size_t pages = 0;
			for (const char *q = text; *q; q++)
				pages += *q == '\f';
			if (pages != nsheets)
				vk_fail(k, c, 0, "%zu pages, the stencil has %u sheets",
				        pages, nsheets);
			for (size_t i = 0; w > 0 && h > 0 && i < pages &&
			                   !vk_failed(k, c); i++)
				check_proof_page(k, c, bki_buf_str(&proof), data, n, i,
				                 w, h);
		}
		bk_diags_free(d);
	}
	bk_free(text);
	free(data);
	bki_buf_free(&proof);
}

/* The print and swell PDFs are what a prepress preflight accepts: PDF/X-4. */
static void check_pdfx(vkit *k, size_t c, const char *file, const char *data,
                       size_t n)
{
	char *problems = NULL;
	bk_diags *d = vk_got(k, bk_diags_create());
	if (!d)
		return;
	if (bk_decode_pdfx(data, n, file, &problems, d) != BK_OK)
		vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
	else if (problems)
		vk_fail(k, c, 0, "is not PDF/X-4: %s", problems);
	bk_free(problems);
	bk_diags_free(d);
}

void vk_check_stencil(vkit *k)
{
	unsigned bits = VO_STENCIL_PRINT | VO_STENCIL_SWELL | VO_STENCIL_SVG;
	if (!(k->outputs & (bits | VO_STENCIL_PROOF)))
		return;
	unsigned nsheets = vk_sheet_count(k);
	stencil_files f;
	memset(&f, 0, sizeof f);
	bki_buf_printf(&f.swell, "stencil/%s-stencil-swell.pdf", k->ballot);
	bki_buf_printf(&f.print, "stencil/%s-stencil-print.pdf", k->ballot);
	sheet *sheets = vk_got(k, bki_calloc(nsheets + 1, sizeof *sheets));
	if (!sheets) {
		bki_buf_free(&f.swell);
		bki_buf_free(&f.print);
		return;
	}
	size_t rc = vk_check(k, bki_buf_str(&f.print), "stencil-boxes");
	bool known = reference_boxes(k, rc, sheets, nsheets, &f.paper_w, &f.paper_h);
	if (k->outputs & VO_STENCIL_SWELL) {
		f.cs = vk_check(k, bki_buf_str(&f.swell), "stencil");
		vk_read(k, f.cs, bki_buf_str(&f.swell), &f.swell_data, &f.swell_n);
		if (f.swell_data)
			check_pdfx(k, f.cs, bki_buf_str(&f.swell), f.swell_data, f.swell_n);
	}
	if (k->outputs & VO_STENCIL_PRINT) {
		f.cp = vk_check(k, bki_buf_str(&f.print), "stencil-print");
		vk_read(k, f.cp, bki_buf_str(&f.print), &f.print_data, &f.print_n);
		if (f.print_data)
			check_pdfx(k, f.cp, bki_buf_str(&f.print), f.print_data, f.print_n);
	}
	for (unsigned s = 1; known && s <= nsheets; s++)
		check_sheet(k, &f, &sheets[s - 1], s);
	/* without the boxes, the reason is reported and the files' checks did
	 * not run */
	if (!known && (k->outputs & VO_STENCIL_SVG))
		vk_not_run(k, "stencil", "stencil-windows", "the boxes are not known");
	json_t *paper = json_object_get(k->script[0], "paper");
	json_t *pdf = json_object_get(paper, "ballot_pdf");
	if (known && !k->v->e && paper) {
		vk_not_run(k, bki_buf_str(&f.print), "stencil-boxes", "without the "
		           "definition %s%s%s%s%s: the windows were compared with the "
		           "ballot's own boxes as the kit's script records them",
		           pdf ? "the ballot PDF (" : "its paper.boxes are",
		           pdf ? vk_str(pdf, "file") : " not read",
		           pdf ? ", SHA-256 " : "", pdf ? vk_str(pdf, "sha256") : "",
		           pdf ? ") is not read" : "");
	} else if (known && !k->v->e) {
		vk_not_run(k, bki_buf_str(&f.print), "stencil-boxes", "without the "
		           "definition the boxes' places (template plus paper.overrides) are "
		           "not known: the windows were compared between the laser SVG and "
		           "the print PDF only");
	}
	if (k->outputs & VO_STENCIL_PROOF)
		check_proof(k, nsheets, known ? f.paper_w : 0, known ? f.paper_h : 0);
	for (unsigned s = 0; s < nsheets; s++)
		free(sheets[s].want);
	free(sheets);
	free(f.swell_data);
	free(f.print_data);
	bki_buf_free(&f.swell);
	bki_buf_free(&f.print);
}
