/* Reading a stencil's windows back from the laser-cutter SVG (its red cut
 * paths); the braille numbers beside them are read from the swell PDF by
 * src/decode/stencil-numbers.c. Shares no code with the writers
 * (src/stencil/stencil.c, src/render/): the SVG is parsed with libxml2
 * and its geometry interpreted here. */
#include "ballotkit/decode.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char SVG_NS[] = "http://www.w3.org/2000/svg";
static const char XLINK_NS[] = "http://www.w3.org/1999/xlink";

/* Tolerances, mm. */
static const double ON_EDGE = 0.05;   /* a vertex on the sheet's edge */
static const double AT_CORNER = 0.1;  /* a vertex at the sheet's corner */
static const double TOUCH = 0.5;      /* a cut touching the outline */
static const double ROW = 1.0;        /* top edges of windows in one row */
static const double CLOSE_GAP = 1e-3; /* an open path ending where it began */

/* Limits against hostile input: elements visited (counting those reached
 * through <use> again each time; an A4 stencil has some 450) and <use>
 * nested in <use>. */
static const size_t MAX_VISITS = 250000;
static const int MAX_USE_DEPTH = 16;

/* ---- affine transforms ---- */

/* x' = a x + c y + e, y' = b x + d y + f */
typedef struct mat {
	double a, b, c, d, e, f;
} mat;

static const mat IDENTITY = {1, 0, 0, 1, 0, 0};

/* p after q: (p q)(x) = p(q(x)) */
static mat mat_mul(mat p, mat q)
{
	mat r;
	r.a = p.a * q.a + p.c * q.b;
	r.b = p.b * q.a + p.d * q.b;
	r.c = p.a * q.c + p.c * q.d;
	r.d = p.b * q.c + p.d * q.d;
	r.e = p.a * q.e + p.c * q.f + p.e;
	r.f = p.b * q.e + p.d * q.f + p.f;
	return r;
}

static mat mat_translate(double x, double y)
{
	mat m = {1, 0, 0, 1, x, y};
	return m;
}

static mat mat_scale(double x, double y)
{
	mat m = {x, 0, 0, y, 0, 0};
	return m;
}

typedef struct pt {
	double x, y;
} pt;

static pt apply(mat m, double x, double y)
{
	pt p = {m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f};
	return p;
}

/* ---- the parse ---- */

/* One subpath of a red cut, on the page in mm. */
typedef struct sub {
	double x0, y0, x1, y1; /* bounding box */
	pt *v;                 /* on-curve points (segment ends) */
	size_t nv, cap;
	size_t nseg;
	bool closed;
	unsigned long line;
} sub;

typedef struct idref {
	const char *id;
	xmlNodePtr node;
	size_t order;
} idref;

typedef struct svgp {
	const char *name;
	bk_diags *diags;
	sub *subs;
	size_t n, cap;
	idref *ids;
	size_t nids;
	size_t visits;
	bool failed;
	bool nomem;  /* memory ran out (failed too, without a message) */
} svgp;

/* Memory ran out: the walk stops, and the decoder says BK_ERR_NOMEM. */
static void out_of_memory(svgp *p)
{
	p->failed = true;
	p->nomem = true;
}

static void fail(svgp *p, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(svgp *p, unsigned long line, const char *fmt, ...)
{
	if (p->failed)
		return; /* the first error is the one to report */
	p->failed = true;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	bki_diags_add(p->diags, BK_ERROR, "bad-svg", p->name, line, 0, "", "%s",
	             msg);
}

static unsigned long node_line(xmlNodePtr n)
{
	long l = n ? xmlGetLineNo(n) : 0;
	return l > 0 ? (unsigned long)l : 0;
}

/* Builds the subpaths of one element in user units, stores the red ones
 * on the page. */
typedef struct pb {
	svgp *p;
	mat m;
	bool keep;          /* a red cut: keep its subpaths */
	unsigned long line;
	sub cur;
	bool open;          /* cur has begun (a moveto) */
	double sx, sy;      /* start of the subpath, user units */
	double cx, cy;      /* current point, user units */
	pt last;            /* current point on the page */
} pb;

static void box_add(sub *s, pt q)
{
	if (q.x < s->x0) s->x0 = q.x;
	if (q.x > s->x1) s->x1 = q.x;
	if (q.y < s->y0) s->y0 = q.y;
	if (q.y > s->y1) s->y1 = q.y;
}

static void vertex_add(svgp *p, sub *s, pt q)
{
	if (s->nv == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		pt *more = bki_reallocarray(s->v, cap, sizeof *s->v);
		if (!more) {
			out_of_memory(p);
			return;
		}
		s->v = more;
		s->cap = cap;
	}
	s->v[s->nv++] = q;
	box_add(s, q);
}

static void pb_finish(pb *b)
{
	if (!b->open)
		return;
	b->open = false;
	sub *s = &b->cur;
	if (!b->keep || s->nseg == 0 || b->p->failed) {
		free(s->v);
		s->v = NULL;
		return;
	}
	if (!s->closed && s->nv > 1 &&
	    hypot(s->v[0].x - s->v[s->nv - 1].x,
	          s->v[0].y - s->v[s->nv - 1].y) < CLOSE_GAP)
		s->closed = true;
	svgp *p = b->p;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		sub *more = bki_reallocarray(p->subs, cap, sizeof *p->subs);
		if (!more) {
			out_of_memory(p);
			free(s->v);
			s->v = NULL;
			return;
		}
		p->subs = more;
		p->cap = cap;
	}
	p->subs[p->n++] = *s;
	s->v = NULL;
}

static void pb_move(pb *b, double x, double y)
{
	pb_finish(b);
	b->open = true;
	memset(&b->cur, 0, sizeof b->cur);
	b->cur.x0 = b->cur.y0 = INFINITY;
	b->cur.x1 = b->cur.y1 = -INFINITY;
	b->cur.line = b->line;
	b->sx = b->cx = x;
	b->sy = b->cy = y;
	b->last = apply(b->m, x, y);
	if (b->keep)
		vertex_add(b->p, &b->cur, b->last);
}

/* A drawing command after a closepath starts a new subpath there. */
static void pb_ensure(pb *b)
{
	if (!b->open)
		pb_move(b, b->cx, b->cy);
}

static void pb_line(pb *b, double x, double y)
{
	pb_ensure(b);
	b->cx = x;
	b->cy = y;
	b->last = apply(b->m, x, y);
	b->cur.nseg++;
	if (b->keep)
		vertex_add(b->p, &b->cur, b->last);
}

