/* Out of memory is a status: with the library's allocator made to fail
 * after N allocations (the hidden hook bki_alloc_fail_after, util/util.h),
 * a whole path — load and admit the example, the script of one ballot,
 * its braille list written as BRF and PEF, its stencil written as swell
 * PDF and SVG, and a diagnostics round trip — either returns BK_ERR_NOMEM
 * or, once N covers every allocation it makes, succeeds with the very
 * bytes of a run without the hook. It never crashes and never says
 * anything else; under the sanitizers (scripts/test.sh --sanitize)
 * LeakSanitizer proves that every run freed what it made, which is what
 * the cleanup paths are for.
 *
 * The path makes some 7,000 allocations (admission brailles every text
 * and starts eSpeak NG once to check the voices), and a run
 * takes up to a tenth of a second: N steps through each of the first
 * DENSE allocations and each of the last DENSE (where the outputs are
 * written), and geometrically (about 3 % apart) between, some 300 runs,
 * so the test stays well under a minute (longer under the sanitizers). Speech is not
 * on the path: it forks helper processes.
 *
 * A second path, swept the same way, exchanges definitions: the import of
 * the shipped example tables (CSV files and the workbook), the definition
 * loaded, exported as NIST SP 1500-20 and imported back.
 *
 * Before both, the one way an array grows (bki_array_reserve) is checked
 * on its own: its doubling, its overflow check, and an array left as it
 * was when memory runs out. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "files.h"
#include "util/util.h"

static const bk_templates *tpl;
static const char *example;
static char dir[] = "/tmp/bk-nomem-XXXXXX";

/* What one run made: its status, and the bytes of its outputs. */
typedef struct result {
	bk_status st;
	const char *step;     /* the step that failed */
	char *files[4];       /* BRF, PEF, swell PDF, SVG */
	size_t sizes[4];
	char *diags;          /* the round trip's diagnostics as text */
} result;

static void result_free(result *r)
{
	for (int i = 0; i < 4; i++)
		free(r->files[i]);
	free(r->diags);
	memset(r, 0, sizeof *r);
}

/* allocations tried one by one at the start and at the end */
#define DENSE 100

static const char *const names[4] = {"list.brf", "list.pef", "stencil.pdf",
                                     "stencil.svg"};

static char *out_path(int i)
{
	static char path[4][256];
	snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
	return path[i];
}

/* The diagnostics of a broken definition, loaded from a buffer, as
 * text: INVALID expected (or NOMEM). */
static bk_status diags_round_trip(result *r)
{
	static const char broken[] =
		"{\"format\": \"ballotkit/1\", \"election\": {\"id\": \"x\", "
		"\"date\": \"2023-13-40\"}, \"districts\": 3, \"ballots\": [],"
		" \"bogus\": true, \"bogus\": false}";
	bk_diags *d = bk_diags_create();
	if (!d)
		return BK_ERR_NOMEM;
	bk_election *e = NULL;
	bk_status st = bk_election_load_buffer(&e, broken, strlen(broken),
	                                       "broken.json", tpl, d);
	bk_election_free(e);
	if (st == BK_ERR_INVALID) {
		size_t len = 0;
		char *text = NULL;
		for (size_t i = 0; i < bk_diags_count(d); i++) {
			char line[1024];
			size_t n = bk_diag_format(bk_diags_get(d, i), line,
			                          sizeof line);
			char *more = realloc(text, len + n + 2);
			if (!more)
				abort();
			text = more;
			memcpy(text + len, line, n);
			len += n;
			text[len++] = '\n';
			text[len] = '\0';
		}
		r->diags = text;
		/* a diagnostic the list had no room for is counted, not kept */
		if (bk_diags_omitted(d, BK_ERROR) || bk_diags_omitted(d, BK_WARNING))
			st = BK_ERR_NOMEM;
	}
	bk_diags_free(d);
	return st == BK_ERR_INVALID ? BK_OK : st;
}

