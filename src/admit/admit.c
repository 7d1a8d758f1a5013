/* Admission: what building a definition's kits needs, checked while the
 * definition is loaded (include/ballotkit/admission.h). The definition
 * module walks its texts and calls this checker (definition-private.h,
 * bki_checker); the checker asks the braille module, the speech templates
 * and the stencil layout, through their own interfaces, what build will
 * ask them. Data flows down only: nothing below includes this. See
 * docs/architecture.md, "Admission", and docs/validation-rules.md. */
#include "ballotkit/admission.h"

#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <pthread.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utf8proc.h>

#include "ballotkit/braille.h"
#include "ballotkit/script.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "render/render-private.h"
#include "templates/templates-private.h"
#include "util/util.h"

static const char *const lang_names[BK_LANG_COUNT] = {"Kazakh", "Russian"};
static const char *const default_table[BK_LANG_COUNT] = {"kk.utb",
                                                         "ru-litbrl.ctb"};

/* A problem found in a text, kept so that a text met again (a surname
 * many candidates share) is checked once per language and use. */
typedef struct problem {
	char *kind, *msg;
} problem;

typedef struct entry {
	char *text;        /* NULL: empty slot */
	uint64_t hash;
	unsigned key;      /* lang << 8 | uses */
	size_t first, n;   /* its problems */
} entry;

typedef struct admit {
	const bk_templates *tpl;
	const bk_stencil_options *stencil;
	bk_braille *br;            /* NULL: braille cannot be checked */
	uint32_t *speakable[BK_LANG_COUNT]; /* sorted */
	size_t nspeakable[BK_LANG_COUNT];
	entry *slots;
	size_t nslots, used;
	problem *problems;
	size_t nproblems, capproblems;
	bool nomem; /* memory ran out: the load returns BK_ERR_NOMEM */
} admit;

/* p, and a's memory running out when it is NULL. */
static void *held(admit *a, void *p)
{
	if (!p)
		a->nomem = true;
	return p;
}

/* st, and a's memory running out when it says so. */
static bk_status status(admit *a, bk_status st)
{
	if (st == BK_ERR_NOMEM)
		a->nomem = true;
	return st;
}

/* ---- small helpers ---- */

