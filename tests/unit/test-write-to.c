/* Every renderer's _to function, through a write callback that keeps the
 * bytes in memory, against its path function's file, byte for byte: the
 * callback is the same renderer. A callback that fails after K bytes
 * makes the renderer return the callback's status with an "unwritable"
 * diagnostic; a path function whose file cannot grow past K bytes
 * (RLIMIT_FSIZE) fails and leaves nothing, no temporary file either.
 * Then the log callbacks: bk_diags_set_callback sees what the list holds,
 * in its order, and bk_kit_options.log receives a build's diagnostics
 * from its workers. Last, bk_print_job_make, which makes its files on
 * threads of its own, calls its progress in the calling thread, once per
 * file. */
#define _DEFAULT_SOURCE
#include <ballotkit.h>

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "tap.h"

/* ---- a write callback into memory ---- */

typedef struct mem {
	char *data;
	size_t len, cap;
	size_t limit; /* fail a write that would pass this many bytes; 0: never */
} mem;

/* The status a failing callback returns: not BK_ERR_IO, so that the
 * tests see it passed on rather than replaced. */
#define FAILED BK_ERR_CONFIG

static bk_status collect(void *arg, const void *data, size_t len)
{
	mem *m = arg;
	if (m->limit && m->len + len > m->limit)
		return FAILED;
	if (m->len + len > m->cap) {
		m->cap = (m->len + len) * 2;
		m->data = realloc(m->data, m->cap);
	}
	memcpy(m->data + m->len, data, len);
	m->len += len;
	return BK_OK;
}

/* ---- one output, by path or through a callback ---- */

/* Writes one output to path, or through write(arg) when path is NULL. */
typedef bk_status (*output_fn)(const void *ctx, const char *path,
                               bk_write_fn write, void *arg, bk_diags *d);

static const char *dir; /* the test's folder */

/* Whether d holds an "unwritable" error. */
static int unwritable(const bk_diags *d)
{
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const bk_diag *x = bk_diags_get(d, i);
		if (bk_diag_severity(x) == BK_ERROR &&
		    !strcmp(bk_diag_kind(x), "unwritable"))
			return 1;
	}
	return 0;
}

static void show(const bk_diags *d)
{
	char line[512];
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		bk_diag_format(bk_diags_get(d, i), line, sizeof line);
		printf("# %s\n", line);
	}
}

/* Entries in folder, "." and ".." left out. */
static size_t entries(const char *folder)
{
	DIR *dp = opendir(folder);
	size_t n = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (dp)
		closedir(dp);
	return n;
}

/* The path function with files limited to limit bytes, into a folder of
 * its own: it must fail and leave the folder empty. */
static void path_fails(const char *name, output_fn fn, const void *ctx,
                       size_t limit)
{
	char sub[512], path[600];
	snprintf(sub, sizeof sub, "%s/fail-%s", dir, name);
	mkdir(sub, 0777);
	snprintf(path, sizeof path, "%s/%s", sub, name);
	struct rlimit old, small;
	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = limit;
	void (*old_xfsz)(int) = signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &small);
	bk_diags *d = bk_diags_create();
	bk_status st = fn(ctx, path, NULL, NULL, d);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_xfsz);
	TAP_OK(st != BK_OK && unwritable(d),
	       "%s: a file that cannot grow past %zu bytes is an unwritable "
	       "error (%s)", name, limit, bk_status_string(st));
	TAP_OK(entries(sub) == 0, "%s: nothing is left, no temporary file", name);
	show(d);
	bk_diags_free(d);
}

/* The checks of one output. atomic: the path function writes under a
 * temporary name (all but the script, which has a FILE * writer only). */
