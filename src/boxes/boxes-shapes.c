/* The box finder's geometry: which drawn paths are marking boxes
 * (docs/stencil.md, "Boxes from the ballot's PDF"). Every length is mm. */
#include "boxes-private.h"

#include <math.h>
#include <stdlib.h>

#include "util/util.h"

/* how far a rectangle's corner may stray from its bounding box */
#define EPS 0.05
/* a filled rectangle no thicker than this is a bar (a stroke) */
#define BAR_MAX 1.0
/* a frame's side, or a stroke, is at most this thick and at most
 * FRAME_FRACTION of the box's shorter side */
#define FRAME_MAX 2.5
#define FRAME_FRACTION 0.3
/* a cut-corner mark reaches both page edges within EDGE_TOL, its legs
 * CORNER_MIN to CORNER_MAX long */
#define EDGE_TOL 2.0
#define CORNER_MIN 3.0
#define CORNER_MAX 40.0

typedef struct rect {
	double x0, y0, x1, y1;
} rect;

void bki_boxes_add_cand(bki_boxes_geom *g, double x, double y, double w,
                        double h)
{
	if (!bki_array_room((void **)&g->cand, &g->capcand, g->ncand,
	                    sizeof *g->cand)) {
		g->nomem = true;
		return;
	}
	g->cand[g->ncand++] = (bk_box){x, y, w, h};
}

static void add_seg(bki_boxes_geom *g, double x0, double y0, double x1,
                    double y1, double width)
{
	if (!bki_array_room((void **)&g->seg, &g->capseg, g->nseg,
	                    sizeof *g->seg)) {
		g->nomem = true;
		return;
	}
	g->seg[g->nseg++] = (bki_boxes_seg){x0, y0, x1, y1, width};
}

void bki_boxes_geom_free(bki_boxes_geom *g)
{
	free(g->cand);
	free(g->seg);
	g->cand = NULL;
	g->seg = NULL;
	g->ncand = g->capcand = g->nseg = g->capseg = 0;
}

static bool near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

/* Which sides of r the point lies on, as bits (1 left, 2 top, 4 right,
 * 8 bottom); 0 when it lies on none. */
static unsigned sides_of(const rect *r, bki_boxes_pt p)
{
	unsigned s = 0;
	if (near(p.x, r->x0, EPS))
		s |= 1;
	if (near(p.y, r->y0, EPS))
		s |= 2;
	if (near(p.x, r->x1, EPS))
		s |= 4;
	if (near(p.y, r->y1, EPS))
		s |= 8;
	return s;
}

/* The distinct points of a subpath (repeats and a closing point equal to
 * the first dropped), at most max; how many. */
static size_t distinct_points(const bki_boxes_pt *pts, const bki_boxes_sub *s,
                              bki_boxes_pt *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		bki_boxes_pt p = pts[s->first + i];
		if (n && near(p.x, out[n - 1].x, 1e-4) &&
		    near(p.y, out[n - 1].y, 1e-4))
			continue;
		if (n == max)
			return max + 1;
		out[n++] = p;
	}
	if (n > 1 && near(out[0].x, out[n - 1].x, 1e-4) &&
	    near(out[0].y, out[n - 1].y, 1e-4))
		n--;
	return n;
}

/* True when the subpath outlines a rectangle aligned with the page: every
 * corner on its bounding box, every edge along one side of it (or a bevel
 * shorter than a tenth of the box, as glyph outlines have). */
static bool subpath_rect(const bki_boxes_pt *pts, const bki_boxes_sub *s,
                         rect *r)
{
	bki_boxes_pt p[16];
	size_t n = distinct_points(pts, s, p, 16);
	if (s->curved || n < 4 || n > 16)
		return false;
	const bki_boxes_pt *f = &pts[s->first], *l = &pts[s->first + s->n - 1];
	if (!s->closed && !(near(f->x, l->x, EPS) && near(f->y, l->y, EPS)))
		return false;
	*r = (rect){p[0].x, p[0].y, p[0].x, p[0].y};
	for (size_t i = 1; i < n; i++) {
		r->x0 = fmin(r->x0, p[i].x);
		r->y0 = fmin(r->y0, p[i].y);
		r->x1 = fmax(r->x1, p[i].x);
		r->y1 = fmax(r->y1, p[i].y);
	}
	double bevel = 0.1 * fmin(r->x1 - r->x0, r->y1 - r->y0);
	if (bevel <= EPS)
		return false;
	for (size_t i = 0; i < n; i++) {
		bki_boxes_pt a = p[i], b = p[(i + 1) % n];
		unsigned sa = sides_of(r, a), sb = sides_of(r, b);
		if (!sa || !sb)
			return false;
		if (!(sa & sb) && hypot(b.x - a.x, b.y - a.y) > bevel)
			return false;
	}
	return true;
}

