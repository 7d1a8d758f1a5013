/* What a print job is made of, read and checked before anything is
 * written: the job table (templates/print/job.json) and a mark set
 * (templates/print/marks/NAME.json or a file), the options, the kits
 * folder (index.json's stations, print-quantities.csv, the stencil PDFs),
 * and the layout of every copy on the sheets. */
#include "press/press-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "diag/diag-private.h"
#include "json/jcheck.h"
#include "json/jdoc.h"

void pj_hex(const unsigned char d[BK_SHA256_SIZE], char out[BK_SHA256_SIZE * 2 + 1])
{
	for (size_t i = 0; i < BK_SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ---- the job table and the mark set ---- */

static char *str(jdoc *d, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	size_t old = jdoc_push_key(d, key);
	char *s = NULL;
	if (jc_type(d, v, JSON_STRING, key)) {
		s = jdoc_got(d, bki_strdup(json_string_value(v)));
		if (s && (!*s || bki_str_has_control(s)))
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "%s must be a line of text", key);
	}
	jdoc_pop(d, old);
	return s;
}

/* Reads a JSON file of templates/print into d; false (reported) when it
 * cannot be read or parsed. */
static bool open_doc(pj_job *j, jdoc *d, const char *path, const char *format)
{
	char *data = NULL;
	size_t size = 0;
	memset(d, 0, sizeof *d);
	if (bki_read_input(path, &data, &size)) {
		bki_diags_add(j->diags, BK_ERROR, "unavailable", path, 0, 0, "",
		             "cannot read it: %s", bki_read_error());
		return false;
	}
	if (jdoc_parse_owned(d, data, size, path, j->diags)) {
		jdoc_free(d);
		return false;
	}
	const char *f = json_string_value(json_object_get(d->root, "format"));
	if (!json_is_object(d->root) || !f || strcmp(f, format)) {
		jdoc_report(d, BK_ERROR, "bad-format", false,
		            "this is not a %s file (\"format\": \"%s\")", format,
		            format);
		jdoc_finish(d, j->diags);
		jdoc_free(d);
		return false;
	}
	return true;
}

static bk_status close_doc(jdoc *d, bk_diags *diags)
{
	jdoc_finish(d, diags);
	bk_status st = jdoc_nomem(d) ? BK_ERR_NOMEM : d->errors ? BK_ERR_CONFIG : BK_OK;
	jdoc_free(d);
	return st;
}

static bool same_str(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The last kind read has its own name, stencils and files. */
static void kind_unique(jdoc *d, const pj_job *j)
{
	const pj_kind *k = &j->kinds[j->nkinds - 1];
	for (size_t e = 0; e + 1 < j->nkinds; e++) {
		const pj_kind *o = &j->kinds[e];
		const char *same = same_str(k->kind, o->kind) ? "kind"
		                   : same_str(k->source, o->source) ? "source"
		                   : same_str(k->file, o->file) ? "file" : NULL;
		if (!same)
			continue;
		size_t old = jdoc_push_key(d, same);
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "kinds %zu and %zu have the same %s", e + 1, j->nkinds, same);
		jdoc_pop(d, old);
	}
}

static void read_kind(jdoc *d, json_t *o, pj_kind *k)
{
	static const jc_field f[] = {{"kind", true}, {"source", true},
	                             {"file", true}, {"stock", true},
	                             {"processes", true}, {NULL, false}};
	jc_fields(d, o, f, "a kind");
	k->kind = str(d, o, "kind");
	k->source = str(d, o, "source");
	k->file = str(d, o, "file");
	k->stock = str(d, o, "stock");
	if (k->source && !strstr(k->source, "{kit}")) {
		size_t old = jdoc_push_key(d, "source");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "source must name the kit's file with {kit}");
		jdoc_pop(d, old);
	} else if (k->source && !bk_verify_print_job_decodes(k->source)) {
		/* refused now, not by the job's self-check after its files */
		size_t old = jdoc_push_key(d, "source");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "verify cannot check the sheets of %s: a kind imposes "
		            "the stencil print or swell PDFs "
		            "(stencil/{kit}-stencil-print.pdf, "
		            "stencil/{kit}-stencil-swell.pdf)", k->source);
		jdoc_pop(d, old);
	}
	if (k->file && !strstr(k->file, "{n}")) {
		size_t old = jdoc_push_key(d, "file");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "file must number the files with {n}");
		jdoc_pop(d, old);
	} else if (k->file && (strchr(k->file, '/') || k->file[0] == '.')) {
		size_t old = jdoc_push_key(d, "file");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "file is a name in the job folder, without a folder");
		jdoc_pop(d, old);
	}
	json_t *p = json_object_get(o, "processes");
	size_t old = jdoc_push_key(d, "processes");
	if (p && jc_type(d, p, JSON_ARRAY, "processes")) {
		k->processes = jdoc_got(d, bki_calloc(json_array_size(p) + 1,
		                                      sizeof *k->processes));
		size_t i;
		json_t *v;
		json_array_foreach(p, i, v) {
			size_t o2 = jdoc_push_index(d, i);
			if (k->processes && jc_type(d, v, JSON_STRING, "a process"))
				k->processes[k->nprocesses++] =
					jdoc_got(d, bki_strdup(json_string_value(v)));
			jdoc_pop(d, o2);
		}
	}
	jdoc_pop(d, old);
}