static uint64_t hash_text(const char *s, unsigned key)
{
	uint64_t h = 1469598103934665603ull ^ key;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void add_problem(admit *a, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_problem(admit *a, const char *kind, const char *fmt, ...)
{
	void *v = a->problems;
	bool room = bki_array_room(&v, &a->capproblems, a->nproblems,
	                           sizeof *a->problems);
	a->problems = v;
	if (!held(a, room ? v : NULL))
		return;
	bki_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	problem p = {bki_strdup(kind), bki_buf_steal(&b)};
	if (!held(a, p.kind && p.msg ? p.kind : NULL)) {
		free(p.kind);
		free(p.msg);
		return;
	}
	a->problems[a->nproblems++] = p;
}

/* The letters and digits of s (bki_utf8_letters), into out. */
static void letters(const char *s, bki_buf *out)
{
	bki_buf_truncate(out, 0);
	bki_buf_add(out, "");
	bki_utf8_letters(s, out);
}

/* A character as a message shows it: a combining mark on a dotted
 * circle, so that it does not stand on the quote before it. */
static const char *shown(uint32_t cp, char out[9])
{
	size_t n = 0;
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	if (c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	    c == UTF8PROC_CATEGORY_ME)
		n = bki_utf8_encode(0x25CC, out);
	n += bki_utf8_encode(cp, out + n);
	out[n] = '\0';
	return out;
}

static bool is_blank(uint32_t cp)
{
	return cp == ' ' ||
	       utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* ---- resources ---- */

static void unavailable(bk_diags *diags, const char *file, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));
static void unavailable(bk_diags *diags, const char *file, const char *fmt,
                        ...)
{
	bki_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	bki_diags_add(diags, BK_ERROR, "unavailable", file, 0, 0, "", "%s",
	             bki_buf_str(&b));
	bki_buf_free(&b);
}

/* The fonts the renderer uses: fonts/fonts.conf beside the templates (as
 * src/render/common.c loads it), with at least one font that has every
 * letter of the Kazakh alphabet and the digits. */
static bk_status check_fonts(admit *a, bk_diags *diags)
{
	/* <templates>/../fonts/fonts.conf, named without the ".." (the
	 * templates' folder is absolute, templates.c) */
	bki_buf conf = {0};
	const char *tdir = bk_templates_dir(a->tpl);
	const char *slash = strrchr(tdir, '/');
	if (slash && slash != tdir && strcmp(slash, "/.") && strcmp(slash, "/.."))
		bki_buf_printf(&conf, "%.*s/fonts/fonts.conf", (int)(slash - tdir),
		              tdir);
	else
		bki_buf_printf(&conf, "%s/../fonts/fonts.conf", tdir);
	const char *path = bki_buf_str(&conf);
	bk_status st = BK_OK;
	FcConfig *fc = NULL;
	if (access(path, R_OK) != 0) {
		unavailable(diags, path, "the font configuration is missing: "
		            "large print and stencils cannot be drawn (a templates "
		            "folder needs fonts/ beside it)");
		st = BK_ERR_CONFIG;
	} else if (!(fc = FcConfigCreate()) ||
	           !FcConfigParseAndLoad(fc, (const FcChar8 *)path, FcFalse) ||
	           !FcConfigBuildFonts(fc)) {
		unavailable(diags, path, "the font configuration cannot be loaded");
		st = BK_ERR_CONFIG;
	} else {
		FcFontSet *fs = FcConfigGetFonts(fc, FcSetSystem);
		bool covered = false;
		uint32_t missing = 0;
		for (int i = 0; fs && i < fs->nfont && !covered; i++) {
			FcCharSet *cs = NULL;
			if (FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &cs) !=
			    FcResultMatch)
				continue;
			covered = true;
			for (size_t k = 0; k < a->tpl->nalphabet && covered; k++)
				if (!FcCharSetHasChar(cs, a->tpl->alphabet[k]))
					covered = false, missing = a->tpl->alphabet[k];
			for (uint32_t d = '0'; d <= '9' && covered; d++)
				if (!FcCharSetHasChar(cs, d))
					covered = false, missing = d;
		}
		if (!covered) {
			bki_buf dirs = {0};
			FcStrList *l = FcConfigGetFontDirs(fc);
			FcChar8 *dir;
			while (l && (dir = FcStrListNext(l)))
				bki_buf_printf(&dirs, "%s%s", dirs.len ? ", " : "",
				              (const char *)dir);
			if (l)
				FcStrListDone(l);
			if (!fs || !fs->nfont) {
				unavailable(diags, path, "the font configuration finds "
				            "no font (folders: %s)",
				            dirs.len ? bki_buf_str(&dirs) : "none");
			} else {
				char ch[5] = {0};
				bki_utf8_encode(missing, ch);
				unavailable(diags, path, "no font of the font "
				            "configuration has \"%s\" (U+%04X) (folders: "
				            "%s)", ch, (unsigned)missing,
				            bki_buf_str(&dirs));
			}
			bki_buf_free(&dirs);
			st = BK_ERR_CONFIG;
		}
	}
	if (fc)
		FcConfigDestroy(fc);
	bki_buf_free(&conf);
	return st;
}

/* eSpeak NG's data folder, as the engine finds it (for messages). */
static const char *espeak_data_dir(void)
{
	espeak_ng_InitializePath(NULL);
	const char *dir = NULL;
	espeak_Info(&dir);
	return dir && *dir ? dir : "eSpeak NG's data folder";
}

/* The voice of every language of the election can be used: a child
 * process initialises eSpeak NG as the speech helpers do (src/speech/,
 * zygote_main: data path, engine, synchronous output, then the voice the
 * templates name) and says which step failed. A child, so that this
 * process's engine state stays untouched (docs/audio.md: every clip comes
 * from a fresh engine); a fork, not the speech module's helper programs,
 * because starting those for a check costs half a second a voice. */
/* The voices a check found usable, remembered for the process: an
 * admission repeated in one process (a host that imports and then
 * validates, a test that admits hundreds of times) forks once per set of
 * voices. Only a success is kept; nothing written depends on it. */
static pthread_mutex_t voices_lock = PTHREAD_MUTEX_INITIALIZER;
static bool voices_checked;
static char voices_ok[BK_LANG_COUNT][64];

/* Whether voice[] is the set a check found usable (remember: false), or
 * remembers it as such (remember: true). A name too long to keep is
 * never remembered: that set is checked each time. */
static bool voices_known(const char *const voice[BK_LANG_COUNT], bool remember)
{
	for (int l = 0; l < BK_LANG_COUNT; l++)
		if (voice[l] && strlen(voice[l]) >= sizeof voices_ok[l])
			return false;
	bool known = true;
	pthread_mutex_lock(&voices_lock);
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		const char *v = voice[l] ? voice[l] : "";
		if (remember)
			strcpy(voices_ok[l], v);
		else if (strcmp(voices_ok[l], v))
			known = false;
	}
	voices_checked = voices_checked || remember;
	known = known && voices_checked;
	pthread_mutex_unlock(&voices_lock);
	return known;
}

