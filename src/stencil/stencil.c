/* Braille stencils: layout from the ballot script and the stencil
 * template, and every output drawn from that one layout. Coordinates are
 * millimetres from the top-left corner of the sheet, as in the templates.
 * See docs/stencil.md. */
#include "ballotkit/stencil.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "boxes/boxes-draw.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "render/render-private.h"
#include "templates/templates-private.h"
#include "util/util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define MM_TO_PT (72.0 / 25.4)

/* Floors below which no option may go (docs/stencil.md). */
static const double WINDOW_GAP_FLOOR = 3.0, EDGE_GAP_FLOOR = 5.0;
/* What a cutter needs (docs/stencil.md): every window shows its whole box
 * with at least MARGIN_MIN to spare on each side, and at least BRIDGE_MIN
 * of material stays between two windows and between a window and the die
 * line. */
static const double MARGIN_MIN = 0.5, BRIDGE_MIN = 1.5;
static const double NUMBER_SIZE = 6.0;  /* large print number, mm */
static const double LABEL_SIZE = 2.8;   /* poll workers' labels, mm */
static const double BLUE[3] = {0.0, 0.35, 0.85}; /* does not swell */
static const double BLACK[3] = {0.0, 0.0, 0.0};  /* swells */

typedef struct rect {
	double x, y, w, h;
} rect;

typedef struct window {
	rect win, box;
	unsigned number;
} window;

/* What a braille block is: the clearance rules differ (check_block). */
enum block_kind { BLOCK_TITLE, BLOCK_NUMBER, BLOCK_DOT, BLOCK_REF };

typedef struct bblock { /* one line of braille cells */
	double x, y;        /* top-left of the first cell's dot 1 area */
	unsigned char *cells;
	size_t n;
	enum block_kind kind;
	size_t win;         /* a number's window on its sheet */
} bblock;

typedef struct ptext { /* print */
	double x, y, size;  /* anchor: right edge (numbers) or left (labels), top */
	bool right, bold, label;
	char *text;
} ptext;

typedef struct sheet {
	window *win;
	size_t nwin;
	bblock *br;
	size_t nbr;
	ptext *txt;
	size_t ntxt;
	char *labels[3];   /* poll workers' labels, stacked up from the bottom */
	size_t nlabels;
	bool label_bold[3];
	bool nomem;        /* something could not be placed: no memory */
} sheet;

struct bk_stencil {
	const bk_templates *tpl;
	const bki_braille_profile *p;
	const bki_stencil_tpl *t;
	char geometry[96];   /* "template ID", for messages (geometry_name) */
	bk_stencil_options opt;
	double w, h;
	sheet *sheets;
	size_t nsheets;
	char *title, *date;
	const char *calibration; /* the bar's label (the templates' wording) */
	double labels_w;     /* labels wrap to the room left of the numbers */
	double bar_x, bar_y; /* calibration bar: 100 mm down from here */
	bblock ref;          /* the reference cell beside the bar */
	/* the ballot PDF's page the boxes were found on (paper.source), for
	 * the proof; NULL for a template's boxes. Borrowed from the election */
	const bk_boxes *page;
};

static double cell_w(const bki_braille_profile *p, size_t n)
{
	return n ? (double)(n - 1) * p->cell_pitch + p->dot_pitch + p->dot_diameter : 0;
}

static double cell_h(const bki_braille_profile *p)
{
	return 2 * p->dot_pitch + p->dot_diameter;
}

/* Between two braille blocks side by side on lines closer than the
 * profile's line pitch: a blank cell, as between two words of a line. */
static double word_space(const bki_braille_profile *p)
{
	return 2 * p->cell_pitch - cell_w(p, 1);
}

/* What the windows stand over, for messages: "template ID", or the
 * ballot's own boxes (paper.boxes, paper.source). */
static const char *geometry_name(const bk_stencil *s)
{
	return s->t->box_wv ? "the ballot's own boxes" : s->geometry;
}

static rect block_rect(const bk_stencil *s, const bblock *b)
{
	rect r = {b->x, b->y, cell_w(s->p, b->n), cell_h(s->p)};
	return r;
}

static double rect_gap(rect a, rect b)
{
	double dx = fmax(0, fmax(b.x - (a.x + a.w), a.x - (b.x + b.w)));
	double dy = fmax(0, fmax(b.y - (a.y + a.h), a.y - (b.y + b.h)));
	return sqrt(dx * dx + dy * dy);
}

/* Distance from a rectangle inside the sheet to the die line: the sheet's
 * edges and the corner cut. */
static double edge_gap(const bk_stencil *s, rect r)
{
	double d = fmin(fmin(r.x, r.y), fmin(s->w - (r.x + r.w), s->h - (r.y + r.h)));
	double c = s->t->corner_size;
	if (c > 0) {
		/* the cut is the line through (c,0) and (0,c) in the corner's
		 * own frame; the rectangle's nearest corner to it */
		const char *k = s->t->corner;
		double cx = strstr(k, "right") ? s->w : 0, cy = strstr(k, "bottom") ? s->h : 0;
		double xs[2] = {r.x, r.x + r.w}, ys[2] = {r.y, r.y + r.h};
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++) {
				double u = fabs(xs[i] - cx), v = fabs(ys[j] - cy);
				double dd = (u + v - c) / sqrt(2.0);
				if (dd < d)
					d = dd;
			}
	}
	return d;
}

static void add_text(sheet *sh, double x, double y, double size, bool right,
                     bool bold, bool label, const char *text)
{
	ptext *more = bki_reallocarray(sh->txt, sh->ntxt + 1, sizeof *sh->txt);
	char *copy = more ? bki_strdup(text) : NULL;
	if (more)
		sh->txt = more;
	if (!copy) {
		sh->nomem = true;
		return;
	}
	ptext *t = &sh->txt[sh->ntxt++];
	t->x = x;
	t->y = y;
	t->size = size;
	t->right = right;
	t->bold = bold;
	t->label = label;
	t->text = copy;
}

/* Takes over cells (NULL: memory ran out). */
static void add_block(sheet *sh, double x, double y, unsigned char *cells,
                      size_t n, enum block_kind kind, size_t win)
{
	bblock *more = cells ? bki_reallocarray(sh->br, sh->nbr + 1,
	                                       sizeof *sh->br)
	                     : NULL;
	if (!more) {
		free(cells);
		sh->nomem = true;
		return;
	}
	sh->br = more;
	sh->br[sh->nbr].x = x;
	sh->br[sh->nbr].y = y;
	sh->br[sh->nbr].cells = cells;
	sh->br[sh->nbr].n = n;
	sh->br[sh->nbr].kind = kind;
	sh->br[sh->nbr].win = win;
	sh->nbr++;
}

/* Greedy wrap of the title's cells into lines of at most max cells: at a
 * blank, or after a comma ⠂ (the tables drop the space after a comma). */
static bk_status wrap_title(sheet *sh, const unsigned char *c, size_t n,
                            size_t max, double x, double y,
                            const bki_braille_profile *p, size_t *lines)
{
	if (max < 4)
		return BK_ERR_INVALID;
	size_t start = 0;
	*lines = 0;
	while (start < n) {
		size_t end = n;
		if (n - start > max) {
			end = 0;
			for (size_t i = start + 1; i <= start + max && i < n; i++)
				if (c[i] == 0 || c[i - 1] == 0x02)
					end = i;
			if (!end)
				return BK_ERR_INVALID; /* a word longer than a line */
		}
		if (sh) {
			unsigned char *cells = bki_malloc(end - start + 1);
			if (!cells)
				return BK_ERR_NOMEM;
			memcpy(cells, c + start, end - start);
			add_block(sh, x, y + (double)*lines * p->line_pitch, cells,
			          end - start, BLOCK_TITLE, 0);
		}
		(*lines)++;
		start = end;
		while (start < n && c[start] == 0)
			start++;
	}
	return BK_OK;
}

/* A position's braille number before it is placed: its cells, its window
 * and which of two columns it takes (1: the one further left, where the
 * windows stand closer than a braille line). */