static bk_status read_table(pj_job *j, const bk_print_job_options *opt,
                            json_t **sheets_out, jdoc *d)
{
	bki_buf path = {0};
	bki_buf_printf(&path, "%s/print/job.json", bk_templates_dir(j->tpl));
	j->table_file = bki_buf_steal(&path);
	if (!j->table_file)
		return bki_diags_nomem(j->diags, "", "", "reading the job table");
	if (!open_doc(j, d, j->table_file, "ballotkit-print-job-table/1"))
		return BK_ERR_CONFIG;
	json_t *r = d->root;
	static const jc_field f[] = {{"format", true}, {"note", false},
	                             {"sheets", true}, {"default_sheet", true},
	                             {"gap", true}, {"sheets_per_file", true},
	                             {"slug_size_pt", true}, {"kinds", true},
	                             {NULL, false}};
	jc_fields(d, r, f, "the job table");
	j->gap = opt->gap >= 0 ? opt->gap : jc_number(d, r, "gap", 0, BK_PRINT_JOB_GAP_MAX, " mm");
	j->per_file = opt->sheets_per_file
	              ? opt->sheets_per_file
	              : (unsigned)jc_number(d, r, "sheets_per_file", 1,
	                              BK_PRINT_JOB_SHEETS_PER_FILE_MAX, "");
	j->slug_pt = jc_number(d, r, "slug_size_pt", 4, 12, " pt");
	json_t *sheets = json_object_get(r, "sheets");
	size_t old = jdoc_push_key(d, "sheets");
	if (sheets && jc_type(d, sheets, JSON_OBJECT, "sheets")) {
		const char *k;
		json_t *v;
		json_object_foreach(sheets, k, v) {
			size_t o2 = jdoc_push_key(d, k);
			if (!json_is_array(v) || json_array_size(v) != 2 ||
			    !json_is_number(json_array_get(v, 0)) ||
			    !json_is_number(json_array_get(v, 1)))
				jdoc_report(d, BK_ERROR, "bad-value", false,
				            "a sheet is [width, height] in mm");
			jdoc_pop(d, o2);
		}
		*sheets_out = sheets;
	}
	jdoc_pop(d, old);
	char *def = str(d, r, "default_sheet");
	if (def && sheets && !json_object_get(sheets, def)) {
		old = jdoc_push_key(d, "default_sheet");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "default_sheet \"%s\" is not one of sheets", def);
		jdoc_pop(d, old);
	}
	j->sheet_name = opt->sheet ? jdoc_got(d, bki_strdup(opt->sheet)) : def;
	if (opt->sheet)
		free(def);
	json_t *kinds = json_object_get(r, "kinds");
	old = jdoc_push_key(d, "kinds");
	if (kinds && jc_type(d, kinds, JSON_ARRAY, "kinds")) {
		j->kinds = jdoc_got(d, bki_calloc(json_array_size(kinds) + 1,
		                                  sizeof *j->kinds));
		size_t i;
		json_t *v;
		json_array_foreach(kinds, i, v) {
			size_t o2 = jdoc_push_index(d, i);
			if (j->kinds && jc_type(d, v, JSON_OBJECT, "a kind")) {
				read_kind(d, v, &j->kinds[j->nkinds++]);
				kind_unique(d, j);
			}
			jdoc_pop(d, o2);
		}
		if (!json_array_size(kinds))
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "kinds names no kind of stencil");
	}
	jdoc_pop(d, old);
	return BK_OK;
}

static const char *const corners[] = {"top-left", "top-right", "bottom-left",
                                      "bottom-right", NULL};

