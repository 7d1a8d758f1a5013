/* Decoders for written braille. Deliberately independent of the writers:
 * the ASCII braille table here is built from the dot numbers of each
 * character, not copied from the writer's string. */
#include "ballotkit/decode.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

typedef struct cline {
	unsigned char *cells;
	size_t n;
} cline;

typedef struct cpage {
	cline *lines;
	size_t n;
} cpage;

struct bk_cell_pages {
	cpage *pages;
	size_t n;
	bool nomem; /* a page or line could not be kept */
};

/* NULL (and p out of memory) when memory runs out. */
static cpage *new_page(bk_cell_pages *p)
{
	cpage *more = bki_reallocarray(p->pages, p->n + 1, sizeof *p->pages);
	if (!more) {
		p->nomem = true;
		return NULL;
	}
	p->pages = more;
	cpage *pg = &p->pages[p->n++];
	pg->lines = NULL;
	pg->n = 0;
	return pg;
}

/* false when memory runs out. */
static bool add_cline(cpage *pg, const unsigned char *cells, size_t n)
{
	while (n && cells[n - 1] == 0)
		n--;
	cline *more = bki_reallocarray(pg->lines, pg->n + 1, sizeof *pg->lines);
	if (!more)
		return false;
	pg->lines = more;
	pg->lines[pg->n].cells = bki_malloc(n + 1);
	if (!pg->lines[pg->n].cells)
		return false;
	if (n)
		memcpy(pg->lines[pg->n].cells, cells, n);
	pg->lines[pg->n].n = n;
	pg->n++;
	return true;
}

bk_cell_pages *bki_cell_pages_new(void)
{
	return bki_calloc(1, sizeof(bk_cell_pages));
}

void bki_cell_pages_add_page(bk_cell_pages *p)
{
	new_page(p);
}

void bki_cell_pages_add_line(bk_cell_pages *p, const unsigned char *cells,
                            size_t n)
{
	if (!p->n && !new_page(p))
		return;
	if (!add_cline(&p->pages[p->n - 1], cells, n))
		p->nomem = true;
}

bool bki_cell_pages_nomem(const bk_cell_pages *p)
{
	return p->nomem;
}

void bk_cell_pages_free(bk_cell_pages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->pages[i].n; k++)
			free(p->pages[i].lines[k].cells);
		free(p->pages[i].lines);
	}
	free(p->pages);
	free(p);
}

size_t bk_cell_pages_count(const bk_cell_pages *p) { return p ? p->n : 0; }

size_t bk_cell_pages_line_count(const bk_cell_pages *p, size_t page)
{
	return p && page < p->n ? p->pages[page].n : 0;
}

const unsigned char *bk_cell_pages_line(const bk_cell_pages *p, size_t page,
                                        size_t line, size_t *ncells)
{
	if (!p || page >= p->n || line >= p->pages[page].n) {
		if (ncells)
			*ncells = 0;
		return NULL;
	}
	if (ncells)
		*ncells = p->pages[page].lines[line].n;
	return p->pages[page].lines[line].cells;
}

/* North American ASCII braille: each printable character with its dots
 * (BANA's Braille ASCII). Built into a lookup table on use. */
static const struct {
	char ch;
	const char *dots;
} ascii_braille[] = {
	{' ', ""}, {'!', "2346"}, {'"', "5"}, {'#', "3456"}, {'$', "1246"},
	{'%', "146"}, {'&', "12346"}, {'\'', "3"}, {'(', "12356"},
	{')', "23456"}, {'*', "16"}, {'+', "346"}, {',', "6"}, {'-', "36"},
	{'.', "46"}, {'/', "34"}, {'0', "356"}, {'1', "2"}, {'2', "23"},
	{'3', "25"}, {'4', "256"}, {'5', "26"}, {'6', "235"}, {'7', "2356"},
	{'8', "236"}, {'9', "35"}, {':', "156"}, {';', "56"}, {'<', "126"},
	{'=', "123456"}, {'>', "345"}, {'?', "1456"}, {'@', "4"},
	{'A', "1"}, {'B', "12"}, {'C', "14"}, {'D', "145"}, {'E', "15"},
	{'F', "124"}, {'G', "1245"}, {'H', "125"}, {'I', "24"}, {'J', "245"},
	{'K', "13"}, {'L', "123"}, {'M', "134"}, {'N', "1345"}, {'O', "135"},
	{'P', "1234"}, {'Q', "12345"}, {'R', "1235"}, {'S', "234"},
	{'T', "2345"}, {'U', "136"}, {'V', "1236"}, {'W', "2456"},
	{'X', "1346"}, {'Y', "13456"}, {'Z', "1356"}, {'[', "246"},
	{'\\', "1256"}, {']', "12456"}, {'^', "45"}, {'_', "456"},
};

