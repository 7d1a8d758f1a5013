/* Latin-script text in braille: the cells the forward tables write and the
 * read-back that verify uses follow one rule (docs/braille.md, "Latin-script
 * text"). A Latin passage takes one indicator (⠨ before a capital, ⠠
 * before a lowercase letter) and keeps it across blanks, punctuation and
 * numbers until a Cyrillic letter comes; reading back, a word in an open
 * passage is Cyrillic when it holds a cell no Latin letter has, Latin
 * otherwise.
 *
 * For every case the forward cells must equal the cells written here, and
 * the cells must read back as the text: its letters and digits, case
 * aside, as verify compares them (src/kit/verify.c, letters()). The names'
 * cells are written by hand from the Latin and Cyrillic braille alphabets
 * (../shared/reference/braille.md); the other cases are liblouis' own
 * specifications, written in by hand with their source named. */
#include <ballotkit.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static bk_braille *br;

typedef struct {
	const char *lang, *text, *cells;
} latin_case;

/* One UTF-8 code point; 0xFFFD for a broken sequence. */
static uint32_t next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = p[0];
	int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
	if (n < 0) {
		(*s)++;
		return 0xFFFD;
	}
	if (n)
		c &= 0x3F >> n;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s += i;
			return 0xFFFD;
		}
		c = c << 6 | (p[i] & 0x3F);
	}
	*s += n + 1;
	return c;
}

/* The letters and digits of s, in lower case, as UTF-8: Latin (with the
 * Latin-1 letters), Russian and Kazakh Cyrillic. Written here again rather
 * than taken from the library, so that the test does not check the
 * library against itself. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	while (*s) {
		uint32_t c = next_cp(&s);
		if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
		    (c >= 0x410 && c <= 0x42F))
			c += 0x20;
		else if (c >= 0x400 && c <= 0x40F)
			c += 0x50;
		else if (c == 0x492 || c == 0x49A || c == 0x4A2 || c == 0x4AE ||
		         c == 0x4B0 || c == 0x4BA || c == 0x4D8 || c == 0x4E8)
			c += 1;
		bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		            (c >= 0xDF && c <= 0xFF && c != 0xF7) ||
		            (c >= 0x430 && c <= 0x45F) || c == 0x493 || c == 0x49B ||
		            c == 0x4A3 || c == 0x4AF || c == 0x4B1 || c == 0x4BB ||
		            c == 0x4D9 || c == 0x4E9;
		if (!keep || n + 4 >= cap)
			continue;
		if (c < 0x80) {
			out[n++] = (char)c;
		} else if (c < 0x800) {
			out[n++] = (char)(0xC0 | c >> 6);
			out[n++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[n++] = (char)(0xE0 | c >> 12);
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[n++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[n] = 0;
}

/* The forward cells of text (NULL when refused) and their read-back. */
static char *forward(const char *lang, const char *text, char **back)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	char *uni = NULL;
	*back = NULL;
	bk_diags *d = bk_diags_create();
	if (bk_braille_translate(br, lang, text, "test", &cells, &n, d) == BK_OK) {
		uni = bk_braille_unicode(cells, n);
		if (bk_braille_back(br, lang, cells, n, back, d) != BK_OK)
			*back = NULL;
	} else if (bk_diags_count(d)) {
		printf("# %s\n", bk_diag_message(bk_diags_get(d, 0)));
	}
	bk_free(cells);
	bk_diags_free(d);
	return uni;
}

/* Forward cells exactly as written, and the read-back reads the text. */
static void check(const latin_case *c)
{
	char *back = NULL;
	char *got = forward(c->lang, c->text, &back);
	TAP_STREQ(got, c->cells, "%s \"%s\": cells", c->lang, c->text);
	char want[1024], read[1024];
	fold(c->text, want, sizeof want);
	fold(back ? back : "", read, sizeof read);
	TAP_OK(back && !strcmp(read, want), "%s \"%s\" reads back as itself", c->lang,
	       c->text);
	if (!back || strcmp(read, want))
		printf("# read back: %s\n", back ? back : "(failed)");
	bk_free(got);
	bk_free(back);
}

/* Cells that two texts share: the rule reads them as `reading`, not as
 * the text (docs/braille.md says which texts these are). */
