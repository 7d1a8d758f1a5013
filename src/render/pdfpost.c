/* Making a Cairo PDF fit for a print shop, with qpdf's library: Cairo 1.16
 * writes every colour as RGB inside an RGB page group and knows neither
 * separations, overprint nor page boxes (../shared/reference/cairo-pdf.md).
 * The drawing uses reserved RGB colours for the die line and the spot ink;
 * here every page's content is rewritten colour by colour: black becomes
 * DeviceGray, the reserved colours become Separation colour spaces, and
 * anything else is refused, so no RGB reaches the press. Why qpdf and not
 * an incremental update of our own: docs/decisions.md. */
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "util/util.h"

#define MM_TO_PT (72.0 / 25.4)

typedef struct tok {
	const char *s;
	size_t n;
} tok;

static bool is_delim(char c)
{
	return strchr(" \t\r\n\f()<>[]{}/%", c) != NULL || c == '\0';
}

/* The next token of a content stream: a number or operator word, a name,
 * a string (literal or hex, kept whole), or a single delimiter. */
static bool next_token(const char *p, size_t len, size_t *i, tok *t)
{
	while (*i < len && strchr(" \t\r\n\f", p[*i]))
		(*i)++;
	if (*i >= len)
		return false;
	size_t a = *i;
	char c = p[a];
	if (c == '(') {
		int depth = 0;
		while (*i < len) {
			char d = p[*i];
			if (d == '\\') {
				*i += 2;
				continue;
			}
			if (d == '(')
				depth++;
			else if (d == ')' && --depth == 0) {
				(*i)++;
				break;
			}
			(*i)++;
		}
	} else if (c == '<' && a + 1 < len && p[a + 1] == '<') {
		*i += 2;
	} else if (c == '>' && a + 1 < len && p[a + 1] == '>') {
		*i += 2;
	} else if (c == '<') {
		while (*i < len && p[*i] != '>')
			(*i)++;
		(*i)++;
	} else if (c == '%') {
		while (*i < len && p[*i] != '\n' && p[*i] != '\r')
			(*i)++;
	} else if (strchr("[]{}", c)) {
		(*i)++;
	} else {
		(*i)++; /* a name's slash, or the first character of a word */
		while (*i < len && !is_delim(p[*i]))
			(*i)++;
	}
	t->s = p + a;
	t->n = *i - a;
	return true;
}

static bool number(const tok *t, double *v)
{
	char buf[32];
	if (!t->n || t->n >= sizeof buf || !strchr("0123456789.-+", t->s[0]))
		return false;
	memcpy(buf, t->s, t->n);
	buf[t->n] = '\0';
	char *end;
	*v = strtod(buf, &end);
	return *end == '\0';
}

static bool same_rgb(const double *v, const double *rgb)
{
	return fabs(v[0] - rgb[0]) < 1e-6 && fabs(v[1] - rgb[1]) < 1e-6 &&
	       fabs(v[2] - rgb[2]) < 1e-6;
}

/* Rewrites the colour operators of one content stream into out. */
static bk_status rewrite(const char *p, size_t len, const bki_pdf_print_setup *ps,
                         bki_buf *out, bk_diags *diags)
{
	tok win[3];
	size_t nwin = 0;
	size_t i = 0, flushed = 0;
	tok t;
	bki_buf_add(out, "/BKop gs\n");
	static const char *const refused[] = {"cs", "CS", "sc", "SC", "scn",
	                                      "SCN", "k", "K", "BI", "sh",
	                                      "Do", NULL};
	while (next_token(p, len, &i, &t)) {
		/* only rg/RG, g/G are expected from the drawing; any other way
		 * of setting a colour, an inline image, a shading or an XObject
		 * could bring RGB to the press: refused */
		for (size_t r = 0; refused[r]; r++)
			if (t.n == strlen(refused[r]) && !memcmp(t.s, refused[r], t.n)) {
				bki_diags_add(diags, BK_ERROR, "print-colour", "", 0, 0, "",
				             "the drawing used the PDF operator %s, which "
				             "the print post-processing cannot vouch for",
				             refused[r]);
				return BK_ERR_INVALID;
			}
		bool fill = t.n == 2 && !memcmp(t.s, "rg", 2);
		bool stroke = t.n == 2 && !memcmp(t.s, "RG", 2);
		if ((fill || stroke) && nwin == 3) {
			double v[3];
			if (!number(&win[0], &v[0]) || !number(&win[1], &v[1]) ||
			    !number(&win[2], &v[2]))
				return BK_ERR_INVALID;
			/* copy up to the first number, then the replacement */
			bki_buf_addn(out, p + flushed, (size_t)(win[0].s - (p + flushed)));
			if (same_rgb(v, (const double[3]){0, 0, 0}))
				bki_buf_add(out, fill ? "0 g" : "0 G");
			else if (same_rgb(v, (const double[3]){1, 1, 1}))
				bki_buf_add(out, fill ? "1 g" : "1 G");
			else if (same_rgb(v, ps->cut_rgb))
				bki_buf_add(out, fill ? "/BKcut cs 1 scn" : "/BKcut CS 1 SCN");
			else if (same_rgb(v, ps->spot_rgb))
				bki_buf_add(out, fill ? "/BKspot cs 1 scn" : "/BKspot CS 1 SCN");
			else {
				bki_diags_add(diags, BK_ERROR, "print-colour", "", 0, 0, "",
				             "the drawing used the colour %g %g %g, "
				             "which has no ink in the print PDF", v[0],
				             v[1], v[2]);
				return BK_ERR_INVALID;
			}
			flushed = (size_t)(t.s + t.n - p);
			nwin = 0;
			continue;
		}
		if (nwin == 3) {
			win[0] = win[1];
			win[1] = win[2];
			nwin = 2;
		}
		win[nwin++] = t;
	}
	bki_buf_addn(out, p + flushed, len - flushed);
	return BK_OK;
}

