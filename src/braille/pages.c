/* Braille pages: wrapping texts into lines and lines into pages, and
 * writing them as BRF, PEF and Unicode braille text. The rules are in
 * docs/braille.md; the decoders in src/decode/ share no code with this. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "braille/braille-private.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "util/util.h"

enum { HYPHEN = 0x24 /* dots 3-6 */, NUMBER_SIGN = 0x3C /* 3-4-5-6 */ };

typedef struct line {
	unsigned char *cells;
	size_t n;
	char *print; /* the print text the line carries, or NULL */
} line;

struct bk_braille_doc {
	bk_braille_layout layout;
	line *lines;        /* all lines, pages of layout.lines each */
	size_t nlines, cap;
	char *title, *identifier, *language, *date;
	bool nomem; /* memory ran out while it was laid out */
};

static void add_line(bk_braille_doc *d, const unsigned char *cells, size_t n,
                     const char *print)
{
	void *v = d->lines;
	bool room = bki_array_room(&v, &d->cap, d->nlines, sizeof *d->lines);
	d->lines = v;
	if (!room) {
		d->nomem = true;
		return;
	}
	line l = {bki_malloc(n + 1), n, print ? bki_strdup(print) : NULL};
	if (!l.cells || (print && !l.print)) {
		free(l.cells);
		free(l.print);
		d->nomem = true;
		return;
	}
	if (n)
		memcpy(l.cells, cells, n);
	d->lines[d->nlines++] = l;
}

static bool is_vowel(uint32_t cp)
{
	static const uint32_t v[] = {0x430, 0x4D9, 0x435, 0x451, 0x438, 0x43E,
	                             0x4E9, 0x443, 0x4B1, 0x4AF, 0x44B, 0x456,
	                             0x44D, 0x44E, 0x44F};
	cp = bki_cp_lower(cp);
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (v[i] == cp)
			return true;
	return false;
}

static bool is_letter(uint32_t cp)
{
	return bki_cp_is_cyrillic_letter(cp) || bki_cp_is_latin_letter(cp);
}

/* The syllable rule for a language without a hyphenation dictionary
 * (Kazakh): a hyphen may stand before a consonant that begins a syllable,
 * i.e. a consonant followed by a vowel, when both parts keep at least two
 * letters and a vowel (ма-ра, сар-сен). й, ь and ъ stay with what they
 * follow. */
static void syllable_rule(const uint32_t *w, size_t n, bool *allowed)
{
	memset(allowed, 0, n * sizeof *allowed);
	bool vowel_before = false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (i >= 2 && vowel_before && n - i >= 2 && !is_vowel(w[i]) &&
		    is_vowel(w[i + 1])) {
			uint32_t c = bki_cp_lower(w[i]);
			if (c != 0x439 && c != 0x44C && c != 0x44A)
				allowed[i] = true;
		}
		if (is_vowel(w[i]))
			vowel_before = true;
	}
}

/* Which blank cells the rules keep: keep[j], for each input index j,
 * says whether a blank made from character j must not end a line, because
 * the word before it is a number (5 мм, 1 000) or an initial
 * (Д. Жумабеков), or the word after it is an initial (Жумабеков Д.).
 * The word before j is the run of non-space characters that ends at j or,
 * when character j-1 is a space, the last run before the spaces; the word
 * after j is the run from the first non-space character after j. One
 * pass forward and one backward: linear in the text, however long its
 * words or its runs of spaces (looking each word up from each blank was
 * quadratic in a run of spaces). */
