/* The production settings' table: the format's defaults and the output
 * names, with the files each makes (include/ballotkit/production.h). The
 * definition, the kit builder, the audio command and `ballotkit defaults`
 * all read it; docs/ballot-format.md, docs/kits.md and the JSON Schema are
 * compared with it by tests/test_production.py. */
#include "production/production-private.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "util/util.h"

#define BIT(o) BK_OUTPUT_BIT(BK_OUTPUT_##o)

static const struct {
	const char *name;
	const char *group;    /* the command line's shorthand that holds it */
	bool by_default;
	bk_output_set needs;
	const char *files[3]; /* patterns in the kit folder */
	const char *what;
} table[BK_OUTPUT_COUNT] = {
	[BK_OUTPUT_AUDIO_MP3] = {"audio-mp3", "audio", true, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.mp3"},
		"the whole ballot as MP3, an ID3 chapter per position"},
	[BK_OUTPUT_AUDIO_POSITIONS] = {"audio-positions", "audio", true, 0,
		{"audio/{ballot}-{lang}/positions/[0-9][0-9]-*.mp3",
		 "audio/{ballot}-{lang}/positions/playlist.m3u8"},
		"one MP3 per position (and the intro and the end), with a playlist"},
	[BK_OUTPUT_AUDIO_DAISY] = {"audio-daisy", "audio", true, BIT(AUDIO_MP3),
		{"audio/{ballot}-{lang}/ncc.html",
		 "audio/{ballot}-{lang}/s[0-9][0-9][0-9][0-9].smil"},
		"a DAISY 2.02 book whose clips point into audio-mp3's file"},
	[BK_OUTPUT_AUDIO_TRANSCRIPT] = {"audio-transcript", "audio", true, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.txt"},
		"the transcript: every sentence with the time it starts"},
	[BK_OUTPUT_AUDIO_CAPTIONS] = {"audio-captions", "audio", true, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.vtt"},
		"WebVTT captions, a cue per sentence"},
	[BK_OUTPUT_AUDIO_REVIEW] = {"audio-review", "audio", true, BIT(AUDIO_MP3),
		{"audio/{ballot}-{lang}/{ballot}-{lang}-review.html"},
		"the review page for a native speaker, playing audio-mp3's file"},
	[BK_OUTPUT_AUDIO_WAV] = {"audio-wav", "audio", false, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.wav"},
		"16-bit WAV with a cue point and label per position"},
	[BK_OUTPUT_AUDIO_FLAC] = {"audio-flac", "audio", false, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.flac"}, "FLAC"},
	[BK_OUTPUT_AUDIO_VORBIS] = {"audio-vorbis", "audio", false, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.ogg"},
		"Ogg Vorbis with chapter comments"},
	[BK_OUTPUT_AUDIO_OPUS] = {"audio-opus", "audio", false, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}.opus"},
		"Opus (24 kHz) with chapter comments"},
	[BK_OUTPUT_AUDIO_PHONE] = {"audio-phone", "audio", false, 0,
		{"audio/{ballot}-{lang}/{ballot}-{lang}-8k.wav"},
		"8 kHz WAV for a telephone line"},
	[BK_OUTPUT_STENCIL_PRINT_PDF] = {"stencil-print-pdf", "stencil", true, 0,
		{"stencil/{ballot}-stencil-print.pdf"},
		"the print shop's stencil: trim, bleed, CutContour and Braille "
		"separations"},
	[BK_OUTPUT_STENCIL_SWELL_PDF] = {"stencil-swell-pdf", "stencil", true, 0,
		{"stencil/{ballot}-stencil-swell.pdf"}, "the stencil on swell paper"},
	[BK_OUTPUT_STENCIL_SVG] = {"stencil-svg", "stencil", true, 0,
		{"stencil/{ballot}-stencil-cut-[0-9]*.svg"},
		"laser cutting, one SVG per sheet"},
	[BK_OUTPUT_STENCIL_PROOF_PDF] = {"stencil-proof-pdf", "stencil", true, 0,
		{"stencil/{ballot}-ballot-proof.pdf"},
		"the ballot's boxes, to lay the stencil over"},
	[BK_OUTPUT_BRAILLE_LIST_BRF] = {"braille-list-brf", "braille", true, 0,
		{"braille/{ballot}-{lang}.brf"}, "the braille list for embossers (BRF)"},
	[BK_OUTPUT_BRAILLE_LIST_PEF] = {"braille-list-pef", "braille", true, 0,
		{"braille/{ballot}-{lang}.pef"}, "the braille list as PEF"},
	[BK_OUTPUT_BRAILLE_LIST_SWELL_PDF] = {"braille-list-swell-pdf", "braille",
		true, 0, {"braille/{ballot}-{lang}-swell.pdf"},
		"the braille list on swell paper"},
	[BK_OUTPUT_LARGE_PRINT_PDF] = {"large-print-pdf", "large-print", true, 0,
		{"large-print/{ballot}-{lang}-large-print.pdf"},
		"the list in large print"},
	[BK_OUTPUT_LEAFLET_BRF] = {"leaflet-brf", "leaflets", true, 0,
		{"leaflets/[0-9][0-9]-*-{lang}.brf"},
		"each leaflet of the ballot's parties and candidates (BRF)"},
	[BK_OUTPUT_LEAFLET_PEF] = {"leaflet-pef", "leaflets", true, 0,
		{"leaflets/[0-9][0-9]-*-{lang}.pef"}, "each leaflet as PEF"},
	[BK_OUTPUT_LEAFLET_SWELL_PDF] = {"leaflet-swell-pdf", "leaflets", true, 0,
		{"leaflets/[0-9][0-9]-*-{lang}-swell.pdf"},
		"each leaflet on swell paper"},
	[BK_OUTPUT_LEAFLET_LARGE_PRINT_PDF] = {"leaflet-large-print-pdf",
		"leaflets", true, 0, {"leaflets/[0-9][0-9]-*-{lang}-large-print.pdf"},
		"each leaflet in large print"},
};

