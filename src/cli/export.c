/* ballotkit export: a definition for another election system (NIST SP
 * 1500-20 BallotDefinition JSON; docs/nist-1500-20.md). Only a valid
 * definition is exported. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_cmd_export(const options *o)
{
	if (!o->format || strcmp(o->format, "nist-1500-20"))
		return cli_usage_error(_("export needs --format nist-1500-20, not"),
		                       o->format ? o->format : _("nothing"));
	if (!o->output)
		return cli_usage_error(_("export needs the file to write:"), "-o FILE");
	bk_templates *tpl = NULL;
	int rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	bk_diags *diags = bk_diags_create();
	bk_election *e = NULL;
	char *data = NULL, *out = NULL;
	size_t size = 0;
	if (!diags) {
		rc = EXIT_SOFTWARE;
		goto done;
	}
	bk_diags_set_limit(diags, o->diag_limit);
	rc = cli_admit(o, tpl, NULL, &e, diags);
	cli_print_diags(diags, stderr);
	if (rc)
		goto done;
	rc = cli_read_file(o->file, &data, &size);
	if (rc)
		goto done;
	bk_status st = bk_nist_export(&out, data, size, e, diags);
	if (st != BK_OK) {
		cli_print_diags(diags, stderr);
		rc = cli_exit_for(st);
		goto done;
	}
	rc = cli_write_atomic(o->output, out);
	if (!rc)
		fprintf(stderr, _("ballotkit: wrote %s\n"), cli_shown(o->output));
done:
	bk_free(out);
	free(data);
	bk_election_free(e);
	bk_diags_free(diags);
	bk_templates_free(tpl);
	return rc;
}