static unsigned char *kept_blanks(const uint32_t *cp, size_t ncp)
{
	unsigned char *keep = bki_calloc(ncp + 2, 1);
	if (!keep)
		return NULL;
	/* forward: in, a run began at rs (with so many digits and letters);
	 * last, the flag of the last run before the spaces */
	bool in = false, last = false;
	size_t rs = 0, digits = 0, letters = 0;
	for (size_t j = 0;; j++) {
		bool here = last;
		if (in)
			here = (digits && !letters) ||
			       (j - rs == 2 && is_letter(cp[rs]) && cp[rs + 1] == '.');
		keep[j] = here;
		if (j == ncp)
			break;
		if (cp[j] == ' ') {
			if (in)
				last = here;
			in = false;
			continue;
		}
		if (!in) {
			in = true;
			rs = j;
			digits = letters = 0;
		}
		if (cp[j] >= '0' && cp[j] <= '9')
			digits++;
		else if (is_letter(cp[j]))
			letters++;
	}
	/* after: the word from j on is an initial; a blank from character
	 * j - 1 looks at it */
	bool after = false;
	size_t re = ncp; /* the end of the run holding j */
	for (size_t j = ncp; j-- > 0;) {
		if (cp[j] != ' ') {
			if (j + 1 == ncp || cp[j + 1] == ' ')
				re = j + 1;
			after = re - j == 2 && is_letter(cp[j]) && cp[j + 1] == '.';
		}
		if (j > 0 && after)
			keep[j - 1] = 1;
	}
	return keep;
}

/* Lines being made: n used of cap allocated. */
typedef struct line_list {
	line *v;
	size_t n, cap;
	bool nomem; /* a line could not be kept */
} line_list;

/* Appends a line of n cells carrying print (taken over; may be NULL). The
 * array doubles, so a long text is not copied once a line. */
static void push_line(line_list *l, const unsigned char *cells, size_t n,
                      char *print)
{
	void *v = l->v;
	bool room = bki_array_room(&v, &l->cap, l->n, sizeof *l->v);
	l->v = v;
	if (!room) {
		free(print);
		l->nomem = true;
		return;
	}
	unsigned char *copy = bki_malloc(n + 1);
	if (!copy) {
		free(print);
		l->nomem = true;
		return;
	}
	line *x = &l->v[l->n++];
	x->cells = copy;
	if (n)
		memcpy(x->cells, cells, n);
	x->n = n;
	x->print = print;
}

static void free_lines(line_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].cells);
		free(l->v[i].print);
	}
	free(l->v);
}

/* The text as code points, for the rules; *ncp is their count. NULL when
 * memory runs out. */
static uint32_t *code_points(const char *text, size_t *ncp)
{
	size_t len = strlen(text), n = 0;
	uint32_t *cp = bki_calloc(len + 1, sizeof *cp);
	if (!cp)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t k = bki_utf8_decode(text + i, len - i, &cp[n]);
		i += k ? k : 1;
		n++;
	}
	*ncp = n;
	return cp;
}

/* Marks in breaks[] the hyphenation points inside words of letters: by
 * the language's dictionary, else by the syllable rule. false when memory
 * runs out. */
static bool hyphenation_points(bk_braille *br, int lang, const bki_cells *c,
                               const uint32_t *cp, size_t ncp,
                               unsigned char *breaks)
{
	/* head[j]: the first cell (after cell 0) that begins the cells made
	 * from character j, where a hyphen before j stands; 0: none. One pass
	 * over the cells, not a search of every cell for every hyphenation
	 * point (which made a long paragraph quadratic) */
	bool ok = false;
	size_t *head = bki_calloc(ncp + 1, sizeof *head);
	bool *allowed = bki_calloc(ncp + 1, sizeof *allowed);
	if (!head || !allowed)
		goto out;
	for (size_t i = 1; i < c->n; i++)
		if (c->src[i] < ncp && c->src[i] != c->src[i - 1] && !head[c->src[i]])
			head[c->src[i]] = i;
	for (size_t a = 0; a < ncp;) {
		if (!is_letter(cp[a])) {
			a++;
			continue;
		}
		size_t b = a;
		while (b < ncp && is_letter(cp[b]))
			b++;
		int dict = bki_braille_hyphenate(br, lang, cp + a, b - a, allowed);
		if (dict < 0)
			goto out;
		if (!dict)
			syllable_rule(cp + a, b - a, allowed);
		for (size_t k = 1; k < b - a; k++)
			if (allowed[k] && head[a + k])
				breaks[head[a + k]] = 2;
		a = b;
	}
	ok = true;
out:
	free(allowed);
	free(head);
	return ok;
}

