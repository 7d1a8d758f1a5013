/* bk_print_job_make: read and lay out everything (setup.c), then write
 * each file of sheets (impose.c; a few files at once, on threads), the CSV
 * ticket and the JSON ticket,
 * each under a temporary name renamed into place; then check the job as
 * `ballotkit verify` does and take the ticket back if it fails, so that
 * a job folder with a ticket is one that passed. */
#include "press/press-private.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ballotkit/verify.h"
#include "diag/diag-private.h"
#include "json/jdoc.h"

void pj_job_free(pj_job *j)
{
	free(j->table_file);
	free(j->sheet_name);
	for (size_t i = 0; i < j->nkinds; i++) {
		pj_kind *k = &j->kinds[i];
		free(k->kind);
		free(k->source);
		free(k->file);
		free(k->stock);
		for (size_t p = 0; p < k->nprocesses; p++)
			free(k->processes[p]);
		free(k->processes);
	}
	free(j->kinds);
	free(j->marks.name);
	free(j->marks.file);
	free(j->marks.marks);
	free(j->election_id);
	free(j->election_date);
	for (size_t i = 0; i < j->nstencils; i++) {
		free(j->stencils[i].kit);
		free(j->stencils[i].file);
		free(j->stencils[i].pages);
	}
	free(j->stencils);
	free(j->slots);
	free(j->kind_sheets);
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i].name);
	free(j->files);
}

static bk_status write_file(const pj_job *j, const char *dir, const char *name,
                            const char *data, size_t len)
{
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/%s", dir, name);
	bki_atomic a;
	int fail = bki_buf_failed(&p) || bki_atomic_open(&a, bki_buf_str(&p));
	if (!fail) {
		if (fwrite(data, 1, len, a.f) != len) {
			int e = errno;
			bki_atomic_abort(&a);
			errno = e;
			fail = 1;
		} else
			fail = bki_atomic_commit(&a);
	}
	if (fail)
		bki_diags_add(j->diags, BK_ERROR, "unwritable", bki_buf_str(&p), 0, 0, "",
		             "cannot write it: %s", strerror(errno));
	bki_buf_free(&p);
	return fail ? BK_ERR_IO : BK_OK;
}

/* ---- the ticket ---- */

static json_t *mm(double v)
{
	return json_real(round(v * 1000) / 1000);
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *file_json(const pj_job *j, const pj_file *f)
{
	const pj_kind *k = &j->kinds[f->kind];
	json_t *slots = json_array(), *stencils = json_array();
	size_t last = (size_t)-1;
	json_t *cur = NULL;
	for (size_t i = f->first_slot; i < f->first_slot + f->nslots; i++) {
		const pj_slot *s = &j->slots[i];
		const pj_stencil *st = &j->stencils[s->stencil];
		json_array_append_new(slots, json_pack(
			"{s:I, s:s, s:s, s:I, s:I, s:[o,o,o,o], s:[o,o,o,o]}",
			"sheet", (json_int_t)(s->sheet - f->first_sheet + 1),
			"kit", st->kit, "file", st->file,
			"page", (json_int_t)(s->page + 1), "copy", (json_int_t)s->copy,
			"trim_mm", mm(s->x), mm(s->y), mm(s->w), mm(s->h),
			"bleed_mm", mm(s->bl), mm(s->bt), mm(s->br), mm(s->bb)));
		if (s->stencil != last) {
			cur = json_pack("{s:s, s:s, s:I}", "kit", st->kit, "file",
			                st->file, "slots", (json_int_t)0);
			json_array_append_new(stencils, cur);
			last = s->stencil;
		}
		json_object_set_new(cur, "slots", json_integer(
			json_integer_value(json_object_get(cur, "slots")) + 1));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:{s:o, s:o}, s:I, s:I, s:s, "
	                 "s:o, s:o, s:o}",
	                 "file", f->name, "kind", k->kind, "sha256", f->sha256,
	                 "bytes", (json_int_t)f->bytes,
	                 "sheet", "width_mm", mm(f->w), "height_mm", mm(f->h),
	                 "sheets", (json_int_t)f->nsheets,
	                 "first_sheet", (json_int_t)(f->first_sheet + 1),
	                 "stock", k->stock,
	                 "processes", strings(k->processes, k->nprocesses),
	                 "stencils", stencils, "slots", slots);
}

static json_t *ticket_json(const pj_job *j)
{
	json_t *files = json_array(), *stencils = json_array(), *kinds = json_array();
	size_t sheets = 0;
	for (size_t i = 0; i < j->nfiles; i++)
		json_array_append_new(files, file_json(j, &j->files[i]));
	for (size_t i = 0; i < j->nstencils; i++) {
		const pj_stencil *s = &j->stencils[i];
		json_array_append_new(stencils, json_pack(
			"{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "kit", s->kit,
			"file", s->file, "kind", j->kinds[s->kind].kind, "sha256", s->sha256,
			"bytes", (json_int_t)s->size, "pages", (json_int_t)s->npages,
			"copies", (json_int_t)s->copies,
			"slots", (json_int_t)(s->npages * s->copies)));
	}
	for (size_t k = 0; k < j->nkinds; k++) {
		const pj_kind *kd = &j->kinds[k];
		json_array_append_new(kinds, json_pack(
			"{s:s, s:s, s:s, s:o, s:I}", "kind", kd->kind, "source",
			kd->source, "stock", kd->stock, "processes",
			strings(kd->processes, kd->nprocesses), "sheets",
			(json_int_t)j->kind_sheets[k]));
		sheets += j->kind_sheets[k];
	}
	const pj_markset *m = &j->marks;
	return json_pack(
		"{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:o, s:o}, s:o, "
		"s:{s:s, s:s, s:o, s:{s:o, s:o, s:o}}, s:o, s:o, s:o, "
		"s:{s:I, s:I, s:I}}",
		"format", BK_PRINT_JOB_FORMAT,
		"election", "id", j->election_id, "date", j->election_date,
		"kits", "index_sha256", j->index_sha256,
		"print_quantities_sha256", j->quantities_sha256,
		"sheet", "name", j->sheet_name, "width_mm", mm(j->sheet_w),
		"height_mm", mm(j->sheet_h),
		"gap_mm", mm(j->gap),
		"marks", "name", m->name, "sha256", m->sha256, "margin_mm", mm(m->margin),
		"crop_mm", "distance", mm(m->crop_distance), "length",
		mm(m->crop_length), "width", mm(m->crop_width),
		"kinds", kinds, "stencils", stencils, "files", files,
		"totals", "files", (json_int_t)j->nfiles, "sheets", (json_int_t)sheets,
		"slots", (json_int_t)j->nslots);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(bki_buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		bki_buf_addc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				bki_buf_addc(b, '"');
			bki_buf_addc(b, *s);
		}
		bki_buf_addc(b, '"');
	} else
		bki_buf_add(b, s);
	bki_buf_addc(b, last ? '\n' : ',');
}

