/* Making a Cairo PDF fit for a print shop, with qpdf's library: Cairo 1.16
 * writes every colour as RGB inside an RGB page group and knows neither
 * separations, overprint nor page boxes (../shared/reference/cairo-pdf.md).
 * The drawing uses reserved RGB colours for the die line and the spot ink;
 * here every page's content is rewritten colour by colour: black becomes
 * DeviceGray (or, for the swell stencil, the process plate Black as a
 * Separation), the reserved colours become Separation colour spaces, and
 * anything else is refused, so no RGB reaches the press. Why qpdf and not
 * an incremental update of our own: docs/decisions.md. */
#include <errno.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "render/qpdf-write.h"
#include "util/cache.h"
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
			if (ps->black.rgb && same_rgb(v, ps->black.rgb))
				bki_buf_add(out, fill ? "/BKblack cs 1 scn" : "/BKblack CS 1 SCN");
			else if (same_rgb(v, (const double[3]){0, 0, 0}))
				bki_buf_add(out, fill ? "0 g" : "0 G");
			else if (same_rgb(v, (const double[3]){1, 1, 1}))
				bki_buf_add(out, fill ? "1 g" : "1 G");
			else if (ps->cut.rgb && same_rgb(v, ps->cut.rgb))
				bki_buf_add(out, fill ? "/BKcut cs 1 scn" : "/BKcut CS 1 SCN");
			else if (ps->spot.rgb && same_rgb(v, ps->spot.rgb))
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

/* A page box written to 4 decimals, rounded inwards: a box as large as
 * the MediaBox (a swell page is all trim) must not poke out of it by a
 * rounding. */
