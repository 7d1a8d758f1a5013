/* Reading one separation of a print-shop PDF from the page's content
 * stream (qpdf reads the file; the stream is interpreted here): what is
 * painted in a Separation colour space of a given name, with the
 * transformation matrices, the graphics state stack and form XObjects
 * followed. poppler cannot render one separation alone, and the colours it
 * would render a separation's alternate in are its own business; the
 * stream says exactly what the press will put on each plate. Shares no
 * code with src/render/pdfpost.c, which writes these streams. */
#include "ballotkit/decode.h"

#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

#define PT_MM (25.4 / 72.0)
#define MAX_FORM_DEPTH 8
#define MAX_STACK 64
#define MAX_OPERANDS 16

typedef struct mat {
	double a, b, c, d, e, f;
} mat;

static mat mat_mul(mat m, mat n) /* m then n */
{
	return (mat){m.a * n.a + m.b * n.c, m.a * n.b + m.b * n.d,
	             m.c * n.a + m.d * n.c, m.c * n.b + m.d * n.d,
	             m.e * n.a + m.f * n.c + n.e, m.e * n.b + m.f * n.d + n.f};
}

typedef struct shape {
	double x0, y0, x1, y1; /* bounding box, PDF points in page space */
	bool closed, filled;
} shape;

struct bk_pdf_separation {
	double trim[4];   /* x0, y0, x1, y1 in page points */
	double bleed[4];
	double media[4];
	shape *v;
	size_t n, cap;
	size_t other;     /* text shown or images painted in the ink */
};

/* ---- the graphics state ---- */

typedef struct gstate {
	mat ctm;
	int fill_ink, stroke_ink;     /* the separation the colour is, -1 none */
	double fill_tint, stroke_tint;
} gstate;

/* One subpath under construction, in page space. */
typedef struct sub {
	double x0, y0, x1, y1;
	bool any, closed;
	size_t segments;  /* a lone moveto paints nothing */
} sub;

typedef struct interp {
	qpdf_data q;
	const char *const *inks; /* the separations' names, "/CutContour" */
	size_t ninks;
	bk_pdf_separation **out; /* one per ink */
	gstate gs[MAX_STACK];
	int top;
	sub *subs;
	size_t nsubs, capsubs;
	double cx, cy, sx, sy; /* current point and subpath start, user space */
	bool bad;
	char why[160];
	bool nomem;  /* memory ran out: what follows is drawn into spare */
	sub spare;
} interp;

/* Room for one more subpath; false (and p out of memory) without. */
static bool more_subs(interp *p)
{
	void *v = p->subs;
	bool room = bki_array_room(&v, &p->capsubs, p->nsubs, sizeof *p->subs);
	p->subs = v;
	if (!room)
		p->nomem = true;
	return room;
}

static void box_add(sub *s, double x, double y)
{
	if (!s->any) {
		s->x0 = s->x1 = x;
		s->y0 = s->y1 = y;
		s->any = true;
		return;
	}
	if (x < s->x0) s->x0 = x;
	if (x > s->x1) s->x1 = x;
	if (y < s->y0) s->y0 = y;
	if (y > s->y1) s->y1 = y;
}

static void dev(const interp *p, double x, double y, double *ox, double *oy)
{
	const mat *m = &p->gs[p->top].ctm;
	*ox = m->a * x + m->c * y + m->e;
	*oy = m->b * x + m->d * y + m->f;
}

static sub *current(interp *p)
{
	if (!p->nsubs) {
		if (!more_subs(p))
			return &p->spare;
		p->subs[p->nsubs++] = (sub){0};
	}
	return &p->subs[p->nsubs - 1];
}

static void add_point(interp *p, double x, double y)
{
	double X, Y;
	dev(p, x, y, &X, &Y);
	box_add(current(p), X, Y);
}

static void line_to(interp *p, double x, double y)
{
	add_point(p, x, y);
	current(p)->segments++;
	p->cx = x;
	p->cy = y;
}

static void move_to(interp *p, double x, double y)
{
	if (more_subs(p))
		p->subs[p->nsubs++] = (sub){0};
	add_point(p, x, y);
	p->cx = p->sx = x;
	p->cy = p->sy = y;
}