int bki_cubic_extremes(double p0, double p1, double p2, double p3, double t[2])
{
	double a = -p0 + 3 * p1 - 3 * p2 + p3;
	double bq = 2 * (p0 - 2 * p1 + p2);
	double c = p1 - p0;
	int n = 0;
	if (fabs(a) < 1e-12) {
		if (fabs(bq) > 1e-12) {
			double r = -c / bq;
			if (r > 0 && r < 1)
				t[n++] = r;
		}
		return n;
	}
	double disc = bq * bq - 4 * a * c;
	if (disc < 0)
		return 0;
	double sq = sqrt(disc);
	double r1 = (-bq + sq) / (2 * a), r2 = (-bq - sq) / (2 * a);
	if (r1 > 0 && r1 < 1)
		t[n++] = r1;
	if (r2 > 0 && r2 < 1)
		t[n++] = r2;
	return n;
}

static pt cubic_at(pt p0, pt p1, pt p2, pt p3, double t)
{
	double u = 1 - t;
	pt r;
	r.x = u * u * u * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x +
	      t * t * t * p3.x;
	r.y = u * u * u * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y +
	      t * t * t * p3.y;
	return r;
}

static void pb_cubic(pb *b, double x1, double y1, double x2, double y2,
                     double x, double y)
{
	pb_ensure(b);
	pt p0 = b->last, p1 = apply(b->m, x1, y1), p2 = apply(b->m, x2, y2);
	pt p3 = apply(b->m, x, y);
	b->cx = x;
	b->cy = y;
	b->last = p3;
	b->cur.nseg++;
	if (!b->keep)
		return;
	/* an affine map keeps a Bézier a Bézier: the extremes of the curve
	 * on the page, not of its control points */
	double t[4];
	int k = bki_cubic_extremes(p0.x, p1.x, p2.x, p3.x, t);
	k += bki_cubic_extremes(p0.y, p1.y, p2.y, p3.y, t + k);
	for (int i = 0; i < k; i++)
		box_add(&b->cur, cubic_at(p0, p1, p2, p3, t[i]));
	vertex_add(b->p, &b->cur, p3);
}

static void pb_close(pb *b)
{
	if (!b->open)
		return; /* Z Z, or Z before anything: nothing to close */
	b->cur.closed = true; /* (M Z alone draws nothing and is dropped) */
	b->cx = b->sx;
	b->cy = b->sy;
	pb_finish(b);
}

static double vec_angle(double ux, double uy, double vx, double vy)
{
	return atan2(ux * vy - uy * vx, ux * vx + uy * vy);
}

/* An elliptical arc (SVG's endpoint form) as cubics of at most 90°. */
static void pb_arc(pb *b, double rx, double ry, double phi_deg, bool large,
                   bool sweep, double x2, double y2)
{
	pb_ensure(b);
	double x1 = b->cx, y1 = b->cy;
	if (x1 == x2 && y1 == y2)
		return;
	rx = fabs(rx);
	ry = fabs(ry);
	if (rx == 0 || ry == 0) {
		pb_line(b, x2, y2);
		return;
	}
	double phi = phi_deg * M_PI / 180, cs = cos(phi), sn = sin(phi);
	double dx = (x1 - x2) / 2, dy = (y1 - y2) / 2;
	double x1p = cs * dx + sn * dy, y1p = -sn * dx + cs * dy;
	double lam = x1p * x1p / (rx * rx) + y1p * y1p / (ry * ry);
	if (lam > 1) {
		rx *= sqrt(lam);
		ry *= sqrt(lam);
	}
	double num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
	double den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
	double coef = den > 0 && num > 0 ? sqrt(num / den) : 0;
	if (large == sweep)
		coef = -coef;
	double cxp = coef * rx * y1p / ry, cyp = -coef * ry * x1p / rx;
	double cx = cs * cxp - sn * cyp + (x1 + x2) / 2;
	double cy = sn * cxp + cs * cyp + (y1 + y2) / 2;
	double th1 = vec_angle(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
	double dth = vec_angle((x1p - cxp) / rx, (y1p - cyp) / ry,
	                       (-x1p - cxp) / rx, (-y1p - cyp) / ry);
	if (!sweep && dth > 0)
		dth -= 2 * M_PI;
	else if (sweep && dth < 0)
		dth += 2 * M_PI;
	int segs = (int)ceil(fabs(dth) / (M_PI / 2) - 1e-9);
	if (segs < 1)
		segs = 1;
	double step = dth / segs, k = 4.0 / 3.0 * tan(step / 4);
	for (int i = 0; i < segs; i++) {
		double t1 = th1 + i * step, t2 = t1 + step;
		double c1 = cos(t1), s1 = sin(t1), c2 = cos(t2), s2 = sin(t2);
		double ex1 = cx + rx * c1 * cs - ry * s1 * sn;
		double ey1 = cy + rx * c1 * sn + ry * s1 * cs;
		double ex2 = cx + rx * c2 * cs - ry * s2 * sn;
		double ey2 = cy + rx * c2 * sn + ry * s2 * cs;
		double dx1 = -rx * s1 * cs - ry * c1 * sn, dy1 = -rx * s1 * sn + ry * c1 * cs;
		double dx2 = -rx * s2 * cs - ry * c2 * sn, dy2 = -rx * s2 * sn + ry * c2 * cs;
		if (i == segs - 1) {
			ex2 = x2;
			ey2 = y2;
		}
		pb_cubic(b, ex1 + k * dx1, ey1 + k * dy1, ex2 - k * dx2,
		         ey2 - k * dy2, ex2, ey2);
	}
}

static pb pb_begin(svgp *p, mat m, bool keep, unsigned long line)
{
	pb b;
	memset(&b, 0, sizeof b);
	b.p = p;
	b.m = m;
	b.keep = keep;
	b.line = line;
	return b;
}

/* ---- numbers and lists ---- */

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void skip_wsp(const char **s)
{
	while (is_wsp(**s))
		(*s)++;
}

/* White space with at most one comma in it. */
static void skip_sep(const char **s)
{
	skip_wsp(s);
	if (**s == ',') {
		(*s)++;
		skip_wsp(s);
	}
}

static bool starts_number(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
}

/* An SVG number, independent of the C locale. */
static bool parse_number(const char **sp, double *out)
{
	const char *s = *sp;
	bool neg = false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	double mant = 0;
	int exp10 = 0, digits = 0, sig = 0;
	while (*s >= '0' && *s <= '9') {
		if (sig < 18) {
			mant = mant * 10 + (*s - '0');
			if (mant > 0)
				sig++;
		} else {
			exp10++;
		}
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (sig < 18) {
				mant = mant * 10 + (*s - '0');
				if (mant > 0)
					sig++;
				exp10--;
			}
			s++;
			digits++;
		}
	}
	if (!digits)
		return false;
	if ((*s == 'e' || *s == 'E') &&
	    ((s[1] >= '0' && s[1] <= '9') ||
	     ((s[1] == '+' || s[1] == '-') && s[2] >= '0' && s[2] <= '9'))) {
		s++;
		bool eneg = false;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		int e = 0;
		while (*s >= '0' && *s <= '9') {
			if (e < 100000)
				e = e * 10 + (*s - '0');
			s++;
		}
		exp10 += eneg ? -e : e;
	}
	double v = mant;
	if (exp10 && mant != 0)
		v = exp10 < 0 ? mant / pow(10, -exp10) : mant * pow(10, exp10);
	if (!isfinite(v))
		return false;
	*out = neg ? -v : v;
	*sp = s;
	return true;
}

