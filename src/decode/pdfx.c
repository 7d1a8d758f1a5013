/* What a prepress preflight asks of a PDF/X-4 file, read back with qpdf's
 * object model and libxml2 (never by searching the bytes): the checks of
 * bk_decode_pdfx (include/ballotkit/decode.h); and what assistive
 * technology needs of a large-print PDF (bk_decode_pdf_access). Written apart from the
 * writer (src/render/pdfpost.c), sharing no code with it. */
#include "ballotkit/decode.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

/* The problems found, one clause each, "; " between them. */
static void problem(bki_buf *b, const char *what)
{
	if (b->len)
		bki_buf_add(b, "; ");
	bki_buf_add(b, what);
}

/* The string at dict[key] as UTF-8, copied into buf (qpdf's C API keeps
 * one buffer for the strings it returns, overwritten by the next call);
 * NULL when there is none or it does not fit. */
static const char *str_of(qpdf_data q, qpdf_oh dict, const char *key,
                          char *buf, size_t size)
{
	qpdf_oh v = qpdf_oh_get_key(q, dict, key);
	const char *s = qpdf_oh_is_string(q, v) ? qpdf_oh_get_utf8_value(q, v) : NULL;
	if (!s || strlen(s) >= size)
		return NULL;
	memcpy(buf, s, strlen(s) + 1);
	return buf;
}

/* The text of the first element of the XMP packet with that local name
 * and namespace; NULL when there is none. Freed by the caller (xmlFree). */
static xmlChar *xmp_value(xmlNode *n, const char *ns, const char *local)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
		    !strcmp((const char *)n->ns->href, ns) &&
		    !strcmp((const char *)n->name, local))
			return xmlNodeGetContent(n);
		xmlChar *in = xmp_value(n->children, ns, local);
		if (in)
			return in;
	}
	return NULL;
}

/* A PDF date (D:YYYYMMDDHHmmSS...) and an XMP one (YYYY-MM-DDTHH:MM:SS...)
 * name the same second. */
static bool same_date(const char *pdf, const char *xmp)
{
	if (!pdf || !xmp || strncmp(pdf, "D:", 2) || strlen(pdf) < 16 ||
	    strlen(xmp) < 19)
		return false;
	const char *p = pdf + 2;
	static const int at[6] = {0, 5, 8, 11, 14, 17};
	static const int len[6] = {4, 2, 2, 2, 2, 2};
	for (int i = 0, k = 0; i < 6; k += len[i], i++)
		if (strncmp(p + k, xmp + at[i], (size_t)len[i]))
			return false;
	return true;
}

/* The problems found, as the caller's *problems (NULL when none); out of
 * memory when they or an earlier step (lost) could not be kept. */
static bk_status give_problems(const bki_buf *out, bool lost, char **problems,
                               const char *name, const char *doing,
                               bk_diags *diags)
{
	if (lost || bki_buf_failed(out))
		return bki_diags_nomem(diags, name, "", doing);
	if (out->len && !(*problems = bki_strdup(bki_buf_str(out))))
		return bki_diags_nomem(diags, name, "", doing);
	return BK_OK;
}

/* The catalogue's XMP metadata parsed (free with xmlFreeDoc); NULL, with
 * the problem said, when there is none or it is not XML. */
static xmlDoc *read_xmp(qpdf_data q, qpdf_oh root, bki_buf *out)
{
	qpdf_oh md = qpdf_oh_get_key(q, root, "/Metadata");
	unsigned char *data = NULL;
	size_t n = 0;
	if (!qpdf_oh_is_stream(q, md) ||
	    (qpdf_oh_get_stream_data(q, md, qpdf_dl_generalized, NULL, &data, &n) &
	     QPDF_ERRORS)) {
		free(data);
		problem(out, "no XMP metadata stream in the catalogue");
		return NULL;
	}
	xmlDoc *doc = xmlReadMemory((const char *)data, (int)n, "xmp", NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOERROR |
	                            XML_PARSE_NOWARNING);
	free(data);
	if (!doc)
		problem(out, "the XMP metadata is not XML");
	return doc;
}

