/* Verifying kits: the folder's index, then each kit: its manifest and
 * checksums, the files its outputs call for, its scripts against the
 * reference, and every file decoded by one checker per family
 * (verify-*.c). docs/kits.md. */
#define _GNU_SOURCE
#include "verify/verify-private.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ballotkit/production.h"
#include "ballotkit/script.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "util/cache.h"

/* ---- the record ---- */

static void record(bk_verifier *v, const char *kit, const char *file,
                   const char *check, bk_check_outcome o, const char *note)
{
	void *arr = v->checks;
	bool room = bki_array_room(&arr, &v->cap, v->nchecks, sizeof *v->checks);
	v->checks = arr;
	if (!room) {
		v->nomem = true;
		return;
	}
	vcheck c = {bki_strdup(kit), bki_strdup(file), bki_strdup(check),
	            note ? bki_strdup(note) : NULL, o};
	if (!c.kit || !c.file || !c.check || (note && !c.note)) {
		free(c.kit);
		free(c.file);
		free(c.check);
		free(c.note);
		v->nomem = true;
		return;
	}
	v->checks[v->nchecks++] = c;
}

static void rel_name(const vkit *k, const char *file, bki_buf *b)
{
	bki_buf_truncate(b, 0);
	if (*k->name)
		bki_buf_printf(b, "%s/", k->name);
	bki_buf_add(b, file);
}

size_t vk_check(vkit *k, const char *file, const char *check)
{
	bki_buf r = {0};
	rel_name(k, file, &r);
	record(k->v, k->name, bki_buf_str(&r), check, BK_CHECK_PASSED, "");
	bki_buf_free(&r);
	return k->v->nchecks - 1;
}

void vk_not_run(vkit *k, const char *file, const char *check, const char *fmt, ...)
{
	bki_buf r = {0}, note = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&note, fmt, ap);
	va_end(ap);
	rel_name(k, file, &r);
	record(k->v, k->name, bki_buf_str(&r), check, BK_CHECK_NOT_RUN,
	       bki_buf_str(&note));
	bki_buf_free(&r);
	bki_buf_free(&note);
}

void vk_fail(vkit *k, size_t c, unsigned position, const char *fmt, ...)
{
	vcheck *x = &k->v->checks[c];
	x->outcome = BK_CHECK_FAILED;
	char where[32] = "";
	if (position)
		snprintf(where, sizeof where, "position %u", position);
	bki_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	bki_diags_add(k->diags, BK_ERROR, x->check, x->file, 0, 0, where, "%s",
	             bki_buf_str(&msg));
	bki_buf_free(&msg);
	k->errors++;
}

bool vk_failed(const vkit *k, size_t c)
{
	return k->v->checks[c].outcome == BK_CHECK_FAILED;
}

/* ---- reading ---- */

const char *vk_path(const vkit *k, bki_buf *b, const char *fmt, ...)
{
	bki_buf_truncate(b, 0);
	bki_buf_printf(b, "%s/", k->dir);
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return bki_buf_str(b);
}

/* A regular file's bytes; -1 with errno otherwise (a link is EMLINK: a
 * kit holds files, and a link could name anything). */
static int read_regular(const char *path, char **data, size_t *n)
{
	struct stat st;
	if (lstat(path, &st))
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? EMLINK : EISDIR;
		return -1;
	}
	return bki_read_file(path, data, n);
}

static const char *read_error(int err)
{
	return err == ENOENT ? "missing"
	       : err == EMLINK ? "a symbolic link, not a file"
	       : err == EISDIR ? "not a regular file"
	                       : strerror(err);
}

bool vk_read(vkit *k, size_t c, const char *file, char **data, size_t *n)
{
	bki_buf p = {0};
	int r = read_regular(vk_path(k, &p, "%s", file), data, n);
	int err = errno;
	if (bki_buf_failed(&p) || (r && err == ENOMEM))
		k->v->nomem = true;
	bki_buf_free(&p);
	if (r) {
		vk_fail(k, c, 0, "cannot be read: %s", read_error(err));
		*data = NULL;
		*n = 0;
		return false;
	}
	return true;
}

bool vk_check_read(vkit *k, const char *file, const char *check,
                   size_t *c, char **data, size_t *n)
{
	*c = vk_check(k, file, check);
	*data = NULL;
	*n = 0;
	return vk_read(k, *c, file, data, n);
}

bool vk_decode(vkit *k, size_t c, const char *file, vk_decoder decode,
               void *out)
{
	char *data = NULL;
	size_t n = 0;
	if (!vk_read(k, c, file, &data, &n))
		return false;
	bk_diags *d = bk_diags_create();
	bk_status st = decode(data, n, file, out, d);
	free(data);
	if (st != BK_OK)
		vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
	bk_diags_free(d);
	return st == BK_OK;
}

bool vk_exists(const vkit *k, const char *file)
{
	bki_buf p = {0};
	struct stat st;
	bool ok = !lstat(vk_path(k, &p, "%s", file), &st);
	bki_buf_free(&p);
	return ok;
}

const char *vk_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

json_t *vk_positions(const vkit *k, size_t l)
{
	return json_object_get(k->script[l], "positions");
}

unsigned vk_position_number(const vkit *k, size_t l, size_t i)
{
	return (unsigned)json_integer_value(
		json_object_get(json_array_get(vk_positions(k, l), i), "number"));
}


void vk_no_space(const char *s, bki_buf *out)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(s + i, n - i, &cp);
		if (!k)
			k = 1;
		/* ASCII blanks, NBSP, the form feed between pages, soft hyphens */
		if (!(cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 ||
		      cp == 0xAD || cp == 0x202F))
			bki_buf_addn(out, s + i, k);
		i += k;
	}
}

const char *vk_first(const bk_diags *d)
{
	return bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
}

/* ---- the voice ---- */

