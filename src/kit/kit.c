/* Building the kits of an election: resume keys, one kit per worker
 * process at a time, each made in a temporary folder and swapped into
 * place, with its manifest of SHA-256 checksums. docs/kits.md. */
#define _GNU_SOURCE
#include "kit/kit-private.h"

#include <cairo.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <lame/lame.h>
#include <liblouis.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ballotkit/braille.h"
#include "ballotkit/render.h"
#include "ballotkit/script.h"
#include "ballotkit/version.h"
#include "diag/diag-private.h"
#include "production/production-private.h"
#include "render/render-private.h"
#include "util/fs.h"

void bk_kit_options_init(bk_kit_options *o)
{
	memset(o, 0, sizeof *o);
	o->version = BK_KIT_OPTIONS_VERSION;
	bk_speech_options so = BK_SPEECH_OPTIONS_INIT;
	bk_audio_options ao = BK_AUDIO_OPTIONS_INIT;
	bk_stencil_options sto = BK_STENCIL_OPTIONS_INIT;
	o->speech = so;
	o->audio = ao;
	o->stencil = sto;
	/* the definition's */
	o->outputs = 0;
	o->speech.rate = 0;
	o->audio.loudness = 0;
}

bk_status bk_kit_formats_parse(const char *list, bk_kit_options *o,
                               bk_diags *diags)
{
	if (!o)
		return BK_ERR_USAGE;
	return bk_outputs_parse(list ? list : "", BK_OUTPUTS_ALL, &o->outputs,
	                        diags);
}

/* Which outputs of a set a part of the kit makes. */
#define OUT(o) BK_OUTPUT_BIT(BK_OUTPUT_##o)
#define STENCIL_OUTPUTS                                                      \
	(OUT(STENCIL_PRINT_PDF) | OUT(STENCIL_SWELL_PDF) | OUT(STENCIL_SVG) |    \
	 OUT(STENCIL_PROOF_PDF))
#define LIST_OUTPUTS                                                         \
	(OUT(BRAILLE_LIST_BRF) | OUT(BRAILLE_LIST_PEF) | OUT(BRAILLE_LIST_SWELL_PDF))
#define LEAFLET_OUTPUTS                                                      \
	(OUT(LEAFLET_BRF) | OUT(LEAFLET_PEF) | OUT(LEAFLET_SWELL_PDF) |          \
	 OUT(LEAFLET_LARGE_PRINT_PDF))
#define SWELL_OUTPUTS (OUT(BRAILLE_LIST_SWELL_PDF) | OUT(LEAFLET_SWELL_PDF))

/* ---- what a kit is made from ---- */

typedef struct build {
	const bk_election *e;
	const bk_templates *tpl;
	const bk_kit_options *opt;
	/* what is used: opt's, else the definition's production settings */
	bk_output_set outputs;
	bk_speech_options speech_opt;
	bk_audio_options audio_opt;
	const char *dir;
	char *kits;                           /* dir/kits */
	int root, kits_fd;                    /* handles of dir and dir/kits */
	const char *definition_name;
	char definition_sha[65];
	int langs[2];
	const char *lang_codes[2];
	size_t nlangs;
	unsigned char common[BK_SHA256_SIZE]; /* key of what every kit uses */
	json_t *versions, *options;
	json_t *outputs_json;                 /* the outputs' names, in order */
	bki_kit_paths tfiles;                  /* template files */
	unsigned char (*tdigest)[BK_SHA256_SIZE];
	size_t **stations;                    /* per ballot: station indexes */
	size_t *nstations;
	/* in a worker */
	bk_speech *speech;
	bk_audio *audio;
	bk_braille *braille;
	bk_verifier *verifier; /* the self-check before a kit is put in place */
} build;

static void hash_named_file(bki_hasher *h, const char *label, const char *path)
{
	unsigned char d[BK_SHA256_SIZE];
	bki_hasher_add_str(h, label);
	if (!path || bki_kit_hash_file(path, d, NULL)) {
		if (!path || errno == ENOMEM)
			bki_hasher_fail(h);
		bki_hasher_add_str(h, "missing");
	} else
		bki_hasher_add(h, d, sizeof d);
}

/* A liblouis table and the tables it includes, by content. */
static void hash_table(bki_hasher *h, const char *tpl_dir, const char *name,
                       int depth)
{
	if (depth > 8)
		return;
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/braille/%s", tpl_dir, name);
	if (access(bki_buf_str(&p), R_OK)) {
		bki_buf_truncate(&p, 0);
		bki_buf_printf(&p, "%s/%s", BK_LOUIS_TABLES_DIR, name);
	}
	char *text;
	size_t n;
	bki_hasher_add_str(h, name);
	if (bki_buf_failed(&p) || bki_read_file(bki_buf_str(&p), &text, &n)) {
		if (bki_buf_failed(&p) || errno == ENOMEM)
			bki_hasher_fail(h);
		bki_hasher_add_str(h, "missing");
		bki_buf_free(&p);
		return;
	}
	bki_hasher_add(h, text, n);
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "include", 7) && (line[7] == ' ' || line[7] == '\t')) {
			char *f = line + 8;
			while (*f == ' ' || *f == '\t')
				f++;
			char *end = f;
			while (*end && *end != ' ' && *end != '\t' && *end != '\r')
				end++;
			*end = '\0';
			if (*f)
				hash_table(h, tpl_dir, f, depth + 1);
		}
		line = next;
	}
	free(text);
	bki_buf_free(&p);
}

/* The fonts the renderer may use: fonts/fonts.conf beside the templates
 * and every file in the folders it names. */
static void hash_fonts(bki_hasher *h, const char *tpl_dir)
{
	bki_buf conf = {0};
	bki_buf_printf(&conf, "%s/../fonts/fonts.conf", tpl_dir);
	char *text;
	size_t n;
	if (bki_buf_failed(&conf) || bki_read_file(bki_buf_str(&conf), &text, &n)) {
		if (bki_buf_failed(&conf) || errno == ENOMEM)
			bki_hasher_fail(h);
		bki_hasher_add_str(h, "no fonts.conf");
		bki_buf_free(&conf);
		return;
	}
	bki_hasher_add(h, text, n);
	for (char *p = strstr(text, "<dir>"); p; p = strstr(p, "<dir>")) {
		p += 5;
		char *end = strstr(p, "</dir>");
		if (!end)
			break;
		*end = '\0';
		bki_kit_paths files;
		if (bki_kit_list_files(p, true, &files) && errno == ENOMEM)
			bki_hasher_fail(h);
		for (size_t i = 0; i < files.n; i++) {
			bki_buf f = {0};
			bki_buf_printf(&f, "%s/%s", p, files.v[i]);
			hash_named_file(h, files.v[i],
			                bki_buf_failed(&f) ? NULL : bki_buf_str(&f));
			bki_buf_free(&f);
		}
		bki_kit_paths_free(&files);
		p = end + 6;
	}
	free(text);
	bki_buf_free(&conf);
}

/* Template files a given kit may not use: the stencil geometries and
 * braille profiles of other ballots. */
static bool specific_template(const char *rel)
{
	return !strncmp(rel, "stencil/", 8) || !strncmp(rel, "braille/profiles/", 17);
}

/* Template files no kit is made from: what `ballotkit import` reads
 * (templates/import/), so that a new column alias or example table does
 * not rebuild every kit. */
static bool kit_input(const char *rel)
{
	return strncmp(rel, "import/", 7) != 0;
}

static json_t *options_json(const bk_kit_options *o, const build *b)
{
	json_t *v = json_object();
	json_t *langs = json_array();
	for (size_t i = 0; i < b->nlangs; i++)
		json_array_append_new(langs, json_string(b->lang_codes[i]));
	json_object_set_new(v, "languages", langs);
	/* each group in one json_pack: the keys in the order written. The
	 * groups' lists of members look alike (the speech's, the audio's):
	 * they stay, a list of fields, not logic repeated. */
	json_object_set_new(v, "speech", json_pack(
		"{s:I, s:I, s:I, s:I}",
		"rate", (json_int_t)b->speech_opt.rate,
		"pitch", (json_int_t)b->speech_opt.pitch,
		"volume", (json_int_t)b->speech_opt.volume,
		"word_gap", (json_int_t)b->speech_opt.word_gap));
	json_object_set_new(v, "audio", json_pack(
		"{s:f, s:f, s:I, s:I}",
		"loudness", b->audio_opt.loudness,
		"true_peak", b->audio_opt.true_peak,
		"bitrate", (json_int_t)b->audio_opt.bitrate,
		"quality", (json_int_t)b->audio_opt.quality));
	json_object_set_new(v, "stencil", json_pack(
		"{s:f, s:f, s:f, s:f, s:b, s:f, s:f}",
		"clearance", o->stencil.clearance,
		"corner_radius", o->stencil.corner_radius,
		"window_gap", o->stencil.window_gap,
		"edge_gap", o->stencil.edge_gap,
		"counting_dots", (int)o->stencil.counting_dots,
		"tab_depth", o->stencil.tab_depth,
		"tab_width", o->stencil.tab_width));
	return v;
}