static void read_mark(jdoc *d, json_t *o, pj_mark *m)
{
	static const jc_field f[] = {{"corner", true}, {"x", true}, {"y", true},
	                             {"shape", true}, {"size", true},
	                             {NULL, false}};
	jc_fields(d, o, f, "a registration mark");
	const char *c = json_string_value(json_object_get(o, "corner"));
	m->corner = -1;
	for (int i = 0; c && corners[i]; i++)
		if (!strcmp(c, corners[i]))
			m->corner = i;
	if (json_object_get(o, "corner") && m->corner < 0) {
		size_t old = jdoc_push_key(d, "corner");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "corner is top-left, top-right, bottom-left or bottom-right");
		jdoc_pop(d, old);
	}
	const char *s = json_string_value(json_object_get(o, "shape"));
	m->circle = s && !strcmp(s, "circle");
	if (json_object_get(o, "shape") && (!s || (strcmp(s, "circle") && strcmp(s, "square")))) {
		size_t old = jdoc_push_key(d, "shape");
		jdoc_report(d, BK_ERROR, "bad-value", false,
		            "shape is square or circle (filled, black)");
		jdoc_pop(d, old);
	}
	m->x = jc_number(d, o, "x", 0, 100, " mm");
	m->y = jc_number(d, o, "y", 0, 100, " mm");
	m->size = jc_number(d, o, "size", 1, 30, " mm");
}

static bk_status read_marks(pj_job *j, const char *name)
{
	bki_buf path = {0};
	if (strchr(name, '/'))
		bki_buf_add(&path, name);
	else if (!jc_id_safe(name)) {
		bki_diags_add(j->diags, BK_ERROR, "usage", "", 0, 0, "--marks",
		             "\"%s\" is neither a mark set's name (letters, digits, "
		             "-, _) nor a path to a file", name);
		return BK_ERR_USAGE;
	} else
		bki_buf_printf(&path, "%s/print/marks/%s.json", bk_templates_dir(j->tpl),
		               name);
	pj_markset *ms = &j->marks;
	ms->file = bki_buf_steal(&path);
	if (!ms->file)
		return bki_diags_nomem(j->diags, "", "", "reading the mark set");
	char *data = NULL;
	size_t size = 0;
	if (bki_read_input(ms->file, &data, &size) == 0) {
		unsigned char dig[BK_SHA256_SIZE];
		bki_sha256(data, size, dig);
		pj_hex(dig, ms->sha256);
		free(data);
	}
	jdoc d;
	if (!open_doc(j, &d, ms->file, "ballotkit-marks/1"))
		return BK_ERR_CONFIG;
	json_t *r = d.root;
	static const jc_field f[] = {{"format", true}, {"name", true},
	                             {"note", false}, {"margin", true},
	                             {"crop", true}, {"registration", true},
	                             {NULL, false}};
	jc_fields(&d, r, f, "a mark set");
	ms->name = str(&d, r, "name");
	ms->margin = jc_number(&d, r, "margin", 0, 100, " mm");
	json_t *crop = json_object_get(r, "crop");
	size_t old = jdoc_push_key(&d, "crop");
	if (crop && jc_type(&d, crop, JSON_OBJECT, "crop")) {
		static const jc_field cf[] = {{"distance", true}, {"length", true},
		                              {"width", true}, {NULL, false}};
		jc_fields(&d, crop, cf, "crop");
		ms->crop_distance = jc_number(&d, crop, "distance", 0, 20, " mm");
		ms->crop_length = jc_number(&d, crop, "length", 1, 20, " mm");
		ms->crop_width = jc_number(&d, crop, "width", 0.05, 1, " mm");
	}
	jdoc_pop(&d, old);
	json_t *reg = json_object_get(r, "registration");
	old = jdoc_push_key(&d, "registration");
	if (reg && jc_type(&d, reg, JSON_ARRAY, "registration")) {
		ms->marks = jdoc_got(&d, bki_calloc(json_array_size(reg) + 1,
		                                    sizeof *ms->marks));
		size_t i;
		json_t *v;
		json_array_foreach(reg, i, v) {
			size_t o2 = jdoc_push_index(&d, i);
			if (ms->marks && jc_type(&d, v, JSON_OBJECT, "a registration mark"))
				read_mark(&d, v, &ms->marks[ms->nmarks++]);
			jdoc_pop(&d, o2);
		}
	}
	jdoc_pop(&d, old);
	/* every mark in its corner's square of the margin: off the stencils,
	 * their crop marks and the slug line between the corners */
	for (size_t i = 0; i < ms->nmarks; i++) {
		const pj_mark *m = &ms->marks[i];
		if (m->x + m->size > ms->margin || m->y + m->size > ms->margin) {
			char p[64];
			snprintf(p, sizeof p, "registration[%zu]", i);
			jdoc_report_at(&d, p, BK_ERROR, "bad-value", false,
			               "the mark reaches %g mm from its corner, past "
			               "the margin of %g mm: a mark stays in the "
			               "margin's corner square",
			               fmax(m->x, m->y) + m->size, ms->margin);
		}
	}
	double slug_band = ms->crop_distance + ms->crop_length + 4;
	if (!d.errors && ms->margin < slug_band)
		jdoc_report_at(&d, "margin", BK_ERROR, "bad-value", false,
		               "the margin holds the crop marks (%g mm) and the slug "
		               "line (4 mm) and needs %g mm or more",
		               ms->crop_distance + ms->crop_length, slug_band);
	return close_doc(&d, j->diags);
}