/* Where a line may end: breaks[i] is 1 where the line may break at blank
 * cell i (dropping it), 2 where it may break before cell i with a hyphen,
 * 0 elsewhere. NULL when memory runs out. */
static unsigned char *break_points(bk_braille *br, int lang,
                                   const bki_cells *c, const uint32_t *cp,
                                   size_t ncp)
{
	unsigned char *breaks = bki_calloc(c->n + 1, 1);
	unsigned char *keep = kept_blanks(cp, ncp);
	if (!breaks || !keep) {
		free(breaks);
		free(keep);
		return NULL;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->dots[i] == 0)
			breaks[i] = keep[c->src[i]] ? 0 : 1;
	free(keep);
	if (!hyphenation_points(br, lang, c, cp, ncp, breaks)) {
		free(breaks);
		return NULL;
	}
	return breaks;
}

/* Where the line that starts at cell start and has room cells ends: *end
 * is the first cell not on it, *next the first cell of the next line.
 * Returns whether the line ends in a hyphen. */
static bool line_end(const bki_cells *c, const unsigned char *breaks,
                     size_t start, size_t room, size_t *end, size_t *next)
{
	if (c->n - start <= room) {
		*end = *next = c->n;
		return false;
	}
	size_t blank = 0, hy = 0, held = 0;
	for (size_t i = start + 1; i <= start + room && i < c->n; i++) {
		if (breaks[i] == 1)
			blank = i;
		else if (breaks[i] == 2 && i - start + 1 <= room)
			hy = i;
		else if (c->dots[i] == 0)
			held = i; /* a blank the rules keep: a last resort */
	}
	if (blank) {
		*end = blank;
		*next = blank + 1;
	} else if (hy) {
		*end = *next = hy;
		return true;
	} else if (held) {
		/* a run of held words longer than a line (initials, a number
		 * and its unit): better split there than inside a word */
		*end = held;
		*next = held + 1;
	} else {
		/* one word longer than a line: cut it, but never right after a
		 * number sign or a capital/Latin sign */
		size_t e = start + room;
		while (e > start + 1 && (c->dots[e - 1] == NUMBER_SIGN ||
		                         c->dots[e - 1] == 0x28 ||
		                         c->dots[e - 1] == 0x20))
			e--;
		*end = *next = e;
	}
	return false;
}

/* The print a line carries: the characters from its first cell's up to
 * the next line's, without trailing blanks, and a hyphen where the braille
 * has one. NULL when memory runs out. */
static char *line_print(const bki_cells *c, const uint32_t *cp, size_t ncp,
                        size_t start, size_t end, bool hyphen)
{
	size_t pa = c->src[start], pb = end < c->n ? c->src[end] : ncp;
	bki_buf pr = {0};
	for (size_t k = pa; k < pb && k < ncp; k++) {
		char enc[4];
		bki_buf_addn(&pr, enc, bki_utf8_encode(cp[k], enc));
	}
	while (pr.len && pr.data[pr.len - 1] == ' ')
		bki_buf_truncate(&pr, pr.len - 1);
	if (hyphen)
		bki_buf_addc(&pr, '-');
	return bki_buf_steal(&pr);
}

/* Lays one paragraph into lines of width cells; continuation lines are
 * indented by indent cells. Appends the lines to out. */
