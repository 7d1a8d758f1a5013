/* Swell-paper PDF: rasterised with poppler and read back by the library's
 * dot decoder, the cells equal the braille list; dot diameter, dot pitch,
 * cell pitch and line pitch within 0.05 mm of each profile; nothing but
 * round dots in black. The decoder itself is first checked on a page drawn
 * here by a separate, simple routine. */
#include <ballotkit.h>

#include <cairo-pdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static cairo_status_t to_file(void *c, const unsigned char *d, unsigned int n)
{
	return fwrite(d, 1, n, c) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The separate drawing routine: cells in mm at a given geometry, with a
 * blue line of "print" that must be ignored. */
static void draw_test_page(const char *path, const unsigned char *cells,
                           size_t ncells, size_t nlines, double d, double p,
                           double c, double l)
{
	FILE *f = fopen(path, "wb");
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, f, 595, 842);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, 72 / 25.4, 72 / 25.4);
	cairo_set_source_rgb(cr, 0, 0.3, 0.9);
	cairo_rectangle(cr, 20, 12, 120, 3);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t ln = 0; ln < nlines; ln++)
		for (size_t k = 0; k < ncells; k++)
			for (int dot = 0; dot < 6; dot++)
				if (cells[ln * ncells + k] & (1 << dot)) {
					double x = 20 + (double)k * c + (dot < 3 ? 0 : p);
					double y = 20 + (double)ln * l + (dot % 3) * p;
					cairo_new_sub_path(cr);
					cairo_arc(cr, x, y, d / 2, 0, 2 * M_PI);
					cairo_fill(cr);
				}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	fclose(f);
}