/* The XMP metadata: PDF/X-4, the Info's dates, the identifiers. */
static void check_xmp(qpdf_data q, qpdf_oh root, qpdf_oh info, bki_buf *out)
{
	xmlDoc *doc = read_xmp(q, root, out);
	if (!doc)
		return;
	xmlNode *top = xmlDocGetRootElement(doc);
	xmlChar *v = xmp_value(top, "http://www.npes.org/pdfx/ns/id/", "GTS_PDFXVersion");
	if (!v || strcmp((const char *)v, "PDF/X-4"))
		problem(out, "the XMP metadata does not say pdfxid:GTS_PDFXVersion PDF/X-4");
	xmlFree(v);
	static const struct {
		const char *info, *xmp;
	} dates[] = {{"/CreationDate", "CreateDate"}, {"/ModDate", "ModifyDate"}};
	for (size_t i = 0; i < 2; i++) {
		char when[64];
		v = xmp_value(top, "http://ns.adobe.com/xap/1.0/", dates[i].xmp);
		if (!same_date(str_of(q, info, dates[i].info, when, sizeof when),
		               (const char *)v)) {
			bki_buf b = {0};
			bki_buf_printf(&b, "the XMP xmp:%s differs from the Info's %s",
			               dates[i].xmp, dates[i].info + 1);
			problem(out, bki_buf_str(&b));
			bki_buf_free(&b);
		}
		xmlFree(v);
	}
	static const char *const ids[] = {"DocumentID", "VersionID", "RenditionClass"};
	for (size_t i = 0; i < 3; i++) {
		v = xmp_value(top, "http://ns.adobe.com/xap/1.0/mm/", ids[i]);
		if (!v || !*v) {
			bki_buf b = {0};
			bki_buf_printf(&b, "the XMP metadata has no xmpMM:%s", ids[i]);
			problem(out, bki_buf_str(&b));
			bki_buf_free(&b);
		}
		xmlFree(v);
	}
	xmlFreeDoc(doc);
}

/* The output intent: GTS_PDFX, a condition named, a CMYK profile
 * embedded. */
static void check_intent(qpdf_data q, qpdf_oh root, bki_buf *out)
{
	qpdf_oh oi = qpdf_oh_get_key(q, root, "/OutputIntents");
	qpdf_oh pdfx = qpdf_oh_new_null(q);
	int n = qpdf_oh_is_array(q, oi) ? qpdf_oh_get_array_n_items(q, oi) : 0;
	for (int i = 0; i < n; i++) {
		qpdf_oh it = qpdf_oh_get_array_item(q, oi, i);
		qpdf_oh s = qpdf_oh_get_key(q, it, "/S");
		if (qpdf_oh_is_name_and_equals(q, s, "/GTS_PDFX"))
			pdfx = it;
	}
	if (qpdf_oh_is_null(q, pdfx)) {
		problem(out, "no OutputIntent of subtype GTS_PDFX");
		return;
	}
	char cond[256];
	if (!str_of(q, pdfx, "/OutputConditionIdentifier", cond, sizeof cond))
		problem(out, "the output intent names no OutputConditionIdentifier");
	qpdf_oh prof = qpdf_oh_get_key(q, pdfx, "/DestOutputProfile");
	qpdf_oh nc = qpdf_oh_is_stream(q, prof)
	             ? qpdf_oh_get_key(q, qpdf_oh_get_dict(q, prof), "/N")
	             : qpdf_oh_new_null(q);
	unsigned char *data = NULL;
	size_t len = 0;
	if (!qpdf_oh_is_integer(q, nc) || qpdf_oh_get_int_value(q, nc) != 4 ||
	    (qpdf_oh_get_stream_data(q, prof, qpdf_dl_generalized, NULL, &data, &len) &
	     QPDF_ERRORS) || len < 128 || memcmp(data + 36, "acsp", 4) ||
	    memcmp(data + 16, "CMYK", 4))
		problem(out, "the output intent embeds no CMYK ICC profile");
	free(data);
}

