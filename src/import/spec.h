/* Private: templates/import/tables.json, loaded (docs/import.md). */
#ifndef BK_IMPORT_SPEC_H
#define BK_IMPORT_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ballotkit/diag.h"

/* The kinds of cell, in the order of the names tables.json uses. */
enum bk_col_kind {
	BK_COL_ID, BK_COL_IDS, BK_COL_LIST, BK_COL_STRING, BK_COL_TEXT,
	BK_COL_INTEGER, BK_COL_YEAR, BK_COL_NUMBER, BK_COL_BOOLEAN, BK_COL_TRUE,
	BK_COL_ENUM, BK_COL_DATE
};

typedef struct bki_col_spec {
	const char *field;  /* "surname", "paper.template"; "@district" is read
	                     * by the import, not written to the definition */
	int kind;           /* bk_col_kind */
	char **names;       /* headers (for text: base names), normalised */
	size_t nnames;
	bool partial;       /* text: not every language needed */
	bool name_like;     /* text: a name, where «?» beside a letter is a
	                     * letter lost to an encoding */
	json_t *values;     /* enum: value -> [aliases]; borrowed */
} bki_col_spec;

typedef struct bki_table_spec {
	const char *table;  /* "candidates" */
	char **names;       /* the file or sheet names it goes by, normalised */
	size_t nnames;
	bool one_row;       /* election, production */
	bool attach;        /* pronunciations, leaflets: rows add a field to a
	                     * party or candidate */
	bki_col_spec *cols;
	size_t ncols;
} bki_table_spec;

typedef struct bki_import_spec {
	json_t *root;
	bki_table_spec *tables;
	size_t ntables;
	char **suffix[2];   /* language suffixes of text headers: kk, ru */
	size_t nsuffix[2];
	char **yes, **no;
	size_t nyes, nno;
	const char *list_separators;
} bki_import_spec;

/* Loads DIR/import/tables.json. BK_ERR_CONFIG, with a diagnostic, when it
 * is missing or malformed. */
bk_status bki_import_spec_load(bki_import_spec **out, const char *dir,
                              bk_diags *diags);
void bki_import_spec_free(bki_import_spec *s);

/* The normal form headers, names and values are compared in: NFC, case
 * folded, every run of characters other than letters, marks and digits one
 * space, none at either end. Free with free(). */
char *bki_import_norm(const char *s);

/* The table a file or sheet name (not normalised) names, or NULL (and
 * *nomem set when memory ran out). */
const bki_table_spec *bki_import_spec_table(const bki_import_spec *s,
                                          const char *name, bool *nomem);
/* The column a normalised header names in table t, or NULL; *lang is the
 * language (0 kk, 1 ru) of a text column, else -1. */
const bki_col_spec *bki_import_spec_column(const bki_import_spec *s,
                                         const bki_table_spec *t,
                                         const char *norm, int *lang);
/* 1 for a yes, 0 for a no, -1 for neither (norm is normalised). */
int bki_import_spec_yes_no(const bki_import_spec *s, const char *norm);
/* The value an enum cell (normalised) stands for, or NULL. Borrowed. */
const char *bki_import_spec_enum(const bki_col_spec *c, const char *norm);

#endif