/* The languages of the build: the election's, in its order, those of
 * opt->langs when given (two at most). */
static bk_status choose_languages(build *b, bk_diags *diags)
{
	const bk_election *e = b->e;
	const char *langs = b->opt->langs;
	for (size_t i = 0; i < bk_election_language_count(e); i++) {
		const char *l = bk_election_language(e, i);
		size_t n = strlen(l);
		bool want = !langs;
		for (const char *p = langs; p && *p;) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			if (len == n && !strncmp(p, l, n))
				want = true;
			p += len + (c ? 1 : 0);
		}
		if (want && b->nlangs < 2)
			b->lang_codes[b->nlangs++] = l;
	}
	if (b->nlangs)
		return BK_OK;
	bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--lang",
	             "none of \"%s\" is a language of the election", langs);
	return BK_ERR_USAGE;
}

/* The production settings used: the options', else the definition's. */
static bk_status choose_settings(build *b, bk_diags *diags)
{
	const bk_election *e = b->e;
	const bk_kit_options *o = b->opt;
	b->outputs = o->outputs ? o->outputs : bk_election_outputs(e);
	b->speech_opt = o->speech;
	if (!b->speech_opt.rate)
		b->speech_opt.rate = bk_election_speech_rate(e);
	b->audio_opt = o->audio;
	if (b->audio_opt.loudness == 0)
		b->audio_opt.loudness = bk_election_loudness(e);
	int needed, lacks = bki_outputs_missing(b->outputs, &needed);
	if ((b->outputs & ~BK_OUTPUTS_ALL) || lacks >= 0) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--formats",
		             lacks >= 0 ? "%s needs %s" : "unknown outputs%s%s",
		             lacks >= 0 ? bk_output_name((bk_output)lacks) : "",
		             lacks >= 0 ? bk_output_name((bk_output)needed) : "");
		return BK_ERR_USAGE;
	}
	b->outputs_json = json_array();
	for (int k = 0; k < BK_OUTPUT_COUNT; k++)
		if (b->outputs & BK_OUTPUT_BIT(k))
			json_array_append_new(b->outputs_json,
			                      json_string(bk_output_name((bk_output)k)));
	return BK_OK;
}

/* The engines' versions for the manifests; the braille tables' names
 * are added by hash_braille. */
static void engine_versions(build *b)
{
	b->versions = json_object();
	json_object_set_new(b->versions, "ballotkit", json_string(bk_version()));
	json_object_set_new(b->versions, "espeak-ng",
	                    json_string(bk_speech_engine_version()));
	json_object_set_new(b->versions, "liblouis", json_string(lou_version()));
	json_object_set_new(b->versions, "liblouis_tables", json_object());
	json_object_set_new(b->versions, "cairo", json_string(cairo_version_string()));
	json_object_set_new(b->versions, "libsndfile", json_string(sf_version_string()));
	json_object_set_new(b->versions, "lame", json_string(get_lame_version()));
}

/* Starts the common key with the engines' versions, the options and the
 * outputs. */
static void hash_settings(const build *b, bki_hasher *h)
{
	bki_hasher_add_str(h, "ballotkit-kit-1");
	bki_hasher_add_str(h, bk_version());
	bki_hasher_add_str(h, lou_version());
	bki_hasher_add_str(h, cairo_version_string());
	bki_hasher_add_str(h, sf_version_string());
	bki_hasher_add_str(h, get_lame_version());
	char *opts = json_dumps(b->options, JSON_COMPACT | JSON_SORT_KEYS |
	                                        JSON_REAL_PRECISION(10));
	bki_hasher_add_str(h, opts);
	free(opts);
	opts = json_dumps(b->outputs_json, JSON_COMPACT);
	bki_hasher_add_str(h, opts);
	free(opts);
}

/* The speech key of each language (eSpeak NG's version and data files,
 * voice and parameters), into the key and versions.speech_keys. */
static bk_status hash_speech(build *b, bki_hasher *h, bk_diags *diags)
{
	bk_speech *sp = NULL;
	bk_speech_options so = b->speech_opt;
	so.cache_dir = NULL;
	bk_status st = bk_speech_create(&sp, b->tpl, &so, diags);
	for (size_t i = 0; i < b->nlangs && st == BK_OK; i++) {
		char key[65];
		st = bk_speech_clip_key(sp, b->lang_codes[i], "", key, diags);
		if (st != BK_OK)
			break;
		bki_hasher_add_str(h, key);
		json_t *sk = json_object_get(b->versions, "speech_keys");
		if (!sk) {
			sk = json_object();
			json_object_set_new(b->versions, "speech_keys", sk);
		}
		json_object_set_new(sk, b->lang_codes[i], json_string(key));
	}
	bk_speech_free(sp);
	return st;
}

/* The braille tables of each language (and those they include) and the
 * fonts, into the key; the tables' names into versions. */
static bk_status hash_braille(build *b, bki_hasher *h, bk_diags *diags)
{
	const char *tdir = bk_templates_dir(b->tpl);
	json_t *tables = json_object_get(b->versions, "liblouis_tables");
	bk_braille *br = NULL;
	bk_status st = bk_braille_open(&br, b->e, b->tpl, diags);
	for (int l = 0; l < 2 && st == BK_OK; l++) {
		const char *code = l ? "ru" : "kk";
		const char *t = bk_braille_table(br, code);
		if (!t)
			continue;
		json_object_set_new(tables, code, json_string(t));
		hash_table(h, tdir, t, 0);
	}
	bk_braille_free(br);
	hash_fonts(h, tdir);
	return st;
}

/* Every template file's digest (b->tfiles, b->tdigest); those every kit
 * uses go into the key. */
static bk_status hash_templates(build *b, bki_hasher *h, bk_diags *diags)
{
	const char *tdir = bk_templates_dir(b->tpl);
	if (bki_kit_list_files(tdir, true, &b->tfiles)) {
		if (errno == ENOMEM)
			return bki_diags_nomem(diags, tdir, "", "listing the templates");
		bki_diags_add(diags, BK_ERROR, "unreadable", tdir, 0, 0, "",
		             "cannot list the templates: %s", strerror(errno));
		return BK_ERR_IO;
	}
	b->tdigest = bki_calloc(b->tfiles.n + 1, sizeof *b->tdigest);
	if (!b->tdigest)
		return bki_diags_nomem(diags, tdir, "", "hashing the templates");
	for (size_t i = 0; i < b->tfiles.n; i++) {
		bki_buf p = {0};
		bki_buf_printf(&p, "%s/%s", tdir, b->tfiles.v[i]);
		if (bki_buf_failed(&p) ||
		    (bki_kit_hash_file(bki_buf_str(&p), b->tdigest[i], NULL) &&
		     errno == ENOMEM)) {
			bki_buf_free(&p);
			return bki_diags_nomem(diags, tdir, "", "hashing the templates");
		}
		bki_buf_free(&p);
		if (kit_input(b->tfiles.v[i]) && !specific_template(b->tfiles.v[i])) {
			bki_hasher_add_str(h, b->tfiles.v[i]);
			bki_hasher_add(h, b->tdigest[i], BK_SHA256_SIZE);
		}
	}
	return BK_OK;
}

/* The print PDFs' output profile (their PDF/X-4 output intent), when the
 * outputs hold them (the stencil's print and swell PDFs): its SHA-256 goes
 * into the key and the manifest's versions, so that another profile
 * rebuilds the kits. */