/* The braille list and the stencil of the script s. */
static bk_status outputs(const bk_election *e, const bk_script *s,
                         bk_diags *d, result *r)
{
	bk_braille *br = NULL;
	bk_braille_doc *doc = NULL;
	bk_stencil *stencil = NULL;
	bk_status st;
	if ((st = bk_braille_open(&br, e, tpl, d)) != BK_OK) {
		r->step = "braille open";
		goto out;
	}
	if ((st = bk_braille_list(&doc, br, s, NULL, d)) != BK_OK) {
		r->step = "braille list";
		goto out;
	}
	if ((st = bk_braille_doc_save(doc, "brf", BK_BRF_FF, out_path(0), d)) !=
	            BK_OK ||
	    (st = bk_braille_doc_save(doc, "pef", BK_BRF_FF, out_path(1), d)) !=
	            BK_OK) {
		r->step = "braille write";
		goto out;
	}
	if ((st = bk_stencil_create(&stencil, e, s, br, tpl, NULL, d)) != BK_OK) {
		r->step = "stencil";
		goto out;
	}
	if ((st = bk_stencil_write_swell_pdf(stencil, out_path(2), d)) != BK_OK ||
	    (st = bk_stencil_write_svg(stencil, 0, out_path(3), d)) != BK_OK)
		r->step = "stencil write";
out:
	bk_stencil_free(stencil);
	bk_braille_doc_free(doc);
	bk_braille_free(br);
	return st;
}

/* The whole path, with allocation failing after n allocations (-1:
 * never); *count: how many allocations it made. */
static void run(long n, result *r, long *count)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < 4; i++)
		unlink(out_path(i));
	bki_alloc_fail_after(n);
	bk_diags *d = bk_diags_create();
	bk_election *e = NULL;
	bk_script *s = NULL;
	bk_status st = BK_ERR_NOMEM;
	r->step = "diags";
	if (!d)
		goto out;
	r->step = "admit";
	if ((st = bk_election_admit(&e, example, tpl, NULL, d)) != BK_OK)
		goto out;
	r->step = "script";
	if ((st = bk_script_create(&s, e, bk_election_ballot_id(e, 0), "kk", tpl,
	                           d)) != BK_OK)
		goto out;
	r->step = NULL;
	if ((st = outputs(e, s, d, r)) != BK_OK)
		goto out;
	r->step = "diags round trip";
	if ((st = diags_round_trip(r)) != BK_OK)
		goto out;
	r->step = NULL;
out:
	bk_script_free(s);
	bk_election_free(e);
	bk_diags_free(d);
	*count = bki_alloc_count();
	bki_alloc_fail_after(-1);
	r->st = st;
	if (st == BK_OK)
		for (int i = 0; i < 4; i++)
			r->files[i] = slurp(out_path(i), &r->sizes[i]);
}

/* ---- the second path: tables and NIST SP 1500-20 ---- */

typedef struct xresult {
	bk_status st;
	char *text; /* the tables' definition, the export, the import back */
} xresult;

static char *tables[16];
static size_t ntables;

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);
	if (!s)
		abort();
	snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

static void xrun(long n, xresult *r, long *count)
{
	memset(r, 0, sizeof *r);
	bki_alloc_fail_after(n);
	bk_import *imp = NULL;
	bk_election *e = NULL;
	char *bd = NULL, *back = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = d ? bk_import_create(&imp, (const char *const *)tables,
	                                    ntables, tpl, NULL, d) : BK_ERR_NOMEM;
	const char *json = st == BK_OK ? bk_import_json(imp) : "";
	if (st == BK_OK)
		st = bk_election_load_buffer(&e, json, strlen(json), "made.json", tpl, d);
	if (st == BK_OK)
		st = bk_nist_export(&bd, json, strlen(json), e, d);
	if (st == BK_OK)
		st = bk_nist_import(&back, NULL, bd, strlen(bd), "bd.json", NULL, d);
	if (st == BK_OK)
		r->text = join3(json, bd, back);
	bk_free(back);
	bk_free(bd);
	bk_election_free(e);
	bk_import_free(imp);
	bk_diags_free(d);
	*count = bki_alloc_count();
	bki_alloc_fail_after(-1);
	r->st = st;
}

