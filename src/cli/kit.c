/* The build, index and verify commands. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
	bool tty;
	bool cache;      /* --cache given: its discarded entries are shown */
	struct timespec start;
	int last_tenth;
	size_t skipped_at_start;
	bool started;
	json_t *built;   /* names of the kits built, for --json */
	bk_kit_progress last;
} progress;

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Progress goes to standard error: on a terminal a line rewritten in
 * place, else a line at each tenth of the kits. Times are only shown,
 * never written into a kit. */
static void on_progress(const bk_kit_progress *p, void *arg)
{
	progress *pg = arg;
	if (!pg->started) {
		pg->started = true;
		pg->skipped_at_start = p->skipped;
		clock_gettime(CLOCK_MONOTONIC, &pg->start);
	}
	pg->last = *p;
	if (p->kit && p->status == BK_OK)
		json_array_append_new(pg->built, json_string(p->kit));
	if (p->kit && (p->status != BK_OK || p->messages)) {
		if (pg->tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr, p->status == BK_OK ? _("ballotkit: %s:\n")
		                                   : _("ballotkit: %s failed:\n"),
		        cli_shown(p->kit));
		if (p->messages)
			fputs(cli_shown_lines(p->messages), stderr);
	}
	double t = since(&pg->start);
	size_t made = p->done - pg->skipped_at_start;
	double rate = t > 0 ? (double)made / t : 0;
	double left = rate > 0 ? (double)(p->total - p->done) / rate : 0;
	int tenth = p->total ? (int)(10 * p->done / p->total) : 10;
	if (!pg->tty && tenth == pg->last_tenth && p->done != p->total)
		return;
	pg->last_tenth = tenth;
	fprintf(stderr, _("%skits %zu/%zu (%zu skipped, %zu failed), %.2f kits/s"),
	        pg->tty ? "\r\033[K" : "", p->done, p->total, p->skipped, p->failed,
	        rate);
	if (pg->cache || p->cache_discarded)
		fprintf(stderr, _(", discarded cache entries: %zu"), p->cache_discarded);
	if (p->done < p->total && made)
		fprintf(stderr, _(", %d:%02d left"), (int)(left / 60), (int)left % 60);
	if (!pg->tty || p->done == p->total)
		fputc('\n', stderr);
}

/* The exit code of an output folder that could not be written: 75 when
 * another process holds its lock (busy: run again later), else 73. */
static int io_exit(const bk_diags *diags)
{
	for (size_t i = 0; i < bk_diags_count(diags); i++)
		if (!strcmp(bk_diag_kind(bk_diags_get(diags, i)), "busy"))
			return EXIT_TEMPFAIL;
	return EXIT_CANTCREAT;
}

/* Prints the report j, its keys in order, and frees it: build's and
 * verify's. */
static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

