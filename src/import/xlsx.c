/* XLSX workbooks: each sheet a table (docs/import.md, "Workbooks"). The
 * zip container by libzip from memory, its XML parts by libxml2 without
 * network or entity expansion, every part unpacked within the input cap. */
#include <libxml/parser.h>
#include <pthread.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "diag/diag-private.h"
#include "import/import-private.h"
#include "util/util.h"

typedef struct book {
	const char *path;
	bool nomem;                  /* an allocation failed: the read stops */
	zip_t *zip;
	unsigned long long unpacked; /* bytes of every part read so far */
	char **shared;               /* shared strings */
	size_t nshared;
	bool *date_style;            /* per cellXfs index: a date format */
	size_t nstyles;
	bk_diags *diags;
} book;

static void book_error(book *b, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void book_error(book *b, const char *kind, const char *fmt, ...)
{
	bki_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	bki_diags_add(b->diags, BK_ERROR, kind, b->path, 0, 0, "", "%s",
	             bki_buf_str(&msg));
	bki_buf_free(&msg);
}

/* A part of the workbook, unpacked, or NULL (with a report when it is
 * there but cannot be read; *missing when it is not there). Stops at the
 * input cap whatever the zip's directory claims. */
static xmlDoc *read_part(book *b, const char *name, bool *missing)
{
	*missing = false;
	zip_int64_t i = zip_name_locate(b->zip, name, 0);
	if (i < 0) {
		*missing = true;
		return NULL;
	}
	zip_file_t *f = zip_fopen_index(b->zip, (zip_uint64_t)i, 0);
	if (!f) {
		book_error(b, "unreadable", "the workbook's part %s cannot be "
		           "unpacked: %s", name, zip_strerror(b->zip));
		return NULL;
	}
	unsigned long long cap = bki_input_cap();
	bki_buf data = {0};
	char chunk[65536];
	zip_int64_t n;
	bool over = false;
	while ((n = zip_fread(f, chunk, sizeof chunk)) > 0) {
		b->unpacked += (unsigned long long)n;
		if (b->unpacked > cap) {
			over = true;
			break;
		}
		bki_buf_addn(&data, chunk, (size_t)n);
	}
	if (bki_buf_failed(&data)) {
		zip_fclose(f);
		bki_buf_free(&data);
		b->nomem = true;
		return NULL;
	}
	char why[256];
	snprintf(why, sizeof why, "%s", n < 0 ? zip_file_strerror(f) : "");
	zip_fclose(f);
	xmlDoc *doc = NULL;
	if (over)
		book_error(b, "unreadable", "the workbook unpacks to more than the "
		           "input cap of %llu bytes (at its part %s): a zip bomb, or "
		           "a workbook too large; --max-input-size raises the cap",
		           cap, name);
	else if (n < 0)
		book_error(b, "unreadable", "the workbook's part %s is damaged: %s",
		           name, why);
	else if (!(doc = xmlReadMemory(data.data ? data.data : "", (int)data.len,
	                               name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	                               XML_PARSE_NOWARNING)))
		book_error(b, "unreadable", "the workbook's part %s is not XML", name);
	bki_buf_free(&data);
	return doc;
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? bki_strdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

/* An attribute's value without a copy (a cell's r, t and s, read for
 * every cell of a sheet), or NULL. Borrowed from the document. */
static const char *attr_ref(const xmlNode *n, const char *name)
{
	xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);
	if (!a || !a->children || a->children->type != XML_TEXT_NODE ||
	    a->children->next)
		return NULL;
	return (const char *)a->children->content;
}

/* The text of an element that holds one text node, without a copy; else
 * NULL (then xmlNodeGetContent). */
static const char *text_ref(const xmlNode *n)
{
	if (n && n->children && n->children->type == XML_TEXT_NODE &&
	    !n->children->next)
		return (const char *)n->children->content;
	return NULL;
}

/* The text of every <t> below n, but not of phonetic runs (<rPh>). */
static void text_of(const xmlNode *n, bki_buf *out)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (named(c, "rPh"))
			continue;
		if (named(c, "t")) {
			xmlChar *s = xmlNodeGetContent(c);
			bki_buf_add(out, s ? (const char *)s : "");
			xmlFree(s);
		} else if (c->type == XML_ELEMENT_NODE) {
			text_of(c, out);
		}
	}
}