bk_speech *vk_voice(vkit *k, size_t c)
{
	bk_verifier *v = k->v;
	json_t *sp = json_object_get(json_object_get(k->manifest, "options"), "speech");
	bk_speech_options so = BK_SPEECH_OPTIONS_INIT;
	static const char *const keys[] = {"rate", "pitch", "volume", "word_gap"};
	int *vals[] = {&so.rate, &so.pitch, &so.volume, &so.word_gap};
	for (size_t q = 0; q < 4; q++) {
		json_t *x = json_object_get(sp, keys[q]);
		if (!json_is_integer(x)) {
			vk_fail(k, c, 0, "the manifest does not say the voice's %s", keys[q]);
			return NULL;
		}
		*vals[q] = (int)json_integer_value(x);
	}
	so.memory_cache = 64u << 20; /* sentences repeat from kit to kit */
	if (!v->speech || so.rate != v->speech_opt.rate || so.pitch != v->speech_opt.pitch ||
	    so.volume != v->speech_opt.volume || so.word_gap != v->speech_opt.word_gap) {
		bk_speech_free(v->speech);
		v->speech = NULL;
		bk_diags *d = bk_diags_create();
		if (bk_speech_create(&v->speech, v->tpl, &so, d) != BK_OK) {
			vk_fail(k, c, 0, "the voice of the manifest (rate %d, pitch %d, "
			        "volume %d, word gap %d) cannot be used: %s", so.rate,
			        so.pitch, so.volume, so.word_gap, vk_first(d));
			v->speech = NULL;
		}
		bk_diags_free(d);
		v->speech_opt = so;
	}
	return v->speech;
}

/* ---- the verifier ---- */

bk_status bk_verifier_create(bk_verifier **out, const bk_templates *tpl,
                             const bk_verify_options *opt, bk_diags *diags)
{
	if (!out || !tpl || !opt)
		return BK_ERR_USAGE;
	*out = NULL;
	if (!bki_struct_version_ok(opt->version, BK_VERIFY_OPTIONS_VERSION,
	                          "bk_verify_options", diags))
		return BK_ERR_USAGE;
	if (opt->level < BK_VERIFY_FULL || opt->level > BK_VERIFY_BUILD) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "bk_verify_options.level is %d; it is one of %d to %d",
		             (int)opt->level, (int)BK_VERIFY_FULL, (int)BK_VERIFY_BUILD);
		return BK_ERR_USAGE;
	}
	bk_verifier *v = bki_calloc(1, sizeof *v);
	if (!v)
		return bki_diags_nomem(diags, "", "", "making a verifier");
	v->tpl = tpl;
	v->e = opt->election;
	v->level = opt->level;
	v->partial = opt->partial || opt->level == BK_VERIFY_BUILD;
	bk_diags *d = bk_diags_create();
	bk_status st = d ? bk_braille_open(&v->braille, v->e, tpl, d)
	                 : BK_ERR_NOMEM;
	bk_diags_free(d);
	if (st == BK_ERR_NOMEM) {
		bk_verifier_free(v);
		return bki_diags_nomem(diags, "", "", "making a verifier");
	}
	if (st != BK_OK)
		v->braille = NULL; /* every braille check then says why it fails */
	(void)diags;
	*out = v;
	return BK_OK;
}

void vk_clear_record(bk_verifier *v)
{
	for (size_t i = 0; i < v->nchecks; i++) {
		free(v->checks[i].kit);
		free(v->checks[i].file);
		free(v->checks[i].check);
		free(v->checks[i].note);
	}
	v->nchecks = 0;
	v->nomem = false;
}

void bk_verifier_free(bk_verifier *v)
{
	if (!v)
		return;
	vk_clear_record(v);
	free(v->checks);
	bk_speech_free(v->speech);
	bk_braille_free(v->braille);
	free(v);
}

size_t bk_verifier_check_count(const bk_verifier *v) { return v ? v->nchecks : 0; }

const bk_verify_check *bk_verifier_check(const bk_verifier *v, size_t i)
{
	if (!v || i >= v->nchecks)
		return NULL;
	bk_verifier *w = (bk_verifier *)v;
	const vcheck *c = &v->checks[i];
	w->view = (bk_verify_check){c->kit, c->file, c->check, c->outcome, c->note};
	return &w->view;
}

int bk_verifier_has_definition(const bk_verifier *v) { return v && v->e; }

const char *bk_check_outcome_string(bk_check_outcome o)
{
	switch (o) {
	case BK_CHECK_PASSED: return "passed";
	case BK_CHECK_FAILED: return "failed";
	case BK_CHECK_NOT_RUN: return "not run";
	}
	return "unknown";
}

/* ---- paths and listings ---- */

/* A path a manifest may name: relative, no "..", no empty part. */
static bool safe_path(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!n || (n == 2 && !strncmp(s, "..", 2)) || (n == 1 && *s == '.'))
			return false;
		s += n + (e ? 1 : 0);
	}
	return true;
}

typedef struct strs {
	char **v;
	size_t n, cap;
	bool nomem; /* a string could not be kept (see strs_done) */
} strs;

/* Adds x (taken over; NULL: memory ran out making it). */
static void strs_add(strs *s, char *x)
{
	void *v = s->v;
	bool room = x && bki_array_room(&v, &s->cap, s->n, sizeof *s->v);
	s->v = v;
	if (!room) {
		free(x);
		s->nomem = true;
		return;
	}
	s->v[s->n++] = x;
}

static void strs_free(strs *s);

/* Frees s; a string it could not keep makes v's check out of memory. */
static void strs_done(bk_verifier *v, strs *s)
{
	if (s->nomem)
		v->nomem = true;
	strs_free(s);
}

static void strs_free(strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (strs){0};
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool strs_has(const strs *s, const char *x)
{
	return s->n && bsearch(&x, s->v, s->n, sizeof *s->v, cmp_str);
}

/* Every entry under dir/rel, recursively (folders walked, anything else
 * listed: files, links, FIFOs), relative to dir, sorted by bytes. */
static void walk(const char *dir, const char *rel, strs *out, int depth)
{
	bki_buf p = {0};
	bki_buf_printf(&p, "%s%s%s", dir, *rel ? "/" : "", rel);
	DIR *d = depth < 16 ? opendir(bki_buf_str(&p)) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bki_buf r = {0}, f = {0};
		bki_buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		bki_buf_printf(&f, "%s/%s", dir, bki_buf_str(&r));
		struct stat st;
		if (!lstat(bki_buf_str(&f), &st) && S_ISDIR(st.st_mode)) {
			walk(dir, bki_buf_str(&r), out, depth + 1);
			bki_buf_free(&r);
		} else {
			strs_add(out, bki_buf_steal(&r));
		}
		bki_buf_free(&f);
	}
	if (d)
		closedir(d);
	bki_buf_free(&p);
	if (!*rel)
		bki_sort(out->v, out->n, sizeof *out->v, cmp_str);
}

/* ---- outputs: the files a kit must hold ---- */

