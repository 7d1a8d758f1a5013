/* Diagnostics are located by line, column (in characters) and path even
 * for escaped keys, odd keys, a byte-order mark, wide characters and
 * duplicate keys jansson would merge. */
#include <ballotkit.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static bk_templates *tpl;

static const char head[] =
	"{\"format\": \"ballotkit/1\",\n"
	" \"election\": {\"id\": \"e\", \"date\": \"2023-03-19\", "
	"\"name\": {\"kk\": \"С\", \"ru\": \"В\"}, \"languages\": [\"kk\", \"ru\"]},\n"
	" \"districts\": [], \"ballots\": []";

/* Loads head + tail and expects exactly one diagnostic of kind at
 * line:col with path. */
static void expect(const char *prefix, const char *tail, const char *kind,
                   unsigned long line, unsigned long col, const char *path,
                   const char *what)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s%s%s", prefix, head, tail);
	bk_diags *d = bk_diags_create();
	bk_election *e = NULL;
	bk_status st = bk_election_load_buffer(&e, buf, strlen(buf), "t.json", tpl, d);
	int found = 0;
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const bk_diag *x = bk_diags_get(d, i);
		if (!strcmp(bk_diag_kind(x), kind) && bk_diag_line(x) == line &&
		    bk_diag_column(x) == col && !strcmp(bk_diag_path(x), path) &&
		    !strcmp(bk_diag_file(x), "t.json"))
			found = 1;
		else
			printf("# other: %s %lu:%lu %s %s\n", bk_diag_kind(x),
			       bk_diag_line(x), bk_diag_column(x), bk_diag_path(x),
			       bk_diag_message(x));
	}
	TAP_OK(found && bk_diags_count(d) == 1 && st == BK_ERR_INVALID && !e,
	       "%s: %s at %lu:%lu %s", what, kind, line, col, path);
	bk_election_free(e);
	bk_diags_free(d);
}

