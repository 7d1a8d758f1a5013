#include "templates/templates-private.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "diag/diag-private.h"
#include "json/jcheck.h"
#include "util/util.h"

#ifndef BK_TEMPLATES_DIR
#define BK_TEMPLATES_DIR "/usr/local/share/ballotkit/templates"
#endif

const char *const bki_lang_codes[BK_LANG_COUNT] = {"kk", "ru"};

int bki_lang_index(const char *code)
{
	for (int i = 0; i < BK_LANG_COUNT; i++)
		if (!strcmp(code, bki_lang_codes[i]))
			return i;
	return -1;
}

/* $BALLOTKIT_TEMPLATES, else the installed folder; a build that was not
 * installed (no installed folder) uses the templates of the source tree it
 * was configured in (BK_SOURCE_TEMPLATES_DIR, from meson.build), so that
 * build/ballotkit works from a checkout as it is (docs/templates.md). */
const char *bk_templates_default_dir(void)
{
	const char *env = getenv("BALLOTKIT_TEMPLATES");
	if (env && *env)
		return env;
#ifdef BK_SOURCE_TEMPLATES_DIR
	struct stat sb;
	if (stat(BK_TEMPLATES_DIR, &sb) != 0 && errno == ENOENT &&
	    stat(BK_SOURCE_TEMPLATES_DIR, &sb) == 0 && S_ISDIR(sb.st_mode))
		return BK_SOURCE_TEMPLATES_DIR;
#endif
	return BK_TEMPLATES_DIR;
}

/* Loads one JSON template file into a jdoc; 0 on success. */
static int load_doc(jdoc *d, const char *path, bk_diags *diags)
{
	char *data;
	size_t size;
	if (bki_read_input(path, &data, &size)) {
		memset(d, 0, sizeof *d);
		if (errno == ENOMEM) {
			d->nomem = true;
			bki_diags_nomem(diags, path, "", "reading a template file");
			return -1;
		}
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "cannot read the template file: %s",
		             bki_read_error());
		return -1;
	}
	int rc = jdoc_parse(d, data, size, path, diags);
	free(data);
	return rc;
}

/* The worse of two statuses: out of memory above all. */
static bk_status worse(bk_status a, bk_status b)
{
	return a == BK_ERR_NOMEM || b == BK_OK ? a : b;
}

static double num(jdoc *d, json_t *obj, const char *key, double lo, double hi)
{
	return jc_number(d, obj, key, lo, hi, " mm");
}

static const char *str(jdoc *d, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	size_t old = jdoc_push_key(d, key);
	const char *s = jc_type(d, v, JSON_STRING, key) ? json_string_value(v)
	                                                 : NULL;
	jdoc_pop(d, old);
	return s;
}

static void add_box(jdoc *d, bki_stencil_tpl *t, double x, double y,
                    size_t step)
{
	double *bx = bki_reallocarray(t->box_x, t->per_sheet + 1, sizeof(double));
	if (bx)
		t->box_x = bx;
	double *by = bki_reallocarray(t->box_y, t->per_sheet + 1, sizeof(double));
	if (by)
		t->box_y = by;
	size_t *bs = bki_reallocarray(t->box_step, t->per_sheet + 1,
	                             sizeof(size_t));
	if (bs)
		t->box_step = bs;
	if (!jdoc_got(d, bx && by && bs ? bx : NULL))
		return;
	t->box_x[t->per_sheet] = x;
	t->box_y[t->per_sheet] = y;
	t->box_step[t->per_sheet] = step;
	t->per_sheet++;
}

static void run_of_boxes(jdoc *d, bki_stencil_tpl *t, json_t *o,
                         bool check_fields)
{
	static const jc_field f[] = {{"first", true}, {"pitch", true},
	                             {"count", true}, {NULL, false}};
	if (!jc_type(d, o, JSON_OBJECT, "a run of boxes"))
		return;
	if (check_fields)
		jc_fields(d, o, f, "a run of boxes");
	json_t *first = json_object_get(o, "first");
	json_t *count = json_object_get(o, "count");
	double pitch = num(d, o, "pitch", 1, 300);
	double x = 0, y = 0;
	if (first) {
		size_t old = jdoc_push_key(d, "first");
		static const jc_field ff[] = {{"x", true}, {"y", true},
		                              {NULL, false}};
		if (jc_type(d, first, JSON_OBJECT, "first")) {
			jc_fields(d, first, ff, "first");
			x = num(d, first, "x", 0, 2000);
			y = num(d, first, "y", 0, 2000);
		}
		jdoc_pop(d, old);
	}
	if (count) {
		size_t old = jdoc_push_key(d, "count");
		if (jc_type(d, count, JSON_INTEGER, "count")) {
			json_int_t n = json_integer_value(count);
			if (n < 1 || n > 500)
				jdoc_report(d, BK_ERROR, "bad-value", false,
				            "count must be between 1 and 500");
			else
				for (json_int_t k = 0; k < n; k++)
					add_box(d, t, x, y + (double)k * pitch, (size_t)k);
		}
		jdoc_pop(d, old);
	}
}

/* Reports a bad value at key (under the current path). */
static void bad_value_at(jdoc *d, const char *key, const char *message)
{
	size_t old = jdoc_push_key(d, key);
	jdoc_report(d, BK_ERROR, "bad-value", false, "%s", message);
	jdoc_pop(d, old);
}

/* "format", "id" (the file name), "name" and "source". */
static void stencil_names(jdoc *d, bki_stencil_tpl *t, json_t *r,
                          const char *id)
{
	const char *fmt = str(d, r, "format");
	if (fmt && strcmp(fmt, "ballotkit-stencil/1"))
		bad_value_at(d, "format", "format must be \"ballotkit-stencil/1\"");
	const char *tid = str(d, r, "id");
	if (tid && strcmp(tid, id)) {
		size_t old = jdoc_push_key(d, "id");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "the id \"%s\" must equal the file name \"%s\"", tid,
		            id);
		jdoc_pop(d, old);
	}
	const char *name = str(d, r, "name");
	t->name = jdoc_got(d, bki_strdup(name ? name : id));
	const char *src = str(d, r, "source");
	if (src && strcmp(src, "measured") && strcmp(src, "assumed"))
		bad_value_at(d, "source",
		             "source must be \"measured\" or \"assumed\"");
	t->source = jdoc_got(d, bki_strdup(src ? src : "assumed"));
	str(d, r, "source_note");
}