typedef struct number {
	unsigned char *cells;
	size_t n, sheet, win;
	int col;
} number;

/* What the layout steps of bk_stencil_create share. */
typedef struct layout {
	bk_stencil *s;
	const bk_election *e;
	const bki_ballot *b;
	const bk_script *script;
	bk_braille *br;
	bk_diags *diags;
	size_t npos;          /* positions of the ballot */
	number *num;          /* each position's braille number */
	double *wleft;        /* each position's print number: its left edge */
	double numbers_left;  /* left edge of all numbers and counting dots */
} layout;

/* The caller's options: a known version, and every value within its
 * bounds (docs/stencil.md). */
static bk_status check_options(const bk_stencil_options *opt, bk_diags *diags)
{
	if (!bki_struct_version_ok(opt->version, BK_STENCIL_OPTIONS_VERSION,
	                          "bk_stencil_options", diags))
		return BK_ERR_USAGE;
	if (!(opt->clearance >= MARGIN_MIN) ||
	    opt->clearance > BK_STENCIL_CLEARANCE_MAX ||
	    opt->corner_radius < 0 ||
	    opt->corner_radius > BK_STENCIL_CORNER_RADIUS_MAX ||
	    opt->window_gap < WINDOW_GAP_FLOOR ||
	    opt->edge_gap < EDGE_GAP_FLOOR ||
	    (opt->tab_depth != 0 && (opt->tab_depth < BK_STENCIL_TAB_DEPTH_MIN ||
	                             opt->tab_depth > BK_STENCIL_TAB_DEPTH_MAX)) ||
	    opt->tab_width < BK_STENCIL_TAB_WIDTH_MIN ||
	    opt->tab_width > BK_STENCIL_TAB_WIDTH_MAX) {
		_Static_assert(BK_STENCIL_CLEARANCE_MAX ==
		               BK_STENCIL_CORNER_RADIUS_MAX,
		               "the message gives one bound for both");
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "stencil options: clearance %g–%d mm, corner radius "
		             "0–%d mm, braille at least %g mm from windows and %g mm "
		             "from the edge, a tab %d–%d mm deep and %d–%d mm wide",
		             MARGIN_MIN, BK_STENCIL_CLEARANCE_MAX,
		             BK_STENCIL_CORNER_RADIUS_MAX, WINDOW_GAP_FLOOR,
		             EDGE_GAP_FLOOR, BK_STENCIL_TAB_DEPTH_MIN,
		             BK_STENCIL_TAB_DEPTH_MAX, BK_STENCIL_TAB_WIDTH_MIN,
		             BK_STENCIL_TAB_WIDTH_MAX);
		return BK_ERR_USAGE;
	}
	return BK_OK;
}

/* Box k of the ballot's template, with the ballot's paper overrides. */
static rect ballot_box(const layout *L, size_t k)
{
	rect r;
	bki_templates_stencil_box(L->s->t, L->b->has_over ? &L->b->over : NULL, k, &r.x,
	               &r.y, &r.w, &r.h);
	return r;
}

/* The window over box with clearance (bki_stencil_window). */
static rect box_window(rect box, double clearance)
{
	double v[4];
	bki_stencil_window(box.x, box.y, box.w, box.h, clearance, v);
	rect r = {v[0], v[1], v[2], v[3]};
	return r;
}

/* 1. The clearance around each box (the window's margin): the option's,
 * reduced where boxes stand so close that windows would leave less than
 * BRIDGE_MIN of material between them, but never below MARGIN_MIN. Where
 * even MARGIN_MIN leaves less than BRIDGE_MIN, a warning gives the
 * figures; where the windows would touch, the layout is refused. And the
 * corner radius that keeps a rounded window corner off its box. */
static bk_status fit_clearance(layout *L)
{
	bk_stencil *s = L->s;
	double min_gap = INFINITY;
	size_t ga = 0, gb = 0;
	size_t used = L->npos < s->t->per_sheet ? L->npos : s->t->per_sheet;
	for (size_t a = 0; a < used; a++)
		for (size_t c = a + 1; c < used; c++) {
			double g = rect_gap(ballot_box(L, a), ballot_box(L, c));
			if (g < min_gap) {
				min_gap = g;
				ga = a;
				gb = c;
			}
		}
	double clearance = s->opt.clearance;
	if (used > 1 && min_gap - 2 * clearance < BRIDGE_MIN)
		clearance = fmax(MARGIN_MIN, (min_gap - BRIDGE_MIN) / 2);
	/* the material between the windows (which a small box's minimum
	 * size may bring closer than its margin would) */
	double bridge = INFINITY;
	for (size_t a = 0; a < used; a++)
		for (size_t c = a + 1; c < used; c++) {
			double g = rect_gap(box_window(ballot_box(L, a), clearance),
			                    box_window(ballot_box(L, c), clearance));
			if (g < bridge) {
				bridge = g;
				ga = a;
				gb = c;
				min_gap = rect_gap(ballot_box(L, a), ballot_box(L, c));
			}
		}
	rect box = ballot_box(L, ga);
	if (used > 1 && bridge < BRIDGE_MIN - 1e-9)
		bki_diags_add(L->diags, bridge > 0 ? BK_WARNING : BK_ERROR,
		             bridge > 0 ? "stencil-bridge" : "stencil-layout", "",
		             0, 0, "", "boxes %zu and %zu of %s%s (%.1f × "
		             "%.1f mm) stand %.1f mm apart: windows showing each "
		             "whole box with %.1f mm to spare leave %.1f mm of "
		             "material between them; a cutter needs %.1f mm, which "
		             "boxes %.1f mm apart would give", ga + 1, gb + 1,
		             s->t->box_wv ? "the ballot" : "template ",
		             s->t->box_wv ? "" : s->t->id, box.w, box.h, min_gap,
		             clearance,
		             fmax(bridge, 0), BRIDGE_MIN,
		             BRIDGE_MIN + 2 * MARGIN_MIN);
	if (used > 1 && bridge <= 0)
		return BK_ERR_INVALID;
	s->opt.clearance = clearance;
	/* a rounded window corner stays off the box's corner while the radius
	 * is at most clearance × (2 + √2) */
	if (s->opt.corner_radius > clearance * (2 + sqrt(2.0)))
		s->opt.corner_radius = clearance * (2 + sqrt(2.0));
	return BK_OK;
}

static const window *position_window(const layout *L, size_t i)
{
	return &L->s->sheets[L->num[i].sheet].win[L->num[i].win];
}

/* 2. Position i's window and its number in braille. The number takes
 * the second column when the window above it in the same column of
 * windows stands less than a braille line away and its number took the
 * first (docs/stencil.md). */
static bk_status place_window(layout *L, size_t i)
{
	bk_stencil *s = L->s;
	double clearance = s->opt.clearance;
	number *nu = &L->num[i];
	nu->sheet = bk_script_position_sheet(L->script, i);
	sheet *sh = &s->sheets[nu->sheet];
	window wd;
	wd.box = ballot_box(L, bk_script_position_box(L->script, i));
	wd.win = box_window(wd.box, clearance);
	wd.number = bk_script_position_number(L->script, i);
	window *more = bki_reallocarray(sh->win, sh->nwin + 1, sizeof *sh->win);
	if (!more)
		return bki_diags_nomem(L->diags, "", "", "laying out the stencil");
	sh->win = more;
	nu->win = sh->nwin;
	sh->win[sh->nwin++] = wd;
	double near = s->p->line_pitch - 1e-9, cy = wd.win.y + wd.win.h / 2;
	for (size_t j = 0; j < i; j++) {
		const window *wj = position_window(L, j);
		double dy = fabs(wj->win.y + wj->win.h / 2 - cy);
		if (L->num[j].sheet == nu->sheet &&
		    fabs(wj->win.x - wd.win.x) < 0.1 && dy < near) {
			near = dy;
			nu->col = !L->num[j].col;
		}
	}
	char num[16];
	snprintf(num, sizeof num, "%u", wd.number);
	return bk_braille_translate(L->br, bk_script_language(L->script), num,
	                            bk_script_position_source(L->script, i),
	                            &nu->cells, &nu->n, L->diags);
}