static void curve_to(interp *p, double x1, double y1, double x2, double y2,
                     double x3, double y3)
{
	/* the curve's extremes in page space, not its control points */
	double P[4][2];
	dev(p, p->cx, p->cy, &P[0][0], &P[0][1]);
	dev(p, x1, y1, &P[1][0], &P[1][1]);
	dev(p, x2, y2, &P[2][0], &P[2][1]);
	dev(p, x3, y3, &P[3][0], &P[3][1]);
	sub *s = current(p);
	s->segments++;
	box_add(s, P[3][0], P[3][1]);
	for (int axis = 0; axis < 2; axis++) {
		double t[2];
		int n = bki_cubic_extremes(P[0][axis], P[1][axis], P[2][axis], P[3][axis], t);
		for (int k = 0; k < n; k++) {
			double u = 1 - t[k], v = t[k];
			double x = u * u * u * P[0][0] + 3 * u * u * v * P[1][0] +
			           3 * u * v * v * P[2][0] + v * v * v * P[3][0];
			double y = u * u * u * P[0][1] + 3 * u * u * v * P[1][1] +
			           3 * u * v * v * P[2][1] + v * v * v * P[3][1];
			box_add(s, x, y);
		}
	}
	p->cx = x3;
	p->cy = y3;
}

static bool add_shape(interp *p, int ink, const sub *x, bool closed, bool filled)
{
	bk_pdf_separation *o = p->out[ink];
	void *v = o->v;
	bool room = bki_array_room(&v, &o->cap, o->n, sizeof *o->v);
	o->v = v;
	if (!room) {
		p->nomem = true;
		return false;
	}
	o->v[o->n++] = (shape){x->x0, x->y0, x->x1, x->y1, closed, filled};
	return true;
}

static void paint(interp *p, bool fill, bool stroke)
{
	gstate *g = &p->gs[p->top];
	int f = fill && g->fill_ink >= 0 && g->fill_tint > 0 ? g->fill_ink : -1;
	int s = stroke && g->stroke_ink >= 0 && g->stroke_tint > 0 ? g->stroke_ink : -1;
	for (size_t i = 0; (f >= 0 || s >= 0) && i < p->nsubs; i++) {
		sub *x = &p->subs[i];
		if (!x->any || !x->segments)
			continue;
		/* a subpath both filled and stroked in one ink counts once, as
		 * filled */
		if (f >= 0 && !add_shape(p, f, x, true, true))
			break;
		if (s >= 0 && s != f && !add_shape(p, s, x, x->closed, false))
			break;
	}
	p->nsubs = 0;
}

/* ---- the content stream ---- */

typedef struct tok {
	const char *s;
	size_t n;
	char kind; /* 'n' number, '/' name, 'o' operator, '(' string, '[' ']'
	            * '<' dict start, '>' dict end, 'x' other */
} tok;

static bool is_white(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
	switch (c) {
	case '(': case ')': case '<': case '>': case '[': case ']': case '{':
	case '}': case '/': case '%':
		return true;
	default:
		return false;
	}
}

static bool next_tok(const char *s, size_t len, size_t *i, tok *t)
{
	for (;;) {
		while (*i < len && is_white(s[*i]))
			(*i)++;
		if (*i < len && s[*i] == '%') {
			while (*i < len && s[*i] != '\n' && s[*i] != '\r')
				(*i)++;
			continue;
		}
		break;
	}
	if (*i >= len)
		return false;
	size_t a = *i;
	char c = s[a];
	t->kind = 'x';
	if (c == '(') {
		int depth = 0;
		while (*i < len) {
			char d = s[(*i)++];
			if (d == '\\')
				(*i)++;
			else if (d == '(')
				depth++;
			else if (d == ')' && --depth == 0)
				break;
		}
		t->kind = '(';
	} else if (c == '<' && a + 1 < len && s[a + 1] == '<') {
		*i += 2;
		t->kind = '<';
	} else if (c == '>' && a + 1 < len && s[a + 1] == '>') {
		*i += 2;
		t->kind = '>';
	} else if (c == '<') {
		while (*i < len && s[*i] != '>')
			(*i)++;
		(*i)++;
		t->kind = '(';
	} else if (c == '[' || c == ']' || c == '{' || c == '}') {
		(*i)++;
		t->kind = c == '{' ? '[' : c == '}' ? ']' : c;
	} else if (c == '/') {
		(*i)++;
		while (*i < len && !is_white(s[*i]) && !is_delim(s[*i]))
			(*i)++;
		t->kind = '/';
	} else {
		while (*i < len && !is_white(s[*i]) && !is_delim(s[*i]))
			(*i)++;
		if (*i == a)
			(*i)++; /* a stray delimiter */
		t->kind = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ? 'n' : 'o';
	}
	if (*i > len)
		*i = len;
	t->s = s + a;
	t->n = *i - a;
	return true;
}

