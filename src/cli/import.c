/* ballotkit import: the commission's tables to a definition, validated
 * before it is written (docs/import.md). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to out under a temporary name, renamed into place. */
static int write_atomic(const char *out, const char *text)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid());
	FILE *f = fopen(tmp, "wx");
	size_t n = strlen(text);
	bool ok = f && fwrite(text, 1, n, f) == n;
	ok = f && fflush(f) == 0 && ok;
	ok = f && fsync(fileno(f)) == 0 && ok;
	ok = f && fclose(f) == 0 && ok;
	ok = ok && rename(tmp, out) == 0;
	if (ok)
		return 0;
	fprintf(stderr, _("ballotkit: cannot write %s: %s\n"), cli_shown(out),
	        strerror(errno));
	if (f)
		unlink(tmp);
	return EXIT_CANTCREAT;
}

static int import_options(const options *o, bk_import_options *io)
{
	const bk_import_options def = BK_IMPORT_OPTIONS_INIT;
	*io = def;
	io->encoding = o->encoding;
	io->ignore_columns = o->ignore_columns;
	if (!o->separator)
		return 0;
	if (!strcmp(o->separator, ",") || !strcmp(o->separator, ";"))
		io->separator = o->separator[0];
	else if (!strcmp(o->separator, "tab") || !strcmp(o->separator, "\t"))
		io->separator = '\t';
	else
		return cli_usage_error(_("--separator takes \",\", \";\" or tab, not"),
		                       o->separator);
	return 0;
}

/* The name diagnostics of the made definition go by, where the import
 * cannot trace them to a cell. */
#define MADE _("(the definition made of the tables)")

/* Validates the definition text as validate would, and reports its
 * diagnostics at the tables' cells. */
static int validate_import(const options *o, const bk_templates *tpl,
                           const bk_import *imp)
{
	bk_diags *raw = bk_diags_create(), *shown = bk_diags_create();
	bk_election *e = NULL;
	int rc = EXIT_SOFTWARE;
	if (raw && shown) {
		bk_diags_set_limit(raw, o->diag_limit);
		const char *json = bk_import_json(imp);
		bk_status st = bk_election_admit_buffer(&e, json, strlen(json), MADE,
		                                        tpl, NULL, raw);
		rc = st == BK_OK ? 0 : st == BK_ERR_CONFIG ? EXIT_CONFIG : EXIT_DATAERR;
		bk_import_relocate(imp, raw, MADE, _("the tables"), shown);
		cli_print_diags_notes(shown, stderr);
	}
	bk_election_free(e);
	bk_diags_free(raw);
	bk_diags_free(shown);
	return rc;
}

int cli_cmd_import(const options *o)
{
	if (!o->output)
		return cli_usage_error(_("import needs the definition to write:"),
		                       "-o FILE");
	bk_import_options io;
	int rc = import_options(o, &io);
	if (rc)
		return rc;
	bk_templates *tpl = NULL;
	rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	const char **paths = calloc(o->ntexts + 1, sizeof *paths);
	bk_diags *diags = bk_diags_create();
	bk_import *imp = NULL;
	if (!paths || !diags) {
		rc = EXIT_SOFTWARE;
		goto out;
	}
	bk_diags_set_limit(diags, o->diag_limit);
	paths[0] = o->file;
	for (size_t i = 0; i < o->ntexts; i++)
		paths[i + 1] = o->texts[i];
	bk_status st = bk_import_create(&imp, paths, o->ntexts + 1, tpl, &io, diags);
	cli_print_diags_notes(diags, stderr);
	if (st != BK_OK) {
		rc = st == BK_ERR_IO ? EXIT_NOINPUT : cli_exit_for(st);
		goto out;
	}
	rc = validate_import(o, tpl, imp);
	if (!rc)
		rc = write_atomic(o->output, bk_import_json(imp));
	if (!rc)
		fprintf(stderr, _("ballotkit: wrote %s\n"), cli_shown(o->output));
out:
	bk_import_free(imp);
	bk_diags_free(diags);
	free(paths);
	bk_templates_free(tpl);
	return rc;
}