/* Where a column of windows' numbers go (the windows on i's sheet at i's
 * window's x): the left edge of the first column and of the second left
 * of the windows, and whether the second is left of them (true) or right
 * of them (false: the template has another column of boxes to the
 * right, with room between, docs/stencil.md) or not used (false). */
static bool number_columns(const layout *L, size_t i, double *first,
                           double *second, bool *right)
{
	const bki_braille_profile *p = L->s->p;
	const window *wi = position_window(L, i);
	double gap = L->s->opt.window_gap;
	double widest = 0;
	bool two = false;
	*first = wi->win.x - gap;
	*right = false;
	for (size_t k = 0; k < L->s->t->per_sheet; k++)
		if (ballot_box(L, k).x > wi->box.x + wi->box.w)
			*right = true;
	for (size_t j = 0; j < L->npos; j++) {
		const window *wj = position_window(L, j);
		if (L->num[j].sheet != L->num[i].sheet ||
		    fabs(wj->win.x - wi->win.x) >= 0.1)
			continue;
		if (L->num[j].col) {
			two = true;
			widest = fmax(widest, cell_w(p, L->num[j].n));
		} else {
			*first = fmin(*first, wi->win.x - gap - cell_w(p, L->num[j].n));
		}
	}
	*second = *first - word_space(p) - widest;
	return two && !*right;
}

/* 3. Each position's braille number level with its window, in its column:
 * the first right-aligned window_gap left of the window; the second a
 * blank cell left of the first, or window_gap right of the window where
 * another column of windows stands to the right. Its print number beside
 * the braille, away from the window; left of both columns where there
 * are two on the left. */
static void place_numbers(layout *L)
{
	const bk_stencil *s = L->s;
	const bki_braille_profile *p = s->p;
	for (size_t i = 0; i < L->npos; i++) {
		number *nu = &L->num[i];
		const window *wd = position_window(L, i);
		sheet *sh = &s->sheets[nu->sheet];
		double first, second;
		bool right, two = number_columns(L, i, &first, &second, &right);
		double w = cell_w(p, nu->n);
		bool on_right = nu->col && right;
		double bx = on_right ? wd->win.x + wd->win.w + s->opt.window_gap
		            : nu->col ? first - word_space(p) - w
		            : wd->win.x - s->opt.window_gap - w;
		double by = wd->win.y + wd->win.h / 2 - cell_h(p) / 2;
		add_block(sh, bx, by, nu->cells, nu->n, BLOCK_NUMBER, nu->win);
		nu->cells = NULL;
		double tx = on_right ? bx + w + 2.0 : (two ? second : bx) - 2.0;
		char text[16];
		snprintf(text, sizeof text, "%u", wd->number);
		add_text(sh, tx, wd->win.y + wd->win.h / 2 - NUMBER_SIZE / 2,
		         NUMBER_SIZE, !on_right, true, false, text);
		/* room for up to 3 digits of print at 0.62 em each; a number
		 * right of its window leaves the left alone */
		L->wleft[i] = on_right ? wd->win.x : tx - 3 * 0.62 * NUMBER_SIZE;
		L->numbers_left = fmin(L->numbers_left, L->wleft[i]);
	}
}

/* 4. Counting dots: one raised dot level with each window, left of the
 * numbers, in one column per column of windows. */
static void place_counting_dots(layout *L)
{
	bk_stencil *s = L->s;
	const bk_script *script = L->script;
	for (size_t i = 0; i < L->npos; i++) {
		sheet *sh = &s->sheets[bk_script_position_sheet(script, i)];
		const window *wd = &sh->win[bk_script_position_box(script, i)];
		double col = L->wleft[i];
		for (size_t j = 0; j < L->npos; j++) {
			const sheet *sj = &s->sheets[bk_script_position_sheet(script, j)];
			const window *wj = &sj->win[bk_script_position_box(script, j)];
			if (fabs(wj->win.x - wd->win.x) < 0.1 && L->wleft[j] < col)
				col = L->wleft[j];
		}
		double x = col - 3.0 - s->p->dot_diameter;
		unsigned char *dot = bki_malloc(1);
		if (dot)
			dot[0] = 0x01;
		add_block(sh, x, wd->win.y + wd->win.h / 2 - s->p->dot_diameter / 2,
		          dot, 1, BLOCK_DOT, 0);
		L->numbers_left = fmin(L->numbers_left, x);
	}
}

/* The cells of a line of width room mm: 0 when not even one fits. */
static size_t cells_in(const bki_braille_profile *p, double room)
{
	if (room < cell_w(p, 1))
		return 0;
	return (size_t)floor((room - p->dot_pitch - p->dot_diameter) /
	                     p->cell_pitch) + 1;
}

/* Where a braille title goes: top left, in the room left of the numbers;
 * or, where its words do not fit there (the boxes stand near the left
 * edge, as on ballots that put the marks before the names), top right,
 * in the room right of the windows. */
typedef struct title_room {
	double x, y, mm;
	size_t cells;
} title_room;

static void title_rooms(const layout *L, title_room room[2])
{
	const bk_stencil *s = L->s;
	double edge = s->opt.edge_gap;
	room[0].x = edge + (!strcmp(s->t->corner, "top-left") ? s->t->corner_size : 0);
	room[0].mm = L->numbers_left - s->opt.window_gap - room[0].x;
	double right = 0;
	for (size_t sh = 0; sh < s->nsheets; sh++)
		for (size_t w = 0; w < s->sheets[sh].nwin; w++) {
			const rect *r = &s->sheets[sh].win[w].win;
			right = fmax(right, r->x + r->w);
		}
	room[1].x = right + s->opt.window_gap;
	room[1].mm = s->w - edge - room[1].x -
	             (!strcmp(s->t->corner, "top-right") ? s->t->corner_size : 0);
	for (int k = 0; k < 2; k++) {
		room[k].y = edge;
		room[k].cells = cells_in(s->p, room[k].mm);
	}
}

/* 5. The braille title (in the stencil title language) of each sheet,
 * wrapped into the first room of title_rooms its words fit; "n/N" after
 * it when the stencil has several sheets. */
static bk_status place_titles(layout *L)
{
	bk_stencil *s = L->s;
	const bki_braille_profile *p = s->p;
	title_room room[2];
	title_rooms(L, room);
	bk_status st = BK_OK;
	for (size_t sh = 0; st == BK_OK && sh < s->nsheets; sh++) {
		bki_buf title = {0};
		bki_buf_add(&title, bk_script_braille_title(L->script));
		if (s->nsheets > 1)
			bki_buf_printf(&title, " %zu/%zu", sh + 1, s->nsheets);
		unsigned char *cells = NULL;
		size_t n = 0, lines = 0;
		st = bki_buf_failed(&title) ? BK_ERR_NOMEM
		     : bk_braille_translate(L->br,
		                            bki_lang_codes[L->e->stencil_title_lang],
		                            bki_buf_str(&title),
		                            "the stencil's braille title", &cells,
		                            &n, L->diags);
		/* the first room its words fit, tried without placing */
		int k = 0;
		while (st == BK_OK && k < 2 &&
		       wrap_title(NULL, cells, n, room[k].cells, 0, 0, p, &lines) != BK_OK)
			k++;
		bk_status wt = st != BK_OK || k == 2 ? BK_ERR_INVALID
		               : wrap_title(&s->sheets[sh], cells, n, room[k].cells,
		                            room[k].x, room[k].y, p, &lines);
		if (wt == BK_ERR_NOMEM || (st == BK_ERR_NOMEM &&
		                           bki_buf_failed(&title))) {
			st = bki_diags_nomem(L->diags, "", "",
			                    "laying out the stencil");
		} else if (st == BK_OK && wt != BK_OK) {
			bki_diags_add(L->diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
			             "the braille title \"%s\" does not fit the %.0f mm "
			             "left of the numbers, nor the %.0f mm right of the "
			             "windows, on %s", bki_buf_str(&title),
			             fmax(room[0].mm, 0), fmax(room[1].mm, 0),
			             geometry_name(s));
			st = BK_ERR_INVALID;
		}
		bk_free(cells);
		bki_buf_free(&title);
	}
	return st;
}