/* Names used before there was one vocabulary: in definitions (format 1's
 * first list) and on the command line (audio --formats). */
static const struct {
	const char *old, *now;
} renamed[] = {
	{"audio-ogg", "\"audio-vorbis\""},
	{"stencil-pdf", "\"stencil-print-pdf\""},
	{"stencil-png", "none: `ballotkit stencil --format png` draws a PNG"},
	{"braille-list-pdf", "\"braille-list-swell-pdf\" (or \"large-print-pdf\" "
	                     "for print)"},
	{"braille-list-txt", "none: `ballotkit list --format txt` writes the "
	                     "braille as text"},
	{"leaflet-pdf", "\"leaflet-swell-pdf\" or \"leaflet-large-print-pdf\""},
	{"mp3", "\"audio-mp3\""},
	{"positions", "\"audio-positions\""},
	{"daisy", "\"audio-daisy\""},
	{"transcript", "\"audio-transcript\" and \"audio-captions\""},
	{"review", "\"audio-review\""},
	{"wav", "\"audio-wav\""},
	{"flac", "\"audio-flac\""},
	{"vorbis", "\"audio-vorbis\""},
	{"opus", "\"audio-opus\""},
	{"phone", "\"audio-phone\""},
};

static const char *const groups[] = {"audio", "stencil", "braille",
                                     "large-print", "leaflets"};

const char *bk_output_name(bk_output o)
{
	return (unsigned)o < BK_OUTPUT_COUNT ? table[o].name : NULL;
}

const char *bk_output_file_pattern(bk_output o, size_t i)
{
	if ((unsigned)o >= BK_OUTPUT_COUNT || i >= 3)
		return NULL;
	return table[o].files[i];
}

int bk_output_find(const char *name)
{
	for (int o = 0; name && o < BK_OUTPUT_COUNT; o++)
		if (!strcmp(table[o].name, name))
			return o;
	return -1;
}