/* The page corner a right triangle or a diagonal from (ax, ay) on a
 * vertical page edge to (bx, by) on a horizontal one cuts off. */
static void corner_cut(bki_boxes_geom *g, bki_boxes_pt a, bki_boxes_pt b)
{
	bool left = near(a.x, 0, EDGE_TOL), right = near(a.x, g->page_w, EDGE_TOL);
	bool top = near(b.y, 0, EDGE_TOL), bottom = near(b.y, g->page_h, EDGE_TOL);
	if ((!left && !right) || (!top && !bottom))
		return;
	double cx = left ? 0 : g->page_w, cy = top ? 0 : g->page_h;
	double leg_x = fabs(b.x - cx), leg_y = fabs(a.y - cy);
	if (leg_x < CORNER_MIN || leg_x > CORNER_MAX || leg_y < CORNER_MIN ||
	    leg_y > CORNER_MAX || leg_x > 2.5 * leg_y || leg_y > 2.5 * leg_x)
		return;
	g->corner = top ? (left ? BK_BOXES_CORNER_TOP_LEFT
	                        : BK_BOXES_CORNER_TOP_RIGHT)
	                : (left ? BK_BOXES_CORNER_BOTTOM_LEFT
	                        : BK_BOXES_CORNER_BOTTOM_RIGHT);
	g->corner_size = (leg_x + leg_y) / 2;
}

/* A diagonal stroke: tried both ways round. */
static void corner_line(bki_boxes_geom *g, bki_boxes_pt a, bki_boxes_pt b)
{
	corner_cut(g, a, b);
	corner_cut(g, b, a);
}

/* A filled triangle: its two points on the page's edges (the third is
 * the corner). */
static void corner_triangle(bki_boxes_geom *g, const bki_boxes_pt *pts,
                            const bki_boxes_sub *s)
{
	bki_boxes_pt p[4];
	if (s->curved || distinct_points(pts, s, p, 3) != 3)
		return;
	for (int i = 0; i < 3; i++) {
		bki_boxes_pt c = p[i];
		bool corner = (near(c.x, 0, EDGE_TOL) ||
		               near(c.x, g->page_w, EDGE_TOL)) &&
		              (near(c.y, 0, EDGE_TOL) ||
		               near(c.y, g->page_h, EDGE_TOL));
		if (corner) {
			corner_line(g, p[(i + 1) % 3], p[(i + 2) % 3]);
			return;
		}
	}
}

static bool thin_enough(double t, const rect *r)
{
	double side = fmin(r->x1 - r->x0, r->y1 - r->y0);
	return t > 0.01 && t <= FRAME_MAX && t <= FRAME_FRACTION * side;
}

/* The largest rectangle of r[0..n) inside r[o] with each side a frame's
 * thickness from it, or n. */
static size_t frame_inner(const rect *r, size_t n, size_t o)
{
	size_t best = n;
	double area = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == o || !thin_enough(r[i].x0 - r[o].x0, &r[o]) ||
		    !thin_enough(r[i].y0 - r[o].y0, &r[o]) ||
		    !thin_enough(r[o].x1 - r[i].x1, &r[o]) ||
		    !thin_enough(r[o].y1 - r[i].y1, &r[o]))
			continue;
		double a = (r[i].x1 - r[i].x0) * (r[i].y1 - r[i].y0);
		if (a > area) {
			area = a;
			best = i;
		}
	}
	return best;
}

/* A filled path's rectangles: nested pairs are frames (a box midway
 * between them), a thin one left alone is a bar (a segment). */
static void filled_rects(bki_boxes_geom *g, const rect *r, size_t n)
{
	unsigned char used[64] = {0};
	for (size_t o = 0; o < n; o++) {
		size_t i = frame_inner(r, n, o);
		if (i == n)
			continue;
		used[o] = used[i] = 1;
		bki_boxes_add_cand(g, (r[o].x0 + r[i].x0) / 2,
		                   (r[o].y0 + r[i].y0) / 2,
		                   (r[o].x1 + r[i].x1 - r[o].x0 - r[i].x0) / 2,
		                   (r[o].y1 + r[i].y1 - r[o].y0 - r[i].y0) / 2);
	}
	for (size_t o = 0; o < n; o++) {
		double w = r[o].x1 - r[o].x0, h = r[o].y1 - r[o].y0;
		if (used[o] || fmin(w, h) > BAR_MAX)
			continue;
		if (w < h)
			add_seg(g, r[o].x0 + w / 2, r[o].y0, r[o].x0 + w / 2,
			        r[o].y1, w);
		else
			add_seg(g, r[o].x0, r[o].y0 + h / 2, r[o].x1,
			        r[o].y0 + h / 2, h);
	}
}

