/* Verifying a print job (ballotkit/press.h): the ticket against the kits
 * folder's print-quantities.csv, the slots' geometry, every file's
 * checksum and PDF/X-4, and each sheet decoded slot by slot: the
 * separations of the sheet within a slot (CutContour and Braille for print
 * stencils, Black and Cyan for swell stencils) are the stencil page's own
 * (decoded from the kit's PDF, which verify checks against the ballot)
 * moved to the slot, and nothing is cut, raised or swelled outside the
 * slots. docs/print-shop.md. */
#include "verify/verify-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "diag/diag-private.h"
#include "util/cache.h"

#define TOL 0.02 /* mm: a mark is where it should be */
#define NINKS 2

/* The separations a slot is decoded in, by the kit file it holds (verify's
 * own knowledge of the kit, not the ticket's): the print stencil's die
 * line and raised ink, the swell stencil's black (it swells: dots and
 * numbers) and cyan (flat: guides and labels). */
typedef struct inkset {
	const char *suffix;
	const char *ink[NINKS];
} inkset;
static const inkset inksets[] = {
	{"-stencil-print.pdf", {"CutContour", "Braille"}},
	{"-stencil-swell.pdf", {"Black", "Cyan"}},
};

static const inkset *inkset_of(const char *file)
{
	if (!file)
		return NULL;
	size_t n = strlen(file);
	for (size_t i = 0; i < sizeof inksets / sizeof *inksets; i++) {
		size_t m = strlen(inksets[i].suffix);
		if (n > m && !strcmp(file + n - m, inksets[i].suffix))
			return &inksets[i];
	}
	return NULL;
}

typedef struct mk {
	double x, y, w, h;
} mk;

typedef struct marks {
	mk *v;
	size_t n;
} marks;

/* A stencil the ticket names. */
typedef struct jstencil {
	const char *kit, *file, *sha256;
	json_int_t copies, pages;
	const inkset *inks;
	size_t placed;            /* slots found in the files */
	bool decoded;
	marks *page_marks;        /* pages × NINKS, relative to the TrimBox */
	size_t *page_text;        /* pages × NINKS: text shown in the ink */
	unsigned char *seen;      /* pages × copies: each placed once */
} jstencil;

typedef struct jctx {
	bk_verifier *v;
	vkit job, kits;
	size_t tc;                /* the ticket's check */
	jstencil *st;
	size_t nst;
} jctx;

