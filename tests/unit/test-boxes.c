/* The box finder through its public API: the options' checks, the
 * accessors, and out of memory at every one of its own allocations (the
 * hidden hook bki_alloc_fail_after, util/util.h): each call returns
 * BK_OK or BK_ERR_NOMEM with an out-of-memory diagnostic, and frees
 * what it made (valgrind and the sanitizers check that). The boxes' places
 * are tested against ballots drawn three ways in tests/test_boxes.py. */
#include <ballotkit.h>
#include <cairo-pdf.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "tap.h"

#define MM (72.0 / 25.4)

static char dir[] = "/tmp/bk-boxes-XXXXXX";

/* An A6 ballot of 5 boxes: drawn (vector) or as one image (scan). */
static void ballot(const char *path, bool scan)
{
	cairo_surface_t *img = NULL;
	cairo_surface_t *s = cairo_pdf_surface_create(path, 105 * MM, 148 * MM);
	cairo_t *cr = cairo_create(s);
	cairo_t *d = cr;
	if (scan) {
		img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1240, 1748);
		d = cairo_create(img);
		cairo_set_source_rgb(d, 1, 1, 1);
		cairo_paint(d);
		cairo_scale(d, 300 / 25.4, 300 / 25.4);
	} else {
		cairo_scale(d, MM, MM);
	}
	cairo_set_source_rgb(d, 0, 0, 0);
	cairo_set_line_width(d, 0.3);
	for (int i = 0; i < 5; i++)
		cairo_rectangle(d, 80, 20 + 12 * i, 8, 8);
	cairo_stroke(d);
	if (scan) {
		cairo_destroy(d);
		cairo_scale(cr, 72.0 / 300, 72.0 / 300);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_surface_destroy(img);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

static bool has_kind(const bk_diags *d, const char *kind)
{
	for (size_t i = 0; i < bk_diags_count(d); i++)
		if (!strcmp(bk_diag_kind(bk_diags_get(d, i)), kind))
			return true;
	return false;
}

static void options(const char *pdf)
{
	bk_boxes *b = NULL;
	bk_diags *d = bk_diags_create();
	bk_boxes_options o = BK_BOXES_OPTIONS_INIT;
	o.version = 0;
	TAP_OK(bk_boxes_find_pdf(&b, pdf, &o, d) == BK_ERR_USAGE && !b,
	       "version 0 of bk_boxes_options is refused");
	o = (bk_boxes_options)BK_BOXES_OPTIONS_INIT;
	o.min_mm = 10;
	o.max_mm = 5;
	TAP_OK(bk_boxes_find_pdf(&b, pdf, &o, d) == BK_ERR_USAGE,
	       "min_mm above max_mm is refused");
	o = (bk_boxes_options)BK_BOXES_OPTIONS_INIT;
	o.expected = 5;
	TAP_OK(bk_boxes_find_pdf(&b, pdf, &o, d) == BK_OK &&
	       bk_boxes_count(b) == 5, "5 boxes found");
	const bk_box *x = bk_boxes_get(b, 4);
	TAP_OK(x && fabs(x->x - 80) < 0.01 && fabs(x->y - 68) < 0.01 &&
	       !bk_boxes_get(b, 5) && bk_boxes_page(b) == 1 &&
	       !strcmp(bk_boxes_method(b), "vector") &&
	       bk_boxes_cut_corner(b, NULL) == BK_BOXES_CORNER_NONE,
	       "the accessors");
	TAP_OK(bk_boxes_count(NULL) == 0 && !bk_boxes_get(NULL, 0) &&
	       !strcmp(bk_boxes_corner_name(7), "") &&
	       !strcmp(bk_boxes_corner_name(BK_BOXES_CORNER_TOP_RIGHT),
	               "top-right"), "NULL and bad corners");
	bk_boxes_free(b);
	bk_boxes_free(NULL);
	bk_diags_free(d);
}

/* Every allocation of the finder (and of the proof) failed in turn. */
static void nomem(const char *pdf, const char *what, const char *proof)
{
	long n = 0, bad = 0, total = -1;
	for (; n < 100000 && total < 0; n++) {
		bk_boxes *b = NULL;
		bk_diags *d = bk_diags_create();
		bki_alloc_fail_after(n);
		bk_status st = bk_boxes_find_pdf(&b, pdf, NULL, d);
		if (st == BK_OK)
			st = bk_boxes_write_proof_pdf(b, proof, d);
		bki_alloc_fail_after(-1);
		if (st == BK_OK && b && bk_boxes_count(b) == 5)
			total = n;
		else if (st != BK_ERR_NOMEM ||
		         (bk_diags_count(d) && !has_kind(d, "out-of-memory")))
			bad++;
		bk_boxes_free(b);
		bk_diags_free(d);
	}
	TAP_OK(total > 0 && !bad,
	       "%s: each of its %ld allocations failing gives BK_ERR_NOMEM "
	       "(%ld did not)", what, total, bad);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	char vec[64], scan[64], proof[64];
	snprintf(vec, sizeof vec, "%s/vector.pdf", dir);
	snprintf(scan, sizeof scan, "%s/scan.pdf", dir);
	snprintf(proof, sizeof proof, "%s/proof.pdf", dir);
	ballot(vec, false);
	ballot(scan, true);
	options(vec);
	nomem(vec, "vector", proof);
	nomem(scan, "scan", proof);
	unlink(vec);
	unlink(scan);
	unlink(proof);
	rmdir(dir);
	return tap_done();
}