static double num(const tok *t)
{
	/* a PDF number is [sign] digits [. digits], no exponent: read as a
	 * whole number of up to 15 digits and a power of ten, exactly as
	 * strtod rounds it (one division of exact values); anything longer
	 * goes to strtod */
	static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
	                             1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	size_t i = 0, digits = 0, frac = 0;
	bool neg = false, point = false, fast = t->n > 0;
	if (i < t->n && (t->s[i] == '-' || t->s[i] == '+'))
		neg = t->s[i++] == '-';
	unsigned long long m = 0;
	for (; fast && i < t->n; i++) {
		char c = t->s[i];
		if (c == '.' && !point) {
			point = true;
		} else if (c >= '0' && c <= '9' && digits < 15) {
			m = m * 10 + (unsigned long long)(c - '0');
			digits++;
			frac += point;
		} else {
			fast = false;
		}
	}
	if (fast && digits) {
		double v = (double)m / p10[frac];
		return neg ? -v : v;
	}
	char b[64];
	size_t n = t->n < sizeof b - 1 ? t->n : sizeof b - 1;
	memcpy(b, t->s, n);
	b[n] = '\0';
	char *end;
	/* the C numeric locale: the caller holds it (bki_c_numeric_enter) */
	double v = strtod(b, &end);
	return isfinite(v) ? v : 0;
}

static bool op_is(const tok *t, const char *name)
{
	return t->kind == 'o' && t->n == strlen(name) && !memcmp(t->s, name, t->n);
}

/* Which of the inks the resource name (with its slash) in the given
 * resources' /ColorSpace names a Separation of; -1 none. */
static int ink_space(interp *p, qpdf_oh res, const tok *name)
{
	char key[128];
	if (name->kind != '/' || name->n >= sizeof key)
		return -1;
	memcpy(key, name->s, name->n);
	key[name->n] = '\0';
	qpdf_oh cs = qpdf_oh_get_key(p->q, qpdf_oh_get_key(p->q, res, "/ColorSpace"), key);
	if (!qpdf_oh_is_array(p->q, cs) || qpdf_oh_get_array_n_items(p->q, cs) < 2 ||
	    !qpdf_oh_is_name_and_equals(p->q, qpdf_oh_get_array_item(p->q, cs, 0),
	                                "/Separation"))
		return -1;
	qpdf_oh n = qpdf_oh_get_array_item(p->q, cs, 1);
	for (size_t k = 0; k < p->ninks; k++)
		if (qpdf_oh_is_name_and_equals(p->q, n, p->inks[k]))
			return (int)k;
	return -1;
}

static void run_stream(interp *p, const char *s, size_t len, qpdf_oh res, int depth);

