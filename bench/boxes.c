/* bench-boxes: the box finder timed (issue 17, item 6): a one-page vector
 * ballot (A4, 40 boxes among names and table rules, drawn here with
 * Cairo) and a 300 dpi scan of it (the page rendered by poppler and put
 * in a PDF as one image), each found N times; the median is printed
 * against its target (vector under 50 ms, scan under 500 ms).
 *   bench-boxes N OUT-FOLDER */
#define _POSIX_C_SOURCE 200809L
#include <ballotkit.h>
#include <cairo-pdf.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MM (72.0 / 25.4)
#define BOXES 40

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void vector_ballot(const char *path)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, 210 * MM, 297 * MM);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, MM, MM);
	cairo_set_line_width(cr, 0.3);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 3.5);
	for (int i = 0; i < BOXES; i++) {
		double x = i < BOXES / 2 ? 90 : 185, y = 30 + (i % (BOXES / 2)) * 12;
		char name[64];
		cairo_rectangle(cr, x, y, 8, 8);
		cairo_move_to(cr, 10, y - 2);
		cairo_line_to(cr, 200, y - 2);
		cairo_stroke(cr);
		snprintf(name, sizeof name, "Кандидат %d Төртбұрышов", i + 1);
		cairo_move_to(cr, x - 75, y + 5);
		cairo_show_text(cr, name);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

static int scan_ballot(const char *src, const char *path)
{
	char *uri = g_filename_to_uri(src, NULL, NULL);
	PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, NULL)
	                           : NULL;
	g_free(uri);
	if (!doc)
		return -1;
	PopplerPage *page = poppler_document_get_page(doc, 0);
	int w = (int)(210 / 25.4 * 300), h = (int)(297 / 25.4 * 300);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, 300 / 72.0, 300 / 72.0);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	g_object_unref(page);
	g_object_unref(doc);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 210 * MM, 297 * MM);
	cr = cairo_create(s);
	cairo_scale(cr, 72.0 / 300, 72.0 / 300);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
	return 0;
}

/* The median of n finds in ms; -1 when one fails. */
static double median_ms(const char *path, int n, const char **method)
{
	double *t = calloc((size_t)n, sizeof *t);
	bk_boxes_options o = BK_BOXES_OPTIONS_INIT;
	o.expected = BOXES;
	for (int i = 0; i < n && t; i++) {
		struct timespec a, b;
		bk_boxes *bx = NULL;
		bk_diags *d = bk_diags_create();
		clock_gettime(CLOCK_MONOTONIC, &a);
		bk_status st = bk_boxes_find_pdf(&bx, path, &o, d);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (st != BK_OK) {
			char line[512];
			bk_diag_format(bk_diags_get(d, 0), line, sizeof line);
			fprintf(stderr, "bench-boxes: %s\n", line);
			free(t);
			bk_diags_free(d);
			return -1;
		}
		*method = bk_boxes_method(bx);
		t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		bk_boxes_free(bx);
		bk_diags_free(d);
	}
	if (!t)
		return -1;
	qsort(t, (size_t)n, sizeof *t, cmp);
	double m = t[n / 2];
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench-boxes N OUT-FOLDER\n");
		return 64;
	}
	int n = atoi(argv[1]);
	if (n < 1 || n > 100)
		return 64;
	char vec[4096], scan[4096];
	snprintf(vec, sizeof vec, "%s/boxes-vector.pdf", argv[2]);
	snprintf(scan, sizeof scan, "%s/boxes-scan.pdf", argv[2]);
	vector_ballot(vec);
	if (scan_ballot(vec, scan))
		return 70;
	const char *m1 = "", *m2 = "";
	double v = median_ms(vec, n, &m1), s = median_ms(scan, n, &m2);
	if (v < 0 || s < 0)
		return 70;
	printf("boxes: A4 ballot, %d boxes: %s %.1f ms (target under 50 ms); "
	       "300 dpi scan: %s %.1f ms (target under 500 ms); median of %d\n",
	       BOXES, m1, v, m2, s, n);
	return 0;
}