static void check(const char *name, output_fn fn, const void *ctx, int atomic)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	bk_diags *d = bk_diags_create();
	bk_status st1 = fn(ctx, path, NULL, NULL, d);
	mem m = {0};
	bk_status st2 = fn(ctx, NULL, collect, &m, d);
	size_t n = 0;
	char *file = slurp(path, &n);
	TAP_OK(st1 == BK_OK && st2 == BK_OK && file && n > 0 && n == m.len &&
	       !memcmp(file, m.data, n),
	       "%s: the callback receives the file's %zu bytes, byte for byte "
	       "(%zu received)", name, n, m.len);
	show(d);
	bk_diags_free(d);
	free(file);

	/* the callback fails half way */
	mem half = {0};
	half.limit = m.len / 2;
	d = bk_diags_create();
	bk_status st = fn(ctx, NULL, collect, &half, d);
	TAP_OK(st == FAILED && unwritable(d),
	       "%s: a callback failing after %zu bytes: its status (%s) and an "
	       "unwritable error", name, half.limit, bk_status_string(st));
	show(d);
	bk_diags_free(d);
	free(half.data);
	if (atomic && m.len > 1)
		path_fails(name, fn, ctx, m.len / 2);
	free(m.data);
}

/* ---- the outputs ---- */

#define TRACK_BALLOT "maslikhat-ayagoz-05"

typedef struct things {
	bk_templates *tpl;
	bk_election *e;
	bk_script *script;
	bk_braille *br;
	bk_braille_doc *doc, *swell_doc;
	bk_stencil *stencil;
	const char *format;
	const char *profile;
	int16_t *samples;
	size_t nsamples;
	bk_track *track;
	unsigned audio_format;
	const char *ext; /* of the track's file: ".mp3", "-review.html"... */
} things;

static bk_status o_script(const void *ctx, const char *path, bk_write_fn w,
                          void *arg, bk_diags *d)
{
	const things *t = ctx;
	if (!path)
		return bk_script_write_to(t->script, t->format, w, arg, d);
	FILE *f = fopen(path, "wb");
	if (!f)
		return BK_ERR_IO;
	bk_status st = bk_script_write(t->script, t->format, f);
	return fclose(f) || st != BK_OK ? BK_ERR_IO : BK_OK;
}

static bk_status o_braille(const void *ctx, const char *path, bk_write_fn w,
                           void *arg, bk_diags *d)
{
	const things *t = ctx;
	return path ? bk_braille_doc_save(t->doc, t->format, BK_BRF_FF, path, d)
	            : bk_braille_doc_write_to(t->doc, t->format, BK_BRF_FF, w,
	                                      arg, d);
}

static bk_status o_swell(const void *ctx, const char *path, bk_write_fn w,
                         void *arg, bk_diags *d)
{
	const things *t = ctx;
	bk_swell_options o = BK_SWELL_OPTIONS_INIT;
	o.interline = 1; /* as the document was laid out: print text too */
	return path ? bk_swell_write_pdf(t->swell_doc, t->tpl, t->profile, &o,
	                                 path, d)
	            : bk_swell_write_pdf_to(t->swell_doc, t->tpl, t->profile, &o,
	                                    w, arg, d);
}

static bk_status o_lp_list(const void *ctx, const char *path, bk_write_fn w,
                           void *arg, bk_diags *d)
{
	const things *t = ctx;
	return path ? bk_large_print_list(t->script, t->tpl, NULL, path, d)
	            : bk_large_print_list_to(t->script, t->tpl, NULL, w, arg, d);
}

static bk_status o_lp_leaflet(const void *ctx, const char *path,
                              bk_write_fn w, void *arg, bk_diags *d)
{
	const things *t = ctx;
	return path ? bk_large_print_leaflet(t->e, "party", "auyl", "ru", t->tpl,
	                                     NULL, path, d)
	            : bk_large_print_leaflet_to(t->e, "party", "auyl", "ru",
	                                        t->tpl, NULL, w, arg, d);
}