bk_output_set bk_outputs_default(void)
{
	bk_output_set s = 0;
	for (int o = 0; o < BK_OUTPUT_COUNT; o++)
		if (table[o].by_default)
			s |= BK_OUTPUT_BIT(o);
	return s;
}

bk_output_set bk_output_needs(bk_output o)
{
	return (unsigned)o < BK_OUTPUT_COUNT ? table[o].needs : 0;
}

const char *bki_output_renamed(const char *name)
{
	for (size_t i = 0; name && i < sizeof renamed / sizeof *renamed; i++)
		if (!strcmp(renamed[i].old, name))
			return renamed[i].now;
	return NULL;
}

int bki_outputs_missing(bk_output_set set, int *needed)
{
	for (int o = 0; o < BK_OUTPUT_COUNT; o++) {
		if (!(set & BK_OUTPUT_BIT(o)) || !(table[o].needs & ~set))
			continue;
		for (int n = 0; n < BK_OUTPUT_COUNT; n++)
			if (table[o].needs & ~set & BK_OUTPUT_BIT(n)) {
				*needed = n;
				return o;
			}
	}
	return -1;
}

void bki_outputs_names(bk_output_set set, bki_buf *out)
{
	for (int o = 0; o < BK_OUTPUT_COUNT; o++)
		if (set & BK_OUTPUT_BIT(o))
			bki_buf_printf(out, "%s%s", out->len ? ", " : "", table[o].name);
}

bk_status bk_outputs_parse(const char *list, bk_output_set allowed,
                           bk_output_set *out, bk_diags *diags)
{
	if (!list || !out)
		return BK_ERR_USAGE;
	bk_output_set set = 0;
	bk_status st = BK_OK;
	bool named = false;
	for (const char *p = list; *p && st == BK_OK;) {
		size_t n = strcspn(p, ",");
		char *w = bki_strndup(p, n);
		p += n + (p[n] == ',');
		if (!w) {
			st = bki_diags_nomem(diags, "", "--formats",
			                    "reading the list of outputs");
			break;
		}
		if (!*w) {
			free(w);
			continue;
		}
		named = true;
		int o = bk_output_find(w);
		bk_output_set add = 0;
		if (o >= 0) {
			add = BK_OUTPUT_BIT(o);
			if (!(allowed & add)) {
				bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--formats",
				             "\"%s\" is not made by this command", w);
				st = BK_ERR_USAGE;
			}
		} else if (!strcmp(w, "all")) {
			add = BK_OUTPUTS_ALL & allowed;
		} else if (!strcmp(w, "default")) {
			add = bk_outputs_default() & allowed;
		} else {
			bool group = false;
			for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
				if (!strcmp(w, groups[g])) {
					group = true;
					for (int k = 0; k < BK_OUTPUT_COUNT; k++)
						if (table[k].by_default &&
						    !strcmp(table[k].group, groups[g]))
							add |= BK_OUTPUT_BIT(k) & allowed;
				}
			if (!group) {
				const char *now = bki_output_renamed(w);
				bki_buf names = {0};
				bki_outputs_names(allowed, &names);
				if (now)
					bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0,
					             "--formats", "\"%s\" is an old name: the "
					             "output is now %s", w, now);
				else
					bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0,
					             "--formats", "\"%s\" is not an output "
					             "(%s; or default, all, audio, stencil, "
					             "braille, large-print, leaflets)", w,
					             bki_buf_str(&names));
				bki_buf_free(&names);
				st = BK_ERR_USAGE;
			} else if (!add) {
				bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--formats",
				             "\"%s\" names nothing this command makes", w);
				st = BK_ERR_USAGE;
			}
		}
		set |= add;
		free(w);
	}
	if (st == BK_OK && !named) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--formats",
		             "no output named");
		st = BK_ERR_USAGE;
	}
	int needed, o = st == BK_OK ? bki_outputs_missing(set, &needed) : -1;
	if (o >= 0) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--formats",
		             "%s needs %s: name it too", table[o].name,
		             table[needed].name);
		st = BK_ERR_USAGE;
	}
	if (st == BK_OK)
		*out = set;
	return st;
}

