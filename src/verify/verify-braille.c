/* Verifying braille: the braille list of each language (BRF, PEF and the
 * swell-paper PDF) position by position against the script, and each
 * leaflet (BRF, PEF, swell PDF) against its party's or candidate's text.
 * Cells come from the decoders, text from liblouis' back-translation. */
#include "verify/verify-private.h"

#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"

/* Swell PDFs are read at this resolution: a 1.5 mm dot is 12 pixels. */
#define SWELL_DPI 200

static const unsigned char digit_cells[10] = {0x1A, 0x01, 0x03, 0x09, 0x19,
                                              0x11, 0x0B, 0x1B, 0x13, 0x0A};

/* The number a line of braille starts with (number sign, digits), or 0. */
static unsigned line_number(const unsigned char *c, size_t n)
{
	if (n < 2 || c[0] != 0x3C)
		return 0;
	unsigned v = 0;
	size_t i = 1;
	for (; i < n && i < 6; i++) {
		int d = -1;
		for (int k = 0; k < 10; k++)
			if (c[i] == digit_cells[k])
				d = k;
		if (d < 0)
			break;
		v = v * 10 + (unsigned)d;
	}
	return i > 1 ? v : 0;
}

/* The letters and digits of s (bki_utf8_letters), each Latin letter
 * written as the Cyrillic letter of the same cell in lang's braille (a
 * as а, q as ч, w as в; v as һ and y as і in Kazakh). Braille writes the
 * two alike, and where a Latin passage is followed by a Cyrillic word made
 * only of such cells («AMANAT, кандидат выбыл») the cells cannot say which
 * alphabet the word is in: both sides of a comparison are folded so, and
 * a changed cell still shows. */
static void letters(const char *lang, const char *s, bki_buf *out)
{
	static const char *const cyr[26] = {
		"а", "б", "ц", "д", "е", "ф", "г", "х", "и", "ж", "к", "л", "м",
		"н", "о", "п", "ч", "р", "с", "т", "у", NULL, "в", "щ", NULL, "з"};
	bool kk = !strcmp(lang, "kk");
	bki_buf raw = {0};
	bki_utf8_letters(s, &raw);
	for (const char *p = bki_buf_str(&raw); *p; p++) {
		const char *c = *p >= 'a' && *p <= 'z' ? cyr[*p - 'a'] : NULL;
		if (!c && kk && *p == 'v')
			c = "һ";
		else if (!c && kk && *p == 'y')
			c = "і";
		if (c)
			bki_buf_add(out, c);
		else
			bki_buf_addc(out, *p);
	}
	bki_buf_free(&raw);
}

/* Decodes a braille file of the kit by its kind; NULL with the reason
 * reported under c. */
static bk_status decode_cells(const char *data, size_t n, const char *file,
                              void *out, bk_diags *d)
{
	bk_cell_pages **pages = out;
	size_t len = strlen(file);
	if (len > 4 && !strcmp(file + len - 4, ".pef"))
		return bk_decode_pef(pages, data, n, file, d);
	if (len > 4 && !strcmp(file + len - 4, ".brf"))
		return bk_decode_brf(pages, data, n, file, 0, d);
	return bk_decode_pdf_braille(pages, data, n, file, SWELL_DPI, NULL, d);
}

static bk_cell_pages *decode(vkit *k, size_t c, const char *file)
{
	bk_cell_pages *pages = NULL;
	if (!vk_decode(k, c, file, decode_cells, &pages))
		return NULL;
	return pages;
}

/* The lines of every page but its first (the page number), as one
 * stream. */
typedef struct lines {
	const bk_cell_pages *p;
	size_t page, line;
} lines;

static const unsigned char *next_line(lines *it, size_t *n)
{
	size_t np = bk_cell_pages_count(it->p);
	while (it->page < np && it->line >= bk_cell_pages_line_count(it->p, it->page)) {
		it->page++;
		it->line = 1;
	}
	if (it->page >= np)
		return NULL;
	return bk_cell_pages_line(it->p, it->page, it->line++, n);
}

/* Appends a line's cells to a run read back as one text: a blank cell
 * between lines, none after a hyphen (⠤) that broke a word, so a Latin
 * passage (docs/braille.md) goes on across the line break as it was
 * written. */
static void join_line(bki_buf *cells, const unsigned char *c, size_t n)
{
	if (cells->len && (unsigned char)cells->data[cells->len - 1] == 0x24)
		bki_buf_truncate(cells, cells->len - 1);
	else if (cells->len)
		bki_buf_addc(cells, 0);
	bki_buf_addn(cells, (const char *)c, n);
}