static bk_status o_stencil(const void *ctx, const char *path, bk_write_fn w,
                           void *arg, bk_diags *d)
{
	const things *t = ctx;
	const bk_stencil *s = t->stencil;
	switch (t->format[0]) {
	case 's':
		return path ? bk_stencil_write_swell_pdf(s, path, d)
		            : bk_stencil_write_swell_pdf_to(s, w, arg, d);
	case 'v':
		return path ? bk_stencil_write_svg(s, 0, path, d)
		            : bk_stencil_write_svg_to(s, 0, w, arg, d);
	case 'n':
		return path ? bk_stencil_write_png(s, 0, 60, path, d)
		            : bk_stencil_write_png_to(s, 0, 60, w, arg, d);
	case 'r':
		return path ? bk_stencil_write_proof_pdf(s, path, d)
		            : bk_stencil_write_proof_pdf_to(s, w, arg, d);
	default: /* 'p' */
		return path ? bk_stencil_write_print_pdf(s, path, d)
		            : bk_stencil_write_print_pdf_to(s, w, arg, d);
	}
}

static bk_status o_wav(const void *ctx, const char *path, bk_write_fn w,
                       void *arg, bk_diags *d)
{
	const things *t = ctx;
	return path ? bk_speech_write_wav(t->samples, t->nsamples, path, d)
	            : bk_speech_write_wav_to(t->samples, t->nsamples, w, arg, d);
}

/* The track's file of t->audio_format: written by bk_track_write into a
 * folder of its own, where it is BASE.ext, and moved to path. */
static bk_status o_track(const void *ctx, const char *path, bk_write_fn w,
                         void *arg, bk_diags *d)
{
	const things *t = ctx;
	if (!path)
		return bk_track_write_to(t->track, t->audio_format, w, arg, d);
	char folder[600], from[1024];
	snprintf(folder, sizeof folder, "%s.d", path);
	bk_status st = bk_track_write(t->track, folder, t->audio_format, d);
	/* the review page comes with the MP3 it plays */
	snprintf(from, sizeof from, "%s/" TRACK_BALLOT "-kk%s", folder, t->ext);
	if (rename(from, path))
		st = BK_ERR_IO;
	snprintf(from, sizeof from, "%s/" TRACK_BALLOT "-kk.mp3", folder);
	unlink(from);
	rmdir(folder);
	return st;
}

/* A track of one ballot: every one-file format, and positions refused.
 * The example's shortest ballot (4 candidates, 78 s): each of the nine
 * formats is encoded three times, and the callbacks' bytes do not depend
 * on the ballot's length; mazhilis-03 (16 candidates) took 20 s more. */
static void check_track(things *t)
{
	bk_speech *sp = NULL;
	bk_audio *a = NULL;
	bk_script *script = NULL;
	bk_diags *d = bk_diags_create();
	if (bk_script_create(&script, t->e, TRACK_BALLOT, "kk", t->tpl, d) !=
	            BK_OK ||
	    bk_speech_create(&sp, t->tpl, NULL, d) != BK_OK ||
	    bk_audio_create(&a, sp, t->tpl, NULL, d) != BK_OK ||
	    bk_track_create(&t->track, a, script, d) != BK_OK) {
		TAP_OK(0, "a track of " TRACK_BALLOT " in Kazakh");
		show(d);
		goto out;
	}
	static const struct {
		unsigned format;
		const char *name;
	} f[] = {{BK_AUDIO_MP3, "track.mp3"}, {BK_AUDIO_TRANSCRIPT, "track.txt"},
	         {BK_AUDIO_CAPTIONS, "track.vtt"},
	         {BK_AUDIO_REVIEW, "track-review.html"},
	         {BK_AUDIO_WAV, "track.wav"}, {BK_AUDIO_FLAC, "track.flac"},
	         {BK_AUDIO_PHONE, "track-8k.wav"}, {BK_AUDIO_VORBIS, "track.ogg"},
	         {BK_AUDIO_OPUS, "track.opus"}};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		t->audio_format = f[i].format;
		t->ext = f[i].name + strlen("track");
		/* the path function writes into a folder of its own: only
		 * the bytes are compared */
		check(f[i].name, o_track, t, 0);
	}
	mem m = {0};
	bk_diags *u = bk_diags_create();
	TAP_OK(bk_track_write_to(t->track, BK_AUDIO_POSITIONS, collect, &m, u) ==
	               BK_ERR_USAGE && bk_diags_count(u) == 1 && m.len == 0,
	       "positions, several files, are refused with a message");
	show(u);
	bk_diags_free(u);