/* A length attribute in user units: a number with an optional absolute
 * unit (px = 1 user unit). Absent: def. False when present but bad. */
static bool length_attr(xmlNodePtr n, const char *name, double def, double *out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v) {
		*out = def;
		return true;
	}
	const char *s = (const char *)v;
	skip_wsp(&s);
	double x;
	bool ok = parse_number(&s, &x);
	if (ok) {
		static const struct {
			const char *u;
			double f;
		} units[] = {{"px", 1}, {"mm", 96 / 25.4}, {"cm", 96 / 2.54},
		             {"in", 96}, {"pt", 96 / 72.0}, {"pc", 16}};
		for (size_t i = 0; i < sizeof units / sizeof *units; i++)
			if (!strncmp(s, units[i].u, 2)) {
				x *= units[i].f;
				s += 2;
				break;
			}
		skip_wsp(&s);
		ok = *s == 0;
	}
	xmlFree(v);
	if (ok)
		*out = x;
	return ok;
}

/* True when the attribute is absent or a percentage (the outermost
 * <svg>'s size relative to a window: no physical size). */
static bool relative_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return true;
	size_t l = strlen((const char *)v);
	while (l && is_wsp((char)v[l - 1]))
		l--;
	bool pc = l && v[l - 1] == '%';
	xmlFree(v);
	return pc;
}

/* ---- path data ---- */

static int path_args(char c)
{
	switch (c) {
	case 'M': case 'm': case 'L': case 'l': case 'T': case 't': return 2;
	case 'H': case 'h': case 'V': case 'v': return 1;
	case 'C': case 'c': return 6;
	case 'S': case 's': case 'Q': case 'q': return 4;
	case 'A': case 'a': return 7;
	case 'Z': case 'z': return 0;
	default: return -1;
	}
}

/* Where a path's reading stands between segments. */
typedef struct path_pen {
	char prev;               /* the previous command, upper case */
	double lcx, lcy;         /* its last control point (for S and T) */
} path_pen;

/* The k arguments of command c at *sp into a (arc flags as 0 or 1);
 * false after a located failure. d is the whole path data. */
static bool path_numbers(pb *b, const char **sp, const char *d, char c, int k,
                         double a[7])
{
	const char *s = *sp;
	skip_wsp(&s);
	for (int i = 0; i < k; i++) {
		if (i)
			skip_sep(&s);
		if ((c == 'A' || c == 'a') && (i == 3 || i == 4)) {
			if (*s != '0' && *s != '1') {
				fail(b->p, b->line, "path data: an arc flag at "
				     "offset %zu is not 0 or 1", (size_t)(s - d));
				return false;
			}
			a[i] = *s++ - '0';
		} else if (!parse_number(&s, &a[i])) {
			fail(b->p, b->line, "path data: command '%c' lacks a "
			     "number at offset %zu", c, (size_t)(s - d));
			return false;
		}
	}
	*sp = s;
	return true;
}

/* A quadratic (Q, or T reflecting the last control point) drawn as the
 * cubic it equals. */
static void path_quadratic(pb *b, path_pen *pen, char u, double ox, double oy,
                           const double a[7])
{
	double qx, qy, x, y;
	if (u == 'Q') {
		qx = ox + a[0];
		qy = oy + a[1];
		x = ox + a[2];
		y = oy + a[3];
	} else {
		qx = b->cx;
		qy = b->cy;
		if (pen->prev == 'Q' || pen->prev == 'T') {
			qx = 2 * b->cx - pen->lcx;
			qy = 2 * b->cy - pen->lcy;
		}
		x = ox + a[0];
		y = oy + a[1];
	}
	double x0 = b->cx, y0 = b->cy;
	pb_cubic(b, x0 + 2.0 / 3 * (qx - x0), y0 + 2.0 / 3 * (qy - y0),
	         x + 2.0 / 3 * (qx - x), y + 2.0 / 3 * (qy - y), x, y);
	pen->lcx = qx;
	pen->lcy = qy;
}

/* One segment of command c (not Z) with its arguments a. */
static void path_segment(pb *b, path_pen *pen, char c, const double a[7])
{
	bool rel = c >= 'a';
	double ox = rel ? b->cx : 0, oy = rel ? b->cy : 0;
	char u = (char)(rel ? c - 32 : c);
	switch (u) {
	case 'M':
		pb_move(b, ox + a[0], oy + a[1]);
		break;
	case 'L':
		pb_line(b, ox + a[0], oy + a[1]);
		break;
	case 'H':
		pb_line(b, ox + a[0], b->cy);
		break;
	case 'V':
		pb_line(b, b->cx, oy + a[0]);
		break;
	case 'C':
		pb_cubic(b, ox + a[0], oy + a[1], ox + a[2], oy + a[3],
		         ox + a[4], oy + a[5]);
		pen->lcx = ox + a[2];
		pen->lcy = oy + a[3];
		break;
	case 'S': {
		double x1 = b->cx, y1 = b->cy;
		if (pen->prev == 'C' || pen->prev == 'S') {
			x1 = 2 * b->cx - pen->lcx;
			y1 = 2 * b->cy - pen->lcy;
		}
		pb_cubic(b, x1, y1, ox + a[0], oy + a[1], ox + a[2], oy + a[3]);
		pen->lcx = ox + a[0];
		pen->lcy = oy + a[1];
		break;
	}
	case 'Q':
	case 'T':
		path_quadratic(b, pen, u, ox, oy, a);
		break;
	case 'A':
		pb_arc(b, a[0], a[1], a[2], a[3] != 0, a[4] != 0,
		       ox + a[5], oy + a[6]);
		break;
	default:
		break;
	}
	pen->prev = u;
}

