/* ballotkit: print jobs for a print shop. The stencil print and swell
 * PDFs of a built kits folder, each kind on its own press sheets (the
 * kinds of templates/print/job.json), as often as the polling
 * stations need them, with crop marks per stencil, the cutter's
 * registration marks, a slug line, and a job ticket (JSON and CSV) that
 * names every sheet's stencils, the stock, the processes and every
 * file's SHA-256. The sheets are PDF/X-4. A job is checked by
 * bk_verify_print_job (ballotkit/verify.h). docs/print-shop.md.
 */
#ifndef BALLOTKIT_PRESS_H
#define BALLOTKIT_PRESS_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/templates.h"
#include "ballotkit/verify.h" /* the ticket's format and names */

BK_BEGIN_DECLS

/* The bounds of the options (checked by bk_print_job_make, the message
 * naming the option). */
#define BK_PRINT_JOB_SHEET_MIN 100.0  /* mm, each side of a WxH sheet */
#define BK_PRINT_JOB_SHEET_MAX 2000.0
#define BK_PRINT_JOB_GAP_MAX 100.0    /* mm */
#define BK_PRINT_JOB_SHEETS_PER_FILE_MAX 10000

typedef struct bk_print_job_options {
	unsigned int version;   /* BK_PRINT_JOB_OPTIONS_VERSION */
	const char *sheet;      /* a name of templates/print/job.json's
	                         * "sheets" (SRA3, A3, A4) or "WxH" in mm;
	                         * NULL: the table's default */
	double gap;             /* mm between two stencils' bleeds; < 0: the
	                         * table's default. At least what the crop
	                         * marks need (the mark set's, both sides) */
	const char *marks;      /* a mark set: a name in templates/print/marks/
	                         * or a path to a JSON file (one with a '/');
	                         * NULL: "default" */
	unsigned int sheets_per_file; /* 0: the table's default */
} bk_print_job_options;
#define BK_PRINT_JOB_OPTIONS_VERSION 1
#define BK_PRINT_JOB_OPTIONS_INIT {BK_PRINT_JOB_OPTIONS_VERSION, NULL, -1.0, NULL, 0}

/* What bk_print_job_make reports as it goes: after each file written. */
typedef struct bk_print_job_progress {
	size_t files_done, files_total;
	size_t sheets_done, sheets_total;
	const char *file;        /* the file just written (job folder relative) */
} bk_print_job_progress;
typedef void (*bk_print_job_progress_fn)(const bk_print_job_progress *p,
                                         void *arg);

/* Makes the print job of the kits folder kits_dir (a folder `ballotkit
 * build` wrote: index.json, print-quantities.csv, kits/) in job_dir,
 * which is created. Everything is checked before anything is written: the
 * options, the mark set (located by file and field), every stencil's
 * SHA-256 against print-quantities.csv, its copies against the packing
 * lists (index.json's stations), and that each stencil fits the sheet.
 * Every file is written under a temporary name and renamed into place;
 * the ticket comes last. The files are made on threads of the library's
 * own (ballotkit.h, "Threads and process effects"); progress, which may
 * be NULL, is called in the calling thread as each file is done. Returns BK_OK,
 * BK_ERR_USAGE (an option), BK_ERR_CONFIG (the mark set or job table),
 * BK_ERR_INVALID (the kits folder), BK_ERR_IO or BK_ERR_NOMEM, with the
 * reasons in diags. */
BK_API bk_status bk_print_job_make(const bk_templates *tpl,
                                   const char *kits_dir, const char *job_dir,
                                   const bk_print_job_options *opt,
                                   bk_print_job_progress_fn progress,
                                   void *progress_arg, bk_diags *diags);

BK_END_DECLS

#endif