out:
	bk_script_free(script);
	bk_track_free(t->track);
	t->track = NULL;
	bk_audio_free(a);
	bk_speech_free(sp);
	bk_diags_free(d);
}

static void check_renderers(things *t)
{
	static const char *const script_formats[] = {"json", "text"};
	for (size_t i = 0; i < 2; i++) {
		t->format = script_formats[i];
		char name[32];
		snprintf(name, sizeof name, "script.%s", t->format);
		check(name, o_script, t, 0);
	}
	static const char *const braille_formats[] = {"brf", "pef", "txt"};
	for (size_t i = 0; i < 3; i++) {
		t->format = braille_formats[i];
		char name[32];
		snprintf(name, sizeof name, "list.%s", t->format);
		check(name, o_braille, t, 1);
	}
	check("list-swell.pdf", o_swell, t, 1);
	check("list-large.pdf", o_lp_list, t, 1);
	check("leaflet-large.pdf", o_lp_leaflet, t, 1);
	/* the letters o_stencil knows them by */
	static const char *const stencil_formats[] = {"s", "p", "r", "v", "n"};
	static const char *const stencil_names[] = {
		"stencil-swell.pdf", "stencil-print.pdf", "stencil-proof.pdf",
		"stencil.svg", "stencil.png"};
	for (size_t i = 0; i < 5; i++) {
		t->format = stencil_formats[i];
		check(stencil_names[i], o_stencil, t, 1);
	}
	check("clip.wav", o_wav, t, 1);
	check_track(t);
}

/* ---- log callbacks ---- */

typedef struct seen {
	char **lines;
	size_t n;
	size_t notes, warnings, errors;
} seen;

static void log_line(const bk_diag *x, void *arg)
{
	seen *s = arg;
	char line[1024];
	bk_diag_format(x, line, sizeof line);
	s->lines = realloc(s->lines, (s->n + 1) * sizeof *s->lines);
	s->lines[s->n++] = strdup(line);
	bk_severity sev = bk_diag_severity(x);
	s->notes += sev == BK_NOTE;
	s->warnings += sev == BK_WARNING;
	s->errors += sev == BK_ERROR;
}

static void seen_free(seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->lines[i]);
	free(s->lines);
	memset(s, 0, sizeof *s);
}

/* The callback sees every diagnostic of the list, in its order. */
static void check_diags_callback(const bk_templates *tpl,
                                 const bk_stencil *stencil)
{
	bk_diags *d = bk_diags_create();
	seen s = {0};
	bk_diags_set_callback(d, log_line, &s);
	bk_election *e = NULL;
	/* the example's derived spellings are notes */
	bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, d);
	bk_election_free(e);
	int same = bk_diags_count(d) == s.n;
	for (size_t i = 0; same && i < s.n; i++) {
		char line[1024];
		bk_diag_format(bk_diags_get(d, i), line, sizeof line);
		same = !strcmp(line, s.lines[i]);
	}
	TAP_OK(s.n > 0 && same,
	       "the log callback sees the list's %zu diagnostics, in its order "
	       "(%zu notes, %zu warnings, %zu errors)", bk_diags_count(d),
	       s.notes, s.warnings, s.errors);
	seen_free(&s);

	/* beyond the limit: passed on, not kept */
	bk_diags_free(d);
	d = bk_diags_create();
	bk_diags_set_limit(d, 1);
	bk_diags_set_callback(d, log_line, &s);
	mem m = {0};
	for (int i = 0; i < 3; i++)
		bk_stencil_write_png_to(stencil, 0, 1, collect, &m, d);
	TAP_OK(s.n == 3 && bk_diags_count(d) == 1 &&
	       bk_diags_count_severity(d, BK_ERROR) == 3,
	       "with a limit the callback still sees all %zu (the list keeps "
	       "%zu)", s.n, bk_diags_count(d));
	bk_diags_set_callback(d, NULL, NULL);
	bk_diags_free(d);
	seen_free(&s);
}