static bk_status hash_output_intent(build *b, bki_hasher *h, bk_diags *diags)
{
	if (!(b->outputs & (BK_OUTPUT_BIT(BK_OUTPUT_STENCIL_PRINT_PDF) |
	                    BK_OUTPUT_BIT(BK_OUTPUT_STENCIL_SWELL_PDF))))
		return BK_OK;
	char *icc = NULL;
	size_t n = 0;
	int err = bki_output_intent_read(&icc, &n);
	if (err == ENOMEM)
		return bki_diags_nomem(diags, bki_output_intent_icc(), "",
		                      "reading the output profile");
	if (err) {
		bki_diags_add(diags, BK_ERROR, "unavailable", bki_output_intent_icc(),
		             0, 0, "", "cannot use the print PDFs' output profile: %s",
		             bki_output_intent_reason(err));
		return BK_ERR_CONFIG;
	}
	unsigned char d[BK_SHA256_SIZE];
	char hex[2 * BK_SHA256_SIZE + 1];
	bki_sha256(icc, n, d);
	free(icc);
	bki_hasher_add(h, d, sizeof d);
	bki_hex(d, sizeof d, hex);
	json_object_set_new(b->versions, "output_intent_sha256", json_string(hex));
	return BK_OK;
}

/* The key of what every kit uses (b->common). */
static bk_status hash_common(build *b, bk_diags *diags)
{
	bki_hasher *h = bki_hasher_new();
	hash_settings(b, h);
	bk_status st = BK_OK;
	if (b->outputs & BK_OUTPUTS_AUDIO)
		st = hash_speech(b, h, diags);
	if (st == BK_OK && (b->outputs & ~BK_OUTPUTS_AUDIO))
		st = hash_braille(b, h, diags);
	if (st == BK_OK)
		st = hash_templates(b, h, diags);
	if (st == BK_OK)
		st = hash_output_intent(b, h, diags);
	if (!bki_hasher_done(h, b->common) && st == BK_OK)
		st = bki_diags_nomem(diags, "", "", "making the kits' key");
	return st;
}

/* The stations of each ballot (b->stations, b->nstations); false when
 * memory runs out. */
static bool ballot_stations(build *b)
{
	const bk_election *e = b->e;
	size_t nb = bk_election_ballot_count(e);
	b->stations = bki_calloc(nb + 1, sizeof *b->stations);
	b->nstations = bki_calloc(nb + 1, sizeof *b->nstations);
	if (!b->stations || !b->nstations)
		return false;
	for (size_t s = 0; s < bk_election_station_count(e); s++)
		for (size_t k = 0; k < bk_election_station_ballot_count(e, s); k++) {
			size_t bi = bk_election_station_ballot(e, s, k);
			size_t *more = bki_reallocarray(b->stations[bi],
			                               b->nstations[bi] + 1,
			                               sizeof(size_t));
			if (!more)
				return false;
			b->stations[bi] = more;
			b->stations[bi][b->nstations[bi]++] = s;
		}
	return true;
}

/* What every kit of the build shares: languages, settings, engine
 * versions, the common key and each ballot's stations. */
static bk_status prepare(build *b, bk_diags *diags)
{
	bk_status st = choose_languages(b, diags);
	if (st != BK_OK)
		return st;
	bk_election_sha256(b->e, b->definition_sha);
	st = choose_settings(b, diags);
	if (st != BK_OK)
		return st;
	engine_versions(b);
	b->options = options_json(b->opt, b);
	st = hash_common(b, diags);
	if (!ballot_stations(b) && st == BK_OK)
		st = bki_diags_nomem(diags, "", "", "preparing the build");
	return st;
}

static void finish(build *b)
{
	size_t nb = bk_election_ballot_count(b->e);
	for (size_t i = 0; b->stations && i < nb; i++)
		free(b->stations[i]);
	free(b->stations);
	free(b->nstations);
	free(b->tdigest);
	bki_kit_paths_free(&b->tfiles);
	json_decref(b->versions);
	json_decref(b->options);
	json_decref(b->outputs_json);
}

/* A kit's resume key: what every kit uses, the ballot's content, and the
 * stencil geometry and braille profile it uses. false when memory runs
 * out. */
static bool kit_key(const build *b, size_t ballot, const char *stencil_tpl,
                    char hex[65])
{
	bki_hasher *h = bki_hasher_new();
	bki_hasher_add_str(h, BK_KIT_FORMAT); /* what a manifest holds */
	bki_hasher_add(h, b->common, BK_SHA256_SIZE);
	char digest[65];
	bk_election_ballot_sha256(b->e, ballot, digest);
	bki_hasher_add_str(h, digest);
	bki_buf want1 = {0}, want2 = {0};
	bki_buf_printf(&want1, "stencil/%s.json", stencil_tpl ? stencil_tpl : "");
	bki_buf_printf(&want2, "braille/profiles/%s.json",
	              bk_election_braille_profile(b->e));
	if (bki_buf_failed(&want1) || bki_buf_failed(&want2))
		bki_hasher_fail(h);
	for (size_t i = 0; i < b->tfiles.n; i++)
		if (!strcmp(b->tfiles.v[i], bki_buf_str(&want1)) ||
		    !strcmp(b->tfiles.v[i], bki_buf_str(&want2))) {
			bki_hasher_add_str(h, b->tfiles.v[i]);
			bki_hasher_add(h, b->tdigest[i], BK_SHA256_SIZE);
		}
	bki_buf_free(&want1);
	bki_buf_free(&want2);
	unsigned char d[BK_SHA256_SIZE];
	if (!bki_hasher_done(h, d))
		return false;
	bki_hex(d, sizeof d, hex);
	return true;
}

/* The kit folder's name: the ballot id, which the definition keeps to
 * letters, digits, '-', '_' and '.'; anything else becomes '_'. NULL
 * when memory runs out. */
static char *kit_name(const char *id)
{
	char *s = bki_strdup(id);
	for (char *p = s; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      (*p == '.' && p != s)))
			*p = '_';
	return s;
}

/* ---- the manifest ---- */

static json_t *stations_json(const build *b, size_t ballot)
{
	json_t *a = json_array();
	for (size_t k = 0; k < b->nstations[ballot]; k++) {
		size_t s = b->stations[ballot][k];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(bk_election_station_id(b->e, s)));
		json_object_set_new(o, "number",
		                    json_integer(bk_election_station_number(b->e, s)));
		json_t *names = json_object();
		for (size_t l = 0; l < bk_election_language_count(b->e); l++) {
			const char *code = bk_election_language(b->e, l);
			const char *n = bk_election_station_name(b->e, s, code);
			if (n)
				json_object_set_new(names, code, json_string(n));
		}
		json_object_set_new(o, "name", names);
		json_t *addr = json_object();
		for (size_t l = 0; l < bk_election_language_count(b->e); l++) {
			const char *code = bk_election_language(b->e, l);
			const char *ad = bk_election_station_address(b->e, s, code);
			if (ad)
				json_object_set_new(addr, code, json_string(ad));
		}
		if (json_object_size(addr))
			json_object_set_new(o, "address", addr);
		else
			json_decref(addr);
		json_object_set_new(o, "copies",
		                    json_integer(bk_election_station_kits(b->e, s)));
		json_array_append_new(a, o);
	}
	return a;
}

/* The manifest's head: everything but the files. */
static json_t *manifest_head(const build *b, size_t ballot, const char *key,
                             json_t *titles)
{
	json_t *m = json_object();
	const char *id = bk_election_ballot_id(b->e, ballot);
	char *name = kit_name(id);
	json_object_set_new(m, "format", json_string(BK_KIT_FORMAT));
	json_object_set_new(m, "kit", json_string(name));
	free(name);
	json_object_set_new(m, "ballot", json_string(id));
	json_object_set_new(m, "titles", json_incref(titles));
	json_t *el = json_object();
	json_object_set_new(el, "id", json_string(bk_election_id(b->e)));
	json_object_set_new(el, "date", json_string(bk_election_date(b->e)));
	const char *slash = strrchr(b->definition_name, '/');
	json_object_set_new(el, "definition",
	                    json_string(slash ? slash + 1 : b->definition_name));
	json_object_set_new(el, "definition_sha256", json_string(b->definition_sha));
	char digest[65];
	bk_election_ballot_sha256(b->e, ballot, digest);
	json_object_set_new(el, "ballot_sha256", json_string(digest));
	json_object_set_new(el, "ballots",
	                    json_integer((json_int_t)bk_election_ballot_count(b->e)));
	json_object_set_new(m, "election", el);
	json_object_set_new(m, "resume_key", json_string(key));
	json_object_set_new(m, "versions", json_deep_copy(b->versions));
	json_object_set_new(m, "outputs", json_deep_copy(b->outputs_json));
	json_object_set_new(m, "options", json_deep_copy(b->options));
	json_object_set_new(m, "stations", stations_json(b, ballot));
	return m;
}