static void read_shared(book *b)
{
	bool missing;
	xmlDoc *doc = read_part(b, "xl/sharedStrings.xml", &missing);
	if (!doc)
		return;
	xmlNode *root = xmlDocGetRootElement(doc);
	for (xmlNode *si = root ? root->children : NULL; si; si = si->next) {
		if (!named(si, "si"))
			continue;
		bki_buf s = {0};
		text_of(si, &s);
		char **shared = bki_reallocarray(b->shared, b->nshared + 1, sizeof *shared);
		char *text = shared ? (s.data ? bki_buf_steal(&s) : bki_strdup("")) : NULL;
		if (shared)
			b->shared = shared;
		if (!text) {
			bki_buf_free(&s);
			b->nomem = true;
			break;
		}
		b->shared[b->nshared++] = text;
	}
	xmlFreeDoc(doc);
}

/* A number format that shows a date: Excel's built-in 14–22 and 45–47,
 * or a custom format with a day, month or year outside quotes. */
static bool date_format(unsigned id, const char *code)
{
	if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47))
		return true;
	bool quoted = false;
	for (const char *p = code; p && *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\\' && p[1])
			p++;
		else if (!quoted && strchr("dDyY", *p))
			return true;
	}
	return false;
}

static void read_styles(book *b)
{
	bool missing;
	xmlDoc *doc = read_part(b, "xl/styles.xml", &missing);
	if (!doc)
		return;
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *fmts = child(root, "numFmts"), *xfs = child(root, "cellXfs");
	for (xmlNode *x = xfs ? xfs->children : NULL; x; x = x->next) {
		if (!named(x, "xf"))
			continue;
		char *ids = attr(x, "numFmtId");
		unsigned id = ids ? (unsigned)strtoul(ids, NULL, 10) : 0;
		const char *code = NULL;
		xmlChar *c = NULL;
		for (xmlNode *f = fmts ? fmts->children : NULL; f && !code; f = f->next) {
			char *fid = named(f, "numFmt") ? attr(f, "numFmtId") : NULL;
			if (fid && (unsigned)strtoul(fid, NULL, 10) == id) {
				c = xmlGetProp(f, (const xmlChar *)"formatCode");
				code = c ? (const char *)c : "";
			}
			free(fid);
		}
		bool *ds = bki_reallocarray(b->date_style, b->nstyles + 1, sizeof *ds);
		if (ds) {
			b->date_style = ds;
			b->date_style[b->nstyles++] = date_format(id, code);
		} else {
			b->nomem = true;
		}
		xmlFree(c);
		free(ids);
	}
	xmlFreeDoc(doc);
}

/* "C12" -> column 2 (0-based), row 12. */
static bool cell_ref(const char *r, size_t *col, unsigned long *row)
{
	size_t c = 0;
	const char *p = r;
	while (*p >= 'A' && *p <= 'Z' && p - r < 3)
		c = c * 26 + (size_t)(*p++ - 'A' + 1);
	if (!c || *p < '1' || *p > '9')
		return false;
	*col = c - 1;
	*row = strtoul(p, NULL, 10);
	return *row > 0 && *row <= 1048576;
}

/* An Excel date serial as DD.MM.YYYY (the 1900 system, after its
 * 29 February 1900 that never was). */
static char *serial_date(const char *v)
{
	long days = strtol(v, NULL, 10);
	if (days < 61 || days > 2958465)
		return bki_strdup(v);
	/* days since 1899-12-30, by the civil-from-days algorithm */
	long z = days - 25569 + 719468; /* from 1970-01-01, shifted to 0000-03-01 */
	long era = z / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	char buf[32];
	snprintf(buf, sizeof buf, "%02ld.%02ld.%04ld", d, m, y);
	return bki_strdup(buf);
}