/* The families of files of each output (include/ballotkit/production.h). */
static const unsigned output_bits[BK_OUTPUT_COUNT] = {
	[BK_OUTPUT_AUDIO_MP3] = VO_AUDIO_MP3,
	[BK_OUTPUT_AUDIO_POSITIONS] = VO_AUDIO_POSITIONS,
	[BK_OUTPUT_AUDIO_DAISY] = VO_AUDIO_DAISY,
	[BK_OUTPUT_AUDIO_TRANSCRIPT] = VO_AUDIO_TRANSCRIPT,
	[BK_OUTPUT_AUDIO_CAPTIONS] = VO_AUDIO_CAPTIONS,
	[BK_OUTPUT_AUDIO_REVIEW] = VO_AUDIO_REVIEW,
	[BK_OUTPUT_AUDIO_WAV] = VO_AUDIO_OTHER,
	[BK_OUTPUT_AUDIO_FLAC] = VO_AUDIO_OTHER,
	[BK_OUTPUT_AUDIO_VORBIS] = VO_AUDIO_OTHER,
	[BK_OUTPUT_AUDIO_OPUS] = VO_AUDIO_OTHER,
	[BK_OUTPUT_AUDIO_PHONE] = VO_AUDIO_OTHER,
	[BK_OUTPUT_STENCIL_PRINT_PDF] = VO_STENCIL_PRINT,
	[BK_OUTPUT_STENCIL_SWELL_PDF] = VO_STENCIL_SWELL,
	[BK_OUTPUT_STENCIL_SVG] = VO_STENCIL_SVG,
	[BK_OUTPUT_STENCIL_PROOF_PDF] = VO_STENCIL_PROOF,
	[BK_OUTPUT_BRAILLE_LIST_BRF] = VO_BRAILLE_BRF,
	[BK_OUTPUT_BRAILLE_LIST_PEF] = VO_BRAILLE_PEF,
	[BK_OUTPUT_BRAILLE_LIST_SWELL_PDF] = VO_BRAILLE_SWELL,
	[BK_OUTPUT_LARGE_PRINT_PDF] = VO_LARGE_PRINT,
	[BK_OUTPUT_LEAFLET_BRF] = VO_LEAFLET_BRF,
	[BK_OUTPUT_LEAFLET_PEF] = VO_LEAFLET_PEF,
	[BK_OUTPUT_LEAFLET_SWELL_PDF] = VO_LEAFLET_SWELL,
	[BK_OUTPUT_LEAFLET_LARGE_PRINT_PDF] = VO_LEAFLET_LARGE_PRINT,
};

/* The outputs the manifest says the kit holds ("outputs", names of
 * production.h); with a definition, they must include the definition's
 * production.outputs. */
static unsigned manifest_outputs(vkit *k, size_t c)
{
	json_t *outs = json_object_get(k->manifest, "outputs");
	if (!json_is_array(outs)) {
		vk_fail(k, c, 0, "the manifest does not say which outputs the kit holds");
		return 0;
	}
	unsigned bits = 0;
	bk_output_set set = 0;
	size_t i;
	json_t *x;
	json_array_foreach(outs, i, x) {
		const char *name = json_string_value(x);
		int o = name ? bk_output_find(name) : -1;
		if (o < 0) {
			vk_fail(k, c, 0, "the manifest names an output \"%s\" that ballotkit "
			        "does not make", name ? name : "");
			continue;
		}
		set |= BK_OUTPUT_BIT(o);
		bits |= output_bits[o];
		k->other_audio |= output_bits[o] == VO_AUDIO_OTHER ? BK_OUTPUT_BIT(o) : 0;
	}
	if (k->v->e) {
		bk_output_set want = bk_election_outputs(k->v->e), lack = want & ~set;
		bki_buf names = {0};
		for (int o = 0; o < BK_OUTPUT_COUNT; o++)
			if (lack & BK_OUTPUT_BIT(o))
				bki_buf_printf(&names, "%s%s", names.len ? ", " : "",
				              bk_output_name((bk_output)o));
		if (lack && k->v->partial)
			vk_not_run(k, BK_KIT_MANIFEST, "outputs", "the kit was built without "
			           "%s, which the definition's production.outputs call for "
			           "(--partial)", bki_buf_str(&names));
		else if (lack)
			vk_fail(k, c, 0, "the definition's production.outputs call for %s, "
			        "which the kit was built without (build --formats?; "
			        "verify --partial accepts a kit built so)",
			        bki_buf_str(&names));
		bki_buf_free(&names);
	}
	return bits;
}

/* The audio section files (positions/) of language l, in order. */
static void position_files(const vkit *k, size_t l, strs *out)
{
	json_t *pos = vk_positions(k, l);
	size_t n = json_array_size(pos);
	int width = n + 2 > 100 ? 3 : 2;
	bki_buf b = {0};
	bki_buf_printf(&b, "%0*d-intro.mp3", width, 0);
	strs_add(out, bki_buf_steal(&b));
	for (size_t i = 0; i < n; i++) {
		const char *ref = vk_str(json_array_get(pos, i), "ref");
		bki_buf_printf(&b, "%0*zu-%s.mp3", width, i + 1, *ref ? ref : "against-all");
		strs_add(out, bki_buf_steal(&b));
	}
	bki_buf_printf(&b, "%0*zu-end.mp3", width, n + 1);
	strs_add(out, bki_buf_steal(&b));
}

/* How many stencil sheets the script's positions fill. */
unsigned vk_sheet_count(const vkit *k)
{
	unsigned s = 0;
	size_t i;
	json_t *p;
	json_array_foreach(vk_positions(k, 0), i, p) {
		unsigned x = (unsigned)json_integer_value(json_object_get(p, "sheet"));
		if (x > s)
			s = x;
	}
	return s;
}

/* A pattern of production.h with {ballot} and {lang} filled in (the
 * on-request audio outputs' patterns hold no wildcard). */
static void expand(const char *pat, const char *ballot, const char *lang, bki_buf *out)
{
	bki_buf_truncate(out, 0);
	while (*pat) {
		if (!strncmp(pat, "{ballot}", 8)) {
			bki_buf_add(out, ballot);
			pat += 8;
		} else if (!strncmp(pat, "{lang}", 6)) {
			bki_buf_add(out, lang);
			pat += 6;
		} else {
			bki_buf_addc(out, *pat++);
		}
	}
}