/* Lists every file of the kit folder with its size and SHA-256, into the
 * manifest and SHA256SUMS (for sha256sum -c). */
static int write_manifest(json_t *m, const char *dir)
{
	bki_kit_paths files;
	if (bki_kit_list_files(dir, false, &files))
		return -1;
	json_t *list = json_array();
	bki_buf sums = {0};
	int rc = 0;
	for (size_t i = 0; i < files.n && !rc; i++) {
		if (!strcmp(files.v[i], BK_KIT_MANIFEST) || !strcmp(files.v[i], BK_KIT_SUMS))
			continue;
		bki_buf p = {0};
		bki_buf_printf(&p, "%s/%s", dir, files.v[i]);
		unsigned char d[BK_SHA256_SIZE];
		unsigned long long size;
		char hex[65];
		rc = bki_kit_hash_file(bki_buf_str(&p), d, &size);
		bki_hex(d, sizeof d, hex);
		json_t *f = json_object();
		json_object_set_new(f, "path", json_string(files.v[i]));
		json_object_set_new(f, "size", json_integer((json_int_t)size));
		json_object_set_new(f, "sha256", json_string(hex));
		json_array_append_new(list, f);
		bki_buf_printf(&sums, "%s  %s\n", hex, files.v[i]);
		bki_buf_free(&p);
	}
	bki_kit_paths_free(&files);
	json_object_set_new(m, "files", list);
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/%s", dir, BK_KIT_SUMS);
	if (!rc && (bki_buf_failed(&sums) || bki_buf_failed(&p))) {
		errno = ENOMEM; /* nothing written of what failed */
		rc = -1;
	}
	if (!rc) {
		bki_atomic a;
		rc = bki_atomic_open(&a, bki_buf_str(&p));
		if (!rc) {
			fputs(bki_buf_str(&sums), a.f);
			rc = bki_atomic_commit(&a);
		}
	}
	if (!rc) {
		bki_buf_truncate(&p, 0);
		bki_buf_printf(&p, "%s/%s", dir, BK_KIT_MANIFEST);
		if (bki_buf_failed(&p)) {
			errno = ENOMEM;
			rc = -1;
		} else {
			rc = bki_kit_write_json(m, bki_buf_str(&p));
		}
	}
	bki_buf_free(&p);
	bki_buf_free(&sums);
	return rc;
}

/* ---- one kit ---- */

static bk_status render_script(void *ctx, bk_write_fn write, void *arg,
                               const char *name, bk_diags *diags)
{
	return bk_script_write_to(ctx, "json", write, arg, diags);
}

/* The script as JSON, written under a temporary name and renamed into
 * place like every other output. */
static bk_status write_script(const bk_script *s, const char *path,
                              bk_diags *diags)
{
	return bki_write_atomic(path, render_script, (void *)s, diags);
}