/* The sheet: a name of the table or WxH in mm. */
static bk_status read_sheet(pj_job *j, json_t *sheets)
{
	const char *s = j->sheet_name;
	if (!s)
		return BK_ERR_CONFIG; /* reported with the table */
	json_t *v = sheets ? json_object_get(sheets, s) : NULL;
	double w = 0, h = 0;
	if (v) {
		w = json_number_value(json_array_get(v, 0));
		h = json_number_value(json_array_get(v, 1));
	} else {
		bki_c_numeric num = bki_c_numeric_enter();
		char *end;
		w = strtod(s, &end);
		if (end != s && (*end == 'x' || *end == 'X')) {
			const char *p = end + 1;
			h = strtod(p, &end);
			if (end == p || *end)
				h = 0;
		} else
			w = 0;
		bki_c_numeric_leave(&num);
		if (!(w > 0 && h > 0)) {
			bki_buf names = {0};
			const char *k;
			json_t *x;
			json_object_foreach(sheets, k, x)
				bki_buf_printf(&names, "%s%s", names.len ? ", " : "", k);
			bki_diags_add(j->diags, BK_ERROR, "usage", "", 0, 0, "--sheet",
			             "\"%s\" is no sheet: give %s or WxH in mm (e.g. "
			             "330x488)", s, bki_buf_str(&names));
			bki_buf_free(&names);
			return BK_ERR_USAGE;
		}
	}
	if (!(w >= BK_PRINT_JOB_SHEET_MIN && w <= BK_PRINT_JOB_SHEET_MAX &&
	      h >= BK_PRINT_JOB_SHEET_MIN && h <= BK_PRINT_JOB_SHEET_MAX)) {
		bki_diags_add(j->diags, BK_ERROR, "usage", "", 0, 0, "--sheet",
		             "a sheet's sides are %g to %g mm, not %g x %g",
		             BK_PRINT_JOB_SHEET_MIN, BK_PRINT_JOB_SHEET_MAX, w, h);
		return BK_ERR_USAGE;
	}
	j->sheet_w = fmin(w, h);
	j->sheet_h = fmax(w, h);
	return BK_OK;
}

bk_status pj_read_setup(pj_job *j, const bk_print_job_options *opt)
{
	jdoc d;
	json_t *sheets = NULL;
	bk_status st = read_table(j, opt, &sheets, &d);
	if (st != BK_OK)
		return st;
	/* d stays open while the sheet is read from its "sheets" */
	bk_status sheet_st = d.errors ? BK_OK : read_sheet(j, sheets);
	st = close_doc(&d, j->diags);
	if (st == BK_OK)
		st = sheet_st;
	if (st == BK_OK)
		st = read_marks(j, opt->marks ? opt->marks : "default");
	if (st != BK_OK)
		return st;
	double need = 2 * (j->marks.crop_distance + j->marks.crop_length);
	if (!(j->gap >= need - 1e-9 && j->gap <= BK_PRINT_JOB_GAP_MAX)) {
		bki_diags_add(j->diags, BK_ERROR, "usage", "", 0, 0, "--gap",
		             "the gap between two stencils' bleeds is %g to %g mm "
		             "with the mark set %s (its crop marks stand %g mm "
		             "beyond a bleed and are %g mm long, on both sides), "
		             "not %g", need, BK_PRINT_JOB_GAP_MAX, j->marks.name,
		             j->marks.crop_distance, j->marks.crop_length, j->gap);
		return BK_ERR_USAGE;
	}
	return BK_OK;
}

/* ---- the kits folder ---- */

static bool read_in(pj_job *j, const char *name, char **data, size_t *size,
                    char sha[BK_SHA256_SIZE * 2 + 1])
{
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/%s", j->kits_dir, name);
	if (bki_read_file(bki_buf_str(&p), data, size)) {
		bki_diags_add(j->diags, BK_ERROR, "unavailable", bki_buf_str(&p), 0, 0,
		             "", "cannot read it (%s): is %s a kits folder made by "
		             "`ballotkit build`?", bki_read_error(), j->kits_dir);
		bki_buf_free(&p);
		return false;
	}
	bki_buf_free(&p);
	unsigned char d[BK_SHA256_SIZE];
	bki_sha256(*data, *size, d);
	pj_hex(d, sha);
	return true;
}