static qpdf_oh box(qpdf_data q, double x0, double y0, double x1, double y1)
{
	char s[160];
	snprintf(s, sizeof s, "[%.4f %.4f %.4f %.4f]", ceil(x0 * 1e4 - 1e-6) / 1e4,
	         ceil(y0 * 1e4 - 1e-6) / 1e4, floor(x1 * 1e4 + 1e-6) / 1e4,
	         floor(y1 * 1e4 + 1e-6) / 1e4);
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

const char *bki_output_intent_icc(void)
{
	const char *env = getenv("BALLOTKIT_OUTPUT_INTENT");
	return env && *env ? env : BK_OUTPUT_INTENT_ICC;
}

int bki_output_intent_read(char **data, size_t *size)
{
	*data = NULL;
	if (bki_read_file(bki_output_intent_icc(), data, size))
		return errno ? errno : EIO;
	/* ICC.1 header: size, ..., device class at 12, colour space at 16,
	 * the signature "acsp" at 36 */
	const unsigned char *h = (const unsigned char *)*data;
	if (*size < 128 || memcmp(h + 36, "acsp", 4) || memcmp(h + 12, "prtr", 4) ||
	    memcmp(h + 16, "CMYK", 4)) {
		free(*data);
		*data = NULL;
		return EINVAL;
	}
	return 0;
}

const char *bki_output_intent_reason(int err)
{
	return err == EINVAL ? "it is not a CMYK output (printer) ICC profile"
	                     : bki_read_error();
}

/* ---- PDF/X-4 (docs/stencil.md, "PDF/X-4") ---- */

/* What the output intent says of the profile: Ghostscript's default CMYK
 * profile is SWOP-like, not a registered characterisation, so the
 * condition is "Custom" with a description (the choice, and
 * docs/decisions.md's); a profile given in its place is named by its
 * file. */
#define PDFX_CONDITION "Custom"
#define PDFX_DEFAULT_TEXT "CMYK, Ghostscript default_cmyk.icc (SWOP-like " \
	"coated offset, not a registered characterisation); replace it with " \
	"the press's own output profile"

static void pdfx_condition(char *out, size_t n)
{
	const char *path = bki_output_intent_icc();
	const char *slash = strrchr(path, '/');
	if (!strcmp(path, BK_OUTPUT_INTENT_ICC))
		snprintf(out, n, "%s", PDFX_DEFAULT_TEXT);
	else
		snprintf(out, n, "CMYK, the output profile %s given for this press",
		         slash ? slash + 1 : path);
}

/* The dates of the PDF: the PDF form (D:YYYYMMDDHHmmSS+00'00') and the
 * XMP form, from SOURCE_DATE_EPOCH or the election's date. */
static void pdfx_dates(const char *date, char pdf[40], char xmp[40])
{
	char iso[32]; /* YYYY-MM-DDTHH:MM:SSZ */
	bki_render_pdf_date(date, iso);
	if (strlen(iso) < 19)
		snprintf(iso, sizeof iso, "2000-01-01T00:00:00Z");
	snprintf(pdf, 40, "D:%.4s%.2s%.2s%.2s%.2s%.2s+00'00'", iso, iso + 5,
	         iso + 8, iso + 11, iso + 14, iso + 17);
	snprintf(xmp, 40, "%.19s+00:00", iso);
}

/* The XMP packet: what the Info dictionary says, and the identifiers
 * PDF/X-4 asks for, the document's made from a digest of its drawing so
 * the same stencil gives the same bytes. */
/* The XMP packet's head, up to the rdf:Description's namespaces. */
#define XMP_BEGIN "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" \
	"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n" \
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" \
	"<rdf:Description rdf:about=\"\"\n"

static void pdfx_xmp(bki_buf *b, const char *title, const char *when,
                     const unsigned char id[BK_SHA256_SIZE])
{
	char uuid[40];
	snprintf(uuid, sizeof uuid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	         "%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2], id[3], id[4],
	         id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13],
	         id[14], id[15]);
	bki_buf_add(b, XMP_BEGIN
	            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	            " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	            " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	            " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"\n"
	            " xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n"
	            "<dc:format>application/pdf</dc:format>\n"
	            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	bki_buf_add_xml(b, title);
	bki_buf_printf(b, "</rdf:li></rdf:Alt></dc:title>\n"
	               "<xmp:CreateDate>%s</xmp:CreateDate>\n"
	               "<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
	               "<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
	               "<xmp:CreatorTool>ballotkit</xmp:CreatorTool>\n"
	               "<pdf:Producer>ballotkit</pdf:Producer>\n"
	               "<pdf:Trapped>False</pdf:Trapped>\n"
	               "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n"
	               "<xmpMM:DocumentID>uuid:%s</xmpMM:DocumentID>\n"
	               "<xmpMM:InstanceID>uuid:%s</xmpMM:InstanceID>\n"
	               "<xmpMM:VersionID>1</xmpMM:VersionID>\n"
	               "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
	               "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	               "<?xpacket end=\"w\"?>", when, when, when, uuid, uuid);
}

/* A stream object of q holding data, with the dictionary entries dict
 * (PDF syntax, without the brackets) added. */
static qpdf_oh new_stream(qpdf_data q, const char *data, size_t n,
                          const char *dict)
{
	qpdf_oh st = qpdf_oh_new_stream(q);
	qpdf_oh_replace_stream_data(q, st, (const unsigned char *)data, n,
	                            qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	qpdf_oh d = qpdf_oh_get_dict(q, st);
	qpdf_oh add = qpdf_oh_parse(q, dict);
	qpdf_oh_begin_dict_key_iter(q, add);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);
		qpdf_oh_replace_key(q, d, k, qpdf_oh_get_key(q, add, k));
	}
	return qpdf_make_indirect_object(q, st);
}

/* The document made PDF/X-4 (see bki_pdf_for_print); id digests the
 * drawing. */