/* "kinds": the ballot kinds the template is for. */
static void stencil_kinds(jdoc *d, bki_stencil_tpl *t, json_t *r)
{
	json_t *kinds = json_object_get(r, "kinds");
	if (!kinds)
		return;
	size_t old = jdoc_push_key(d, "kinds");
	size_t i;
	json_t *k;
	if (jc_type(d, kinds, JSON_ARRAY, "kinds"))
		json_array_foreach(kinds, i, k) {
			size_t o2 = jdoc_push_index(d, i);
			const char *s = json_is_string(k) ? json_string_value(k) : "";
			if (!strcmp(s, "party-list"))
				t->kinds |= BK_KIND_PARTY_LIST;
			else if (!strcmp(s, "single-mandate"))
				t->kinds |= BK_KIND_SINGLE_MANDATE;
			else
				jdoc_report(d, BK_ERROR, "bad-value", false,
				            "a kind is \"party-list\" or "
				            "\"single-mandate\"");
			jdoc_pop(d, o2);
		}
	jdoc_pop(d, old);
}

/* An object of two sizes in mm (paper, box): *a and *b from its keys ka
 * and kb, each between lo and hi. */
static void two_sizes(jdoc *d, json_t *r, const char *key, const char *ka,
                      const char *kb, double lo, double hi, double *a,
                      double *b)
{
	json_t *o = json_object_get(r, key);
	if (!o)
		return;
	size_t old = jdoc_push_key(d, key);
	const jc_field f[] = {{ka, true}, {kb, true}, {NULL, false}};
	if (jc_type(d, o, JSON_OBJECT, key)) {
		jc_fields(d, o, f, key);
		*a = num(d, o, ka, lo, hi);
		*b = num(d, o, kb, lo, hi);
	}
	jdoc_pop(d, old);
}

/* "corner_cut": which corner is cut, and how far (top-right when the
 * template names none). */
static void stencil_corner_cut(jdoc *d, bki_stencil_tpl *t, json_t *r)
{
	static const jc_field cf[] = {{"corner", true}, {"size", true},
	                              {NULL, false}};
	json_t *cc = json_object_get(r, "corner_cut");
	size_t old = jdoc_push_key(d, "corner_cut");
	if (cc && jc_type(d, cc, JSON_OBJECT, "corner_cut")) {
		jc_fields(d, cc, cf, "corner_cut");
		const char *c = str(d, cc, "corner");
		if (c && strcmp(c, "top-left") && strcmp(c, "top-right") &&
		    strcmp(c, "bottom-left") && strcmp(c, "bottom-right"))
			bad_value_at(d, "corner",
			             "corner must be top-left, top-right, "
			             "bottom-left or bottom-right");
		t->corner = jdoc_got(d, bki_strdup(c ? c : "top-right"));
		t->corner_size = num(d, cc, "size", 1, 50);
	}
	jdoc_pop(d, old);
	if (!t->corner && !jdoc_nomem(d))
		t->corner = jdoc_got(d, bki_strdup("top-right"));
}

/* "boxes" of layout "columns": a run of boxes per column. */
static void boxes_in_columns(jdoc *d, bki_stencil_tpl *t, json_t *boxes)
{
	static const jc_field rf[] = {{"layout", true}, {"columns", true},
	                              {NULL, false}};
	jc_fields(d, boxes, rf, "boxes");
	json_t *cols = json_object_get(boxes, "columns");
	size_t old = jdoc_push_key(d, "columns");
	size_t i;
	json_t *c;
	if (cols && jc_type(d, cols, JSON_ARRAY, "columns"))
		json_array_foreach(cols, i, c) {
			size_t o2 = jdoc_push_index(d, i);
			/* each column: {"first","pitch","count"} */
			run_of_boxes(d, t, c, true);
			jdoc_pop(d, o2);
		}
	jdoc_pop(d, old);
}

/* "boxes" of layout "explicit": every box's top-left corner. */
static void boxes_explicit(jdoc *d, bki_stencil_tpl *t, json_t *boxes)
{
	static const jc_field rf[] = {{"layout", true}, {"at", true},
	                              {NULL, false}};
	static const jc_field pf[] = {{"x", true}, {"y", true}, {NULL, false}};
	jc_fields(d, boxes, rf, "boxes");
	json_t *at = json_object_get(boxes, "at");
	size_t old = jdoc_push_key(d, "at");
	size_t i;
	json_t *p;
	if (at && jc_type(d, at, JSON_ARRAY, "at"))
		json_array_foreach(at, i, p) {
			size_t o2 = jdoc_push_index(d, i);
			if (jc_type(d, p, JSON_OBJECT, "a box")) {
				jc_fields(d, p, pf, "a box");
				add_box(d, t, num(d, p, "x", 0, 2000),
				        num(d, p, "y", 0, 2000), 0);
			}
			jdoc_pop(d, o2);
		}
	jdoc_pop(d, old);
}

/* "boxes": where the marking boxes stand, in rows, columns or explicitly. */
static void stencil_boxes(jdoc *d, bki_stencil_tpl *t, json_t *r)
{
	static const jc_field rows[] = {{"layout", true}, {"first", true},
	                                {"pitch", true}, {"count", true},
	                                {NULL, false}};
	json_t *boxes = json_object_get(r, "boxes");
	if (!boxes)
		return;
	size_t old = jdoc_push_key(d, "boxes");
	if (jc_type(d, boxes, JSON_OBJECT, "boxes")) {
		const char *layout = str(d, boxes, "layout");
		if (layout && !strcmp(layout, "rows")) {
			jc_fields(d, boxes, rows, "boxes");
			run_of_boxes(d, t, boxes, false);
		} else if (layout && !strcmp(layout, "columns")) {
			boxes_in_columns(d, t, boxes);
		} else if (layout && !strcmp(layout, "explicit")) {
			boxes_explicit(d, t, boxes);
		} else {
			bad_value_at(d, "layout",
			             "layout must be \"rows\", \"columns\" or "
			             "\"explicit\"");
		}
	}
	jdoc_pop(d, old);
}

/* "sheets": how many sheets the boxes continue on. */
static void stencil_sheets(jdoc *d, bki_stencil_tpl *t, json_t *r)
{
	json_t *sheets = json_object_get(r, "sheets");
	if (!sheets)
		return;
	size_t old = jdoc_push_key(d, "sheets");
	if (jc_type(d, sheets, JSON_INTEGER, "sheets")) {
		json_int_t n = json_integer_value(sheets);
		if (n < 1 || n > 50)
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "sheets must be between 1 and 50");
		else
			t->sheets = (unsigned)n;
	}
	jdoc_pop(d, old);
}

/* Every box must lie on the paper: the first that does not is named. */
static void check_boxes_on_paper(jdoc *d, const bki_stencil_tpl *t)
{
	for (size_t k = 0; k < t->per_sheet; k++) {
		if (t->box_x[k] + t->box_w <= t->paper_w &&
		    t->box_y[k] + t->box_h <= t->paper_h)
			continue;
		size_t old = jdoc_push_key(d, "boxes");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "box %zu (at %g, %g mm) does not fit on the "
		            "%g × %g mm paper", k + 1, t->box_x[k],
		            t->box_y[k], t->paper_w, t->paper_h);
		jdoc_pop(d, old);
		return;
	}
}

