/* CSV tables: the encoding (iconv), the separator, and the records
 * (libcsv, strict RFC 4180 quoting). docs/import.md, "CSV files", gives
 * the rules this file follows. */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag/diag-private.h"
#include "import/import-private.h"
#include "util/util.h"

/* The single-byte encodings a Kazakh or Russian Excel writes, in the
 * order detection prefers them when they read a file alike. */
static const char *const single_byte[] = {"CP1251", "RK1048", "PT154"};
enum { NSINGLE = sizeof single_byte / sizeof single_byte[0] };

void bki_column_letter(size_t i, char buf[8])
{
	char tmp[8];
	size_t n = 0;
	i++;
	while (i > 0 && n < 7) {
		tmp[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (size_t k = 0; k < n; k++)
		buf[k] = tmp[n - 1 - k];
	buf[n] = '\0';
}

/* Converts n bytes from encoding from to UTF-8. NULL when a byte sequence
 * is not valid in from (*bad is then its offset), or when memory runs out
 * (*bad is then SIZE_MAX). */
static char *to_utf8(const char *from, const char *in, size_t n,
                     size_t *len, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		*bad = 0;
		return NULL;
	}
	size_t cap = n * 3 + 16, left_out = cap, left_in = n;
	char *out = bki_malloc(cap + 1);
	if (!out) {
		iconv_close(cd);
		*bad = SIZE_MAX;
		return NULL;
	}
	char *ip = (char *)in, *op = out;
	size_t r = iconv(cd, &ip, &left_in, &op, &left_out);
	if (r != (size_t)-1)
		r = iconv(cd, NULL, NULL, &op, &left_out);
	iconv_close(cd);
	if (r == (size_t)-1) {
		*bad = (size_t)(ip - in);
		free(out);
		return NULL;
	}
	*len = cap - left_out;
	out[*len] = '\0';
	return out;
}

/* A character a Kazakh or Russian table holds: what a high byte of a
 * single-byte encoding may stand for in a well-read file. */
static bool expected_char(uint32_t c)
{
	static const uint32_t kk[] = {0x4D8, 0x4D9, 0x492, 0x493, 0x49A, 0x49B,
	                              0x4A2, 0x4A3, 0x4E8, 0x4E9, 0x4B0, 0x4B1,
	                              0x4AE, 0x4AF, 0x4BA, 0x4BB, 0x406, 0x456};
	static const uint32_t punct[] = {0xAB, 0xBB, 0x2116, 0x2013, 0x2014,
	                                 0x2026, 0x201C, 0x201D, 0x201E,
	                                 0x2018, 0x2019, 0xA0, 0xB0};
	if ((c >= 0x410 && c <= 0x44F) || c == 0x401 || c == 0x451)
		return true;
	for (size_t i = 0; i < sizeof kk / sizeof kk[0]; i++)
		if (c == kk[i])
			return true;
	for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++)
		if (c == punct[i])
			return true;
	return false;
}

/* Whether every character of s beyond ASCII is one a Kazakh or Russian
 * table holds. */
static bool reads_clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t l = bki_utf8_decode(s + i, n - i, &c);
		if (!l || (c >= 0x80 && !expected_char(c)))
			return false;
		i += l;
	}
	return true;
}

