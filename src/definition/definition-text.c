/* Texts of a definition: the characters a text may hold, its length,
 * its script, and a text per language (docs/ballot-format.md, "Text" and
 * "Lengths"; docs/validation-rules.md). See definition-load.h for the
 * loader's steps. */
#include "definition/definition-load.h"

#include <string.h>
#include <utf8proc.h>

#include "json/jcheck.h"

/* Lengths, in characters (code points after NFC), docs/ballot-format.md:
 * a name part, any other one-line text, a leaflet. */
enum { CAP_NAME_PART = 200, CAP_LINE = 500, CAP_LEAFLET = 20000 };

/* Why cp may not stand in a text (a leaflet may hold line breaks), or
 * NULL. Format and control characters are invisible: print, braille and
 * speech would each show something else; private-use characters depend
 * on a font; noncharacters and unassigned code points have no meaning. */
static const char *bad_char(uint32_t cp, bool leaflet)
{
	if (cp == '\n')
		return leaflet ? NULL : "a line break";
	if (cp == '\r')
		return leaflet ? "a carriage return (write a line break as \\n "
		                 "alone)" : "a carriage return (a line break)";
	if (cp == '\t')
		return "a tab";
	if (cp == 0x85)
		return "a next-line control character";
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return "a bidirectional control character";
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060)
		return "a zero-width character";
	if (cp == 0xFEFF)
		return "a zero-width no-break space (a byte-order mark)";
	if (cp == 0x00AD)
		return "a soft hyphen";
	if (cp == 0x2028)
		return "a line separator";
	if (cp == 0x2029)
		return "a paragraph separator";
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return "a noncharacter";
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_CC: return "a control character";
	case UTF8PROC_CATEGORY_CF: return "an invisible format character";
	case UTF8PROC_CATEGORY_CO: return "a private-use character";
	case UTF8PROC_CATEGORY_CS: return "a surrogate";
	case UTF8PROC_CATEGORY_CN: return "a code point Unicode has not assigned";
	default: return NULL;
	}
}

/* Reports the first character of s that may not stand in a text. */
static bool check_chars(def_ctx *c, const char *s, bool leaflet, const char *what)
{
	size_t n = strlen(s), bad = 0;
	uint32_t first = 0;
	const char *why = NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(s + i, n - i, &cp);
		if (!k)
			break; /* the document is valid UTF-8 */
		const char *w = bad_char(cp, leaflet);
		if (w && !bad++) {
			first = cp;
			why = w;
		}
		i += k;
	}
	if (!bad)
		return true;
	bki_buf more = {0};
	if (bad > 1)
		bki_buf_printf(&more, " (and %zu more such characters)", bad - 1);
	jdoc_report(c->d, BK_ERROR, "bad-character", false,
	            "%s has U+%04X, %s%s: print, braille and speech cannot "
	            "show it alike; remove it", what, (unsigned)first, why,
	            bki_buf_str(&more));
	bki_buf_free(&more);
	return false;
}

/* Checks a text value at the current path: at most cap characters. */
static bool check_string(def_ctx *c, json_t *v, const char *what, size_t cap)
{
	if (!jc_type(c->d, v, JSON_STRING, what))
		return false;
	const char *s = json_string_value(v);
	if (bki_str_blank(s)) {
		jdoc_report(c->d, BK_ERROR, "empty-text", false,
		            "%s is empty; write the text", what);
		return false;
	}
	if (!check_chars(c, s, cap == CAP_LEAFLET, what))
		return false;
	size_t len = bki_utf8_count(s, strlen(s));
	if (len > cap) {
		jdoc_report(c->d, BK_ERROR, "too-long", false,
		            "%s is %zu characters long; at most %zu are allowed "
		            "(docs/ballot-format.md, \"Lengths\")", what, len,
		            cap);
		return false;
	}
	const char *w;
	size_t wn;
	if (bki_utf8_mixed_word(s, &w, &wn)) {
		jdoc_report(c->d, BK_ERROR, "mixed-script", false,
		            "the word \"%.*s\" in %s mixes Latin and Cyrillic "
		            "letters (a Latin letter typed for a Cyrillic one?); "
		            "braille and speech would be wrong",
		            (int)wn, w, what);
		return false;
	}
	return true;
}

/* A Russian text must not contain Kazakh-specific letters: the Russian
 * braille table cannot write them and the Russian voice spells them. */
static bool russian_ok(def_ctx *c, const char *s, const char *what)
{
	size_t n = strlen(s), i = 0, k;
	uint32_t cp;
	/* a byte that is not UTF-8 ends the walk: the encoding check reports it */
	while ((k = bki_utf8_next(s, n, &i, &cp))) {
		if (bki_templates_kk_specific(c->tpl, cp)) {
			jdoc_report(c->d, BK_ERROR, "kazakh-letter-in-russian", false,
			            "the Russian text of %s, \"%s\", has the Kazakh "
			            "letter \"%.*s\"; Russian braille and the Russian "
			            "voice cannot say it: write the Russian spelling "
			            "(see templates/language/kk.json)", what, s,
			            (int)k, s + i - k);
			return false;
		}
	}
	return true;
}

void def_parse_text(def_ctx *c, json_t *v, bki_text *out,
                    enum def_text_mode mode, const char *what)
{
	memset(out, 0, sizeof *out);
	if (!jc_type(c->d, v, JSON_OBJECT, what))
		return;
	size_t cap = !strcmp(what, "the leaflet text") ? CAP_LEAFLET
	             : mode == TEXT_NAME ? CAP_NAME_PART : CAP_LINE;
	const char *key;
	json_t *x;
	json_object_foreach(v, key, x) {
		size_t old = jdoc_push_key(c->d, key);
		int l = bki_lang_index(key);
		if (l < 0) {
			jdoc_report(c->d, BK_ERROR, "unknown-field", true,
			            "\"%s\" is not a language of ballotkit; use "
			            "\"kk\" or \"ru\"", key);
		} else if (check_string(c, x, what, cap) &&
		           (l != BK_LANG_RU || russian_ok(c, json_string_value(x), what))) {
			out->v[l] = def_got(c, bki_arena_strdup(&c->e->arena,
			                            json_string_value(x)));
		} else {
			out->bad = true;
		}
		jdoc_pop(c->d, old);
	}
	if (!c->langs_known || mode == TEXT_PARTIAL)
		return;
	bool any = json_object_get(v, "kk") || json_object_get(v, "ru");
	for (size_t i = 0; i < c->e->nlangs; i++) {
		int l = c->e->langs[i];
		if (json_object_get(v, bki_lang_codes[l]))
			continue;
		if (mode == TEXT_NAME && any)
			continue; /* derived later */
		jdoc_report(c->d, BK_ERROR, "missing-language", false,
		            "%s has no %s text; every text needs each language "
		            "of the election", what, def_lang_names[l]);
	}
}