/* Skips the separator after a segment's arguments; false (after a located
 * failure) when a comma is not followed by a number. */
static bool path_separator(pb *b, const char **sp, const char *d)
{
	skip_wsp(sp);
	if (**sp != ',')
		return true;
	(*sp)++;
	skip_wsp(sp);
	if (starts_number(**sp))
		return true;
	fail(b->p, b->line, "path data: a comma at offset %zu "
	     "is not followed by a number", (size_t)(*sp - d));
	return false;
}

/* The command at *sp and its argument count; false (after a located
 * failure) when it is not one, or when the first is not a moveto. */
static bool path_command(pb *b, const char **sp, const char *d, bool first,
                         char *c, int *k)
{
	*c = **sp;
	*k = path_args(*c);
	if (*k < 0) {
		fail(b->p, b->line, "path data: '%c' at offset %zu is not a "
		     "path command", (unsigned char)*c >= 0x20 &&
		     (unsigned char)*c < 0x7f ? *c : '?', (size_t)(*sp - d));
		return false;
	}
	(*sp)++;
	if (first && *c != 'M' && *c != 'm') {
		fail(b->p, b->line, "path data does not begin with a moveto");
		return false;
	}
	return true;
}

/* A path's d attribute: each command, then its argument groups (a
 * command repeats while numbers follow). */
static void path_data(pb *b, const char *d)
{
	const char *s = d;
	path_pen pen = {0, 0, 0};
	bool any = false;
	for (;;) {
		skip_wsp(&s);
		if (!*s)
			break;
		char c;
		int k;
		if (!path_command(b, &s, d, !any, &c, &k))
			return;
		any = true;
		if (k == 0) {
			pb_close(b);
			pen.prev = 'Z';
			continue;
		}
		do {
			double a[7];
			if (!path_numbers(b, &s, d, c, k, a))
				return;
			path_segment(b, &pen, c, a);
			/* after a moveto, further pairs are linetos */
			if (c == 'M')
				c = 'L';
			else if (c == 'm')
				c = 'l';
			if (!path_separator(b, &s, d))
				return;
		} while (starts_number(*s));
	}
	pb_finish(b);
}

/* A list of numbers (points="..."), pairs as linetos. */
static void points_data(pb *b, const char *s0, bool close)
{
	const char *s = s0;
	size_t k = 0;
	double x = 0, y;
	skip_wsp(&s);
	while (*s) {
		double v;
		if (!parse_number(&s, &v)) {
			fail(b->p, b->line, "points: no number at offset %zu",
			     (size_t)(s - s0));
			return;
		}
		if (k % 2 == 0) {
			x = v;
		} else {
			y = v;
			if (k == 1)
				pb_move(b, x, y);
			else
				pb_line(b, x, y);
		}
		k++;
		skip_sep(&s);
	}
	if (k % 2) {
		fail(b->p, b->line, "points: an odd count of coordinates");
		return;
	}
	if (close)
		pb_close(b);
	pb_finish(b);
}

/* An ellipse as four cubics (κ = 0.5523). */
static void ellipse_path(pb *b, double cx, double cy, double rx, double ry)
{
	const double k = 0.5522847498307936;
	pb_move(b, cx + rx, cy);
	pb_cubic(b, cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry);
	pb_cubic(b, cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy);
	pb_cubic(b, cx - rx, cy - k * ry, cx - k * rx, cy - ry, cx, cy - ry);
	pb_cubic(b, cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy);
	pb_close(b);
}

/* ---- transforms ---- */

static bool parse_transform(const char *s0, mat *out)
{
	const char *s = s0;
	mat m = IDENTITY;
	skip_wsp(&s);
	while (*s) {
		const char *nm = s;
		while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			s++;
		size_t len = (size_t)(s - nm);
		skip_wsp(&s);
		if (!len || *s != '(')
			return false;
		s++;
		double a[6];
		int k = 0;
		skip_wsp(&s);
		while (*s != ')') {
			if (k == 6 || !parse_number(&s, &a[k]))
				return false;
			k++;
			skip_sep(&s);
		}
		s++;
		mat t;
#define IS(x) (len == sizeof x - 1 && !strncmp(nm, x, len))
		if (IS("matrix") && k == 6) {
			t.a = a[0]; t.b = a[1]; t.c = a[2];
			t.d = a[3]; t.e = a[4]; t.f = a[5];
		} else if (IS("translate") && (k == 1 || k == 2)) {
			t = mat_translate(a[0], k == 2 ? a[1] : 0);
		} else if (IS("scale") && (k == 1 || k == 2)) {
			t = mat_scale(a[0], k == 2 ? a[1] : a[0]);
		} else if (IS("rotate") && (k == 1 || k == 3)) {
			double r = a[0] * M_PI / 180;
			mat rot = {cos(r), sin(r), -sin(r), cos(r), 0, 0};
			t = rot;
			if (k == 3)
				t = mat_mul(mat_translate(a[1], a[2]),
				            mat_mul(rot, mat_translate(-a[1], -a[2])));
		} else if (IS("skewX") && k == 1) {
			mat sk = {1, 0, tan(a[0] * M_PI / 180), 1, 0, 0};
			t = sk;
		} else if (IS("skewY") && k == 1) {
			mat sk = {1, tan(a[0] * M_PI / 180), 0, 1, 0, 0};
			t = sk;
		} else {
			return false;
		}
#undef IS
		m = mat_mul(m, t);
		skip_sep(&s);
	}
	*out = m;
	return true;
}

/* ---- style: stroke colour, display, visibility ---- */

enum paint { PAINT_NONE, PAINT_RED, PAINT_OTHER, PAINT_CURRENT };

typedef struct style {
	enum paint stroke;
	bool color_red;  /* the color property, for currentColor */
	bool hidden;     /* visibility */
} style;

/* The value of property prop, trimmed: from the style attribute (its last
 * declaration), else the presentation attribute, else NULL (and p out of
 * memory when that is why). Free with free. */