/* A stencil template (templates/stencil/ID.json, docs/stencil.md). */
static void load_stencil(jdoc *d, bki_stencil_tpl *t, const char *id)
{
	static const jc_field f[] = {
		{"format", true}, {"id", true}, {"name", true},
		{"source", true}, {"source_note", false}, {"kinds", true},
		{"paper", true}, {"face", true}, {"corner_cut", true},
		{"box", true}, {"boxes", true}, {"sheets", false},
		{NULL, false}};
	json_t *r = d->root;
	memset(t, 0, sizeof *t);
	t->id = jdoc_got(d, bki_strdup(id));
	t->sheets = 1;
	if (!t->id || !jc_type(d, r, JSON_OBJECT, "a stencil template"))
		return;
	jc_fields(d, r, f, "a stencil template");
	stencil_names(d, t, r, id);
	stencil_kinds(d, t, r);
	two_sizes(d, r, "paper", "width", "height", 50, 1000, &t->paper_w,
	          &t->paper_h);
	t->face = (int)num(d, r, "face", 1, 2);
	stencil_corner_cut(d, t, r);
	two_sizes(d, r, "box", "width", "height", 3, 50, &t->box_w, &t->box_h);
	stencil_boxes(d, t, r);
	stencil_sheets(d, t, r);
	check_boxes_on_paper(d, t);
	t->capacity = t->per_sheet * t->sheets;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names (without .json) of the JSON files in a folder, sorted:
 * readdir's order is not stable. Returns -1 when the folder cannot be
 * read. */
static int list_json(const char *dir, char ***out, size_t *count)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);
		if (l <= 5 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		char **more = bki_reallocarray(names, n + 1, sizeof *names);
		if (!more)
			break;
		names = more;
		if (!(names[n] = bki_strndup(de->d_name, l - 5)))
			break;
		n++;
	}
	closedir(dp);
	if (de) { /* out of memory */
		free_names(names, n);
		errno = ENOMEM;
		return -1;
	}
	if (n)
		bki_sort(names, n, sizeof *names, cmp_str);
	*out = names;
	*count = n;
	return 0;
}

/* Loads every <subdir>/NAME.json into an array of items of size elem, each
 * by load_one (which gives the item its id: the file name). BK_ERR_IO
 * when the folder cannot be read; BK_ERR_INVALID when it is empty or a
 * file has errors. */
static bk_status load_folder(const bk_templates *t, const char *subdir,
                             const char *what, size_t elem, void **items,
                             size_t *count,
                             void (*load_one)(jdoc *d, void *item,
                                              const char *id),
                             bk_diags *diags)
{
	bki_buf dir = {0};
	bki_buf_printf(&dir, "%s/%s", t->dir, subdir);
	char **names = NULL;
	size_t n = 0;
	if (bki_buf_failed(&dir) || list_json(bki_buf_str(&dir), &names, &n)) {
		if (bki_buf_failed(&dir) || errno == ENOMEM) {
			bki_buf_free(&dir);
			return bki_diags_nomem(diags, t->dir, "", "listing the templates");
		}
		bki_diags_add(diags, BK_ERROR, "unreadable", bki_buf_str(&dir), 0, 0,
		             "", "cannot open the folder of %s: %s", what,
		             strerror(errno));
		bki_buf_free(&dir);
		return BK_ERR_IO;
	}
	bk_status st = BK_OK;
	if (!n) {
		bki_diags_add(diags, BK_ERROR, "missing-field", bki_buf_str(&dir), 0,
		             0, "", "the folder has no %s (*.json)", what);
		st = BK_ERR_INVALID;
	}
	*items = bki_calloc(n, elem);
	*count = 0;
	if (!*items)
		st = bki_diags_nomem(diags, t->dir, "", "loading the templates");
	for (size_t i = 0; i < n && st != BK_ERR_NOMEM; i++) {
		bki_buf path = {0};
		bki_buf_printf(&path, "%s/%s.json", bki_buf_str(&dir), names[i]);
		jdoc d;
		if (bki_buf_failed(&path)) {
			memset(&d, 0, sizeof d);
			d.nomem = true;
		} else if (load_doc(&d, bki_buf_str(&path), diags) == 0) {
			load_one(&d, (char *)*items + elem * (*count)++, names[i]);
		}
		if (d.errors || !d.parsed)
			st = BK_ERR_INVALID;
		jdoc_finish(&d, diags);
		if (jdoc_nomem(&d))
			st = BK_ERR_NOMEM;
		jdoc_free(&d);
		bki_buf_free(&path);
	}
	free_names(names, n);
	bki_buf_free(&dir);
	return st;
}

static void load_stencil_item(jdoc *d, void *item, const char *id)
{
	load_stencil(d, item, id);
}

/* A braille profile: values outside the ranges the standards allow are
 * refused (docs/braille.md). */
static void load_profile(jdoc *d, void *item, const char *id)
{
	static const struct {
		const char *key;
		double lo, hi;
	} ranges[] = {{"dot_diameter", 1.3, 1.7}, {"dot_height", 0.25, 0.9},
	              {"dot_pitch", 2.2, 2.6},    {"cell_pitch", 5.5, 7.6},
	              {"line_pitch", 10.0, 10.5}};
	static const jc_field f[] = {
		{"format", true}, {"id", true}, {"name", true},
		{"dot_diameter", true}, {"dot_height", true}, {"dot_pitch", true},
		{"cell_pitch", true}, {"line_pitch", true}, {"note", false},
		{NULL, false}};
	bki_braille_profile *p = item;
	p->id = jdoc_got(d, bki_strdup(id));
	if (!p->id || !jc_type(d, d->root, JSON_OBJECT, "a braille profile")) {
		p->name = jdoc_got(d, bki_strdup(id));
		return;
	}
	jc_fields(d, d->root, f, "a braille profile");
	const char *fid = str(d, d->root, "id");
	if (fid && strcmp(fid, id)) {
		size_t old = jdoc_push_key(d, "id");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "the id \"%s\" must equal the file name", fid);
		jdoc_pop(d, old);
	}
	const char *name = str(d, d->root, "name");
	p->name = jdoc_got(d, bki_strdup(name ? name : id));
	double *dst[] = {&p->dot_diameter, &p->dot_height, &p->dot_pitch,
	                 &p->cell_pitch, &p->line_pitch};
	for (size_t k = 0; k < 5; k++)
		*dst[k] = num(d, d->root, ranges[k].key, ranges[k].lo, ranges[k].hi);
}

/* Every wording key, the placeholders its text may use (each is filled
 * in where the text is used, see docs/ballot-script.md), and whether it is
 * an object of texts (titles by ballot type, corners). */