static bk_status wrap(bk_braille *br, int lang, const char *text,
                      const char *field, size_t width, size_t indent,
                      line_list *out, bk_diags *diags)
{
	bki_cells c;
	bk_status st = bki_braille_translate_cells(br, bki_lang_codes[lang], text,
	                                          field, &c, diags);
	if (st != BK_OK)
		return st;
	size_t ncp = 0;
	uint32_t *cp = code_points(text, &ncp);
	unsigned char *breaks = cp ? break_points(br, lang, &c, cp, ncp) : NULL;
	unsigned char *buf = bki_malloc(width + 1);
	if (!cp || !breaks || !buf)
		out->nomem = true;
	for (size_t start = 0, pad = 0; !out->nomem && start < c.n;
	     pad = indent) {
		size_t end, next;
		bool hyphen = line_end(&c, breaks, start, width - pad, &end, &next);
		memset(buf, 0, pad);
		memcpy(buf + pad, c.dots + start, end - start);
		size_t n = pad + (end - start);
		if (hyphen)
			buf[n++] = HYPHEN;
		char *print = line_print(&c, cp, ncp, start, end, hyphen);
		if (!print)
			out->nomem = true;
		else
			push_line(out, buf, n, print);
		start = next;
		while (start < c.n && c.dots[start] == 0)
			start++;
	}
	free(buf);
	free(breaks);
	free(cp);
	bki_cells_free(&c);
	if (out->nomem)
		return bki_diags_nomem(diags, "", field, "laying out braille");
	return BK_OK;
}

/* The page number: number sign and digits a–j. */
static size_t page_number(size_t page, unsigned char *out)
{
	static const unsigned char digit[10] = {0x1A, 0x01, 0x03, 0x09, 0x19,
	                                        0x11, 0x0B, 0x1B, 0x13, 0x0A};
	char s[24];
	int k = snprintf(s, sizeof s, "%zu", page);
	out[0] = NUMBER_SIGN;
	for (int i = 0; i < k; i++)
		out[1 + i] = digit[s[i] - '0'];
	return (size_t)k + 1;
}

/* Lays body lines (already wrapped to the narrower width) onto pages. */
static void paginate(bk_braille_doc *d, const line *body, size_t nbody)
{
	const bk_braille_layout *L = &d->layout;
	size_t per_page = L->lines - 1, page = 0;
	unsigned char *buf = bki_malloc(L->cells + 1);
	if (!buf) {
		d->nomem = true;
		return;
	}
	for (size_t k = 0; !d->nomem && (k < nbody || k == 0); k += per_page) {
		page++;
		bool recto = !L->interpoint || page % 2 == 1;
		size_t left = recto ? L->binding : 0;
		size_t usable = L->cells - L->binding;
		/* line 1: the page number at the right of the usable width */
		unsigned char num[24];
		size_t nn = page_number(page, num);
		memset(buf, 0, L->cells);
		memcpy(buf + left + usable - nn, num, nn);
		char pn[24];
		snprintf(pn, sizeof pn, "%zu", page);
		add_line(d, buf, left + usable, pn);
		for (size_t r = 0; r < per_page; r++) {
			if (k + r < nbody) {
				memset(buf, 0, left);
				memcpy(buf + left, body[k + r].cells, body[k + r].n);
				add_line(d, buf, left + body[k + r].n, body[k + r].print);
			} else {
				add_line(d, buf, 0, NULL);
			}
		}
		if (nbody == 0)
			break;
	}
	free(buf);
}

/* Copies the caller's layout (NULL: the defaults) into *L, a layout of
 * the current version, and checks its values. */
static bool layout_ok(const bk_braille_layout *caller, bk_braille_layout *L,
                      bk_diags *diags)
{
	static const bk_braille_layout def = BK_BRAILLE_LAYOUT_INIT;
	if (!caller)
		caller = &def;
	if (!bki_struct_version_ok(caller->version, BK_BRAILLE_LAYOUT_VERSION,
	                          "bk_braille_layout", diags))
		return false;
	/* version 1 is the only one: every field is the caller's */
	*L = *caller;
	L->version = BK_BRAILLE_LAYOUT_VERSION;
	if (L->cells < BK_BRAILLE_CELLS_MIN || L->cells > BK_BRAILLE_CELLS_MAX ||
	    L->lines < BK_BRAILLE_LINES_MIN || L->lines > BK_BRAILLE_LINES_MAX ||
	    L->binding > L->cells / 4) {
		bki_diags_add(diags, BK_ERROR, "bad-value", "", 0, 0, "",
		             "a braille page has %d–%d cells per line, %d–%d "
		             "lines and a binding margin of at most a quarter of "
		             "the line", BK_BRAILLE_CELLS_MIN, BK_BRAILLE_CELLS_MAX,
		             BK_BRAILLE_LINES_MIN, BK_BRAILLE_LINES_MAX);
		return false;
	}
	return true;
}