static void do_xobject(interp *p, qpdf_oh res, const tok *name, int depth)
{
	char key[128];
	if (name->kind != '/' || name->n >= sizeof key)
		return;
	memcpy(key, name->s, name->n);
	key[name->n] = '\0';
	qpdf_oh x = qpdf_oh_get_key(p->q, qpdf_oh_get_key(p->q, res, "/XObject"), key);
	if (!qpdf_oh_is_stream(p->q, x))
		return;
	qpdf_oh dict = qpdf_oh_get_dict(p->q, x);
	qpdf_oh subtype = qpdf_oh_get_key(p->q, dict, "/Subtype");
	if (qpdf_oh_is_name_and_equals(p->q, subtype, "/Image")) {
		gstate *g = &p->gs[p->top];
		/* an image mask is painted in the fill colour */
		if (g->fill_ink >= 0 && g->fill_tint > 0)
			p->out[g->fill_ink]->other++;
		return;
	}
	if (!qpdf_oh_is_name_and_equals(p->q, subtype, "/Form"))
		return;
	if (depth >= MAX_FORM_DEPTH || p->top + 1 >= MAX_STACK) {
		p->bad = true;
		snprintf(p->why, sizeof p->why, "form XObjects nested too deep");
		return;
	}
	unsigned char *data = NULL;
	size_t n = 0;
	if (qpdf_oh_get_stream_data(p->q, x, qpdf_dl_generalized, NULL, &data, &n) ||
	    !data) {
		free(data);
		return;
	}
	p->gs[p->top + 1] = p->gs[p->top];
	p->top++;
	qpdf_oh m = qpdf_oh_get_key(p->q, dict, "/Matrix");
	if (qpdf_oh_is_array(p->q, m) && qpdf_oh_get_array_n_items(p->q, m) == 6) {
		double v[6];
		for (int k = 0; k < 6; k++)
			v[k] = qpdf_oh_get_numeric_value(p->q, qpdf_oh_get_array_item(p->q, m, k));
		p->gs[p->top].ctm = mat_mul((mat){v[0], v[1], v[2], v[3], v[4], v[5]},
		                            p->gs[p->top].ctm);
	}
	qpdf_oh fres = qpdf_oh_get_key(p->q, dict, "/Resources");
	size_t saved = p->nsubs;
	p->nsubs = 0;
	run_stream(p, (const char *)data, n,
	           qpdf_oh_is_dictionary(p->q, fres) ? fres : res, depth + 1);
	p->nsubs = saved;
	p->top--;
	free(data);
}