static void back(vkit *k, const char *lang, const unsigned char *c, size_t n,
                 bki_buf *out)
{
	char *text = NULL;
	if (bk_braille_back(k->v->braille, lang, c, n, &text, NULL) == BK_OK)
		bki_buf_add(out, text);
	bk_free(text);
}

/* The positions of a braille list: a line that starts with a number,
 * and the lines indented under it; numbers as the script's, in order,
 * and the letters read back as the script's list line. */
static void check_list(vkit *k, size_t l, const char *file)
{
	const char *lang = k->langs[l];
	size_t c = vk_check(k, file, "braille-list");
	if (!k->v->braille) {
		vk_fail(k, c, 0, "no braille table can be loaded to read it back");
		return;
	}
	bk_cell_pages *pages = decode(k, c, file);
	if (!pages)
		return;
	json_t *positions = vk_positions(k, l);
	size_t want = json_array_size(positions), got = 0;
	bki_buf text = {0}, cells = {0};
	unsigned current = 0;
	bool bad = false;
	lines it = {pages, 0, 1};
	for (;;) {
		size_t nc = 0;
		const unsigned char *cl = next_line(&it, &nc);
		unsigned num = cl ? line_number(cl, nc) : 0;
		if (cl && current && nc > 2 && cl[0] == 0 && cl[1] == 0 && cl[2]) {
			join_line(&cells, cl + 2, nc - 2); /* a continuation line */
			continue;
		}
		if (current) {
			bki_buf_truncate(&text, 0);
			back(k, lang, (const unsigned char *)cells.data, cells.len, &text);
			json_t *pos = json_array_get(positions, got - 1);
			bki_buf x = {0}, y = {0};
			letters(lang, bki_buf_str(&text), &x);
			letters(lang, vk_str(pos, "list"), &y);
			if (strcmp(bki_buf_str(&x), bki_buf_str(&y))) {
				vk_fail(k, c, current, "reads \"%s\", the script says \"%s\"",
				        bki_buf_str(&text), vk_str(pos, "list"));
				bad = true;
			}
			bki_buf_free(&x);
			bki_buf_free(&y);
			current = 0;
		}
		if (!cl || bad)
			break;
		if (!num)
			continue;
		got++;
		unsigned expect = got <= want ? vk_position_number(k, l, got - 1) : 0;
		if (num != expect) {
			if (expect)
				vk_fail(k, c, expect, "numbered line %zu is number %u, the "
				        "script's position %zu is %u", got, num, got, expect);
			else
				vk_fail(k, c, num, "numbered line %zu (number %u) is more "
				        "than the script's %zu positions", got, num, want);
			bad = true;
			break;
		}
		current = num;
		bki_buf_truncate(&cells, 0);
		join_line(&cells, cl, nc);
	}
	if (!bad && got != want)
		vk_fail(k, c, 0, "%zu numbered positions, the script has %zu", got, want);
	bki_buf_free(&text);
	bki_buf_free(&cells);
	bk_cell_pages_free(pages);
}

/* All the text of a braille document read back (every page's lines but
 * the page number), as letters and digits. Each paragraph is read back as
 * one run of cells, as it was written: a line that starts without the two
 * blank cells of a continuation, or follows a blank line, starts a new
 * one (so a Latin passage of the heading does not run into the text). */
static void read_all(vkit *k, const bk_cell_pages *pages, const char *lang,
                     bki_buf *out)
{
	lines it = {pages, 0, 1};
	bki_buf text = {0}, cells = {0};
	size_t nc;
	const unsigned char *cl;
	while ((cl = next_line(&it, &nc))) {
		bool cont = nc > 2 && cl[0] == 0 && cl[1] == 0 && cl[2];
		if ((!cont || !nc) && cells.len) {
			bki_buf_addc(&text, ' ');
			back(k, lang, (const unsigned char *)cells.data, cells.len, &text);
			bki_buf_truncate(&cells, 0);
		}
		if (cont)
			join_line(&cells, cl + 2, nc - 2);
		else if (nc)
			join_line(&cells, cl, nc);
	}
	if (cells.len) {
		bki_buf_addc(&text, ' ');
		back(k, lang, (const unsigned char *)cells.data, cells.len, &text);
	}
	letters(lang, bki_buf_str(&text), out);
	bki_buf_free(&text);
	bki_buf_free(&cells);
}

/* Where two strings of letters first differ, for a message: a few
 * letters either side in each. */
