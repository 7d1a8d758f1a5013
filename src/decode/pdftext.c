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
	PopplerDocument *doc = bki_decode_open_pdf(data, size, name, diags);
	if (!doc)
		return BK_ERR_INVALID;
	bki_buf out = {0};
	int n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *t = page ? poppler_page_get_text(page) : NULL;
		if (t)
			bki_buf_add(&out, t);
		bki_buf_addc(&out, '\f');
		g_free(t);
		if (page)
			g_object_unref(page);
	}
	g_object_unref(doc);
	if (!n) {
		bki_buf_free(&out);
		bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
		             "the PDF has no pages");
		return BK_ERR_INVALID;
	}
	*text = bki_buf_steal(&out);
	if (!*text)
		return bki_diags_nomem(diags, name, "", "reading the PDF's text");
	return BK_OK;
}
