/* Verifying large print: the text of each large-print PDF, read back
 * through poppler, against the script (the title, the district, then
 * every position's list line, in order) and each leaflet's against its
 * party's or candidate's text. Lines may wrap anywhere, so white space is
 * not compared; every other character is. Each PDF is also read for what
 * assistive technology needs (tagged, its language, its title shown:
 * bk_decode_pdf_access). */
#include "verify/verify-private.h"

#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "definition/definition-private.h"

/* What one read of a large-print PDF gives: its text, and what it lacks
 * for assistive technology in its language. */
typedef struct lp_read {
	const char *lang;
	char *text, *problems;
} lp_read;

static bk_status decode_text(const char *data, size_t n, const char *file,
                             void *out, bk_diags *d)
{
	lp_read *r = out;
	bk_status st = bk_decode_pdf_text(data, n, file, &r->text, d);
	if (st == BK_OK)
		st = bk_decode_pdf_access(data, n, file, r->lang, &r->problems, d);
	return st;
}

/* The PDF's text with white space removed, or false with the reason; a
 * PDF that assistive technology cannot follow fails the check c too. */
static bool pdf_text(vkit *k, size_t c, const char *file, const char *lang,
                     bki_buf *out)
{
	lp_read r = {lang, NULL, NULL};
	bool ok = vk_decode(k, c, file, decode_text, &r);
	if (ok)
		vk_no_space(r.text, out);
	if (ok && r.problems)
		vk_fail(k, c, 0, "is not readable by assistive technology: %s",
		        r.problems);
	bk_free(r.text);
	bk_free(r.problems);
	return ok;
}

/* At most 60 bytes of s, cut at a character boundary, for a message. */
static int clip(const char *s)
{
	size_t n = strlen(s);
	if (n <= 60)
		return (int)n;
	n = 60;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static void check_list(vkit *k, size_t l, const char *file)
{
	size_t c = vk_check(k, file, "large-print");
	bki_buf text = {0};
	if (!pdf_text(k, c, file, k->langs[l], &text)) {
		bki_buf_free(&text);
		return;
	}
	const char *at = bki_buf_str(&text);
	json_t *script = k->script[l];
	json_t *positions = vk_positions(k, l);
	size_t n = json_array_size(positions);
	bki_buf want = {0};
	for (size_t i = 0; i < n + 2; i++) {
		json_t *pos = i >= 2 ? json_array_get(positions, i - 2) : NULL;
		const char *line = i == 0 ? vk_str(script, "title")
		                   : i == 1 ? vk_str(script, "district")
		                            : vk_str(pos, "list");
		unsigned number = pos ? vk_position_number(k, l, i - 2) : 0;
		bki_buf_truncate(&want, 0);
		vk_no_space(line, &want);
		if (strncmp(at, bki_buf_str(&want), want.len)) {
			const char *what = i == 0 ? "the title" : i == 1 ? "the district" : NULL;
			if (what)
				vk_fail(k, c, 0, "%s reads \"%.*s\", the script says \"%s\"",
				        what, clip(at), at, line);
			else
				vk_fail(k, c, number, "reads \"%.*s\", the script says \"%s\"",
				        clip(at), at, line);
			break;
		}
		at += want.len;
	}
	if (!vk_failed(k, c) && *at)
		vk_fail(k, c, 0, "has more than the script: \"%.*s\"", clip(at), at);
	bki_buf_free(&want);
	bki_buf_free(&text);
}

static void check_leaflet(vkit *k, const vleaflet *f)
{
	bki_buf file = {0};
	bki_buf_printf(&file, "leaflets/%s-large-print.pdf", f->base);
	size_t c = vk_check(k, bki_buf_str(&file), "leaflet");
	bki_buf text = {0};
	if (!pdf_text(k, c, bki_buf_str(&file), f->lang, &text))
		goto done;
	if (k->v->e) {
		bki_buf heading = {0}, body = {0}, source = {0}, want = {0};
		if (bki_election_leaflet_text(k->v->e, f->kind, f->id,
		                             bki_lang_index(f->lang), &heading, &body,
		                             &source)) {
			vk_no_space(bki_buf_str(&heading), &want);
			vk_no_space(bki_buf_str(&body), &want);
		}
		if (strcmp(bki_buf_str(&text), bki_buf_str(&want))) {
			size_t i = 0;
			const char *a = bki_buf_str(&text), *b = bki_buf_str(&want);
			while (a[i] && a[i] == b[i])
				i++;
			while (i > 0 && ((unsigned char)a[i] & 0xC0) == 0x80)
				i--;
			vk_fail(k, c, f->number, "is not the leaflet of %s %s in %s: it "
			        "reads \"…%.*s\" where the text has \"…%.*s\"", f->kind, f->id,
			        f->lang, clip(a + i), a + i, clip(b + i), b + i);
		}
		bki_buf_free(&heading);
		bki_buf_free(&body);
		bki_buf_free(&source);
		bki_buf_free(&want);
	} else {
		/* without a definition: it must say what the braille says */
		bki_buf letters = {0};
		bki_utf8_letters(bki_buf_str(&text), &letters);
		if (!letters.len)
			vk_fail(k, c, f->number, "holds no text");
		bki_buf_free(&letters);
	}
done:
	bki_buf_free(&text);
	bki_buf_free(&file);
}

void vk_check_print(vkit *k)
{
	bki_buf file = {0};
	if (k->outputs & VO_LARGE_PRINT)
		for (size_t l = 0; l < k->nlangs; l++) {
			bki_buf_truncate(&file, 0);
			bki_buf_printf(&file, "large-print/%s-%s-large-print.pdf", k->ballot,
			              k->langs[l]);
			check_list(k, l, bki_buf_str(&file));
		}
	if (k->outputs & VO_LEAFLET_LARGE_PRINT)
		for (size_t i = 0; i < k->nleaflets; i++)
			check_leaflet(k, &k->leaflets[i]);
	bki_buf_free(&file);
}