static void ambiguous(const latin_case *c, const char *reading)
{
	char *back = NULL;
	char *got = forward(c->lang, c->text, &back);
	TAP_STREQ(got, c->cells, "%s \"%s\": cells", c->lang, c->text);
	char want[1024], read[1024], text[1024];
	fold(reading, want, sizeof want);
	fold(back ? back : "", read, sizeof read);
	fold(c->text, text, sizeof text);
	TAP_OK(back && !strcmp(read, want) && strcmp(want, text),
	       "%s \"%s\" reads back by the rule as \"%s\"", c->lang, c->text, reading);
	if (!back || strcmp(read, want))
		printf("# read back: %s\n", back ? back : "(failed)");
	bk_free(got);
	bk_free(back);
}

/* Forward only: what the read-back gives is outside this rule (why). */
static void cells_only(const latin_case *c, const char *why)
{
	char *back = NULL;
	char *got = forward(c->lang, c->text, &back);
	TAP_STREQ(got, c->cells, "%s \"%s\": cells (read-back not checked: %s)", c->lang,
	          c->text, why);
	bk_free(got);
	bk_free(back);
}

/* Party and candidate names of one, two and three Latin words, alone,
 * after and before Cyrillic, with digits, hyphens, apostrophes, quotes
 * and commas, in both languages. Cells written by hand. */