int cli_cmd_build(const options *o)
{
	if (!o->output)
		return cli_usage_error(_("build writes into a folder: give"), "-o DIR");
	/* 0 would read as "not given": the definition's */
	int rc = cli_check_given(o);
	if (rc)
		return rc;
	cli_ctx c;
	rc = cli_ctx_open(&c, o);
	if (rc)
		return rc;
	bk_diags *diags = c.diags;
	/* the stencil options the kits are laid out with (below) */
	bk_stencil_options so = BK_STENCIL_OPTIONS_INIT;
	so.counting_dots = o->counting_dots;
	so.tab_depth = o->tab ? 12.0 : 0.0;
	/* what validate refuses, build refuses before writing anything */
	rc = cli_admit(o, c.tpl, &so, &c.e, diags);
	if (rc)
		return cli_ctx_close(&c, rc, true);
	bk_kit_options ko;
	bk_kit_options_init(&ko);
	/* the command line's options; the rate, the loudness and the outputs
	 * it does not give are the definition's (bk_kit_build) */
	ko.speech = o->speech;
	ko.audio = o->audio;
	if (!(o->given & OPT_RATE))
		ko.speech.rate = 0;
	if (!(o->given & OPT_LOUDNESS))
		ko.audio.loudness = 0;
	ko.speech.cache_dir = o->cache;
	ko.audio.cache_dir = o->cache;
	ko.ballots = o->ballots;
	ko.nballots = o->nballots;
	ko.langs = o->langs;
	ko.jobs = o->jobs;
	ko.shard = o->shard;
	ko.shards = o->shards;
	ko.stencil = so;
	if (o->formats && bk_kit_formats_parse(o->formats, &ko, diags) != BK_OK) {
		cli_print_diags(diags, stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	progress pg = {.tty = isatty(2) == 1, .cache = o->cache != NULL,
	               .last_tenth = -1, .built = json_array()};
	ko.progress = on_progress;
	ko.progress_arg = &pg;
	bk_status st = bk_kit_build(c.e, o->file, c.tpl, o->output, &ko, diags);
	/* the kits' own messages were printed as they came; the rest (and a
	 * line per kit that failed) now */
	cli_print_diags(diags, stderr);
	if (o->json) {
		json_t *j = json_object();
		size_t failed = 0;
		json_t *fl = json_array();
		for (size_t i = 0; i < bk_diags_count(diags); i++) {
			const bk_diag *d = bk_diags_get(diags, i);
			if (!strcmp(bk_diag_kind(d), "kit")) {
				failed++;
				json_array_append_new(fl, json_string(bk_diag_file(d)));
			}
		}
		json_object_set_new(j, "output", json_string(o->output));
		json_object_set_new(j, "ok", json_boolean(st == BK_OK));
		json_object_set_new(j, "kits", json_integer((json_int_t)pg.last.total));
		json_object_set_new(j, "skipped", json_integer((json_int_t)pg.last.skipped));
		json_object_set(j, "built", pg.built);
		json_object_set_new(j, "audio_seconds", json_real(pg.last.audio_seconds));
		json_object_set_new(j, "cache_discarded",
		                    json_integer((json_int_t)pg.last.cache_discarded));
		json_object_set_new(j, "seconds", json_real(pg.started ? since(&pg.start) : 0));
		json_object_set_new(j, "failed", fl);
		print_json(j);
	}
	json_decref(pg.built);
	rc = st == BK_OK ? 0 : st == BK_ERR_USAGE || st == BK_ERR_NOTFOUND ? EXIT_USAGE
	                  : st == BK_ERR_IO ? io_exit(diags) : cli_exit_for(st);
done:
	return cli_ctx_close(&c, rc, false);
}

int cli_cmd_index(const options *o)
{
	cli_ctx c;
	int rc = cli_ctx_open(&c, o);
	if (rc)
		return rc;
	bk_status st = bk_kit_index_with(o->file, o->texts, o->ntexts, c.tpl, c.diags);
	if (st != BK_OK)
		cli_print_diags(c.diags, stderr);
	else
		fprintf(stderr, _("ballotkit: wrote the index of %s\n"), cli_shown(o->file));
	rc = st == BK_OK ? 0 : st == BK_ERR_IO ? io_exit(c.diags) : cli_exit_for(st);
	return cli_ctx_close(&c, rc, false);
}

/* Verifies o->file: a kits folder (with its index), or one kit's folder.
 * *oom when the paths cannot be made. */
/* A print job's folder (its ticket): checked against the kits folder
 * --kits names, else the job folder's parent. */
static bool verify_job(bk_verifier *v, const options *o, bk_diags *diags,
                       bk_status *st)
{
	size_t len = strlen(o->file) + sizeof BK_PRINT_JOB_TICKET + 8;
	char *t = malloc(len), *parent = malloc(len);
	bool job = false;
	if (t && parent) {
		snprintf(t, len, "%s/%s", o->file, BK_PRINT_JOB_TICKET);
		snprintf(parent, len, "%s/..", o->file);
		job = !access(t, F_OK);
		if (job)
			*st = bk_verify_print_job(v, o->file, o->kits ? o->kits : parent,
			                          diags);
	} else {
		job = true;
		*st = BK_ERR_NOMEM;
	}
	free(t);
	free(parent);
	return job;
}

static bk_status verify_run(bk_verifier *v, const options *o, bk_diags *diags,
                            bool *oom, bool *job)
{
	bk_status jst = BK_OK;
	*job = verify_job(v, o, diags, &jst);
	if (*job) {
		*oom = jst == BK_ERR_NOMEM;
		return jst;
	}
	size_t len = strlen(o->file);
	char *m = malloc(len + 32), *x = malloc(len + 32);
	bk_status st = BK_ERR_NOMEM;
	*oom = !m || !x;
	if (*oom)
		goto out;
	snprintf(m, len + 32, "%s/manifest.json", o->file);
	snprintf(x, len + 32, "%s/index.json", o->file);
	if (!access(m, F_OK) && access(x, F_OK)) {
		while (len > 1 && o->file[len - 1] == '/')
			len--;
		size_t from = len;
		while (from > 0 && o->file[from - 1] != '/')
			from--;
		char *name = strndup(o->file + from, len - from);
		st = name ? bk_verify_kit(v, o->file, name, diags) : BK_ERR_NOMEM;
		free(name);
	} else {
		st = bk_verify_folder(v, o->file, diags);
	}
out:
	free(m);
	free(x);
	return st;
}

/* verify --json: the problems and every check with its outcome. */
static void verify_report_json(const options *o, const bk_verifier *v,
                               const bk_diags *diags, bk_status st,
                               const char *reference)
{
	json_t *j = json_object();
	json_t *a = json_array();
	for (size_t i = 0; i < bk_diags_count(diags); i++) {
		const bk_diag *d = bk_diags_get(diags, i);
		json_t *x = json_object();
		json_object_set_new(x, "check", json_string(bk_diag_kind(d)));
		json_object_set_new(x, "file", json_string(bk_diag_file(d)));
		if (*bk_diag_path(d))
			json_object_set_new(x, "where", json_string(bk_diag_path(d)));
		json_object_set_new(x, "message", json_string(bk_diag_message(d)));
		json_array_append_new(a, x);
	}
	json_t *checks = json_array();
	for (size_t i = 0; i < bk_verifier_check_count(v); i++) {
		const bk_verify_check *c = bk_verifier_check(v, i);
		json_t *x = json_object();
		json_object_set_new(x, "kit", json_string(c->kit));
		json_object_set_new(x, "file", json_string(c->file));
		json_object_set_new(x, "check", json_string(c->check));
		json_object_set_new(x, "outcome",
		                    json_string(bk_check_outcome_string(c->outcome)));
		if (*c->note)
			json_object_set_new(x, "note", json_string(c->note));
		json_array_append_new(checks, x);
	}
	json_object_set_new(j, "folder", json_string(o->file));
	json_object_set_new(j, "ok", json_boolean(st == BK_OK));
	json_object_set_new(j, "reference", json_string(reference));
	json_object_set_new(j, "level", json_string(o->quick ? "quick" : "full"));
	json_object_set_new(j, "problems", a);
	json_object_set_new(j, "checks", checks);
	print_json(j);
}

/* verify's report for people: the problems, the checks not run, and a
 * line of outcome. */
static void verify_report_text(const options *o, const bk_verifier *v,
                               const bk_diags *diags, bk_status st,
                               bool definition, bool job)
{
	size_t n = bk_diags_count_severity(diags, BK_ERROR);
	size_t passed = 0, failed = 0, not_run = 0, nc = bk_verifier_check_count(v);
	for (size_t i = 0; i < nc; i++) {
		bk_check_outcome out = bk_verifier_check(v, i)->outcome;
		passed += out == BK_CHECK_PASSED;
		failed += out == BK_CHECK_FAILED;
		not_run += out == BK_CHECK_NOT_RUN;
	}
	for (size_t i = 0; i < bk_diags_count(diags); i++) {
		const bk_diag *d = bk_diags_get(diags, i);
		if (bk_diag_severity(d) < BK_ERROR)
			continue;
		fprintf(stderr, "%s: %s: %s%s%s\n", cli_shown(bk_diag_kind(d)),
		        cli_shown(bk_diag_file(d)), cli_shown(bk_diag_path(d)),
		        *bk_diag_path(d) ? ": " : "", cli_shown(bk_diag_message(d)));
	}
	for (size_t i = 0; i < nc; i++) {
		const bk_verify_check *c = bk_verifier_check(v, i);
		if (c->outcome == BK_CHECK_NOT_RUN)
			fprintf(stderr, _("not run: %s: %s: %s\n"), c->check, c->file,
			        c->note);
	}
	if (st == BK_OK && job)
		printf(_("verify: %s: the print job's sheets hold every stencil as "
		         "often as the packing lists ask, each where its ticket says, "
		         "and every file is the ticket's (%zu checks passed)\n"),
		       cli_shown(o->file), passed);
	else if (st == BK_OK)
		printf(definition ? _("verify: %s: every kit is complete and every file "
		                      "matches the definition (%zu checks passed%s)\n")
		       : _("verify: %s: every kit is complete and consistent with "
		           "its own ballot scripts (%zu checks passed%s); without "
		           "--definition nothing was compared with the definition\n"),
		       cli_shown(o->file), passed, not_run ? _(", some not run: see above") : "");
	else if (st == BK_ERR_INVALID)
		fprintf(stderr, _("verify: %s: %zu problem(s) in %zu of %zu checks "
		                  "(against the %s)\n"), cli_shown(o->file), n, failed, nc,
		        job ? "print job's ticket and kits"
		        : definition ? "definition" : "kit scripts");
	else
		cli_print_diags(diags, stderr);
}

int cli_cmd_verify(const options *o)
{
	cli_ctx c;
	int rc = cli_ctx_open(&c, o);
	if (rc)
		return rc;
	bk_verifier *v = NULL;
	if (o->definition) {
		options d = *o;
		d.file = o->definition;
		rc = cli_load_definition(&d, c.tpl, &c.e, c.diags);
		if (rc) {
			cli_print_diags(c.diags, stderr);
			goto out;
		}
		bk_diags_free(c.diags);
		c.diags = bk_diags_create();
	}
	bk_diags *diags = c.diags;
	const bk_election *e = c.e;
	bk_verify_options vo = BK_VERIFY_OPTIONS_INIT;
	vo.election = e;
	vo.level = o->quick ? BK_VERIFY_QUICK : BK_VERIFY_FULL;
	vo.partial = o->partial;
	bool oom = false, job = false;
	bk_status st = bk_verifier_create(&v, c.tpl, &vo, diags);
	if (st == BK_OK)
		st = verify_run(v, o, diags, &oom, &job);
	if (oom) {
		fprintf(stderr, _("ballotkit: out of memory verifying %s\n"),
		        cli_shown(o->file));
		rc = EXIT_SOFTWARE;
		goto out;
	}
	if (o->json)
		verify_report_json(o, v, diags, st, e ? "definition" : "kit scripts");
	else
		verify_report_text(o, v, diags, st, e != NULL, job);
	rc = st == BK_OK || st == BK_ERR_NOMEM ? cli_exit_for(st)
	     : st == BK_ERR_IO ? EXIT_NOINPUT : EXIT_DATAERR;
out:
	bk_verifier_free(v);
	return cli_ctx_close(&c, rc, false);
}

/* The format's defaults and the outputs (include/ballotkit/production.h):
 * the table as JSON, or as lines for a reader. */
int cli_cmd_defaults(const options *o)
{
	char *text = bk_production_json();
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	if (!j) {
		bk_free(text);
		return EXIT_SOFTWARE;
	}
	if (o->json) {
		printf("%s\n", text);
	} else {
		printf(_("Defaults of the definition format:\n"));
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(j, "defaults"), k, v) {
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
			                            JSON_REAL_PRECISION(10));
			printf("  %-34s %s\n", k, s ? s : "");
			free(s);
		}
		printf(_("\nOutputs (production.outputs, --formats; * built by "
		         "default):\n"));
		size_t i;
		json_array_foreach(json_object_get(j, "outputs"), i, v) {
			printf("  %s %-24s %s\n",
			       json_is_true(json_object_get(v, "default")) ? "*" : " ",
			       json_string_value(json_object_get(v, "name")),
			       json_string_value(json_object_get(v, "what")));
			size_t f;
			json_t *x;
			json_array_foreach(json_object_get(v, "files"), f, x)
				printf("      %s\n", json_string_value(x));
		}
		printf(_("\nOn the command line also: default, all, and audio, "
		         "stencil, braille, large-print,\nleaflets (each its "
		         "outputs marked *).\n"));
	}
	json_decref(j);
	bk_free(text);
	return 0;
}