/* A stroked subpath that is not a rectangle: its straight edges. */
static void stroked_segments(bki_boxes_geom *g, const bki_boxes_pt *pts,
                             const bki_boxes_sub *s, double width)
{
	if (s->curved)
		return;
	size_t m = s->closed ? s->n : s->n - 1;
	for (size_t i = 0; i < m && s->n > 1; i++) {
		bki_boxes_pt a = pts[s->first + i];
		bki_boxes_pt b = pts[s->first + (i + 1) % s->n];
		if (hypot(b.x - a.x, b.y - a.y) < 0.1)
			continue;
		add_seg(g, a.x, a.y, b.x, b.y, width);
	}
}

void bki_boxes_add_path(bki_boxes_geom *g, const bki_boxes_pt *pts,
                        const bki_boxes_sub *subs, size_t nsub,
                        bool stroked, double width)
{
	rect r[64];
	size_t nr = 0;
	g->shapes++;
	for (size_t i = 0; i < nsub; i++) {
		rect q;
		bool is_rect = subpath_rect(pts, &subs[i], &q);
		if (stroked && is_rect) {
			if (thin_enough(width, &q))
				bki_boxes_add_cand(g, q.x0, q.y0, q.x1 - q.x0,
				                   q.y1 - q.y0);
		} else if (stroked) {
			stroked_segments(g, pts, &subs[i], width);
		} else if (is_rect && nr < 64) {
			r[nr++] = q;
		} else if (!is_rect) {
			corner_triangle(g, pts, &subs[i]);
		}
	}
	if (nr)
		filled_rects(g, r, nr);
}

/* ---- boxes drawn as four strokes ---- */

static bool seg_horizontal(const bki_boxes_seg *s)
{
	return near(s->y0, s->y1, EPS) && !near(s->x0, s->x1, EPS);
}

static bool seg_vertical(const bki_boxes_seg *s)
{
	return near(s->x0, s->x1, EPS) && !near(s->y0, s->y1, EPS);
}

/* A vertical stroke at *x running from y0 to y1 (within tol at either
 * end); *x becomes its own. */
static bool find_vertical(const bki_boxes_geom *g, double *x, double y0,
                          double y1, double tol)
{
	for (size_t i = 0; i < g->nseg; i++) {
		const bki_boxes_seg *s = &g->seg[i];
		if (!seg_vertical(s) || !near(s->x0, *x, tol))
			continue;
		double a = fmin(s->y0, s->y1), b = fmax(s->y0, s->y1);
		if (near(a, y0, tol) && near(b, y1, tol)) {
			*x = s->x0;
			return true;
		}
	}
	return false;
}

/* The box whose top edge is the horizontal stroke top: the nearest
 * horizontal stroke below it of the same extent, closed by two vertical
 * strokes at its ends. */
static void box_below(bki_boxes_geom *g, const bki_boxes_seg *top)
{
	double x0 = fmin(top->x0, top->x1), x1 = fmax(top->x0, top->x1);
	double tol = fmax(0.3, top->width);
	const bki_boxes_seg *best = NULL;
	double bx0 = x0, bx1 = x1;
	for (size_t i = 0; i < g->nseg; i++) {
		const bki_boxes_seg *s = &g->seg[i];
		double d = s->y0 - top->y0;
		if (s == top || !seg_horizontal(s) || d < g->min_mm - tol ||
		    d > g->max_mm + tol || (best && d >= best->y0 - top->y0) ||
		    !near(fmin(s->x0, s->x1), x0, tol) ||
		    !near(fmax(s->x0, s->x1), x1, tol))
			continue;
		double l = x0, r = x1;
		if (find_vertical(g, &l, top->y0, s->y0, tol) &&
		    find_vertical(g, &r, top->y0, s->y0, tol)) {
			best = s;
			bx0 = l;
			bx1 = r;
		}
	}
	if (best)
		bki_boxes_add_cand(g, bx0, top->y0, bx1 - bx0,
		                   best->y0 - top->y0);
}

void bki_boxes_assemble(bki_boxes_geom *g)
{
	for (size_t i = 0; i < g->nseg; i++) {
		const bki_boxes_seg *s = &g->seg[i];
		double len = hypot(s->x1 - s->x0, s->y1 - s->y0);
		if (!seg_horizontal(s) && !seg_vertical(s)) {
			corner_line(g, (bki_boxes_pt){s->x0, s->y0},
			            (bki_boxes_pt){s->x1, s->y1});
			continue;
		}
		if (seg_horizontal(s) && len >= g->min_mm - 1.0 &&
		    len <= g->max_mm + 1.0 && s->width <= FRAME_MAX)
			box_below(g, s);
	}
}