/* How many copies of each kit the stations' packing lists ask for. */
static json_t *station_copies(pj_job *j, json_t *index, const char *file)
{
	json_t *copies = json_object();
	if (!copies)
		return NULL;
	size_t i;
	json_t *st;
	json_array_foreach(json_object_get(index, "stations"), i, st) {
		json_t *n = json_object_get(json_object_get(st, "station"), "copies");
		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			bki_diags_add(j->diags, BK_ERROR, "bad-index", file, 0, 0, "",
			             "station %zu has no number of copies", i + 1);
			continue;
		}
		size_t k;
		json_t *kit;
		json_array_foreach(json_object_get(st, "kits"), k, kit) {
			const char *name = json_string_value(kit);
			if (!name)
				continue;
			json_int_t have = json_integer_value(json_object_get(copies, name));
			json_object_set_new(copies, name,
			                    json_integer(have + json_integer_value(n)));
		}
	}
	return copies;
}

static char *expand(const char *pattern, const char *key, const char *value)
{
	const char *at = strstr(pattern, key);
	bki_buf b = {0};
	if (!at)
		bki_buf_add(&b, pattern);
	else {
		bki_buf_addn(&b, pattern, (size_t)(at - pattern));
		bki_buf_add(&b, value);
		bki_buf_add(&b, at + strlen(key));
	}
	return bki_buf_steal(&b);
}

const char *pj_stencil_path(const pj_job *j, const pj_stencil *s, bki_buf *b)
{
	bki_buf_truncate(b, 0);
	bki_buf_printf(b, "%s/kits/%s/%s", j->kits_dir, s->kit, s->file);
	return bki_buf_str(b);
}

bool pj_read_stencil(const pj_job *j, const pj_stencil *s, char **data,
                     size_t *size)
{
	bki_buf p = {0};
	pj_stencil_path(j, s, &p);
	if (bki_read_file(bki_buf_str(&p), data, size)) {
		bki_diags_add(j->diags, BK_ERROR, "unavailable", bki_buf_str(&p), 0, 0,
		             "", "cannot read the stencil: %s", bki_read_error());
		bki_buf_free(&p);
		return false;
	}
	unsigned char d[BK_SHA256_SIZE];
	char hex[BK_SHA256_SIZE * 2 + 1];
	bki_sha256(*data, *size, d);
	pj_hex(d, hex);
	if (strcmp(hex, s->sha256)) {
		bki_diags_add(j->diags, BK_ERROR, "checksum", bki_buf_str(&p), 0, 0, "",
		             "the stencil is not the one print-quantities.csv lists "
		             "(its SHA-256 is %.12s…, the list says %.12s…): the kit "
		             "changed after it was built; run `ballotkit verify` and "
		             "build it again", hex, s->sha256);
		free(*data);
		*data = NULL;
		bki_buf_free(&p);
		return false;
	}
	bki_buf_free(&p);
	return true;
}

/* The pages and boxes of a stencil's PDF (decode's reader). */
static bool read_pages(pj_job *j, pj_stencil *s)
{
	char *data = NULL;
	size_t size = 0;
	if (!pj_read_stencil(j, s, &data, &size))
		return false;
	bki_buf p = {0};
	pj_stencil_path(j, s, &p);
	bk_pdf_pages *doc = NULL;
	bool ok = bk_decode_pdf_open(data, size, bki_buf_str(&p), &doc, j->diags) == BK_OK;
	size_t n = ok ? bk_pdf_pages_count(doc) : 0;
	if (ok && n) {
		s->pages = bki_calloc(n, sizeof *s->pages);
		if (!s->pages) {
			bki_diags_nomem(j->diags, bki_buf_str(&p), "", "reading a stencil");
			ok = false;
		}
	}
	for (size_t i = 0; ok && i < n; i++) {
		if (!bk_pdf_pages_boxes(doc, i, s->pages[i].trim, s->pages[i].bleed))
			break;
		s->npages++;
	}
	if (ok && (!n || s->npages != n)) {
		bki_diags_add(j->diags, BK_ERROR, "bad-pdf", bki_buf_str(&p), 0, 0, "",
		             "the stencil's PDF has %s", n ? "a page without a MediaBox"
		                                            : "no page");
		ok = false;
	}
	bk_pdf_pages_free(doc);
	free(data);
	bki_buf_free(&p);
	return ok;
}

/* A row of print-quantities.csv (kit,file,copies,size,sha256): ASCII
 * names without commas, as build writes them. */
static bool split_row(char *line, char *f[5])
{
	for (int i = 0; i < 5; i++) {
		f[i] = line;
		char *c = strchr(line, ',');
		if (i < 4) {
			if (!c)
				return false;
			*c = '\0';
			line = c + 1;
		} else if (c)
			return false;
	}
	return true;
}