static void expected_files(vkit *k, strs *out)
{
	const char *b = k->ballot;
	bki_buf p = {0};
#define ADD(...)                                           \
	do {                                               \
		bki_buf_printf(&p, __VA_ARGS__);            \
		strs_add(out, bki_buf_steal(&p));           \
	} while (0)
	ADD("README.txt");
	for (size_t l = 0; l < k->nlangs; l++) {
		const char *g = k->langs[l];
		ADD("script/%s-%s.json", b, g);
		const char *a = "audio";
		if (k->outputs & VO_AUDIO_MP3)
			ADD("%s/%s-%s/%s-%s.mp3", a, b, g, b, g);
		if (k->outputs & VO_AUDIO_POSITIONS) {
			strs pf = {0};
			position_files(k, l, &pf);
			for (size_t i = 0; i < pf.n; i++)
				ADD("%s/%s-%s/positions/%s", a, b, g, pf.v[i]);
			ADD("%s/%s-%s/positions/playlist.m3u8", a, b, g);
			strs_done(k->v, &pf);
		}
		if (k->outputs & VO_AUDIO_DAISY) {
			ADD("%s/%s-%s/ncc.html", a, b, g);
			size_t sections = json_array_size(vk_positions(k, l)) + 2;
			for (size_t i = 1; i <= sections; i++)
				ADD("%s/%s-%s/s%04zu.smil", a, b, g, i);
		}
		if (k->outputs & VO_AUDIO_TRANSCRIPT)
			ADD("%s/%s-%s/%s-%s.txt", a, b, g, b, g);
		if (k->outputs & VO_AUDIO_CAPTIONS)
			ADD("%s/%s-%s/%s-%s.vtt", a, b, g, b, g);
		if (k->outputs & VO_AUDIO_REVIEW)
			ADD("%s/%s-%s/%s-%s-review.html", a, b, g, b, g);
		for (int o = 0; o < BK_OUTPUT_COUNT; o++) {
			if (!(k->other_audio & BK_OUTPUT_BIT(o)))
				continue;
			const char *pat;
			for (size_t q = 0; (pat = bk_output_file_pattern((bk_output)o, q)); q++) {
				expand(pat, b, g, &p);
				strs_add(out, bki_buf_steal(&p));
			}
		}
		if (k->outputs & VO_BRAILLE_BRF)
			ADD("braille/%s-%s.brf", b, g);
		if (k->outputs & VO_BRAILLE_PEF)
			ADD("braille/%s-%s.pef", b, g);
		if (k->outputs & VO_BRAILLE_SWELL)
			ADD("braille/%s-%s-swell.pdf", b, g);
		if (k->outputs & VO_LARGE_PRINT)
			ADD("large-print/%s-%s-large-print.pdf", b, g);
	}
	if (k->outputs & VO_STENCIL_PRINT)
		ADD("stencil/%s-stencil-print.pdf", b);
	if (k->outputs & VO_STENCIL_SWELL)
		ADD("stencil/%s-stencil-swell.pdf", b);
	if (k->outputs & VO_STENCIL_SVG)
		for (unsigned s = 1; s <= vk_sheet_count(k); s++)
			ADD("stencil/%s-stencil-cut-%u.svg", b, s);
	if (k->outputs & VO_STENCIL_PROOF)
		ADD("stencil/%s-ballot-proof.pdf", b);
	for (size_t i = 0; i < k->nleaflets; i++) {
		const char *base = k->leaflets[i].base;
		if (k->outputs & VO_LEAFLET_BRF)
			ADD("leaflets/%s.brf", base);
		if (k->outputs & VO_LEAFLET_PEF)
			ADD("leaflets/%s.pef", base);
		if (k->outputs & VO_LEAFLET_SWELL)
			ADD("leaflets/%s-swell.pdf", base);
		if (k->outputs & VO_LEAFLET_LARGE_PRINT)
			ADD("leaflets/%s-large-print.pdf", base);
	}
#undef ADD
	bki_sort(out->v, out->n, sizeof *out->v, cmp_str);
	bki_buf_free(&p);
}


/* ---- leaflets ---- */

static void add_leaflet(vkit *k, unsigned number, const char *kind,
                        const char *id, const char *lang)
{
	vleaflet *more = bki_reallocarray(k->leaflets, k->nleaflets + 1,
	                                 sizeof *k->leaflets);
	if (!more) {
		k->v->nomem = true;
		return;
	}
	k->leaflets = more;
	bki_buf b = {0};
	bki_buf_printf(&b, "%02u-%s-%s-%s", number, kind, id, lang);
	vleaflet f = {bki_buf_steal(&b), bki_strdup(kind), bki_strdup(id),
	              bki_strdup(lang), number};
	if (!f.base || !f.kind || !f.id || !f.lang) {
		free(f.base);
		free(f.kind);
		free(f.id);
		free(f.lang);
		k->v->nomem = true;
		return;
	}
	k->leaflets[k->nleaflets++] = f;
}

/* The leaflets the kit must hold: with a definition, those of the
 * ballot's parties and candidates that have one; without, those its
 * manifest lists, each of which must name a position of the script with
 * that kind and id. */