/* One row per file and stencil on it. */
static void ticket_csv(const pj_job *j, bki_buf *b)
{
	bki_buf_add(b, "file,kind,sheet_mm,sheets,kit,stencil,pages,copies,slots,"
	            "stock,processes,sha256,stencil_sha256\n");
	for (size_t i = 0; i < j->nfiles; i++) {
		const pj_file *f = &j->files[i];
		const pj_kind *k = &j->kinds[f->kind];
		bki_buf proc = {0};
		for (size_t p = 0; p < k->nprocesses; p++)
			bki_buf_printf(&proc, "%s%s", p ? " | " : "", k->processes[p]);
		char size[64], num[32];
		snprintf(size, sizeof size, "%gx%g", f->w, f->h);
		for (size_t s = f->first_slot; s < f->first_slot + f->nslots;) {
			size_t e = s;
			while (e < f->first_slot + f->nslots &&
			       j->slots[e].stencil == j->slots[s].stencil)
				e++;
			const pj_stencil *st = &j->stencils[j->slots[s].stencil];
			csv_field(b, f->name, false);
			csv_field(b, k->kind, false);
			csv_field(b, size, false);
			snprintf(num, sizeof num, "%zu", f->nsheets);
			csv_field(b, num, false);
			csv_field(b, st->kit, false);
			csv_field(b, st->file, false);
			snprintf(num, sizeof num, "%zu", st->npages);
			csv_field(b, num, false);
			snprintf(num, sizeof num, "%u", st->copies);
			csv_field(b, num, false);
			snprintf(num, sizeof num, "%zu", e - s);
			csv_field(b, num, false);
			csv_field(b, k->stock, false);
			csv_field(b, bki_buf_str(&proc), false);
			csv_field(b, f->sha256, false);
			csv_field(b, st->sha256, true);
			s = e;
		}
		bki_buf_free(&proc);
	}
}

/* ---- making it ---- */

/* The files of sheets are made by a few threads at once, each file whole
 * by one thread (its bytes do not depend on which, nor on how many); the
 * calling thread waits and reports progress, so that the callback is
 * called in the caller's thread only (ballotkit.h). What they share is
 * guarded by lock. */
#define PJ_THREADS_MAX 4