static unsigned long line_of(const char *s, size_t off)
{
	unsigned long line = 1;
	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* A file that is not UTF-8, read as each single-byte encoding: the one
 * whose reading holds only Kazakh and Russian letters and punctuation,
 * or the first of those that read it alike. */
static char *detect_single_byte(bki_table *t, const char *in, size_t n,
                                size_t *len, bk_diags *diags)
{
	char *text[NSINGLE] = {0};
	size_t tlen[NSINGLE] = {0};
	int first = -1;
	bool differ = false, nomem = false;
	bki_buf names = {0};
	for (int i = 0; i < NSINGLE; i++) {
		size_t bad;
		text[i] = to_utf8(single_byte[i], in, n, &tlen[i], &bad);
		if (!text[i] && bad == SIZE_MAX)
			nomem = true;
		if (text[i] && !reads_clean(text[i], tlen[i])) {
			free(text[i]);
			text[i] = NULL;
		}
		if (!text[i])
			continue;
		bki_buf_printf(&names, "%s%s", names.len ? ", " : "", single_byte[i]);
		if (first < 0)
			first = i;
		else if (tlen[i] != tlen[first] || memcmp(text[i], text[first], tlen[i]))
			differ = true;
	}
	char *out = NULL;
	size_t bad = bki_utf8_valid_prefix(in, n);
	if (nomem || bki_buf_failed(&names))
		t->nomem = true;
	else if (first < 0)
		bki_diags_add(diags, BK_ERROR, "encoding", t->file, line_of(in, bad),
		             0, "", "the file is not UTF-8 (byte 0x%02X on this line "
		             "is not), and read as Windows-1251, "
		             "RK1048 or PT154 it holds characters that are neither "
		             "Kazakh nor Russian: save it as \"CSV UTF-8\" or as an "
		             "XLSX workbook, or name its encoding with --encoding",
		             (unsigned)(unsigned char)in[bad]);
	else if (differ)
		bki_diags_add(diags, BK_ERROR, "encoding", t->file, line_of(in, bad),
		             0, "", "the file is not UTF-8, and it reads as Kazakh or "
		             "Russian text in more than one encoding (%s), which "
		             "show different letters: name it with --encoding, or "
		             "save it as \"CSV UTF-8\"", bki_buf_str(&names));
	else {
		out = text[first];
		text[first] = NULL;
		*len = tlen[first];
		snprintf(t->encoding, sizeof t->encoding, "%s", single_byte[first]);
	}
	for (int i = 0; i < NSINGLE; i++)
		free(text[i]);
	bki_buf_free(&names);
	return out;
}

static const char *known_encoding(const char *name)
{
	static const char *const known[] = {"UTF-8", "UTF-16", "CP1251",
	                                    "RK1048", "PT154"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcasecmp(name, known[i]))
			return known[i];
	if (!strcasecmp(name, "windows-1251"))
		return "CP1251";
	if (!strcasecmp(name, "KZ-1048"))
		return "RK1048";
	return NULL;
}

/* The file's text as UTF-8, without a byte-order mark. */
static char *decode(bki_table *t, const char *in, size_t n, const char *want,
                    size_t *len, bk_diags *diags)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t bad = 0;
	char *out;
	bool bom8 = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
	bool bom16 = n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	                        (u[0] == 0xFE && u[1] == 0xFF));
	const char *enc = want;
	if (!enc)
		enc = bom16 ? "UTF-16" : "UTF-8";
	if (!want && !bom16 && !bom8 && bki_utf8_valid_prefix(in, n) != n)
		return detect_single_byte(t, in, n, len, diags);
	if (!want && !bom16 && memchr(in, '\0', n)) {
		bki_diags_add(diags, BK_ERROR, "encoding", t->file, 0, 0, "",
		             "the file holds NUL bytes: UTF-16 without a byte-order "
		             "mark, or not a text file; save it as \"CSV UTF-8\"");
		return NULL;
	}
	out = to_utf8(enc, in, n, len, &bad);
	if (!out && bad == SIZE_MAX) {
		t->nomem = true;
		return NULL;
	}
	if (!out) {
		bki_diags_add(diags, BK_ERROR, "encoding", t->file,
		             line_of(in, bad), 0, "",
		             "byte %zu (0x%02X) is not %s text: name the file's "
		             "encoding with --encoding, or save it as \"CSV UTF-8\"",
		             bad + 1, bad < n ? u[bad] : 0, enc);
		return NULL;
	}
	snprintf(t->encoding, sizeof t->encoding, "%s", enc);
	if (*len >= 3 && !memcmp(out, "\xEF\xBB\xBF", 3)) {
		memmove(out, out + 3, *len - 2);
		*len -= 3;
	}
	return out;
}

/* The separator: the one of , ; and tab that the header row (up to its
 * first line break outside quotes) holds; a header with none is one
 * column, a header with two of them is refused. */