typedef struct sheet_ctx {
	book *b;
	bki_table *t;
	const char *sheet;
	bool failed;
} sheet_ctx;

static void sheet_report(sheet_ctx *s, bk_severity sev, const char *kind,
                         unsigned long row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void sheet_report(sheet_ctx *s, bk_severity sev, const char *kind,
                         unsigned long row, size_t col, const char *fmt, ...)
{
	bki_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	bki_diags_add(s->b->diags, sev, kind, s->t->file, row, col + 1, "", "%s",
	             bki_buf_str(&msg));
	bki_buf_free(&msg);
	if (sev == BK_ERROR)
		s->failed = true;
}

/* One cell's text: shared or inline string, number (a date-formatted one
 * as DD.MM.YYYY), boolean; a formula through its cached value. */
static char *cell_text(sheet_ctx *s, const xmlNode *c, unsigned long row, size_t col)
{
	const char *type = attr_ref(c, "t"), *style = attr_ref(c, "s");
	xmlNode *v = child(c, "v"), *f = child(c, "f"), *is = child(c, "is");
	xmlChar *raw = NULL;
	const char *val = text_ref(v);
	if (v && !val)
		val = (const char *)(raw = xmlNodeGetContent(v));
	/* an empty <v/> is no value (openpyxl writes one for a formula) */
	if (val && !val[0])
		val = NULL;
	char letter[8], *out = NULL;
	bki_column_letter(col, letter);
	if (f && !val)
		sheet_report(s, BK_ERROR, "formula", row, col, "cell %s%lu holds a "
		             "formula with no value saved: open the workbook in "
		             "Excel or LibreOffice and save it again, or type the "
		             "value", letter, row);
	else if (f)
		sheet_report(s, BK_NOTE, "formula", row, col, "cell %s%lu holds a "
		             "formula: its value as last saved, \"%s\", is read",
		             letter, row, val);
	if (type && !strcmp(type, "inlineStr") && is) {
		bki_buf b = {0};
		text_of(is, &b);
		out = b.data ? bki_buf_steal(&b) : bki_strdup("");
	} else if (!val) {
		out = bki_strdup("");
	} else if (type && !strcmp(type, "s")) {
		unsigned long k = strtoul(val, NULL, 10);
		out = bki_strdup(k < s->b->nshared ? s->b->shared[k] : "");
	} else if (type && !strcmp(type, "b")) {
		out = bki_strdup(!strcmp(val, "1") ? "yes" : "no");
	} else if (type && !strcmp(type, "e")) {
		sheet_report(s, BK_ERROR, "formula", row, col, "cell %s%lu holds "
		             "the error %s", letter, row, val);
		out = bki_strdup("");
	} else if ((!type || !strcmp(type, "n")) && style &&
	           strtoul(style, NULL, 10) < s->b->nstyles &&
	           s->b->date_style[strtoul(style, NULL, 10)]) {
		out = serial_date(val);
	} else {
		out = bki_strdup(val); /* a number as saved, or a formula's string */
	}
	xmlFree(raw);
	return out;
}

/* Takes text (NULL: memory ran out, false); false when memory runs out. */
static bool put_cell(bki_table_row *r, size_t col, char *text, size_t hint)
{
	if (col >= r->ncells) {
		size_t n = col + 1 > hint ? col + 1 : hint;
		char **cells = bki_reallocarray(r->cells, n, sizeof *cells);
		if (!cells) {
			free(text);
			return false;
		}
		r->cells = cells;
		for (size_t i = r->ncells; i < n; i++)
			r->cells[i] = NULL;
		r->ncells = n;
	}
	free(r->cells[col]);
	r->cells[col] = text;
	return text != NULL;
}

static bool fill_blanks(bki_table_row *r, size_t ncols)
{
	if (r->ncells < ncols && !put_cell(r, ncols - 1, bki_strdup(""), ncols))
		return false;
	for (size_t i = 0; i < r->ncells; i++)
		if (!r->cells[i] && !(r->cells[i] = bki_strdup("")))
			return false;
	return true;
}

static char *trim_copy(char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), a = 0;
	while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
		a++;
	while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
	                 s[n - 1] == '\r'))
		n--;
	char *t = bki_strndup(s + a, n - a);
	free(s);
	return t;
}

