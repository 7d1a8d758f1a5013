/* ballotkit: election definitions from the commission's tables.
 *
 * The tables (docs/import.md) are CSV files, one per table, named after
 * the table (candidates.csv, кандидаттар.csv, кандидаты.csv); their
 * columns are found by header, in Kazakh, Russian or English, through the
 * aliases of templates/import/tables.json. Every problem is reported at
 * FILE:ROW:COLUMN, with the column's letter and header in the message.
 * The result is a definition (JSON text, format ballotkit/1) that the
 * caller still validates like any other (bk_election_admit); the import
 * maps the validator's JSON paths back to the cells they came from.
 */
#ifndef BALLOTKIT_IMPORT_H
#define BALLOTKIT_IMPORT_H

#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_import_options {
	unsigned int version;  /* BK_IMPORT_OPTIONS_VERSION */
	/* The CSV files' encoding: NULL detects it (docs/import.md), else
	 * "UTF-8", "UTF-16", "CP1251" (Windows-1251), "RK1048" or "PT154". */
	const char *encoding;
	/* ',', ';' or '\t'; 0 detects it from the header row. */
	char separator;
	/* Headers of columns to leave unread (personal data: ИИН, phone),
	 * NULL-terminated, or NULL. An ignored column's cells are never
	 * copied anywhere. Compared as headers are (docs/import.md). */
	const char *const *ignore_columns;
} bk_import_options;
#define BK_IMPORT_OPTIONS_VERSION 1
#define BK_IMPORT_OPTIONS_INIT {BK_IMPORT_OPTIONS_VERSION, NULL, 0, NULL}

/* The tables read, and the definition made of them. Opaque. */
typedef struct bk_import bk_import;

/* Reads the tables at paths[0..npaths-1] and makes the definition they
 * describe. On BK_ERR_INVALID (a table that cannot be read, an unknown
 * or repeated column, a cell of the wrong kind, …) *out is still set when
 * the tables could be read, so that bk_import_json shows what was made;
 * the diagnostics say what is wrong. opt NULL means
 * BK_IMPORT_OPTIONS_INIT. Free *out with bk_import_free. */
BK_API bk_status bk_import_create(bk_import **out, const char *const *paths,
                                  size_t npaths, const bk_templates *tpl,
                                  const bk_import_options *opt,
                                  bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_import_free(bk_import *imp);

/* The definition as JSON text (UTF-8, two-space indent, a final line
 * break). The same tables give the same bytes, whatever the order of
 * their rows and columns. Borrowed: valid while imp lives. */
BK_API const char *bk_import_json(const bk_import *imp);

/* Appends to out every diagnostic of in, each reported at the table cell
 * (or row) the JSON path it names came from, when the import knows it,
 * with the column's letter and header added to the message. For the
 * diagnostics of a validation of the definition bk_import_json made,
 * written to the file json_file: a diagnostic of that file whose path the
 * import cannot trace (a table that is missing as a whole) is reported at
 * tables instead, without line and column; others are copied as they
 * are. */
BK_API void bk_import_relocate(const bk_import *imp, const bk_diags *in,
                               const char *json_file, const char *tables,
                               bk_diags *out);

BK_END_DECLS

#endif
