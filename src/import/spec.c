/* templates/import/tables.json: the tables, their columns and the headers
 * and values each is known by, compared in one normal form. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "import/spec.h"
#include "util/util.h"

char *bki_import_norm(const char *s)
{
	bki_buf b = {0};
	bki_fold_words(s, &b);
	return bki_buf_steal(&b);
}

/* The names of arr, normalised; *nomem set when memory runs out (the
 * list then has fewer names, or none). */
static char **norm_list(json_t *arr, size_t *n, bool *nomem)
{
	*n = json_array_size(arr);
	char **out = bki_calloc(*n ? *n : 1, sizeof *out);
	if (!out) {
		*n = 0;
		*nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		const char *v = json_string_value(json_array_get(arr, i));
		if (!(out[i] = bki_import_norm(v ? v : "")))
			*nomem = true;
	}
	return out;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; l && i < n; i++)
		free(l[i]);
	free(l);
}

static const char *const kinds[] = {"id", "ids", "list", "string", "text",
                                    "integer", "year", "number", "boolean",
                                    "true", "enum", "date"};

static bool load_column(bki_col_spec *c, json_t *j, bool *nomem)
{
	c->field = json_string_value(json_object_get(j, "field"));
	const char *kind = json_string_value(json_object_get(j, "kind"));
	c->names = norm_list(json_object_get(j, "names"), &c->nnames, nomem);
	c->partial = json_is_true(json_object_get(j, "partial"));
	c->name_like = json_is_true(json_object_get(j, "name"));
	c->values = json_object_get(j, "values");
	c->kind = -1;
	for (size_t k = 0; kind && k < sizeof kinds / sizeof kinds[0]; k++)
		if (!strcmp(kind, kinds[k]))
			c->kind = (int)k;
	return c->field && c->kind >= 0 && c->nnames &&
	       (c->kind != BK_COL_ENUM || json_is_object(c->values));
}

static bool load_table(bki_table_spec *t, json_t *j, bool *nomem)
{
	t->table = json_string_value(json_object_get(j, "table"));
	t->names = norm_list(json_object_get(j, "names"), &t->nnames, nomem);
	const char *rows = json_string_value(json_object_get(j, "rows"));
	t->one_row = rows && !strcmp(rows, "one");
	t->attach = json_is_true(json_object_get(j, "attach"));
	json_t *cols = json_object_get(j, "columns");
	t->ncols = json_array_size(cols);
	t->cols = bki_calloc(t->ncols ? t->ncols : 1, sizeof *t->cols);
	if (!t->cols) {
		t->ncols = 0;
		*nomem = true;
	}
	bool ok = t->table && t->nnames && t->ncols;
	for (size_t i = 0; i < t->ncols; i++)
		ok = load_column(&t->cols[i], json_array_get(cols, i), nomem) && ok;
	return ok;
}

void bki_import_spec_free(bki_import_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++) {
		bki_table_spec *t = &s->tables[i];
		for (size_t c = 0; c < t->ncols; c++)
			free_list(t->cols[c].names, t->cols[c].nnames);
		free(t->cols);
		free_list(t->names, t->nnames);
	}
	free(s->tables);
	for (int l = 0; l < 2; l++)
		free_list(s->suffix[l], s->nsuffix[l]);
	free_list(s->yes, s->nyes);
	free_list(s->no, s->nno);
	json_decref(s->root);
	free(s);
}