static int ascii_to_cell(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A'); /* lower case reads the same */
	for (size_t i = 0; i < sizeof ascii_braille / sizeof *ascii_braille; i++) {
		if (ascii_braille[i].ch != (char)c)
			continue;
		int cell = 0;
		for (const char *d = ascii_braille[i].dots; *d; d++)
			cell |= 1 << (*d - '1');
		return cell;
	}
	return -1;
}

bk_status bk_decode_brf(bk_cell_pages **out, const char *data, size_t size,
                        const char *name, unsigned lines_per_page,
                        bk_diags *diags)
{
	if (!out || (!data && size))
		return BK_ERR_USAGE;
	*out = NULL;
	bk_cell_pages *p = bki_calloc(1, sizeof *p);
	bool has_ff = size && memchr(data, '\f', size) != NULL;
	cpage *pg = NULL;
	unsigned char *buf = bki_malloc(size + 1);
	if (!p || !buf) {
		free(buf);
		bk_cell_pages_free(p);
		return bki_diags_nomem(diags, name, "", "reading BRF");
	}
	size_t n = 0, line = 1, col = 1;
	bool line_open = false;
	for (size_t i = 0; i <= size; i++) {
		unsigned char c = i < size ? (unsigned char)data[i] : '\n';
		if (i == size && !line_open && n == 0)
			break;
		if (c == '\r')
			continue;
		if (c == '\n' || c == '\f') {
			if (c == '\n' || line_open || n) {
				if (!pg || (!has_ff && lines_per_page &&
				            pg->n == lines_per_page))
					pg = new_page(p);
				if (!pg || !add_cline(pg, buf, n)) {
					free(buf);
					bk_cell_pages_free(p);
					return bki_diags_nomem(diags, name, "",
					                      "reading BRF");
				}
			}
			n = 0;
			line_open = false;
			if (c == '\f')
				pg = NULL; /* the next line starts a page */
			if (c == '\n') {
				line++;
				col = 1;
			}
			continue;
		}
		int cell = ascii_to_cell(c);
		if (cell < 0) {
			bki_diags_add(diags, BK_ERROR, "bad-brf", name, line, col, "",
			             "byte 0x%02X is not ASCII braille", c);
			free(buf);
			bk_cell_pages_free(p);
			return BK_ERR_INVALID;
		}
		buf[n++] = (unsigned char)cell;
		line_open = true;
		col++;
	}
	free(buf);
	*out = p;
	return BK_OK;
}

static bool is_pef(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       !strcmp((const char *)n->ns->href,
	               "http://www.daisy.org/ns/2008/pef") &&
	       !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is_pef(c, name))
			return c;
	return NULL;
}

static bool has_dc(xmlNodePtr meta, const char *name)
{
	for (xmlNodePtr c = meta ? meta->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    !strcmp((const char *)c->ns->href,
		            "http://purl.org/dc/elements/1.1/") &&
		    !strcmp((const char *)c->name, name))
			return true;
	return false;
}