static void hex(const unsigned char d[BK_SHA256_SIZE], char out[65])
{
	for (size_t i = 0; i < BK_SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static bool sha_of(const char *data, size_t n, const char *want)
{
	unsigned char d[BK_SHA256_SIZE];
	char h[65];
	bki_sha256(data, n, d);
	hex(d, h);
	return want && !strcmp(h, want);
}

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* The marks of n separations of a page (inks), read in one pass, and how
 * many texts are shown in each (text[k]); the page's TrimBox size when tw
 * is not NULL. */
static bool read_marks(bk_pdf_pages *doc, size_t page, const char *const *inks,
                       size_t n, marks *out, size_t *text, double *tw,
                       double *th, bk_diags *d)
{
	bk_pdf_separation *sep[BK_PDF_SEPARATIONS_MAX] = {NULL};
	if (bk_pdf_pages_separations(doc, page, inks, n, sep, d) != BK_OK)
		return false;
	bool ok = true;
	for (size_t k = 0; k < n; k++) {
		size_t m = bk_pdf_separation_count(sep[k]);
		out[k].v = bki_calloc(m + 1, sizeof *out[k].v);
		out[k].n = 0;
		for (size_t i = 0; out[k].v && i < m; i++) {
			mk *x = &out[k].v[out[k].n++];
			bk_pdf_separation_mark(sep[k], i, &x->x, &x->y, &x->w, &x->h,
			                       NULL, NULL);
		}
		ok &= out[k].v != NULL;
		text[k] = bk_pdf_separation_other(sep[k]);
	}
	if (tw)
		bk_pdf_separation_trim(sep[0], tw, th);
	for (size_t k = 0; k < n; k++)
		bk_pdf_separation_free(sep[k]);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	const jstencil *p = a, *q = b;
	int k = strcmp(p->kit, q->kit);
	return k ? k : strcmp(p->file, q->file);
}

/* The ticket's stencil of that kit and file (c->st sorted by by_name: a
 * national job's 100,000 slots each look one up, often). */
static jstencil *find(jctx *c, const char *kit, const char *file)
{
	jstencil key = {.kit = kit, .file = file};
	return c->nst ? bsearch(&key, c->st, c->nst, sizeof *c->st, by_name) : NULL;
}

int bk_verify_print_job_decodes(const char *file)
{
	return inkset_of(file) != NULL;
}

/* ---- the ticket against print-quantities.csv ---- */

static void check_quantities(jctx *c, json_t *ticket)
{
	char *data = NULL;
	size_t n = 0;
	size_t qc = vk_check(&c->kits, "print-quantities.csv", "job-quantities");
	if (!vk_read(&c->kits, qc, "print-quantities.csv", &data, &n))
		return;
	json_t *kits = json_object_get(ticket, "kits");
	if (!sha_of(data, n, vk_str(kits, "print_quantities_sha256")))
		vk_fail(&c->kits, qc, 0, "is not the one the job was made from (the "
		        "ticket's print_quantities_sha256): the kits changed since; "
		        "make the print job again");
	size_t row = 0;
	char *save = NULL;
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (row++ == 0)
			continue;
		char *f[5];
		int k = 0;
		for (char *p = l; k < 5; k++) {
			f[k] = p;
			char *comma = strchr(p, ',');
			if (!comma)
				break;
			*comma = '\0';
			p = comma + 1;
		}
		if (k < 4)
			continue;
		/* a row of a kind the job imposes: its source pattern */
		bool ours = false;
		size_t i;
		json_t *kd;
		json_array_foreach(json_object_get(ticket, "kinds"), i, kd) {
			const char *src = vk_str(kd, "source"), *at = strstr(src, "{kit}");
			if (!at)
				continue;
			size_t pre = (size_t)(at - src), kl = strlen(f[0]);
			ours |= !strncmp(f[1], src, pre) && !strncmp(f[1] + pre, f[0], kl) &&
			        !strcmp(f[1] + pre + kl, at + 5);
		}
		long copies = strtol(f[2], NULL, 10);
		if (!ours || copies <= 0)
			continue;
		jstencil *s = find(c, f[0], f[1]);
		if (!s)
			vk_fail(&c->job, c->tc, 0, "print-quantities.csv line %zu: %s's %s "
			        "(%ld copies) is in no slot of the job", row, f[0], f[1],
			        copies);
		else if (s->copies != copies || strcmp(s->sha256, f[4]))
			vk_fail(&c->job, c->tc, 0, "%s's %s: the ticket says %lld copies "
			        "of %.12s…, print-quantities.csv line %zu %ld of %.12s…",
			        f[0], f[1], (long long)s->copies, s->sha256, row, copies, f[4]);
	}
	free(data);
}

/* ---- each stencil, decoded from the kit ---- */

static void decode_stencil(jctx *c, jstencil *s)
{
	s->decoded = true;
	bki_buf rel = {0};
	bki_buf_printf(&rel, "kits/%s/%s", s->kit, s->file);
	char *data = NULL;
	size_t n = 0;
	size_t sc = vk_check(&c->kits, bki_buf_str(&rel), "job-stencil");
	if (!vk_read(&c->kits, sc, bki_buf_str(&rel), &data, &n)) {
		bki_buf_free(&rel);
		return;
	}
	if (!sha_of(data, n, s->sha256))
		vk_fail(&c->kits, sc, 0, "is not the stencil the job was made from "
		        "(the ticket's sha256 %.12s…)", s->sha256);
	bk_diags *d = bk_diags_create();
	bk_pdf_pages *doc = NULL;
	if (d && bk_decode_pdf_open(data, n, bki_buf_str(&rel), &doc, d) == BK_OK &&
	    (json_int_t)bk_pdf_pages_count(doc) == s->pages) {
		s->page_marks = bki_calloc((size_t)s->pages * NINKS + 1, sizeof *s->page_marks);
		s->page_text = bki_calloc((size_t)s->pages * NINKS + 1, sizeof *s->page_text);
		if (!s->page_text) {
			free(s->page_marks);
			s->page_marks = NULL;
		}
		for (size_t p = 0; s->page_marks && p < (size_t)s->pages; p++)
			if (!read_marks(doc, p, s->inks->ink, NINKS,
			                &s->page_marks[p * NINKS], &s->page_text[p * NINKS],
			                NULL, NULL, d))
				vk_fail(&c->kits, sc, 0, "its %s and %s separations cannot be "
				        "read on page %zu: %s", s->inks->ink[0],
				        s->inks->ink[1], p + 1, vk_first(d));
	} else {
		vk_fail(&c->kits, sc, 0, "cannot be read as a PDF of %lld pages: %s",
		        (long long)s->pages, d ? vk_first(d) : "out of memory");
	}
	bk_pdf_pages_free(doc);
	bk_diags_free(d);
	free(data);
	bki_buf_free(&rel);
}

/* ---- the sheets ---- */

static int by_x(const void *a, const void *b)
{
	const mk *p = a, *q = b;
	return (p->x > q->x) - (p->x < q->x);
}

/* The first of the n marks (sorted by x) at x or beyond. */
static size_t lower(const mk *v, size_t n, double x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].x < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Marks the sheet's marks (sorted by x) that the slot's stencil page
 * explains; reports those of the page the sheet lacks. */
static void match_slot(jctx *c, size_t fc, size_t sheet, const json_t *slot,
                       jstencil *s, size_t page, marks *sheet_marks, bool **used)
{
	json_t *t = json_object_get(slot, "trim_mm");
	double ox = json_number_value(json_array_get(t, 0));
	double oy = json_number_value(json_array_get(t, 1));
	for (size_t k = 0; k < NINKS; k++) {
		const marks *want = &s->page_marks[page * NINKS + k];
		const marks *have = &sheet_marks[k];
		size_t missing = 0;
		for (size_t i = 0; i < want->n; i++) {
			const mk *m = &want->v[i];
			double x = m->x + ox, y = m->y + oy;
			bool found = false;
			for (size_t q = lower(have->v, have->n, x - TOL);
			     q < have->n && have->v[q].x < x + TOL && !found; q++) {
				const mk *h = &have->v[q];
				if (!used[k][q] && fabs(h->y - y) < TOL &&
				    fabs(h->w - m->w) < TOL && fabs(h->h - m->h) < TOL)
					found = used[k][q] = true;
			}
			missing += !found;
		}
		if (missing)
			vk_fail(&c->job, fc, 0, "sheet %zu: the slot of %s's %s page %zu "
			        "at %.1f, %.1f mm lacks %zu of the stencil's %zu %s marks "
			        "there: it does not hold that stencil", sheet, s->kit,
			        s->file, page + 1, ox, oy, missing, want->n, s->inks->ink[k]);
	}
}

static bool overlap(const double a[4], const double b[4])
{
	return a[0] < b[2] - 1e-6 && b[0] < a[2] - 1e-6 && a[1] < b[3] - 1e-6 &&
	       b[1] < a[3] - 1e-6;
}

/* The slot's rectangle with its bleed on the sheet (x0, y0, x1, y1). */
static void slot_rect(const json_t *slot, double r[4])
{
	json_t *t = json_object_get(slot, "trim_mm"), *b = json_object_get(slot, "bleed_mm");
	double x = json_number_value(json_array_get(t, 0));
	double y = json_number_value(json_array_get(t, 1));
	r[0] = x - json_number_value(json_array_get(b, 0));
	r[1] = y - json_number_value(json_array_get(b, 1));
	r[2] = x + json_number_value(json_array_get(t, 2)) + json_number_value(json_array_get(b, 2));
	r[3] = y + json_number_value(json_array_get(t, 3)) + json_number_value(json_array_get(b, 3));
}

/* The inks of the sheet's slots: one set, that of every stencil placed
 * on it (NULL when no slot is known; NULL and *kinds false, reported, when
 * they differ). */
static const inkset *sheet_inks(jctx *c, size_t fc, size_t sheet, json_t *slots,
                                bool *kinds)
{
	const inkset *set = NULL;
	size_t i;
	json_t *slot;
	json_array_foreach(slots, i, slot) {
		jstencil *s = find(c, vk_str(slot, "kit"), vk_str(slot, "file"));
		if ((size_t)json_integer_value(json_object_get(slot, "sheet")) != sheet || !s)
			continue;
		if (set && s->inks != set) {
			vk_fail(&c->job, fc, 0, "sheet %zu holds stencils of two kinds "
			        "(%s and %s)", sheet, set->suffix, s->inks->suffix);
			*kinds = false;
			return NULL;
		}
		set = s->inks;
	}
	return set;
}

/* A sheet where the ticket places no stencil: nothing in any ink a
 * stencil is decoded in. */
static void check_empty_sheet(jctx *c, size_t fc, bk_pdf_pages *doc,
                              size_t sheet, bk_diags *d)
{
	for (size_t i = 0; d && i < sizeof inksets / sizeof *inksets; i++) {
		marks m[NINKS] = {{0}};
		size_t text[NINKS] = {0};
		if (!read_marks(doc, sheet - 1, inksets[i].ink, NINKS, m, text, NULL,
		                NULL, d))
			vk_fail(&c->job, fc, 0, "sheet %zu: its %s and %s separations "
			        "cannot be read: %s", sheet, inksets[i].ink[0],
			        inksets[i].ink[1], vk_first(d));
		for (size_t k = 0; k < NINKS; k++) {
			if (m[k].n || text[k])
				vk_fail(&c->job, fc, 0, "sheet %zu: what it shows in %s (%zu "
				        "marks and texts) belongs to no stencil: the ticket "
				        "places none there", sheet, inksets[i].ink[k],
				        m[k].n + text[k]);
			free(m[k].v);
		}
	}
}

static void check_sheet(jctx *c, size_t fc, const char *file, bk_pdf_pages *doc,
                        size_t sheet, json_t *slots, double W, double H)
{
	marks sm[NINKS] = {{0}};
	size_t text[NINKS] = {0}, want_text[NINKS] = {0};
	bool *used[NINKS] = {NULL};
	bool kinds = true;
	const inkset *set = sheet_inks(c, fc, sheet, slots, &kinds);
	bk_diags *d = bk_diags_create();
	double tw = 0, th = 0;
	if (!set) {
		if (kinds)
			check_empty_sheet(c, fc, doc, sheet, d);
		goto out;
	}
	if (!d || !read_marks(doc, sheet - 1, set->ink, NINKS, sm, text, &tw, &th, d)) {
		vk_fail(&c->job, fc, 0, "sheet %zu: its %s and %s separations cannot "
		        "be read%s%s", sheet, set->ink[0], set->ink[1],
		        d && bk_diags_count(d) ? ": " : "", d ? vk_first(d) : "");
		goto out;
	}
	for (size_t k = 0; k < NINKS; k++) {
		bki_sort(sm[k].v, sm[k].n, sizeof *sm[k].v, by_x);
		used[k] = bki_calloc(sm[k].n + 1, sizeof *used[k]);
		if (!vk_got(&c->job, used[k]))
			goto out;
	}
	if (fabs(tw - W) > 0.05 || fabs(th - H) > 0.05)
		vk_fail(&c->job, fc, 0, "sheet %zu is %.1f × %.1f mm, the ticket says "
		        "%.1f × %.1f", sheet, tw, th, W, H);
	size_t i;
	json_t *slot;
	json_array_foreach(slots, i, slot) {
		if ((size_t)json_integer_value(json_object_get(slot, "sheet")) != sheet)
			continue;
		jstencil *s = find(c, vk_str(slot, "kit"), vk_str(slot, "file"));
		json_int_t page = json_integer_value(json_object_get(slot, "page"));
		if (!s || page < 1 || page > s->pages || !s->page_marks)
			continue; /* reported with the slots */
		match_slot(c, fc, sheet, slot, s, (size_t)page - 1, sm, used);
		for (size_t k = 0; k < NINKS; k++)
			want_text[k] += s->page_text[(size_t)(page - 1) * NINKS + k];
	}
	for (size_t k = 0; k < NINKS; k++) {
		for (size_t q = 0; q < sm[k].n; q++)
			if (!used[k][q]) {
				vk_fail(&c->job, fc, 0, "sheet %zu: a %s mark at %.1f, %.1f mm "
				        "belongs to no stencil the ticket places there", sheet,
				        set->ink[k], sm[k].v[q].x, sm[k].v[q].y);
				break;
			}
		/* text is not placed (a shown string has no box here): its count
		 * is the sum of the slots' pages' own */
		if (text[k] != want_text[k])
			vk_fail(&c->job, fc, 0, "sheet %zu shows %zu texts in %s, where "
			        "the stencils the ticket places there show %zu", sheet,
			        text[k], set->ink[k], want_text[k]);
	}
out:
	for (size_t k = 0; k < NINKS; k++) {
		free(sm[k].v);
		free(used[k]);
	}
	bk_diags_free(d);
}

/* The ticket's slots of one file: on the sheet, apart, of known stencils,
 * each copy of each page once. */
static void check_slots(jctx *c, size_t fc, const char *file, json_t *slots,
                        json_int_t sheets, double W, double H)
{
	size_t n = json_array_size(slots);
	double (*r)[4] = bki_calloc(n + 1, sizeof *r);
	if (!vk_got(&c->job, r))
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *slot = json_array_get(slots, i);
		slot_rect(slot, r[i]);
		json_int_t sh = json_integer_value(json_object_get(slot, "sheet"));
		jstencil *s = find(c, vk_str(slot, "kit"), vk_str(slot, "file"));
		json_int_t page = json_integer_value(json_object_get(slot, "page"));
		json_int_t copy = json_integer_value(json_object_get(slot, "copy"));
		if (sh < 1 || sh > sheets)
			vk_fail(&c->job, fc, 0, "slot %zu is on sheet %lld of %lld", i + 1,
			        (long long)sh, (long long)sheets);
		if (r[i][0] < -1e-6 || r[i][1] < -1e-6 || r[i][2] > W + 1e-6 ||
		    r[i][3] > H + 1e-6)
			vk_fail(&c->job, fc, 0, "slot %zu with its bleed leaves the sheet",
			        i + 1);
		for (size_t k = 0; k < i; k++)
			if (json_integer_value(json_object_get(json_array_get(slots, k), "sheet")) == sh &&
			    overlap(r[i], r[k]))
				vk_fail(&c->job, fc, 0, "slots %zu and %zu overlap with their "
				        "bleeds on sheet %lld", k + 1, i + 1, (long long)sh);
		if (!s) {
			vk_fail(&c->job, fc, 0, "slot %zu holds %s's %s, which the ticket's "
			        "stencils do not list", i + 1, vk_str(slot, "kit"),
			        vk_str(slot, "file"));
			continue;
		}
		if (page < 1 || page > s->pages || copy < 1 || copy > s->copies) {
			vk_fail(&c->job, fc, 0, "slot %zu: page %lld, copy %lld of %s's %s, "
			        "which has %lld pages and %lld copies", i + 1,
			        (long long)page, (long long)copy, s->kit, s->file,
			        (long long)s->pages, (long long)s->copies);
			continue;
		}
		unsigned char *seen = &s->seen[(page - 1) * s->copies + (copy - 1)];
		if ((*seen)++)
			vk_fail(&c->job, fc, 0, "slot %zu: page %lld, copy %lld of %s's %s is "
			        "placed twice", i + 1, (long long)page, (long long)copy,
			        s->kit, s->file);
		s->placed++;
		if (!s->decoded)
			decode_stencil(c, s);
	}
	free(r);
}

