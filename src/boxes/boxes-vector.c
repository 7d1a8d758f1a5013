/* The page's vector drawing, read back: poppler draws the page onto a
 * Cairo SVG surface (Form XObjects flattened, glyphs as outlines, every
 * colour space turned into RGB), and this file reads the paths of that
 * SVG with libxml2, following the transforms, and hands each to
 * boxes-shapes.c. It is the finder's own reader: the kit's SVG decoder
 * (src/decode/svg.c) belongs to verify and shares no code with writers. */
#include "boxes-private.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "diag/diag-private.h"
#include "util/util.h"

/* how deep <use> may nest (cairo writes one level; a loop stops here) */
#define USE_DEPTH 8

/* x' = a x + c y + e, y' = b x + d y + f */
typedef struct mat {
	double a, b, c, d, e, f;
} mat;

/* an element with an id, for <use> */
typedef struct idref {
	const char *id;
	xmlNode *node;
} idref;

typedef struct walk {
	bki_boxes_geom *g;
	xmlDoc *doc;
	idref *ids;  /* sorted by id */
	size_t nids, capids;
	bki_boxes_pt *pts;
	size_t npts, cappts;
	bki_boxes_sub *subs;
	size_t nsubs, capsubs;
} walk;

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser(); /* its first use is not thread-safe */
}

static mat mat_mul(mat p, mat q) /* p after q: p(q(x)) */
{
	return (mat){p.a * q.a + p.c * q.b, p.b * q.a + p.d * q.b,
	             p.a * q.c + p.c * q.d, p.b * q.c + p.d * q.d,
	             p.a * q.e + p.c * q.f + p.e, p.b * q.e + p.d * q.f + p.f};
}