static bk_status check_voices(admit *a, const bk_election *e, bk_diags *diags)
{
	if (!e->nlangs)
		return BK_OK;
	const char *voice[BK_LANG_COUNT] = {NULL, NULL};
	for (size_t q = 0; q < e->nlangs; q++)
		voice[e->langs[q]] = bki_templates_voice(a->tpl, e->langs[q]);
	if (voices_known(voice, false))
		return BK_OK;
	int fd[2];
	if (pipe(fd) != 0)
		return BK_OK; /* cannot check here: speech will say */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return BK_OK;
	}
	if (pid == 0) {
		close(fd[0]);
		alarm(60);
		unsigned char r[2] = {0, 0}; /* step that failed, language */
		espeak_ng_InitializePath(NULL);
		espeak_ng_ERROR_CONTEXT ctx = NULL;
		if (espeak_ng_Initialize(&ctx) != ENS_OK ||
		    espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0,
		                               NULL) != ENS_OK)
			r[0] = 1;
		for (int l = 0; !r[0] && l < BK_LANG_COUNT; l++)
			if (voice[l] && espeak_SetVoiceByName(voice[l]) != EE_OK)
				r[0] = 2, r[1] = (unsigned char)l;
		if (r[0] != 1)
			espeak_ng_Terminate(); /* its thread and data (valgrind) */
		_exit(write(fd[1], r, 2) == 2 ? 0 : 1);
	}
	close(fd[1]);
	unsigned char r[2] = {0, 0};
	ssize_t got;
	while ((got = read(fd[0], r, 2)) < 0 && errno == EINTR)
		;
	close(fd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != 2 || !WIFEXITED(status)) {
		unavailable(diags, espeak_data_dir(), "eSpeak NG stopped while "
		            "starting: its data cannot be used");
		return BK_ERR_CONFIG;
	}
	if (r[0] == 1) {
		unavailable(diags, espeak_data_dir(), "eSpeak NG cannot be "
		            "initialised with its data here (is espeak-ng-data "
		            "installed?)");
		return BK_ERR_CONFIG;
	}
	if (r[0] == 2) {
		int l = r[1] < BK_LANG_COUNT ? r[1] : 0;
		unavailable(diags, espeak_data_dir(), "eSpeak NG has no voice "
		            "\"%s\" for %s (templates/speech/%s.json names it)",
		            voice[l] ? voice[l] : "", lang_names[l],
		            bki_lang_codes[l]);
		return BK_ERR_CONFIG;
	}
	voices_known(voice, true);
	return BK_OK;
}

/* A table reads the letters of its language back as themselves. Returns
 * the first letter it does not, or 0. */