static void check_file(jctx *c, json_t *f)
{
	const char *name = vk_str(f, "file");
	if (!*name || strchr(name, '/') || *name == '.') {
		vk_fail(&c->job, c->tc, 0, "\"%s\" is not a file of the job folder", name);
		return;
	}
	char *data = NULL;
	size_t n = 0, fc;
	if (!vk_check_read(&c->job, name, "job-sheets", &fc, &data, &n))
		return;
	if (!sha_of(data, n, vk_str(f, "sha256")) ||
	    (json_int_t)n != json_integer_value(json_object_get(f, "bytes")))
		vk_fail(&c->job, fc, 0, "its SHA-256 or size is not the ticket's: the "
		        "file changed after the job was made");
	bk_diags *d = bk_diags_create();
	char *problems = NULL;
	if (d && bk_decode_pdfx(data, n, name, &problems, d) != BK_OK)
		vk_fail(&c->job, fc, 0, "cannot be read: %s", vk_first(d));
	else if (problems)
		vk_fail(&c->job, fc, 0, "is not PDF/X-4: %s", problems);
	bk_free(problems);
	bk_diags_free(d);
	json_t *sheet = json_object_get(f, "sheet");
	double W = num(sheet, "width_mm"), H = num(sheet, "height_mm");
	json_int_t sheets = json_integer_value(json_object_get(f, "sheets"));
	json_t *slots = json_object_get(f, "slots");
	check_slots(c, fc, name, slots, sheets, W, H);
	d = bk_diags_create();
	bk_pdf_pages *doc = NULL;
	if (!d || bk_decode_pdf_open(data, n, name, &doc, d) != BK_OK) {
		vk_fail(&c->job, fc, 0, "cannot be read: %s", d ? vk_first(d) : "out of memory");
	} else if ((json_int_t)bk_pdf_pages_count(doc) != sheets) {
		vk_fail(&c->job, fc, 0, "has %zu pages, the ticket says %lld sheets",
		        bk_pdf_pages_count(doc), (long long)sheets);
	} else {
		for (json_int_t s = 1; s <= sheets; s++)
			check_sheet(c, fc, name, doc, (size_t)s, slots, W, H);
	}
	bk_pdf_pages_free(doc);
	bk_diags_free(d);
	free(data);
}