static const char *path_in(bki_buf *b, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static const char *path_in(bki_buf *b, const char *dir, const char *fmt, ...)
{
	bki_buf_truncate(b, 0);
	bki_buf_printf(b, "%s/", dir);
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return bki_buf_str(b);
}

/* One kit while it is made in its temporary folder. */
typedef struct kit_job {
	build *b;
	size_t ballot;
	const char *id;        /* the ballot's id */
	const char *tmp;       /* the temporary folder */
	bk_script *scripts[2]; /* per language of the build */
	bk_stencil *stencil;   /* when the stencil outputs are made */
	const char *profile;   /* the braille profile */
	bk_swell_options sw;
	bk_braille_layout swl; /* the swell paper's layout */
	bki_buf p, sub;         /* a file's path, its folder's */
} kit_job;

/* When st is a failure, says which part of the kit was not made: file is
 * the file or folder it was making, path the position where one is
 * known. Returns st. */
static bk_status part_failed(const kit_job *k, bk_status st, const char *file,
                             const char *path, const char *what,
                             bk_diags *diags)
{
	if (st != BK_OK)
		bki_diags_add(diags, BK_ERROR, "kit", file, 0, 0, path ? path : "",
		             "%s of the kit %s could not be made", what, k->id);
	return st;
}

/* Makes the folder name of the kit (its path into k->sub). */
static bk_status make_folder(kit_job *k, const char *name, bk_diags *diags)
{
	if (!bki_mkdirs(path_in(&k->sub, k->tmp, "%s", name)))
		return BK_OK;
	bki_diags_add(diags, BK_ERROR, "unwritable", bki_buf_str(&k->sub), 0, 0, "",
	             "cannot make the folder %s of the kit %s: %s", name, k->id,
	             strerror(errno));
	return BK_ERR_IO;
}

/* The ballot's script in each language, written to script/. */
static bk_status make_scripts(kit_job *k, bk_diags *diags)
{
	build *b = k->b;
	bk_status st = BK_OK;
	for (size_t l = 0; l < b->nlangs && st == BK_OK; l++)
		st = bk_script_create(&k->scripts[l], b->e, k->id, b->lang_codes[l],
		                      b->tpl, diags);
	if (st == BK_OK)
		st = make_folder(k, "script", diags);
	for (size_t l = 0; l < b->nlangs && st == BK_OK; l++)
		st = write_script(k->scripts[l],
		                  path_in(&k->p, k->tmp, "script/%s-%s.json", k->id,
		                          b->lang_codes[l]),
		                  diags);
	return part_failed(k, st, k->tmp, NULL, "the scripts", diags);
}

/* What every braille output needs: the tables (opened once per worker)
 * and, for swell paper, its layout. */
static bk_status open_braille(kit_job *k, bk_diags *diags)
{
	build *b = k->b;
	bk_status st = BK_OK;
	if ((b->outputs & ~BK_OUTPUTS_AUDIO) && !b->braille)
		st = bk_braille_open(&b->braille, b->e, b->tpl, diags);
	if (st == BK_OK && (b->outputs & SWELL_OUTPUTS))
		st = bk_swell_layout(&k->swl, b->tpl, k->profile, &k->sw, diags);
	return part_failed(k, st, bk_templates_dir(b->tpl), NULL,
	                   "the braille", diags);
}

/* The audio of each language, audio/ID-LANG*; its length is added to
 * *seconds. The speech and audio engines are made once per worker. */
static bk_status make_audio(kit_job *k, double *seconds, bk_diags *diags)
{
	build *b = k->b;
	bk_status st = BK_OK;
	path_in(&k->p, k->tmp, "audio");
	if (!b->speech) {
		bk_speech_options so = b->speech_opt;
		st = bk_speech_create(&b->speech, b->tpl, &so, diags);
		if (st == BK_OK)
			st = bk_audio_create(&b->audio, b->speech, b->tpl, &b->audio_opt,
			                     diags);
	}
	for (size_t l = 0; l < b->nlangs && st == BK_OK; l++) {
		bk_track *t = NULL;
		path_in(&k->p, k->tmp, "audio/%s-%s", k->id, b->lang_codes[l]);
		st = bk_track_create(&t, b->audio, k->scripts[l], diags);
		if (st == BK_OK)
			st = bk_track_write(t, bki_buf_str(&k->p),
			                    (unsigned)(b->outputs & BK_OUTPUTS_AUDIO), diags);
		if (st == BK_OK)
			*seconds += bk_track_duration(t);
		bk_track_free(t);
	}
	return part_failed(k, st, bki_buf_str(&k->p), NULL, "the audio", diags);
}

/* The stencil, labelled in the first language: print and swell PDFs, one
 * cutting SVG per sheet, the ballot proof. */
static bk_status make_stencil(kit_job *k, bk_diags *diags)
{
	build *b = k->b;
	const bk_output_set out = b->outputs;
	const char *dir;
	bk_status st = make_folder(k, "stencil", diags);
	dir = bki_buf_str(&k->sub);
	path_in(&k->p, k->tmp, "stencil");
	if (st != BK_OK)
		goto out;
	st = bk_stencil_create(&k->stencil, b->e, k->scripts[0], b->braille, b->tpl,
	                       &b->opt->stencil, diags);
	if (st == BK_OK && (out & OUT(STENCIL_PRINT_PDF)))
		st = bk_stencil_write_print_pdf(k->stencil,
		        path_in(&k->p, dir, "%s-stencil-print.pdf", k->id), diags);
	if (st == BK_OK && (out & OUT(STENCIL_SWELL_PDF)))
		st = bk_stencil_write_swell_pdf(k->stencil,
		        path_in(&k->p, dir, "%s-stencil-swell.pdf", k->id), diags);
	for (size_t s = 0; st == BK_OK && (out & OUT(STENCIL_SVG)) &&
	                   s < bk_stencil_sheet_count(k->stencil); s++)
		st = bk_stencil_write_svg(k->stencil, s,
		        path_in(&k->p, dir, "%s-stencil-cut-%zu.svg", k->id, s + 1),
		        diags);
	if (st == BK_OK && (out & OUT(STENCIL_PROOF_PDF)))
		st = bk_stencil_write_proof_pdf(k->stencil,
		        path_in(&k->p, dir, "%s-ballot-proof.pdf", k->id), diags);
out:
	return part_failed(k, st, bki_buf_str(&k->p), NULL, "the stencil", diags);
}

/* The BRF, PEF and swell PDF of a braille list or leaflet, those of the
 * three outputs brf, pef, swell that the build asks for (doc is needed
 * for the first two, swell_doc for the third), as DIR/BASE.brf,
 * DIR/BASE.pef and DIR/BASE-swell.pdf; the path of the last one tried is
 * left in k->p. */
static bk_status braille_files(kit_job *k, bk_braille_doc *doc,
                               bk_braille_doc *swell_doc, const char *dir,
                               const char *base, bk_output_set brf,
                               bk_output_set pef, bk_output_set swell,
                               bk_diags *diags)
{
	build *b = k->b;
	bk_status st = BK_OK;
	if (b->outputs & brf)
		st = bk_braille_doc_save(doc, "brf", BK_BRF_FF,
		                         path_in(&k->p, dir, "%s.brf", base), diags);
	if (st == BK_OK && (b->outputs & pef))
		st = bk_braille_doc_save(doc, "pef", BK_BRF_FF,
		                         path_in(&k->p, dir, "%s.pef", base), diags);
	if (st == BK_OK && (b->outputs & swell))
		st = bk_swell_write_pdf(swell_doc, b->tpl, k->profile, &k->sw,
		                        path_in(&k->p, dir, "%s-swell.pdf", base),
		                        diags);
	return st;
}

/* The braille list of language l: braille/ID-LANG.brf, .pef and
 * -swell.pdf. */
static bk_status make_list(kit_job *k, size_t l, bk_diags *diags)
{
	build *b = k->b;
	const bk_output_set out = b->outputs;
	bk_braille_doc *doc = NULL, *swell = NULL;
	bk_braille_layout lay = BK_BRAILLE_LAYOUT_INIT;
	bki_buf base = {0};
	bki_buf_printf(&base, "%s-%s", k->id, b->lang_codes[l]);
	bk_status st = make_folder(k, "braille", diags);
	path_in(&k->p, bki_buf_str(&k->sub), "%s", bki_buf_str(&base));
	if (st != BK_OK)
		goto out;
	if (out & (OUT(BRAILLE_LIST_BRF) | OUT(BRAILLE_LIST_PEF)))
		st = bk_braille_list(&doc, b->braille, k->scripts[l], &lay, diags);
	if (st == BK_OK && (out & OUT(BRAILLE_LIST_SWELL_PDF)))
		st = bk_braille_list(&swell, b->braille, k->scripts[l], &k->swl, diags);
	if (st == BK_OK)
		st = braille_files(k, doc, swell, bki_buf_str(&k->sub),
		                   bki_buf_str(&base), OUT(BRAILLE_LIST_BRF),
		                   OUT(BRAILLE_LIST_PEF), OUT(BRAILLE_LIST_SWELL_PDF),
		                   diags);
out:
	bki_buf_free(&base);
	bk_braille_doc_free(doc);
	bk_braille_doc_free(swell);
	return part_failed(k, st, bki_buf_str(&k->p), NULL, "the braille list",
	                   diags);
}

/* The large-print list of language l: large-print/ID-LANG-large-print.pdf. */
static bk_status make_large_print(kit_job *k, size_t l, bk_diags *diags)
{
	build *b = k->b;
	bk_large_print_options lp = BK_LARGE_PRINT_OPTIONS_INIT;
	bk_status st = make_folder(k, "large-print", diags);
	path_in(&k->p, bki_buf_str(&k->sub), "%s-%s-large-print.pdf", k->id,
	        b->lang_codes[l]);
	if (st == BK_OK)
		st = bk_large_print_list(k->scripts[l], b->tpl, &lp, bki_buf_str(&k->p),
		                         diags);
	return part_failed(k, st, bki_buf_str(&k->p), NULL, "the large-print list",
	                   diags);
}

/* Whether the election has a leaflet of the party or candidate ref
 * (kind "party" or "candidate"). */
static bool has_leaflet(const bk_election *e, const char *kind, const char *ref)
{
	for (size_t j = 0; j < bk_election_leaflet_count(e); j++) {
		const char *lk, *lid;
		bk_election_leaflet(e, j, &lk, &lid);
		if (!strcmp(lk, kind) && !strcmp(lid, ref))
			return true;
	}
	return false;
}

/* The leaflet of position i of language l's script, when the election has
 * one: leaflets/NN-KIND-REF-LANG.brf, .pef, -swell.pdf and
 * -large-print.pdf. */
static bk_status make_leaflet(kit_job *k, size_t l, size_t i, bk_diags *diags)
{
	build *b = k->b;
	const bk_output_set out = b->outputs;
	const bk_script *s = k->scripts[l];
	const char *lang = b->lang_codes[l];
	bk_position_kind pk = bk_script_position_kind(s, i);
	const char *kind = pk == BK_POSITION_PARTY ? "party" : "candidate";
	const char *ref = bk_script_position_ref(s, i);
	if (pk == BK_POSITION_AGAINST_ALL || !has_leaflet(b->e, kind, ref))
		return BK_OK;
	bk_braille_doc *doc = NULL, *swell = NULL;
	bk_braille_layout lay = BK_BRAILLE_LAYOUT_INIT;
	bki_buf base = {0}, pos = {0};
	bki_buf_printf(&base, "%02u-%s-%s-%s", bk_script_position_number(s, i),
	              kind, ref, lang);
	bki_buf_printf(&pos, "position %u", bk_script_position_number(s, i));
	bk_status st = make_folder(k, "leaflets", diags);
	const char *dir = bki_buf_str(&k->sub);
	path_in(&k->p, dir, "%s", bki_buf_str(&base));
	if (st != BK_OK)
		goto out;
	if (out & (OUT(LEAFLET_BRF) | OUT(LEAFLET_PEF)))
		st = bk_braille_leaflet(&doc, b->braille, b->e, kind, ref, lang, &lay,
		                        diags);
	if (st == BK_OK && (out & OUT(LEAFLET_SWELL_PDF)))
		st = bk_braille_leaflet(&swell, b->braille, b->e, kind, ref, lang,
		                        &k->swl, diags);
	if (st == BK_OK)
		st = braille_files(k, doc, swell, dir, bki_buf_str(&base),
		                   OUT(LEAFLET_BRF), OUT(LEAFLET_PEF),
		                   OUT(LEAFLET_SWELL_PDF), diags);
	if (st == BK_OK && (out & OUT(LEAFLET_LARGE_PRINT_PDF))) {
		bk_large_print_options lp = BK_LARGE_PRINT_OPTIONS_INIT;
		st = bk_large_print_leaflet(b->e, kind, ref, lang, b->tpl, &lp,
		        path_in(&k->p, dir, "%s-large-print.pdf", bki_buf_str(&base)),
		        diags);
	}
out:
	part_failed(k, st, bki_buf_str(&k->p), bki_buf_str(&pos), "the leaflet",
	            diags);
	bki_buf_free(&base);
	bki_buf_free(&pos);
	bk_braille_doc_free(doc);
	bk_braille_doc_free(swell);
	return st;
}

/* The braille list, large print and leaflets of language l. */
static bk_status make_language(kit_job *k, size_t l, bk_diags *diags)
{
	const bk_output_set out = k->b->outputs;
	bk_status st = BK_OK;
	if (out & LIST_OUTPUTS)
		st = make_list(k, l, diags);
	if (st == BK_OK && (out & OUT(LARGE_PRINT_PDF)))
		st = make_large_print(k, l, diags);
	for (size_t i = 0; st == BK_OK && (out & LEAFLET_OUTPUTS) &&
	                   i < bk_script_position_count(k->scripts[l]); i++)
		st = make_leaflet(k, l, i, diags);
	return st;
}

/* The kit's manifest and SHA256SUMS, last: they list every file. */
static bk_status make_manifest(kit_job *k, bk_diags *diags)
{
	build *b = k->b;
	json_t *titles = json_object();
	for (size_t l = 0; l < b->nlangs; l++)
		json_object_set_new(titles, b->lang_codes[l],
		                    json_string(bk_script_title(k->scripts[l])));
	char key[65];
	if (!kit_key(b, k->ballot, bk_script_template(k->scripts[0]), key)) {
		json_decref(titles);
		return bki_diags_nomem(diags, k->tmp, "", "making the manifest");
	}
	json_t *m = manifest_head(b, k->ballot, key, titles);
	json_decref(titles);
	if (k->stencil) {
		/* what verify needs to check the windows against the boxes */
		json_t *so = json_object();
		json_object_set_new(so, "template",
		                    json_string(bk_script_template(k->scripts[0])));
		json_object_set_new(so, "sheets",
		        json_integer((json_int_t)bk_stencil_sheet_count(k->stencil)));
		json_object_set_new(so, "clearance",
		        json_real(round(bk_stencil_clearance(k->stencil) * 1e4) / 1e4));
		json_object_set_new(m, "stencil", so);
	}
	bk_status st = BK_OK;
	if (!m) {
		st = bki_diags_nomem(diags, k->tmp, "", "making the manifest");
	} else if (write_manifest(m, k->tmp)) {
		if (errno == ENOMEM)
			st = bki_diags_nomem(diags, k->tmp, "", "writing the manifest");
		else
			bki_diags_add(diags, BK_ERROR, "unwritable", k->tmp, 0, 0, "",
		             "cannot write the manifest of the kit %s: %s", k->id,
		             strerror(errno));
		if (st == BK_OK)
			st = BK_ERR_IO;
	}
	json_decref(m);
	return st;
}

/* Makes the kit of a ballot in the folder tmp, one output family after
 * another, the manifest last. */
static bk_status build_kit(build *b, size_t ballot, const char *tmp,
                           double *audio_seconds, bk_diags *diags)
{
	kit_job k = {.b = b, .ballot = ballot, .tmp = tmp,
	             .id = bk_election_ballot_id(b->e, ballot),
	             .profile = bk_election_braille_profile(b->e),
	             .sw = BK_SWELL_OPTIONS_INIT};
	const bk_output_set out = b->outputs;
	bk_status st = make_scripts(&k, diags);
	if (st != BK_OK)
		goto out;
	st = bki_kit_write_readme(b->tpl, b->lang_codes, b->nlangs, k.scripts, tmp,
	                         diags);
	if (st == BK_OK)
		st = open_braille(&k, diags);
	if (st == BK_OK && (out & BK_OUTPUTS_AUDIO))
		st = make_audio(&k, audio_seconds, diags);
	if (st == BK_OK && (out & STENCIL_OUTPUTS))
		st = make_stencil(&k, diags);
	for (size_t l = 0; l < b->nlangs && st == BK_OK; l++)
		st = make_language(&k, l, diags);
	if (st == BK_OK)
		st = make_manifest(&k, diags);
out:
	bk_stencil_free(k.stencil);
	for (size_t l = 0; l < 2; l++)
		bk_script_free(k.scripts[l]);
	bki_buf_free(&k.p);
	bki_buf_free(&k.sub);
	return st;
}

/* ---- resuming ---- */

/* Whether the kit name in the kits folder has this key and all its files;
 * when only the manifest's head is stale (the definition's hash, its
 * stations), the manifest is rewritten. Everything is reached through the
 * kits folder's handle without following a link: a kit folder that is a
 * link, or holds one where a file goes, is not up to date, so it is built
 * again and the link replaced. */
static bool up_to_date(const build *b, size_t ballot, const char *name,
                       const char *key)
{
	int kfd = bki_fs_dir_at(b->kits_fd, name, 0);
	if (kfd < 0)
		return false;
	char *data = NULL;
	size_t size = 0;
	json_t *m = bki_fs_read_at(kfd, BK_KIT_MANIFEST, &data, &size) ? NULL
	            : json_loadb(data, size, 0, NULL);
	free(data);
	bool ok = m && json_is_string(json_object_get(m, "resume_key")) &&
	          !strcmp(json_string_value(json_object_get(m, "resume_key")), key);
	json_t *files = ok ? json_object_get(m, "files") : NULL;
	ok = ok && json_is_array(files);
	size_t i;
	json_t *f;
	/* the files are listed in byte order, so those of one folder come
	 * together: each folder is opened once */
	bki_buf folder = {0};
	int ffd = -1;
	json_array_foreach(ok ? files : NULL, i, f) {
		const char *fp = json_string_value(json_object_get(f, "path"));
		const char *slash = fp ? strrchr(fp, '/') : NULL;
		size_t flen = slash ? (size_t)(slash - fp) : 0;
		if (!fp || !*fp) {
			ok = false;
			break;
		}
		if (ffd < 0 || flen != folder.len || strncmp(fp, bki_buf_str(&folder), flen)) {
			if (ffd >= 0 && ffd != kfd)
				close(ffd);
			bki_buf_truncate(&folder, 0);
			bki_buf_addn(&folder, fp, flen);
			ffd = flen ? bki_fs_dir_at(kfd, bki_buf_str(&folder), 0) : kfd;
		}
		struct stat st;
		if (ffd < 0 ||
		    fstatat(ffd, slash ? slash + 1 : fp, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) ||
		    (json_int_t)st.st_size != json_integer_value(json_object_get(f, "size")))
			ok = false;
		if (!ok)
			break;
	}
	if (ffd >= 0 && ffd != kfd)
		close(ffd);
	bki_buf_free(&folder);
	if (ok) {
		json_t *head = manifest_head(b, ballot, key,
		                             json_object_get(m, "titles"));
		if (json_object_get(m, "stencil"))
			json_object_set(head, "stencil", json_object_get(m, "stencil"));
		json_object_set(head, "files", files);
		if (!json_equal(head, m))
			ok = !bki_kit_write_json_at(head, kfd, BK_KIT_MANIFEST);
		json_decref(head);
	}
	json_decref(m);
	close(kfd);
	return ok;
}

/* ---- workers ---- */

/* The name of a kit's temporary folder in the kits folder. */
static void tmp_name(bki_buf *p, const char *name, pid_t pid)
{
	bki_buf_truncate(p, 0);
	bki_buf_printf(p, BK_KIT_TMP_PREFIX "%s-%ld", name, (long)pid);
}

static void diags_text(const bk_diags *d, bki_buf *out)
{
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const bk_diag *x = bk_diags_get(d, i);
		if (bk_diag_severity(x) < BK_WARNING)
			continue;
		size_t n = bk_diag_format(x, NULL, 0);
		if (!bki_buf_reserve(out, n + 1))
			return; /* the messages there is no memory for are lost */
		bk_diag_format(x, out->data + out->len, n + 1);
		out->len += n;
		bki_buf_addc(out, '\n');
	}
}