static char *prop_value(svgp *p, xmlNodePtr n, const char *prop)
{
	char *found = NULL;
	xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
	if (st) {
		const char *s = (const char *)st;
		size_t plen = strlen(prop);
		while (*s) {
			const char *end = strchr(s, ';');
			if (!end)
				end = s + strlen(s);
			const char *k = s;
			while (k < end && is_wsp(*k))
				k++;
			const char *colon = memchr(k, ':', (size_t)(end - k));
			if (colon) {
				const char *ke = colon;
				while (ke > k && is_wsp(ke[-1]))
					ke--;
				if ((size_t)(ke - k) == plen && !strncmp(k, prop, plen)) {
					const char *v = colon + 1, *ve = end;
					while (v < ve && is_wsp(*v))
						v++;
					while (ve > v && is_wsp(ve[-1]))
						ve--;
					free(found);
					found = bki_strndup(v, (size_t)(ve - v));
					if (!found)
						out_of_memory(p);
				}
			}
			s = *end ? end + 1 : end;
		}
		xmlFree(st);
	}
	if (found)
		return found;
	xmlChar *a = xmlGetProp(n, (const xmlChar *)prop);
	if (!a)
		return NULL;
	found = bki_strdup((const char *)a);
	xmlFree(a);
	if (!found) {
		out_of_memory(p);
		return NULL;
	}
	/* trim */
	char *b = found;
	while (is_wsp(*b))
		b++;
	size_t l = strlen(b);
	while (l && is_wsp(b[l - 1]))
		l--;
	memmove(found, b, l);
	found[l] = 0;
	return found;
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return *a == *b;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* A colour: 1 red, 0 another colour, -1 not a colour. Red is RGB 255, 0,
 * 0 within 1%. */
static int colour_red(const char *v)
{
	double rgb[3];
	if (v[0] == '#') {
		size_t l = strlen(v + 1);
		if (l != 3 && l != 6)
			return -1;
		for (size_t i = 0; i < l; i++)
			if (hexval(v[1 + i]) < 0)
				return -1;
		for (int i = 0; i < 3; i++)
			rgb[i] = l == 3 ? hexval(v[1 + i]) * 17 / 255.0
			                : (hexval(v[1 + 2 * i]) * 16 + hexval(v[2 + 2 * i])) / 255.0;
	} else if (!strncmp(v, "rgb(", 4) || !strncmp(v, "rgba(", 5)) {
		const char *s = v + (v[3] == '(' ? 4 : 5);
		int k = v[3] == '(' ? 3 : 4;
		for (int i = 0; i < k; i++) {
			double x;
			skip_wsp(&s);
			if (!parse_number(&s, &x))
				return -1;
			if (*s == '%') {
				x /= 100;
				s++;
			} else if (i < 3) {
				x /= 255;
			}
			if (i < 3)
				rgb[i] = x;
			skip_wsp(&s);
			if (i < k - 1 && *s++ != ',')
				return -1;
		}
		skip_wsp(&s);
		if (*s != ')')
			return -1;
	} else if (ieq(v, "red")) {
		return 1;
	} else {
		/* another keyword colour (or not a colour: either way not red) */
		return 0;
	}
	return rgb[0] >= 0.99 && rgb[1] <= 0.01 && rgb[2] <= 0.01;
}

static style element_style(svgp *p, xmlNodePtr n, style parent,
                           bool *display_none)
{
	style s = parent;
	*display_none = false;
	char *v = prop_value(p, n, "display");
	if (v && ieq(v, "none"))
		*display_none = true;
	free(v);
	if ((v = prop_value(p, n, "visibility"))) {
		if (ieq(v, "hidden") || ieq(v, "collapse"))
			s.hidden = true;
		else if (ieq(v, "visible"))
			s.hidden = false;
		free(v);
	}
	if ((v = prop_value(p, n, "color"))) {
		int r = colour_red(v);
		if (r >= 0)
			s.color_red = r == 1;
		free(v);
	}
	if ((v = prop_value(p, n, "stroke"))) {
		if (ieq(v, "none"))
			s.stroke = PAINT_NONE;
		else if (ieq(v, "currentColor"))
			s.stroke = PAINT_CURRENT;
		else if (!ieq(v, "inherit")) {
			int r = colour_red(v);
			if (r >= 0)
				s.stroke = r ? PAINT_RED : PAINT_OTHER;
		}
		free(v);
	}
	return s;
}

static bool stroked_red(style s)
{
	return !s.hidden &&
	       (s.stroke == PAINT_RED || (s.stroke == PAINT_CURRENT && s.color_red));
}

/* ---- the tree ---- */

static bool svg_element(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE &&
	       (!n->ns || !strcmp((const char *)n->ns->href, SVG_NS));
}

static bool named(xmlNodePtr n, const char *name)
{
	return !strcmp((const char *)n->name, name);
}

static int cmp_idref(const void *a, const void *b)
{
	const idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Room for one more id (cap: the room there is); false when memory
 * runs out. */
static bool more_ids(svgp *p, size_t *cap)
{
	if (p->nids < *cap)
		return true;
	idref *more = bki_reallocarray(p->ids, *cap ? 2 * *cap : 64,
	                              sizeof *p->ids);
	if (!more) {
		out_of_memory(p);
		return false;
	}
	p->ids = more;
	*cap = *cap ? 2 * *cap : 64;
	return true;
}

/* Every element with an id, for <use>. */
static void index_ids(svgp *p, xmlNodePtr root)
{
	size_t cap = 0, order = 0;
	xmlNodePtr n = root;
	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)"id");
			if (a && a->children && a->children->content) {
				if (!more_ids(p, &cap))
					return;
				p->ids[p->nids].id = (const char *)a->children->content;
				p->ids[p->nids].node = n;
				p->ids[p->nids].order = order++;
				p->nids++;
			}
		}
		/* depth first, without recursion */
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	if (p->nids)
		bki_sort(p->ids, p->nids, sizeof *p->ids, cmp_idref);
}

static xmlNodePtr find_id(const svgp *p, const char *id)
{
	size_t lo = 0, hi = p->nids;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->ids[mid].id, id);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid; /* the first of equal ids: document order */
	}
	return lo < p->nids && !strcmp(p->ids[lo].id, id) ? p->ids[lo].node : NULL;
}

/* The viewport of an <svg> element as a transform from its user units to
 * its parent's: a viewBox scaled to width × height (each axis on its own:
 * preserveAspectRatio is not applied), moved to x, y. */
static bool viewport(svgp *p, xmlNodePtr n, double w, double h, mat *out)
{
	mat m = IDENTITY;
	xmlChar *vb = xmlGetProp(n, (const xmlChar *)"viewBox");
	if (vb) {
		const char *s = (const char *)vb;
		double v[4];
		bool ok = true;
		skip_wsp(&s);
		for (int i = 0; ok && i < 4; i++) {
			if (i)
				skip_sep(&s);
			ok = parse_number(&s, &v[i]);
		}
		skip_wsp(&s);
		ok = ok && !*s && v[2] > 0 && v[3] > 0;
		xmlFree(vb);
		if (!ok) {
			fail(p, node_line(n), "a bad viewBox");
			return false;
		}
		m = mat_mul(mat_scale(w / v[2], h / v[3]), mat_translate(-v[0], -v[1]));
	}
	*out = m;
	return true;
}

