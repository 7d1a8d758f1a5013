/* The text of a PDF as poppler extracts it, for checks of print text.
 * Shares no code with the renderer. */
#include "ballotkit/decode.h"

#include <poppler.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

bk_status bk_decode_pdf_text(const char *data, size_t size, const char *name,
                             char **text, bk_diags *diags)
{
	if (!text || (!data && size))
		return BK_ERR_USAGE;
	*text = NULL;
	if (!name)
		name = "";
	PopplerDocument *doc = bk_decode_open_pdf(data, size, name, diags);
	if (!doc)
		return BK_ERR_INVALID;
	bk_buf out = {0};
	int n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *t = page ? poppler_page_get_text(page) : NULL;
		if (t)
			bk_buf_add(&out, t);
		bk_buf_addc(&out, '\f');
		g_free(t);
		if (page)
			g_object_unref(page);
	}
	g_object_unref(doc);
	if (!n) {
		bk_buf_free(&out);
		bk_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "the PDF has no pages");
		return BK_ERR_INVALID;
	}
	*text = bk_buf_steal(&out);
	if (!*text)
		return bk_diags_nomem(diags, name, "", "reading the PDF's text");
	return BK_OK;
}
