/* The build, index and verify commands. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
	bool tty;
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
		        p->kit);
		if (p->messages)
			fputs(p->messages, stderr);
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
	if (p->done < p->total && made)
		fprintf(stderr, _(", %d:%02d left"), (int)(left / 60), (int)left % 60);
	if (!pg->tty || p->done == p->total)
		fputc('\n', stderr);
}

int cmd_build(const options *o)
{
	if (!o->output)
		return usage_error(_("build writes into a folder: give"), "-o DIR");
	bk_templates *tpl;
	int rc = open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	/* the stencil options the kits are laid out with (below) */
	bk_stencil_options so = BK_STENCIL_OPTIONS_INIT;
	so.counting_dots = o->counting_dots;
	so.tab_depth = o->tab ? 12.0 : 0.0;
	/* what validate refuses, build refuses before writing anything */
	rc = admit(o, tpl, &so, &e, diags);
	if (rc) {
		print_diags(diags, stderr);
		bk_diags_free(diags);
		bk_templates_free(tpl);
		return rc;
	}
	bk_kit_options ko;
	bk_kit_options_init(&ko);
	if (o->given & OPT_SPEECH)
		ko.speech = o->speech;
	if (o->given & OPT_AUDIO)
		ko.audio = o->audio;
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
		print_diags(diags, stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	progress pg = {.tty = isatty(2) == 1, .last_tenth = -1, .built = json_array()};
	ko.progress = on_progress;
	ko.progress_arg = &pg;
	bk_status st = bk_kit_build(e, o->file, tpl, o->output, &ko, diags);
	/* the kits' own messages were printed as they came; the rest (and a
	 * line per kit that failed) now */
	print_diags(diags, stderr);
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
		json_object_set_new(j, "seconds", json_real(pg.started ? since(&pg.start) : 0));
		json_object_set_new(j, "failed", fl);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	}
	json_decref(pg.built);
	rc = st == BK_OK ? 0 : st == BK_ERR_USAGE || st == BK_ERR_NOTFOUND ? EXIT_USAGE
	                  : st == BK_ERR_IO ? EXIT_CANTCREAT : exit_for(st);
done:
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}

int cmd_index(const options *o)
{
	bk_diags *diags = bk_diags_create();
	bk_status st = bk_kit_index(o->file, o->texts, o->ntexts, diags);
	if (st != BK_OK)
		print_diags(diags, stderr);
	else
		fprintf(stderr, _("ballotkit: wrote the index of %s\n"), o->file);
	bk_diags_free(diags);
	return st == BK_OK ? 0 : st == BK_ERR_IO ? EXIT_CANTCREAT : exit_for(st);
}

int cmd_verify(const options *o)
{
	bk_templates *tpl;
	int rc = open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	if (o->definition) {
		options d = *o;
		d.file = o->definition;
		rc = load(&d, tpl, &e, diags);
		if (rc) {
			print_diags(diags, stderr);
			bk_diags_free(diags);
			bk_templates_free(tpl);
			return rc;
		}
		bk_diags_free(diags);
		diags = bk_diags_create();
	}
	bk_status st = bk_kit_verify(o->file, e, tpl, diags);
	size_t n = bk_diags_count_severity(diags, BK_ERROR);
	if (o->json) {
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
		json_object_set_new(j, "folder", json_string(o->file));
		json_object_set_new(j, "ok", json_boolean(st == BK_OK));
		json_object_set_new(j, "problems", a);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	} else {
		for (size_t i = 0; i < bk_diags_count(diags); i++) {
			const bk_diag *d = bk_diags_get(diags, i);
			if (bk_diag_severity(d) < BK_ERROR)
				continue;
			fprintf(stderr, "%s: %s: %s%s%s\n", bk_diag_kind(d), bk_diag_file(d),
			        *bk_diag_path(d) ? bk_diag_path(d) : "",
			        *bk_diag_path(d) ? ": " : "", bk_diag_message(d));
		}
		if (st == BK_OK)
			printf(e ? _("verify: %s: every kit is complete and matches its "
			             "ballot scripts and the definition\n")
			         : _("verify: %s: every kit is complete and matches its "
			             "ballot scripts\n"), o->file);
		else
			fprintf(stderr, _("verify: %s: %zu problem(s)\n"), o->file, n);
	}
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return st == BK_OK ? 0 : st == BK_ERR_IO ? EXIT_NOINPUT : EXIT_DATAERR;
}