static bk_status read_quantities(pj_job *j, json_t *copies)
{
	char *data = NULL;
	size_t size = 0;
	const char *name = "print-quantities.csv";
	if (!read_in(j, name, &data, &size, j->quantities_sha256))
		return BK_ERR_INVALID;
	bki_buf where = {0};
	bki_buf_printf(&where, "%s/%s", j->kits_dir, name);
	const char *file = bki_buf_str(&where);
	bk_status st = BK_OK;
	size_t line = 0, cap = 0;
	char *save = NULL;
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		line++;
		if (line == 1) {
			if (strcmp(l, "kit,file,copies,size,sha256")) {
				bki_diags_add(j->diags, BK_ERROR, "bad-index", file, 1, 1, "",
				             "the header is not kit,file,copies,size,sha256");
				st = BK_ERR_INVALID;
				break;
			}
			continue;
		}
		char *f[5];
		if (!split_row(l, f) || strlen(f[4]) != BK_SHA256_SIZE * 2) {
			bki_diags_add(j->diags, BK_ERROR, "bad-index", file, line, 1, "",
			             "the row is not kit,file,copies,size,sha256");
			st = BK_ERR_INVALID;
			continue;
		}
		size_t kind = j->nkinds;
		for (size_t k = 0; k < j->nkinds; k++) {
			char *want = expand(j->kinds[k].source, "{kit}", f[0]);
			if (!want) {
				st = bki_diags_nomem(j->diags, file, "", "reading the quantities");
				break;
			}
			if (!strcmp(want, f[1]))
				kind = k;
			free(want);
		}
		if (kind == j->nkinds)
			continue;
		if (!jc_id_safe(f[0])) {
			bki_diags_add(j->diags, BK_ERROR, "bad-index", file, line, 1, "",
			             "\"%s\" is not a kit's name", f[0]);
			st = BK_ERR_INVALID;
			continue;
		}
		char *end;
		unsigned long c = strtoul(f[2], &end, 10);
		json_int_t want = json_integer_value(json_object_get(copies, f[0]));
		if (*end || !*f[2] || c > 100000) {
			bki_diags_add(j->diags, BK_ERROR, "bad-index", file, line, 3, "",
			             "copies \"%s\" is not a number of copies", f[2]);
			st = BK_ERR_INVALID;
			continue;
		}
		if ((json_int_t)c != want) {
			bki_diags_add(j->diags, BK_ERROR, "copies", file, line, 3, "",
			             "%s: %lu copies of %s, but the packing lists "
			             "(index.json's stations) ask for %lld: the folder "
			             "was changed after build", f[0], c, f[1],
			             (long long)want);
			st = BK_ERR_INVALID;
			continue;
		}
		if (!c)
			continue;
		void *arr = j->stencils;
		if (!bki_array_room(&arr, &cap, j->nstencils, sizeof *j->stencils)) {
			st = bki_diags_nomem(j->diags, file, "", "reading the quantities");
			break;
		}
		j->stencils = arr;
		pj_stencil *s = &j->stencils[j->nstencils++];
		memset(s, 0, sizeof *s);
		s->kit = bki_strdup(f[0]);
		s->file = bki_strdup(f[1]);
		s->kind = kind;
		s->copies = (unsigned)c;
		s->size = (size_t)strtoull(f[3], NULL, 10);
		memcpy(s->sha256, f[4], sizeof s->sha256 - 1);
		if (!s->kit || !s->file) {
			st = bki_diags_nomem(j->diags, file, "", "reading the quantities");
			break;
		}
	}
	free(data);
	bki_buf_free(&where);
	return st;
}

