/* Wrapping rules on a corpus: lines never longer than the page, nothing
 * lost, a number never split from its unit or from the next group of
 * digits, initials never split from the surname, hyphens only at
 * syllable breaks, page numbers on every page. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static bk_braille *br;

enum { NUM = 0x3C, HYPH = 0x24, STOP = 0x32 };

/* Is cells[a..b) a number word (starts with the number sign)? */
static int number_word(const unsigned char *c, size_t a, size_t b)
{
	return b > a && c[a] == NUM;
}

/* An initial: one letter cell and a full stop ⠲. */
static int initial_word(const unsigned char *c, size_t a, size_t b)
{
	return b - a == 2 && c[a + 1] == STOP && c[a] != NUM;
}

static void check_rules(const char *lang, const char *text, unsigned cells,
                        const char *what, int rules)
{
	bk_braille_layout L = BK_BRAILLE_LAYOUT_INIT;
	L.cells = cells;
	L.lines = 8;
	bk_braille_doc *doc = NULL;
	const char *paras[] = {text};
	bk_diags *d = bk_diags_create();
	bk_status st = bk_braille_paragraphs(&doc, br, lang, paras, NULL, 1, "t",
	                                     "t", "2023-03-19", &L, d);
	TAP_OK(st == BK_OK, "%s: laid out", what);
	if (st != BK_OK) {
		if (bk_diags_count(d))
			printf("# %s\n", bk_diag_message(bk_diags_get(d, 0)));
		bk_diags_free(d);
		return;
	}
	bk_diags_free(d);
	unsigned char *whole = NULL;
	size_t nwhole = 0;
	bk_braille_translate(br, lang, text, NULL, &whole, &nwhole, NULL);
	/* join the lines back: continuation lines lose their two-cell
	 * indent; a line ending in a hyphen joins without a blank */
	unsigned char *joined = calloc(nwhole * 2 + 16, 1);
	size_t nj = 0;
	int too_long = 0, bad_break = 0, pages_ok = 1, hyphens = 0;
	const unsigned char *prev = NULL;
	size_t nprev = 0;
	for (size_t p = 0; p < bk_braille_doc_page_count(doc); p++) {
		size_t n;
		const unsigned char *num = bk_braille_doc_line(doc, p, 0, &n);
		char want[8];
		int k = snprintf(want, sizeof want, "%zu", p + 1);
		static const unsigned char dig[] = {0x1A, 0x01, 0x03, 0x09, 0x19,
		                                    0x11, 0x0B, 0x1B, 0x13, 0x0A};
		pages_ok &= n == cells && num[n - 1 - (size_t)k] == NUM &&
		            num[n - 1] == dig[want[k - 1] - '0'];
		for (size_t l = 1; l < bk_braille_doc_line_count(doc, p); l++) {
			const unsigned char *c = bk_braille_doc_line(doc, p, l, &n);
			if (!n)
				continue;
			too_long |= n > cells;
			size_t start = nj == 0 ? 0 : 2;
			if (nj) {
				if (joined[nj - 1] == HYPH) {
					nj--; /* a hyphenation: no blank */
					hyphens++;
				} else {
					joined[nj++] = 0;
				}
				/* the words either side of the break */
				size_t a = nprev;
				while (a > 0 && prev[a - 1] != 0)
					a--;
				size_t b = start;
				while (b < n && c[b] != 0)
					b++;
				if (prev[nprev - 1] != HYPH &&
				    (number_word(prev, a, nprev) || initial_word(prev, a, nprev) ||
				     initial_word(c, start, b)))
					bad_break = 1;
			}
			memcpy(joined + nj, c + start, n - start);
			nj += n - start;
			prev = c;
			nprev = n;
		}
	}
	TAP_OK(!too_long, "%s: no line longer than %u cells", what, cells);
	TAP_OK(nj == nwhole && !memcmp(joined, whole, nj),
	       "%s: the lines joined back are the whole text's cells", what);
	if (rules)
		TAP_OK(!bad_break, "%s: no break after a number or beside an initial", what);
	TAP_OK(pages_ok, "%s: every page numbered at the right of line 1", what);
	printf("# %s: %zu pages, %d hyphenations\n", what,
	       bk_braille_doc_page_count(doc), hyphens);
	free(joined);
	bk_free(whole);
	bk_braille_doc_free(doc);
}

static void check(const char *lang, const char *text, unsigned cells,
                  const char *what)
{
	check_rules(lang, text, cells, what, 1);
}