typedef struct sheet_work {
	pj_job *j;                /* read only, but for each file's checksum */
	const char *job_dir;
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* a file done, or a thread ended */
	size_t next;              /* the next file to make */
	size_t *done;             /* the files done, in the order they ended */
	size_t ndone;
	size_t running;           /* threads not yet ended */
	bk_status st;             /* the first failure */
} sheet_work;

typedef struct sheet_worker {
	sheet_work *w;
	bk_diags *diags;          /* its own, moved to the job's at the end */
} sheet_worker;

static bk_status make_file(const pj_job *j, pj_file *f, const char *job_dir)
{
	bki_buf pdf = {0};
	bk_status st = pj_impose(j, f, &pdf);
	if (st == BK_OK) {
		unsigned char d[BK_SHA256_SIZE];
		bki_sha256(pdf.data, pdf.len, d);
		pj_hex(d, f->sha256);
		f->bytes = pdf.len;
		st = write_file(j, job_dir, f->name, pdf.data, pdf.len);
	}
	bki_buf_free(&pdf);
	return st;
}

static void *sheet_thread(void *arg)
{
	sheet_worker *me = arg;
	sheet_work *w = me->w;
	pj_job mine = *w->j;
	mine.diags = me->diags;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		size_t i = w->next++;
		bool go = w->st == BK_OK && i < w->j->nfiles;
		pthread_mutex_unlock(&w->lock);
		if (!go)
			break;
		bk_status st = make_file(&mine, &w->j->files[i], w->job_dir);
		pthread_mutex_lock(&w->lock);
		if (st != BK_OK && w->st == BK_OK)
			w->st = st;
		if (st == BK_OK)
			w->done[w->ndone++] = i;
		pthread_cond_signal(&w->changed);
		pthread_mutex_unlock(&w->lock);
	}
	pthread_mutex_lock(&w->lock);
	w->running--;
	pthread_cond_signal(&w->changed);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Waits for the threads, reporting each file as it is done. */
static void follow(sheet_work *w, bk_print_job_progress_fn progress, void *arg)
{
	bk_print_job_progress pr = {0, w->j->nfiles, 0, 0, NULL};
	for (size_t k = 0; k < w->j->nkinds; k++)
		pr.sheets_total += w->j->kind_sheets[k];
	size_t told = 0;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (told < w->ndone) {
			const pj_file *f = &w->j->files[w->done[told++]];
			pr.files_done++;
			pr.sheets_done += f->nsheets;
			pr.file = f->name;
			pthread_mutex_unlock(&w->lock);
			if (progress)
				progress(&pr, arg);
			pthread_mutex_lock(&w->lock);
		}
		if (!w->running)
			break;
		pthread_cond_wait(&w->changed, &w->lock);
	}
	pthread_mutex_unlock(&w->lock);
}