bk_status pj_read_kits(pj_job *j)
{
	char *data = NULL;
	size_t size = 0;
	if (!read_in(j, "index.json", &data, &size, j->index_sha256))
		return BK_ERR_INVALID;
	json_error_t err;
	json_t *index = json_loadb(data, size, 0, &err);
	free(data);
	bki_buf where = {0};
	bki_buf_printf(&where, "%s/index.json", j->kits_dir);
	const char *f = json_string_value(json_object_get(index, "format"));
	if (!index || !f || strcmp(f, "ballotkit-index/1")) {
		bki_diags_add(j->diags, BK_ERROR, "bad-index", bki_buf_str(&where),
		             index ? 0 : (unsigned long)err.line,
		             index ? 0 : (unsigned long)err.column, "",
		             "not the index of a kits folder (ballotkit-index/1)");
		json_decref(index);
		bki_buf_free(&where);
		return BK_ERR_INVALID;
	}
	bk_status st = BK_OK;
	if (!json_is_true(json_object_get(index, "complete"))) {
		bki_diags_add(j->diags, BK_ERROR, "incomplete", bki_buf_str(&where), 0, 0,
		             "complete", "the kits folder is not complete (a shard, "
		             "or a build that failed): gather it with `ballotkit "
		             "index` first");
		st = BK_ERR_INVALID;
	}
	json_t *el = json_object_get(index, "election");
	j->election_id = bki_strdup(json_string_value(json_object_get(el, "id")));
	j->election_date = bki_strdup(json_string_value(json_object_get(el, "date")));
	json_t *copies = station_copies(j, index, bki_buf_str(&where));
	json_decref(index);
	bki_buf_free(&where);
	if (!copies || !j->election_id || !j->election_date)
		st = bki_diags_nomem(j->diags, "", "", "reading the kits folder");
	if (st == BK_OK && bk_diags_count_severity(j->diags, BK_ERROR))
		st = BK_ERR_INVALID;
	if (st == BK_OK)
		st = read_quantities(j, copies);
	json_decref(copies);
	for (size_t i = 0; st == BK_OK && i < j->nstencils; i++)
		if (!read_pages(j, &j->stencils[i]))
			st = bk_diags_count_severity(j->diags, BK_ERROR) ? BK_ERR_INVALID
			                                                : BK_ERR_NOMEM;
	if (st == BK_OK && !j->nstencils) {
		bki_diags_add(j->diags, BK_ERROR, "nothing-to-print", j->kits_dir, 0, 0,
		             "", "the kits folder has no stencil to print (were the "
		             "kits built without stencil-print?)");
		st = BK_ERR_INVALID;
	}
	return st;
}

/* ---- the layout ---- */

/* How many slots of w × h mm (bleed included) a sheet of W × H mm holds. */
static size_t fit(const pj_job *j, double W, double H, double w, double h,
                  size_t *cols, size_t *rows)
{
	double uw = W - 2 * j->marks.margin, uh = H - 2 * j->marks.margin;
	*cols = uw + 1e-9 >= w ? (size_t)floor((uw - w) / (w + j->gap) + 1e-9) + 1 : 0;
	*rows = uh + 1e-9 >= h ? (size_t)floor((uh - h) / (h + j->gap) + 1e-9) + 1 : 0;
	return *cols * *rows;
}

static bool same_size(const pj_page *a, const pj_page *b)
{
	for (int k = 0; k < 4; k++)
		if (fabs((a->bleed[k] - a->trim[k]) - (b->bleed[k] - b->trim[k])) > 0.01 ||
		    fabs((a->trim[2] - a->trim[0]) - (b->trim[2] - b->trim[0])) > 0.01 ||
		    fabs((a->trim[3] - a->trim[1]) - (b->trim[3] - b->trim[1])) > 0.01)
			return false;
	return true;
}

static bool add_file(pj_job *j, size_t *cap, size_t kind, double W, double H,
                     size_t first_sheet, size_t first_slot)
{
	void *arr = j->files;
	if (!bki_array_room(&arr, cap, j->nfiles, sizeof *j->files))
		return false;
	j->files = arr;
	pj_file *f = &j->files[j->nfiles];
	memset(f, 0, sizeof *f);
	size_t of_kind = 1; /* files are numbered per kind */
	for (size_t i = 0; i < j->nfiles; i++)
		of_kind += j->files[i].kind == kind;
	char n[16];
	snprintf(n, sizeof n, "%03zu", of_kind);
	f->name = expand(j->kinds[kind].file, "{n}", n);
	f->kind = kind;
	f->w = W;
	f->h = H;
	f->first_sheet = first_sheet;
	f->first_slot = first_slot;
	j->nfiles++;
	return f->name != NULL;
}

/* Lays out the slots of the stencils of one kind and page size (sp: n
 * stencil and page pairs, in order), from sheet *sheet on. */