/* The progress messages of a build, one line each. */
typedef struct progress {
	char **lines;
	size_t n;
	size_t reports; /* kits reported */
	size_t log_before; /* log lines seen when the first kit was reported */
	const seen *log;
} progress;

static void on_progress(const bk_kit_progress *p, void *arg)
{
	progress *g = arg;
	if (!p->kit)
		return;
	if (!g->reports++)
		g->log_before = g->log->n;
	for (const char *m = p->messages; m && *m;) {
		const char *nl = strchr(m, '\n');
		size_t len = nl ? (size_t)(nl - m) : strlen(m);
		g->lines = realloc(g->lines, (g->n + 1) * sizeof *g->lines);
		g->lines[g->n++] = strndup(m, len);
		m += len + (nl != NULL);
	}
}

/* bk_kit_build's log receives the diagnostics its worker made, before
 * the kit's progress report: a loudness the true-peak ceiling holds back
 * is a warning of the kit, which the progress report carries too. */
static void check_kit_log(const bk_templates *tpl)
{
	bk_election *e = NULL;
	if (bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		TAP_OK(0, "the example loads");
		return;
	}
	static const char *const ballot[] = {TRACK_BALLOT};
	bk_kit_options o;
	bk_kit_options_init(&o);
	o.ballots = ballot;
	o.nballots = 1;
	o.langs = "kk";
	o.jobs = 1;
	o.audio.loudness = -10;
	o.audio.true_peak = -12;
	bk_diags *d = bk_diags_create();
	seen s = {0};
	progress g = {.log = &s};
	o.log = log_line;
	o.log_arg = &s;
	o.progress = on_progress;
	o.progress_arg = &g;
	char out[512];
	snprintf(out, sizeof out, "%s/kits", dir);
	bk_status st = bk_kit_formats_parse("audio-mp3", &o, d);
	if (st == BK_OK)
		st = bk_kit_build(e, NULL, tpl, out, &o, d);
	TAP_OK(st == BK_OK, "a kit whose loudness is held back is built (%s)",
	       bk_status_string(st));
	show(d);
	int all = g.n > 0;
	for (size_t i = 0; all && i < g.n; i++) {
		int found = 0;
		for (size_t j = 0; !found && j < s.n; j++)
			found = !strcmp(g.lines[i], s.lines[j]);
		all = found;
		if (!found)
			printf("# not in the log: %s\n", g.lines[i]);
	}
	TAP_OK(all && s.warnings >= 1,
	       "the log receives the kit's %zu warnings that its progress "
	       "report carries (%zu diagnostics logged)", g.n, s.n);
	TAP_OK(g.reports == 1 && g.log_before >= g.n,
	       "they reach the log before the kit's progress report");
	for (size_t i = 0; i < s.n; i++)
		printf("# log: %s\n", s.lines[i]);
	/* the calling process's own: a ballot the election lacks */
	seen_free(&s);
	static const char *const missing[] = {"no-such-ballot"};
	o.ballots = missing;
	o.progress = NULL;
	st = bk_kit_build(e, NULL, tpl, out, &o, NULL);
	TAP_OK(st == BK_ERR_NOTFOUND && s.errors == 1 &&
	       strstr(s.lines[0], "no-such-ballot"),
	       "without a diags list, the log still receives the build's own "
	       "errors");
	seen_free(&s);
	for (size_t i = 0; i < g.n; i++)
		free(g.lines[i]);
	free(g.lines);
	bk_diags_free(d);
	bk_election_free(e);
}

typedef struct job_seen {
	pthread_t caller;
	size_t calls, elsewhere, last_done, total;
} job_seen;