bk_status bk_braille_paragraphs(bk_braille_doc **out, bk_braille *br,
                                const char *lang_code,
                                const char *const *paras,
                                const char *const *fields, size_t count,
                                const char *title, const char *identifier,
                                const char *date,
                                const bk_braille_layout *layout,
                                bk_diags *diags)
{
	if (!out || !br || (!paras && count) || !lang_code)
		return BK_ERR_USAGE;
	*out = NULL;
	int lang = bki_lang_index(lang_code);
	if (lang < 0) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "braille pages in \"%s\", a language ballotkit does "
		             "not know", lang_code);
		return BK_ERR_USAGE;
	}
	bk_braille_layout L;
	if (!layout_ok(layout, &L, diags))
		return BK_ERR_USAGE;
	size_t width = L.cells - L.binding;
	line_list body = {0};
	bk_status st = BK_OK;
	for (size_t i = 0; i < count; i++) {
		if (!paras[i] || !*paras[i]) {
			push_line(&body, NULL, 0, NULL);
			if (body.nomem) {
				st = bki_diags_nomem(diags, "", "", "laying out braille");
				goto out;
			}
			continue;
		}
		char field[64];
		snprintf(field, sizeof field, "paragraph %zu", i + 1);
		st = wrap(br, lang, paras[i],
		          fields && fields[i] && *fields[i] ? fields[i] : field,
		          width, 2, &body, diags);
		if (st != BK_OK)
			goto out;
	}
	bk_braille_doc *d = bki_calloc(1, sizeof *d);
	if (!d) {
		st = bki_diags_nomem(diags, "", "", "laying out braille");
		goto out;
	}
	d->layout = L;
	paginate(d, body.v, body.n);
	d->title = bki_strdup(title ? title : "");
	d->identifier = bki_strdup(identifier ? identifier : "ballotkit");
	d->language = bki_strdup(lang_code);
	d->date = bki_strdup(date ? date : "");
	if (d->nomem || !d->title || !d->identifier || !d->language ||
	    !d->date) {
		bk_braille_doc_free(d);
		st = bki_diags_nomem(diags, "", "", "laying out braille");
		goto out;
	}
	*out = d;
out:
	free_lines(&body);
	return st;
}

bk_status bk_braille_list(bk_braille_doc **out, bk_braille *br,
                          const bk_script *s, const bk_braille_layout *layout,
                          bk_diags *diags)
{
	if (!out || !br || !s)
		return BK_ERR_USAGE;
	size_t n = bk_script_position_count(s);
	const char **paras = bki_calloc(n + 3, sizeof *paras);
	const char **fields = bki_calloc(n + 3, sizeof *fields);
	bki_buf id = {0};
	bk_status st;
	if (!paras || !fields) {
		*out = NULL;
		st = bki_diags_nomem(diags, "", "", "laying out the braille list");
		goto out;
	}
	paras[0] = bk_script_title(s);
	paras[1] = bk_script_district(s);
	paras[2] = ""; /* a blank line before the positions */
	fields[0] = "the ballot title";
	fields[1] = "the district";
	fields[2] = NULL;
	for (size_t i = 0; i < n; i++) {
		paras[3 + i] = bk_script_position_list_text(s, i);
		fields[3 + i] = bk_script_position_source(s, i);
	}
	bki_buf_printf(&id, "ballotkit:%s:%s:list:%s", bk_script_election_id(s),
	              bk_script_ballot_id(s), bk_script_language(s));
	if (bki_buf_failed(&id)) {
		*out = NULL;
		st = bki_diags_nomem(diags, "", "", "laying out the braille list");
		goto out;
	}
	st = bk_braille_paragraphs(out, br, bk_script_language(s),
	                           paras, fields, n + 3,
	                           bk_script_title(s),
	                           bki_buf_str(&id),
	                           bk_script_election_date(s), layout,
	                           diags);
out:
	bki_buf_free(&id);
	free(paras);
	free(fields);
	return st;
}

