/* ballotkit boxes: the marking boxes of a ballot's print PDF or scan
 * (include/ballotkit/boxes.h, docs/stencil.md), for print shops and tests. */
#include "cli.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* mm to the micrometre, as printed */
static double um(double v)
{
	return round(v * 1000) / 1000;
}

static int print_json(const bk_boxes *b, const char *file)
{
	double w, h, size;
	bk_boxes_page_size(b, &w, &h);
	int corner = bk_boxes_cut_corner(b, &size);
	json_t *j = json_object(), *list = json_array();
	json_object_set_new(j, "file", json_string(file));
	json_object_set_new(j, "page", json_integer(bk_boxes_page(b)));
	json_object_set_new(j, "method", json_string(bk_boxes_method(b)));
	json_object_set_new(j, "page_width", json_real(um(w)));
	json_object_set_new(j, "page_height", json_real(um(h)));
	json_object_set_new(j, "cut_corner", corner < 0 ? json_null()
	                    : json_pack("{s:s, s:f}", "corner",
	                                bk_boxes_corner_name(corner), "size",
	                                um(size)));
	for (size_t i = 0; i < bk_boxes_count(b); i++) {
		const bk_box *x = bk_boxes_get(b, i);
		json_array_append_new(list, json_pack("{s:f, s:f, s:f, s:f}",
		                      "x", um(x->x), "y", um(x->y), "w", um(x->w),
		                      "h", um(x->h)));
	}
	json_object_set_new(j, "boxes", list);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                        JSON_REAL_PRECISION(10));
	json_decref(j);
	if (!s)
		return EXIT_SOFTWARE;
	printf("%s\n", s);
	free(s);
	return 0;
}

static void print_text(const bk_boxes *b, const char *file)
{
	double w, h, size;
	bk_boxes_page_size(b, &w, &h);
	int corner = bk_boxes_cut_corner(b, &size);
	printf(_("%s page %u: %zu marking boxes (%s), page %.1f x %.1f mm"),
	       cli_shown(file), bk_boxes_page(b), bk_boxes_count(b),
	       bk_boxes_method(b), w, h);
	if (corner >= 0)
		printf(_(", cut corner %s %.1f mm"), bk_boxes_corner_name(corner),
		       size);
	printf("\n");
	for (size_t i = 0; i < bk_boxes_count(b); i++) {
		const bk_box *x = bk_boxes_get(b, i);
		printf("%4zu  x %7.2f  y %7.2f  w %6.2f  h %6.2f\n", i + 1, x->x,
		       x->y, x->w, x->h);
	}
}

int cli_cmd_boxes(const options *o)
{
	bk_diags *diags = bk_diags_create();
	bk_boxes *b = NULL;
	bk_boxes_options bo = BK_BOXES_OPTIONS_INIT;
	int rc = 0;
	if (!diags)
		return EXIT_SOFTWARE;
	bk_diags_set_limit(diags, o->diag_limit);
	bo.page = o->box_page;
	bo.expected = o->box_expected;
	bk_status st = bk_boxes_find_pdf(&b, o->file, &bo, diags);
	if (st == BK_OK && o->proof)
		st = bk_boxes_write_proof_pdf(b, o->proof, diags);
	cli_print_diags(diags, stderr);
	if (st != BK_OK) {
		rc = cli_exit_for(st);
		goto done;
	}
	if (o->json)
		rc = print_json(b, o->file);
	else
		print_text(b, o->file);
	if (o->proof)
		fprintf(stderr, _("ballotkit: wrote %s\n"), cli_shown(o->proof));
done:
	bk_boxes_free(b);
	bk_diags_free(diags);
	return rc;
}