typedef struct wkey {
	const char *key;
	const char *allowed; /* space-separated; "count" also allows {count:WORD} */
	bool required;
	const char *const *members; /* for objects: the members it needs */
} wkey;

static const char *const ballot_types[] = {
	"mazhilis-party-list", "mazhilis-single-mandate",
	"maslikhat-party-list", "maslikhat-single-mandate", NULL};
static const char *const corner_names[] = {
	"top-left", "top-right", "bottom-left", "bottom-right", NULL};

static const char *const review_columns[] = {"time", "text", "spoken", "note",
                                            NULL};

static const wkey print_keys[] = {
	{"titles", "", true, ballot_types},
	{"short_titles", "", true, ballot_types},
	{"district", "district_name", true, NULL},
	{"district_numbered", "district_number district_name", true, NULL},
	{"braille_title", "short_title district_number district_name", true, NULL},
	{"braille_title_unnumbered", "short_title district_name", false, NULL},
	{"against_all", "", true, NULL},
	{"self_nominated", "", true, NULL},
	{"nominated_by", "party", true, NULL},
	{"withdrawn", "", true, NULL},
	{"instructions", "", true, NULL},
	{"birth_year", "year", true, NULL},
	{"name_with_birth_year", "name birth_year", true, NULL},
	{"name_with_details", "name details", true, NULL},
	{"list_party", "number name", true, NULL},
	{"list_candidate", "number name nominator", true, NULL},
	{"list_withdrawn", "number name nominator withdrawn", true, NULL},
	{"list_against_all", "number name", true, NULL},
	{"stencil_side", "side", true, NULL},
	{"stencil_up", "", true, NULL},
	{"stencil_assumed", "", true, NULL},
	{"stencil_sheet", "sheet sheets", true, NULL},
	{"stencil_calibration", "", true, NULL},
	/* the printable packing list and box labels (src/render/packing.c) */
	{"packing_title", "", true, NULL},
	{"packing_station", "number", true, NULL},
	{"packing_address", "address", true, NULL},
	{"packing_copies", "copies", true, NULL},
	{"packing_total", "kits copies", true, NULL},
	{"packing_packed", "", true, NULL},
	{"packing_received", "", true, NULL},
	{"packing_label", "", true, NULL},
	{"packing_label_kits", "kits copies", true, NULL},
	{NULL, NULL, false, NULL}};

static const wkey speech_keys[] = {
	{"title", "title district count", true, NULL},
	{"intro", "title district count", true, NULL},
	{"intro_without_against_all", "title district count", true, NULL},
	{"instructions", "corner count", true, NULL},
	{"corners", "", true, corner_names},
	{"party", "number name", true, NULL},
	{"candidate", "number name birth_year details nominator", true, NULL},
	{"withdrawn", "number name birth_year details nominator", true, NULL},
	{"birth_year", "year", true, NULL},
	{"nominated_by", "party", true, NULL},
	{"self_nominated", "", true, NULL},
	{"against_all", "number", true, NULL},
	{"closing", "title district count", true, NULL},
	{"repeat", "title district count", true, NULL},
	{"review_heading", "", true, NULL},
	{"review_instructions", "", true, NULL},
	{"review_columns", "", true, review_columns},
	{NULL, NULL, false, NULL}};

static bool allowed_name(const char *allowed, const char *name, size_t n)
{
	for (const char *p = allowed; *p;) {
		const char *sp = strchr(p, ' ');
		size_t l = sp ? (size_t)(sp - p) : strlen(p);
		if (l == n && !strncmp(p, name, n))
			return true;
		p += l + (sp ? 1 : 0);
	}
	return false;
}

/* Checks the placeholders of one text at the current path. */
static void check_text_placeholders(jdoc *d, const char *s,
                                    const char *allowed, json_t *words)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e) {
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "a '{' has no closing '}'");
			return;
		}
		const char *name = p + 1;
		size_t n = (size_t)(e - name);
		const char *colon = memchr(name, ':', n);
		bool ok;
		if (colon)
			ok = (size_t)(colon - name) == 5 && !strncmp(name, "count", 5) &&
			     allowed_name(allowed, "count", 5) && words &&
			     json_object_getn(words, colon + 1,
			                      n - (size_t)(colon - name) - 1);
		else
			ok = allowed_name(allowed, name, n);
		if (!ok)
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "{%.*s} cannot be used here (this text may use: "
			            "%s)", (int)n, name,
			            *allowed ? allowed : "no placeholders");
	}
}

static void check_wording_keys(jdoc *d, json_t *r, const wkey *keys,
                               json_t *words)
{
	for (const wkey *k = keys; k->key; k++) {
		json_t *v = json_object_get(r, k->key);
		if (!v) {
			if (k->required)
				jdoc_report(d, BK_ERROR, "missing-field", false,
				            "the wording needs \"%s\"", k->key);
			continue;
		}
		size_t old = jdoc_push_key(d, k->key);
		if (k->members) {
			if (jc_type(d, v, JSON_OBJECT, k->key)) {
				for (const char *const *m = k->members; *m; m++)
					if (!json_is_string(json_object_get(v, *m)))
						jdoc_report(d, BK_ERROR, "missing-field", false,
						            "%s needs a text for \"%s\"",
						            k->key, *m);
				const char *mk;
				json_t *mv;
				json_object_foreach(v, mk, mv) {
					size_t o2 = jdoc_push_key(d, mk);
					if (jc_type(d, mv, JSON_STRING, "a text"))
						check_text_placeholders(d, json_string_value(mv),
						                        k->allowed, words);
					jdoc_pop(d, o2);
				}
			}
		} else if (jc_type(d, v, JSON_STRING, k->key)) {
			check_text_placeholders(d, json_string_value(v), k->allowed,
			                        words);
		}
		jdoc_pop(d, old);
	}
	const char *key;
	json_t *v;
	json_object_foreach(r, key, v) {
		bool known = !strcmp(key, "format") || !strcmp(key, "language") ||
		             !strcmp(key, "note") ||
		             (keys == speech_keys &&
		              (!strcmp(key, "plural") || !strcmp(key, "words") ||
		               !strcmp(key, "voice") || !strcmp(key, "audio") ||
		               !strcmp(key, "replacements") ||
		               !strcmp(key, "speakable")));
		for (const wkey *k = keys; k->key && !known; k++)
			known = !strcmp(k->key, key);
		if (!known) {
			size_t old = jdoc_push_key(d, key);
			jdoc_report(d, BK_ERROR, "unknown-field", true,
			            "the wording has no key \"%s\"", key);
			jdoc_pop(d, old);
		}
	}
}