/* The hyphenations of one long word at a narrow width. */
static void hyphenated(const char *lang, const char *word, unsigned cells,
                       const char *want, const char *what)
{
	bk_braille_layout L = BK_BRAILLE_LAYOUT_INIT;
	L.cells = cells;
	L.lines = 10;
	bk_braille_doc *doc = NULL;
	const char *paras[] = {word};
	bk_braille_paragraphs(&doc, br, lang, paras, NULL, 1, "t", "t", "", &L, NULL);
	/* read back each line's cells and join them with "|" */
	char got[512] = "";
	for (size_t l = 1; doc && l < bk_braille_doc_line_count(doc, 0); l++) {
		size_t n;
		const unsigned char *c = bk_braille_doc_line(doc, 0, l, &n);
		if (!n)
			continue;
		size_t start = l == 1 ? 0 : 2;
		int hy = c[n - 1] == HYPH;
		char *back = NULL;
		bk_braille_back(br, lang, c + start, n - start - (size_t)hy, &back, NULL);
		if (l > 1)
			strcat(got, "|");
		strcat(got, back ? back : "?");
		bk_free(back);
	}
	TAP_STREQ(got, want, "%s", what);
	bk_braille_doc_free(doc);
}

/* A layout of version 0 or newer than the library is refused with a
 * message naming the struct; a bad value is reported as such. */
static void layout_version(unsigned version, unsigned cells, const char *want,
                           const char *what)
{
	bk_braille_layout L = BK_BRAILLE_LAYOUT_INIT;
	L.version = version;
	L.cells = cells;
	const char *paras[] = {"Окно"};
	bk_braille_doc *doc = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_braille_paragraphs(&doc, br, "ru", paras, NULL, 1, "t",
	                                     "t", "", &L, d);
	const char *msg = bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
	TAP_OK(st == BK_ERR_USAGE && !doc && strstr(msg, want), "%s (%s)", what, msg);
	bk_diags_free(d);
	bk_braille_doc_free(doc);
}

int main(void)
{
	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_braille_open(&br, NULL, tpl, NULL) != BK_OK) {
		printf("Bail out! templates or tables not found\n");
		return 1;
	}
	/* At 14 cells every unbreakable run fits a line. */
	check("ru", "Окно 12 мм от края, поле 5 мм, тираж 1 000 экз. "
	      "Кандидаты Д. А. Жумабеков и Жумабеков Д. А. и Иванова Е. Н.",
	      14, "ru numbers, units and initials at 14 cells");
	check("ru", "Окно 12 мм от края, поле 5 мм, тираж 1 000 000 экз. "
	      "Кандидаты Д. А. Жумабеков и Жумабеков Д. А. и Иванова Е. Н.",
	      20, "ru numbers, units and initials at 20 cells");
	check("kk", "Сайлау учаскесі № 12, терезе 10 мм. Кандидат Ж. Д. "
	      "Сәрсенбаев пен Сәрсенбаев Ж. Д. және Нұрпейісова Г. А.",
	      16, "kk numbers, units and initials at 16 cells");
	check("ru", "Народно-демократическая патриотическая партия «Ауыл», "
	      "Общенациональная социал-демократическая партия",
	      12, "ru long words hyphenated at 12 cells");
	check("kk", "«Ауыл» халықтық-демократиялық патриоттық партиясы, "
	      "Жалпыұлттық социал-демократиялық партия",
	      12, "kk long words hyphenated at 12 cells");
	/* A run of held words longer than a line must break somewhere: at a
	 * held blank or a hyphen, never inside a word without a hyphen (the
	 * lines joined back must equal the text). */
	check_rules("ru", "Жумабеков Д. Д. и А. Б. Сидоров", 12,
	            "ru a held run longer than a line at 12 cells", 0);
	check_rules("ru", "тираж 1 000 000 000 000 экз.", 12,
	            "ru a long number at 12 cells", 0);

	/* Russian by the hyphenation dictionary: из-би-ра-тель-ный. */
	hyphenated("ru", "избирательный", 12, "избиратель|ный",
	           "ru \"избирательный\" at 12 cells: the last dictionary point that fits");
	/* Kazakh by the syllable rule: a hyphen before a consonant that
	 * starts a syllable (жал-пы-ұлт-тық). */
	hyphenated("kk", "сайлау жалпыұлттық", 12, "сайлау|жалпыұлт|тық",
	           "kk \"жалпыұлттық\" after an indent: before the consonant "
	           "that starts the last syllable");
	layout_version(0, 40, "bk_braille_layout has version 0",
	               "a layout of version 0 is refused, naming the struct");
	layout_version(BK_BRAILLE_LAYOUT_VERSION + 1, 40,
	               "bk_braille_layout has version",
	               "a layout newer than the library is refused, naming the struct");
	layout_version(BK_BRAILLE_LAYOUT_VERSION, 5, "12–100 cells per line",
	               "a layout of the current version with 5 cells a line is "
	               "refused for its width");
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