static void add_label(sheet *x, const char *text, bool bold)
{
	x->labels[x->nlabels] = bki_strdup(text);
	if (!x->labels[x->nlabels]) {
		x->nomem = true;
		return;
	}
	x->label_bold[x->nlabels++] = bold;
}

/* 6. Labels for poll workers on each sheet, bottom left, in the script's
 * language: ballot, district, side and which way up; sheet n of N; and a
 * warning when the template's geometry is assumed, not measured. */
static void place_labels(layout *L)
{
	const bk_stencil *s = L->s;
	int lang = bki_lang_index(bk_script_language(L->script));
	const char *side_w = bki_wording_get(s->tpl, lang, "print", "stencil_side");
	const char *up = bki_wording_get(s->tpl, lang, "print", "stencil_up");
	const char *sheet_w = bki_wording_get(s->tpl, lang, "print", "stencil_sheet");
	char side[24], a[24], n[24];
	snprintf(side, sizeof side, "%d", s->t->face);
	snprintf(n, sizeof n, "%zu", s->nsheets);
	for (size_t sh = 0; sh < s->nsheets; sh++) {
		snprintf(a, sizeof a, "%zu", sh + 1);
		const bki_wording_var vars[] = {
			{"side", side}, {"sheet", a}, {"sheets", n}};
		const bki_wording_fill fill = {.vars = vars, .nvars = 3,
		                              .keep_unknown = true};
		bki_buf l1 = {0}, l2 = {0};
		bki_buf_printf(&l1, "%s · %s · ", bk_script_ballot_id(L->script),
		              bk_script_district(L->script));
		bki_wording_expand(&l1, side_w, &fill);
		bki_buf_printf(&l1, " · %s ↑", up);
		bki_wording_expand(&l2, sheet_w, &fill);
		if (bki_buf_failed(&l1) || bki_buf_failed(&l2))
			s->sheets[sh].nomem = true;
		add_label(&s->sheets[sh], bki_buf_str(&l1), false);
		add_label(&s->sheets[sh], bki_buf_str(&l2), false);
		if (strcmp(s->t->source, "measured"))
			add_label(&s->sheets[sh],
			          bki_wording_get(s->tpl, lang, "print", "stencil_assumed"),
			          true);
		bki_buf_free(&l1);
		bki_buf_free(&l2);
	}
}

/* 7. Calibration: a 100 mm bar down the left edge, labelled, and one full
 * cell.
 * false when memory runs out. */
static bool place_calibration(const layout *L)
{
	bk_stencil *s = L->s;
	s->bar_x = 2.0;
	s->bar_y = (s->h - 100.0) / 2;
	s->ref.x = s->opt.edge_gap +
	           (!strcmp(s->t->corner, "bottom-left") ? s->t->corner_size : 0);
	s->ref.y = s->bar_y + 100.0 - cell_h(s->p);
	s->ref.cells = bki_malloc(1);
	if (!s->ref.cells)
		return false;
	s->ref.cells[0] = 0x3F;
	s->calibration = bki_wording_get(
		s->tpl, bki_lang_index(bk_script_language(L->script)), "print",
		"stencil_calibration");
	s->ref.n = 1;
	s->ref.kind = BLOCK_REF;
	return true;
}

/* Two braille blocks keep the profile's spacing: on lines a line pitch
 * apart, or a blank cell apart side by side (docs/stencil.md). Counting
 * dots stand at the windows' pitch, in a column: they keep the gap
 * between two cells of a line. */
static bool blocks_apart(const bki_braille_profile *p, const bblock *a,
                         rect ra, const bblock *b, rect rb)
{
	double cell_gap = p->cell_pitch - cell_w(p, 1) - 1e-9;
	if (a->kind == BLOCK_DOT || b->kind == BLOCK_DOT)
		return rect_gap(ra, rb) >= cell_gap;
	if (fabs(ra.y - rb.y) >= p->line_pitch - 1e-9)
		return true;
	double side = fmax(rb.x - (ra.x + ra.w), ra.x - (rb.x + rb.w));
	return side >= word_space(p) - 1e-9;
}

/* A braille number (b, at r) is nearer its own window than any other:
 * centre to centre. */
static bk_status check_nearest(const bk_stencil *s, const sheet *x,
                               const bblock *b, rect r, bk_diags *diags)
{
	double cx = r.x + r.w / 2, cy = r.y + r.h / 2;
	const rect *own = &x->win[b->win].win;
	double d = hypot(own->x + own->w / 2 - cx, own->y + own->h / 2 - cy);
	for (size_t w = 0; w < x->nwin; w++) {
		const rect *o = &x->win[w].win;
		if (w == b->win ||
		    hypot(o->x + o->w / 2 - cx, o->y + o->h / 2 - cy) > d)
			continue;
		bki_diags_add(diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
		             "the braille number %u at %.1f, %.1f mm stands as "
		             "near the window of number %u as its own on "
		             "%s", x->win[b->win].number, r.x, r.y,
		             x->win[w].number, geometry_name(s));
		return BK_ERR_INVALID;
	}
	return BK_OK;
}

/* Block k of a sheet (the reference cell for k == nbr) against the
 * clearance rules: off the edge, off every window, off the other blocks. */
static bk_status check_block(const bk_stencil *s, const sheet *x, size_t k,
                             bk_diags *diags)
{
	const bki_braille_profile *p = s->p;
	rect r = block_rect(s, k < x->nbr ? &x->br[k] : &s->ref);
	double eg = edge_gap(s, r);
	if (eg < s->opt.edge_gap - 1e-9) {
		bki_diags_add(diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
		             "braille at %.1f, %.1f mm is %.1f mm from the sheet's "
		             "edge on %s; at least %.1f mm is needed", r.x,
		             r.y, eg, geometry_name(s), s->opt.edge_gap);
		return BK_ERR_INVALID;
	}
	for (size_t w = 0; w < x->nwin; w++) {
		double g = rect_gap(r, x->win[w].win);
		if (g < s->opt.window_gap - 1e-9) {
			bki_diags_add(diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
			             "braille at %.1f, %.1f mm is %.1f mm from the window "
			             "of number %u on %s; at least %.1f mm is "
			             "needed", r.x, r.y, g, x->win[w].number, geometry_name(s),
			             s->opt.window_gap);
			return BK_ERR_INVALID;
		}
	}
	for (size_t o = k + 1; k < x->nbr && o < x->nbr; o++)
		if (!blocks_apart(p, &x->br[k], r, &x->br[o],
		                  block_rect(s, &x->br[o]))) {
			bki_diags_add(diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
			             "two braille blocks at %.1f, %.1f and %.1f, %.1f mm "
			             "stand closer than the braille profile's spacing "
			             "on %s", r.x, r.y, x->br[o].x,
			             x->br[o].y, geometry_name(s));
			return BK_ERR_INVALID;
		}
	return k < x->nbr && x->br[k].kind == BLOCK_NUMBER
	       ? check_nearest(s, x, &x->br[k], r, diags) : BK_OK;
}

/* 8. The clearance rules, checked on the result: the first broken one is
 * reported. */
static bk_status check_clearances(const bk_stencil *s, bk_diags *diags)
{
	for (size_t sh = 0; sh < s->nsheets; sh++) {
		const sheet *x = &s->sheets[sh];
		for (size_t w = 0; w < x->nwin; w++) {
			double g = edge_gap(s, x->win[w].win);
			if (g >= BRIDGE_MIN - 1e-9)
				continue;
			bki_diags_add(diags, BK_ERROR, "stencil-layout", "", 0, 0, "",
			             "the window of number %u comes within %.1f mm of "
			             "the sheet's edge on %s; at least %.1f mm "
			             "of material must stay (check the ballot's "
			             "paper.overrides)", x->win[w].number, g, geometry_name(s),
			             BRIDGE_MIN);
			return BK_ERR_INVALID;
		}
		for (size_t k = 0; k <= x->nbr; k++) {
			bk_status st = check_block(s, x, k, diags);
			if (st != BK_OK)
				return st;
		}
	}
	return BK_OK;
}

