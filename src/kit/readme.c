/* The README of a kit: templates/kit/README.LANG.txt filled in, one
 * language after another. docs/kits.md. */
#include "kit/kit-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "templates/templates-private.h"

/* Appends text to out with {title}, {district}, {election}, {date} and
 * {ballot} replaced by the script's. */
static void fill(bki_buf *out, const char *text, const bk_script *s)
{
	const bki_wording_var vars[] = {
		{"title", bk_script_title(s)},
		{"district", bk_script_district(s)},
		{"election", bk_script_election_id(s)},
		{"date", bk_script_election_date(s)},
		{"ballot", bk_script_ballot_id(s)}};
	const bki_wording_fill f = {.vars = vars, .nvars = 5, .keep_unknown = true};
	bki_wording_expand(out, text, &f);
}

/* Appends the README template of lang filled in from s. */
static bk_status fill_language(bki_buf *out, const bk_templates *tpl,
                               const char *lang, const bk_script *s,
                               bk_diags *diags)
{
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/kit/README.%s.txt", bk_templates_dir(tpl), lang);
	char *text;
	size_t n;
	if (bki_buf_failed(&p) || bki_read_file(bki_buf_str(&p), &text, &n)) {
		if (bki_buf_failed(&p) || errno == ENOMEM) {
			bki_buf_free(&p);
			return bki_diags_nomem(diags, lang, "", "reading the kit README "
			                      "template");
		}
		bki_diags_add(diags, BK_ERROR, "template", bki_buf_str(&p), 0, 0, "",
		             "cannot read the kit README template: %s",
		             strerror(errno));
		bki_buf_free(&p);
		return BK_ERR_IO;
	}
	bki_buf_free(&p);
	fill(out, text, s);
	free(text);
	return BK_OK;
}

bk_status bki_kit_write_readme(const bk_templates *tpl,
                              const char *const *langs, size_t nlangs,
                              bk_script *const *scripts, const char *dir,
                              bk_diags *diags)
{
	bki_buf out = {0}, p = {0};
	bk_status st = BK_OK;
	for (size_t l = 0; l < nlangs; l++) {
		if (l)
			bki_buf_add(&out, "\n----------------------------------------\n\n");
		st = fill_language(&out, tpl, langs[l], scripts[l], diags);
		if (st != BK_OK)
			goto out;
	}
	bki_buf_printf(&p, "%s/README.txt", dir);
	if (bki_buf_failed(&out) || bki_buf_failed(&p)) {
		st = bki_diags_nomem(diags, dir, "", "writing the kit's README");
		goto out;
	}
	bki_atomic a;
	if (bki_atomic_open(&a, bki_buf_str(&p)))
		goto unwritable;
	fputs(bki_buf_str(&out), a.f);
	if (bki_atomic_commit(&a))
		goto unwritable;
	goto out;
unwritable:
	bki_diags_add(diags, BK_ERROR, "unwritable", bki_buf_str(&p), 0, 0, "",
	             "cannot write the kit's README: %s", strerror(errno));
	st = BK_ERR_IO;
out:
	bki_buf_free(&p);
	bki_buf_free(&out);
	return st;
}