static void walk(svgp *p, xmlNodePtr n, mat m, style parent, int use_depth,
                 bool via_use);

static void walk_children(svgp *p, xmlNodePtr n, mat m, style st,
                          int use_depth)
{
	for (xmlNodePtr c = n->children; c && !p->failed; c = c->next)
		walk(p, c, m, st, use_depth, false);
}

static void shape(svgp *p, xmlNodePtr n, mat m, bool keep)
{
	pb b = pb_begin(p, m, keep, node_line(n));
	if (named(n, "path")) {
		xmlChar *d = xmlGetProp(n, (const xmlChar *)"d");
		if (d)
			path_data(&b, (const char *)d);
		xmlFree(d);
	} else if (named(n, "polygon") || named(n, "polyline")) {
		xmlChar *pts = xmlGetProp(n, (const xmlChar *)"points");
		if (pts)
			points_data(&b, (const char *)pts, named(n, "polygon"));
		xmlFree(pts);
	} else if (named(n, "line")) {
		double x1, y1, x2, y2;
		if (!length_attr(n, "x1", 0, &x1) || !length_attr(n, "y1", 0, &y1) ||
		    !length_attr(n, "x2", 0, &x2) || !length_attr(n, "y2", 0, &y2)) {
			fail(p, b.line, "<line>: a bad coordinate");
		} else {
			pb_move(&b, x1, y1);
			pb_line(&b, x2, y2);
		}
	} else if (named(n, "rect")) {
		double x, y, w, h, rx, ry;
		if (!length_attr(n, "x", 0, &x) || !length_attr(n, "y", 0, &y) ||
		    !length_attr(n, "width", 0, &w) || !length_attr(n, "height", 0, &h) ||
		    !length_attr(n, "rx", -1, &rx) || !length_attr(n, "ry", -1, &ry) ||
		    w < 0 || h < 0) {
			fail(p, b.line, "<rect>: a bad size or position");
		} else if (w > 0 && h > 0) {
			if (rx < 0) rx = ry;
			if (ry < 0) ry = rx;
			if (rx < 0) rx = ry = 0;
			if (rx > w / 2) rx = w / 2;
			if (ry > h / 2) ry = h / 2;
			const double k = 0.5522847498307936;
			pb_move(&b, x + rx, y);
			pb_line(&b, x + w - rx, y);
			if (rx > 0 && ry > 0)
				pb_cubic(&b, x + w - rx + k * rx, y, x + w, y + ry - k * ry, x + w, y + ry);
			pb_line(&b, x + w, y + h - ry);
			if (rx > 0 && ry > 0)
				pb_cubic(&b, x + w, y + h - ry + k * ry, x + w - rx + k * rx, y + h, x + w - rx, y + h);
			pb_line(&b, x + rx, y + h);
			if (rx > 0 && ry > 0)
				pb_cubic(&b, x + rx - k * rx, y + h, x, y + h - ry + k * ry, x, y + h - ry);
			pb_line(&b, x, y + ry);
			if (rx > 0 && ry > 0)
				pb_cubic(&b, x, y + ry - k * ry, x + rx - k * rx, y, x + rx, y);
			pb_close(&b);
		}
	} else if (named(n, "circle") || named(n, "ellipse")) {
		double cx, cy, rx, ry;
		bool circle = named(n, "circle");
		if (!length_attr(n, "cx", 0, &cx) || !length_attr(n, "cy", 0, &cy) ||
		    !length_attr(n, circle ? "r" : "rx", 0, &rx) ||
		    !length_attr(n, circle ? "r" : "ry", 0, &ry) || rx < 0 || ry < 0) {
			fail(p, b.line, "<%s>: a bad centre or radius", n->name);
		} else if (rx > 0 && ry > 0) {
			ellipse_path(&b, cx, cy, rx, ry);
		}
	}
	pb_finish(&b);
	free(b.cur.v);
}

static void walk(svgp *p, xmlNodePtr n, mat m, style parent, int use_depth,
                 bool via_use)
{
	if (p->failed || !svg_element(n))
		return;
	if (++p->visits > MAX_VISITS) {
		fail(p, node_line(n), "more than %zu elements to draw (through "
		     "<use>)", MAX_VISITS);
		return;
	}
	static const char *const skipped[] = {
		"defs", "clipPath", "mask", "pattern", "marker", "linearGradient",
		"radialGradient", "filter", "style", "script", "text", "foreignObject",
		"image", "title", "desc", "metadata", "font", "font-face",
	};
	for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++)
		if (named(n, skipped[i]))
			return;
	if (named(n, "symbol") && !via_use)
		return;
	bool none;
	style st = element_style(p, n, parent, &none);
	if (none || p->failed)
		return;
	xmlChar *tr = xmlGetProp(n, (const xmlChar *)"transform");
	if (tr) {
		mat t;
		bool ok = parse_transform((const char *)tr, &t);
		xmlFree(tr);
		if (!ok) {
			fail(p, node_line(n), "<%s>: a bad transform", n->name);
			return;
		}
		m = mat_mul(m, t);
	}
	if (named(n, "g") || named(n, "a") || named(n, "switch") ||
	    named(n, "symbol") || n == xmlDocGetRootElement(n->doc)) {
		/* (the root's viewport is the caller's) */
		walk_children(p, n, m, st, use_depth);
	} else if (named(n, "svg")) {
		double x, y, w, h;
		mat vp;
		if (!length_attr(n, "x", 0, &x) || !length_attr(n, "y", 0, &y) ||
		    !length_attr(n, "width", 0, &w) || !length_attr(n, "height", 0, &h)) {
			fail(p, node_line(n), "<svg>: a bad position or size");
			return;
		}
		if (w > 0 && h > 0) {
			if (!viewport(p, n, w, h, &vp))
				return;
		} else {
			vp = IDENTITY;
		}
		walk_children(p, n, mat_mul(m, mat_mul(mat_translate(x, y), vp)), st,
		              use_depth);
	} else if (named(n, "use")) {
		xmlChar *href = xmlGetNsProp(n, (const xmlChar *)"href",
		                             (const xmlChar *)XLINK_NS);
		if (!href)
			href = xmlGetProp(n, (const xmlChar *)"href");
		double x, y;
		if (!length_attr(n, "x", 0, &x) || !length_attr(n, "y", 0, &y)) {
			fail(p, node_line(n), "<use>: a bad position");
		} else if (href && href[0] == '#') {
			xmlNodePtr t = find_id(p, (const char *)href + 1);
			if (t && use_depth >= MAX_USE_DEPTH)
				fail(p, node_line(n), "<use> nested more than %d deep "
				     "(or in a loop)", MAX_USE_DEPTH);
			else if (t)
				walk(p, t, mat_mul(m, mat_translate(x, y)), st,
				     use_depth + 1, true);
			/* a reference to nothing draws nothing */
		}
		xmlFree(href);
	} else if (named(n, "path") || named(n, "rect") || named(n, "circle") ||
	           named(n, "ellipse") || named(n, "line") ||
	           named(n, "polyline") || named(n, "polygon")) {
		shape(p, n, m, stroked_red(st));
	}
}