/* A stencil of the ballot's template and sheets, nothing placed yet;
 * NULL when memory runs out. */
static bk_stencil *new_stencil(const layout *L, const bk_templates *tpl,
                               const bk_stencil_options *opt)
{
	bk_stencil *s = bki_calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->tpl = tpl;
	s->t = L->b->tpl;
	s->page = L->b->found;
	snprintf(s->geometry, sizeof s->geometry, "template %s", s->t->id);
	s->p = bki_templates_profile_find(tpl, L->e->braille_profile);
	s->opt = *opt;
	s->w = s->t->paper_w;
	s->h = s->t->paper_h;
	s->title = bki_strdup(bk_script_title(L->script));
	s->date = bki_strdup(L->e->date ? L->e->date : "");
	size_t nsheets = (L->npos + s->t->per_sheet - 1) / s->t->per_sheet;
	s->sheets = bki_calloc(nsheets, sizeof *s->sheets);
	if (!s->title || !s->date || !s->sheets) {
		bk_stencil_free(s);
		return NULL;
	}
	s->nsheets = nsheets;
	return s;
}

bk_status bk_stencil_create(bk_stencil **out, const bk_election *e,
                            const bk_script *script, bk_braille *br,
                            const bk_templates *tpl,
                            const bk_stencil_options *opt, bk_diags *diags)
{
	static const bk_stencil_options def = BK_STENCIL_OPTIONS_INIT;
	if (!out || !e || !script || !br || !tpl)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_status st = check_options(opt ? opt : &def, diags);
	if (st != BK_OK)
		return st;
	size_t bi = bk_election_ballot_find(e, bk_script_ballot_id(script));
	if (bi == (size_t)-1) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "the election has no ballot \"%s\"",
		             bk_script_ballot_id(script));
		return BK_ERR_NOTFOUND;
	}
	layout L = {.e = e, .b = &e->ballots[bi], .script = script, .br = br,
	            .diags = diags, .npos = bk_script_position_count(script)};
	L.s = new_stencil(&L, tpl, opt ? opt : &def);
	L.wleft = bki_calloc(L.npos + 1, sizeof *L.wleft);
	L.num = bki_calloc(L.npos + 1, sizeof *L.num);
	if (!L.s || !L.wleft || !L.num) {
		st = bki_diags_nomem(diags, "", "", "laying out the stencil");
		goto out;
	}
	L.numbers_left = L.s->w;

	if ((st = fit_clearance(&L)) != BK_OK)
		goto out;
	for (size_t i = 0; i < L.npos; i++)
		if ((st = place_window(&L, i)) != BK_OK)
			goto out;
	place_numbers(&L);
	if (L.s->opt.counting_dots)
		place_counting_dots(&L);
	if ((st = place_titles(&L)) != BK_OK)
		goto out;
	place_labels(&L);
	L.s->labels_w = L.numbers_left - 2.0 - 4.0;
	bool placed = place_calibration(&L);
	for (size_t k = 0; k < L.s->nsheets; k++)
		placed = placed && !L.s->sheets[k].nomem;
	if (!placed) {
		st = bki_diags_nomem(diags, "", "", "laying out the stencil");
		goto out;
	}
	st = check_clearances(L.s, diags);
out:
	for (size_t i = 0; L.num && i < L.npos; i++)
		free(L.num[i].cells);
	free(L.num);
	free(L.wleft);
	if (st != BK_OK)
		bk_stencil_free(L.s);
	else
		*out = L.s;
	return st;
}

void bk_stencil_free(bk_stencil *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsheets; i++) {
		sheet *x = &s->sheets[i];
		for (size_t k = 0; k < x->nbr; k++)
			free(x->br[k].cells);
		for (size_t k = 0; k < x->ntxt; k++)
			free(x->txt[k].text);
		for (size_t k = 0; k < x->nlabels; k++)
			free(x->labels[k]);
		free(x->br);
		free(x->txt);
		free(x->win);
	}
	free(s->sheets);
	free(s->ref.cells);
	free(s->title);
	free(s->date);
	free(s);
}

size_t bk_stencil_sheet_count(const bk_stencil *s) { return s->nsheets; }
double bk_stencil_width(const bk_stencil *s) { return s->w; }
double bk_stencil_clearance(const bk_stencil *s) { return s->opt.clearance; }
double bk_stencil_height(const bk_stencil *s) { return s->h; }

size_t bk_stencil_window_count(const bk_stencil *s, size_t sh)
{
	return sh < s->nsheets ? s->sheets[sh].nwin : 0;
}

unsigned bk_stencil_window(const bk_stencil *s, size_t sh, size_t i,
                           double *x, double *y, double *w, double *h)
{
	if (sh >= s->nsheets || i >= s->sheets[sh].nwin)
		return 0;
	const window *wd = &s->sheets[sh].win[i];
	if (x) *x = wd->win.x;
	if (y) *y = wd->win.y;
	if (w) *w = wd->win.w;
	if (h) *h = wd->win.h;
	return wd->number;
}

/* ---- drawing ---- */

enum mode { SWELL, PNG, SVG, PROOF, PRINT };

/* Print-shop PDF geometry: bleed around the trim, and the slug beyond the
 * bleed that carries the crop marks (docs/stencil.md). */
static const double BLEED = 3.0, SLUG = 10.0;
/* Reserved colours Cairo draws with, turned into separations afterwards
 * (src/render/pdfpost.c): the die line and the braille varnish. */
static const double CUT_RGB[3] = {1, 0, 1}, BRAILLE_RGB[3] = {0, 1, 1};

/* The die line: the sheet with its corner cut, as one closed path. */
static void outline_path(cairo_t *cr, const bk_stencil *s)
{
	double c = s->t->corner_size, w = s->w, h = s->h;
	const char *k = s->t->corner;
	bool tl = !strcmp(k, "top-left"), tr = !strcmp(k, "top-right");
	bool bl = !strcmp(k, "bottom-left"), brc = !strcmp(k, "bottom-right");
	/* the tab stands on the top edge, at the side away from a top
	 * corner cut */
	double td = s->opt.tab_depth, tw = s->opt.tab_width;
	double tx = tl ? w - 10.0 - tw : 10.0;
	cairo_new_sub_path(cr);
	cairo_move_to(cr, tl ? c : 0, 0);
	if (td > 0) {
		cairo_line_to(cr, tx, 0);
		cairo_line_to(cr, tx, -td);
		cairo_line_to(cr, tx + tw, -td);
		cairo_line_to(cr, tx + tw, 0);
	}
	if (tr) {
		cairo_line_to(cr, w - c, 0);
		cairo_line_to(cr, w, c);
	} else {
		cairo_line_to(cr, w, 0);
	}
	if (brc) {
		cairo_line_to(cr, w, h - c);
		cairo_line_to(cr, w - c, h);
	} else {
		cairo_line_to(cr, w, h);
	}
	if (bl) {
		cairo_line_to(cr, c, h);
		cairo_line_to(cr, 0, h - c);
	} else {
		cairo_line_to(cr, 0, h);
	}
	if (tl)
		cairo_line_to(cr, 0, c);
	cairo_close_path(cr);
}