/* Sweeps the second path like the first; the TAP lines say how it went. */
static void xsweep(void)
{
	const char *root = getenv("BALLOTKIT_TEMPLATES");
	static const char *const files[] = {
		"areas.csv", "ballots.csv", "candidates.csv", "districts.csv",
		"draws.csv", "election.csv", "leaflets.csv", "parties.csv",
		"polling_stations.csv", "production.csv", "pronunciations.csv"};
	for (size_t i = 0; root && i < sizeof files / sizeof *files; i++)
		tables[ntables++] = join3(root, "/import/example-en/", files[i]);
	xresult ref;
	long total = 0;
	xrun(-1, &ref, &total);
	TAP_OK(ref.st == BK_OK && ref.text, "tables and NIST: the path succeeds "
	       "without the hook (%ld allocations)", total);
	size_t runs = 0, nomem = 0, other = 0, differ = 0;
	for (long n = 0, next = 0; ref.st == BK_OK; n = next) {
		xresult r;
		long count;
		xrun(n, &r, &count);
		runs++;
		if (r.st == BK_ERR_NOMEM)
			nomem++;
		else if (r.st == BK_OK)
			differ += !r.text || strcmp(r.text, ref.text);
		else if (other++ < 5)
			printf("# tables and NIST, N = %ld: %s\n", n,
			       bk_status_string(r.st));
		bk_status st = r.st;
		free(r.text);
		if (st == BK_OK && n >= total)
			break;
		next = n < DENSE || n >= total - DENSE ? n + 1 : n + n / 32;
		if (n < total - DENSE && next > total - DENSE)
			next = total - DENSE;
	}
	TAP_OK(runs > 0 && other == 0 && nomem > 0 && differ == 0,
	       "tables and NIST: %zu runs, each BK_ERR_NOMEM (%zu) or the same "
	       "bytes as without the hook (%zu another status, %zu differ)",
	       runs, nomem, other, differ);
	free(ref.text);
	for (size_t i = 0; i < ntables; i++)
		free(tables[i]);
}

/* The one way an array grows: it doubles (from 64, or from what was
 * allocated first) until the need fits, refuses a size that overflows,
 * and leaves the array and its capacity as they were when memory runs
 * out. */
static void array_growth(void)
{
	void *v = NULL;
	size_t cap = 0;
	bool ok = bki_array_room(&v, &cap, 0, sizeof(int));
	TAP_OK(ok && v && cap == 64, "an empty array grows to 64 (%zu)", cap);
	ok = bki_array_room(&v, &cap, 63, sizeof(int));
	TAP_OK(ok && cap == 64, "room for the 64th needs no growth (%zu)", cap);
	ok = bki_array_room(&v, &cap, 64, sizeof(int));
	TAP_OK(ok && cap == 128, "a full array doubles (%zu)", cap);
	((int *)v)[127] = 7;
	ok = bki_array_reserve(&v, &cap, 1000, sizeof(int));
	TAP_OK(ok && cap == 1024 && ((int *)v)[127] == 7,
	       "room for 1000 doubles twice more, keeping the items (%zu)", cap);
	void *was = v;
	bki_alloc_fail_after(0);
	ok = bki_array_reserve(&v, &cap, 1025, sizeof(int));
	bki_alloc_fail_after(-1);
	TAP_OK(!ok && v == was && cap == 1024,
	       "out of memory: the array and its capacity as they were");
	ok = bki_array_reserve(&v, &cap, SIZE_MAX / 2, sizeof(int));
	TAP_OK(!ok && v == was && cap == 1024,
	       "a size that overflows is refused, the array as it was");
	free(v);
}