static void find_leaflets(vkit *k, const strs *listed)
{
	if (!(k->outputs & (VO_LEAFLET_BRF | VO_LEAFLET_PEF | VO_LEAFLET_SWELL |
	                    VO_LEAFLET_LARGE_PRINT)))
		return;
	if (k->v->e) {
		k->leaflets_known = true;
		for (size_t l = 0; l < k->nlangs; l++) {
			size_t i;
			json_t *p;
			json_array_foreach(vk_positions(k, l), i, p) {
				const char *kind = vk_str(p, "kind");
				if (strcmp(kind, "party") && strcmp(kind, "candidate"))
					continue;
				const char *id = vk_str(p, "ref");
				for (size_t j = 0; j < bk_election_leaflet_count(k->v->e); j++) {
					const char *lk, *lid;
					bk_election_leaflet(k->v->e, j, &lk, &lid);
					if (!strcmp(lk, kind) && !strcmp(lid, id))
						add_leaflet(k, vk_position_number(k, l, i), kind,
						            id, k->langs[l]);
				}
			}
		}
		return;
	}
	size_t c = vk_check(k, "leaflets", "leaflet-names");
	for (size_t i = 0; i < listed->n; i++) {
		const char *p = listed->v[i];
		if (strncmp(p, "leaflets/", 9))
			continue;
		const char *name = p + 9;
		size_t n = strlen(name);
		static const char *const ext[] = {"-large-print.pdf", "-swell.pdf", ".brf",
		                                  ".pef", NULL};
		size_t base = 0;
		for (size_t e = 0; ext[e] && !base; e++) {
			size_t el = strlen(ext[e]);
			if (n > el && !strcmp(name + n - el, ext[e]))
				base = n - el;
		}
		/* NN-kind-id-lang */
		unsigned num = 0;
		int used = 0;
		char kind[16];
		bool ok = base > 6 && sscanf(name, "%u-%15[a-z]-%n", &num, kind, &used) == 2 &&
		          used > 0 && (size_t)used + 3 < base && name[base - 3] == '-';
		if (!ok) {
			vk_fail(k, c, 0, "leaflets/%s is not a leaflet's name", name);
			continue;
		}
		char *id = bki_strndup(name + used, base - 3 - (size_t)used);
		char *lang = bki_strndup(name + base - 2, 2);
		if (!id || !lang) {
			free(id);
			free(lang);
			k->v->nomem = true;
			continue;
		}
		size_t li = k->nlangs;
		for (size_t l = 0; l < k->nlangs; l++)
			if (!strcmp(k->langs[l], lang))
				li = l;
		json_t *pos = li < k->nlangs && num ?
		              json_array_get(vk_positions(k, li), num - 1) : NULL;
		if (!pos || strcmp(vk_str(pos, "kind"), kind) || strcmp(vk_str(pos, "ref"), id))
			vk_fail(k, c, num, "leaflets/%s names %s %s in %s, which is not "
			        "position %u of the ballot", name, kind, id, lang, num);
		else {
			bool dup = false;
			bki_buf b = {0};
			bki_buf_addn(&b, name, base);
			for (size_t j = 0; j < k->nleaflets; j++)
				dup |= !strcmp(k->leaflets[j].base, bki_buf_str(&b));
			if (!dup)
				add_leaflet(k, num, kind, id, lang);
			bki_buf_free(&b);
		}
		free(id);
		free(lang);
	}
}

/* ---- manifest and checksums ---- */

static void check_files(vkit *k, const strs *expected)
{
	json_t *files = json_object_get(k->manifest, "files");
	size_t c = vk_check(k, BK_KIT_MANIFEST, "files");
	strs listed = {0};
	bki_buf sums = {0}, p = {0};
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		const char *path = vk_str(f, "path");
		if (!safe_path(path) || !strcmp(path, BK_KIT_MANIFEST) ||
		    !strcmp(path, BK_KIT_SUMS)) {
			vk_fail(k, c, 0, "the manifest lists \"%s\", not a file of the kit", path);
			continue;
		}
		strs_add(&listed, bki_strdup(path));
		char *data = NULL;
		size_t n = 0;
		if (read_regular(vk_path(k, &p, "%s", path), &data, &n)) {
			int err = errno;
			size_t m = vk_check(k, path, "missing");
			vk_fail(k, m, 0, "listed in the manifest but %s", read_error(err));
			continue;
		}
		unsigned char d[BK_SHA256_SIZE];
		char hex[65];
		bki_sha256(data, n, d);
		free(data);
		bki_hex(d, sizeof d, hex);
		json_t *size = json_object_get(f, "size");
		if (!json_is_integer(size) || (json_int_t)n != json_integer_value(size)) {
			size_t m = vk_check(k, path, "size");
			vk_fail(k, m, 0, "%zu bytes, the manifest says %lld", n,
			        (long long)json_integer_value(size));
		} else if (strcmp(hex, vk_str(f, "sha256"))) {
			size_t m = vk_check(k, path, "checksum");
			vk_fail(k, m, 0, "SHA-256 %s, the manifest says %s", hex,
			        vk_str(f, "sha256"));
		}
		bki_buf_printf(&sums, "%s  %s\n", vk_str(f, "sha256"), path);
	}
	bki_sort(listed.v, listed.n, sizeof *listed.v, cmp_str);
	for (size_t q = 1; q < listed.n; q++)
		if (!strcmp(listed.v[q], listed.v[q - 1]))
			vk_fail(k, c, 0, "the manifest lists %s twice", listed.v[q]);
	/* no file the manifest does not list */
	strs all = {0};
	walk(k->dir, "", &all, 0);
	for (size_t q = 0; q < all.n; q++) {
		if (!strcmp(all.v[q], BK_KIT_MANIFEST) || !strcmp(all.v[q], BK_KIT_SUMS) ||
		    strs_has(&listed, all.v[q]))
			continue;
		size_t m = vk_check(k, all.v[q], "unlisted");
		vk_fail(k, m, 0, "not in the manifest");
	}
	/* every file the outputs call for, and nothing else */
	for (size_t q = 0; q < expected->n; q++)
		if (!strs_has(&listed, expected->v[q])) {
			size_t m = vk_check(k, expected->v[q], "missing");
			vk_fail(k, m, 0, "the kit's outputs call for it, but the manifest "
			        "does not list it%s", vk_exists(k, expected->v[q]) ? "" :
			        " and it is not there");
		}
	for (size_t q = 0; q < listed.n; q++)
		if (!strs_has(expected, listed.v[q])) {
			size_t m = vk_check(k, listed.v[q], "unexpected");
			vk_fail(k, m, 0, "no output of the kit makes this file");
		}
	/* SHA256SUMS says what the manifest says */
	size_t s = vk_check(k, BK_KIT_SUMS, "checksum");
	char *text = NULL;
	size_t n = 0;
	if (vk_read(k, s, BK_KIT_SUMS, &text, &n) &&
	    (n != sums.len || memcmp(text, bki_buf_str(&sums), n)))
		vk_fail(k, s, 0, "differs from the manifest");
	free(text);
	if (bki_buf_failed(&sums))
		k->v->nomem = true;
	strs_done(k->v, &all);
	strs_done(k->v, &listed);
	bki_buf_free(&sums);
	bki_buf_free(&p);
}

/* ---- the scripts ---- */

static json_t *script_of_definition(const bk_verifier *v, const char *ballot,
                                    const char *lang)
{
	bk_script *s = NULL;
	if (bk_script_create(&s, v->e, ballot, lang, v->tpl, NULL) != BK_OK)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	json_t *j = NULL;
	if (f && bk_script_write(s, "json", f) == BK_OK && !fclose(f))
		j = json_loadb(buf, n, 0, NULL);
	else if (f)
		fclose(f);
	free(buf);
	bk_script_free(s);
	return j;
}