xmlDocPtr bki_decode_xml(const char *data, size_t size, const char *name,
                        bool html, bk_diags *diags)
{
	bki_decode_xml_once();
	if ((!data && size) || size > 0x7fffffff)
		return NULL;
	/* no network, no entity expansion, no DTD loading */
	xmlDocPtr doc = html
	        ? htmlReadMemory(data, (int)size, name, "UTF-8",
	                         HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                         HTML_PARSE_NOWARNING)
	        : xmlReadMemory(data, (int)size, name, "UTF-8",
	                        XML_PARSE_NONET | XML_PARSE_NOERROR |
	                        XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *err = xmlGetLastError();
		bki_diags_add(diags, BK_ERROR, "bad-xml", name,
		             err ? (unsigned long)err->line : 0,
		             err ? (unsigned long)err->int2 : 0, "",
		             "not well-formed %s: %s", html ? "HTML" : "XML",
		             err && err->message ? err->message : "parse error");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* One <row>: its 6-dot braille characters as cells, added to pg. */
static bk_status read_row(cpage *pg, xmlNodePtr row, const char *name,
                          bk_diags *diags)
{
	bk_status st = BK_OK;
	xmlChar *t = xmlNodeGetContent(row);
	const char *s = (const char *)t;
	size_t len = strlen(s), k = 0, n = 0;
	unsigned char *cells = bki_malloc(len + 1);
	if (!cells) {
		xmlFree(t);
		return bki_diags_nomem(diags, name, "", "reading PEF");
	}
	while (k < len) {
		uint32_t cp;
		size_t l = bki_utf8_decode(s + k, len - k, &cp);
		if (!l || cp < 0x2800 || cp > 0x283F) {
			bki_diags_add(diags, BK_ERROR, "bad-pef", name,
			             (unsigned long)xmlGetLineNo(row), 0, "",
			             "a row holds a character that is not 6-dot braille");
			st = BK_ERR_INVALID;
			break;
		}
		cells[n++] = (unsigned char)(cp - 0x2800);
		k += l;
	}
	if (!add_cline(pg, cells, n))
		st = bki_diags_nomem(diags, name, "", "reading PEF");
	free(cells);
	xmlFree(t);
	return st;
}

/* One <page>: a new page of p with its rows. */
static bk_status read_page(bk_cell_pages *p, xmlNodePtr page, const char *name,
                           bk_diags *diags)
{
	cpage *pg = new_page(p);
	if (!pg)
		return bki_diags_nomem(diags, name, "", "reading PEF");
	for (xmlNodePtr row = page->children; row; row = row->next) {
		if (!is_pef(row, "row"))
			continue;
		bk_status st = read_row(pg, row, name, diags);
		if (st != BK_OK)
			return st;
	}
	return BK_OK;
}

/* The pages of every volume and section of <body>, in order. */
static bk_status read_body(bk_cell_pages *p, xmlNodePtr body, const char *name,
                           bk_diags *diags)
{
	for (xmlNodePtr vol = body ? body->children : NULL; vol; vol = vol->next) {
		if (!is_pef(vol, "volume"))
			continue;
		for (xmlNodePtr sec = vol->children; sec; sec = sec->next) {
			if (!is_pef(sec, "section"))
				continue;
			for (xmlNodePtr pgn = sec->children; pgn; pgn = pgn->next) {
				if (!is_pef(pgn, "page"))
					continue;
				bk_status st = read_page(p, pgn, name, diags);
				if (st != BK_OK)
					return st;
			}
		}
	}
	return BK_OK;
}

/* Whether root is a PEF 2008-1 <pef> with the metadata PEF requires. */
static bk_status check_pef_head(xmlNodePtr root, const char *name,
                                bk_diags *diags)
{
	bk_status st = BK_OK;
	xmlChar *version = root ? xmlGetProp(root, (const xmlChar *)"version") : NULL;
	xmlNodePtr head = child(root, "head"), meta = child(head, "meta");
	if (!is_pef(root, "pef") || !version ||
	    strcmp((const char *)version, "2008-1")) {
		bki_diags_add(diags, BK_ERROR, "bad-pef", name, 0, 0, "",
		             "the root is not a PEF 2008-1 <pef> element");
		st = BK_ERR_INVALID;
	} else if (!has_dc(meta, "format") || !has_dc(meta, "identifier")) {
		bki_diags_add(diags, BK_ERROR, "bad-pef", name, 0, 0, "",
		             "head/meta lacks dc:format or dc:identifier");
		st = BK_ERR_INVALID;
	}
	xmlFree(version);
	return st;
}

bk_status bk_decode_pef(bk_cell_pages **out, const char *data, size_t size,
                        const char *name, bk_diags *diags)
{
	bki_decode_xml_once();
	if (!out || (!data && size) || size > 0x7fffffff)
		return BK_ERR_USAGE;
	*out = NULL;
	/* no network, no entity expansion, no DTD loading */
	xmlDocPtr doc = xmlReadMemory(data, (int)size, name, "UTF-8",
	                              XML_PARSE_NONET | XML_PARSE_NOERROR |
	                              XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *err = xmlGetLastError();
		bki_diags_add(diags, BK_ERROR, "bad-pef", name,
		             err ? (unsigned long)err->line : 0,
		             err ? (unsigned long)err->int2 : 0, "",
		             "not well-formed XML: %s",
		             err && err->message ? err->message : "parse error");
		return BK_ERR_INVALID;
	}
	bk_cell_pages *p = NULL;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	bk_status st = check_pef_head(root, name, diags);
	if (st != BK_OK)
		goto out;
	p = bki_calloc(1, sizeof *p);
	if (!p) {
		st = bki_diags_nomem(diags, name, "", "reading PEF");
		goto out;
	}
	st = read_body(p, child(root, "body"), name, diags);
	if (st != BK_OK)
		goto out;
	*out = p;
	p = NULL;
out:
	bk_cell_pages_free(p);
	xmlFreeDoc(doc);
	return st;
}