static bool same(const result *a, const result *b)
{
	for (int i = 0; i < 4; i++)
		if (!a->files[i] || !b->files[i] || a->sizes[i] != b->sizes[i] ||
		    memcmp(a->files[i], b->files[i], a->sizes[i]))
			return false;
	return a->diags && b->diags && !strcmp(a->diags, b->diags);
}

int main(void)
{
	array_growth();
	example = getenv("BALLOTKIT_EXAMPLE");
	if (!example || !mkdtemp(dir)) {
		TAP_OK(0, "BALLOTKIT_EXAMPLE is set and a folder is made");
		return tap_done();
	}
	bk_templates *t = NULL;
	TAP_OK(bk_templates_open(&t, getenv("BALLOTKIT_TEMPLATES"), NULL) ==
	       BK_OK, "templates open");
	tpl = t;
	/* Braille held open across the runs: liblouis keeps compiled tables
	 * until its last user closes, and compiling them again in each run
	 * (liblouis' own allocations, which the hook does not touch) was a
	 * fifth of the test's time. Each run still opens and frees its own. */
	bk_braille *keep = NULL;
	TAP_OK(bk_braille_open(&keep, NULL, t, NULL) == BK_OK,
	       "braille opens (kept open across the runs)");
	result ref;
	long total = 0;
	run(-1, &ref, &total);
	TAP_OK(ref.st == BK_OK && ref.files[0] && ref.files[3] && ref.diags,
	       "the path succeeds without the hook (%ld allocations)", total);
	if (ref.st != BK_OK)
		printf("# failed at %s: %s\n", ref.step ? ref.step : "?",
		       bk_status_string(ref.st));

	size_t runs = 0, nomem = 0, other = 0, differ = 0, succeeded = 0;
	long first_ok = -1, next = 0;
	for (long n = 0; ref.st == BK_OK; n = next) {
		result r;
		long count;
		run(n, &r, &count);
		if (getenv("BK_NOMEM_TRACE"))
			fprintf(stderr, "N=%ld st=%d count=%ld\n", n, r.st, count);
		runs++;
		if (r.st == BK_ERR_NOMEM) {
			nomem++;
		} else if (r.st == BK_OK) {
			succeeded++;
			if (!same(&r, &ref))
				differ++;
			if (first_ok < 0)
				first_ok = n;
		} else if (other++ < 5) {
			printf("# N = %ld: %s at %s\n", n, bk_status_string(r.st),
			       r.step ? r.step : "?");
		}
		bk_status st = r.st;
		result_free(&r);
		if (st == BK_OK && n >= total)
			break;
		/* dense at the start and over the last DENSE, geometric between */
		next = n < DENSE || n >= total - DENSE ? n + 1 : n + n / 32;
		if (n < total - DENSE && next > total - DENSE)
			next = total - DENSE;
	}
	TAP_OK(runs > 0 && other == 0, "%zu runs: each one BK_ERR_NOMEM or BK_OK "
	       "(%zu another status)", runs, other);
	/* (a failure the path may ignore, a cache's, can only come last) */
	TAP_OK(nomem > 0 && first_ok >= 0 && first_ok <= total,
	       "%zu runs out of memory; the first to succeed had %ld of its "
	       "%ld allocations", nomem, first_ok, total);
	TAP_OK(succeeded > 0 && differ == 0,
	       "every run that succeeded wrote the same bytes (%zu differ)",
	       differ);
	result_free(&ref);
	bk_braille_free(keep);
	for (int i = 0; i < 4; i++)
		unlink(out_path(i));
	rmdir(dir);
	/* the tables name the example's ballot PDF (ballot_pdf), and a
	 * definition in memory reads it against the current folder: the
	 * example's, where the PDF is */
	char *folder = strdup(example), *slash = folder ? strrchr(folder, '/') : NULL;
	if (slash)
		*slash = '\0';
	TAP_OK(slash && chdir(folder) == 0, "into the example's folder");
	free(folder);
	xsweep();
	bk_templates_free(t);
	return tap_done();
}