static uint32_t table_letters_ok(admit *a, int lang)
{
	bki_buf word = {0}, want = {0}, got = {0};
	uint32_t bad = 0;
	for (size_t k = 0; k < a->tpl->nalphabet && !bad; k++) {
		uint32_t cp = a->tpl->alphabet[k];
		if (lang == BK_LANG_RU && bki_templates_kk_specific(a->tpl, cp))
			continue;
		/* each letter after а, so no letter stands alone (a lone
		 * letter may be written with a letter sign) */
		char u[4];
		bki_buf_truncate(&word, 0);
		bki_buf_add(&word, "а");
		bki_buf_addn(&word, u, bki_utf8_encode(cp, u));
		unsigned char *cells = NULL;
		size_t n = 0;
		char *back = NULL;
		if (bki_buf_failed(&word)) {
			a->nomem = true;
		} else if (status(a, bk_braille_translate(a->br,
		                         bki_lang_codes[lang],
		                         bki_buf_str(&word), NULL, &cells, &n,
		                         NULL)) != BK_OK ||
		    status(a, bk_braille_back(a->br, bki_lang_codes[lang], cells,
		                              n, &back, NULL)) != BK_OK) {
			bad = cp;
		} else {
			letters(bki_buf_str(&word), &want);
			letters(back, &got);
			if (strcmp(bki_buf_str(&want), bki_buf_str(&got)))
				bad = cp;
		}
		bk_free(cells);
		bk_free(back);
		if (bki_buf_failed(&want) || bki_buf_failed(&got))
			a->nomem = true;
		if (a->nomem)
			break;
	}
	bki_buf_free(&word);
	bki_buf_free(&want);
	bki_buf_free(&got);
	return a->nomem ? 0 : bad;
}

/* Opens braille with the tables the election names. Tables of the
 * installation (the defaults, the back-translation tables of templates/)
 * that are missing are BK_ERR_CONFIG; tables the definition names are
 * checked as part of it, at $.production.braille.tables.<lang>. */
static bk_status open_braille(admit *a, const bk_election *e,
                              bki_check_sink *sink, bk_diags *diags)
{
	bk_diags *d = bk_diags_create();
	bk_braille *def = NULL;
	bk_status st = d ? bk_braille_open(&def, NULL, a->tpl, d) : BK_ERR_NOMEM;
	if (st == BK_ERR_NOMEM) {
		bk_diags_free(d);
		return bki_diags_nomem(diags, bk_templates_dir(a->tpl), "",
		                      "opening braille");
	}
	if (st != BK_OK) {
		bki_buf dir = {0};
		bki_buf_printf(&dir, "%s/braille", bk_templates_dir(a->tpl));
		for (size_t i = 0; i < bk_diags_count(d); i++)
			if (bk_diag_severity(bk_diags_get(d, i)) == BK_ERROR)
				unavailable(diags, bki_buf_str(&dir), "%s",
				            bk_diag_message(bk_diags_get(d, i)));
		bki_buf_free(&dir);
		bk_diags_free(d);
		return BK_ERR_CONFIG;
	}
	bool given = false;
	for (size_t q = 0; q < e->nlangs; q++)
		given |= e->braille_table_given[e->langs[q]];
	if (!given) {
		a->br = def;
		bk_diags_free(d);
		return BK_OK;
	}
	bk_braille_free(def);
	st = bk_braille_open(&a->br, e, a->tpl, d);
	if (st == BK_ERR_NOMEM) {
		bk_diags_free(d);
		return bki_diags_nomem(diags, bk_templates_dir(a->tpl), "",
		                      "opening braille");
	}
	if (st != BK_OK) {
		for (size_t i = 0; i < bk_diags_count(d); i++) {
			const bk_diag *x = bk_diags_get(d, i);
			if (bk_diag_severity(x) == BK_ERROR)
				bki_check_report(sink, *bk_diag_path(x)
				                              ? bk_diag_path(x)
				                              : "$.production.braille.tables",
				                BK_ERROR, "braille-table", "%s",
				                bk_diag_message(x));
		}
		bk_diags_free(d);
		return BK_OK;
	}
	bk_diags_free(d);
	bool bad = false;
	bki_buf path = {0};
	for (size_t q = 0; q < e->nlangs; q++) {
		int l = e->langs[q], other = l == BK_LANG_KK ? BK_LANG_RU : BK_LANG_KK;
		if (!e->braille_table_given[l])
			continue;
		bki_buf_truncate(&path, 0);
		bki_buf_printf(&path, "$.production.braille.tables.%s",
		              bki_lang_codes[l]);
		const char *name = e->braille_table[l];
		uint32_t cp = 0;
		/* the list's first table is the main one */
		size_t len = strcspn(name, ",");
		if (len == strlen(default_table[other]) &&
		    !strncmp(name, default_table[other], len)) {
			bki_check_report(sink, bki_buf_str(&path), BK_ERROR,
			                "braille-table", "\"%.*s\" is the %s braille "
			                "table; %s text needs a %s table (\"%s\")",
			                (int)len, name, lang_names[other],
			                lang_names[l], lang_names[l], default_table[l]);
			bad = true;
			continue;
		}
		if ((cp = table_letters_ok(a, l))) {
			char u[5] = {0};
			bki_utf8_encode(cp, u);
			bki_check_report(sink, bki_buf_str(&path), BK_ERROR,
			                "braille-table", "the braille table \"%s\" "
			                "cannot write the %s letter \"%s\" (U+%04X) so "
			                "that it reads back: it is not a %s table; use "
			                "\"%s\"", name, lang_names[l], u, (unsigned)cp,
			                lang_names[l], default_table[l]);
			bad = true;
		}
	}
	bki_buf_free(&path);
	if (bad) {
		/* every text would fail with it: the table is the problem */
		bk_braille_free(a->br);
		a->br = NULL;
	}
	return BK_OK;
}

