/* The ballot script through the public API: numbering, against all,
 * withdrawn positions, Russian plural agreement, the stencil's braille
 * title, and that building a script twice gives the same text. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static bk_templates *tpl;

/* A definition with one single-mandate ballot of n candidates, all of
 * the same name (born in different years: told apart by them). */
static char *definition(int n, int against_all, int withdrawn)
{
	size_t cap = 4096 + (size_t)n * 400;
	char *s = malloc(cap);
	size_t len = 0;
	len += (size_t)snprintf(s + len, cap - len,
		"{\"format\": \"ballotkit/1\","
		"\"election\": {\"id\": \"e\", \"date\": \"2023-03-19\","
		" \"name\": {\"kk\": \"Сайлау\", \"ru\": \"Выборы\"},"
		" \"languages\": [\"kk\", \"ru\"]},"
		"\"districts\": [{\"id\": \"d\", \"kind\": \"mazhilis\", \"number\": 4,"
		" \"name\": {\"kk\": \"Округ\", \"ru\": \"Округ\"}}],"
		"\"parties\": [{\"id\": \"p\", \"name\": {\"kk\": \"Партия\", \"ru\": \"Партия\"}}],"
		"\"candidates\": [");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
			"%s{\"id\": \"c%03d\", \"surname\": {\"kk\": \"Ахметов\"},"
			" \"given_name\": {\"kk\": \"Әлі\"}, \"birth_year\": %d,"
			" %s%s}", i ? "," : "", i, 1900 + i,
			i % 2 ? "\"self_nominated\": true" : "\"party\": \"p\"",
			i == withdrawn ? ", \"status\": \"withdrawn\"" : "");
	len += (size_t)snprintf(s + len, cap - len,
		"], \"ballots\": [{\"id\": \"b\", \"body\": \"mazhilis\","
		" \"kind\": \"single-mandate\", \"district\": \"d\", \"against_all\": %s,"
		" \"options\": [", against_all ? "true" : "false");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s\"c%03d\"", i ? "," : "", i);
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

static bk_election *load(const char *text)
{
	bk_election *e = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_election_load_buffer(&e, text, strlen(text), "mem.json", tpl, d);
	if (st != BK_OK)
		for (size_t i = 0; i < bk_diags_count(d); i++)
			printf("# %s\n", bk_diag_message(bk_diags_get(d, i)));
	bk_diags_free(d);
	return e;
}

static void check_plural(int n, const char *word)
{
	char *text = definition(n - 1, 1, -1);
	bk_election *e = load(text);
	TAP_OK(e != NULL, "definition with %d positions loads", n);
	if (e) {
		bk_script *s = NULL;
		TAP_OK(bk_script_create(&s, e, "b", "ru", tpl, NULL) == BK_OK, "ru script of %d", n);
		char want[64];
		snprintf(want, sizeof want, " %d %s,", n, word);
		const char *intro = s ? bk_script_segment_text(s, 1) : "";
		TAP_OK(strstr(intro, want) != NULL, "Russian intro says \"%s\"", want + 1);
		if (!strstr(intro, want))
			printf("# intro: %s\n", intro);
		bk_script_free(s);
	}
	bk_election_free(e);
	free(text);
}

