/* Braille cells checked against the published tables, written here by
 * hand (../shared/reference/braille.md), never against liblouis itself:
 * every Russian and Kazakh letter in both cases, the digits and the number
 * sign, «», №, hyphenated names, Latin-script party names; refusals of an
 * undefined character, a Kazakh letter in Russian text and a mixed-script
 * word; and reading back. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "braille/braille-private.h"

static bk_braille *br;

/* Translates text and compares with the expected Unicode braille. */
static void expect(const char *lang, const char *text, const char *want)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_braille_translate(br, lang, text, "test", &cells, &n, d);
	char *got = st == BK_OK ? bk_braille_unicode(cells, n) : NULL;
	TAP_STREQ(got, want, "%s \"%s\"", lang, text);
	if (st != BK_OK && bk_diags_count(d))
		printf("# %s\n", bk_diag_message(bk_diags_get(d, 0)));
	bk_free(got);
	bk_free(cells);
	bk_diags_free(d);
}

static void refused(const char *lang, const char *text, const char *says)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_braille_translate(br, lang, text, "$.parties[0].name.ru",
	                                    &cells, &n, d);
	const bk_diag *x = bk_diags_get(d, 0);
	TAP_OK(st == BK_ERR_INVALID && !cells && x &&
	       !strcmp(bk_diag_kind(x), "unbrailleable") &&
	       strstr(bk_diag_message(x), says) && strstr(bk_diag_message(x), text) &&
	       !strcmp(bk_diag_path(x), "$.parties[0].name.ru"),
	       "%s \"%s\" refused, naming %s, the text and the field", lang, text, says);
	if (x)
		printf("# %s\n", bk_diag_message(x));
	bk_diags_free(d);
}

static void back(const char *lang, const char *text, const char *want)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	char *got = NULL;
	bk_braille_translate(br, lang, text, NULL, &cells, &n, NULL);
	TAP_OK(cells && bk_braille_back(br, lang, cells, n, &got, NULL) == BK_OK,
	       "%s \"%s\" reads back", lang, text);
	TAP_STREQ(got, want, "%s \"%s\" reads back as \"%s\"", lang, text, want);
	bk_free(got);
	bk_free(cells);
}

int main(void)
{
	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_braille_open(&br, NULL, tpl, NULL) != BK_OK) {
		printf("Bail out! templates or braille tables not found\n");
		return 1;
	}
	/* The Russian alphabet, as published (both cases: same cells, no
	 * capital sign in the plain tables). */
	static const char ru_lower[] = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
	static const char ru_upper[] = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";
	static const char ru_cells[] =
		"⠁⠃⠺⠛⠙⠑⠡⠚⠵⠊⠯⠅⠇⠍⠝⠕⠏⠗⠎⠞⠥⠋⠓⠉⠟⠱⠭⠷⠮⠾⠪⠳⠫";
	static const char kk_lower[] = "әғқңөұүһі";
	static const char kk_upper[] = "ӘҒҚҢӨҰҮҺІ";
	static const char kk_cells[] = "⠜⠻⠹⠩⠣⠬⠌⠧⠽";
	expect("ru", ru_lower, ru_cells);
	expect("ru", ru_upper, ru_cells);
	expect("kk", ru_lower, ru_cells);
	expect("kk", ru_upper, ru_cells);
	expect("kk", kk_lower, kk_cells);
	expect("kk", kk_upper, kk_cells);
	expect("kk", "1234567890", "⠼⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚");
	expect("ru", "1234567890", "⠼⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚");
	expect("kk", "№ 5", "⠝⠼⠑");
	expect("ru", "№ 5", "⠝⠼⠑");
	expect("kk", "Жұмабеков Дәурен", "⠚⠬⠍⠁⠃⠑⠅⠕⠺⠀⠙⠜⠥⠗⠑⠝");
	expect("ru", "Жумабеков Даурен", "⠚⠥⠍⠁⠃⠑⠅⠕⠺⠀⠙⠁⠥⠗⠑⠝");
	expect("kk", "Сәрсен-Ұлы", "⠎⠜⠗⠎⠑⠝⠤⠬⠇⠮");
	expect("kk", "Барлығына қарсы", "⠃⠁⠗⠇⠮⠻⠮⠝⠁⠀⠹⠁⠗⠎⠮");
	expect("ru", "Против всех", "⠏⠗⠕⠞⠊⠺⠀⠺⠎⠑⠓");
	/* «» are ⠦ … ⠴; a Latin capital takes ⠨, and AMANAT and Amanat give
	 * the same cells. */
	expect("kk", "«AMANAT» партиясы", "⠦⠨⠁⠍⠁⠝⠁⠞⠴⠀⠏⠁⠗⠞⠊⠫⠎⠮");
	expect("ru", "Партия «Respublica»", "⠏⠁⠗⠞⠊⠫⠀⠦⠨⠗⠑⠎⠏⠥⠃⠇⠊⠉⠁⠴");

	refused("ru", "Нұрлан", "the Kazakh letter \"ұ\"");
	refused("ru", "Сәрсенбаев", "the Kazakh letter \"ә\"");
	refused("kk", "Әбiлов", "mixes Latin and Cyrillic");
	refused("kk", "Номер \xF0\x9F\x97\xB3", "no 6-dot cell for");

	back("kk", "Жұмабеков Дәурен", "жұмабеков дәурен");
	back("kk", "ӘҒҚҢӨҰҮҺІ әғқңөұүһі", "әғқңөұүһі әғқңөұүһі");
	back("kk", "Барлығына қарсы", "барлығына қарсы");
	back("ru", "Против всех", "против всех");
	back("ru", "Жумабеков Даурен, 1975", "жумабеков даурен, 1975");

	/* The truncation guard: liblouis reports success with a cut result
	 * when its output buffer is too small. With a buffer of half the
	 * text and no retries, the call must fail, not return a prefix. */
	bki_braille_test_buffers(0, 8, 0);
	unsigned char *cells = NULL;
	size_t ncells = 0;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_braille_translate(br, "ru", "Против всех кандидатов", "t",
	                                    &cells, &ncells, d);
	TAP_OK(st == BK_ERR_INVALID && !cells &&
	       strstr(bk_diag_message(bk_diags_get(d, 0)), "only part"),
	       "a too small output buffer is an error, never a cut result");
	bk_diags_free(d);
	/* With retries the same small start gives the whole text. */
	bki_braille_test_buffers(0, 8, 4);
	expect("ru", "Против всех кандидатов", "⠏⠗⠕⠞⠊⠺⠀⠺⠎⠑⠓⠀⠅⠁⠝⠙⠊⠙⠁⠞⠕⠺");
	bki_braille_test_buffers(4, 64, 4);

	TAP_STREQ(bk_braille_table(br, "kk"), "kk.utb", "Kazakh table");
	TAP_STREQ(bk_braille_table(br, "ru"), "ru-litbrl.ctb", "Russian table (no capital signs)");
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