static void run_stream(interp *p, const char *s, size_t len, qpdf_oh res, int depth)
{
	tok ops[MAX_OPERANDS];
	size_t nops = 0, i = 0;
	int nest = 0; /* inside an array or dictionary operand */
	tok t;
	int base = p->top;
	while (!p->bad && next_tok(s, len, &i, &t)) {
		if (t.kind == '[' || t.kind == '<') {
			nest++;
			continue;
		}
		if (t.kind == ']' || t.kind == '>') {
			if (nest > 0)
				nest--;
			if (!nest && nops < MAX_OPERANDS)
				ops[nops++] = (tok){t.s, 0, 'x'};
			continue;
		}
		if (nest)
			continue;
		if (t.kind != 'o') {
			if (nops < MAX_OPERANDS)
				ops[nops++] = t;
			else
				memmove(ops, ops + 1, (--nops) * sizeof *ops), ops[nops++] = t;
			continue;
		}
		gstate *g = &p->gs[p->top];
#define N(k) (nops > (k) ? num(&ops[nops - 1 - (k)]) : 0)
		if (op_is(&t, "BI")) {
			/* an inline image: its data runs to "EI" between blanks */
			while (i + 2 < len && !(is_white(s[i]) && s[i + 1] == 'E' &&
			                        s[i + 2] == 'I' && (i + 3 >= len || is_white(s[i + 3]))))
				i++;
			i += 3;
			if (g->fill_ink >= 0 && g->fill_tint > 0)
				p->out[g->fill_ink]->other++;
		} else if (op_is(&t, "q")) {
			if (p->top + 1 >= MAX_STACK) {
				p->bad = true;
				snprintf(p->why, sizeof p->why, "graphics states nested too deep");
				break;
			}
			p->gs[p->top + 1] = *g;
			p->top++;
		} else if (op_is(&t, "Q")) {
			if (p->top > base)
				p->top--;
		} else if (op_is(&t, "cm") && nops >= 6) {
			mat m = {N(5), N(4), N(3), N(2), N(1), N(0)};
			g->ctm = mat_mul(m, g->ctm);
		} else if (op_is(&t, "m") && nops >= 2) {
			move_to(p, N(1), N(0));
		} else if (op_is(&t, "l") && nops >= 2) {
			line_to(p, N(1), N(0));
		} else if (op_is(&t, "c") && nops >= 6) {
			curve_to(p, N(5), N(4), N(3), N(2), N(1), N(0));
		} else if (op_is(&t, "v") && nops >= 4) {
			curve_to(p, p->cx, p->cy, N(3), N(2), N(1), N(0));
		} else if (op_is(&t, "y") && nops >= 4) {
			curve_to(p, N(3), N(2), N(1), N(0), N(1), N(0));
		} else if (op_is(&t, "h")) {
			if (p->nsubs)
				p->subs[p->nsubs - 1].closed = true;
			p->cx = p->sx;
			p->cy = p->sy;
		} else if (op_is(&t, "re") && nops >= 4) {
			double x = N(3), y = N(2), w = N(1), h = N(0);
			move_to(p, x, y);
			line_to(p, x + w, y);
			line_to(p, x + w, y + h);
			line_to(p, x, y + h);
			p->subs[p->nsubs - 1].closed = true;
			p->cx = p->sx = x;
			p->cy = p->sy = y;
		} else if (op_is(&t, "S")) {
			paint(p, false, true);
		} else if (op_is(&t, "s")) {
			if (p->nsubs)
				p->subs[p->nsubs - 1].closed = true;
			paint(p, false, true);
		} else if (op_is(&t, "f") || op_is(&t, "F") || op_is(&t, "f*")) {
			paint(p, true, false);
		} else if (op_is(&t, "B") || op_is(&t, "B*")) {
			paint(p, true, true);
		} else if (op_is(&t, "b") || op_is(&t, "b*")) {
			if (p->nsubs)
				p->subs[p->nsubs - 1].closed = true;
			paint(p, true, true);
		} else if (op_is(&t, "n")) {
			p->nsubs = 0;
		} else if (op_is(&t, "cs") && nops >= 1) {
			g->fill_ink = ink_space(p, res, &ops[nops - 1]);
			g->fill_tint = 1; /* a Separation's initial tint */
		} else if (op_is(&t, "CS") && nops >= 1) {
			g->stroke_ink = ink_space(p, res, &ops[nops - 1]);
			g->stroke_tint = 1;
		} else if ((op_is(&t, "sc") || op_is(&t, "scn")) && nops >= 1) {
			g->fill_tint = N(0);
		} else if ((op_is(&t, "SC") || op_is(&t, "SCN")) && nops >= 1) {
			g->stroke_tint = N(0);
		} else if (op_is(&t, "g") || op_is(&t, "rg") || op_is(&t, "k")) {
			g->fill_ink = -1;
		} else if (op_is(&t, "G") || op_is(&t, "RG") || op_is(&t, "K")) {
			g->stroke_ink = -1;
		} else if (op_is(&t, "Tj") || op_is(&t, "TJ") || op_is(&t, "'") ||
		           op_is(&t, "\"")) {
			if (g->fill_ink >= 0 && g->fill_tint > 0)
				p->out[g->fill_ink]->other++;
		} else if (op_is(&t, "Do") && nops >= 1) {
			do_xobject(p, res, &ops[nops - 1], depth);
		}
#undef N
		nops = 0;
	}
	p->top = base;
}

/* ---- the public face ---- */

static bool read_box(qpdf_data q, qpdf_oh page, const char *key, double out[4])
{
	qpdf_oh b = qpdf_oh_get_key(q, page, key);
	if (!qpdf_oh_is_array(q, b) || qpdf_oh_get_array_n_items(q, b) != 4)
		return false;
	double v[4];
	for (int k = 0; k < 4; k++) {
		qpdf_oh x = qpdf_oh_get_array_item(q, b, k);
		if (!qpdf_oh_is_number(q, x))
			return false;
		v[k] = qpdf_oh_get_numeric_value(q, x);
	}
	out[0] = fmin(v[0], v[2]);
	out[1] = fmin(v[1], v[3]);
	out[2] = fmax(v[0], v[2]);
	out[3] = fmax(v[1], v[3]);
	return true;
}

/* Page page of q, read for the separations inks ("/Name") into sep[k],
 * the content read once. */