static bool detect_separator(bki_table *t, const char *s, char want,
                             bk_diags *diags)
{
	if (want) {
		t->separator = want;
		return true;
	}
	size_t count[3] = {0};
	const char seps[3] = {',', ';', '\t'};
	bool quoted = false;
	for (const char *p = s; *p && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		for (int k = 0; k < 3 && !quoted; k++)
			count[k] += *p == seps[k];
	}
	int found = -1;
	for (int k = 0; k < 3; k++) {
		if (!count[k])
			continue;
		if (found >= 0) {
			bki_diags_add(diags, BK_ERROR, "separator", t->file, 1, 0, "",
			             "the header row holds both \"%s\" and \"%s\" between "
			             "its columns: name the separator with --separator",
			             seps[found] == '\t' ? "tab" : (char[2]){seps[found], 0},
			             seps[k] == '\t' ? "tab" : (char[2]){seps[k], 0});
			return false;
		}
		found = k;
	}
	t->separator = found < 0 ? ',' : seps[found];
	return true;
}

typedef struct parse_ctx {
	bki_table *t;
	bki_buf *cells;   /* the current record's cells, as char* */
	size_t ncells;
	bool nomem;      /* memory ran out: the parse goes on, keeping nothing */
	unsigned long record; /* records finished so far */
} parse_ctx;

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	             s[n - 1] == '\n'))
		n--;
	/* a no-break space (U+00A0) at either end too, as Excel keeps it */
	while (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
		s += 2;
		n -= 2;
	}
	while (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	       (unsigned char)s[n - 1] == 0xA0)
		n -= 2;
	return bki_strndup(s, n);
}

/* libcsv's callbacks return nothing: a cell or row that memory cannot
 * hold marks the parse (nomem), and parse_records reports it. */
static void on_field(void *data, size_t n, void *arg)
{
	parse_ctx *c = arg;
	char *cell = c->nomem ? NULL : trimmed(data ? data : "", data ? n : 0);
	if (cell)
		bki_buf_addn(c->cells, (const char *)&cell, sizeof cell);
	if (!cell || bki_buf_failed(c->cells)) {
		free(cell);
		c->nomem = true;
		return;
	}
	c->ncells++;
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

static bool row_blank(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cells[i][0])
			return false;
	return true;
}

static void on_record(int term, void *arg)
{
	parse_ctx *c = arg;
	bki_table *t = c->t;
	char **cells = (char **)c->cells->data;
	size_t n = c->ncells;
	c->record++;
	if (c->nomem) {
		free_cells(cells, n);
	} else if (c->record == 1) {
		t->header = cells;
		t->ncols = n;
	} else if (row_blank(cells, n)) {
		free_cells(cells, n);
	} else if (!bki_table_add_row(t, (bki_table_row){c->record, n, cells})) {
		free_cells(cells, n);
		c->nomem = true;
	}
	*c->cells = (bki_buf){0};
	c->ncells = 0;
}

static int is_space(unsigned char ch)
{
	return ch == ' ';
}

static bk_status parse_records(bki_table *t, const char *s, size_t n,
                               bk_diags *diags)
{
	struct csv_parser p;
	bki_buf cells = {0};
	parse_ctx c = {t, &cells, 0, 0, false};
	bk_status st = BK_OK;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return BK_ERR_NOMEM;
	csv_set_delim(&p, (unsigned char)t->separator);
	csv_set_space_func(&p, is_space);
	size_t done = csv_parse(&p, s, n, on_field, on_record, &c);
	if (done == n && csv_fini(&p, on_field, on_record, &c) == 0) {
		if (c.nomem)
			st = bki_diags_nomem(diags, t->file, "", "reading the table");
		goto out;
	}
	st = BK_ERR_INVALID;
	if (csv_error(&p) == CSV_ENOMEM || c.nomem) {
		st = bki_diags_nomem(diags, t->file, "", "reading the table");
		goto out;
	}
	/* a quote inside an unquoted field, or text after a closing quote;
	 * at the end, a quote never closed */
	if (done == n)
		bki_diags_add(diags, BK_ERROR, "csv", t->file, c.record + 1, 0, "",
		             "a quoted field is never closed: a field that starts "
		             "with \" runs on to the end of the file");
	else
		bki_diags_add(diags, BK_ERROR, "csv", t->file, c.record + 1, 0, "",
		             "a stray quote (line %lu of the file): a field that holds "
		             "\" must be quoted as a whole, with each \" in it "
		             "doubled (\"\"), as Excel writes it",
		             line_of(s, done + 1 > n ? n : done + 1));
out:
	for (size_t i = 0; i < c.ncells; i++)
		free(((char **)cells.data)[i]);
	bki_buf_free(&cells);
	csv_free(&p);
	return st;
}