/* Before a kit is put in place, the checks of verify whose cost is small
 * (BK_VERIFY_BUILD): the files its outputs call for, its scripts against
 * the definition, the braille read back from BRF and PEF, the MP3s'
 * chapters and the transcripts. A kit that fails is not installed. */
static bk_status self_check(build *b, const char *tmp, const char *name,
                            bk_diags *diags)
{
	if (!b->verifier) {
		bk_verify_options vo = BK_VERIFY_OPTIONS_INIT;
		vo.election = b->e;
		vo.level = BK_VERIFY_BUILD;
		if (bk_verifier_create(&b->verifier, b->tpl, &vo, diags) != BK_OK)
			return BK_ERR_NOMEM;
	}
	bk_status st = bk_verify_kit(b->verifier, tmp, name, diags);
	if (st != BK_OK)
		bki_diags_add(diags, BK_ERROR, "self-check", name, 0, 0, "",
		             "the kit does not say what the definition says (above), "
		             "so it was not put in place");
	return st == BK_OK ? BK_OK : BK_ERR_INVALID;
}

/* Cache entries the worker's speech and audio discarded so far. */
static size_t cache_discarded(const build *b)
{
	return bk_speech_cache_discarded(b->speech) +
	       bk_audio_cache_discarded(b->audio);
}

/* Builds the kit of ballot in a fresh temporary folder of the kits
 * folder, checks it and puts it in place; *r says how it went. */