static const latin_case names[] = {
	{"kk", "AMANAT",
	 "⠨⠁⠍⠁⠝⠁⠞"},
	{"ru", "AMANAT",
	 "⠨⠁⠍⠁⠝⠁⠞"},
	{"kk", "Respublica",
	 "⠨⠗⠑⠎⠏⠥⠃⠇⠊⠉⠁"},
	{"ru", "Respublica",
	 "⠨⠗⠑⠎⠏⠥⠃⠇⠊⠉⠁"},
	{"kk", "Jana Qazaqstan",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"ru", "Jana Qazaqstan",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"kk", "Ak Jol Bereke",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑"},
	{"ru", "Ak Jol Bereke",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑"},
	{"kk", "Ak Jol 2",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠼⠃"},
	{"ru", "Ak Jol 2",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠼⠃"},
	{"kk", "«Jana Qazaqstan» партиясы",
	 "⠦⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "Партия «Jana Qazaqstan»",
	 "⠏⠁⠗⠞⠊⠫⠀⠦⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠴"},
	{"kk", "«Ak Jol Bereke» партиясы",
	 "⠦⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "Партия «Ak Jol Bereke»",
	 "⠏⠁⠗⠞⠊⠫⠀⠦⠨⠁⠅⠀⠚⠕⠇⠀⠃⠑⠗⠑⠅⠑⠴"},
	{"kk", "Партия Jana Qazaqstan",
	 "⠏⠁⠗⠞⠊⠫⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"ru", "Партия Jana Qazaqstan",
	 "⠏⠁⠗⠞⠊⠫⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"kk", "Jana Qazaqstan партиясы",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "Jana Qazaqstan партия",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠏⠁⠗⠞⠊⠫"},
	{"kk", "Smith-Jones",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎"},
	{"ru", "Smith-Jones",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎"},
	{"kk", "Smith-Jones Anna",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁"},
	{"ru", "Smith-Jones Anna",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁"},
	{"kk", "Smith-Jones Anna, өзін-өзі ұсынған",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁⠂⠣⠵⠽⠝⠤⠣⠵⠽⠀⠬⠎⠮⠝⠻⠁⠝"},
	{"ru", "Smith-Jones Anna, самовыдвижение",
	 "⠨⠎⠍⠊⠞⠓⠤⠚⠕⠝⠑⠎⠀⠁⠝⠝⠁⠂⠎⠁⠍⠕⠺⠮⠙⠺⠊⠚⠑⠝⠊⠑"},
	{"kk", "O'Brien Anna",
	 "⠨⠕⠄⠃⠗⠊⠑⠝⠀⠁⠝⠝⠁"},
	{"ru", "O'Brien Anna",
	 "⠨⠕⠄⠃⠗⠊⠑⠝⠀⠁⠝⠝⠁"},
	{"kk", "2 Jana Qazaqstan",
	 "⠼⠃⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"ru", "2 Jana Qazaqstan",
	 "⠼⠃⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"kk", "6. Jana Qazaqstan",
	 "⠼⠋⠲⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"ru", "6. Jana Qazaqstan",
	 "⠼⠋⠲⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝"},
	{"kk", "Jol 2 Jana",
	 "⠨⠚⠕⠇⠀⠼⠃⠀⠚⠁⠝⠁"},
	{"ru", "Jol 2 Jana",
	 "⠨⠚⠕⠇⠀⠼⠃⠀⠚⠁⠝⠁"},
	{"kk", "Ak Jol 2 партиясы",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠼⠃⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "Ak Jol 2 партия",
	 "⠨⠁⠅⠀⠚⠕⠇⠀⠼⠃⠀⠏⠁⠗⠞⠊⠫"},
	{"kk", "AMANAT-тың",
	 "⠨⠁⠍⠁⠝⠁⠞⠤⠞⠮⠩"},
	{"ru", "AMANAT-партия",
	 "⠨⠁⠍⠁⠝⠁⠞⠤⠏⠁⠗⠞⠊⠫"},
	{"kk", "Jana Qazaqstan қозғалысы",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠹⠕⠵⠻⠁⠇⠮⠎⠮"},
	{"ru", "Jana Qazaqstan, AMANAT",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠂⠁⠍⠁⠝⠁⠞"},
	{"kk", "Jana Qazaqstan, AMANAT",
	 "⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠂⠁⠍⠁⠝⠁⠞"},
	{"kk", "Jana, Qazaqstan партиясы",
	 "⠨⠚⠁⠝⠁⠂⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "Партия Jana, партия AMANAT",
	 "⠏⠁⠗⠞⠊⠫⠀⠨⠚⠁⠝⠁⠂⠏⠁⠗⠞⠊⠫⠀⠨⠁⠍⠁⠝⠁⠞"},
	{"kk", "Партия Jana, партия AMANAT",
	 "⠏⠁⠗⠞⠊⠫⠀⠨⠚⠁⠝⠁⠂⠏⠁⠗⠞⠊⠫⠀⠨⠁⠍⠁⠝⠁⠞"},
	{"ru", "Jana «Qazaqstan» партиясы",
	 "⠨⠚⠁⠝⠁⠀⠦⠟⠁⠵⠁⠟⠎⠞⠁⠝⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"kk", "Jana «Qazaqstan» партиясы",
	 "⠨⠚⠁⠝⠁⠀⠦⠟⠁⠵⠁⠟⠎⠞⠁⠝⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"ru", "2024 Jana Qazaqstan 2",
	 "⠼⠃⠚⠃⠙⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠼⠃"},
	{"kk", "2024 Jana Qazaqstan 2",
	 "⠼⠃⠚⠃⠙⠀⠨⠚⠁⠝⠁⠀⠟⠁⠵⠁⠟⠎⠞⠁⠝⠀⠼⠃"},
	{"kk", "Jana 2а мама",
	 "⠨⠚⠁⠝⠁⠀⠼⠃⠐⠁⠀⠍⠁⠍⠁"},
	{"ru", "Jana 2а мама",
	 "⠨⠚⠁⠝⠁⠀⠼⠃⠐⠁⠀⠍⠁⠍⠁"},
	{"kk", "Jol 2а",
	 "⠨⠚⠕⠇⠀⠼⠃⠐⠁"},
	{"ru", "Jol 2а",
	 "⠨⠚⠕⠇⠀⠼⠃⠐⠁"},
	/* a Cyrillic word whose first cell no Latin letter has closes the
	 * passage: the next word, of shared cells, is Cyrillic again */
	{"ru", "Jana ёлка мама",
	 "⠨⠚⠁⠝⠁⠀⠡⠇⠅⠁⠀⠍⠁⠍⠁"},
	{"kk", "Jana ұлт мен",
	 "⠨⠚⠁⠝⠁⠀⠬⠇⠞⠀⠍⠑⠝"},
	{"kk", "Anna, өзі мен",
	 "⠨⠁⠝⠝⠁⠂⠣⠵⠽⠀⠍⠑⠝"},
	{"ru", "Anna, шум мама",
	 "⠨⠁⠝⠝⠁⠂⠱⠥⠍⠀⠍⠁⠍⠁"},
	{"kk", "O'Brien партиясы",
	 "⠨⠕⠄⠃⠗⠊⠑⠝⠀⠏⠁⠗⠞⠊⠫⠎⠮"},
	{"kk", "AMANAT'тың мүшесі",
	 "⠨⠁⠍⠁⠝⠁⠞⠄⠞⠮⠩⠀⠍⠌⠱⠑⠎⠽"},
	{"ru", "Qazaqstan-2050 партия",
	 "⠨⠟⠁⠵⠁⠟⠎⠞⠁⠝⠤⠼⠃⠚⠑⠚⠀⠏⠁⠗⠞⠊⠫"},
	{"kk", "AMANAT'ұлы мен",
	 "⠨⠁⠍⠁⠝⠁⠞⠄⠬⠇⠮⠀⠍⠑⠝"},
};

/* liblouis, tests/braille-specs/ru.yaml: the literary tests for
 * ru-litbrl.ctb ("Without indication of capital letters"), then three
 * tests of its section for ru-litbrl-detailed.utb that hold no capital
 * letter, which ru-litbrl.ctb writes alike. Blanks written as ⠀. */
static const latin_case ru_spec[] = {
	{"ru", "Для работы таблицы необходим компонент Liblouis.",
	 "⠙⠇⠫⠀⠗⠁⠃⠕⠞⠮⠀⠞⠁⠃⠇⠊⠉⠮⠀⠝⠑⠕⠃⠓⠕⠙⠊⠍⠀⠅⠕⠍⠏⠕⠝⠑⠝⠞⠀⠨⠇⠊⠃⠇⠕⠥⠊⠎⠲"},
	{"ru", "Слово \"здравствуйте\" переводится на английский как \"hello\".",
	 "⠎⠇⠕⠺⠕⠀⠦⠵⠙⠗⠁⠺⠎⠞⠺⠥⠯⠞⠑⠴⠀⠏⠑⠗⠑⠺⠕⠙⠊⠞⠎⠫⠀⠝⠁⠀⠁⠝⠛⠇⠊⠯⠎⠅⠊⠯⠀⠅⠁⠅⠀⠦⠠⠓⠑⠇⠇⠕⠴⠲"},
	{"ru", "A, B, C, D...",
	 "⠨⠁⠂⠃⠂⠉⠂⠙⠲⠲⠲"},
	{"ru", "A, b",
	 "⠨⠁⠂⠃"},
	{"ru", "A; B; C; D...",
	 "⠨⠁⠆⠃⠆⠉⠆⠙⠲⠲⠲"},
	{"ru", "A; b",
	 "⠨⠁⠆⠃"},
	{"ru", "А, Б, В, Г...",
	 "⠁⠂⠃⠂⠺⠂⠛⠲⠲⠲"},
	{"ru", "А, б",
	 "⠁⠂⠃"},
	{"ru", "А; Б; В; Г...",
	 "⠁⠆⠃⠆⠺⠆⠛⠲⠲⠲"},
	{"ru", "А, 1",
	 "⠁⠂⠼⠁"},
	{"ru", "Съешь же ещё этих мягких французских булок, да выпей чаю.",
	 "⠎⠷⠑⠱⠾⠀⠚⠑⠀⠑⠭⠡⠀⠪⠞⠊⠓⠀⠍⠫⠛⠅⠊⠓⠀⠋⠗⠁⠝⠉⠥⠵⠎⠅⠊⠓⠀⠃⠥⠇⠕⠅⠂⠙⠁⠀⠺⠮⠏⠑⠯⠀⠟⠁⠳⠲"},
	{"ru", "В воскресенье мы были на ВДНХ.",
	 "⠺⠀⠺⠕⠎⠅⠗⠑⠎⠑⠝⠾⠑⠀⠍⠮⠀⠃⠮⠇⠊⠀⠝⠁⠀⠺⠙⠝⠓⠲"},
	{"ru", "Москва - столица России.",
	 "⠍⠕⠎⠅⠺⠁⠤⠀⠎⠞⠕⠇⠊⠉⠁⠀⠗⠕⠎⠎⠊⠊⠲"},
	{"ru", "«Далече ли до крепости?» – спросил я у своего ямщика.",
	 "⠦⠙⠁⠇⠑⠟⠑⠀⠇⠊⠀⠙⠕⠀⠅⠗⠑⠏⠕⠎⠞⠊⠢⠴⠤⠀⠎⠏⠗⠕⠎⠊⠇⠀⠫⠀⠥⠀⠎⠺⠕⠑⠛⠕⠀⠫⠍⠭⠊⠅⠁⠲"},
	/* ru-litbrl-detailed.utb's section, no capitals */
	{"ru", "1, 1, 2, 3, 5, 8...",
	 "⠼⠁⠠⠂⠼⠁⠠⠂⠼⠃⠠⠂⠼⠉⠠⠂⠼⠑⠠⠂⠼⠓⠠⠲⠲⠲"},
	{"ru", "2,5 + 3,7 = 6,2.",
	 "⠼⠃⠂⠑⠀⠖⠼⠉⠂⠛⠀⠶⠼⠋⠂⠃⠠⠲"},
	{"ru", "0:24 07.03.2021",
	 "⠼⠚⠒⠼⠃⠙⠀⠼⠚⠛⠲⠼⠚⠉⠲⠼⠃⠚⠃⠁"},
};

/* liblouis, tests/braille-specs/kk.yaml: the tests for kk.utb. */
static const latin_case kk_spec[] = {
	{"kk", "Барлық адамдар тумасынан азат және қадір-қасиеті мен құқықтары тең болып дүниеге келеді. Адамдарға ақыл-парасат, ар-ождан берілген, сондықтан олар бір-бірімен туыстық, бауырмалдық қарым-қатынас жасаулары тиіс.",
	 "⠃⠁⠗⠇⠮⠹⠀⠁⠙⠁⠍⠙⠁⠗⠀⠞⠥⠍⠁⠎⠮⠝⠁⠝⠀⠁⠵⠁⠞⠀⠚⠜⠝⠑⠀⠹⠁⠙⠽⠗⠤⠹⠁⠎⠊⠑⠞⠽⠀⠍⠑⠝⠀⠹⠬⠹⠮⠹⠞⠁⠗⠮⠀⠞⠑⠩⠀⠃⠕⠇⠮⠏⠀⠙⠌⠝⠊⠑⠛⠑⠀⠅⠑⠇⠑⠙⠽⠲⠀⠁⠙⠁⠍⠙⠁⠗⠻⠁⠀⠁⠹⠮⠇⠤⠏⠁⠗⠁⠎⠁⠞⠂⠁⠗⠤⠕⠚⠙⠁⠝⠀⠃⠑⠗⠽⠇⠛⠑⠝⠂⠎⠕⠝⠙⠮⠹⠞⠁⠝⠀⠕⠇⠁⠗⠀⠃⠽⠗⠤⠃⠽⠗⠽⠍⠑⠝⠀⠞⠥⠮⠎⠞⠮⠹⠂⠃⠁⠥⠮⠗⠍⠁⠇⠙⠮⠹⠀⠹⠁⠗⠮⠍⠤⠹⠁⠞⠮⠝⠁⠎⠀⠚⠁⠎⠁⠥⠇⠁⠗⠮⠀⠞⠊⠽⠎⠲"},
	{"kk", "123,5+46=169,5",
	 "⠼⠁⠃⠉⠂⠑⠀⠖⠼⠙⠋⠀⠶⠼⠁⠋⠊⠂⠑"},
	{"kk", "1, 3, 5, 7, 11, 13, 17, 19, 23",
	 "⠼⠁⠠⠂⠼⠉⠠⠂⠼⠑⠠⠂⠼⠛⠠⠂⠼⠁⠁⠠⠂⠼⠁⠉⠠⠂⠼⠁⠛⠠⠂⠼⠁⠊⠠⠂⠼⠃⠉"},
	{"kk", "Тынық мұхиттың оңтүстік тарабындағы Самоа архипелагінің (шоқ аралының) батыс аралдарында орналасқан.",
	 "⠞⠮⠝⠮⠹⠀⠍⠬⠓⠊⠞⠞⠮⠩⠀⠕⠩⠞⠌⠎⠞⠽⠅⠀⠞⠁⠗⠁⠃⠮⠝⠙⠁⠻⠮⠀⠎⠁⠍⠕⠁⠀⠁⠗⠓⠊⠏⠑⠇⠁⠛⠽⠝⠽⠩⠀⠶⠱⠕⠹⠀⠁⠗⠁⠇⠮⠝⠮⠩⠶⠀⠃⠁⠞⠮⠎⠀⠁⠗⠁⠇⠙⠁⠗⠮⠝⠙⠁⠀⠕⠗⠝⠁⠇⠁⠎⠹⠁⠝⠲"},
};

/* kk.yaml too, but the parentheses around numbers are written ⠣ ⠜, the
 * cells of the Kazakh letters ө and ә, and read back as those: outside
 * the Latin rule, and verify's lists have no such text. */
static const latin_case kk_spec_cells_only[] = {
	{"kk", "(1 + 2 + 3) + 4 = 10",
	 "⠣⠼⠁⠀⠖⠼⠃⠀⠖⠼⠉⠜⠀⠖⠼⠙⠀⠶⠼⠁⠚"},
	{"kk", "1)",
	 "⠼⠁⠜"},
};

/* Cells two texts share. In an open Latin passage a word made only of
 * cells that Latin letters also have is read as Latin (docs/braille.md):
 * the Cyrillic words here are misread, and verify rejects a kit that
 * holds one (its list does not read back as the definition). */
static const latin_case shared[] = {
	/* ru.yaml, ru-litbrl.ctb: "из" and "по" are ⠊⠵ and ⠏⠕, "iz" and "po" */
	{"ru", "c ИЗ n ПО m",
	 "⠠⠉⠀⠊⠵⠀⠠⠝⠀⠏⠕⠀⠠⠍"},
	/* a Cyrillic word of shared cells after a Latin name */
	{"ru", "Jana мама",
	 "⠨⠚⠁⠝⠁⠀⠍⠁⠍⠁"},
	/* ә and і are the cells of the Latin ä and y */
	{"kk", "Jana әлемі",
	 "⠨⠚⠁⠝⠁⠀⠜⠇⠑⠍⠽"},
};
static const char *const shared_reading[] = {"c iz n po m", "jana mama", "jana älemy"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_braille_open(&br, NULL, tpl, NULL) != BK_OK) {
		printf("Bail out! templates or braille tables not found\n");
		return 1;
	}
	for (size_t i = 0; i < COUNT(names); i++)
		check(&names[i]);
	for (size_t i = 0; i < COUNT(ru_spec); i++)
		check(&ru_spec[i]);
	for (size_t i = 0; i < COUNT(kk_spec); i++)
		check(&kk_spec[i]);
	for (size_t i = 0; i < COUNT(kk_spec_cells_only); i++)
		cells_only(&kk_spec_cells_only[i], "ө ә are the parentheses");
	for (size_t i = 0; i < COUNT(shared); i++)
		ambiguous(&shared[i], shared_reading[i]);

	/* The read-back of one passage cut in two, as verify reads a list
	 * position wrapped over two lines: the second line alone starts in
	 * Cyrillic, the cells joined read as the text. */
	static const unsigned char whole[] = {
		0x28, 0x1A, 0x01, 0x1D, 0x01, 0x00, /* ⠨⠚⠁⠝⠁⠀ Jana */
		0x1F, 0x01, 0x35, 0x01, 0x1F, 0x0E, 0x1E, 0x01, 0x1D}; /* qazaqstan */
	char *a = NULL, *b = NULL, fa[256], fb[256];
	bk_braille_back(br, "kk", whole, sizeof whole, &a, NULL);
	bk_braille_back(br, "kk", whole + 6, sizeof whole - 6, &b, NULL);
	fold(a ? a : "", fa, sizeof fa);
	fold(b ? b : "", fb, sizeof fb);
	TAP_STREQ(fa, "janaqazaqstan", "a passage read whole: \"%s\"", a ? a : "");
	TAP_STREQ(fb, "чазачстан",
	          "its second word alone has no indicator and reads as Cyrillic");
	bk_free(a);
	bk_free(b);

	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