int main(void)
{
	bk_diags *diags = bk_diags_create();
	if (bk_templates_open(&tpl, NULL, diags) != BK_OK) {
		printf("Bail out! templates not found\n");
		return 1;
	}
	bk_diags_free(diags);

	/* 1 вариант, 2–4 варианта, 5–20 вариантов, 21 вариант, 22 варианта
	 * (a masculine word: the voice reads 1 and 2 in the masculine). */
	check_plural(2, "варианта");
	check_plural(5, "вариантов");
	check_plural(11, "вариантов");
	check_plural(12, "вариантов");
	check_plural(21, "вариант");
	check_plural(22, "варианта");

	/* Numbering, against all, withdrawn, and no against all. */
	char *text = definition(5, 1, 2);
	bk_election *e = load(text);
	bk_script *s = NULL;
	TAP_OK(e && bk_script_create(&s, e, "b", "kk", tpl, NULL) == BK_OK, "kk script");
	if (s) {
		TAP_OK(bk_script_position_count(s) == 6, "5 candidates + against all = 6 positions");
		int numbers_ok = 1;
		for (size_t i = 0; i < 6; i++)
			numbers_ok &= bk_script_position_number(s, i) == i + 1 &&
			              bk_script_position_box(s, i) == i &&
			              bk_script_position_sheet(s, i) == 0;
		TAP_OK(numbers_ok, "numbers 1..6, boxes 1..6 on sheet 1");
		TAP_OK(bk_script_position_kind(s, 5) == BK_POSITION_AGAINST_ALL, "last is against all");
		TAP_STREQ(bk_script_position_text(s, 5), "Барлығына қарсы", "against all in Kazakh");
		TAP_OK(bk_script_position_status(s, 2) == BK_STATUS_WITHDRAWN &&
		       bk_script_position_status(s, 1) == BK_STATUS_STANDING, "only the withdrawn one is marked");
		TAP_OK(strstr(bk_script_position_spoken(s, 2), "алынып тасталды") != NULL,
		       "the audio says the candidate withdrew");
		TAP_STREQ(bk_script_position_nominator(s, 1), "Өзін-өзі ұсынған", "self-nominated label");
		TAP_STREQ(bk_script_position_nominator(s, 0), "Ұсынған: Партия", "nominated by the party");
		TAP_STREQ(bk_script_braille_title(s), "Мәжіліс, бір мандатты округ № 4", "braille title");
		TAP_STREQ(bk_script_position_text(s, 0), "Ахметов Әлі", "printed name surname + given name");
		bk_script *r = NULL;
		TAP_OK(bk_script_create(&r, e, "b", "ru", tpl, NULL) == BK_OK, "ru script");
		TAP_STREQ(bk_script_position_text(r, 3), "Ахметов Али", "Russian spelling derived (ә → а, і → и)");
		TAP_STREQ(bk_script_position_text(r, 5), "Против всех", "against all in Russian");
		bk_script_free(r);
		/* Same input, same output. */
		char *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
		bk_script *s2 = NULL;
		bk_script_create(&s2, e, "b", "kk", tpl, NULL);
		bk_script_write(s, "json", fa);
		bk_script_write(s2, "json", fb);
		fclose(fa);
		fclose(fb);
		TAP_OK(na > 0 && na == nb && !memcmp(a, b, na), "the same script twice gives the same bytes");
		free(a);
		free(b);
		bk_script_free(s2);
	}
	bk_script_free(s);
	s = NULL;
	TAP_OK(bk_script_create(&s, e, "nope", "kk", tpl, NULL) == BK_ERR_NOTFOUND, "unknown ballot: not found");
	TAP_OK(bk_script_create(&s, e, "b", "en", tpl, NULL) == BK_ERR_NOTFOUND, "unknown language: not found");
	bk_script_free(s);
	bk_election_free(e);
	free(text);

	text = definition(3, 0, -1);
	e = load(text);
	s = NULL;
	TAP_OK(e && bk_script_create(&s, e, "b", "ru", tpl, NULL) == BK_OK, "ballot without against all");
	TAP_OK(s && bk_script_position_count(s) == 3 &&
	       bk_script_position_kind(s, 2) == BK_POSITION_CANDIDATE, "3 positions, no against all");
	TAP_OK(s && strstr(bk_script_segment_text(s, 1), " 3 варианта.") &&
	       !strstr(bk_script_segment_text(s, 1), "Против всех"),
	       "its intro counts 3 positions and does not promise against all");
	bk_script_free(s);
	bk_election_free(e);
	free(text);

	/* The stencil's braille title is in the election's first language. */
	text = definition(3, 1, -1);
	char *swap = strstr(text, "[\"kk\", \"ru\"]");
	if (swap)
		memcpy(swap, "[\"ru\", \"kk\"]", 12);
	e = load(text);
	s = NULL;
	TAP_OK(swap && e && bk_script_create(&s, e, "b", "kk", tpl, NULL) == BK_OK,
	       "an election listing Russian first");
	TAP_STREQ(s ? bk_script_braille_title_language(s) : NULL, "ru",
	          "its stencil braille title is Russian");
	TAP_STREQ(s ? bk_script_braille_title(s) : NULL, "Мажилис, одномандатный округ № 4",
	          "from the Russian print wording");
	bk_script_free(s);
	bk_election_free(e);
	free(text);

	/* 70 candidates: more than one A4 sheet holds, so the validator picks
	 * the continuation template and numbering runs on onto sheet 2. */
	text = definition(70, 1, -1);
	e = load(text);
	s = NULL;
	TAP_OK(e && bk_script_create(&s, e, "b", "kk", tpl, NULL) == BK_OK, "script of 71 positions");
	if (s) {
		TAP_STREQ(bk_script_template(s), "a4-two-columns-continued",
		          "the smallest template that holds 71 positions");
		TAP_OK(bk_script_position_sheet(s, 61) == 0 && bk_script_position_box(s, 61) == 61,
		       "position 62 is the last box of sheet 1");
		TAP_OK(bk_script_position_sheet(s, 62) == 1 && bk_script_position_box(s, 62) == 0 &&
		       bk_script_position_number(s, 62) == 63,
		       "position 63 is the first box of sheet 2, numbering unbroken");
		TAP_OK(bk_script_position_kind(s, 70) == BK_POSITION_AGAINST_ALL &&
		       bk_script_position_sheet(s, 70) == 1 && bk_script_position_box(s, 70) == 8,
		       "against all is position 71, sheet 2 box 9");
	}
	bk_script_free(s);
	bk_election_free(e);
	free(text);

	/* Free functions accept NULL; version agrees with the headers. */
	bk_script_free(NULL);
	bk_election_free(NULL);
	bk_templates_free(NULL);
	bk_diags_free(NULL);
	TAP_STREQ(bk_version(), BK_VERSION_STRING, "run-time version equals the header's");
	TAP_OK(BK_VERSION_CHECK(0, 1, 0) && !BK_VERSION_CHECK(99, 0, 0), "BK_VERSION_CHECK");
	bk_templates_free(tpl);
	return tap_done();
}
