/* The ballot's own boxes: paper.boxes checked, or the boxes found in the
 * ballot PDF paper.source names, made into the copy of the ballot's
 * stencil template that every stage downstream reads (definition-private.h,
 * bki_ballot.boxes). See definition-load.h for the loader's steps and
 * docs/stencil.md, "The ballot's own boxes". */
#include "definition/definition-load.h"

#include <string.h>

#include "util/cache.h"

/* Where ballot i's paper member key is, for messages. */
static void paper_path(bki_buf *p, size_t i, const char *key)
{
	bki_buf_printf(p, "$.ballots[%zu].paper.%s", i, key);
}

/* The boxes of the ballot PDF, with the finder's errors said at
 * paper.source; NULL when there are none to use. */
static bk_boxes *find_in_source(def_ctx *c, size_t i, size_t positions)
{
	bki_ballot *bl = &c->e->ballots[i];
	bk_boxes_options opt = BK_BOXES_OPTIONS_INIT;
	opt.page = bl->source_page;
	opt.expected = positions;
	bk_diags *found = bk_diags_create();
	if (!found) {
		def_got(c, NULL);
		return NULL;
	}
	bk_boxes *boxes = NULL;
	bk_status st = bk_boxes_find_pdf(&boxes, bl->source, &opt, found);
	bki_buf p = {0};
	paper_path(&p, i, "source");
	if (st == BK_ERR_NOMEM)
		def_got(c, NULL);
	for (size_t k = 0; k < bk_diags_count(found); k++) {
		const bk_diag *d = bk_diags_get(found, k);
		if (bk_diag_severity(d) == BK_ERROR)
			jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR,
			               bk_diag_kind(d), false, "%s: %s",
			               *bk_diag_file(d) ? bk_diag_file(d) : bl->source,
			               bk_diag_message(d));
	}
	if (st != BK_OK && !bk_diags_count_severity(found, BK_ERROR))
		jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "bad-pdf", false,
		               "the ballot PDF %s: %s", bl->source,
		               bk_status_string(st));
	bki_buf_free(&p);
	bk_diags_free(found);
	return boxes;
}

/* The boxes found, into the ballot's own boxes; the sheet is the page.
 * The PDF's digest goes into the ballot's, so that a changed PDF
 * changes the kit's resume key. */
static bool take_found(def_ctx *c, bki_ballot *bl, const bk_boxes *boxes)
{
	size_t n = bk_boxes_count(boxes);
	bl->boxes = def_got(c, bki_arena_alloc(&c->e->arena, n * sizeof *bl->boxes));
	if (!bl->boxes)
		return false;
	for (size_t k = 0; k < n; k++)
		bl->boxes[k] = *bk_boxes_get(boxes, k);
	bl->nboxes = n;
	bk_boxes_page_size(boxes, &bl->paper_w, &bl->paper_h);
	char hex[65];
	bk_boxes_sha256(boxes, hex);
	bl->source_sha256 = def_got(c, bki_arena_strdup(&c->e->arena, hex));
	if (!bl->source_sha256)
		return false;
	bki_hasher *h = bki_hasher_new();
	bki_hasher_add(h, bl->digest, sizeof bl->digest);
	bki_hasher_add_str(h, hex);
	if (!bki_hasher_done(h, bl->digest)) {
		def_got(c, NULL);
		return false;
	}
	return true;
}

/* Each box on the sheet and apart from every other, said at
 * paper.boxes[k]; true when they are. */