static int lines_equal(const bk_braille_doc *doc, const bk_cell_pages *got,
                       size_t page)
{
	/* the decoder starts at the topmost line with dots: the page number
	 * line is always that line */
	size_t nd = bk_braille_doc_line_count(doc, page);
	while (nd > 0) {
		size_t n;
		const unsigned char *c = bk_braille_doc_line(doc, page, nd - 1, &n);
		size_t k = n;
		while (k && c[k - 1] == 0)
			k--;
		(void)c;
		if (k)
			break;
		nd--;
	}
	if (bk_cell_pages_line_count(got, page) != nd) {
		printf("# page %zu: %zu lines decoded, %zu written\n", page + 1,
		       bk_cell_pages_line_count(got, page), nd);
		return 0;
	}
	for (size_t l = 0; l < nd; l++) {
		size_t a, b;
		const unsigned char *x = bk_braille_doc_line(doc, page, l, &a);
		const unsigned char *y = bk_cell_pages_line(got, page, l, &b);
		while (a && x[a - 1] == 0)
			a--;
		if (a != b || (a && memcmp(x, y, a))) {
			printf("# page %zu line %zu differs (%zu vs %zu cells)\n",
			       page + 1, l + 1, a, b);
			return 0;
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
	char dir[] = "/tmp/bk-swell-XXXXXX";
	if (!mkdtemp(dir)) {
		printf("Bail out! no temporary folder\n");
		return 1;
	}
	char path[256];

	/* 0. an option struct of version 0 or newer than the library is
	 * refused, the struct named */
	const unsigned bad[] = {0, BK_SWELL_OPTIONS_VERSION + 1};
	for (int i = 0; i < 2; i++) {
		bk_swell_options o = BK_SWELL_OPTIONS_INIT;
		o.version = bad[i];
		bk_braille_layout L;
		bk_diags *d = bk_diags_create();
		bk_status rc = bk_swell_layout(&L, tpl, "marburg-medium", &o, d);
		const char *msg = bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
		TAP_OK(rc == BK_ERR_USAGE && strstr(msg, "bk_swell_options"),
		       "bk_swell_options version %u refused: %s", bad[i], msg);
		bk_diags_free(d);
	}

	/* 1. the decoder on a page drawn by hand: ⠁⠃⠉ / ⠼⠙⠿ at an odd
	 * geometry, with blue print to ignore */
	static const unsigned char cells[] = {0x01, 0x03, 0x09, 0x3C, 0x19, 0x3F};
	snprintf(path, sizeof path, "%s/hand.pdf", dir);
	draw_test_page(path, cells, 3, 2, 1.5, 2.4, 6.4, 11.0);
	size_t n;
	char *pdf = slurp(path, &n);
	bk_cell_pages *got = NULL;
	bk_dot_measure m;
	TAP_OK(pdf && bk_decode_pdf_braille(&got, pdf, n, path, 400, &m, NULL) == BK_OK,
	       "hand-drawn page decodes");
	size_t a = 0, b = 0;
	const unsigned char *l0 = bk_cell_pages_line(got, 0, 0, &a);
	const unsigned char *l1 = bk_cell_pages_line(got, 0, 1, &b);
	TAP_OK(a == 3 && b == 3 && !memcmp(l0, cells, 3) && !memcmp(l1, cells + 3, 3),
	       "⠁⠃⠉ and ⠼⠙⠿ read back");
	TAP_OK(fabs(m.dot_diameter - 1.5) < 0.05 && fabs(m.dot_pitch_x - 2.4) < 0.05 &&
	       fabs(m.dot_pitch_y - 2.4) < 0.05 && fabs(m.cell_pitch - 6.4) < 0.05 &&
	       fabs(m.line_pitch - 11.0) < 0.05,
	       "measured 1.5 / 2.4 / 6.4 / 11.0 mm (got %.3f / %.3f %.3f / %.3f / %.3f)",
	       m.dot_diameter, m.dot_pitch_x, m.dot_pitch_y, m.cell_pitch, m.line_pitch);
	TAP_OK(m.dots == 18 && m.other_black == 0,
	       "18 dots, the blue print ignored (%zu dots, %zu other)", m.dots, m.other_black);
	bk_cell_pages_free(got);
	free(pdf);

	/* 1b. blank lines between one-line paragraphs: on a later page every
	 * line stands two line pitches from the next; the document's pitch
	 * still reads it right */
	{
		bk_swell_options so = BK_SWELL_OPTIONS_INIT;
		so.interline = 1;
		bk_braille_layout L;
		bk_swell_layout(&L, tpl, "marburg-medium", &so, NULL);
		const char *paras[80];
		for (int i = 0; i < 80; i++)
			paras[i] = i % 2 ? "" : "Сайлау";
		bk_braille_doc *doc = NULL;
		bk_braille_paragraphs(&doc, br, "kk", paras, NULL, 80, "t", "t", "2023-03-19", &L, NULL);
		snprintf(path, sizeof path, "%s/blank-lines.pdf", dir);
		bk_swell_write_pdf(doc, tpl, "marburg-medium", &so, path, NULL);
		pdf = slurp(path, &n);
		got = NULL;
		TAP_OK(pdf && bk_decode_pdf_braille(&got, pdf, n, path, 300, &m, NULL) == BK_OK,
		       "blank lines between paragraphs: decoded");
		int ok = got && bk_cell_pages_count(got) == bk_braille_doc_page_count(doc);
		for (size_t pg = 0; ok && pg < bk_braille_doc_page_count(doc); pg++)
			ok = lines_equal(doc, got, pg);
		TAP_OK(ok && fabs(m.line_pitch - 15.0) < 0.05,
		       "blank lines: every page reads back, line pitch %.3f mm", m.line_pitch);
		bk_cell_pages_free(got);
		free(pdf);
		remove(path);
		bk_braille_doc_free(doc);
	}

	/* 2. the swell PDF of braille lists, every profile, both languages */
	const char *profiles[] = {"marburg-medium", "nls-bana", "ada-signage"};
	const char *langs[] = {"kk", "ru"};
	for (int pi = 0; pi < 3; pi++)
	for (int li = 0; li < 2; li++) {
		bk_swell_options opt = BK_SWELL_OPTIONS_INIT;
		opt.interline = li; /* Russian with interline print */
		bk_braille_layout L;
		bk_script *s = NULL;
		bk_braille_doc *doc = NULL;
		bk_swell_layout(&L, tpl, profiles[pi], &opt, NULL);
		bk_script_create(&s, e, "mazhilis-07", langs[li], tpl, NULL);
		bk_braille_list(&doc, br, s, &L, NULL);
		snprintf(path, sizeof path, "%s/%s-%s.pdf", dir, profiles[pi], langs[li]);
		bk_diags *d = bk_diags_create();
		TAP_OK(doc && bk_swell_write_pdf(doc, tpl, profiles[pi], &opt, path, d) == BK_OK,
		       "%s/%s: swell PDF written (%u cells x %u lines)", profiles[pi],
		       langs[li], L.cells, L.lines);
		bk_diags_free(d);
		pdf = slurp(path, &n);
		got = NULL;
		bk_status st = pdf ? bk_decode_pdf_braille(&got, pdf, n, path, 400, &m, NULL)
		                   : BK_ERR_IO;
		TAP_OK(st == BK_OK && bk_cell_pages_count(got) == bk_braille_doc_page_count(doc),
		       "%s/%s: %zu pages decoded", profiles[pi], langs[li],
		       bk_cell_pages_count(got));
		int ok = st == BK_OK;
		for (size_t pg = 0; ok && pg < bk_braille_doc_page_count(doc); pg++)
			ok = lines_equal(doc, got, pg);
		TAP_OK(ok, "%s/%s: every cell read back equals the list", profiles[pi], langs[li]);
		/* the profile, as written in templates/braille/profiles */
		double want[4][5] = {{1.6, 2.5, 6.0, 10.0, 0}, {1.44, 2.34, 6.2, 10.0, 0},
		                     {1.55, 2.4, 6.6, 10.1, 0}};
		double line = want[pi][3] + (opt.interline ? 5.0 : 0.0);
		TAP_OK(fabs(m.dot_diameter - want[pi][0]) < 0.05 &&
		       fabs(m.dot_pitch_x - want[pi][1]) < 0.05 &&
		       fabs(m.dot_pitch_y - want[pi][1]) < 0.05 &&
		       fabs(m.cell_pitch - want[pi][2]) < 0.05 &&
		       fabs(m.line_pitch - line) < 0.05,
		       "%s/%s: measured dot %.3f (%.3f–%.3f), pitch %.3f/%.3f, cell %.3f, "
		       "line %.3f mm", profiles[pi], langs[li], m.dot_diameter,
		       m.dot_diameter_min, m.dot_diameter_max, m.dot_pitch_x,
		       m.dot_pitch_y, m.cell_pitch, m.line_pitch);
		TAP_OK(m.other_black == 0 && m.dots > 500,
		       "%s/%s: %zu dots and nothing else in black (%zu other)",
		       profiles[pi], langs[li], m.dots, m.other_black);
		/* same input, same bytes */
		char again[300];
		snprintf(again, sizeof again, "%s.again", path);
		bk_swell_write_pdf(doc, tpl, profiles[pi], &opt, again, NULL);
		size_t n2;
		char *pdf2 = slurp(again, &n2);
		TAP_OK(pdf && pdf2 && n == n2 && !memcmp(pdf, pdf2, n),
		       "%s/%s: written twice, the same bytes", profiles[pi], langs[li]);
		remove(again);
		remove(path);
		free(pdf2);
		free(pdf);
		bk_cell_pages_free(got);
		bk_braille_doc_free(doc);
		bk_script_free(s);
	}
	snprintf(path, sizeof path, "%s/hand.pdf", dir);
	remove(path);
	remove(dir);
	bk_election_free(e);
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