/* The ballot's own boxes the kit was built for (the script's "paper")
 * against the definition's now; false when they differ (said). */
static bool compare_paper(vkit *k, size_t c, const json_t *kit, const json_t *def)
{
	json_t *kp = json_object_get(kit, "paper"), *dp = json_object_get(def, "paper");
	if ((!kp && !dp) || json_equal(kp, dp))
		return true;
	if (!kp || !dp) {
		vk_fail(k, c, 0, "%s", dp ? "the definition gives the ballot its own "
		        "boxes, the kit was built on its template"
		        : "the kit was built on the ballot's own boxes, the "
		        "definition puts it on its template");
		return false;
	}
	const char *was = vk_str(json_object_get(kp, "ballot_pdf"), "sha256");
	const char *now = vk_str(json_object_get(dp, "ballot_pdf"), "sha256");
	if (strcmp(was, now)) {
		vk_fail(k, c, 0, "the ballot PDF %s has changed since the kit was "
		        "built (SHA-256 now %.16s…, the kit's %.16s…)",
		        vk_str(json_object_get(dp, "ballot_pdf"), "file"), now, was);
		return false;
	}
	json_t *kb = json_object_get(kp, "boxes"), *db = json_object_get(dp, "boxes");
	for (size_t i = 0; i < json_array_size(db); i++)
		if (!json_equal(json_array_get(kb, i), json_array_get(db, i))) {
			char *a = json_dumps(json_array_get(kb, i), JSON_ENCODE_ANY);
			char *b = json_dumps(json_array_get(db, i), JSON_ENCODE_ANY);
			vk_fail(k, c, 0, "box %zu: the kit was built for %s (x, y, width, "
			        "height, mm), the definition has %s", i + 1,
			        a ? a : "none", b ? b : "null");
			free(a);
			free(b);
			return false;
		}
	vk_fail(k, c, 0, "the ballot's paper (%s) differs from the definition's",
	        "its size or its number of boxes");
	return false;
}

static void compare_scripts(vkit *k, size_t c, const json_t *kit, const json_t *def)
{
	if (json_equal(kit, def) || !compare_paper(k, c, kit, def))
		return;
	json_t *kp = json_object_get(kit, "positions");
	json_t *dp = json_object_get(def, "positions");
	if (json_array_size(kp) != json_array_size(dp)) {
		vk_fail(k, c, 0, "%zu positions, the definition has %zu",
		        json_array_size(kp), json_array_size(dp));
		return;
	}
	for (size_t i = 0; i < json_array_size(kp); i++) {
		json_t *a = json_array_get(kp, i), *b = json_array_get(dp, i);
		if (json_equal(a, b))
			continue;
		unsigned num = (unsigned)json_integer_value(json_object_get(b, "number"));
		const char *key;
		json_t *val;
		json_object_foreach(b, key, val)
			if (!json_equal(val, json_object_get(a, key))) {
				char *ka = json_dumps(json_object_get(a, key), JSON_ENCODE_ANY);
				char *kb = json_dumps(val, JSON_ENCODE_ANY);
				vk_fail(k, c, num ? num : (unsigned)(i + 1),
				        "%s is %s in the kit, %s in the definition", key,
				        ka ? ka : "missing", kb ? kb : "null");
				free(ka);
				free(kb);
				return;
			}
		vk_fail(k, c, num ? num : (unsigned)(i + 1), "differs from the definition");
		return;
	}
	vk_fail(k, c, 0, "the title, district or spoken segments differ from the "
	                 "definition");
}

/* The reference script of each language: the definition's, made afresh
 * (the kit's own must equal it), or without a definition the kit's own. */
static bool load_scripts(vkit *k)
{
	bool ok = true;
	for (size_t l = 0; l < k->nlangs; l++) {
		bki_buf file = {0}, p = {0};
		bki_buf_printf(&file, "script/%s-%s.json", k->ballot, k->langs[l]);
		size_t c = vk_check(k, bki_buf_str(&file), k->v->e ? "definition" : "script");
		char *data = NULL;
		size_t n = 0;
		json_t *own = NULL;
		if (vk_read(k, c, bki_buf_str(&file), &data, &n)) {
			json_error_t err;
			own = json_loadb(data, n, JSON_REJECT_DUPLICATES, &err);
			if (!own || !json_is_array(json_object_get(own, "positions")))
				vk_fail(k, c, 0, "not a ballot script: %s",
				        own ? "it has no positions" : err.text);
		}
		free(data);
		if (k->v->e) {
			k->script[l] = script_of_definition(k->v, k->ballot, k->langs[l]);
			if (!k->script[l]) {
				vk_fail(k, c, 0, "the definition gives no script for this "
				        "ballot in %s", k->langs[l]);
				ok = false;
			} else if (own) {
				compare_scripts(k, c, own, k->script[l]);
			}
			json_decref(own);
		} else if (own && json_is_array(json_object_get(own, "positions"))) {
			k->script[l] = own;
		} else {
			json_decref(own);
			ok = false;
		}
		bki_buf_free(&file);
		bki_buf_free(&p);
	}
	return ok;
}

/* ---- the README ---- */

/* The README names, for each language in the kit's order, the ballot's
 * title, then its district, then the ballot id (from
 * templates/kit/README.LANG.txt). */
static void check_readme(vkit *k)
{
	size_t c = vk_check(k, "README.txt", "readme");
	char *data = NULL;
	size_t n = 0;
	if (!vk_read(k, c, "README.txt", &data, &n))
		return;
	const char *at = data;
	for (size_t l = 0; l < k->nlangs && !vk_failed(k, c); l++) {
		const char *want[3] = {vk_str(k->script[l], "title"),
		                       vk_str(k->script[l], "district"), k->ballot};
		for (size_t q = 0; q < 3; q++) {
			const char *f = *want[q] ? strstr(at, want[q]) : at;
			if (!f) {
				vk_fail(k, c, 0, "does not name %s \"%s\" (in %s) where it should",
				        q == 0 ? "the title" : q == 1 ? "the district" : "the ballot",
				        want[q], k->langs[l]);
				break;
			}
			at = f + strlen(want[q]);
		}
	}
	free(data);
}

/* ---- one kit ---- */

static void free_kit(vkit *k)
{
	json_decref(k->manifest);
	for (size_t l = 0; l < 2; l++)
		json_decref(k->script[l]);
	for (size_t i = 0; i < k->nleaflets; i++) {
		free(k->leaflets[i].base);
		free(k->leaflets[i].kind);
		free(k->leaflets[i].id);
		free(k->leaflets[i].lang);
	}
	free(k->leaflets);
}