static void window_path(cairo_t *cr, rect r, double radius)
{
	double x = r.x, y = r.y, w = r.w, h = r.h, q = radius;
	cairo_new_sub_path(cr);
	if (q <= 0) {
		cairo_rectangle(cr, x, y, w, h);
		return;
	}
	cairo_arc(cr, x + w - q, y + q, q, -M_PI / 2, 0);
	cairo_arc(cr, x + w - q, y + h - q, q, 0, M_PI / 2);
	cairo_arc(cr, x + q, y + h - q, q, M_PI / 2, M_PI);
	cairo_arc(cr, x + q, y + q, q, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static void dots_path(cairo_t *cr, const bk_stencil *s, const bblock *b)
{
	const bki_braille_profile *p = s->p;
	double r = p->dot_diameter / 2;
	for (size_t k = 0; k < b->n; k++)
		for (int d = 0; d < 6; d++) {
			if (!(b->cells[k] & (1 << d)))
				continue;
			double x = b->x + r + (double)k * p->cell_pitch + (d < 3 ? 0 : p->dot_pitch);
			double y = b->y + r + (double)(d % 3) * p->dot_pitch;
			cairo_new_sub_path(cr);
			cairo_arc(cr, x, y, r, 0, 2 * M_PI);
			cairo_close_path(cr);
		}
}

static void draw_text(cairo_t *cr, PangoContext *pc, const ptext *t)
{
	PangoLayout *lay = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
	pango_font_description_set_absolute_size(fd, t->size * PANGO_SCALE);
	if (t->bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_text(lay, t->text, -1);
	int w, h;
	pango_layout_get_size(lay, &w, &h);
	double x = t->right ? t->x - (double)w / PANGO_SCALE : t->x;
	/* vertically: the layout's box is about 1.16 em; centre the em */
	cairo_move_to(cr, x, t->y - 0.08 * t->size);
	pango_cairo_show_layout(cr, lay);
	pango_font_description_free(fd);
	g_object_unref(lay);
}

/* The sheet's outline, then each window's marking box (the proof of a
 * template's boxes) or each window (over the ballot's own page), stroked
 * in the current colour. */
static void stroke_frames(cairo_t *cr, const bk_stencil *s, const sheet *sh,
                          bool windows)
{
	cairo_set_line_width(cr, 0.3);
	cairo_new_path(cr);
	outline_path(cr, s);
	cairo_stroke(cr);
	if (!windows)
		cairo_set_line_width(cr, 0.4);
	for (size_t i = 0; i < sh->nwin; i++) {
		const rect *b = &sh->win[i].box;
		cairo_new_path(cr);
		if (windows)
			window_path(cr, sh->win[i].win, s->opt.corner_radius);
		else
			cairo_rectangle(cr, b->x, b->y, b->w, b->h);
		cairo_stroke(cr);
	}
}

/* The proof: the paper ballot's face, outline and boxes in black. */
static void draw_proof(cairo_t *cr, const bk_stencil *s, const sheet *sh)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
	stroke_frames(cr, s, sh, false);
}

/* The proof over the ballot's own page (paper.source): the page as the
 * PDF draws it, and over it the stencil as it will lie there: its edge,
 * corner cut and windows in red, its braille and numbers in blue, so that
 * every box can be seen inside its window and its number beside it.
 * false when the page could not be drawn (memory ran out). */
static bool draw_proof_over_page(cairo_t *cr, PangoContext *pc,
                                 const bk_stencil *s, const sheet *sh)
{
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	bool drawn = bki_boxes_draw_page(s->page, cr);
	cairo_set_source_rgb(cr, 0.85, 0, 0);
	stroke_frames(cr, s, sh, true);
	cairo_set_source_rgb(cr, BLUE[0], BLUE[1], BLUE[2]);
	cairo_new_path(cr);
	for (size_t i = 0; i < sh->nbr; i++)
		dots_path(cr, s, &sh->br[i]);
	cairo_fill(cr);
	for (size_t i = 0; i < sh->ntxt; i++)
		draw_text(cr, pc, &sh->txt[i]);
	return drawn;
}

/* Crop marks in the slug, at the trim's corners (print). */
static void draw_crop_marks(cairo_t *cr, const bk_stencil *s)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.1);
	double xs[2] = {0, s->w}, ys[2] = {-s->opt.tab_depth, s->h};
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double out_x = i ? 1 : -1, out_y = j ? 1 : -1;
			cairo_new_path(cr);
			cairo_move_to(cr, xs[i] + out_x * (BLEED + 1), ys[j]);
			cairo_line_to(cr, xs[i] + out_x * (BLEED + SLUG - 1), ys[j]);
			cairo_move_to(cr, xs[i], ys[j] + out_y * (BLEED + 1));
			cairo_line_to(cr, xs[i], ys[j] + out_y * (BLEED + SLUG - 1));
			cairo_stroke(cr);
		}
}

/* The cut: outline, corner cut, windows (red for the laser, blue guides on
 * swell paper and in the preview, the CutContour separation in print). */
static void draw_cut(cairo_t *cr, const bk_stencil *s, const sheet *sh,
                     enum mode m)
{
	if (m == SVG)
		cairo_set_source_rgb(cr, 1, 0, 0);
	else if (m == PRINT)
		cairo_set_source_rgb(cr, CUT_RGB[0], CUT_RGB[1], CUT_RGB[2]);
	else
		cairo_set_source_rgb(cr, BLUE[0], BLUE[1], BLUE[2]);
	cairo_set_line_width(cr, m == SVG ? 0.01 : m == PRINT ? 0.25 : 0.3);
	cairo_new_path(cr);
	outline_path(cr, s);
	cairo_stroke(cr);
	for (size_t i = 0; i < sh->nwin; i++) {
		cairo_new_path(cr);
		window_path(cr, sh->win[i].win, s->opt.corner_radius);
		cairo_stroke(cr);
	}
}

/* The score lines of the laser SVG: where each braille label goes (a
 * laser cannot raise dots; docs/stencil.md). */
static void draw_score(cairo_t *cr, const bk_stencil *s, const sheet *sh)
{
	cairo_set_source_rgb(cr, 0, 0, 1);
	for (size_t i = 0; i < sh->nbr; i++) {
		rect r = block_rect(s, &sh->br[i]);
		cairo_new_path(cr);
		cairo_rectangle(cr, r.x - 0.5, r.y - 0.5, r.w + 1, r.h + 1);
		cairo_stroke(cr);
	}
}

/* Alignment crosses at the box centres and the calibration bar (in the
 * cut's colour, black in print). */
static void draw_guides(cairo_t *cr, const bk_stencil *s, const sheet *sh,
                        enum mode m)
{
	if (m == PRINT)
		cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.2);
	for (size_t i = 0; i < sh->nwin; i++) {
		double cx = sh->win[i].box.x + sh->win[i].box.w / 2;
		double cy = sh->win[i].box.y + sh->win[i].box.h / 2;
		cairo_new_path(cr);
		cairo_move_to(cr, cx - 1.5, cy);
		cairo_line_to(cr, cx + 1.5, cy);
		cairo_move_to(cr, cx, cy - 1.5);
		cairo_line_to(cr, cx, cy + 1.5);
		cairo_stroke(cr);
	}
	cairo_new_path(cr);
	cairo_move_to(cr, s->bar_x, s->bar_y);
	cairo_line_to(cr, s->bar_x, s->bar_y + 100);
	for (int k = 0; k <= 10; k++) {
		cairo_move_to(cr, s->bar_x, s->bar_y + 10 * k);
		cairo_line_to(cr, s->bar_x + (k % 5 ? 1.0 : 2.0), s->bar_y + 10 * k);
	}
	cairo_stroke(cr);
}

/* The braille dots: black on swell paper (they swell), their own
 * separation in print (raised varnish). */
static void draw_dots(cairo_t *cr, const bk_stencil *s, const sheet *sh,
                      enum mode m)
{
	if (m == PRINT)
		cairo_set_source_rgb(cr, BRAILLE_RGB[0], BRAILLE_RGB[1],
		                     BRAILLE_RGB[2]);
	else
		cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_new_path(cr);
	for (size_t i = 0; i < sh->nbr; i++)
		dots_path(cr, s, &sh->br[i]);
	dots_path(cr, s, &s->ref);
	cairo_fill(cr);
}

/* The labels, in the current colour: wrapped to the room left of the
 * numbers, stacked up from the bottom, clear of a bottom-left corner
 * cut. */