static void difference(const char *a, const char *b, bki_buf *out)
{
	size_t i = 0;
	while (a[i] && a[i] == b[i])
		i++;
	while (i > 0 && ((unsigned char)a[i] & 0xC0) == 0x80)
		i--;
	size_t from = i > 24 ? i - 24 : 0;
	while (from > 0 && ((unsigned char)a[from] & 0xC0) == 0x80)
		from--;
	bki_buf_printf(out, "\"…%.60s…\" where the text has \"…%.60s…\"", a + from,
	              strlen(b) > from ? b + from : "");
}

/* A leaflet's reference text as letters: with a definition, the heading
 * and text of its party or candidate; NULL without one. */
static bool leaflet_reference(vkit *k, const vleaflet *f, bki_buf *out)
{
	if (!k->v->e)
		return false;
	bki_buf heading = {0}, text = {0}, source = {0};
	bool ok = bki_election_leaflet_text(k->v->e, f->kind, f->id,
	                                   bki_lang_index(f->lang), &heading, &text,
	                                   &source);
	if (ok) {
		bki_buf_addc(&heading, ' ');
		bki_buf_add(&heading, bki_buf_str(&text));
		letters(f->lang, bki_buf_str(&heading), out);
	}
	bki_buf_free(&heading);
	bki_buf_free(&text);
	bki_buf_free(&source);
	return ok;
}

static void check_leaflet(vkit *k, const vleaflet *f)
{
	static const struct {
		unsigned bit;
		const char *suffix;
	} files[] = {{VO_LEAFLET_BRF, ".brf"},
	             {VO_LEAFLET_PEF, ".pef"},
	             {VO_LEAFLET_SWELL, "-swell.pdf"}};
	bki_buf ref = {0}, first = {0};
	bool have_ref = leaflet_reference(k, f, &ref);
	const char *first_file = NULL;
	bki_buf file = {0};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		if (!(k->outputs & files[i].bit) || (k->v->level == BK_VERIFY_BUILD &&
		                                    files[i].bit == VO_LEAFLET_SWELL))
			continue;
		bki_buf_truncate(&file, 0);
		bki_buf_printf(&file, "leaflets/%s%s", f->base, files[i].suffix);
		size_t c = vk_check(k, bki_buf_str(&file), "leaflet");
		if (!k->v->braille) {
			vk_fail(k, c, f->number, "no braille table can be loaded to read it back");
			continue;
		}
		bk_cell_pages *pages = decode(k, c, bki_buf_str(&file));
		if (!pages)
			continue;
		bki_buf got = {0}, diff = {0};
		read_all(k, pages, f->lang, &got);
		bk_cell_pages_free(pages);
		if (have_ref) {
			if (strcmp(bki_buf_str(&got), bki_buf_str(&ref))) {
				difference(bki_buf_str(&got), bki_buf_str(&ref), &diff);
				vk_fail(k, c, f->number, "is not the leaflet of %s %s in %s: it "
				        "reads %s", f->kind, f->id, f->lang, bki_buf_str(&diff));
			}
		} else if (!first_file) {
			first_file = files[i].suffix;
			bki_buf_add(&first, bki_buf_str(&got));
			if (!got.len)
				vk_fail(k, c, f->number, "holds no text");
		} else if (strcmp(bki_buf_str(&got), bki_buf_str(&first))) {
			difference(bki_buf_str(&got), bki_buf_str(&first), &diff);
			vk_fail(k, c, f->number, "says something else than leaflets/%s%s: "
			        "%s", f->base, first_file, bki_buf_str(&diff));
		}
		bki_buf_free(&got);
		bki_buf_free(&diff);
	}
	bki_buf_free(&file);
	bki_buf_free(&ref);
	bki_buf_free(&first);
}

void vk_check_braille(vkit *k)
{
	bki_buf file = {0};
	for (size_t l = 0; l < k->nlangs; l++) {
		static const struct {
			unsigned bit;
			const char *suffix;
		} lists[] = {{VO_BRAILLE_PEF, ".pef"},
		             {VO_BRAILLE_BRF, ".brf"},
		             {VO_BRAILLE_SWELL, "-swell.pdf"}};
		for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
			if (!(k->outputs & lists[i].bit))
				continue;
			bki_buf_truncate(&file, 0);
			bki_buf_printf(&file, "braille/%s-%s%s", k->ballot, k->langs[l],
			              lists[i].suffix);
			if (k->v->level == BK_VERIFY_BUILD && lists[i].bit == VO_BRAILLE_SWELL)
				continue; /* rendering a PDF is not a cheap check */
			check_list(k, l, bki_buf_str(&file));
		}
	}
	for (size_t i = 0; i < k->nleaflets; i++)
		check_leaflet(k, &k->leaflets[i]);
	bki_buf_free(&file);
}