static qpdf_oh box(qpdf_data q, double x0, double y0, double x1, double y1)
{
	char s[160];
	snprintf(s, sizeof s, "[%.4f %.4f %.4f %.4f]", x0, y0, x1, y1);
	return qpdf_oh_parse(q, s);
}

/* Adds key -> value into the dictionary at dict[name], creating it. */
static void merge(qpdf_data q, qpdf_oh dict, const char *name,
                  const char *key, const char *value)
{
	qpdf_oh sub = qpdf_oh_get_key(q, dict, name);
	if (!qpdf_oh_is_dictionary(q, sub)) {
		sub = qpdf_oh_new_dictionary(q);
		qpdf_oh_replace_key(q, dict, name, sub);
	}
	qpdf_oh_replace_key(q, sub, key, qpdf_oh_parse(q, value));
}

bk_status bki_pdf_for_print(const char *data, size_t size,
                           const bki_pdf_print_setup *ps, bki_sink *out,
                           bk_diags *diags)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	bk_status st = BK_OK;
	char sep[512];
	if (qpdf_read_memory(q, "stencil.pdf", data, (unsigned long long)size,
	                     NULL) & QPDF_ERRORS) {
		st = BK_ERR_INVALID;
		goto done;
	}
	int pages = qpdf_get_num_pages(q);
	for (int pg = 0; st == BK_OK && pg < pages; pg++) {
		qpdf_oh page = qpdf_get_page_n(q, (size_t)pg);
		unsigned char *content = NULL;
		size_t clen = 0;
		if (qpdf_oh_get_page_content_data(q, page, &content, &clen) & QPDF_ERRORS) {
			st = BK_ERR_INVALID;
			break;
		}
		bki_buf nc = {0};
		st = rewrite((const char *)content, clen, ps, &nc, diags);
		free(content);
		if (st == BK_OK && bki_buf_failed(&nc))
			st = bki_diags_nomem(diags, "", "", "preparing the PDF for print");
		if (st != BK_OK) {
			bki_buf_free(&nc);
			break;
		}
		qpdf_oh stream = qpdf_oh_new_stream(q);
		qpdf_oh_replace_stream_data(q, stream, (const unsigned char *)nc.data,
		                            nc.len, qpdf_oh_new_null(q),
		                            qpdf_oh_new_null(q));
		bki_buf_free(&nc);
		qpdf_oh_replace_key(q, page, "/Contents",
		                    qpdf_make_indirect_object(q, stream));
		/* separations, overprint, a CMYK page group */
		qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
		if (!qpdf_oh_is_dictionary(q, res)) {
			res = qpdf_oh_new_dictionary(q);
			qpdf_oh_replace_key(q, page, "/Resources", res);
		}
		snprintf(sep, sizeof sep,
		         "[/Separation /%s /DeviceCMYK << /FunctionType 2 /Domain [0 1]"
		         " /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>]", ps->cut_name);
		merge(q, res, "/ColorSpace", "/BKcut", sep);
		snprintf(sep, sizeof sep,
		         "[/Separation /%s /DeviceCMYK << /FunctionType 2 /Domain [0 1]"
		         " /C0 [0 0 0 0] /C1 [0 0 0 0.3] /N 1 >>]", ps->spot_name);
		merge(q, res, "/ColorSpace", "/BKspot", sep);
		merge(q, res, "/ExtGState", "/BKop",
		      "<< /Type /ExtGState /OP true /op true /OPM 1 >>");
		qpdf_oh_replace_key(q, page, "/Group",
		                    qpdf_oh_parse(q, "<< /Type /Group /S /Transparency"
		                                     " /CS /DeviceCMYK /I true >>"));
		/* page boxes: y from the bottom in PDF */
		qpdf_oh mb = qpdf_oh_get_key(q, page, "/MediaBox");
		double mh = qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, mb, 3));
		double tx0 = ps->trim[0] * MM_TO_PT;
		double ty1 = mh - ps->trim[1] * MM_TO_PT;
		double tx1 = tx0 + ps->trim[2] * MM_TO_PT;
		double ty0 = ty1 - ps->trim[3] * MM_TO_PT;
		double b = ps->bleed * MM_TO_PT;
		qpdf_oh_replace_key(q, page, "/TrimBox", box(q, tx0, ty0, tx1, ty1));
		qpdf_oh_replace_key(q, page, "/BleedBox",
		                    box(q, tx0 - b, ty0 - b, tx1 + b, ty1 + b));
	}
	if (st == BK_OK && qpdf_has_error(q))
		st = BK_ERR_INVALID;
	if (st == BK_OK) {
		qpdf_init_write_memory(q);
		qpdf_set_deterministic_ID(q, QPDF_TRUE);
		qpdf_set_compress_streams(q, QPDF_TRUE);
		if (qpdf_write(q) & QPDF_ERRORS) {
			st = BK_ERR_IO;
		} else {
			if (!bki_sink_write(out, qpdf_get_buffer(q),
			                   qpdf_get_buffer_length(q)))
				st = out->status;
		}
	}
done:
	if (st != BK_OK && qpdf_has_error(q))
		bki_diags_add(diags, BK_ERROR, "print-pdf", "", 0, 0, "",
		             "qpdf: %s", qpdf_get_error_full_text(q, qpdf_get_error(q)));
	else if (st != BK_OK && out->status == BK_OK && !bk_diags_count(diags))
		bki_diags_add(diags, BK_ERROR, "print-pdf", "", 0, 0, "",
		             "the print PDF could not be made");
	qpdf_cleanup(&q);
	return st;
}