/* ---- from cuts to windows ---- */

static bool near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

typedef struct wrect {
	double x, y, w, h;
	size_t row;
} wrect;

static int cmp_wrect_y(const void *a, const void *b)
{
	const wrect *x = a, *y = b;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->x < y->x ? -1 : x->x > y->x;
}

static int cmp_wrect_row(const void *a, const void *b)
{
	const wrect *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->y < y->y ? -1 : x->y > y->y;
}

/* The first error libxml2 raises (later ones follow from it). */
typedef struct first_error {
	bool set;
	unsigned long line, col;
	char msg[256];
} first_error;

static void on_xml_error(void *user, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = user;
	first_error *fe = ctxt ? ctxt->_private : NULL;
	if (!fe || fe->set || !err)
		return;
	fe->set = true;
	fe->line = err->line > 0 ? (unsigned long)err->line : 0;
	fe->col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
	snprintf(fe->msg, sizeof fe->msg, "%s", err->message ? err->message : "parse error");
	size_t l = strlen(fe->msg);
	while (l && (fe->msg[l - 1] == '\n' || fe->msg[l - 1] == ' '))
		fe->msg[--l] = 0;
}

/* The SVG in data parsed with no network, entity expansion or DTD
 * loading, or NULL with a located "bad-svg" diagnostic (*st says why). */
static xmlDocPtr parse_svg(const char *data, size_t size, const char *name,
                           bk_status *st, bk_diags *diags)
{
	bki_decode_xml_once();
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		bki_diags_add(diags, BK_ERROR, "bad-svg", name, 0, 0, "",
		             "no memory to parse the SVG");
		*st = BK_ERR_NOMEM;
		return NULL;
	}
	first_error fe;
	memset(&fe, 0, sizeof fe);
	ctxt->_private = &fe;
	if (ctxt->sax)
		ctxt->sax->serror = on_xml_error; /* this context's own handler */
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)size, name, NULL,
	                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                  XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (!doc) {
		const xmlError *err = &ctxt->lastError;
		if (!fe.set) {
			on_xml_error(ctxt, (xmlErrorPtr)err);
			fe.set = true;
		}
		bki_diags_add(diags, BK_ERROR, "bad-svg", name, fe.line, fe.col, "",
		             "not well-formed XML: %s", fe.msg[0] ? fe.msg : "parse error");
		*st = BK_ERR_INVALID;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* The page from the root's viewBox, taken in millimetres; false (after a
 * located failure) when there is none. */
static bool page_from_viewbox(svgp *p, xmlNodePtr root, const xmlChar *vb,
                              double *page_w, double *page_h, mat *vp)
{
	double v[4] = {0, 0, 0, 0};
	const char *s = vb ? (const char *)vb : "";
	bool ok = vb != NULL;
	skip_wsp(&s);
	for (int i = 0; ok && i < 4; i++) {
		if (i)
			skip_sep(&s);
		ok = parse_number(&s, &v[i]);
	}
	if (!ok || v[2] <= 0 || v[3] <= 0) {
		fail(p, node_line(root), "<svg>: no width and height "
		     "in absolute units, nor a viewBox");
		return false;
	}
	*page_w = v[2];
	*page_h = v[3];
	*vp = mat_translate(-v[0], -v[1]);
	return true;
}

/* The page's size in mm and the transform from the root's user units to
 * mm: width and height in absolute units give millimetres; without them
 * (absent or percentages) the viewBox's units are taken as millimetres.
 * False after a located failure. */
static bool page_of(svgp *p, xmlNodePtr root, double *page_w, double *page_h,
                    mat *vp)
{
	double w = 0, h = 0;
	bool has_w = !relative_attr(root, "width");
	bool has_h = !relative_attr(root, "height");
	if ((has_w && !length_attr(root, "width", 0, &w)) ||
	    (has_h && !length_attr(root, "height", 0, &h)) || w < 0 || h < 0) {
		fail(p, node_line(root), "<svg>: width or height is not an "
		     "absolute length");
		return false;
	}
	const double PX_MM = 25.4 / 96;
	*vp = IDENTITY;
	xmlChar *vb = xmlGetProp(root, (const xmlChar *)"viewBox");
	if (!has_w || !has_h || w == 0 || h == 0) {
		/* the viewBox in mm, or nothing to measure by */
		page_from_viewbox(p, root, vb, page_w, page_h, vp);
	} else if (viewport(p, root, w * PX_MM, h * PX_MM, vp)) {
		*page_w = w * PX_MM;
		*page_h = h * PX_MM;
		if (!vb)
			*vp = mat_scale(PX_MM, PX_MM);
	}
	xmlFree(vb);
	return !p->failed;
}

/* Every subpath of the document's shapes into p, in mm on the page. */
static void collect_cuts(svgp *p, xmlDocPtr doc, double *page_w,
                         double *page_h)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !svg_element(root) || !named(root, "svg")) {
		fail(p, node_line(root), "the root is not an SVG <svg> element");
		return;
	}
	mat vp;
	if (!page_of(p, root, page_w, page_h, &vp))
		return;
	index_ids(p, root);
	style st0 = {PAINT_NONE, false, false};
	/* the root's own transform (SVG 2) is applied by walk */
	walk(p, root, vp, st0, 0, false);
}

/* The sheet's outline: the closed red cut with the largest box. */
static sub *find_outline(svgp *p)
{
	sub *outline = NULL;
	for (size_t i = 0; i < p->n; i++) {
		sub *s = &p->subs[i];
		if (!s->closed)
			continue;
		if (!outline || (s->x1 - s->x0) * (s->y1 - s->y0) >
		                (outline->x1 - outline->x0) * (outline->y1 - outline->y0))
			outline = s;
	}
	if (!outline)
		fail(p, 0, "no closed red cut: the file has no sheet outline");
	return outline;
}