static void one_kit(build *b, size_t ballot, bki_kit_reply *r, bk_diags *diags)
{
	char *name = kit_name(bk_election_ballot_id(b->e, ballot));
	bki_buf tmp = {0}, tname = {0};
	/* made fresh in the kits folder through its handle (a link left at
	 * the name goes first, unfollowed); the writers then write by path
	 * into this folder and the ones they make in it */
	tmp_name(&tname, name ? name : "", getpid());
	bki_buf_printf(&tmp, "%s/%s", b->kits, bki_buf_str(&tname));
	if (!name || bki_buf_failed(&tmp) || bki_buf_failed(&tname)) {
		r->status = bki_diags_nomem(diags, b->kits, "", "starting a kit");
		goto out;
	}
	bki_fs_remove_at(b->kits_fd, bki_buf_str(&tname));
	size_t discarded = cache_discarded(b);
	if (mkdirat(b->kits_fd, bki_buf_str(&tname), 0777)) {
		bki_diags_add(diags, BK_ERROR, "unwritable", bki_buf_str(&tmp), 0, 0,
		             "", "cannot make the folder: %s", strerror(errno));
		r->status = BK_ERR_IO;
		goto out;
	}
	r->status = build_kit(b, ballot, bki_buf_str(&tmp), &r->audio_seconds,
	                      diags);
	r->cache_discarded = cache_discarded(b) - discarded;
	if (r->status == BK_OK)
		r->status = self_check(b, bki_buf_str(&tmp), name, diags);
	if (r->status == BK_OK &&
	    bki_kit_install_at(b->kits_fd, bki_buf_str(&tname), name)) {
		char *dst = bki_kit_folder(b->dir, name);
		bki_diags_add(diags, BK_ERROR, "unwritable", dst, 0, 0,
		             "", "cannot put the kit in place and on the disk: %s",
		             strerror(errno));
		free(dst);
		r->status = BK_ERR_IO;
	}
out:
	if (r->status != BK_OK && name && !bki_buf_failed(&tname))
		bki_fs_remove_at(b->kits_fd, bki_buf_str(&tname));
	bki_buf_free(&tmp);
	bki_buf_free(&tname);
	free(name);
}

/* In a worker: sends a diagnostic of its kit to the calling process as
 * it is made, for opt->log. */
static void send_log(const bk_diag *d, void *arg)
{
	bki_buf packed = {0};
	bki_diag_pack(d, &packed);
	/* a caller gone is found by the reply; a diagnostic memory could
	 * not pack is not sent (the log is a courtesy: the kit's reply
	 * carries its status) */
	if (!bki_buf_failed(&packed))
		(void)bki_kit_pool_log(*(const int *)arg, packed.data, packed.len);
	bki_buf_free(&packed);
}

/* A worker process: builds the kits it is handed, one at a time. */
static void worker(build *b, int in, int out)
{
	/* a kit's files are synced together when it is put in place */
	bki_atomic_defer_sync(true);
	size_t ballot;
	while (!bki_kit_pool_next(in, &ballot)) {
		bk_diags *diags = bk_diags_create();
		if (b->opt->log)
			bk_diags_set_callback(diags, send_log, &out);
		bki_kit_reply r = {ballot, BK_OK, 0, 0, 0, false};
		one_kit(b, ballot, &r, diags);
		bki_buf msg = {0};
		diags_text(diags, &msg);
		r.msglen = msg.len;
		int failed = bki_kit_pool_reply(out, &r, bki_buf_str(&msg));
		bk_diags_free(diags);
		bki_buf_free(&msg);
		if (failed)
			break;
	}
	bk_verifier_free(b->verifier);
	bk_audio_free(b->audio);
	bk_speech_free(b->speech);
	bk_braille_free(b->braille);
}

/* Removes the temporary folders of a build that was killed from the
 * folder handle at, without following links: the kits folder's, and the
 * top of the output folder, where builds before the kits folder made
 * them. */
static void remove_stale(int at)
{
	int fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	bki_kit_paths top = {0};
	struct dirent *de;
	/* (a name there is no memory for is left for the next build) */
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, BK_KIT_TMP_PREFIX, strlen(BK_KIT_TMP_PREFIX)))
			bki_kit_paths_add(&top, bki_strdup(de->d_name));
	closedir(d);
	for (size_t i = 0; i < top.n; i++)
		bki_fs_remove_at(at, top.v[i]);
	bki_kit_paths_free(&top);
}

/* bk_kit_options as version 1 of the header laid it out: parts and
 * audio_formats where version 2 has outputs. The nested speech, audio and
 * stencil options have kept their layout since. */
typedef struct kit_options_v1 {
	unsigned int version;
	const char *const *ballots;
	size_t nballots;
	const char *langs;
	unsigned parts;
	unsigned audio_formats;
	int jobs;
	unsigned shard, shards;
	bk_speech_options speech;
	bk_audio_options audio;
	bk_stencil_options stencil;
	bk_kit_progress_fn progress;
	void *progress_arg;
} kit_options_v1;

/* The caller's options as a current struct: version 1's fields copied,
 * and its parts and audio_formats, which name no output of today's table,
 * replaced by the default of outputs (0: the definition's). */
static void options_from_v1(const kit_options_v1 *v1, bk_kit_options *o)
{
	bk_kit_options_init(o);
	o->ballots = v1->ballots;
	o->nballots = v1->nballots;
	o->langs = v1->langs;
	o->jobs = v1->jobs;
	o->shard = v1->shard;
	o->shards = v1->shards;
	o->speech = v1->speech;
	o->audio = v1->audio;
	o->stencil = v1->stencil;
	o->progress = v1->progress;
	o->progress_arg = v1->progress_arg;
}

/* The caller's options of version 2, which end before log: those
 * fields copied, log none. */
static void options_from_v2(const bk_kit_options *v2, bk_kit_options *o)
{
	bk_kit_options_init(o);
	memcpy(o, v2, offsetof(bk_kit_options, log));
	o->version = BK_KIT_OPTIONS_VERSION;
}

/* Checks bk_kit_build's arguments and copies the caller's options, of
 * any version this library knows, into *o. */
static bk_status take_options(const bk_election *e, const bk_templates *tpl,
                              const char *dir, const bk_kit_options *opt,
                              bk_kit_options *o, bk_diags *diags)
{
	if (!e || !tpl || !dir || !opt) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "bk_kit_build needs an election, templates, an output "
		             "folder and options");
		return BK_ERR_USAGE;
	}
	if (!bki_struct_version_ok(opt->version, BK_KIT_OPTIONS_VERSION,
	                          "bk_kit_options", diags))
		return BK_ERR_USAGE;
	if (opt->version == 1)
		options_from_v1((const kit_options_v1 *)(const void *)opt, o);
	else if (opt->version == 2)
		options_from_v2(opt, o);
	else
		*o = *opt;
	if (o->shards && (o->shard < 1 || o->shard > o->shards)) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--shard",
		             "shard %u of %u: a shard is 1 to the number of shards",
		             o->shard, o->shards);
		return BK_ERR_USAGE;
	}
	return BK_OK;
}

/* The ballots asked for, in definition order: want[i] for each ballot i
 * of opt's list (all when it is empty) in opt's shard. BK_ERR_NOTFOUND
 * naming each id the election lacks. */
static bk_status choose_ballots(const bk_election *e, const bk_kit_options *opt,
                                bool *want, bk_diags *diags)
{
	bk_status st = BK_OK;
	for (size_t i = 0; i < opt->nballots; i++) {
		size_t k = bk_election_ballot_find(e, opt->ballots[i]);
		if (k == (size_t)-1) {
			bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "--ballot",
			             "the election has no ballot \"%s\"", opt->ballots[i]);
			st = BK_ERR_NOTFOUND;
		} else
			want[k] = true;
	}
	for (size_t i = 0; i < bk_election_ballot_count(e); i++) {
		if (!opt->nballots)
			want[i] = true;
		if (opt->shards && i % opt->shards != opt->shard - 1)
			want[i] = false;
	}
	return st;
}

/* Opens the output folder, once, by the path the user gave, takes its
 * lock (*lock) and opens its kits folder; everything in it is reached
 * from these handles without following a link (docs/kits.md, "What build
 * writes, and where"). Temporary folders a killed build left go. */