bk_status bk_braille_leaflet(bk_braille_doc **out, bk_braille *br,
                             const bk_election *e, const char *kind,
                             const char *id, const char *lang_code,
                             const bk_braille_layout *layout,
                             bk_diags *diags)
{
	if (!out || !br || !e || !kind || !id || !lang_code)
		return BK_ERR_USAGE;
	*out = NULL;
	bki_buf src = {0}, name = {0}, txt = {0};
	if (!bki_election_leaflet_text(e, kind, id, bki_lang_index(lang_code), &name,
	                              &txt, &src)) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "there is no %s \"%s\" with a leaflet in \"%s\"",
		             kind, id, lang_code);
		bki_buf_free(&src);
		bki_buf_free(&name);
		bki_buf_free(&txt);
		return BK_ERR_NOTFOUND;
	}
	const char *heading = bki_buf_str(&name);
	/* one paragraph per line of the leaflet text */
	bool failed = bki_buf_failed(&src) || bki_buf_failed(&name);
	char *body = bki_buf_steal(&txt);
	size_t n = 2;
	for (const char *p = body; p && *p; p++)
		n += *p == '\n';
	const char **paras = bki_calloc(n + 1, sizeof *paras);
	const char **fields = bki_calloc(n + 1, sizeof *fields);
	bki_buf ident = {0};
	bk_status st;
	if (failed || !body || !paras || !fields) {
		st = bki_diags_nomem(diags, "", "", "laying out a leaflet");
		goto out;
	}
	size_t count = 0;
	paras[count] = heading;
	fields[count++] = bki_buf_str(&src);
	paras[count] = "";
	fields[count++] = NULL;
	for (char *p = body, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		paras[count] = p;
		fields[count++] = bki_buf_str(&src);
	}
	bki_buf_printf(&ident, "ballotkit:%s:leaflet:%s:%s:%s", e->id, kind, id,
	              lang_code);
	if (bki_buf_failed(&ident)) {
		st = bki_diags_nomem(diags, "", "", "laying out a leaflet");
		goto out;
	}
	st = bk_braille_paragraphs(out, br, lang_code, paras, fields,
	                           count, heading, bki_buf_str(&ident),
	                           e->date, layout, diags);
out:
	bki_buf_free(&ident);
	free(paras);
	free(fields);
	free(body);
	bki_buf_free(&src);
	bki_buf_free(&name);
	return st;
}

void bk_braille_doc_free(bk_braille_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nlines; i++) {
		free(d->lines[i].cells);
		free(d->lines[i].print);
	}
	free(d->lines);
	free(d->title);
	free(d->identifier);
	free(d->language);
	free(d->date);
	free(d);
}

const char *bk_braille_doc_line_print(const bk_braille_doc *d, size_t page,
                                      size_t ln)
{
	if (page >= bk_braille_doc_page_count(d) || ln >= d->layout.lines)
		return NULL;
	return d->lines[page * d->layout.lines + ln].print;
}

const char *bk_braille_doc_title(const bk_braille_doc *d) { return d->title; }
const char *bk_braille_doc_date(const bk_braille_doc *d) { return d->date; }
const bk_braille_layout *bk_braille_doc_layout(const bk_braille_doc *d)
{
	return &d->layout;
}

size_t bk_braille_doc_page_count(const bk_braille_doc *d)
{
	return d->nlines / d->layout.lines;
}

size_t bk_braille_doc_line_count(const bk_braille_doc *d, size_t page)
{
	return page < bk_braille_doc_page_count(d) ? d->layout.lines : 0;
}

const unsigned char *bk_braille_doc_line(const bk_braille_doc *d, size_t page,
                                         size_t ln, size_t *ncells)
{
	size_t k = page * d->layout.lines + ln;
	if (page >= bk_braille_doc_page_count(d) || ln >= d->layout.lines) {
		if (ncells)
			*ncells = 0;
		return NULL;
	}
	if (ncells)
		*ncells = d->lines[k].n;
	return d->lines[k].cells;
}