static void load_speakable(admit *a)
{
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		const char *s = bki_templates_speakable(a->tpl, l);
		size_t n = s ? strlen(s) : 0;
		a->speakable[l] = held(a, bki_calloc(n + 1, sizeof(uint32_t)));
		if (!a->speakable[l])
			return;
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t k = bki_utf8_decode(s + i, n - i, &cp);
			if (!k)
				break;
			a->speakable[l][a->nspeakable[l]++] = cp;
			i += k;
		}
		bki_sort(a->speakable[l], a->nspeakable[l], sizeof(uint32_t),
		      cmp_u32);
	}
}

/* The output profile the print PDFs embed (PDF/X-4 output intent), when
 * the election's outputs hold the print shop's stencils (print or swell). */
static bk_status check_output_profile(const bk_election *e, bk_diags *diags)
{
	if (!(bk_election_outputs(e) & (BK_OUTPUT_BIT(BK_OUTPUT_STENCIL_PRINT_PDF) |
	                                BK_OUTPUT_BIT(BK_OUTPUT_STENCIL_SWELL_PDF))))
		return BK_OK;
	char *data = NULL;
	size_t n = 0;
	int err = bki_output_intent_read(&data, &n);
	free(data);
	if (err == ENOMEM)
		return bki_diags_nomem(diags, bki_output_intent_icc(), "",
		                      "reading the output profile");
	if (!err)
		return BK_OK;
	unavailable(diags, bki_output_intent_icc(), "the print PDFs' output "
	            "profile (their PDF/X-4 output intent) cannot be used: %s "
	            "(Debian: libgs-common, or $BALLOTKIT_OUTPUT_INTENT; or leave "
	            "stencil-print-pdf and stencil-swell-pdf out of "
	            "production.outputs)",
	            bki_output_intent_reason(err));
	return BK_ERR_CONFIG;
}

static bk_status admit_begin(void *arg, const bk_election *e, bki_check_sink *sink,
                       bk_diags *diags)
{
	admit *a = arg;
	bk_status st = BK_OK;
	if (check_fonts(a, diags) != BK_OK)
		st = BK_ERR_CONFIG;
	if (check_output_profile(e, diags) != BK_OK)
		st = BK_ERR_CONFIG;
	if (check_voices(a, e, diags) != BK_OK)
		st = BK_ERR_CONFIG;
	bk_status ob = open_braille(a, e, sink, diags);
	if (ob != BK_OK)
		st = ob == BK_ERR_NOMEM ? ob : BK_ERR_CONFIG;
	load_speakable(a);
	if (a->nomem)
		st = bki_diags_nomem(diags, "", "", "admitting the definition");
	return st;
}

/* ---- texts ---- */

/* The translation of text into cells and back, or why there is none
 * (the braille module's own message). Returns true when it reads back as
 * itself (letters and digits). */