static bk_status read_separations(qpdf_data q, const char *name, size_t page,
                                  const char *const *inks, size_t ninks,
                                  bk_pdf_separation **sep, bk_diags *diags)
{
	int np = qpdf_get_num_pages(q);
	if (np < 0 || page >= (size_t)np) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "the PDF has no page %zu", page + 1);
		return BK_ERR_INVALID;
	}
	qpdf_oh pg = qpdf_get_page_n(q, page);
	bk_pdf_separation *s0 = sep[0];
	if (!read_box(q, pg, "/MediaBox", s0->media)) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %zu has no MediaBox", page + 1);
		return BK_ERR_INVALID;
	}
	if (!read_box(q, pg, "/TrimBox", s0->trim))
		memcpy(s0->trim, s0->media, sizeof s0->trim);
	if (!read_box(q, pg, "/BleedBox", s0->bleed))
		memcpy(s0->bleed, s0->trim, sizeof s0->bleed);
	for (size_t k = 1; k < ninks; k++) {
		memcpy(sep[k]->media, s0->media, sizeof s0->media);
		memcpy(sep[k]->trim, s0->trim, sizeof s0->trim);
		memcpy(sep[k]->bleed, s0->bleed, sizeof s0->bleed);
	}
	unsigned char *content = NULL;
	size_t clen = 0;
	if (qpdf_oh_get_page_content_data(q, pg, &content, &clen) & QPDF_ERRORS) {
		free(content);
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "the content of page %zu cannot be read: %s", page + 1,
		             qpdf_get_error_full_text(q, qpdf_get_error(q)));
		return BK_ERR_INVALID;
	}
	interp p = {.q = q, .inks = inks, .ninks = ninks, .out = sep};
	p.gs[0].ctm = (mat){1, 0, 0, 1, 0, 0};
	p.gs[0].fill_ink = p.gs[0].stroke_ink = -1;
	run_stream(&p, (const char *)content, clen,
	           qpdf_oh_get_key(q, pg, "/Resources"), 0);
	free(content);
	free(p.subs);
	if (p.nomem)
		return bki_diags_nomem(diags, name, "", "reading a separation");
	if (p.bad) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %zu cannot be read: %s", page + 1, p.why);
		return BK_ERR_INVALID;
	}
	return BK_OK;
}

struct bk_pdf_pages {
	qpdf_data q;
	char *name;
	char *data;    /* a copy: qpdf reads from it until it is cleaned up */
	size_t pages;
};

bk_status bk_decode_pdf_open(const char *data, size_t size, const char *name,
                             bk_pdf_pages **out, bk_diags *diags)
{
	if (!data || !out)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_pdf_pages *d = bki_calloc(1, sizeof *d);
	if (d) {
		d->name = bki_strdup(name ? name : "");
		d->data = bki_malloc(size ? size : 1);
	}
	if (!d || !d->name || !d->data) {
		bk_pdf_pages_free(d);
		return bki_diags_nomem(diags, name, "", "reading a PDF");
	}
	d->q = qpdf_init();
	qpdf_silence_errors(d->q);
	qpdf_set_suppress_warnings(d->q, QPDF_TRUE);
	memcpy(d->data, data, size);
	if (!bki_decode_qpdf_read(d->q, d->data, size, d->name, diags)) {
		bk_pdf_pages_free(d);
		return BK_ERR_INVALID;
	}
	int np = qpdf_get_num_pages(d->q);
	d->pages = np > 0 ? (size_t)np : 0;
	qpdf_push_inherited_attributes_to_page(d->q);
	*out = d;
	return BK_OK;
}

void bk_pdf_pages_free(bk_pdf_pages *d)
{
	if (!d)
		return;
	if (d->q)
		qpdf_cleanup(&d->q);
	free(d->data);
	free(d->name);
	free(d);
}

size_t bk_pdf_pages_count(const bk_pdf_pages *d) { return d ? d->pages : 0; }

int bk_pdf_pages_boxes(const bk_pdf_pages *d, size_t page, double trim[4],
                       double bleed[4])
{
	if (!d || page >= d->pages)
		return 0;
	qpdf_oh pg = qpdf_get_page_n(d->q, page);
	double media[4];
	if (!read_box(d->q, pg, "/MediaBox", media))
		return 0;
	if (!read_box(d->q, pg, "/TrimBox", trim))
		memcpy(trim, media, sizeof media);
	if (!read_box(d->q, pg, "/BleedBox", bleed))
		memcpy(bleed, trim, sizeof media);
	return 1;
}