/* words: every word has the forms its plural rule needs. */
static void check_words(jdoc *d, json_t *words, bool ru)
{
	static const char *const ru_forms[] = {"one", "few", "many", NULL};
	static const char *const other[] = {"other", NULL};
	size_t old = jdoc_push_key(d, "words");
	if (jc_type(d, words, JSON_OBJECT, "words")) {
		const char *w;
		json_t *forms;
		json_object_foreach(words, w, forms) {
			size_t o2 = jdoc_push_key(d, w);
			if (jc_type(d, forms, JSON_OBJECT, "a word's forms"))
				for (const char *const *f = ru ? ru_forms : other; *f; f++)
					if (!json_is_string(json_object_get(forms, *f)))
						jdoc_report(d, BK_ERROR, "missing-field", false,
						            "the word \"%s\" needs its \"%s\" "
						            "form", w, *f);
			jdoc_pop(d, o2);
		}
	}
	jdoc_pop(d, old);
}

/* The segment kinds' names, in the order of bk_segment_kind: the keys of
 * their pauses first among the pauses. */
#define SEGMENT_KIND_NAMES \
	"title", "intro", "instructions", "position", "closing", "repeat"

static const char *const segment_kind_names[] = {SEGMENT_KIND_NAMES};
_Static_assert(sizeof segment_kind_names / sizeof *segment_kind_names ==
                       BK_SEGMENT_KIND_COUNT,
               "a name for every bk_segment_kind");

const char *bki_segment_kind_name(int kind)
{
	return kind >= 0 && kind < BK_SEGMENT_KIND_COUNT ? segment_kind_names[kind]
	                                                 : NULL;
}

const char *const bki_pause_names[BK_PAUSE_COUNT] = {
	SEGMENT_KIND_NAMES, "sentence", "start", "end"};
_Static_assert((int)BK_PAUSE_SENTENCE == (int)BK_SEGMENT_KIND_COUNT &&
                       BK_PAUSE_END + 1 == BK_PAUSE_COUNT,
               "the pauses: one per segment kind, then sentence, start, end");

/* "voice": the eSpeak NG voice that speaks the wording. */
static void load_voice(jdoc *d, json_t *r, bki_wording *w)
{
	const char *voice = str(d, r, "voice");
	if (!json_object_get(r, "voice"))
		jdoc_report(d, BK_ERROR, "missing-field", false,
		            "the wording needs \"voice\", the eSpeak NG voice "
		            "that speaks it");
	else if (voice && (!*voice || strspn(voice, "abcdefghijklmnopqrstuvwxyz"
	                                      "0123456789-+_/") != strlen(voice))) {
		bad_value_at(d, "voice", "a voice name is letters, digits and -+_/");
		voice = NULL;
	}
	w->voice = voice;
}

/* "pause_ms" of "audio": every pause, 0 to 10000 ms. */
static void load_pause_ms(jdoc *d, json_t *p, bki_wording *w)
{
	jc_field pf[BK_PAUSE_COUNT + 1];
	for (int k = 0; k < BK_PAUSE_COUNT; k++)
		pf[k] = (jc_field){bki_pause_names[k], true};
	pf[BK_PAUSE_COUNT] = (jc_field){NULL, false};
	jc_fields(d, p, pf, "pause_ms");
	for (int k = 0; k < BK_PAUSE_COUNT; k++) {
		json_t *v = json_object_get(p, bki_pause_names[k]);
		if (!v)
			continue;
		size_t old = jdoc_push_key(d, bki_pause_names[k]);
		if (jc_type(d, v, JSON_INTEGER, "a pause in milliseconds")) {
			json_int_t ms = json_integer_value(v);
			if (ms < 0 || ms > 10000)
				jdoc_report(d, BK_ERROR, "bad-value", false,
				            "a pause is 0 to 10000 ms");
			else
				w->pause_ms[k] = (int)ms;
		}
		jdoc_pop(d, old);
	}
}

/* The wording's object outer (the fields f; when missing, the message
 * missing) and its member inner of type t, given to use under its path:
 * the one home of "audio" and "speakable". */
static void load_nested(jdoc *d, json_t *r, bki_wording *w, const char *outer,
                        const jc_field *f, const char *missing,
                        const char *inner, json_type t,
                        void (*use)(jdoc *d, json_t *v, bki_wording *w))
{
	json_t *o = json_object_get(r, outer);
	if (!o) {
		jdoc_report(d, BK_ERROR, "missing-field", false, "%s", missing);
		return;
	}
	size_t old = jdoc_push_key(d, outer);
	if (jc_type(d, o, JSON_OBJECT, outer)) {
		jc_fields(d, o, f, outer);
		json_t *v = json_object_get(o, inner);
		size_t o2 = jdoc_push_key(d, inner);
		if (v && jc_type(d, v, t, inner))
			use(d, v, w);
		jdoc_pop(d, o2);
	}
	jdoc_pop(d, old);
}

/* "audio": the pauses. */
static void load_audio(jdoc *d, json_t *r, bki_wording *w)
{
	static const jc_field af[] = {{"pause_ms", true}, {"note", false},
	                              {NULL, false}};
	load_nested(d, r, w, "audio", af,
	            "the wording needs \"audio\" with \"pause_ms\"",
	            "pause_ms", JSON_OBJECT, load_pause_ms);
}

static void set_speakable(jdoc *d, json_t *v, bki_wording *w)
{
	(void)d;
	w->speakable = json_string_value(v);
}

/* "speakable": what the voice says as itself (docs/validation-rules.md,
 * "unspeakable"). */
static void load_speakable(jdoc *d, json_t *r, bki_wording *w)
{
	static const jc_field sf[] = {{"characters", true}, {"note", false},
	                              {NULL, false}};
	w->speakable = NULL;
	load_nested(d, r, w, "speakable", sf,
	            "the wording needs \"speakable\" with \"characters\", "
	            "the characters the voice reads",
	            "characters", JSON_STRING, set_speakable);
}

/* "replacements": [from, to] pairs, kept only when all are well formed. */
static void load_replacements(jdoc *d, json_t *r, bki_wording *w)
{
	json_t *rep = json_object_get(r, "replacements");
	w->replacements = NULL;
	if (!rep)
		return;
	size_t old = jdoc_push_key(d, "replacements");
	bool array = jc_type(d, rep, JSON_ARRAY, "replacements"), ok = array;
	for (size_t i = 0; array && i < json_array_size(rep); i++) {
		json_t *e = json_array_get(rep, i);
		size_t o2 = jdoc_push_index(d, i);
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !json_is_string(json_array_get(e, 0)) ||
		    !json_is_string(json_array_get(e, 1))) {
			jdoc_report(d, BK_ERROR, "wrong-type", false,
			            "a replacement is [\"text\", \"spoken as\"]");
			ok = false;
		} else if (!*json_string_value(json_array_get(e, 0))) {
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "a replacement needs a text to replace");
			ok = false;
		}
		jdoc_pop(d, o2);
	}
	if (ok)
		w->replacements = rep;
	jdoc_pop(d, old);
}

