/* The decoders read back what the writers wrote, cell for cell, and are
 * themselves checked on hand-written BRF and PEF. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static char *render(const bk_braille_doc *doc, int fmt, size_t *n)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);
	if (fmt == 0)
		bk_braille_doc_write_brf(doc, BK_BRF_FF, f);
	else if (fmt == 1)
		bk_braille_doc_write_pef(doc, f);
	else
		bk_braille_doc_write_brf(doc, BK_BRF_NONE, f);
	fclose(f);
	return buf;
}

static int same(const bk_braille_doc *doc, const bk_cell_pages *p)
{
	if (!p || bk_cell_pages_count(p) != bk_braille_doc_page_count(doc))
		return 0;
	for (size_t pg = 0; pg < bk_braille_doc_page_count(doc); pg++) {
		for (size_t l = 0; l < bk_braille_doc_line_count(doc, pg); l++) {
			size_t a, b;
			const unsigned char *x = bk_braille_doc_line(doc, pg, l, &a);
			const unsigned char *y = bk_cell_pages_line(p, pg, l, &b);
			while (a && x[a - 1] == 0)
				a--;
			if (a != b || (a && memcmp(x, y, a))) {
				printf("# page %zu line %zu differs\n", pg + 1, l + 1);
				return 0;
			}
		}
	}
	return 1;
}

int main(void)
{
	bk_templates *tpl = NULL;
	bk_braille *br = NULL;
	bk_election *e = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_braille_open(&br, NULL, tpl, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		printf("Bail out! templates, tables or example not found\n");
		return 1;
	}
	const char *ballots[] = {"mazhilis-list", "mazhilis-07"};
	const char *langs[] = {"kk", "ru"};
	for (int bi = 0; bi < 2; bi++)
	for (int li = 0; li < 2; li++) {
		bk_script *s = NULL;
		bk_braille_doc *doc = NULL;
		bk_braille_layout L = BK_BRAILLE_LAYOUT_INIT;
		L.cells = 28;
		L.lines = 12;
		L.binding = 2;
		L.interpoint = li;
		bk_script_create(&s, e, ballots[bi], langs[li], tpl, NULL);
		TAP_OK(s && bk_braille_list(&doc, br, s, &L, NULL) == BK_OK,
		       "%s/%s: braille list", ballots[bi], langs[li]);
		TAP_OK(doc && bk_braille_doc_page_count(doc) >= 2,
		       "%s/%s: more than one page at 28 x 12", ballots[bi], langs[li]);
		for (int fmt = 0; doc && fmt < 3; fmt++) {
			size_t n = 0;
			char *data = render(doc, fmt, &n);
			bk_cell_pages *p = NULL;
			bk_diags *d = bk_diags_create();
			bk_status st = fmt == 1 ? bk_decode_pef(&p, data, n, "t.pef", d)
			                        : bk_decode_brf(&p, data, n, "t.brf",
			                                        fmt == 2 ? 12 : 0, d);
			TAP_OK(st == BK_OK && same(doc, p), "%s/%s: %s decodes to the same cells",
			       ballots[bi], langs[li],
			       fmt == 0 ? "BRF" : fmt == 1 ? "PEF" : "BRF without form feeds");
			if (st != BK_OK && bk_diags_count(d))
				printf("# %s\n", bk_diag_message(bk_diags_get(d, 0)));
			bk_cell_pages_free(p);
			bk_diags_free(d);
			free(data);
		}
		bk_braille_doc_free(doc);
		bk_script_free(s);
	}

	/* Hand-written BRF: "A1B" is dots 1, 2, 1-2; lower case reads the
	 * same; a form feed starts a page. */
	static const char brf[] = "A1B\r\nab =\r\n\f#A\r\n";
	bk_cell_pages *p = NULL;
	TAP_OK(bk_decode_brf(&p, brf, sizeof brf - 1, "h.brf", 0, NULL) == BK_OK,
	       "hand-written BRF decodes");
	size_t n = 0;
	const unsigned char *l = bk_cell_pages_line(p, 0, 0, &n);
	TAP_OK(bk_cell_pages_count(p) == 2 && n == 3 && l[0] == 0x01 &&
	       l[1] == 0x02 && l[2] == 0x03, "A1B = dots 1, 2, 12");
	l = bk_cell_pages_line(p, 0, 1, &n);
	TAP_OK(n == 4 && l[0] == 0x01 && l[1] == 0x03 && l[2] == 0 && l[3] == 0x3F,
	       "ab = is dots 1, 12, blank, 123456");
	l = bk_cell_pages_line(p, 1, 0, &n);
	TAP_OK(n == 2 && l[0] == 0x3C && l[1] == 0x01, "page 2: #A = number sign, 1");
	bk_cell_pages_free(p);
	bk_diags *d = bk_diags_create();
	TAP_OK(bk_decode_brf(&p, "AB\r\nA\x80", 6, "bad.brf", 0, d) == BK_ERR_INVALID &&
	       bk_diag_line(bk_diags_get(d, 0)) == 2 && bk_diag_column(bk_diags_get(d, 0)) == 2,
	       "a byte that is not ASCII braille: error at line 2, column 2");
	bk_diags_free(d);
	static const char pef[] =
		"<?xml version=\"1.0\"?><pef version=\"2008-1\" xmlns=\"http://www.daisy.org/ns/2008/pef\">"
		"<head><meta xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:format>application/x-pef+xml</dc:format>"
		"<dc:identifier>x</dc:identifier></meta></head><body><volume cols=\"10\" rows=\"2\" rowgap=\"0\" duplex=\"false\">"
		"<section><page><row>\xe2\xa0\x81\xe2\xa0\x80\xe2\xa0\xbf</row><row/></page></section></volume></body></pef>";
	TAP_OK(bk_decode_pef(&p, pef, sizeof pef - 1, "h.pef", NULL) == BK_OK,
	       "hand-written PEF decodes");
	l = bk_cell_pages_line(p, 0, 0, &n);
	TAP_OK(l && n == 3 && l[0] == 1 && l[1] == 0 && l[2] == 0x3F &&
	       bk_cell_pages_line_count(p, 0) == 2, "⠁⠀⠿ and an empty row");
	bk_cell_pages_free(p);
	d = bk_diags_create();
	TAP_OK(bk_decode_pef(&p, "<pef version=\"2008-1\"/>", 23, "ns.pef", d) == BK_ERR_INVALID &&
	       bk_diags_count(d) == 1, "a <pef> outside the PEF namespace is refused");
	bk_diags_free(d);
	d = bk_diags_create();
	TAP_OK(bk_decode_pef(&p, "<pef", 4, "broken.pef", d) == BK_ERR_INVALID,
	       "malformed XML is refused");
	bk_diags_free(d);

	/* the verifier's option struct: versions 1 .. current are accepted,
	 * 0 and anything newer refused with the struct named */
	unsigned versions[] = {0, BK_VERIFY_OPTIONS_VERSION, BK_VERIFY_OPTIONS_VERSION + 1};
	for (int i = 0; i < 3; i++) {
		bk_verify_options vo = BK_VERIFY_OPTIONS_INIT;
		vo.version = versions[i];
		bk_verifier *v = NULL;
		d = bk_diags_create();
		bk_status vs = bk_verifier_create(&v, tpl, &vo, d);
		if (versions[i] == BK_VERIFY_OPTIONS_VERSION)
			TAP_OK(vs == BK_OK && v && bk_diags_count(d) == 0,
			       "bk_verify_options version %u is accepted", versions[i]);
		else
			TAP_OK(vs == BK_ERR_USAGE && !v && bk_diags_count(d) == 1 &&
			       strstr(bk_diag_message(bk_diags_get(d, 0)), "bk_verify_options"),
			       "bk_verify_options version %u is refused naming the struct",
			       versions[i]);
		bk_verifier_free(v);
		bk_diags_free(d);
	}
	bk_verify_options bad_level = BK_VERIFY_OPTIONS_INIT;
	bad_level.level = (bk_verify_level)7;
	bk_verifier *bv = NULL;
	d = bk_diags_create();
	TAP_OK(bk_verifier_create(&bv, tpl, &bad_level, d) == BK_ERR_USAGE && !bv &&
	       bk_diags_count(d) == 1 &&
	       strstr(bk_diag_message(bk_diags_get(d, 0)), "bk_verify_options.level"),
	       "an unknown level is refused naming the field");
	bk_diags_free(d);

	bk_election_free(e);
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