/* North American ASCII braille, indexed by the 6 dots. */
static const char brf_ascii[65] =
	" A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)=";

static size_t trimmed(const line *l)
{
	size_t n = l->n;
	while (n && l->cells[n - 1] == 0)
		n--;
	return n;
}

static bk_status finish(bki_buf *b, FILE *out)
{
	if (bki_buf_failed(b)) {
		bki_buf_free(b);
		return BK_ERR_NOMEM;
	}
	size_t w = fwrite(b->data ? b->data : "", 1, b->len, out);
	size_t len = b->len;
	bki_buf_free(b);
	return w == len && !ferror(out) ? BK_OK : BK_ERR_IO;
}

/* The document as BRF, PEF or text, into *out. */
static void brf_bytes(const bk_braille_doc *d, bk_brf_break page_break,
                      bki_buf *out)
{
	bki_buf b = {0};
	size_t pages = bk_braille_doc_page_count(d);
	for (size_t p = 0; p < pages; p++) {
		size_t last = d->layout.lines;
		/* with a form feed, trailing empty lines need not be written */
		if (page_break != BK_BRF_NONE)
			while (last > 1 && trimmed(&d->lines[p * d->layout.lines + last - 1]) == 0)
				last--;
		for (size_t r = 0; r < last; r++) {
			const line *l = &d->lines[p * d->layout.lines + r];
			size_t n = trimmed(l);
			for (size_t i = 0; i < n; i++)
				bki_buf_addc(&b, brf_ascii[l->cells[i] & 0x3F]);
			if (r + 1 < last || page_break != BK_BRF_FF)
				bki_buf_add(&b, "\r\n");
		}
		if (page_break != BK_BRF_NONE)
			bki_buf_addc(&b, '\f');
	}
	*out = b;
}

static void pef_bytes(const bk_braille_doc *d, bki_buf *out)
{
	bki_buf b = {0};
	bki_buf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<pef version=\"2008-1\" xmlns=\"http://www.daisy.org/ns/2008/pef\">\n"
	               "  <head>\n"
	               "    <meta xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	               "      <dc:format>application/x-pef+xml</dc:format>\n"
	               "      <dc:identifier>");
	bki_buf_add_xml(&b, d->identifier);
	bki_buf_add(&b, "</dc:identifier>\n      <dc:title>");
	bki_buf_add_xml(&b, d->title);
	bki_buf_add(&b, "</dc:title>\n      <dc:language>");
	bki_buf_add_xml(&b, d->language);
	bki_buf_add(&b, "</dc:language>\n");
	if (*d->date) {
		bki_buf_add(&b, "      <dc:date>");
		bki_buf_add_xml(&b, d->date);
		bki_buf_add(&b, "</dc:date>\n");
	}
	bki_buf_add(&b, "      <dc:creator>ballotkit</dc:creator>\n"
	               "    </meta>\n  </head>\n  <body>\n");
	bki_buf_printf(&b, "    <volume cols=\"%u\" rows=\"%u\" rowgap=\"0\" "
	              "duplex=\"%s\">\n      <section>\n",
	              d->layout.cells, d->layout.lines,
	              d->layout.interpoint ? "true" : "false");
	size_t pages = bk_braille_doc_page_count(d);
	for (size_t p = 0; p < pages; p++) {
		bki_buf_add(&b, "        <page>\n");
		for (size_t r = 0; r < d->layout.lines; r++) {
			const line *l = &d->lines[p * d->layout.lines + r];
			size_t n = trimmed(l);
			if (!n) {
				bki_buf_add(&b, "          <row/>\n");
				continue;
			}
			bki_buf_add(&b, "          <row>");
			for (size_t i = 0; i < n; i++) {
				char enc[4];
				bki_buf_addn(&b, enc, bki_utf8_encode(0x2800u + l->cells[i], enc));
			}
			bki_buf_add(&b, "</row>\n");
		}
		bki_buf_add(&b, "        </page>\n");
	}
	bki_buf_add(&b, "      </section>\n    </volume>\n  </body>\n</pef>\n");
	*out = b;
}