static bool round_trip(admit *a, const char *lang, const char *text,
                       char **why, char **back_out)
{
	unsigned char *cells = NULL;
	size_t n = 0;
	char *back = NULL;
	*why = NULL;
	bool ok = false;
	bk_status st = status(a, bk_braille_translate(a->br, lang, text, NULL,
	                                              &cells, &n, NULL));
	if (st == BK_ERR_NOMEM) {
		/* a->nomem: no message */
	} else if (st != BK_OK) {
		/* again, for the braille module's message */
		bk_diags *d = held(a, bk_diags_create());
		if (d && status(a, bk_braille_translate(a->br, lang, text, NULL,
		                                        &cells, &n, d)) !=
		                 BK_ERR_NOMEM) {
			const bk_diag *x = bk_diags_get(d, 0);
			*why = held(a, bki_strdup(x ? bk_diag_message(x)
			                          : "it cannot be brailled"));
		}
		bk_diags_free(d);
	} else if (status(a, bk_braille_back(a->br, lang, cells, n, &back,
	                                     NULL)) != BK_OK) {
		if (!a->nomem)
			*why = held(a, bki_strdup("its braille cannot be read "
			                        "back"));
	} else {
		bki_buf x = {0}, y = {0};
		letters(text, &x);
		letters(back, &y);
		ok = !strcmp(bki_buf_str(&x), bki_buf_str(&y));
		if (bki_buf_failed(&x) || bki_buf_failed(&y))
			a->nomem = true;
		bki_buf_free(&x);
		bki_buf_free(&y);
	}
	if (back_out)
		*back_out = back;
	else
		bk_free(back);
	bk_free(cells);
	return ok;
}

static bool letter_digit_blank(uint32_t cp)
{
	return bki_cp_is_latin_letter(cp) || bki_cp_is_cyrillic_letter(cp) ||
	       (cp >= '0' && cp <= '9') || is_blank(cp);
}

/* line with every character that is not a letter, a digit or a blank
 * made a blank (words stay apart), except keep. */
static void strip(const char *line, uint32_t keep, bki_buf *out)
{
	bki_buf_truncate(out, 0);
	bki_buf_add(out, "");
	size_t n = strlen(line);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(line + i, n - i, &cp);
		if (!k)
			break;
		if (letter_digit_blank(cp) || cp == keep)
			bki_buf_addn(out, line + i, k);
		else
			bki_buf_addc(out, ' ');
		i += k;
	}
}

/* The character of line whose braille does not read back right where it
 * stands: line with its letters, digits and blanks and only that one
 * other character reads back wrong, and without it right. 0 when the
 * letters themselves do not read back (e.g. a Latin passage). */
static uint32_t find_culprit(admit *a, const char *lang, const char *line)
{
	bki_buf t = {0};
	char *why = NULL;
	strip(line, 0, &t);
	bool base = round_trip(a, lang, bki_buf_str(&t), &why, NULL);
	free(why);
	uint32_t culprit = 0;
	size_t n = strlen(line);
	for (size_t i = 0; base && i < n && !culprit;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(line + i, n - i, &cp);
		if (!k)
			break;
		i += k;
		if (letter_digit_blank(cp))
			continue;
		strip(line, cp, &t);
		why = NULL;
		if (!round_trip(a, lang, bki_buf_str(&t), &why, NULL))
			culprit = cp;
		free(why);
	}
	bki_buf_free(&t);
	return culprit;
}

static void check_braille(admit *a, int lang, const char *text, bool lines)
{
	const char *code = bki_lang_codes[lang];
	const char *table = bk_braille_table(a->br, code);
	char *copy = held(a, bki_strdup(text));
	size_t ln = 0;
	for (char *p = copy, *nl; p && !a->nomem; p = nl) {
		nl = lines ? strchr(p, '\n') : NULL;
		if (nl)
			*nl++ = '\0';
		ln++;
		if (bki_str_blank(p))
			continue;
		bki_buf where = {0};
		if (lines)
			bki_buf_printf(&where, "line %zu: ", ln);
		char *why = NULL, *back = NULL;
		bool ok = round_trip(a, code, p, &why, &back);
		if (why) {
			add_problem(a, "unbrailleable", "%s%s (braille table %s)",
			            bki_buf_str(&where), why, table);
		} else if (!ok) {
			uint32_t cp = find_culprit(a, code, p);
			if (cp) {
				char u[9];
				shown(cp, u);
				add_problem(a, "braille-read-back", "%s\"%s\" (U+%04X) "
				            "has no braille of its own with the table %s: "
				            "\"%s\" reads back as \"%s\"; remove or "
				            "replace it", bki_buf_str(&where), u,
				            (unsigned)cp, table, p, back ? back : "");
			} else {
				add_problem(a, "braille-read-back", "%s\"%s\" reads "
				            "back from its braille as \"%s\" with the "
				            "table %s", bki_buf_str(&where), p,
				            back ? back : "", table);
			}
		}
		free(why);
		bk_free(back);
		bki_buf_free(&where);
		if (!ok)
			break; /* one braille problem per text */
	}
	free(copy);
}