static void draw_labels(cairo_t *cr, PangoContext *pc, const bk_stencil *s,
                        const sheet *sh)
{
	double y = s->h - 3.0;
	for (size_t i = 0; i < sh->nlabels; i++) {
		PangoLayout *lay = pango_layout_new(pc);
		PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
		pango_font_description_set_absolute_size(fd, LABEL_SIZE * PANGO_SCALE);
		if (sh->label_bold[i])
			pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
		pango_layout_set_font_description(lay, fd);
		pango_layout_set_width(lay, (int)(s->labels_w * PANGO_SCALE));
		pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_text(lay, sh->labels[i], -1);
		int w, h;
		pango_layout_get_size(lay, &w, &h);
		y -= (double)h / PANGO_SCALE;
		cairo_move_to(cr, 4.0 + (!strcmp(s->t->corner, "bottom-left")
		                                 ? s->t->corner_size : 0), y);
		pango_cairo_show_layout(cr, lay);
		pango_font_description_free(fd);
		g_object_unref(lay);
	}
}

/* The calibration bar's label, right of the bar's middle, in the labels'
 * size and the current colour. */
static void draw_calibration_label(cairo_t *cr, PangoContext *pc,
                                   const bk_stencil *s)
{
	ptext t = {s->bar_x + 3.0, s->bar_y + 50.0 - LABEL_SIZE / 2, LABEL_SIZE,
	           false, false, true, (char *)s->calibration};
	draw_text(cr, pc, &t);
}

/* One sheet in mode m; false when the proof's ballot page could not be
 * drawn. */
static bool draw_sheet(cairo_t *cr, PangoContext *pc, const bk_stencil *s,
                       const sheet *sh, enum mode m)
{
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	if (m == PNG) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	if (m == PROOF) {
		bool drawn = true;
		if (s->page)
			drawn = draw_proof_over_page(cr, pc, s, sh);
		else
			draw_proof(cr, s, sh);
		draw_labels(cr, pc, s, sh);
		return drawn;
	}
	if (m == PRINT)
		draw_crop_marks(cr, s);
	draw_cut(cr, s, sh, m);
	if (m == SVG) {
		draw_score(cr, s, sh);
	} else {
		draw_guides(cr, s, sh, m);
		draw_dots(cr, s, sh, m);
	}
	/* print: numbers black (engraved on the laser, raised on swell) */
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < sh->ntxt; i++)
		draw_text(cr, pc, &sh->txt[i]);
	/* labels: blue on swell paper (flat), engraved on the laser */
	if (m != SVG && m != PRINT)
		cairo_set_source_rgb(cr, BLUE[0], BLUE[1], BLUE[2]);
	draw_labels(cr, pc, s, sh);
	if (m != SVG)
		draw_calibration_label(cr, pc, s);
	return true;
}

/* Draws the stencil through a write callback: every sheet as a page of a
 * PDF, or one sheet (first) as SVG or PNG (docs/stencil.md). */

/* Cairo names an SVG's surface elements "surfaceN" after a counter of
 * every surface the process made before, so the same stencil would differ
 * by what was drawn earlier: they are renumbered by first appearance. */
static bk_status write_svg_ids(const bki_buf *svg, bki_sink *out)
{
	const char *p = bki_buf_str(svg), *end = p + svg->len;
	unsigned long seen[64];
	size_t nseen = 0;
	bki_buf b = {0};
	while (p < end) {
		const char *q = strstr(p, "surface");
		if (!q || q >= end) {
			bki_buf_addn(&b, p, (size_t)(end - p));
			break;
		}
		q += 7;
		bki_buf_addn(&b, p, (size_t)(q - p));
		if (*q >= '0' && *q <= '9') {
			char *after;
			unsigned long n = strtoul(q, &after, 10);
			size_t k = 0;
			while (k < nseen && seen[k] != n)
				k++;
			if (k == nseen && nseen < 64)
				seen[nseen++] = n;
			bki_buf_printf(&b, "%zu", k + 1);
			q = after;
		}
		p = q;
	}
	bk_status st = bki_buf_failed(&b) ? BK_ERR_NOMEM
	               : bki_sink_write(out, bki_buf_str(&b), b.len) ? BK_OK : BK_ERR_IO;
	bki_buf_free(&b);
	return st;
}

/* The surface a stencil is drawn on, and how. */
typedef struct target {
	cairo_surface_t *surf;
	double scale;   /* to the surface's unit from mm */
	size_t sheets;  /* sheets drawn */
	double tab;     /* the sheet above y = 0 */
	bki_buf buf;     /* SVG, or the print PDF before post-processing */
} target;

/* PNG at dpi, SVG in mm (one sheet each), or a PDF page per sheet (the
 * print PDF with bleed and slug around it, into t->buf). */
static void open_target(target *t, const bk_stencil *s, enum mode m,
                        double dpi, bki_sink *out)
{
	t->sheets = s->nsheets;
	t->tab = m == PROOF ? 0 : s->opt.tab_depth;
	if (m == PNG) {
		t->surf = cairo_image_surface_create(
			CAIRO_FORMAT_RGB24, (int)ceil(s->w / 25.4 * dpi),
			(int)ceil((s->h + t->tab) / 25.4 * dpi));
		t->scale = dpi / 25.4;
		t->sheets = 1;
	} else if (m == SVG) {
		t->surf = cairo_svg_surface_create_for_stream(
			bki_render_write_buf, &t->buf, s->w, s->h + t->tab);
		cairo_svg_surface_set_document_unit(t->surf, CAIRO_SVG_UNIT_MM);
		t->scale = 1.0;
		t->sheets = 1;
	} else {
		double margin = m == PRINT ? BLEED + SLUG : 0;
		bool post = m == PRINT || m == SWELL; /* made PDF/X-4 after */
		t->surf = bki_render_pdf_surface(
			post ? bki_render_write_buf : bki_render_write_sink,
			post ? (void *)&t->buf : (void *)out,
			s->w + 2 * margin, s->h + t->tab + 2 * margin, s->title,
			s->date);
		t->scale = MM_TO_PT;
	}
}

/* Text set as the outlines lie: no hinting, no rounding of advances or
 * glyph positions to whole units (a unit here is a millimetre), so the
 * letters of the small labels keep their spacing in every renderer and a
 * PDF's text reads back as whole words. */
static void set_unhinted(cairo_t *cr, PangoContext *pc)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(pc, FALSE);
	pango_cairo_update_context(cr, pc);
}

/* The sheets from first on, each on its own page where pages are; false
 * when one could not be drawn whole (draw_sheet). */
static bool draw_sheets(const target *t, const bk_stencil *s, enum mode m,
                        PangoFontMap *fm, size_t first)
{
	bool whole = true;
	cairo_t *cr = cairo_create(t->surf);
	for (size_t k = first; k < first + t->sheets; k++) {
		cairo_save(cr);
		cairo_scale(cr, t->scale, t->scale);
		if (m == PRINT)
			cairo_translate(cr, BLEED + SLUG, BLEED + SLUG);
		cairo_translate(cr, 0, t->tab);
		cairo_set_tolerance(cr, 0.01);
		PangoContext *pc = fm ? pango_font_map_create_context(fm) : NULL;
		if (pc)
			set_unhinted(cr, pc);
		whole = draw_sheet(cr, pc, s, &s->sheets[k], m) && whole;
		if (pc)
			g_object_unref(pc);
		cairo_restore(cr);
		if (m == SWELL || m == PROOF || m == PRINT)
			cairo_show_page(cr);
	}
	cairo_destroy(cr);
	return whole;
}

/* Finishes the surface and writes its bytes to out: the PNG, the SVG with
 * stable ids, or the print PDF post-processed (src/render/pdfpost.c).
 * Frees the target. */