static bk_status lay_group(pj_job *j, size_t kind, const size_t *sp, size_t n,
                           size_t *sheet, size_t *slot_cap, size_t *file_cap)
{
	const pj_stencil *s0 = &j->stencils[sp[0]];
	const pj_page *p0 = &s0->pages[sp[1]];
	double tw = (p0->trim[2] - p0->trim[0]) / PJ_MM_TO_PT;
	double th = (p0->trim[3] - p0->trim[1]) / PJ_MM_TO_PT;
	double bl = (p0->trim[0] - p0->bleed[0]) / PJ_MM_TO_PT;
	double br = (p0->bleed[2] - p0->trim[2]) / PJ_MM_TO_PT;
	double bt = (p0->bleed[3] - p0->trim[3]) / PJ_MM_TO_PT;
	double bb = (p0->trim[1] - p0->bleed[1]) / PJ_MM_TO_PT;
	double w = tw + bl + br, h = th + bt + bb;
	size_t pc, pr, lc, lr;
	size_t portrait = fit(j, j->sheet_w, j->sheet_h, w, h, &pc, &pr);
	size_t landscape = fit(j, j->sheet_h, j->sheet_w, w, h, &lc, &lr);
	bool land = landscape > portrait;
	size_t cols = land ? lc : pc, rows = land ? lr : pr, per = cols * rows;
	double W = land ? j->sheet_h : j->sheet_w, H = land ? j->sheet_w : j->sheet_h;
	if (!per) {
		bki_buf p = {0};
		bki_diags_add(j->diags, BK_ERROR, "does-not-fit",
		             pj_stencil_path(j, s0, &p), 0, 0, "",
		             "the stencil is %.1f x %.1f mm with its bleed, and a "
		             "%s sheet (%g x %g mm) less its margins of %g mm "
		             "leaves %.1f x %.1f mm: choose a larger --sheet",
		             w, h, j->sheet_name, j->sheet_w, j->sheet_h,
		             j->marks.margin, j->sheet_w - 2 * j->marks.margin,
		             j->sheet_h - 2 * j->marks.margin);
		bki_buf_free(&p);
		return BK_ERR_USAGE;
	}
	/* the grid, centred in the room the margins leave */
	double gw = (double)cols * w + (double)(cols - 1) * j->gap;
	double gh = (double)rows * h + (double)(rows - 1) * j->gap;
	double x0 = (W - gw) / 2, y0 = (H - gh) / 2;
	size_t on_sheet = 0, in_file = 0;
	for (size_t a = 0; a < n;) {
		/* a run of pages of one stencil: each copy's pages in order */
		size_t b = a;
		while (b < n && sp[2 * b] == sp[2 * a])
			b++;
		const pj_stencil *s = &j->stencils[sp[2 * a]];
		for (unsigned c = 1; c <= s->copies; c++)
			for (size_t x = a; x < b; x++) {
				if (on_sheet == 0) {
					if (in_file == 0 || in_file == j->per_file) {
						if (!add_file(j, file_cap, kind, W, H, *sheet, j->nslots))
							return bki_diags_nomem(j->diags, "", "",
							                       "laying out the job");
						in_file = 0;
					}
					in_file++;
					j->files[j->nfiles - 1].nsheets++;
				}
				void *arr = j->slots;
				if (!bki_array_room(&arr, slot_cap, j->nslots, sizeof *j->slots))
					return bki_diags_nomem(j->diags, "", "", "laying out the job");
				j->slots = arr;
				size_t col = on_sheet % cols, row = on_sheet / cols;
				pj_slot *sl = &j->slots[j->nslots++];
				*sl = (pj_slot){.stencil = sp[2 * x], .page = sp[2 * x + 1],
				                .copy = c, .sheet = *sheet,
				                .x = x0 + (double)col * (w + j->gap) + bl,
				                .y = y0 + (double)row * (h + j->gap) + bt,
				                .w = tw, .h = th, .bl = bl, .bt = bt,
				                .br = br, .bb = bb};
				j->files[j->nfiles - 1].nslots++;
				if (++on_sheet == per) {
					on_sheet = 0;
					(*sheet)++;
				}
			}
		a = b;
	}
	if (on_sheet)
		(*sheet)++;
	return BK_OK;
}

bk_status pj_lay_out(pj_job *j)
{
	j->kind_sheets = bki_calloc(j->nkinds + 1, sizeof *j->kind_sheets);
	size_t total = 0;
	for (size_t i = 0; i < j->nstencils; i++)
		total += j->stencils[i].npages;
	/* (stencil, page) pairs, taken group by group */
	size_t *pairs = bki_calloc(2 * total + 2, sizeof *pairs);
	bool *done = bki_calloc(total + 1, sizeof *done);
	size_t slot_cap = 0, file_cap = 0;
	bk_status st = j->kind_sheets && pairs && done ? BK_OK
	               : bki_diags_nomem(j->diags, "", "", "laying out the job");
	for (size_t k = 0; st == BK_OK && k < j->nkinds; k++) {
		size_t sheet = 0;
		for (;;) {
			/* the first page not laid out starts the next group */
			const pj_page *first = NULL;
			size_t n = 0, at = 0;
			for (size_t i = 0; i < j->nstencils; i++) {
				const pj_stencil *s = &j->stencils[i];
				for (size_t p = 0; p < s->npages; p++, at++) {
					if (s->kind != k || done[at])
						continue;
					if (!first)
						first = &s->pages[p];
					if (!same_size(first, &s->pages[p]))
						continue;
					done[at] = true;
					pairs[2 * n] = i;
					pairs[2 * n + 1] = p;
					n++;
				}
			}
			if (!n)
				break;
			st = lay_group(j, k, pairs, n, &sheet, &slot_cap, &file_cap);
			if (st != BK_OK)
				break;
		}
		j->kind_sheets[k] = sheet;
	}
	free(pairs);
	free(done);
	return st;
}