/* Every font embedded (a Type 3 font is its own drawing). */
static bool fonts_embedded(qpdf_data q, qpdf_oh page)
{
	qpdf_oh fonts = qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"),
	                                "/Font");
	bool ok = true;
	if (!qpdf_oh_is_dictionary(q, fonts))
		return true;
	qpdf_oh_begin_dict_key_iter(q, fonts);
	while (qpdf_oh_dict_more_keys(q)) {
		qpdf_oh f = qpdf_oh_get_key(q, fonts, qpdf_oh_dict_next_key(q));
		if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, f, "/Subtype"), "/Type3"))
			continue;
		qpdf_oh desc = qpdf_oh_get_key(q, f, "/FontDescriptor");
		qpdf_oh kids = qpdf_oh_get_key(q, f, "/DescendantFonts");
		if (qpdf_oh_is_array(q, kids))
			desc = qpdf_oh_get_key(q, qpdf_oh_get_array_item(q, kids, 0),
			                       "/FontDescriptor");
		ok = ok && (qpdf_oh_is_stream(q, qpdf_oh_get_key(q, desc, "/FontFile")) ||
		            qpdf_oh_is_stream(q, qpdf_oh_get_key(q, desc, "/FontFile2")) ||
		            qpdf_oh_is_stream(q, qpdf_oh_get_key(q, desc, "/FontFile3")));
	}
	return ok;
}

/* Every page: TrimBox and BleedBox, fonts embedded. */
static void check_pages(qpdf_data q, bki_buf *out)
{
	int np = qpdf_get_num_pages(q);
	bool boxes = np > 0, fonts = true;
	for (int i = 0; i < np; i++) {
		qpdf_oh pg = qpdf_get_page_n(q, (size_t)i);
		boxes = boxes && qpdf_oh_is_array(q, qpdf_oh_get_key(q, pg, "/TrimBox")) &&
		        qpdf_oh_is_array(q, qpdf_oh_get_key(q, pg, "/BleedBox"));
		fonts = fonts && fonts_embedded(q, pg);
	}
	if (!boxes)
		problem(out, "a page without TrimBox or BleedBox");
	if (!fonts)
		problem(out, "a font not embedded");
}

/* Nothing that runs: no open action, no additional actions, no
 * JavaScript. */
static void check_actions(qpdf_data q, qpdf_oh root, bki_buf *out)
{
	qpdf_oh names = qpdf_oh_get_key(q, root, "/Names");
	if (qpdf_oh_has_key(q, root, "/OpenAction") || qpdf_oh_has_key(q, root, "/AA") ||
	    (qpdf_oh_is_dictionary(q, names) && qpdf_oh_has_key(q, names, "/JavaScript")))
		problem(out, "an action or JavaScript");
}

bk_status bk_decode_pdfx(const char *data, size_t size, const char *name,
                         char **problems, bk_diags *diags)
{
	if (!data || !problems)
		return BK_ERR_USAGE;
	*problems = NULL;
	name = name ? name : "";
	bki_decode_xml_once(); /* the XMP is read with libxml2 */
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	bk_status st = BK_OK;
	bki_buf out = {0};
	if (!bki_decode_qpdf_read(q, data, size, name, diags)) {
		st = BK_ERR_INVALID;
		goto done;
	}
	const char *ver = qpdf_get_pdf_version(q);
	if (!ver || strcmp(ver, "1.6") < 0)
		problem(&out, "the PDF version is below 1.6");
	if (qpdf_is_encrypted(q))
		problem(&out, "it is encrypted");
	qpdf_oh trailer = qpdf_get_trailer(q), root = qpdf_get_root(q);
	qpdf_oh id = qpdf_oh_get_key(q, trailer, "/ID");
	if (!qpdf_oh_is_array(q, id) || qpdf_oh_get_array_n_items(q, id) != 2)
		problem(&out, "no document ID");
	qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
	char vb[32], cb[64], mb[64];
	const char *v = str_of(q, info, "/GTS_PDFXVersion", vb, sizeof vb);
	if (!v || strcmp(v, "PDF/X-4"))
		problem(&out, "the Info does not say GTS_PDFXVersion PDF/X-4");
	if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, info, "/Trapped"), "/False") &&
	    !qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, info, "/Trapped"), "/True"))
		problem(&out, "the Info has no Trapped (True or False)");
	const char *cd = str_of(q, info, "/CreationDate", cb, sizeof cb);
	const char *md = str_of(q, info, "/ModDate", mb, sizeof mb);
	if (!cd || !md || strncmp(cd, "D:", 2) || strncmp(md, "D:", 2))
		problem(&out, "the Info lacks a CreationDate or ModDate of the form D:");
	check_intent(q, root, &out);
	check_xmp(q, root, info, &out);
	check_pages(q, &out);
	check_actions(q, root, &out);
	st = give_problems(&out, false, problems, name, "checking PDF/X", diags);