static bool boxes_fit(def_ctx *c, size_t i, double w, double h)
{
	const bki_ballot *bl = &c->e->ballots[i];
	const char *where = bl->source ? "source" : "boxes";
	bool ok = true;
	for (size_t k = 0; k < bl->nboxes && ok; k++) {
		const bk_box *a = &bl->boxes[k];
		bki_buf p = {0};
		paper_path(&p, i, where);
		if (!bl->source)
			bki_buf_printf(&p, "[%zu]", k);
		if (a->x + a->w > w + 1e-9 || a->y + a->h > h + 1e-9) {
			jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "bad-value",
			               false, "box %zu (%g, %g mm, %g × %g mm) runs "
			               "off the %g × %g mm sheet%s", k + 1, a->x,
			               a->y, a->w, a->h, w, h,
			               bl->source ? "" : "; give the sheet's size "
			               "as paper.width and paper.height");
			ok = false;
		}
		for (size_t j = 0; j < k && ok; j++) {
			const bk_box *b = &bl->boxes[j];
			if (a->x < b->x + b->w && b->x < a->x + a->w &&
			    a->y < b->y + b->h && b->y < a->y + a->h) {
				jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR,
				               "box-overlap", false, "box %zu (%g, %g "
				               "mm, %g × %g mm) overlaps box %zu (%g, "
				               "%g mm, %g × %g mm)", k + 1, a->x, a->y,
				               a->w, a->h, j + 1, b->x, b->y, b->w,
				               b->h);
				ok = false;
			}
		}
		bki_buf_free(&p);
	}
	return ok;
}

/* The copy of base with the ballot's boxes on one sheet of w × h mm, in
 * the arena; a printed cut corner the PDF shows replaces the
 * template's. */
static bki_stencil_tpl *own_template(def_ctx *c, const bki_ballot *bl,
                                     const bki_stencil_tpl *base,
                                     const bk_boxes *found)
{
	size_t n = bl->nboxes;
	bki_arena *a = &c->e->arena;
	bki_stencil_tpl *t = def_got(c, bki_arena_alloc(a, sizeof *t));
	double *v = def_got(c, bki_arena_alloc(a, 4 * n * sizeof *v));
	size_t *step = def_got(c, bki_arena_alloc(a, n * sizeof *step));
	if (!t || !v || !step)
		return NULL;
	*t = *base;
	/* not assumed: the ballot itself gives where its boxes are */
	t->source = "measured";
	t->paper_w = bl->paper_w;
	t->paper_h = bl->paper_h;
	t->box_x = v;
	t->box_y = v + n;
	t->box_wv = v + 2 * n;
	t->box_hv = v + 3 * n;
	t->box_step = step;
	for (size_t k = 0; k < n; k++) {
		t->box_x[k] = bl->boxes[k].x;
		t->box_y[k] = bl->boxes[k].y;
		t->box_wv[k] = bl->boxes[k].w;
		t->box_hv[k] = bl->boxes[k].h;
		step[k] = 0;
	}
	t->per_sheet = n;
	t->sheets = 1;
	t->capacity = n;
	double size;
	int corner = found ? bk_boxes_cut_corner(found, &size) : BK_BOXES_CORNER_NONE;
	if (corner != BK_BOXES_CORNER_NONE) {
		t->corner = (char *)bk_boxes_corner_name(corner);
		t->corner_size = size;
	}
	return t;
}

void def_own_boxes(def_ctx *c, size_t i, size_t positions)
{
	bki_ballot *bl = &c->e->ballots[i];
	if (bl->own_bad || bl->tpl_bad)
		return;
	bki_buf p = {0};
	paper_path(&p, i, bl->source ? "source" : "boxes");
	/* the template lends what the ballot does not give: its name, the
	 * cut corner, the sheet's size for paper.boxes */
	const bki_stencil_tpl *base = bl->tpl;
	if (!base)
		base = def_choose_template(c, bl, 0, bki_buf_str(&p));
	bk_boxes *found = NULL;
	bool ok = base != NULL;
	if (ok && bl->source) {
		found = find_in_source(c, i, positions);
		ok = found && take_found(c, bl, found);
	} else if (ok && bl->nboxes != positions) {
		jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "box-count", false,
		               "%zu boxes for %zu positions (with against all): "
		               "give one box per position, in the order of the "
		               "positions", bl->nboxes, positions);
		ok = false;
	}
	if (ok && !bl->source && !bl->paper_w) {
		bl->paper_w = base->paper_w;
		bl->paper_h = base->paper_h;
	}
	if (ok && boxes_fit(c, i, bl->paper_w, bl->paper_h)) {
		bki_stencil_tpl *t = own_template(c, bl, base, found);
		if (t) {
			bl->tpl = t;
			bl->found = found;
			found = NULL;
		}
	} else {
		bl->own_bad = true;
	}
	bk_boxes_free(found);
	bki_buf_free(&p);
}