static void read_row(sheet_ctx *s, const xmlNode *row)
{
	const char *rs = attr_ref(row, "r");
	unsigned long rn = rs ? strtoul(rs, NULL, 10) : 0;
	bki_table_row r = {rn, 0, NULL};
	for (xmlNode *c = row->children; c; c = c->next) {
		if (!named(c, "c"))
			continue;
		const char *ref = attr_ref(c, "r");
		size_t col;
		unsigned long cr;
		if (ref && cell_ref(ref, &col, &cr) && (!rn || cr == rn)) {
			r.number = cr;
			if (!put_cell(&r, col, trim_copy(cell_text(s, c, cr, col)),
			              s->t->header ? s->t->ncols : 0))
				s->b->nomem = true;
		}
	}
	bki_table *t = s->t;
	if (!t->header && !s->b->nomem) {
		t->header = r.cells;
		t->ncols = r.ncells;
		for (size_t i = 0; i < t->ncols; i++)
			if (!t->header[i] && !(t->header[i] = bki_strdup("")))
				s->b->nomem = true;
		return;
	}
	bool blank = true;
	if (s->b->nomem || !fill_blanks(&r, t->ncols))
		s->b->nomem = true;
	for (size_t i = 0; i < r.ncells && blank && !s->b->nomem; i++)
		blank = !r.cells[i][0];
	if (blank || s->b->nomem || !bki_table_add_row(t, r)) {
		if (!blank)
			s->b->nomem = true;
		for (size_t i = 0; i < r.ncells; i++)
			free(r.cells[i]);
		free(r.cells);
	}
}

static void read_merges(sheet_ctx *s, const xmlNode *root)
{
	xmlNode *m = child(root, "mergeCells");
	for (xmlNode *c = m ? m->children : NULL; c; c = c->next) {
		if (!named(c, "mergeCell"))
			continue;
		char *ref = attr(c, "ref");
		size_t col = 0;
		unsigned long row = 0;
		if (!ref || !cell_ref(ref, &col, &row))
			row = 0;
		sheet_report(s, BK_ERROR, "merged-cells", row, col, "cells %s are "
		             "merged: a table has one value a cell; unmerge them and "
		             "fill in every row", ref ? ref : "");
		free(ref);
	}
}

static bki_table *read_sheet(book *b, const char *name, const char *part,
                            bool *failed)
{
	bool missing;
	xmlDoc *doc = read_part(b, part, &missing);
	if (!doc) {
		if (missing)
			book_error(b, "unreadable", "the workbook names the sheet \"%s\" "
			           "but has no part %s: it is damaged", name, part);
		*failed = true;
		return NULL;
	}
	bki_table *t = bki_calloc(1, sizeof *t);
	bki_buf file = {0};
	bki_buf_printf(&file, "%s[%s]", b->path, name);
	if (t) {
		t->file = bki_buf_steal(&file);
		t->name = bki_strdup(name);
	}
	bki_buf_free(&file);
	if (!t || !t->file || !t->name) {
		bki_table_free(t);
		xmlFreeDoc(doc);
		b->nomem = true;
		return NULL;
	}
	snprintf(t->encoding, sizeof t->encoding, "XLSX");
	sheet_ctx s = {b, t, name, false};
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *data = child(root, "sheetData");
	for (xmlNode *row = data ? data->children : NULL; row; row = row->next)
		if (named(row, "row"))
			read_row(&s, row);
	read_merges(&s, root);
	xmlFreeDoc(doc);
	if (b->nomem) {
		bki_table_free(t);
		return NULL;
	}
	if (!t->header && !s.failed)
		sheet_report(&s, BK_ERROR, "empty", 0, SIZE_MAX, "the sheet is "
		             "empty: its first row must name the columns "
		             "(docs/import.md)");
	*failed = *failed || s.failed;
	return t;
}