static bool speakable(const admit *a, int lang, uint32_t cp)
{
	if (is_blank(cp) || (cp < 0x80 && bki_cp_is_latin_letter(cp)))
		return true; /* Latin: warned as no-pronunciation */
	return bsearch(&cp, a->speakable[lang], a->nspeakable[lang],
	               sizeof(uint32_t), cmp_u32) != NULL;
}

static void check_speech(admit *a, int lang, const char *text)
{
	size_t n = strlen(text), bad = 0;
	uint32_t first = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(text + i, n - i, &cp);
		if (!k)
			break;
		if (!speakable(a, lang, cp) && !bad++)
			first = cp;
		i += k;
	}
	if (!bad)
		return;
	char u[9];
	shown(first, u);
	bki_buf more = {0};
	if (bad > 1)
		bki_buf_printf(&more, " (and %zu more such characters)", bad - 1);
	add_problem(a, "unspeakable", "the %s voice cannot say \"%s\" (U+%04X)%s: "
	            "eSpeak NG would drop it or spell it out; write it in "
	            "words, remove it, or give a pronunciation",
	            lang_names[lang], u, (unsigned)first, bki_buf_str(&more));
	bki_buf_free(&more);
}

/* The entry of a text in a language and use, checked when first met. */
static entry *checked_text(admit *a, const char *text, unsigned key)
{
	if (2 * (a->used + 1) > a->nslots) {
		size_t cap = a->nslots ? 2 * a->nslots : 1024;
		entry *s = held(a, bki_calloc(cap, sizeof *s));
		if (!s)
			return NULL;
		for (size_t i = 0; i < a->nslots; i++) {
			if (!a->slots[i].text)
				continue;
			size_t j = a->slots[i].hash & (cap - 1);
			while (s[j].text)
				j = (j + 1) & (cap - 1);
			s[j] = a->slots[i];
		}
		free(a->slots);
		a->slots = s;
		a->nslots = cap;
	}
	uint64_t h = hash_text(text, key);
	size_t j = h & (a->nslots - 1);
	while (a->slots[j].text) {
		entry *x = &a->slots[j];
		if (x->hash == h && x->key == key && !strcmp(x->text, text))
			return x;
		j = (j + 1) & (a->nslots - 1);
	}
	entry *x = &a->slots[j];
	x->text = held(a, bki_strdup(text));
	if (!x->text)
		return NULL;
	x->hash = h;
	x->key = key;
	x->first = a->nproblems;
	int lang = (int)(key >> 8);
	unsigned uses = key & 0xFF;
	if ((uses & BK_USE_BRAILLE) && a->br)
		check_braille(a, lang, text, (uses & BK_USE_LINES) != 0);
	if (uses & BK_USE_SPEECH)
		check_speech(a, lang, text);
	x->n = a->nproblems - x->first;
	a->used++;
	return x;
}

static void admit_text(void *arg, const bki_text_use *t,
                       bki_check_sink *sink)
{
	admit *a = arg;
	entry *x = checked_text(a, t->text, (unsigned)t->lang << 8 | t->uses);
	for (size_t i = 0; x && !a->nomem && i < x->n; i++) {
		const problem *p = &a->problems[x->first + i];
		if (t->derived)
			bki_check_report_text(sink, t, BK_ERROR, p->kind,
			                     "the %s spelling \"%s\" derived from "
			                     "this name: %s", lang_names[t->lang],
			                     t->text, p->msg);
		else
			bki_check_report_text(sink, t, BK_ERROR, p->kind, "%s",
			                     p->msg);
	}
}

/* ---- whole ballots: the stencil layout ---- */