static void text_bytes(const bk_braille_doc *d, bki_buf *out)
{
	bki_buf b = {0};
	size_t pages = bk_braille_doc_page_count(d);
	for (size_t p = 0; p < pages; p++) {
		if (p)
			bki_buf_add(&b, "\f\n");
		for (size_t r = 0; r < d->layout.lines; r++) {
			const line *l = &d->lines[p * d->layout.lines + r];
			size_t n = trimmed(l);
			for (size_t i = 0; i < n; i++) {
				char enc[4];
				bki_buf_addn(&b, enc, bki_utf8_encode(0x2800u + l->cells[i], enc));
			}
			bki_buf_addc(&b, '\n');
		}
	}
	*out = b;
}

bk_status bk_braille_doc_write_brf(const bk_braille_doc *d,
                                   bk_brf_break page_break, FILE *out)
{
	bki_buf b;
	brf_bytes(d, page_break, &b);
	return finish(&b, out);
}

bk_status bk_braille_doc_write_pef(const bk_braille_doc *d, FILE *out)
{
	bki_buf b;
	pef_bytes(d, &b);
	return finish(&b, out);
}

bk_status bk_braille_doc_write_text(const bk_braille_doc *d, FILE *out)
{
	bki_buf b;
	text_bytes(d, &b);
	return finish(&b, out);
}

/* The document in format ("brf", "pef" or "txt") into *out; false for
 * another format. */
static bool doc_bytes(const bk_braille_doc *d, const char *format,
                      bk_brf_break page_break, bki_buf *out)
{
	if (!strcmp(format, "brf"))
		brf_bytes(d, page_break, out);
	else if (!strcmp(format, "pef"))
		pef_bytes(d, out);
	else if (!strcmp(format, "txt"))
		text_bytes(d, out);
	else
		return false;
	return true;
}

/* What bk_braille_doc_save writes. Its job struct and render function
 * have the shape of every renderer's (speech.c's wav_render, …), which a
 * duplicate-code finder pairs: the shape is bki_render_fn's, the bodies
 * differ, and it stays. */
typedef struct save_job {
	const bk_braille_doc *d;
	const char *format;
	bk_brf_break page_break;
} save_job;

static bk_status save_render(void *ctx, bk_write_fn write, void *arg,
                             const char *name, bk_diags *diags)
{
	const save_job *j = ctx;
	bki_buf b = {0};
	if (!doc_bytes(j->d, j->format, j->page_break, &b))
		return BK_ERR_USAGE;
	if (bki_buf_failed(&b)) {
		bki_buf_free(&b);
		return bki_diags_nomem(diags, name, "", "writing braille");
	}
	bki_sink out = {write, arg, BK_OK};
	bool ok = bki_sink_write(&out, b.data, b.len);
	bki_buf_free(&b);
	return ok ? BK_OK : bki_sink_failed(&out, name, "the braille", BK_ERR_IO,
	                                   diags);
}

bk_status bk_braille_doc_save(const bk_braille_doc *d, const char *format,
                              bk_brf_break page_break, const char *path,
                              bk_diags *diags)
{
	if (!d || !format || !path)
		return BK_ERR_USAGE;
	if (strcmp(format, "brf") && strcmp(format, "pef") && strcmp(format, "txt"))
		return BK_ERR_USAGE;
	save_job j = {d, format, page_break};
	return bki_write_atomic(path, save_render, &j, diags);
}

bk_status bk_braille_doc_write_to(const bk_braille_doc *d, const char *format,
                                  bk_brf_break page_break, bk_write_fn write,
                                  void *arg, bk_diags *diags)
{
	if (!d || !format || !write)
		return BK_ERR_USAGE;
	if (strcmp(format, "brf") && strcmp(format, "pef") && strcmp(format, "txt"))
		return BK_ERR_USAGE;
	save_job j = {d, format, page_break};
	return save_render(&j, write, arg, "", diags);
}