static bool read_ticket(jctx *c, json_t **ticket)
{
	char *data = NULL;
	size_t n = 0;
	c->tc = vk_check(&c->job, BK_PRINT_JOB_TICKET, "job-ticket");
	if (!vk_read(&c->job, c->tc, BK_PRINT_JOB_TICKET, &data, &n))
		return false;
	json_error_t err;
	*ticket = json_loadb(data, n, 0, &err);
	free(data);
	const char *f = json_string_value(json_object_get(*ticket, "format"));
	if (!*ticket || !f || strcmp(f, BK_PRINT_JOB_FORMAT)) {
		vk_fail(&c->job, c->tc, 0, "is not a print job's ticket (%s)%s%s",
		        BK_PRINT_JOB_FORMAT, *ticket ? "" : ": ", *ticket ? "" : err.text);
		return false;
	}
	json_t *kits = json_object_get(*ticket, "kits");
	char *idx = NULL;
	size_t in = 0;
	size_t ic = vk_check(&c->kits, "index.json", "job-index");
	if (!vk_exists(&c->kits, "index.json")) {
		vk_fail(&c->kits, ic, 0, "is not there: %s is not a kits folder; name "
		        "the one the job was made from with --kits DIR", c->kits.dir);
		return false;
	}
	if (!vk_read(&c->kits, ic, "index.json", &idx, &in))
		return false;
	if (!sha_of(idx, in, vk_str(kits, "index_sha256")))
		vk_fail(&c->kits, ic, 0, "is not the index the job was made from: the "
		        "kits changed since; make the print job again");
	free(idx);
	size_t i;
	json_t *s;
	json_t *sts = json_object_get(*ticket, "stencils");
	c->st = bki_calloc(json_array_size(sts) + 1, sizeof *c->st);
	if (!vk_got(&c->job, c->st))
		return false;
	json_array_foreach(sts, i, s) {
		jstencil *j = &c->st[c->nst];
		*j = (jstencil){vk_str(s, "kit"), vk_str(s, "file"), vk_str(s, "sha256"),
		                json_integer_value(json_object_get(s, "copies")),
		                json_integer_value(json_object_get(s, "pages")),
		                inkset_of(vk_str(s, "file")), 0, false, NULL, NULL, NULL};
		if (!*j->kit || strchr(j->kit, '/') || *j->kit == '.' || !*j->file ||
		    strstr(j->file, "..") || *j->file == '/' || j->copies < 1 ||
		    j->copies > 100000 || j->pages < 1 || j->pages > 1000) {
			vk_fail(&c->job, c->tc, 0, "stencil %zu of the ticket is not a "
			        "kit's stencil with pages and copies", i + 1);
			continue;
		}
		if (!j->inks) {
			vk_fail(&c->job, c->tc, 0, "stencil %zu of the ticket, %s's %s, is "
			        "no stencil PDF verify can decode (a print or swell "
			        "stencil)", i + 1, j->kit, j->file);
			continue;
		}
		j->seen = bki_calloc((size_t)(j->pages * j->copies), 1);
		if (!vk_got(&c->job, j->seen))
			return false;
		c->nst++;
	}
	bki_sort(c->st, c->nst, sizeof *c->st, by_name);
	for (size_t k = 1; k < c->nst; k++)
		if (!by_name(&c->st[k - 1], &c->st[k]))
			vk_fail(&c->job, c->tc, 0, "the ticket lists %s's %s twice",
			        c->st[k].kit, c->st[k].file);
	return true;
}

