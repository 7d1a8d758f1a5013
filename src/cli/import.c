/* ballotkit import: the commission's tables to a definition, validated
 * before it is written (docs/import.md). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text under a temporary name beside out (tmp, of size tmpsize,
 * gets the name); 0, or the exit code with the reason said. */
static int write_temp(const char *out, const char *text, char *tmp,
                      size_t tmpsize)
{
	snprintf(tmp, tmpsize, "%s.tmp-%ld", out, (long)getpid());
	FILE *f = fopen(tmp, "wx");
	size_t n = strlen(text);
	bool ok = f && fwrite(text, 1, n, f) == n;
	ok = f && fflush(f) == 0 && ok;
	ok = f && fsync(fileno(f)) == 0 && ok;
	ok = f && fclose(f) == 0 && ok;
	if (ok)
		return 0;
	fprintf(stderr, _("ballotkit: cannot write %s: %s\n"), cli_shown(out),
	        strerror(errno));
	if (f)
		unlink(tmp);
	return EXIT_CANTCREAT;
}

/* The temporary file tmp renamed to out; 0, or the exit code. */
static int commit_temp(const char *tmp, const char *out)
{
	if (rename(tmp, out) == 0)
		return 0;
	fprintf(stderr, _("ballotkit: cannot write %s: %s\n"), cli_shown(out),
	        strerror(errno));
	unlink(tmp);
	return EXIT_CANTCREAT;
}

int cli_write_atomic(const char *out, const char *text)
{
	char tmp[4096];
	int rc = write_temp(out, text, tmp, sizeof tmp);
	return rc ? rc : commit_temp(tmp, out);
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

/* Validates the definition written at tmp as validate would, and
 * reports its diagnostics at the tables' cells. It is validated where it
 * will stand (beside -o), so that a relative paper.source (the ballots
 * table's ballot_pdf) is found as it will be when the definition is
 * used. */
static int validate_import(const options *o, const bk_templates *tpl,
                           const bk_import *imp, const char *tmp)
{
	bk_diags *raw = bk_diags_create(), *shown = bk_diags_create();
	bk_election *e = NULL;
	int rc = EXIT_SOFTWARE;
	if (raw && shown) {
		bk_diags_set_limit(raw, o->diag_limit);
		bk_status st = bk_election_admit(&e, tmp, tpl, NULL, raw);
		rc = st == BK_OK ? 0 : st == BK_ERR_CONFIG ? EXIT_CONFIG : EXIT_DATAERR;
		bk_import_relocate(imp, raw, tmp, _("the tables"), shown);
		cli_print_diags_notes(shown, stderr);
	}
	bk_election_free(e);
	bk_diags_free(raw);
	bk_diags_free(shown);
	return rc;
}

int cli_read_file(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		goto fail;
	char chunk[65536];
	size_t n, cap = 0;
	*data = NULL;
	*size = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (*size + n + 1 > cap) {
			cap = (*size + n + 1) * 2;
			char *p = realloc(*data, cap);
			if (!p) {
				fclose(f);
				free(*data);
				*data = NULL;
				return EXIT_SOFTWARE;
			}
			*data = p;
		}
		memcpy(*data + *size, chunk, n);
		*size += n;
	}
	bool bad = ferror(f);
	fclose(f);
	if (!bad)
		return 0;
	free(*data);
	*data = NULL;
fail:
	fprintf(stderr, _("ballotkit: cannot read %s: %s\n"), cli_shown(path),
	        strerror(errno));
	return EXIT_NOINPUT;
}

/* import --from nist-1500-20: one file of another system. */
static int import_nist(const options *o, const bk_templates *tpl)
{
	if (o->ntexts)
		return cli_usage_error(_("--from nist-1500-20 reads one file, not"),
		                       o->texts[0]);
	char *data = NULL, *json = NULL, *origins = NULL;
	size_t size = 0;
	int rc = cli_read_file(o->file, &data, &size);
	bk_diags *diags = bk_diags_create(), *raw = bk_diags_create();
	bk_election *e = NULL;
	if (rc || !diags || !raw) {
		rc = rc ? rc : EXIT_SOFTWARE;
		goto out;
	}
	bk_diags_set_limit(diags, o->diag_limit);
	bk_diags_set_limit(raw, o->diag_limit);
	bk_status st = bk_nist_import(&json, &origins, data, size, o->file,
	                              o->language_map, diags);
	cli_print_diags_notes(diags, stderr);
	/* validated where it will stand, as the tables' import is */
	char tmp[4096];
	if (st == BK_OK && (rc = write_temp(o->output, json, tmp, sizeof tmp)))
		goto out;
	if (st == BK_OK) {
		st = bk_election_admit(&e, tmp, tpl, NULL, raw);
		bk_diags *shown = bk_diags_create();
		bk_nist_relocate(origins, raw, tmp, o->file, shown);
		cli_print_diags_notes(shown, stderr);
		bk_diags_free(shown);
		if (st != BK_OK)
			unlink(tmp);
	}
	rc = st == BK_OK ? commit_temp(tmp, o->output)
	     : st == BK_ERR_CONFIG ? EXIT_CONFIG : cli_exit_for(st);
	if (!rc)
		fprintf(stderr, _("ballotkit: wrote %s\n"), cli_shown(o->output));
out:
	bk_election_free(e);
	bk_diags_free(diags);
	bk_diags_free(raw);
	bk_free(json);
	bk_free(origins);
	free(data);
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
	if (o->from && strcmp(o->from, "nist-1500-20"))
		return cli_usage_error(_("--from takes nist-1500-20, not"), o->from);
	bk_templates *tpl = NULL;
	rc = cli_open_templates(o, &tpl);
	if (rc)
		return rc;
	if (o->from) {
		rc = import_nist(o, tpl);
		bk_templates_free(tpl);
		return rc;
	}
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
	char tmp[4096];
	rc = write_temp(o->output, bk_import_json(imp), tmp, sizeof tmp);
	if (!rc) {
		rc = validate_import(o, tpl, imp, tmp);
		if (rc)
			unlink(tmp);
		else
			rc = commit_temp(tmp, o->output);
	}
	if (!rc)
		fprintf(stderr, _("ballotkit: wrote %s\n"), cli_shown(o->output));
out:
	bk_import_free(imp);
	bk_diags_free(diags);
	free(paths);
	bk_templates_free(tpl);
	return rc;
}
