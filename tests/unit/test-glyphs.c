/* Every character large print can meet has a glyph in the fonts the
 * renderer uses (fonts/fonts.conf), checked with FreeType's
 * FT_Get_Char_Index, not with text extraction: the Kazakh and Russian
 * alphabets in both cases, digits and the signs of ballot texts, and every
 * character of every script of the example. */
#include <ballotkit.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static int missing(FT_Face face, const char *s, char *first, size_t cap)
{
	int miss = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp, len;
		if (*p < 0x80) { cp = *p; len = 1; }
		else if ((*p & 0xE0) == 0xC0) { cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu); len = 2; }
		else if ((*p & 0xF0) == 0xE0) { cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu); len = 3; }
		else { cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu); len = 4; }
		if (cp >= 0x20 && FT_Get_Char_Index(face, cp) == 0) {
			if (!miss)
				snprintf(first, cap, "U+%04X", cp);
			miss++;
		}
		p += len;
	}
	return miss;
}

int main(void)
{
	bk_templates *tpl = NULL;
	bk_election *e = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		printf("Bail out! templates or example not found\n");
		return 1;
	}
	/* large print: an option struct of version 0 or newer than the
	 * library is refused, the struct named, and nothing written */
	{
		bk_script *s = NULL;
		bk_script_create(&s, e, bk_election_ballot_id(e, 0),
		                 bk_election_language(e, 0), tpl, NULL);
		char path[] = "/tmp/bk-glyphs-XXXXXX";
		int fd = mkstemp(path);
		if (fd >= 0)
			close(fd);
		remove(path);
		const unsigned bad[] = {0, BK_LARGE_PRINT_OPTIONS_VERSION + 1};
		for (int i = 0; i < 2; i++) {
			bk_large_print_options o = BK_LARGE_PRINT_OPTIONS_INIT;
			o.version = bad[i];
			bk_diags *d = bk_diags_create();
			bk_status rc = bk_large_print_list(s, tpl, &o, path, d);
			const char *msg = bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
			TAP_OK(rc == BK_ERR_USAGE && strstr(msg, "bk_large_print_options") &&
			       access(path, F_OK) != 0,
			       "bk_large_print_options version %u refused: %s", bad[i], msg);
			bk_diags_free(d);
		}
		bk_script_free(s);
	}
	char conf[4096];
	snprintf(conf, sizeof conf, "%s/../fonts/fonts.conf", bk_templates_dir(tpl));
	FcConfig *fc = FcConfigCreate();
	TAP_OK(FcConfigParseAndLoad(fc, (const FcChar8 *)conf, FcTrue) && FcConfigBuildFonts(fc),
	       "fonts/fonts.conf loads");
	FT_Library ft;
	FT_Init_FreeType(&ft);
	const char *styles[] = {"DejaVu Sans:weight=regular", "DejaVu Sans:weight=bold"};
	for (int st = 0; st < 2; st++) {
		FcPattern *pat = FcNameParse((const FcChar8 *)styles[st]);
		FcConfigSubstitute(fc, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		FcResult res;
		FcPattern *m = FcFontMatch(fc, pat, &res);
		FcChar8 *file = NULL;
		FcPatternGetString(m, FC_FILE, 0, &file);
		FT_Face face = NULL;
		TAP_OK(file && strstr((const char *)file, "DejaVuSans") &&
		       FT_New_Face(ft, (const char *)file, 0, &face) == 0,
		       "%s resolves to %s", styles[st], file ? (const char *)file : "nothing");
		if (face) {
			char first[32] = "";
			static const char alphabets[] =
				"АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
				"аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
				"0123456789 «»№.,:;-–—()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
			TAP_OK(missing(face, alphabets, first, sizeof first) == 0,
			       "%s: every Kazakh and Russian letter, digit and sign %s", styles[st],
			       first[0] ? first : "");
			int miss = 0;
			for (size_t b = 0; b < bk_election_ballot_count(e); b++)
				for (size_t l = 0; l < bk_election_language_count(e); l++) {
					bk_script *s = NULL;
					bk_script_create(&s, e, bk_election_ballot_id(e, b),
					                 bk_election_language(e, l), tpl, NULL);
					miss += missing(face, bk_script_title(s), first, sizeof first);
					miss += missing(face, bk_script_district(s), first, sizeof first);
					for (size_t i = 0; i < bk_script_position_count(s); i++)
						miss += missing(face, bk_script_position_list_text(s, i),
						                first, sizeof first);
					bk_script_free(s);
				}
			TAP_OK(miss == 0, "%s: every character of the example's scripts %s",
			       styles[st], first);
			FT_Done_Face(face);
		}
		FcPatternDestroy(m);
		FcPatternDestroy(pat);
	}
	FT_Done_FreeType(ft);
	FcConfigDestroy(fc);
	bk_election_free(e);
	bk_templates_free(tpl);
	return tap_done();
}