static bk_status pdfx(qpdf_data q, const bki_pdf_print_setup *ps,
                      const unsigned char id[BK_SHA256_SIZE], bk_diags *diags)
{
	const char *icc_path = bki_output_intent_icc();
	char *icc = NULL;
	size_t icc_n = 0;
	int err = bki_output_intent_read(&icc, &icc_n);
	if (err == ENOMEM)
		return bki_diags_nomem(diags, icc_path, "", "reading the output profile");
	if (err) {
		bki_diags_add(diags, BK_ERROR, "unavailable", icc_path, 0, 0, "",
		             "cannot use the print PDF's output profile (PDF/X "
		             "output intent): %s", bki_output_intent_reason(err));
		return BK_ERR_CONFIG;
	}
	char pdf_date[40], xmp_date[40];
	pdfx_dates(ps->date, pdf_date, xmp_date);
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh trailer = qpdf_get_trailer(q);
	qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
	if (!qpdf_oh_is_dictionary(q, info)) {
		info = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
		qpdf_oh_replace_key(q, trailer, "/Info", info);
	}
	/* copied: qpdf's C API keeps one buffer for the strings it returns,
	 * and the calls below (a dictionary's keys) overwrite it */
	const char *t = qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, info, "/Title"));
	char *title = bki_strdup(t ? t : "");
	if (!title) {
		free(icc);
		return bki_diags_nomem(diags, "", "", "writing the PDF's metadata");
	}
	qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, pdf_date));
	qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, pdf_date));
	qpdf_oh_replace_key(q, info, "/Producer", qpdf_oh_new_string(q, "ballotkit"));
	qpdf_oh_replace_key(q, info, "/Creator", qpdf_oh_new_string(q, "ballotkit"));
	qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion", qpdf_oh_new_string(q, "PDF/X-4"));
	qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q, "/False"));
	qpdf_oh profile = new_stream(q, icc, icc_n, "<< /N 4 >>");
	free(icc);
	char cond[512];
	pdfx_condition(cond, sizeof cond);
	qpdf_oh intent = qpdf_oh_parse(q, "<< /Type /OutputIntent /S /GTS_PDFX"
	                               " /OutputConditionIdentifier (" PDFX_CONDITION ")"
	                               " /RegistryName (http://www.color.org) >>");
	qpdf_oh_replace_key(q, intent, "/OutputCondition", qpdf_oh_new_unicode_string(q, cond));
	qpdf_oh_replace_key(q, intent, "/Info", qpdf_oh_new_unicode_string(q, cond));
	qpdf_oh_replace_key(q, intent, "/DestOutputProfile", profile);
	qpdf_oh intents = qpdf_oh_new_array(q);
	qpdf_oh_append_item(q, intents, intent);
	qpdf_oh_replace_key(q, root, "/OutputIntents", intents);
	bki_buf xmp = {0};
	pdfx_xmp(&xmp, title, xmp_date, id);
	free(title);
	if (bki_buf_failed(&xmp)) {
		bki_buf_free(&xmp);
		return bki_diags_nomem(diags, "", "", "writing the PDF's metadata");
	}
	qpdf_oh_replace_key(q, root, "/Metadata",
	                    new_stream(q, xmp.data, xmp.len,
	                               "<< /Type /Metadata /Subtype /XML >>"));
	bki_buf_free(&xmp);
	return BK_OK;
}

bool bki_qpdf_write(qpdf_data q)
{
	qpdf_init_write_memory(q);
	qpdf_set_minimum_pdf_version(q, "1.6");
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	qpdf_set_compress_streams(q, QPDF_TRUE);
	return !(qpdf_write(q) & QPDF_ERRORS);
}

/* Ends a post-processing: when st is BK_OK, q written (bki_qpdf_write)
 * through out; when anything failed, what qpdf said, or that what (the
 * document) could not be made, unless the callback failed or a reason is
 * already given. */
static bk_status finish(qpdf_data q, bk_status st, bki_sink *out,
                        const char *what, bk_diags *diags)
{
	if (st == BK_OK && qpdf_has_error(q))
		st = BK_ERR_INVALID;
	if (st == BK_OK && !bki_qpdf_write(q))
		st = BK_ERR_IO;
	else if (st == BK_OK && !bki_sink_write(out, qpdf_get_buffer(q),
	                                        qpdf_get_buffer_length(q)))
		st = out->status;
	if (st != BK_OK && qpdf_has_error(q))
		bki_diags_add(diags, BK_ERROR, "print-pdf", "", 0, 0, "",
		             "qpdf: %s", qpdf_get_error_full_text(q, qpdf_get_error(q)));
	else if (st != BK_OK && out->status == BK_OK && !bk_diags_count(diags))
		bki_diags_add(diags, BK_ERROR, "print-pdf", "", 0, 0, "",
		             "%s could not be made", what);
	return st;
}