static const char *skip_sep(const char *s)
{
	while (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* Up to max numbers from s (SVG's separators); how many were read. The
 * caller holds the C numeric locale. */
static int numbers(const char *s, double *v, int max, const char **end)
{
	int n = 0;
	s = skip_sep(s);
	while (n < max) {
		char *e;
		double x = strtod(s, &e);
		if (e == s || !isfinite(x))
			break;
		v[n++] = x;
		s = skip_sep(e);
	}
	if (end)
		*end = s;
	return n;
}

/* The element's transform attribute (matrix, translate, scale; others
 * leave the identity), applied after m. */
static mat transform_of(xmlNode *n, mat m)
{
	xmlChar *t = xmlGetProp(n, (const xmlChar *)"transform");
	if (!t)
		return m;
	const char *s = (const char *)t;
	double v[6] = {0};
	mat q = {1, 0, 0, 1, 0, 0};
	int k;
	if (!strncmp(s, "matrix(", 7) && numbers(s + 7, v, 6, NULL) == 6)
		q = (mat){v[0], v[1], v[2], v[3], v[4], v[5]};
	else if (!strncmp(s, "translate(", 10) &&
	         (k = numbers(s + 10, v, 2, NULL)) >= 1)
		q = (mat){1, 0, 0, 1, v[0], k > 1 ? v[1] : 0};
	else if (!strncmp(s, "scale(", 6) && (k = numbers(s + 6, v, 2, NULL)) >= 1)
		q = (mat){v[0], 0, 0, k > 1 ? v[1] : v[0], 0, 0};
	xmlFree(t);
	return mat_mul(m, q);
}

static double attr_number(xmlNode *n, const char *name)
{
	xmlChar *t = xmlGetProp(n, (const xmlChar *)name);
	double v = 0;
	if (t) {
		numbers((const char *)t, &v, 1, NULL);
		xmlFree(t);
	}
	return v;
}

/* The value of property prop in a style attribute ("a:b;c:d"), copied
 * into out (size bytes); false when absent. */
static bool style_prop(const char *style, const char *prop, char *out,
                       size_t size)
{
	size_t len = strlen(prop);
	for (const char *s = style; s && *s; s = strchr(s, ';')) {
		s = skip_sep(*s == ';' ? s + 1 : s);
		if (strncmp(s, prop, len) || s[len] != ':')
			continue;
		s += len + 1;
		size_t k = strcspn(s, ";");
		if (k >= size)
			k = size - 1;
		memcpy(out, s, k);
		out[k] = '\0';
		return true;
	}
	return false;
}

static void add_point(walk *w, mat m, double x, double y)
{
	if (!bki_array_room((void **)&w->pts, &w->cappts, w->npts,
	                    sizeof *w->pts)) {
		w->g->nomem = true;
		return;
	}
	w->pts[w->npts++] = (bki_boxes_pt){
		(m.a * x + m.c * y + m.e) * BKI_BOXES_MM,
		(m.b * x + m.d * y + m.f) * BKI_BOXES_MM};
}

static bki_boxes_sub *new_sub(walk *w)
{
	if (!bki_array_room((void **)&w->subs, &w->capsubs, w->nsubs,
	                    sizeof *w->subs)) {
		w->g->nomem = true;
		return NULL;
	}
	bki_boxes_sub *s = &w->subs[w->nsubs++];
	*s = (bki_boxes_sub){w->npts, 0, false, false};
	return s;
}

/* Reads path data (Cairo writes absolute M, L, C and Z) into w's points
 * and subpaths; false on anything else, the path then left alone. */
static bool parse_d(walk *w, const char *d, mat m)
{
	bki_boxes_sub *cur = NULL;
	const char *s = skip_sep(d);
	while (*s && !w->g->nomem) {
		char cmd = *s++;
		double v[6];
		if (cmd == 'M') {
			if (numbers(s, v, 2, &s) != 2 || !(cur = new_sub(w)))
				return false;
			add_point(w, m, v[0], v[1]);
			cur->n++;
		} else if ((cmd == 'L' || cmd == 'C') && cur) {
			int k = cmd == 'L' ? 2 : 6;
			if (numbers(s, v, k, &s) != k)
				return false;
			add_point(w, m, v[k - 2], v[k - 1]);
			cur->n++;
			cur->curved |= cmd == 'C';
		} else if (cmd == 'Z' && cur) {
			cur->closed = true;
			s = skip_sep(s);
		} else {
			return false;
		}
		if (w->g->nomem)
			return false;
		/* the subpath lives in w->subs, which may move */
		if (cur)
			cur = &w->subs[w->nsubs - 1];
	}
	return true;
}

/* One <path>: stroked when its style strokes it, else filled unless its
 * fill (or the inherited one) is none. */
static void do_path(walk *w, xmlNode *n, mat m, bool parent_fill)
{
	xmlChar *d = xmlGetProp(n, (const xmlChar *)"d");
	xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
	char v[64];
	bool stroked = st && style_prop((const char *)st, "stroke", v, sizeof v) &&
	               strcmp(v, "none") != 0;
	bool filled = parent_fill;
	if (st && style_prop((const char *)st, "fill", v, sizeof v))
		filled = strcmp(v, "none") != 0;
	double width = 1.0;
	if (st && style_prop((const char *)st, "stroke-width", v, sizeof v))
		numbers(v, &width, 1, NULL);
	width *= sqrt(fabs(m.a * m.d - m.b * m.c)) * BKI_BOXES_MM;
	w->npts = w->nsubs = 0;
	if (d && (stroked || filled) && parse_d(w, (const char *)d, m) &&
	    w->nsubs && !w->g->nomem)
		bki_boxes_add_path(w->g, w->pts, w->subs, w->nsubs, stroked,
		                   width);
	xmlFree(d);
	xmlFree(st);
}

static void walk_node(walk *w, xmlNode *n, mat m, bool fill, int depth);

/* Every element with an id, into w->ids (sorted afterwards). */
static void collect_ids(walk *w, xmlNode *n)
{
	for (; n && !w->g->nomem; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlAttr *a = xmlHasProp(n, (const xmlChar *)"id");
		if (a && a->children && a->children->content) {
			if (!bki_array_room((void **)&w->ids, &w->capids,
			                    w->nids, sizeof *w->ids)) {
				w->g->nomem = true;
				return;
			}
			w->ids[w->nids++] = (idref){
				(const char *)a->children->content, n};
		}
		collect_ids(w, n->children);
	}
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const idref *)a)->id, ((const idref *)b)->id);
}

/* The element an href="#id" names, or NULL. */
static xmlNode *find_id(const walk *w, const char *id)
{
	idref key = {id, NULL};
	const idref *r = w->nids ? bsearch(&key, w->ids, w->nids, sizeof *w->ids,
	                                   cmp_id)
	                         : NULL;
	return r ? r->node : NULL;
}

