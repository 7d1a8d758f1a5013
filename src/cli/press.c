/* ballotkit print-job: the stencils of a kits folder imposed on press
 * sheets with a job ticket (ballotkit/press.h; docs/print-shop.md). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void progress(const bk_print_job_progress *p, void *arg)
{
	(void)arg;
	fprintf(stderr, _("ballotkit: print-job: %s (file %zu of %zu, %zu of %zu "
	                  "sheets)\n"), cli_shown(p->file), p->files_done,
	        p->files_total, p->sheets_done, p->sheets_total);
}

int cli_cmd_print_job(const options *o)
{
	if (!o->output)
		return cli_usage_error(_("print-job needs the job folder to write:"),
		                       "-o JOB");
	cli_ctx c;
	int rc = cli_ctx_open(&c, o);
	if (rc)
		return rc;
	bk_print_job_options po = BK_PRINT_JOB_OPTIONS_INIT;
	po.sheet = o->sheet_text;
	po.gap = o->gap;
	po.marks = o->marks;
	po.sheets_per_file = o->sheets_per_file;
	bk_status st = bk_print_job_make(c.tpl, o->file, o->output, &po, progress,
	                                 NULL, c.diags);
	if (st == BK_OK)
		printf(_("print-job: %s: the sheets, %s and %s are written and "
		         "checked (`ballotkit verify %s` checks them again)\n"),
		       cli_shown(o->output), BK_PRINT_JOB_TICKET,
		       BK_PRINT_JOB_TICKET_CSV, cli_shown(o->output));
	return cli_ctx_close(&c, st == BK_OK ? 0 : cli_exit_for(st), true);
}