static bk_status open_output(build *b, int *lock, bk_diags *diags)
{
	if ((b->root = bki_fs_open_root(b->dir, true)) < 0) {
		bki_diags_add(diags, BK_ERROR, "unwritable", b->dir, 0, 0, "",
		             "cannot make the folder %s: %s", b->dir, strerror(errno));
		return BK_ERR_IO;
	}
	if ((*lock = bki_kit_lock(b->root, b->dir, diags)) < 0)
		return BK_ERR_IO;
	b->kits_fd = bki_fs_dir_at(b->root, BK_KIT_KITS, BK_FS_CREATE | BK_FS_REPLACE);
	if (b->kits_fd < 0)
		return bki_kit_no_kits_folder(b->dir, diags);
	remove_stale(b->kits_fd);
	remove_stale(b->root);
	return BK_OK;
}

/* A build while its workers run. */
typedef struct run {
	build *b;
	bool *want;
	size_t *todo, ntodo;
	int lock;
	bk_kit_progress pr;
	bk_status first_fail;
	bk_diags *diags;
} run;

/* What is already done: the wanted kits whose resume key and files are
 * in place are counted as skipped, the others go into todo. */
static void find_todo(run *r)
{
	build *b = r->b;
	for (size_t i = 0; i < bk_election_ballot_count(b->e); i++) {
		if (!r->want[i])
			continue;
		r->pr.total++;
		const char *id = bk_election_ballot_id(b->e, i);
		bk_script *s = NULL;
		bk_diags *quiet = bk_diags_create();
		bk_status s1 = bk_script_create(&s, b->e, id, b->lang_codes[0], b->tpl,
		                                quiet);
		char key[65];
		bool keyed = kit_key(b, i, s1 == BK_OK ? bk_script_template(s) : "",
		                     key);
		bk_script_free(s);
		bk_diags_free(quiet);
		char *name = kit_name(id);
		/* a kit whose key or name there was no memory for is built */
		if (s1 == BK_OK && keyed && name && up_to_date(b, i, name, key))
			r->pr.skipped++;
		else
			r->todo[r->ntodo++] = i;
		free(name);
	}
	r->pr.done = r->pr.skipped;
}

static void run_worker(void *arg, int in, int out)
{
	run *r = arg;
	if (r->lock >= 0)
		close(r->lock);
	/* the parent's lists: the worker's own helpers must not inherit them */
	free(r->todo);
	free(r->want);
	worker(r->b, in, out);
	finish(r->b);
}

/* A worker died building the kit of ballot: its temporary folder goes. */
static void run_lost(void *arg, size_t ballot, pid_t pid)
{
	run *r = arg;
	char *name = kit_name(bk_election_ballot_id(r->b->e, ballot));
	bki_buf t = {0};
	tmp_name(&t, name ? name : "", pid);
	if (name && !bki_buf_failed(&t)) /* else left for the next build */
		bki_fs_remove_at(r->b->kits_fd, bki_buf_str(&t));
	bki_buf_free(&t);
	free(name);
}

/* Reports a kit done, built or failed, through the progress callback. */
static void report(run *r, const char *id, int status, const char *msg)
{
	const bk_kit_options *opt = r->b->opt;
	r->pr.done++;
	r->pr.kit = id;
	r->pr.status = status;
	r->pr.messages = msg && *msg ? msg : NULL;
	if (status != BK_OK) {
		r->pr.failed++;
		if (r->first_fail == BK_OK)
			r->first_fail = status;
	}
	if (opt->progress)
		opt->progress(&r->pr, opt->progress_arg);
	r->pr.kit = NULL;
	r->pr.messages = NULL;
}

static void run_done(void *arg, const bki_kit_reply *rep, const char *msg)
{
	run *r = arg;
	const char *id = bk_election_ballot_id(r->b->e, rep->job);
	/* counted whether the kit was built or not: the entries are gone
	 * either way */
	r->pr.cache_discarded += rep->cache_discarded;
	if (rep->status == BK_OK) {
		r->pr.built++;
		r->pr.audio_seconds += rep->audio_seconds;
	} else
		bki_diags_add(r->diags, BK_ERROR, "kit", id, 0, 0, "",
		             "the kit was not built");
	report(r, id, rep->status, msg);
}

/* A diagnostic a worker sent as it was made: to opt->log. */
static void run_log(void *arg, const char *packed, size_t len)
{
	const bk_kit_options *opt = ((run *)arg)->b->opt;
	if (opt->log)
		bki_diag_unpack(packed, len, opt->log, opt->log_arg);
}

/* Builds the kits of todo with the worker pool; those no worker was left
 * to build are reported failed. */
static bk_status run_workers(run *r)
{
	const bk_kit_options *opt = r->b->opt;
	bki_kit_pool_ops ops = {run_worker, run_lost, run_done, run_log, r};
	size_t handed = 0;
	bk_status st = bki_kit_pool_run(opt->jobs > 0 ? opt->jobs : bki_kit_pool_cores(),
	                               r->todo, r->ntodo, &ops, &handed, r->diags);
	for (size_t i = handed; i < r->ntodo; i++)
		report(r, bk_election_ballot_id(r->b->e, r->todo[i]), BK_ERR_IO,
		       "error: no worker was left to build it\n");
	return st;
}

/* The calling process's diagnostics of a build, passed to opt->log and to
 * the log callback the caller's list had. */
typedef struct log_tee {
	bk_diag_fn log, old;
	void *log_arg, *old_arg;
} log_tee;

static void tee_diag(const bk_diag *d, void *arg)
{
	const log_tee *t = arg;
	t->log(d, t->log_arg);
	if (t->old)
		t->old(d, t->old_arg);
}

static bk_status build_kits(const bk_election *e, const char *definition_path,
                            const bk_templates *tpl, const char *dir,
                            bk_kit_options opt, bk_diags *diags);

bk_status bk_kit_build(const bk_election *e, const char *definition_path,
                       const bk_templates *tpl, const char *dir,
                       const bk_kit_options *caller_opt, bk_diags *diags)
{
	bk_kit_options opt;
	if (take_options(e, tpl, dir, caller_opt, &opt, diags) != BK_OK)
		return BK_ERR_USAGE;
	if (!opt.log)
		return build_kits(e, definition_path, tpl, dir, opt, diags);
	/* opt.log sees the calling process's diagnostics too: put it in
	 * front of the list's own callback (a list of our own when the
	 * caller gave none) while the build runs */
	bk_diags *own = diags ? NULL : bk_diags_create();
	bk_diags *list = diags ? diags : own;
	log_tee t = {opt.log, NULL, opt.log_arg, NULL};
	bki_diags_get_callback(list, &t.old, &t.old_arg);
	bk_diags_set_callback(list, tee_diag, &t);
	bk_status st = build_kits(e, definition_path, tpl, dir, opt, list);
	bk_diags_set_callback(list, t.old, t.old_arg);
	bk_diags_free(own);
	return st;
}

/* bk_kit_build once its options are taken. */
static bk_status build_kits(const bk_election *e, const char *definition_path,
                            const bk_templates *tpl, const char *dir,
                            bk_kit_options opt, bk_diags *diags)
{
	build b = {.e = e, .tpl = tpl, .opt = &opt, .dir = dir,
	           .definition_name = definition_path ? definition_path : "election.json",
	           .root = -1, .kits_fd = -1};
	size_t nb = bk_election_ballot_count(e);
	run r = {.b = &b, .lock = -1, .diags = diags,
	         .want = bki_calloc(nb + 1, sizeof *r.want),
	         .todo = bki_calloc(nb + 1, sizeof *r.todo)};
	b.kits = bki_kit_folder(dir, NULL);
	bk_status st = !r.want || !r.todo || !b.kits
	               ? bki_diags_nomem(diags, dir, "", "starting the build")
	               : choose_ballots(e, &opt, r.want, diags);
	if (st == BK_OK)
		st = prepare(&b, diags);
	if (st == BK_OK)
		st = open_output(&b, &r.lock, diags);
	if (st != BK_OK)
		goto out;
	find_todo(&r);
	if (opt.progress)
		opt.progress(&r.pr, opt.progress_arg);
	st = run_workers(&r);
	if (st == BK_OK)
		st = bki_kit_index_locked(b.root, dir, b.tpl, diags);
out:
	free(r.todo);
	free(r.want);
	if (b.kits_fd >= 0)
		close(b.kits_fd);
	if (b.root >= 0)
		close(b.root);
	if (r.lock >= 0)
		close(r.lock);
	free(b.kits);
	finish(&b);
	return st != BK_OK ? st : r.first_fail;
}