/* The audio settings of a speech wording: "voice", "audio" (pauses),
 * "speakable" and "replacements". */
static void load_audio_settings(jdoc *d, json_t *r, bki_wording *w)
{
	load_voice(d, r, w);
	load_audio(d, r, w);
	load_speakable(d, r, w);
	load_replacements(d, r, w);
}

static json_t *load_wording(const char *dir, const char *which, int lang,
                            bki_wording *w, bk_diags *diags, bk_status *st)
{
	bki_buf path = {0};
	bki_buf_printf(&path, "%s/%s/%s.json", dir, which, bki_lang_codes[lang]);
	jdoc d;
	json_t *out = NULL;
	bool speech = !strcmp(which, "speech");
	if (load_doc(&d, bki_buf_str(&path), diags) == 0) {
		json_t *r = d.root;
		if (jc_type(&d, r, JSON_OBJECT, "a wording file")) {
			json_t *fmt = json_object_get(r, "format");
			if (!json_is_string(fmt) ||
			    strcmp(json_string_value(fmt), "ballotkit-wording/1"))
				jdoc_report(&d, BK_ERROR, "bad-value", false,
				            "format must be \"ballotkit-wording/1\"");
			json_t *words = NULL;
			if (speech) {
				json_t *pl = json_object_get(r, "plural");
				const char *p = json_is_string(pl) ? json_string_value(pl) : "";
				if (!strcmp(p, "ru")) {
					w->plural_ru = 1;
				} else if (strcmp(p, "none")) {
					size_t old = jdoc_push_key(&d, "plural");
					jdoc_report(&d, BK_ERROR, pl ? "bad-value" : "missing-field",
					            false, "plural must be \"ru\" or \"none\"");
					jdoc_pop(&d, old);
				}
				words = json_object_get(r, "words");
				if (words)
					check_words(&d, words, w->plural_ru);
				else
					jdoc_report(&d, BK_ERROR, "missing-field", false,
					            "the wording needs \"words\"");
				if (!json_is_object(words))
					words = NULL;
			}
			check_wording_keys(&d, r, speech ? speech_keys : print_keys,
			                   words);
			if (speech)
				load_audio_settings(&d, r, w);
		}
		if (d.errors)
			*st = worse(*st, BK_ERR_INVALID);
		else
			out = json_incref(d.root);
		jdoc_finish(&d, diags);
	} else {
		*st = worse(*st, BK_ERR_INVALID);
	}
	if (jdoc_nomem(&d) || bki_buf_failed(&path)) {
		*st = BK_ERR_NOMEM;
		json_decref(out);
		out = NULL;
	}
	jdoc_free(&d);
	bki_buf_free(&path);
	return out;
}

/* The object at key in obj, each member checked with check under its
 * path, with a new reference; NULL when it is absent or not an object
 * (reported). */
static json_t *member_map(jdoc *d, json_t *obj, const char *key,
                          void (*check)(jdoc *d, const char *k, json_t *v))
{
	json_t *m = json_object_get(obj, key);
	size_t old = jdoc_push_key(d, key);
	if (m && jc_type(d, m, JSON_OBJECT, key)) {
		const char *k;
		json_t *v;
		json_object_foreach(m, k, v) {
			size_t o2 = jdoc_push_key(d, k);
			check(d, k, v);
			jdoc_pop(d, o2);
		}
		json_incref(m);
	} else {
		m = NULL;
	}
	jdoc_pop(d, old);
	return m;
}

/* Reads the template file rel of t's folder, an object with the fields f
 * (what names it in messages), and fills t from it with fill: the one
 * home of the language and braille tables files' loading. */
static bk_status load_file(bk_templates *t, const char *rel,
                           const jc_field *f, const char *what,
                           void (*fill)(jdoc *d, bk_templates *t),
                           bk_diags *diags)
{
	bki_buf path = {0};
	bki_buf_printf(&path, "%s/%s", t->dir, rel);
	jdoc d;
	bk_status st = BK_OK;
	if (load_doc(&d, bki_buf_str(&path), diags) == 0) {
		if (jc_type(&d, d.root, JSON_OBJECT, what)) {
			jc_fields(&d, d.root, f, what);
			fill(&d, t);
		}
		if (d.errors)
			st = BK_ERR_INVALID;
		jdoc_finish(&d, diags);
	} else {
		st = BK_ERR_INVALID;
	}
	if (jdoc_nomem(&d) || bki_buf_failed(&path))
		st = BK_ERR_NOMEM;
	jdoc_free(&d);
	bki_buf_free(&path);
	return st;
}

static void check_spelling(jdoc *d, const char *k, json_t *v)
{
	uint32_t cp;
	if (bki_utf8_decode(k, strlen(k), &cp) != strlen(k))
		jdoc_report(d, BK_ERROR, "bad-value", true,
		            "each key must be one letter");
	if (!json_is_string(v))
		jdoc_report(d, BK_ERROR, "wrong-type", false,
		            "a spelling must be a text");
}

static void fill_language(jdoc *d, bk_templates *t)
{
	const char *a = str(d, d->root, "alphabet");
	if (a) {
		size_t n = strlen(a), i = 0;
		t->alphabet = jdoc_got(d, bki_calloc(n + 1, sizeof(uint32_t)));
		while (t->alphabet && i < n) {
			uint32_t cp;
			size_t l = bki_utf8_decode(a + i, n - i, &cp);
			if (!l)
				break;
			if (cp != ' ')
				t->alphabet[t->nalphabet++] = bki_cp_lower(cp);
			i += l;
		}
	}
	t->kk_to_ru = member_map(d, d->root, "to_russian", check_spelling);
}

static bk_status load_language(bk_templates *t, bk_diags *diags)
{
	static const jc_field f[] = {{"format", true}, {"alphabet", true},
	                             {"to_russian", true}, {"note", false},
	                             {NULL, false}};
	return load_file(t, "language/kk.json", f, "a language file",
	                 fill_language, diags);
}

static void check_table_name(jdoc *d, const char *k, json_t *v)
{
	(void)k;
	jc_type(d, v, JSON_STRING, "a table name");
}

static void check_dictionary(jdoc *d, const char *k, json_t *v)
{
	if (bki_lang_index(k) < 0)
		jdoc_report(d, BK_ERROR, "unknown-field", true,
		            "\"%s\" is not a language of ballotkit", k);
	jc_type(d, v, JSON_STRING, "a dictionary name");
}

static void fill_braille_tables(jdoc *d, bk_templates *t)
{
	t->braille_back = member_map(d, d->root, "back", check_table_name);
	t->braille_hyph = member_map(d, d->root, "hyphenation",
	                             check_dictionary);
}