bk_status bki_pdf_for_print(const char *data, size_t size,
                           const bki_pdf_print_setup *ps, bki_sink *out,
                           bk_diags *diags)
{
	bki_c_numeric num = bki_c_numeric_enter(); /* the alternates' %g */
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
		const struct {
			const char *res;
			const bki_pdf_ink *ink;
		} inks[] = {{"/BKblack", &ps->black}, {"/BKcut", &ps->cut},
		            {"/BKspot", &ps->spot}};
		for (size_t k = 0; k < sizeof inks / sizeof *inks; k++) {
			const bki_pdf_ink *ink = inks[k].ink;
			if (!ink->rgb)
				continue;
			snprintf(sep, sizeof sep,
			         "[/Separation /%s /DeviceCMYK << /FunctionType 2 /Domain [0 1]"
			         " /C0 [0 0 0 0] /C1 [%g %g %g %g] /N 1 >>]", ink->name,
			         ink->cmyk[0], ink->cmyk[1], ink->cmyk[2], ink->cmyk[3]);
			merge(q, res, "/ColorSpace", inks[k].res, sep);
		}
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
	unsigned char id[BK_SHA256_SIZE];
	bki_sha256(data, size, id);
	if (st == BK_OK)
		st = pdfx(q, ps, id, diags);
done:
	st = finish(q, st, out, "the print PDF", diags);
	qpdf_cleanup(&q);
	bki_c_numeric_leave(&num);
	return st;
}

/* ---- large print for assistive technology ---- */

static void access_xmp(bki_buf *b, const char *title, const char *lang)
{
	bki_buf_add(b, XMP_BEGIN
	            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	            "<dc:format>application/pdf</dc:format>\n"
	            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	bki_buf_add_xml(b, title);
	bki_buf_add(b, "</rdf:li></rdf:Alt></dc:title>\n<dc:language><rdf:Bag><rdf:li>");
	bki_buf_add_xml(b, lang);
	bki_buf_add(b, "</rdf:li></rdf:Bag></dc:language>\n"
	            "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	            "<?xpacket end=\"w\"?>");
}

bk_status bki_pdf_accessible(const char *data, size_t size, const char *lang,
                             bki_sink *out, bk_diags *diags)
{
	bki_c_numeric num = bki_c_numeric_enter();
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	bk_status st = BK_OK;
	char *title = NULL;
	bki_buf xmp = {0};
	if (qpdf_read_memory(q, "large-print.pdf", data, (unsigned long long)size,
	                     NULL) & QPDF_ERRORS) {
		st = BK_ERR_INVALID;
		goto done;
	}
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
	/* copied: qpdf's C API reuses the buffer of the strings it returns */
	const char *t = qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, info, "/Title"));
	title = bki_strdup(t ? t : "");
	if (title)
		access_xmp(&xmp, title, lang);
	if (!title || bki_buf_failed(&xmp)) {
		st = bki_diags_nomem(diags, "", "", "writing the PDF's metadata");
		goto done;
	}
	qpdf_oh_replace_key(q, root, "/MarkInfo", qpdf_oh_parse(q, "<< /Marked true >>"));
	qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
	qpdf_oh_replace_key(q, root, "/ViewerPreferences",
	                    qpdf_oh_parse(q, "<< /DisplayDocTitle true >>"));
	qpdf_oh_replace_key(q, root, "/Metadata",
	                    new_stream(q, xmp.data, xmp.len,
	                               "<< /Type /Metadata /Subtype /XML >>"));
done:
	st = finish(q, st, out, "the large-print PDF", diags);
	free(title);
	bki_buf_free(&xmp);
	qpdf_cleanup(&q);
	bki_c_numeric_leave(&num);
	return st;
}