/* The format's fixed defaults, as paths in the definition. Each value is
 * written once, in production.h; the definition fills them in from
 * there. */
typedef enum { D_INT, D_REAL, D_BOOL, D_STRING, D_OUTPUTS } dtype;
static const struct {
	const char *field;
	dtype type;
	long i;
	double r;
	const char *s;
} defaults[] = {
	{"polling_stations[].abroad", D_BOOL, 0, 0, NULL},
	{"polling_stations[].kits", D_INT, BK_DEFAULT_STATION_KITS, 0, NULL},
	{"candidates[].status", D_STRING, 0, 0, "standing"},
	{"ballots[].against_all", D_BOOL, BK_DEFAULT_AGAINST_ALL, 0, NULL},
	{"ballots[].paper.page", D_INT, BK_DEFAULT_PAPER_PAGE, 0, NULL},
	{"ballots[].two_sided", D_BOOL, BK_DEFAULT_TWO_SIDED, 0, NULL},
	{"production.braille.tables.kk", D_STRING, 0, 0, BK_DEFAULT_BRAILLE_TABLE_KK},
	{"production.braille.tables.ru", D_STRING, 0, 0, BK_DEFAULT_BRAILLE_TABLE_RU},
	{"production.braille.profile", D_STRING, 0, 0, BK_DEFAULT_BRAILLE_PROFILE},
	{"production.speech.rate", D_INT, BK_DEFAULT_SPEECH_RATE, 0, NULL},
	{"production.speech.loudness_lufs", D_REAL, 0, BK_DEFAULT_LOUDNESS_LUFS, NULL},
	{"production.outputs", D_OUTPUTS, 0, 0, NULL},
};

static json_t *names_json(bk_output_set set)
{
	json_t *a = json_array();
	for (int o = 0; o < BK_OUTPUT_COUNT; o++)
		if (set & BK_OUTPUT_BIT(o))
			json_array_append_new(a, json_string(table[o].name));
	return a;
}

char *bk_production_json(void)
{
	json_t *root = json_object();
	json_t *d = json_object();
	for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
		json_t *v = NULL;
		switch (defaults[i].type) {
		case D_INT: v = json_integer(defaults[i].i); break;
		case D_REAL: v = json_real(defaults[i].r); break;
		case D_BOOL: v = json_boolean(defaults[i].i); break;
		case D_STRING: v = json_string(defaults[i].s); break;
		case D_OUTPUTS: v = names_json(bk_outputs_default()); break;
		}
		json_object_set_new(d, defaults[i].field, v);
	}
	json_object_set_new(root, "defaults", d);
	json_t *outs = json_array();
	for (int o = 0; o < BK_OUTPUT_COUNT; o++) {
		json_t *x = json_object();
		json_object_set_new(x, "name", json_string(table[o].name));
		json_object_set_new(x, "group", json_string(table[o].group));
		json_object_set_new(x, "default", json_boolean(table[o].by_default));
		json_object_set_new(x, "needs", names_json(table[o].needs));
		json_t *f = json_array();
		const char *pat;
		for (size_t k = 0; (pat = bk_output_file_pattern((bk_output)o, k)); k++)
			json_array_append_new(f, json_string(pat));
		json_object_set_new(x, "files", f);
		json_object_set_new(x, "what", json_string(table[o].what));
		json_array_append_new(outs, x);
	}
	json_object_set_new(root, "outputs", outs);
	json_t *old = json_object();
	for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
		json_object_set_new(old, renamed[i].old, json_string(renamed[i].now));
	json_object_set_new(root, "renamed", old);
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                               JSON_REAL_PRECISION(10));
	json_decref(root);
	char *copy = s ? bki_strdup(s) : NULL;
	free(s);
	return copy;
}