static bool known_lang(const char *s)
{
	return s && (!strcmp(s, "kk") || !strcmp(s, "ru"));
}

/* Checks one kit; returns the number of errors found. */
static size_t verify_kit(bk_verifier *v, const char *dir, const char *name,
                         bk_diags *diags)
{
	vkit k = {.v = v, .diags = diags, .dir = dir, .name = name};
	size_t c = vk_check(&k, BK_KIT_MANIFEST, "manifest");
	char *data = NULL;
	size_t n = 0;
	if (!vk_read(&k, c, BK_KIT_MANIFEST, &data, &n))
		goto done;
	json_error_t err;
	k.manifest = json_loadb(data, n, JSON_REJECT_DUPLICATES, &err);
	free(data);
	if (!json_is_object(k.manifest)) {
		vk_fail(&k, c, 0, "cannot be read: %s",
		        k.manifest ? "not a JSON object" : err.text);
		goto done;
	}
	if (strcmp(vk_str(k.manifest, "format"), BK_KIT_FORMAT)) {
		vk_fail(&k, c, 0, "is in the format \"%s\"; this verifier reads "
		        "\"%s\" (rebuild the kit with this ballotkit)",
		        vk_str(k.manifest, "format"), BK_KIT_FORMAT);
		goto done;
	}
	k.ballot = vk_str(k.manifest, "ballot");
	if (!*k.ballot || strchr(k.ballot, '/') || !safe_path(k.ballot)) {
		vk_fail(&k, c, 0, "names no ballot");
		goto done;
	}
	if (v->e && bk_election_ballot_find(v->e, k.ballot) == (size_t)-1) {
		size_t d = vk_check(&k, BK_KIT_MANIFEST, "definition");
		vk_fail(&k, d, 0, "the definition has no ballot \"%s\"", k.ballot);
		goto done;
	}
	/* languages: the manifest's; with a definition, they must be its */
	json_t *langs = json_object_get(json_object_get(k.manifest, "options"),
	                                "languages");
	size_t i;
	json_t *lv;
	json_array_foreach(langs, i, lv) {
		const char *s = json_string_value(lv);
		if (!known_lang(s) || k.nlangs == 2) {
			vk_fail(&k, c, 0, "names a language \"%s\" ballotkit does not "
			        "make kits in", s ? s : "");
			continue;
		}
		k.langs[k.nlangs++] = s;
	}
	if (!k.nlangs) {
		vk_fail(&k, c, 0, "names no language");
		goto done;
	}
	if (v->e) {
		size_t d = vk_check(&k, BK_KIT_MANIFEST, "definition");
		bool same = k.nlangs == bk_election_language_count(v->e);
		for (size_t l = 0; same && l < k.nlangs; l++)
			same = !strcmp(k.langs[l], bk_election_language(v->e, l));
		bool subset = true;
		for (size_t l = 0; subset && l < k.nlangs; l++) {
			bool in = false;
			for (size_t q = 0; q < bk_election_language_count(v->e); q++)
				in |= !strcmp(k.langs[l], bk_election_language(v->e, q));
			subset = in;
		}
		if (!same && subset && v->partial)
			vk_not_run(&k, BK_KIT_MANIFEST, "languages", "the kit is in %s%s%s "
			           "only (--partial)", k.langs[0], k.nlangs > 1 ? ", " : "",
			           k.nlangs > 1 ? k.langs[1] : "");
		else if (!same)
			vk_fail(&k, d, 0, "the kit is in %s%s%s; the definition's "
			        "languages are %s%s%s", k.langs[0], k.nlangs > 1 ? ", " : "",
			        k.nlangs > 1 ? k.langs[1] : "", bk_election_language(v->e, 0),
			        bk_election_language_count(v->e) > 1 ? ", " : "",
			        bk_election_language_count(v->e) > 1 ?
			        bk_election_language(v->e, 1) : "");
	}
	size_t o = vk_check(&k, BK_KIT_MANIFEST, "outputs");
	k.outputs = manifest_outputs(&k, o);
	if (!load_scripts(&k))
		goto done;
	strs listed = {0}, expected = {0};
	json_t *f;
	json_array_foreach(json_object_get(k.manifest, "files"), i, f)
		strs_add(&listed, bki_strdup(vk_str(f, "path")));
	bki_sort(listed.v, listed.n, sizeof *listed.v, cmp_str);
	find_leaflets(&k, &listed);
	expected_files(&k, &expected);
	check_files(&k, &expected);
	strs_done(v, &listed);
	strs_done(v, &expected);
	/* every file decoded */
	check_readme(&k);
	vk_check_braille(&k);
	if (v->level != BK_VERIFY_BUILD) {
		vk_check_print(&k);
		vk_check_stencil(&k);
	}
	vk_check_audio(&k);
done:
	free_kit(&k);
	return k.errors;
}

/* Whether dir is a folder that can be read; if not, says so. */
static bool is_folder(const char *dir, bk_diags *diags)
{
	struct stat sb;
	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
		bki_diags_add(diags, BK_ERROR, "unreadable", dir, 0, 0, "",
		             "not a folder that can be read: %s",
		             errno ? strerror(errno) : "not a folder");
		return false;
	}
	return true;
}

bk_status bk_verify_kit(bk_verifier *v, const char *kit_dir, const char *kit,
                        bk_diags *diags)
{
	if (!v || !kit_dir || !kit)
		return BK_ERR_USAGE;
	vk_clear_record(v);
	if (!is_folder(kit_dir, diags))
		return BK_ERR_IO;
	bki_c_numeric num = bki_c_numeric_enter();
	size_t errors = verify_kit(v, kit_dir, kit, diags);
	bki_c_numeric_leave(&num);
	if (v->nomem)
		return bki_diags_nomem(diags, kit_dir, "", "verifying the kit");
	return errors ? BK_ERR_INVALID : BK_OK;
}

/* The folder's index.json, a JSON object; NULL with a diagnostic and
 * *st set when dir is not a folder or the index cannot be read. */