bk_status bk_verify_print_job(bk_verifier *v, const char *job_dir,
                              const char *kits_dir, bk_diags *diags)
{
	if (!v || !job_dir || !kits_dir)
		return BK_ERR_USAGE;
	vk_clear_record(v);
	bki_c_numeric num = bki_c_numeric_enter();
	jctx c = {.v = v,
	          .job = {.v = v, .diags = diags, .dir = job_dir, .name = ""},
	          .kits = {.v = v, .diags = diags, .dir = kits_dir, .name = ""}};
	json_t *ticket = NULL;
	if (read_ticket(&c, &ticket)) {
		check_quantities(&c, ticket);
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(ticket, "files"), i, f)
			check_file(&c, f);
		for (size_t k = 0; k < c.nst; k++) {
			jstencil *s = &c.st[k];
			if (s->placed != (size_t)(s->copies * s->pages))
				vk_fail(&c.job, c.tc, 0, "%s's %s: %zu slots, where %lld copies "
				        "of %lld pages make %lld", s->kit, s->file, s->placed,
				        (long long)s->copies, (long long)s->pages,
				        (long long)(s->copies * s->pages));
		}
	}
	for (size_t k = 0; k < c.nst; k++) {
		for (size_t p = 0; c.st[k].page_marks && p < (size_t)c.st[k].pages * NINKS; p++)
			free(c.st[k].page_marks[p].v);
		free(c.st[k].page_marks);
		free(c.st[k].page_text);
		free(c.st[k].seen);
	}
	free(c.st);
	json_decref(ticket);
	bki_c_numeric_leave(&num);
	if (v->nomem)
		return bki_diags_nomem(diags, job_dir, "", "verifying the print job");
	return c.job.errors || c.kits.errors ? BK_ERR_INVALID : BK_OK;
}