static void on_job_progress(const bk_print_job_progress *p, void *arg)
{
	job_seen *s = arg;
	s->calls++;
	s->elsewhere += !pthread_equal(pthread_self(), s->caller);
	s->last_done = p->files_done;
	s->total = p->files_total;
}

/* The example's stencils built, then imposed: the progress of the print
 * job comes in the calling thread (ballotkit.h, "Threads and process
 * effects"), though the files are made on the library's threads. */
static void check_print_job_progress(const bk_templates *tpl)
{
	bk_election *e = NULL;
	bk_diags *d = bk_diags_create();
	bk_kit_options o;
	bk_kit_options_init(&o);
	o.jobs = 1;
	char kits[512], job[512];
	snprintf(kits, sizeof kits, "%s/job-kits", dir);
	snprintf(job, sizeof job, "%s/job", dir);
	bk_status st = bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, d);
	if (st == BK_OK)
		st = bk_kit_formats_parse("stencil-print-pdf,stencil-swell-pdf", &o, d);
	if (st == BK_OK)
		st = bk_kit_build(e, NULL, tpl, kits, &o, d);
	job_seen s = {pthread_self(), 0, 0, 0, 0};
	bk_print_job_options po = BK_PRINT_JOB_OPTIONS_INIT;
	if (st == BK_OK)
		st = bk_print_job_make(tpl, kits, job, &po, on_job_progress, &s, d);
	show(d);
	TAP_OK(st == BK_OK && s.calls >= 2 && s.calls == s.total &&
	       s.last_done == s.total && !s.elsewhere,
	       "print-job: progress once per file (%zu of %zu), every call in "
	       "the calling thread (%zu elsewhere)", s.calls, s.total, s.elsewhere);
	bk_election_free(e);
	bk_diags_free(d);
}

int main(void)
{
	char tmpl[] = "/tmp/bk-write-to-XXXXXX";
	dir = mkdtemp(tmpl);
	things t = {0};
	t.profile = "marburg-medium";
	bk_diags *d = bk_diags_create();
	bk_braille_layout swell = BK_BRAILLE_LAYOUT_INIT;
	bk_swell_options so = BK_SWELL_OPTIONS_INIT;
	so.interline = 1;
	if (!dir || bk_templates_open(&t.tpl, NULL, d) != BK_OK ||
	    bk_election_load(&t.e, getenv("BALLOTKIT_EXAMPLE"), t.tpl, d) != BK_OK ||
	    bk_script_create(&t.script, t.e, "mazhilis-03", "kk", t.tpl, d) != BK_OK ||
	    bk_braille_open(&t.br, t.e, t.tpl, d) != BK_OK ||
	    bk_braille_list(&t.doc, t.br, t.script, NULL, d) != BK_OK ||
	    bk_swell_layout(&swell, t.tpl, t.profile, &so, d) != BK_OK ||
	    bk_braille_list(&t.swell_doc, t.br, t.script, &swell, d) != BK_OK ||
	    bk_stencil_create(&t.stencil, t.e, t.script, t.br, t.tpl, NULL, d) !=
	            BK_OK) {
		show(d);
		printf("Bail out! cannot load the example\n");
		return 1;
	}
	bk_diags_free(d);
	t.nsamples = 22050;
	t.samples = malloc(t.nsamples * sizeof *t.samples);
	for (size_t i = 0; i < t.nsamples; i++)
		t.samples[i] = (int16_t)(8000 * sin((double)i * 0.07));

	check_renderers(&t);
	check_diags_callback(t.tpl, t.stencil);
	check_kit_log(t.tpl);
	check_print_job_progress(t.tpl);

	free(t.samples);
	bk_stencil_free(t.stencil);
	bk_braille_doc_free(t.doc);
	bk_braille_doc_free(t.swell_doc);
	bk_braille_free(t.br);
	bk_script_free(t.script);
	bk_election_free(t.e);
	bk_templates_free(t.tpl);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	return tap_done();
}