bool bki_table_add_row(bki_table *t, bki_table_row row)
{
	void *rows = t->rows;
	bool room = bki_array_room(&rows, &t->caprows, t->nrows, sizeof row);
	t->rows = rows;
	if (room)
		t->rows[t->nrows++] = row;
	return room;
}

void bki_table_free(bki_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->header[i]);
	free(t->header);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->rows[r].ncells; i++)
			free(t->rows[r].cells[i]);
		free(t->rows[r].cells);
	}
	free(t->rows);
	free(t->file);
	free(t->name);
	free(t);
}

static char *stem(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return bki_strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static bk_status csv_read(bki_table **out, const char *path, const char *raw,
                          size_t n, const bk_import_options *opt, bk_diags *diags)
{
	*out = NULL;
	char *text = NULL;
	size_t len = 0;
	bk_status st = BK_ERR_INVALID;
	const char *want = NULL;
	bki_table *t = bki_calloc(1, sizeof *t);
	if (t) {
		t->file = bki_strdup(path);
		t->name = stem(path);
	}
	if (!t || !t->file || !t->name) {
		bki_table_free(t);
		return bki_diags_nomem(diags, path, "", "reading the table");
	}
	if (opt->encoding && !(want = known_encoding(opt->encoding))) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "unknown encoding \"%s\": UTF-8, UTF-16, CP1251, "
		             "RK1048 or PT154", opt->encoding);
		st = BK_ERR_USAGE;
		goto out;
	}
	text = decode(t, raw, n, want, &len, diags);
	if (!text && t->nomem)
		st = bki_diags_nomem(diags, path, "", "reading the table");
	if (!text)
		goto out;
	if (strlen(text) != len) {
		bki_diags_add(diags, BK_ERROR, "encoding", path,
		             line_of(text, strlen(text)), 0, "",
		             "the file holds a NUL character: not a text table");
		goto out;
	}
	if (!detect_separator(t, text, opt->separator, diags))
		goto out;
	st = parse_records(t, text, len, diags);
	if (st == BK_OK && !t->header) {
		bki_diags_add(diags, BK_ERROR, "empty", path, 0, 0, "",
		             "the table is empty: its first row must name the "
		             "columns (docs/import.md)");
		st = BK_ERR_INVALID;
	}
out:
	free(text);
	if (st == BK_OK)
		*out = t;
	else
		bki_table_free(t);
	return st;
}

static bool xlsx_name(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcasecmp(path + n - 5, ".xlsx");
}

bk_status bki_tables_read(bki_table ***out, size_t *n, const char *path,
                         const bk_import_options *opt, bk_diags *diags)
{
	*out = NULL;
	*n = 0;
	char *raw = NULL;
	size_t size = 0;
	if (bki_read_input(path, &raw, &size) != 0) {
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "cannot read the table: %s", bki_read_error());
		return BK_ERR_IO;
	}
	bool zip = size >= 4 && !memcmp(raw, "PK\3\4", 4);
	bk_status st;
	if (zip) {
		st = bki_xlsx_read(out, n, path, raw, size, diags);
	} else if (xlsx_name(path)) {
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "the name says XLSX, but the file is not a zip archive, "
		             "as every XLSX workbook is: save it again as an Excel "
		             "workbook (.xlsx), or as \"CSV UTF-8\" with a .csv name");
		st = BK_ERR_INVALID;
	} else {
		bki_table *t = NULL;
		st = csv_read(&t, path, raw, size, opt, diags);
		if (t && !(*out = bki_calloc(1, sizeof **out))) {
			bki_table_free(t);
			st = bki_diags_nomem(diags, path, "", "reading the table");
		} else if (t) {
			(*out)[0] = t;
			*n = 1;
		}
	}
	free(raw);
	return st;
}