static bk_status load_braille_tables(bk_templates *t, bk_diags *diags)
{
	static const jc_field f[] = {{"format", true}, {"back", true},
	                             {"hyphenation", false},
	                             {"note", false}, {NULL, false}};
	return load_file(t, "braille/tables.json", f, "a braille tables file",
	                 fill_braille_tables, diags);
}

static bk_status load_templates_from(bk_templates **out, const char *dir,
                                bk_diags *diags);

bk_status bk_templates_open(bk_templates **out, const char *dir,
                            bk_diags *diags)
{
	if (!out)
		return BK_ERR_USAGE;
	/* numbers in messages keep a decimal point whatever the locale */
	bki_c_numeric numeric = bki_c_numeric_enter();
	bk_status st = load_templates_from(out, dir, diags);
	bki_c_numeric_leave(&numeric);
	return st;
}

/* Every file in the templates folder, and in its folders a few levels
 * down, is a regular file within the input cap: liblouis opens tables
 * here by name and a build reads the kit's README texts, and a FIFO among
 * them would block (docs/decisions.md, "Bounds on input"). Each file that
 * is not is an error naming it; the check only looks (stat), it opens
 * nothing. A file that is missing or unreadable is left to whoever needs
 * it. */
static bk_status check_files(const char *dir, int depth, bk_diags *diags)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return BK_OK;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char **more = bki_reallocarray(names, n + 1, sizeof *names);
		if (!more)
			break;
		names = more;
		if (!(names[n] = bki_strdup(de->d_name)))
			break;
		n++;
	}
	closedir(dp);
	bk_status st = BK_OK;
	if (de) {
		free_names(names, n);
		return bki_diags_nomem(diags, dir, "", "checking the templates");
	}
	if (n)
		bki_sort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n && st != BK_ERR_NOMEM; i++) {
		bki_buf path = {0};
		bki_buf_printf(&path, "%s/%s", dir, names[i]);
		struct stat sb;
		if (bki_buf_failed(&path)) {
			st = bki_diags_nomem(diags, dir, "", "checking the templates");
		} else if (stat(bki_buf_str(&path), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			bk_status sub = depth < 4 ? check_files(bki_buf_str(&path),
			                                        depth + 1, diags)
			                          : BK_OK;
			if (sub != BK_OK)
				st = sub == BK_ERR_NOMEM ? sub : BK_ERR_IO;
		} else if (bki_check_input(bki_buf_str(&path)) != 0 &&
		           errno != ENOENT) {
			bki_diags_add(diags, BK_ERROR, "unreadable", bki_buf_str(&path),
			             0, 0, "", "a file of the templates cannot be "
			             "used: %s", bki_read_error());
			st = BK_ERR_IO;
		}
		bki_buf_free(&path);
	}
	free_names(names, n);
	return st;
}

static bk_status load_templates_from(bk_templates **out, const char *dir,
                                bk_diags *diags)
{
	*out = NULL;
	bk_templates *t = bki_calloc(1, sizeof *t);
	if (!t)
		return bki_diags_nomem(diags, dir, "", "opening the templates");
	/* absolute: fontconfig reads a relative file name against its own
	 * folder, not ours (fonts/fonts.conf beside the templates) */
	const char *given = dir ? dir : bk_templates_default_dir();
	char *cwd = given[0] != '/' ? getcwd(NULL, 0) : NULL;
	bki_buf abs = {0};
	if (cwd)
		bki_buf_printf(&abs, "%s/%s", cwd, given);
	else
		bki_buf_add(&abs, given);
	free(cwd);
	while (abs.len > 1 && abs.data[abs.len - 1] == '/')
		bki_buf_truncate(&abs, abs.len - 1);
	t->dir = bki_buf_steal(&abs);
	bk_status st = t->dir ? check_files(t->dir, 0, diags)
	               : bki_diags_nomem(diags, given, "", "opening the templates");
	if (st != BK_OK) {
		bk_templates_free(t);
		return st;
	}
	void *items = NULL;
	st = load_folder(t, "stencil", "stencil templates",
	                           sizeof *t->stencils, &items, &t->nstencils,
	                           load_stencil_item, diags);
	t->stencils = items;
	if (st == BK_ERR_IO || st == BK_ERR_NOMEM) {
		bk_templates_free(t);
		return st;
	}
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		bki_wording dummy = {0};
		t->wording[l].print = load_wording(t->dir, "print", l, &dummy,
		                                   diags, &st);
		t->wording[l].speech = load_wording(t->dir, "speech", l,
		                                    &t->wording[l], diags, &st);
	}
	st = worse(st, load_language(t, diags));
	st = worse(st, load_braille_tables(t, diags));
	bk_status st2 = load_folder(t, "braille/profiles", "braille profiles",
	                            sizeof *t->profiles, &items, &t->nprofiles,
	                            load_profile, diags);
	t->profiles = items;
	st = worse(st, st2);
	if (st != BK_OK) {
		bk_templates_free(t);
		return st;
	}
	*out = t;
	return BK_OK;
}

void bk_templates_free(bk_templates *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nstencils; i++) {
		bki_stencil_tpl *s = &t->stencils[i];
		free(s->id);
		free(s->name);
		free(s->source);
		free(s->corner);
		free(s->box_x);
		free(s->box_y);
		free(s->box_step);
	}
	free(t->stencils);
	for (size_t i = 0; i < t->nprofiles; i++) {
		free(t->profiles[i].id);
		free(t->profiles[i].name);
	}
	free(t->profiles);
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		json_decref(t->wording[l].print);
		json_decref(t->wording[l].speech);
	}
	free(t->alphabet);
	json_decref(t->kk_to_ru);
	json_decref(t->braille_back);
	json_decref(t->braille_hyph);
	free(t->dir);
	free(t);
}

const char *bk_templates_dir(const bk_templates *t)
{
	return t->dir;
}

size_t bk_templates_stencil_count(const bk_templates *t)
{
	return t->nstencils;
}

const char *bk_templates_stencil_id(const bk_templates *t, size_t i)
{
	return i < t->nstencils ? t->stencils[i].id : NULL;
}

size_t bk_templates_stencil_capacity(const bk_templates *t, size_t i)
{
	return i < t->nstencils ? t->stencils[i].capacity : 0;
}

const bki_stencil_tpl *bki_templates_stencil_find(const bk_templates *t,
                                                const char *id)
{
	for (size_t i = 0; i < t->nstencils; i++)
		if (!strcmp(t->stencils[i].id, id))
			return &t->stencils[i];
	return NULL;
}

const char *bki_wording_get(const bk_templates *t, int lang, const char *which,
                           const char *key)
{
	json_t *w = !strcmp(which, "print") ? t->wording[lang].print
	                                    : t->wording[lang].speech;
	return json_string_value(json_object_get(w, key));
}