static void do_use(walk *w, xmlNode *n, mat m, bool fill, int depth)
{
	xmlChar *href = xmlGetNsProp(n, (const xmlChar *)"href",
	                             (const xmlChar *)"http://www.w3.org/1999/xlink");
	if (!href)
		href = xmlGetProp(n, (const xmlChar *)"href");
	if (href && href[0] == '#' && depth < USE_DEPTH) {
		xmlNode *t = find_id(w, (const char *)href + 1);
		mat q = {1, 0, 0, 1, attr_number(n, "x"), attr_number(n, "y")};
		if (t)
			walk_node(w, t, mat_mul(m, q), fill, depth + 1);
	}
	xmlFree(href);
}

static bool named(xmlNode *n, const char *name)
{
	return !strcmp((const char *)n->name, name);
}

/* Walks an element and what it holds: definitions only through <use>;
 * images, clips, masks and patterns never hold a box. */
static void walk_node(walk *w, xmlNode *n, mat m, bool fill, int depth)
{
	if (n->type != XML_ELEMENT_NODE || w->g->nomem)
		return;
	if (named(n, "defs") || named(n, "clipPath") || named(n, "mask") ||
	    named(n, "pattern") || named(n, "image") ||
	    (named(n, "symbol") && depth == 0))
		return;
	m = transform_of(n, m);
	xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
	char v[64];
	if (st && style_prop((const char *)st, "fill", v, sizeof v))
		fill = strcmp(v, "none") != 0;
	xmlFree(st);
	if (named(n, "path")) {
		do_path(w, n, m, fill);
	} else if (named(n, "use")) {
		do_use(w, n, m, fill, depth);
	} else {
		for (xmlNode *c = n->children; c; c = c->next)
			walk_node(w, c, m, fill, depth);
	}
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int length)
{
	bki_buf_addn((bki_buf *)closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* The page as SVG text in out. */
static bk_status page_svg(PopplerPage *page, unsigned pageno, bki_buf *out,
                          const char *name, bk_diags *diags)
{
	double w, h;
	poppler_page_get_size(page, &w, &h);
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_buf, out,
	                                                         w, h);
	cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	cairo_status_t cs = bki_boxes_render(page, s, NULL, NULL);
	if (bki_buf_failed(out) || cs == CAIRO_STATUS_NO_MEMORY)
		return bki_diags_nomem(diags, name, "", "reading the page");
	if (cs != CAIRO_STATUS_SUCCESS) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %u: cannot read its drawing: %s", pageno,
		             cairo_status_to_string(cs));
		return BK_ERR_INVALID;
	}
	return BK_OK;
}

bk_status bki_boxes_vector(PopplerPage *page, unsigned pageno,
                           bki_boxes_geom *g, const char *name,
                           bk_diags *diags)
{
	bki_buf svg = {0};
	walk w = {.g = g};
	bk_status st = page_svg(page, pageno, &svg, name, diags);
	if (st != BK_OK)
		goto out;
	if (svg.len > INT_MAX) {
		st = bki_diags_nomem(diags, name, "", "reading the page");
		goto out;
	}
	pthread_once(&xml_once, xml_init);
	w.doc = xmlReadMemory(svg.data, (int)svg.len, "page.svg", NULL,
	                      XML_PARSE_NONET | XML_PARSE_HUGE |
	                      XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!w.doc || !xmlDocGetRootElement(w.doc)) {
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "page %u: its drawing could not be read back",
		             pageno);
		st = BK_ERR_INVALID;
		goto out;
	}
	collect_ids(&w, xmlDocGetRootElement(w.doc));
	if (w.nids)
		bki_sort(w.ids, w.nids, sizeof *w.ids, cmp_id);
	walk_node(&w, xmlDocGetRootElement(w.doc), (mat){1, 0, 0, 1, 0, 0},
	          true, 0);
	if (!g->nomem)
		bki_boxes_assemble(g);
	if (g->nomem)
		st = bki_diags_nomem(diags, name, "", "reading the page");
out:
	if (w.doc)
		xmlFreeDoc(w.doc);
	free(w.ids);
	free(w.pts);
	free(w.subs);
	bki_buf_free(&svg);
	return st;
}