/* xl/_rels/workbook.xml.rels: the part a relationship id names. */
static char *sheet_part(book *b, xmlDoc *rels, const char *rid)
{
	xmlNode *root = rels ? xmlDocGetRootElement(rels) : NULL;
	for (xmlNode *r = root ? root->children : NULL; r; r = r->next) {
		char *id = named(r, "Relationship") ? attr(r, "Id") : NULL;
		bool hit = id && !strcmp(id, rid);
		free(id);
		if (!hit)
			continue;
		char *target = attr(r, "Target");
		bki_buf p = {0};
		if (target && target[0] == '/')
			bki_buf_add(&p, target + 1);
		else
			bki_buf_printf(&p, "xl/%s", target ? target : "");
		free(target);
		return bki_buf_steal(&p);
	}
	return NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser(); /* its first use is not thread-safe */
}

bk_status bki_xlsx_read(bki_table ***out, size_t *n, const char *path,
                       const char *data, size_t size, bk_diags *diags)
{
	pthread_once(&xml_once, xml_init);
	*out = NULL;
	*n = 0;
	book b = {path, false, NULL, 0, NULL, 0, NULL, 0, diags};
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, size, 0, &zerr);
	bool failed = false, missing;
	xmlDoc *wb = NULL, *rels = NULL;
	if (src && !(b.zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)))
		zip_source_free(src);
	if (!b.zip) {
		book_error(&b, "unreadable", "not a readable XLSX workbook (zip: %s)",
		           zip_error_strerror(&zerr));
		failed = true;
		goto out;
	}
	if (!(wb = read_part(&b, "xl/workbook.xml", &missing))) {
		if (missing)
			book_error(&b, "unreadable", "a zip archive, but not an XLSX "
			           "workbook: it has no xl/workbook.xml");
		failed = true;
		goto out;
	}
	rels = read_part(&b, "xl/_rels/workbook.xml.rels", &missing);
	read_shared(&b);
	read_styles(&b);
	xmlNode *sheets = child(xmlDocGetRootElement(wb), "sheets");
	for (xmlNode *sh = sheets ? sheets->children : NULL; sh; sh = sh->next) {
		if (!named(sh, "sheet"))
			continue;
		char *name = attr(sh, "name");
		xmlChar *rid = xmlGetNsProp(sh, (const xmlChar *)"id",
		    (const xmlChar *)"http://schemas.openxmlformats.org/officeDocument/2006/relationships");
		char *part = rid ? sheet_part(&b, rels, (const char *)rid) : NULL;
		bki_table *t = part && name ? read_sheet(&b, name, part, &failed) : NULL;
		bki_table **tables = t ? bki_reallocarray(*out, *n + 1, sizeof **out) : NULL;
		if (t && tables) {
			*out = tables;
			(*out)[(*n)++] = t;
		} else if (t) {
			bki_table_free(t);
			b.nomem = true;
		} else if (!part && !b.nomem) {
			book_error(&b, "unreadable", "the workbook's sheet \"%s\" has no "
			           "part: it is damaged", name ? name : "");
			failed = true;
		}
		xmlFree(rid);
		free(part);
		free(name);
	}
out:
	xmlFreeDoc(wb);
	xmlFreeDoc(rels);
	if (b.zip)
		zip_discard(b.zip);
	zip_error_fini(&zerr);
	for (size_t i = 0; i < b.nshared; i++)
		free(b.shared[i]);
	free(b.shared);
	free(b.date_style);
	if (b.nomem)
		return bki_diags_nomem(diags, path, "", "reading the workbook");
	return failed ? BK_ERR_INVALID : BK_OK;
}