static void admit_election(void *arg, const bk_election *e,
                           bki_check_sink *sink)
{
	admit *a = arg;
	if (!a->br || !e->nlangs)
		return;
	bki_buf path = {0};
	for (size_t i = 0; i < e->nballots && !a->nomem; i++) {
		const bki_ballot *b = &e->ballots[i];
		bk_diags *d = held(a, bk_diags_create());
		bk_script *s = NULL;
		bk_stencil *st = NULL;
		bk_status r = d ? bk_script_create(&s, e, b->id,
		                                   bki_lang_codes[e->langs[0]],
		                                   a->tpl, d)
		                : BK_ERR_NOMEM;
		if (r == BK_OK)
			r = bk_stencil_create(&st, e, s, a->br, a->tpl, a->stencil, d);
		bool failed = status(a, r) != BK_OK;
		bki_buf_truncate(&path, 0);
		bki_buf_printf(&path, "$.ballots[%zu]%s", i,
		              b->has_over ? ".paper.overrides"
		              : b->source ? ".paper.source"
		              : b->boxes ? ".paper.boxes" : "");
		/* the layout's errors, and its warnings (a bridge too narrow
		 * to cut, with the figures) where it was laid out */
		for (size_t k = 0; !a->nomem && d && k < bk_diags_count(d); k++) {
			const bk_diag *x = bk_diags_get(d, k);
			if (failed && bk_diag_severity(x) == BK_ERROR)
				bki_check_report(sink, bki_buf_str(&path), BK_ERROR,
				                "stencil-layout", "the stencil "
				                "cannot be laid out: %s",
				                bk_diag_message(x));
			else if (!failed && bk_diag_severity(x) == BK_WARNING &&
			         !strcmp(bk_diag_kind(x), "stencil-bridge"))
				bki_check_report(sink, bki_buf_str(&path), BK_WARNING,
				                "stencil-bridge", "%s",
				                bk_diag_message(x));
		}
		bk_stencil_free(st);
		bk_script_free(s);
		bk_diags_free(d);
	}
	bki_buf_free(&path);
}

/* ---- entry points ---- */

/* A caller's mistake: BK_ERR_USAGE, said in diags. */
static bk_status usage(bk_election **out, bk_diags *diags, const char *what)
{
	if (out)
		*out = NULL;
	bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
	             "admitting a definition: %s", what);
	return BK_ERR_USAGE;
}

/* Loads a definition with the admission checker. */
static bk_status load_admitted(bk_election **out, const char *path,
                               const char *data, size_t size,
                               const char *name, const bk_templates *tpl,
                               const bk_stencil_options *stencil,
                               bk_diags *diags)
{
	if (!out || !tpl)
		return usage(out, diags, !out ? "out is NULL"
		                              : "the templates are NULL");
	admit a = {.tpl = tpl, .stencil = stencil};
	bki_checker chk = {&a, admit_begin, admit_text, admit_election};
	bk_status st = bki_election_load_checked(out, path, data, size, name, tpl,
	                                        &chk, NULL, diags);
	if (a.nomem && st != BK_ERR_NOMEM) {
		/* a check that ran out of memory: its answer is unknown */
		bk_election_free(*out);
		*out = NULL;
		st = bki_diags_nomem(diags, path ? path : name, "",
		                    "admitting the definition");
	}
	bk_braille_free(a.br);
	for (int l = 0; l < BK_LANG_COUNT; l++)
		free(a.speakable[l]);
	for (size_t i = 0; i < a.nslots; i++)
		free(a.slots[i].text);
	free(a.slots);
	for (size_t i = 0; i < a.nproblems; i++) {
		free(a.problems[i].kind);
		free(a.problems[i].msg);
	}
	free(a.problems);
	return st;
}

bk_status bk_election_admit(bk_election **out, const char *path,
                            const bk_templates *tpl,
                            const bk_stencil_options *stencil,
                            bk_diags *diags)
{
	if (!path)
		return usage(out, diags, "the path is NULL");
	return load_admitted(out, path, NULL, 0, NULL, tpl, stencil, diags);
}

bk_status bk_election_admit_buffer(bk_election **out, const char *data,
                                   size_t size, const char *name,
                                   const bk_templates *tpl,
                                   const bk_stencil_options *stencil,
                                   bk_diags *diags)
{
	if (!data && size)
		return usage(out, diags, "data is NULL but size is not 0");
	return load_admitted(out, NULL, data ? data : "", size, name, tpl,
	                     stencil, diags);
}