bk_status bki_import_spec_load(bki_import_spec **out, const char *dir,
                              bk_diags *diags)
{
	*out = NULL;
	bki_buf path = {0};
	bki_buf_printf(&path, "%s/import/tables.json", dir);
	char *data = NULL;
	size_t n = 0;
	bk_status st = BK_ERR_CONFIG;
	bki_import_spec *s = bki_calloc(1, sizeof *s);
	json_error_t err;
	bool nomem = !s || bki_buf_failed(&path);
	if (nomem)
		goto out;
	if (bki_read_input(bki_buf_str(&path), &data, &n) != 0) {
		if (errno == ENOMEM) {
			nomem = true;
			goto out;
		}
		bki_diags_add(diags, BK_ERROR, "templates", bki_buf_str(&path), 0, 0, "",
		             "cannot read the import tables: %s", bki_read_error());
		goto out;
	}
	s->root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &err);
	if (!s->root) {
		bki_diags_add(diags, BK_ERROR, "templates", bki_buf_str(&path),
		             (unsigned long)err.line, (unsigned long)err.column, "",
		             "invalid JSON: %s", err.text);
		goto out;
	}
	json_t *langs = json_object_get(s->root, "languages");
	s->suffix[0] = norm_list(json_object_get(langs, "kk"), &s->nsuffix[0], &nomem);
	s->suffix[1] = norm_list(json_object_get(langs, "ru"), &s->nsuffix[1], &nomem);
	s->yes = norm_list(json_object_get(s->root, "yes"), &s->nyes, &nomem);
	s->no = norm_list(json_object_get(s->root, "no"), &s->nno, &nomem);
	s->list_separators = json_string_value(json_object_get(s->root, "list_separators"));
	json_t *tables = json_object_get(s->root, "tables");
	s->ntables = json_array_size(tables);
	s->tables = bki_calloc(s->ntables ? s->ntables : 1, sizeof *s->tables);
	if (!s->tables) {
		s->ntables = 0;
		nomem = true;
	}
	bool ok = s->ntables && s->nsuffix[0] && s->nsuffix[1] && s->nyes &&
	          s->nno && s->list_separators;
	for (size_t i = 0; i < s->ntables; i++)
		ok = load_table(&s->tables[i], json_array_get(tables, i), &nomem) && ok;
	if (nomem)
		goto out;
	if (!ok) {
		bki_diags_add(diags, BK_ERROR, "templates", bki_buf_str(&path), 0, 0, "",
		             "the import tables are incomplete: every table needs "
		             "\"table\", \"names\" and \"columns\", every column "
		             "\"field\", a known \"kind\" and \"names\" "
		             "(docs/import.md)");
		goto out;
	}
	st = BK_OK;
out:
	if (nomem)
		st = bki_diags_nomem(diags, bki_buf_str(&path), "", "loading the import tables");
	free(data);
	bki_buf_free(&path);
	if (st == BK_OK)
		*out = s;
	else
		bki_import_spec_free(s);
	return st;
}

static bool in_list(char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

const bki_table_spec *bki_import_spec_table(const bki_import_spec *s,
                                          const char *name, bool *nomem)
{
	char *n = bki_import_norm(name);
	if (!n)
		*nomem = true;
	const bki_table_spec *found = NULL;
	for (size_t i = 0; n && i < s->ntables && !found; i++)
		if (in_list(s->tables[i].names, s->tables[i].nnames, n))
			found = &s->tables[i];
	free(n);
	return found;
}

const bki_col_spec *bki_import_spec_column(const bki_import_spec *s,
                                         const bki_table_spec *t,
                                         const char *norm, int *lang)
{
	*lang = -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const bki_col_spec *c = &t->cols[i];
		if (c->kind != BK_COL_TEXT) {
			if (in_list(c->names, c->nnames, norm))
				return c;
			continue;
		}
		size_t len = strlen(norm);
		for (size_t k = 0; k < c->nnames; k++) {
			size_t bl = strlen(c->names[k]);
			if (len <= bl + 1 || strncmp(norm, c->names[k], bl) ||
			    norm[bl] != ' ')
				continue;
			for (int l = 0; l < 2; l++)
				if (in_list(s->suffix[l], s->nsuffix[l], norm + bl + 1)) {
					*lang = l;
					return c;
				}
		}
	}
	return NULL;
}

int bki_import_spec_yes_no(const bki_import_spec *s, const char *norm)
{
	if (in_list(s->yes, s->nyes, norm))
		return 1;
	if (in_list(s->no, s->nno, norm))
		return 0;
	return -1;
}

const char *bki_import_spec_enum(const bki_col_spec *c, const char *norm)
{
	const char *key;
	json_t *aliases;
	json_object_foreach(c->values, key, aliases) {
		char *k = bki_import_norm(key);
		bool hit = k && !strcmp(k, norm);
		free(k);
		for (size_t i = 0; !hit && i < json_array_size(aliases); i++) {
			const char *a = json_string_value(json_array_get(aliases, i));
			char *na = bki_import_norm(a ? a : "");
			hit = na && !strcmp(na, norm);
			free(na);
		}
		if (hit)
			return key;
	}
	return NULL;
}
