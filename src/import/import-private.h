/* Private: the tables `ballotkit import` reads, as cells of text. */
#ifndef BK_IMPORT_PRIVATE_H
#define BK_IMPORT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ballotkit/diag.h"
#include "ballotkit/import.h"

/* One record of a table: its cells, as UTF-8 text with the blanks around
 * them trimmed, and the row a spreadsheet shows it on (the header is row
 * 1; a CSV record whose quoted field holds a line break is still one
 * row). */
typedef struct bki_table_row {
	unsigned long number;
	size_t ncells;
	char **cells;
} bki_table_row;

/* A table read from one CSV file (or one sheet of a workbook). */
typedef struct bki_table {
	char *file;        /* the path as given; "book.xlsx[sheet]" for a sheet */
	char *name;        /* the file's name without folder and extension, or
	                    * the sheet's name */
	char encoding[16]; /* what it was read as: "UTF-8", "CP1251", … */
	char separator;
	bool nomem;        /* memory ran out while reading it */
	size_t ncols;
	char **header;     /* row 1 */
	size_t nrows;      /* the rows after the header that are not blank */
	size_t caprows;
	bki_table_row *rows;
} bki_table;

/* Reads the table file at path: a CSV file (encoding and separator from
 * opt, or detected: docs/import.md, "CSV files") is one table, an XLSX
 * workbook (a zip archive, or a name ending in .xlsx) one table per
 * sheet. *out is an array of *n tables (free each with bki_table_free and
 * the array with free), empty on failure, when diags has the reason
 * located at the file, sheet and row. */
bk_status bki_tables_read(bki_table ***out, size_t *n, const char *path,
                         const bk_import_options *opt, bk_diags *diags);
/* The sheets of the XLSX workbook held in data (xlsx.c). */
bk_status bki_xlsx_read(bki_table ***out, size_t *n, const char *path,
                       const char *data, size_t size, bk_diags *diags);
void bki_table_free(bki_table *t);
/* Appends a row (taking its cells); false when memory runs out (the
 * cells are then still the caller's). */
bool bki_table_add_row(bki_table *t, bki_table_row row);

/* "A", "B", … "Z", "AA": the spreadsheet letter of column i (0-based),
 * into buf of at least 8 bytes. */
void bki_column_letter(size_t i, char buf[8]);

#endif