const char *bki_wording_get2(const bk_templates *t, int lang,
                            const char *which, const char *key,
                            const char *sub)
{
	json_t *w = !strcmp(which, "print") ? t->wording[lang].print
	                                    : t->wording[lang].speech;
	return json_string_value(json_object_get(json_object_get(w, key), sub));
}

const char *bki_templates_voice(const bk_templates *t, int lang)
{
	return t->wording[lang].voice;
}

const char *bki_templates_speakable(const bk_templates *t, int lang)
{
	return t->wording[lang].speakable;
}

int bki_templates_pause_ms(const bk_templates *t, int lang, int which)
{
	return which >= 0 && which < BK_PAUSE_COUNT ? t->wording[lang].pause_ms[which]
	                                            : 0;
}

size_t bki_templates_replacement_count(const bk_templates *t, int lang)
{
	return json_array_size(t->wording[lang].replacements);
}

const char *bki_templates_replacement(const bk_templates *t, int lang, size_t i,
                                  const char **to)
{
	json_t *e = json_array_get(t->wording[lang].replacements, i);
	*to = json_string_value(json_array_get(e, 1));
	return json_string_value(json_array_get(e, 0));
}

const char *bki_wording_plural(const bk_templates *t, int lang,
                              const char *word, size_t len, unsigned long n)
{
	json_t *forms = json_object_getn(
		json_object_get(t->wording[lang].speech, "words"), word, len);
	const char *form = "other";
	if (t->wording[lang].plural_ru) {
		unsigned long m10 = n % 10, m100 = n % 100;
		if (m10 == 1 && m100 != 11)
			form = "one";
		else if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
			form = "few";
		else
			form = "many";
	}
	/* the templates were checked to have every form the rule needs */
	const char *s = json_string_value(json_object_get(forms, form));
	return s ? s : "";
}

size_t bki_kk_rank(const bk_templates *t, uint32_t cp)
{
	for (size_t i = 0; i < t->nalphabet; i++)
		if (t->alphabet[i] == cp)
			return i + 1;
	return 0;
}

unsigned long bki_kk_weight(const bk_templates *t, uint32_t cp)
{
	cp = bki_cp_lower(cp);
	size_t r = bki_kk_rank(t, cp);
	return r ? 10 + r : (cp == ' ' || cp == '-') ? 1 : 1000 + (unsigned long)cp;
}

const char *bki_templates_braille_back(const bk_templates *t,
                                      const char *forward)
{
	const char *b = json_string_value(json_object_get(t->braille_back,
	                                                  forward));
	return b ? b : forward;
}

bool bki_templates_kk_specific(const bk_templates *t, uint32_t cp)
{
	char key[5] = {0};
	bki_utf8_encode(cp, key);
	return json_object_get(t->kk_to_ru, key) != NULL;
}

const char *bki_templates_braille_hyphenation(const bk_templates *t, int lang)
{
	return json_string_value(json_object_get(t->braille_hyph,
	                                         bki_lang_codes[lang]));
}

const bki_braille_profile *bki_templates_profile_find(const bk_templates *t,
                                                    const char *id)
{
	for (size_t i = 0; i < t->nprofiles; i++)
		if (!strcmp(t->profiles[i].id, id))
			return &t->profiles[i];
	return NULL;
}

void bki_templates_stencil_box(const bki_stencil_tpl *t, const bki_paper_overrides *o,
                    size_t k, double *x, double *y, double *w, double *h)
{
	if (t->box_wv) {
		/* a ballot's own boxes stand where the ballot has them: a ballot
		 * with them takes no overrides (definition-parse.c) */
		*x = t->box_x[k];
		*y = t->box_y[k];
		*w = t->box_wv[k];
		*h = t->box_hv[k];
		return;
	}
	double bw = o && o->box_w ? o->box_w : t->box_w;
	double bh = o && o->box_h ? o->box_h : t->box_h;
	double bx = t->box_x[k], by = t->box_y[k];
	/* a new pitch spaces a run's boxes from its first one */
	if (o && o->pitch && t->box_step[k] && k >= t->box_step[k]) {
		size_t first = k - t->box_step[k];
		by = t->box_y[first] + (double)t->box_step[k] * o->pitch;
	}
	/* a new size keeps the box's centre */
	bx += (t->box_w - bw) / 2;
	by += (t->box_h - bh) / 2;
	*x = bx + (o ? o->offset_x : 0);
	*y = by + (o ? o->offset_y : 0);
	*w = bw;
	*h = bh;
}

void bki_stencil_window(double x, double y, double w, double h,
                        double clearance, double win[4])
{
	double ww = w + 2 * clearance, wh = h + 2 * clearance;
	if (ww < BKI_WINDOW_MIN)
		ww = BKI_WINDOW_MIN;
	if (wh < BKI_WINDOW_MIN)
		wh = BKI_WINDOW_MIN;
	win[0] = x + w / 2 - ww / 2;
	win[1] = y + h / 2 - wh / 2;
	win[2] = ww;
	win[3] = wh;
}

/* The var named by the n bytes at name, or NULL. */
static const bki_wording_var *find_var(const bki_wording_fill *f,
                                      const char *name, size_t n)
{
	for (size_t k = 0; k < f->nvars; k++)
		if (strlen(f->vars[k].name) == n && !strncmp(f->vars[k].name, name, n))
			return &f->vars[k];
	return NULL;
}

/* Drops the blanks of out from start on that are doubled, leading or
 * trailing. */
static void tidy_spaces(bki_buf *out, size_t start)
{
	size_t w = start;
	for (size_t i = start; i < out->len; i++)
		if (!(out->data[i] == ' ' && (w == start || out->data[w - 1] == ' ')))
			out->data[w++] = out->data[i];
	while (w > start && out->data[w - 1] == ' ')
		w--;
	bki_buf_truncate(out, w);
}

void bki_wording_expand(bki_buf *out, const char *text,
                       const bki_wording_fill *f)
{
	size_t start = out->len;
	const char *p = text ? text : "";
	for (;;) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			bki_buf_add(out, p);
			break;
		}
		bki_buf_addn(out, p, (size_t)(open - p));
		const char *name = open + 1;
		size_t n = (size_t)(close - name);
		const bki_wording_var *v = find_var(f, name, n);
		if (f->tpl && n > 6 && !strncmp(name, "count:", 6)) {
			bki_buf_add(out, bki_wording_plural(f->tpl, f->lang, name + 6,
			                                  n - 6, f->count));
		} else if (v) {
			bki_buf_add(out, v->value ? v->value : "");
		} else if (f->keep_unknown) {
			/* the '{' as written; the text after it is read again */
			bki_buf_addc(out, '{');
			p = name;
			continue;
		}
		p = close + 1;
	}
	if (f->tidy_spaces)
		tidy_spaces(out, start);
}