bk_status bk_pdf_pages_separations(bk_pdf_pages *d, size_t page,
                                   const char *const *separations, size_t n,
                                   bk_pdf_separation **out, bk_diags *diags)
{
	if (!d || !separations || !out || !n || n > BK_PDF_SEPARATIONS_MAX)
		return BK_ERR_USAGE;
	for (size_t k = 0; k < n; k++)
		if (!separations[k] || !*separations[k] || strlen(separations[k]) > 100)
			return BK_ERR_USAGE;
	char inks[BK_PDF_SEPARATIONS_MAX][104];
	const char *names[BK_PDF_SEPARATIONS_MAX];
	bk_status st = BK_OK;
	for (size_t k = 0; k < n; k++) {
		out[k] = bki_calloc(1, sizeof *out[k]);
		if (!out[k])
			st = BK_ERR_NOMEM;
		snprintf(inks[k], sizeof inks[k], "/%s", separations[k]);
		names[k] = inks[k];
	}
	if (st == BK_OK) {
		bki_c_numeric numeric = bki_c_numeric_enter();
		st = read_separations(d->q, d->name, page, names, n, out, diags);
		bki_c_numeric_leave(&numeric);
	} else {
		bki_diags_nomem(diags, d->name, "", "reading a separation");
	}
	if (st != BK_OK)
		for (size_t k = 0; k < n; k++) {
			bk_pdf_separation_free(out[k]);
			out[k] = NULL;
		}
	return st;
}

bk_status bk_pdf_pages_separation(bk_pdf_pages *d, size_t page,
                                  const char *separation,
                                  bk_pdf_separation **out, bk_diags *diags)
{
	if (!d || !separation || !out)
		return BK_ERR_USAGE;
	*out = NULL;
	return bk_pdf_pages_separations(d, page, &separation, 1, out, diags);
}

bk_status bk_decode_pdf_separation(const char *data, size_t size,
                                   const char *name, size_t page,
                                   const char *separation,
                                   bk_pdf_separation **out, bk_diags *diags)
{
	if (!data || !separation || !*separation || !out || strlen(separation) > 100)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_pdf_pages *d = NULL;
	bk_status st = bk_decode_pdf_open(data, size, name, &d, diags);
	if (st == BK_OK)
		st = bk_pdf_pages_separation(d, page, separation, out, diags);
	bk_pdf_pages_free(d);
	return st;
}

void bk_pdf_separation_free(bk_pdf_separation *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

void bk_pdf_separation_trim(const bk_pdf_separation *s, double *w, double *h)
{
	*w = (s->trim[2] - s->trim[0]) * PT_MM;
	*h = (s->trim[3] - s->trim[1]) * PT_MM;
}

void bk_pdf_separation_bleed(const bk_pdf_separation *s, double *left,
                             double *top, double *right, double *bottom)
{
	*left = (s->trim[0] - s->bleed[0]) * PT_MM;
	*bottom = (s->trim[1] - s->bleed[1]) * PT_MM;
	*right = (s->bleed[2] - s->trim[2]) * PT_MM;
	*top = (s->bleed[3] - s->trim[3]) * PT_MM;
}

size_t bk_pdf_separation_count(const bk_pdf_separation *s) { return s ? s->n : 0; }

size_t bk_pdf_separation_other(const bk_pdf_separation *s) { return s ? s->other : 0; }

int bk_pdf_separation_mark(const bk_pdf_separation *s, size_t i, double *x,
                           double *y, double *w, double *h, int *filled,
                           int *closed)
{
	if (!s || i >= s->n)
		return 0;
	const shape *v = &s->v[i];
	/* mm from the TrimBox's top-left corner, y down */
	*x = (v->x0 - s->trim[0]) * PT_MM;
	*y = (s->trim[3] - v->y1) * PT_MM;
	*w = (v->x1 - v->x0) * PT_MM;
	*h = (v->y1 - v->y0) * PT_MM;
	if (filled)
		*filled = v->filled;
	if (closed)
		*closed = v->closed;
	return 1;
}