static bk_status write_target(target *t, const bk_stencil *s, enum mode m,
                              bki_sink *out, bk_diags *diags)
{
	bk_status st = BK_OK;
	if (m == PNG)
		st = cairo_surface_write_to_png_stream(t->surf, bki_render_write_sink,
		                                       out) == CAIRO_STATUS_SUCCESS
		             ? BK_OK : BK_ERR_IO;
	cairo_surface_finish(t->surf);
	if (cairo_surface_status(t->surf) != CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(t->surf) == CAIRO_STATUS_NO_MEMORY
		     ? BK_ERR_NOMEM : BK_ERR_IO;
	cairo_surface_destroy(t->surf);
	if (bki_buf_failed(&t->buf))
		st = BK_ERR_NOMEM;
	if (st == BK_OK && m == SVG)
		st = write_svg_ids(&t->buf, out);
	if (st == BK_OK && m == PRINT) {
		bki_pdf_print_setup ps = {
			.trim = {BLEED + SLUG, BLEED + SLUG, s->w, s->h + t->tab},
			.bleed = BLEED,
			.cut = {CUT_RGB, "CutContour", {0, 1, 0, 0}},
			.spot = {BRAILLE_RGB, "Braille", {0, 0, 0, 0.3}},
			.date = s->date,
		};
		st = bki_pdf_for_print(t->buf.data, t->buf.len, &ps, out, diags);
	} else if (st == BK_OK && m == SWELL) {
		/* only the Black plate swells: the dots and numbers; the guides
		 * and labels are process cyan, which has no carbon */
		bki_pdf_print_setup ps = {
			.trim = {0, 0, s->w, s->h + t->tab},
			.black = {BLACK, "Black", {0, 0, 0, 1}},
			.cut = {BLUE, "Cyan", {1, 0, 0, 0}},
			.date = s->date,
		};
		st = bki_pdf_for_print(t->buf.data, t->buf.len, &ps, out, diags);
	}
	bki_buf_free(&t->buf);
	return st;
}

/* What one output of a stencil is: the mode, and the sheet and dpi of an
 * SVG or PNG. */
typedef struct stencil_job {
	const bk_stencil *s;
	enum mode m;
	double dpi;
	size_t first;
} stencil_job;

static bk_status render(void *ctx, bk_write_fn write, void *arg,
                        const char *name, bk_diags *diags)
{
	const stencil_job *j = ctx;
	const bk_stencil *s = j->s;
	PangoFontMap *fm = NULL;
	if (!(fm = bki_render_font_map(s->tpl, diags)))
		return BK_ERR_IO;
	bki_c_numeric numeric = bki_c_numeric_enter();
	bki_sink out = {write, arg, BK_OK};
	target t = {0};
	open_target(&t, s, j->m, j->dpi, &out);
	bool whole = draw_sheets(&t, s, j->m, fm, j->first);
	bk_status st = write_target(&t, s, j->m, &out, diags);
	if (st == BK_OK && !whole)
		st = BK_ERR_NOMEM; /* the ballot page under the proof */
	/* Cairo's PDF surface does not always report a failed write */
	if (out.status != BK_OK)
		st = bki_sink_failed(&out, name, "the stencil", st, diags);
	else if (st == BK_ERR_IO)
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cairo could not draw the stencil");
	else if (st == BK_ERR_NOMEM)
		bki_diags_nomem(diags, name, "", "drawing the stencil");
	bki_c_numeric_leave(&numeric);
	if (fm)
		g_object_unref(fm);
	return st;
}

/* One output to path, or through write(arg) when path is NULL. */
static bk_status output(const bk_stencil *s, enum mode m, double dpi,
                        size_t first, const char *path, bk_write_fn write,
                        void *arg, bk_diags *diags)
{
	stencil_job j = {s, m, dpi, first};
	if (path)
		return bki_write_atomic(path, render, &j, diags);
	return render(&j, write, arg, "", diags);
}

/* The sheet asked for an SVG exists; name names the output. */
static bool sheet_ok(const bk_stencil *s, size_t sh, const char *name,
                     bk_diags *diags)
{
	if (sh < s->nsheets)
		return true;
	bki_diags_add(diags, BK_ERROR, "usage", name, 0, 0, "",
	             "the stencil has %zu sheets; there is no sheet %zu",
	             s->nsheets, sh + 1);
	return false;
}

/* The sheet and dpi asked for a PNG are possible. */
static bool preview_ok(const bk_stencil *s, size_t sh, double dpi,
                       const char *name, bk_diags *diags)
{
	if (dpi >= BK_STENCIL_DPI_MIN && dpi <= BK_STENCIL_DPI_MAX && sh < s->nsheets)
		return true;
	bki_diags_add(diags, BK_ERROR, "usage", name, 0, 0, "",
	             "a stencil preview is %d–%d dpi of one of its %zu "
	             "sheets (asked: %g dpi, sheet %zu)", BK_STENCIL_DPI_MIN,
	             BK_STENCIL_DPI_MAX, s->nsheets, dpi, sh + 1);
	return false;
}

bk_status bk_stencil_write_swell_pdf(const bk_stencil *s, const char *path,
                                     bk_diags *diags)
{
	return s && path ? output(s, SWELL, 0, 0, path, NULL, NULL, diags)
	                 : BK_ERR_USAGE;
}

bk_status bk_stencil_write_svg(const bk_stencil *s, size_t sh,
                               const char *path, bk_diags *diags)
{
	if (!s || !path)
		return BK_ERR_USAGE;
	if (!sheet_ok(s, sh, path, diags))
		return BK_ERR_USAGE;
	return output(s, SVG, 0, sh, path, NULL, NULL, diags);
}

bk_status bk_stencil_write_png(const bk_stencil *s, size_t sh, double dpi,
                               const char *path, bk_diags *diags)
{
	if (!s || !path)
		return BK_ERR_USAGE;
	if (!preview_ok(s, sh, dpi, path, diags))
		return BK_ERR_USAGE;
	return output(s, PNG, dpi, sh, path, NULL, NULL, diags);
}

bk_status bk_stencil_write_proof_pdf(const bk_stencil *s, const char *path,
                                     bk_diags *diags)
{
	return s && path ? output(s, PROOF, 0, 0, path, NULL, NULL, diags)
	                 : BK_ERR_USAGE;
}

bk_status bk_stencil_write_print_pdf(const bk_stencil *s, const char *path,
                                     bk_diags *diags)
{
	return s && path ? output(s, PRINT, 0, 0, path, NULL, NULL, diags)
	                 : BK_ERR_USAGE;
}

/* The _to twins mirror the path functions above one for one: the public
 * API's shape (a function per output and per destination), each a call of
 * output(); a duplicate-code finder pairs them, and they stay. */
bk_status bk_stencil_write_swell_pdf_to(const bk_stencil *s,
                                        bk_write_fn write, void *arg,
                                        bk_diags *diags)
{
	return s && write ? output(s, SWELL, 0, 0, NULL, write, arg, diags)
	                  : BK_ERR_USAGE;
}

bk_status bk_stencil_write_svg_to(const bk_stencil *s, size_t sh,
                                  bk_write_fn write, void *arg,
                                  bk_diags *diags)
{
	if (!s || !write)
		return BK_ERR_USAGE;
	if (!sheet_ok(s, sh, "", diags))
		return BK_ERR_USAGE;
	return output(s, SVG, 0, sh, NULL, write, arg, diags);
}

bk_status bk_stencil_write_png_to(const bk_stencil *s, size_t sh, double dpi,
                                  bk_write_fn write, void *arg,
                                  bk_diags *diags)
{
	if (!s || !write)
		return BK_ERR_USAGE;
	if (!preview_ok(s, sh, dpi, "", diags))
		return BK_ERR_USAGE;
	return output(s, PNG, dpi, sh, NULL, write, arg, diags);
}

bk_status bk_stencil_write_proof_pdf_to(const bk_stencil *s,
                                        bk_write_fn write, void *arg,
                                        bk_diags *diags)
{
	return s && write ? output(s, PROOF, 0, 0, NULL, write, arg, diags)
	                  : BK_ERR_USAGE;
}

bk_status bk_stencil_write_print_pdf_to(const bk_stencil *s,
                                        bk_write_fn write, void *arg,
                                        bk_diags *diags)
{
	return s && write ? output(s, PRINT, 0, 0, NULL, write, arg, diags)
	                  : BK_ERR_USAGE;
}