done:
	bki_buf_free(&out);
	qpdf_cleanup(&q);
	return st;
}

/* The XMP's dc:title and dc:language against the title and language. */
static void check_access_xmp(qpdf_data q, qpdf_oh root, const char *title,
                             const char *lang, bki_buf *out)
{
	xmlDoc *doc = read_xmp(q, root, out);
	if (!doc)
		return;
	xmlNode *top = xmlDocGetRootElement(doc);
	static const char dc[] = "http://purl.org/dc/elements/1.1/";
	xmlChar *v = xmp_value(top, dc, "title");
	if (!v || !title || strcmp((const char *)v, title))
		problem(out, "the XMP dc:title is not the Info's Title");
	xmlFree(v);
	v = xmp_value(top, dc, "language");
	if (!v || strcmp((const char *)v, lang))
		problem(out, "the XMP dc:language is not the document's language");
	xmlFree(v);
	xmlFreeDoc(doc);
}

/* dict[key] is the boolean true. */
static bool is_true(qpdf_data q, qpdf_oh dict, const char *key)
{
	qpdf_oh v = qpdf_oh_get_key(q, dict, key);
	return qpdf_oh_is_bool(q, v) && qpdf_oh_get_bool_value(q, v);
}

bk_status bk_decode_pdf_access(const char *data, size_t size, const char *name,
                               const char *lang, char **problems,
                               bk_diags *diags)
{
	if (!data || !lang || !problems)
		return BK_ERR_USAGE;
	*problems = NULL;
	name = name ? name : "";
	/* opened as bk_decode_pdfx opens its file: a duplicate-code finder
	 * pairs the two heads, which share nothing but the shape */
	bki_decode_xml_once();
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	bk_status st = BK_OK;
	bki_buf out = {0};
	if (!bki_decode_qpdf_read(q, data, size, name, diags)) {
		st = BK_ERR_INVALID;
		goto done;
	}
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
	if (!is_true(q, qpdf_oh_get_key(q, root, "/MarkInfo"), "/Marked"))
		problem(&out, "not marked as tagged (no /MarkInfo with Marked true)");
	if (!qpdf_oh_is_dictionary(q, qpdf_oh_get_key(q, root, "/StructTreeRoot")))
		problem(&out, "no structure tree");
	char lb[16];
	const char *l = str_of(q, root, "/Lang", lb, sizeof lb);
	if (!l || strcmp(l, lang))
		problem(&out, "the catalogue's /Lang is not the document's language");
	if (!is_true(q, qpdf_oh_get_key(q, root, "/ViewerPreferences"), "/DisplayDocTitle"))
		problem(&out, "the viewer is not asked to show the title (DisplayDocTitle)");
	/* copied: qpdf's C API reuses the buffer of the strings it returns */
	qpdf_oh tv = qpdf_oh_get_key(q, info, "/Title");
	char *title = qpdf_oh_is_string(q, tv) ? bki_strdup(qpdf_oh_get_utf8_value(q, tv))
	                                       : NULL;
	bool lost = qpdf_oh_is_string(q, tv) && !title; /* out of memory */
	if (!lost && (!title || !*title))
		problem(&out, "no title in the Info");
	check_access_xmp(q, root, title, lang, &out);
	free(title);
	st = give_problems(&out, lost, problems, name, "checking accessibility", diags);
done:
	bki_buf_free(&out);
	qpdf_cleanup(&q);
	return st;
}