static bk_status write_sheets(pj_job *j, const char *job_dir,
                              bk_print_job_progress_fn progress, void *arg)
{
	sheet_work w = {j, job_dir, PTHREAD_MUTEX_INITIALIZER,
	                PTHREAD_COND_INITIALIZER, 0,
	                bki_calloc(j->nfiles + 1, sizeof *w.done), 0, 0, BK_OK};
	if (!w.done)
		return bki_diags_nomem(j->diags, job_dir, "", "making the sheets");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus < 1 ? 1 : cpus > PJ_THREADS_MAX ? PJ_THREADS_MAX : (size_t)cpus;
	if (n > j->nfiles)
		n = j->nfiles ? j->nfiles : 1;
	sheet_worker me[PJ_THREADS_MAX];
	pthread_t th[PJ_THREADS_MAX];
	bool started[PJ_THREADS_MAX] = {false};
	for (size_t t = 0; t < n; t++) {
		me[t] = (sheet_worker){&w, bk_diags_create()};
		pthread_mutex_lock(&w.lock);
		started[t] = me[t].diags &&
		             !pthread_create(&th[t], NULL, sheet_thread, &me[t]);
		w.running += started[t];
		pthread_mutex_unlock(&w.lock);
	}
	if (!w.running && me[0].diags) {
		/* no thread could be started: the calling thread makes them */
		w.running = 1;
		sheet_thread(&me[0]);
	}
	follow(&w, progress, arg);
	for (size_t t = 0; t < n; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	/* each thread's diagnostics, in thread order */
	for (size_t t = 0; t < n; t++) {
		for (size_t i = 0; i < bk_diags_count(me[t].diags); i++) {
			const bk_diag *d = bk_diags_get(me[t].diags, i);
			bki_diags_add(j->diags, bk_diag_severity(d), bk_diag_kind(d),
			             bk_diag_file(d), bk_diag_line(d), bk_diag_column(d),
			             bk_diag_path(d), "%s", bk_diag_message(d));
		}
		bk_diags_free(me[t].diags);
	}
	free(w.done);
#ifdef __GLIBC__
	/* the threads' malloc arenas keep what they freed; the check that
	 * follows runs in this thread and could not use it (docs/performance.md) */
	malloc_trim(0);
#endif
	/* not even the calling thread's diagnostics could be made */
	if (w.st == BK_OK && w.ndone != j->nfiles)
		w.st = bki_diags_nomem(j->diags, job_dir, "", "making the sheets");
	return w.st;
}

static bk_status write_tickets(pj_job *j, const char *job_dir)
{
	bki_buf csv = {0};
	ticket_csv(j, &csv);
	if (bki_buf_failed(&csv)) {
		bki_buf_free(&csv);
		return bki_diags_nomem(j->diags, BK_PRINT_JOB_TICKET_CSV, "", "writing it");
	}
	bk_status st = write_file(j, job_dir, BK_PRINT_JOB_TICKET_CSV, csv.data, csv.len);
	bki_buf_free(&csv);
	if (st != BK_OK)
		return st;
	json_t *t = ticket_json(j);
	char *text = t ? bki_json_text(t) : NULL;
	json_decref(t);
	if (!text)
		return bki_diags_nomem(j->diags, BK_PRINT_JOB_TICKET, "", "writing it");
	st = write_file(j, job_dir, BK_PRINT_JOB_TICKET, text, strlen(text));
	free(text);
	return st;
}

/* The job as verify sees it; its ticket taken back when it fails. */
static bk_status self_check(pj_job *j, const char *job_dir)
{
	bk_verifier *v = NULL;
	bk_verify_options vo = BK_VERIFY_OPTIONS_INIT;
	vo.level = BK_VERIFY_BUILD;
	bk_diags *d = bk_diags_create();
	bk_status st = d ? bk_verifier_create(&v, j->tpl, &vo, d) : BK_ERR_NOMEM;
	if (st == BK_OK)
		st = bk_verify_print_job(v, job_dir, j->kits_dir, d);
	bk_verifier_free(v);
	if (st != BK_OK) {
		bki_buf p = {0};
		bki_buf_printf(&p, "%s/%s", job_dir, BK_PRINT_JOB_TICKET);
		unlink(bki_buf_str(&p));
		bki_diags_add(j->diags, BK_ERROR, "self-check", bki_buf_str(&p), 0, 0,
		             "", "the job failed its own check, so its ticket was "
		             "taken back: %s", d && bk_diags_count(d)
		             ? bk_diag_message(bk_diags_get(d, 0)) : "out of memory");
		bki_buf_free(&p);
		st = st == BK_ERR_NOMEM ? st : BK_ERR_INVALID;
	}
	bk_diags_free(d);
	return st;
}

bk_status bk_print_job_make(const bk_templates *tpl, const char *kits_dir,
                            const char *job_dir, const bk_print_job_options *opt,
                            bk_print_job_progress_fn progress,
                            void *progress_arg, bk_diags *diags)
{
	if (!tpl || !kits_dir || !job_dir || !opt)
		return BK_ERR_USAGE;
	bk_print_job_options o = BK_PRINT_JOB_OPTIONS_INIT;
	if (!bki_options_take(&o, opt, sizeof o, BK_PRINT_JOB_OPTIONS_VERSION,
	                      "bk_print_job_options", diags))
		return BK_ERR_USAGE;
	if (o.sheets_per_file > BK_PRINT_JOB_SHEETS_PER_FILE_MAX) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--sheets-per-file",
		             "a file holds 1 to %d sheets", BK_PRINT_JOB_SHEETS_PER_FILE_MAX);
		return BK_ERR_USAGE;
	}
	pj_job j = {.tpl = tpl, .diags = diags, .kits_dir = kits_dir};
	bk_status st = pj_read_setup(&j, &o);
	if (st == BK_OK)
		st = pj_read_kits(&j);
	if (st == BK_OK)
		st = pj_lay_out(&j);
	if (st == BK_OK && bki_mkdirs(job_dir)) {
		bki_diags_add(diags, BK_ERROR, "unwritable", job_dir, 0, 0, "",
		             "cannot make the job folder: %s", strerror(errno));
		st = BK_ERR_IO;
	}
	if (st == BK_OK)
		st = write_sheets(&j, job_dir, progress, progress_arg);
	if (st == BK_OK)
		st = write_tickets(&j, job_dir);
	if (st == BK_OK)
		st = self_check(&j, job_dir);
	pj_job_free(&j);
	return st;
}