static const char *const corner_names[4] = {"top-left", "top-right",
                                            "bottom-left", "bottom-right"};

/* A corner the outline does not pass through is cut off: c's corner and
 * its leg (the nearest vertex along the top or bottom edge). */
static void corner_of_outline(const sub *outline, bk_svg_cuts *c)
{
	double X0 = outline->x0, X1 = outline->x1;
	double top = c->sheet_y, Y1 = outline->y1;
	double cx[4] = {X0, X1, X0, X1}, cy[4] = {top, top, Y1, Y1};
	int missing = -1, nmissing = 0;
	for (int k = 0; k < 4; k++) {
		bool found = false;
		for (size_t v = 0; !found && v < outline->nv; v++)
			found = near(outline->v[v].x, cx[k], AT_CORNER) &&
			        near(outline->v[v].y, cy[k], AT_CORNER);
		if (!found) {
			missing = k;
			nmissing++;
		}
	}
	if (nmissing != 1)
		return;
	double leg = INFINITY;
	for (size_t v = 0; v < outline->nv; v++)
		if (near(outline->v[v].y, cy[missing], ON_EDGE) &&
		    fabs(outline->v[v].x - cx[missing]) < leg)
			leg = fabs(outline->v[v].x - cx[missing]);
	c->corner = corner_names[missing];
	c->corner_size = isfinite(leg) ? leg : 0;
}

/* The sheet from its outline: its box, its top edge being the highest
 * vertex on either side, and its cut corner. */
static void sheet_of_outline(const sub *outline, bk_svg_cuts *c)
{
	double X0 = outline->x0, X1 = outline->x1, Y1 = outline->y1;
	double top = INFINITY;
	for (size_t k = 0; k < outline->nv; k++) {
		pt v = outline->v[k];
		if ((near(v.x, X0, ON_EDGE) || near(v.x, X1, ON_EDGE)) && v.y < top)
			top = v.y;
	}
	if (!isfinite(top))
		top = outline->y0;
	c->sheet_x = X0;
	c->sheet_y = top;
	c->sheet_w = X1 - X0;
	c->sheet_h = Y1 - top;
	corner_of_outline(outline, c);
}

/* The cuts other than the outline: closed ones inside the sheet are
 * windows (into w, relative to the sheet), a separate cut touching two
 * sides at one corner is the corner cut, the rest are counted. */
static size_t sort_cuts(const svgp *p, const sub *outline, bk_svg_cuts *c,
                        wrect *w)
{
	double X0 = outline->x0, X1 = outline->x1, Y1 = outline->y1;
	double top = c->sheet_y;
	size_t nw = 0;
	for (size_t i = 0; i < p->n; i++) {
		const sub *s = &p->subs[i];
		if (s == outline)
			continue;
		bool inside = s->x0 > X0 + TOUCH && s->x1 < X1 - TOUCH &&
		              s->y0 > top + TOUCH && s->y1 < Y1 - TOUCH;
		if (inside && s->closed) {
			w[nw].x = s->x0 - X0;
			w[nw].y = s->y0 - top;
			w[nw].w = s->x1 - s->x0;
			w[nw].h = s->y1 - s->y0;
			nw++;
			continue;
		}
		bool l = s->x0 <= X0 + TOUCH, r = s->x1 >= X1 - TOUCH;
		bool t = s->y0 <= top + TOUCH, b = s->y1 >= Y1 - TOUCH;
		bool in_sheet = s->x0 >= X0 - TOUCH && s->x1 <= X1 + TOUCH &&
		                s->y0 >= top - TOUCH && s->y1 <= Y1 + TOUCH;
		int k = -1;
		if (in_sheet && (l != r) && (t != b))
			k = (b ? 2 : 0) + (r ? 1 : 0);
		if (k >= 0 && !c->corner[0]) {
			c->corner = corner_names[k];
			c->corner_size = fmax(s->x1 - s->x0, s->y1 - s->y0);
		} else {
			c->other_cuts++;
		}
	}
	return nw;
}

/* The windows in reading order, as x, y, w, h quadruples: rows (top
 * edges within ROW of the row's first), then by x. */
static double *windows_in_order(wrect *w, size_t nw)
{
	bki_sort(w, nw, sizeof *w, cmp_wrect_y);
	size_t row = 0;
	double row_y = nw ? w[0].y : 0;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].y - row_y > ROW) {
			row++;
			row_y = w[i].y;
		}
		w[i].row = row;
	}
	bki_sort(w, nw, sizeof *w, cmp_wrect_row);
	double *out = bki_calloc(4 * nw + 1, sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < nw; i++) {
		out[4 * i] = w[i].x;
		out[4 * i + 1] = w[i].y;
		out[4 * i + 2] = w[i].w;
		out[4 * i + 3] = w[i].h;
	}
	return out;
}

bk_status bk_decode_svg_windows(const char *data, size_t size,
                                const char *name, double **rects, size_t *n,
                                bk_svg_cuts *cuts, bk_diags *diags)
{
	if (!data || !rects || !n || size > 0x7fffffff)
		return BK_ERR_USAGE;
	*rects = NULL;
	*n = 0;
	if (cuts) {
		memset(cuts, 0, sizeof *cuts);
		cuts->corner = "";
	}
	if (!name)
		name = "";
	bk_status status = BK_OK;
	xmlDocPtr doc = parse_svg(data, size, name, &status, diags);
	if (!doc)
		return status;

	svgp p;
	memset(&p, 0, sizeof p);
	p.name = name;
	p.diags = diags;
	wrect *w = NULL;
	bk_svg_cuts c;
	memset(&c, 0, sizeof c);
	c.corner = "";
	collect_cuts(&p, doc, &c.page_w, &c.page_h);
	sub *outline = p.failed ? NULL : find_outline(&p);
	if (p.nomem) {
		status = bki_diags_nomem(diags, name, "", "reading the SVG");
		goto out;
	}
	if (p.failed) {
		status = BK_ERR_INVALID;
		goto out;
	}
	sheet_of_outline(outline, &c);
	w = bki_calloc(p.n + 1, sizeof *w);
	size_t nw = w ? sort_cuts(&p, outline, &c, w) : 0;
	*rects = w ? windows_in_order(w, nw) : NULL;
	if (!*rects) {
		status = bki_diags_nomem(diags, name, "", "reading the SVG");
		goto out;
	}
	*n = nw;
	if (cuts)
		*cuts = c;
out:
	free(w);
	for (size_t i = 0; i < p.n; i++)
		free(p.subs[i].v);
	free(p.subs);
	free(p.ids);
	xmlFreeDoc(doc);
	return status;
}