static json_t *load_index(const char *dir, bk_status *st, bk_diags *diags)
{
	if (!is_folder(dir, diags)) {
		*st = BK_ERR_IO;
		return NULL;
	}
	bki_buf p = {0};
	bki_buf_printf(&p, "%s/index.json", dir);
	json_error_t err;
	errno = 0;
	json_t *index = json_load_file(bki_buf_str(&p), JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(index)) {
		int e = errno;
		bki_diags_add(diags, BK_ERROR, "index", bki_buf_str(&p), 0, 0, "",
		             "cannot be read: %s", index ? "not a JSON object" : err.text);
		json_decref(index);
		index = NULL;
		*st = e == ENOENT || e == EACCES ? BK_ERR_IO : BK_ERR_INVALID;
	}
	bki_buf_free(&p);
	return index;
}

/* A kit the index lists: its manifest there with the index's checksum
 * (the ballot it is for marked in seen), then the kit itself. Returns the
 * kit's errors. */
static size_t verify_listed_kit(bk_verifier *v, vkit *top, const char *dir,
                                const char *name, json_t *kv, bool *seen,
                                bk_diags *diags)
{
	size_t errors = 0;
	bki_buf kd = {0}, m = {0};
	bki_buf_printf(&kd, "%s/" BK_KITS_FOLDER "/%s/" BK_KIT_MANIFEST, dir, name);
	bki_buf_printf(&m, "%s/" BK_KIT_MANIFEST, name);
	char *data = NULL;
	size_t n = 0;
	if (read_regular(bki_buf_str(&kd), &data, &n)) {
		int e = errno;
		size_t c = vk_check(top, bki_buf_str(&m), "missing");
		vk_fail(top, c, 0, "the index lists the kit %s, whose manifest is %s",
		        name, read_error(e));
		goto out;
	}
	unsigned char d[BK_SHA256_SIZE];
	char hex[65];
	bki_sha256(data, n, d);
	bki_hex(d, sizeof d, hex);
	if (strcmp(hex, vk_str(kv, "manifest_sha256"))) {
		size_t c = vk_check(top, bki_buf_str(&m), "checksum");
		vk_fail(top, c, 0, "SHA-256 %s, the index says %s", hex,
		        vk_str(kv, "manifest_sha256"));
	}
	if (v->e) {
		/* which ballot the kit is for: its manifest says */
		json_t *mj = json_loadb(data, n, 0, NULL);
		size_t bi = bk_election_ballot_find(v->e, vk_str(mj, "ballot"));
		if (bi != (size_t)-1)
			seen[bi] = true;
		json_decref(mj);
	}
	bki_buf_truncate(&kd, 0);
	bki_buf_printf(&kd, "%s/" BK_KITS_FOLDER "/%s", dir, name);
	errors = verify_kit(v, bki_buf_str(&kd), name, diags);
out:
	free(data);
	bki_buf_free(&kd);
	bki_buf_free(&m);
	return errors;
}

/* A kit folder with a manifest that the index does not list. */
static void find_unlisted_kits(vkit *top, const char *dir, const strs *names)
{
	bki_buf kits_dir = {0};
	bki_buf_printf(&kits_dir, "%s/" BK_KITS_FOLDER, dir);
	DIR *dd = opendir(bki_buf_str(&kits_dir));
	struct dirent *de;
	while (dd && (de = readdir(dd))) {
		if (de->d_name[0] == '.' || strs_has(names, de->d_name))
			continue;
		bki_buf m = {0};
		bki_buf_printf(&m, "%s/%s/" BK_KIT_MANIFEST, bki_buf_str(&kits_dir), de->d_name);
		struct stat ms;
		if (!lstat(bki_buf_str(&m), &ms)) {
			size_t c = vk_check(top, de->d_name, "unlisted");
			vk_fail(top, c, 0, "a kit the index does not list");
		}
		bki_buf_free(&m);
	}
	if (dd)
		closedir(dd);
	bki_buf_free(&kits_dir);
}

/* The kits were built from this definition, and every ballot has one. */
static void check_against_definition(bk_verifier *v, vkit *top, json_t *index,
                                     const bool *seen)
{
	size_t dc = vk_check(top, "index.json", "definition");
	char sha[65];
	bk_election_sha256(v->e, sha);
	const char *built = vk_str(json_object_get(index, "election"),
	                           "definition_sha256");
	if (strcmp(sha, built))
		vk_fail(top, dc, 0, "the kits were built from a definition with "
		        "SHA-256 %s; this one's is %s", built, sha);
	for (size_t b = 0; b < bk_election_ballot_count(v->e); b++) {
		if (seen[b])
			continue;
		size_t c = vk_check(top, bk_election_ballot_id(v->e, b), "missing");
		vk_fail(top, c, 0, "the ballot %s has no kit",
		        bk_election_ballot_id(v->e, b));
	}
}

bk_status bk_verify_folder(bk_verifier *v, const char *dir, bk_diags *diags)
{
	if (!v || !dir)
		return BK_ERR_USAGE;
	vk_clear_record(v);
	bk_status st = BK_OK;
	json_t *index = load_index(dir, &st, diags);
	if (!index)
		return st;
	bki_c_numeric num = bki_c_numeric_enter();
	vkit top = {.v = v, .diags = diags, .dir = dir, .name = ""};
	size_t ic = vk_check(&top, "index.json", "index");
	size_t nb = v->e ? bk_election_ballot_count(v->e) : 0;
	bool *seen = bki_calloc(nb + 1, sizeof *seen);
	size_t errors = 0;
	strs names = {0};
	if (!seen) {
		json_decref(index);
		bki_c_numeric_leave(&num);
		return bki_diags_nomem(diags, dir, "", "verifying the kits");
	}
	size_t i;
	json_t *kv;
	json_array_foreach(json_object_get(index, "kits"), i, kv) {
		const char *name = vk_str(kv, "kit");
		if (!safe_path(name) || strchr(name, '/')) {
			vk_fail(&top, ic, 0, "\"%s\" is not a kit folder", name);
			continue;
		}
		strs_add(&names, bki_strdup(name));
		errors += verify_listed_kit(v, &top, dir, name, kv, seen, diags);
	}
	bki_sort(names.v, names.n, sizeof *names.v, cmp_str);
	find_unlisted_kits(&top, dir, &names);
	if (v->e)
		check_against_definition(v, &top, index, seen);
	vk_check_packing(&top, index);
	bki_c_numeric_leave(&num);
	strs_done(v, &names);
	free(seen);
	json_decref(index);
	if (v->nomem)
		return bki_diags_nomem(diags, dir, "", "verifying the kits");
	return errors || top.errors ? BK_ERR_INVALID : BK_OK;
}