int main(void)
{
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK) {
		printf("Bail out! templates not found\n");
		return 1;
	}
	expect("", ", \"we ird\": 1}", "unknown-field", 3, 34, "$[\"we ird\"]",
	       "a key that is not an identifier");
	expect("", ", \"x\\u0041\": 1}", "unknown-field", 3, 34, "$.xA",
	       "an escaped key is decoded");
	expect("", ", \"production\": {\"speech\": {\"r\\u0061te\": \"fast\"}}}",
	       "wrong-type", 3, 73, "$.production.speech.rate",
	       "a value under an escaped key");
	expect("\xEF\xBB\xBF", ", \"x\": 1}", "unknown-field", 3, 34, "$.x",
	       "a byte-order mark does not count");
	expect("", ", \"parties\": [{\"id\": \"p\", \"name\": {\"kk\": \"Қазақ\", \"ru\": \"Ж\", \"kk\": \"Ә\"}}]}",
	       "duplicate-key", 3, 93, "$.parties[0].name.kk",
	       "a duplicate key, after wide characters");
	expect("", ",\n \"parties\": [{\"id\": \"p\", \"name\": {\"kk\": \"Әже\", \"ru\": \"ЖжеЖ\"}, \"x\": 2}]}",
	       "unknown-field", 4, 63, "$.parties[0].x",
	       "columns count characters, not bytes");
	expect("", ", \"parties\": [{\"id\": \"p\", \"name\": {\"kk\": \"a\\u0436\", \"ru\": \"Ж\"}}]}",
	       "mixed-script", 3, 73, "$.parties[0].name.kk",
	       "an escaped Cyrillic letter inside a Latin word");
	expect("", ", \"x\": [1, 2", "syntax", 3, 43, "$", "unterminated list (the last character read)");
	expect("", ", \"x\": \"\xC3\x28\"}", "utf8", 3, 40, "$", "invalid UTF-8");

	bk_diags *d = bk_diags_create();
	bk_election *e = NULL;
	TAP_OK(bk_election_load(&e, "/nonexistent.json", tpl, d) == BK_ERR_IO &&
	       bk_diags_count(d) == 1 && !strcmp(bk_diag_file(bk_diags_get(d, 0)), "/nonexistent.json"),
	       "an unreadable file: BK_ERR_IO naming the file");
	bk_diags_free(d);
	TAP_OK(bk_election_load_buffer(&e, "", 0, "empty", tpl, NULL) == BK_ERR_INVALID,
	       "an empty file is invalid, diagnostics may be NULL");
	/* a caller's mistake is BK_ERR_USAGE with a "usage" diagnostic that
	 * says which argument */
	d = bk_diags_create();
	e = (bk_election *)d; /* not NULL: the call must reset it */
	TAP_OK(bk_election_load(&e, NULL, tpl, d) == BK_ERR_USAGE && !e &&
	       bk_diags_count(d) == 1 &&
	       !strcmp(bk_diag_kind(bk_diags_get(d, 0)), "usage") &&
	       strstr(bk_diag_message(bk_diags_get(d, 0)), "path"),
	       "no path: BK_ERR_USAGE, said in a usage diagnostic");
	bk_diags_free(d);
	d = bk_diags_create();
	TAP_OK(bk_election_load_buffer(&e, NULL, 3, "x", tpl, d) == BK_ERR_USAGE &&
	       bk_diags_count(d) == 1 &&
	       strstr(bk_diag_message(bk_diags_get(d, 0)), "data is NULL"),
	       "no data but a size: BK_ERR_USAGE, said in a usage diagnostic");
	bk_diags_free(d);
	d = bk_diags_create();
	TAP_OK(bk_election_admit(&e, NULL, tpl, NULL, d) == BK_ERR_USAGE &&
	       bk_diags_count(d) == 1 &&
	       strstr(bk_diag_message(bk_diags_get(d, 0)), "path"),
	       "admission without a path: BK_ERR_USAGE, said in a usage diagnostic");
	bk_diags_free(d);
	/* A program that runs under ru_RU.UTF-8 (decimal comma) still gets
	 * numbers in messages with a decimal point. */
	int switched = setlocale(LC_ALL, "ru_RU.UTF-8") != NULL &&
	               !strcmp(localeconv()->decimal_point, ",");
	TAP_OK(switched, "the test runs under ru_RU.UTF-8 with a decimal comma");
	static const char doc[] =
		"{\"format\": \"ballotkit/1\","
		" \"election\": {\"id\": \"e\", \"date\": \"2023-03-19\","
		" \"name\": {\"kk\": \"С\", \"ru\": \"В\"}, \"languages\": [\"kk\", \"ru\"]},"
		" \"districts\": [{\"id\": \"d\", \"kind\": \"nationwide\", \"name\": {\"kk\": \"О\", \"ru\": \"О\"}}],"
		" \"parties\": [{\"id\": \"p\", \"name\": {\"kk\": \"П\", \"ru\": \"П\"}}],"
		" \"ballots\": [{\"id\": \"b\", \"body\": \"mazhilis\", \"kind\": \"party-list\","
		" \"district\": \"d\", \"options\": [\"p\"],"
		" \"paper\": {\"overrides\": {\"offset_x\": 25.5}}}]}";
	bk_diags *dd = bk_diags_create();
	bk_election *ee = NULL;
	bk_election_load_buffer(&ee, doc, sizeof doc - 1, "ru.json", tpl, dd);
	const char *msg = bk_diags_count(dd) ? bk_diag_message(bk_diags_get(dd, 0)) : "";
	TAP_OK(strstr(msg, "25.5 mm") && !strstr(msg, "25,5"),
	       "under ru_RU the message says 25.5 mm (%s)", msg);
	bk_diags_free(dd);
	bk_election_free(ee);
	setlocale(LC_ALL, "C");
	bk_templates_free(tpl);
	return tap_done();
}
