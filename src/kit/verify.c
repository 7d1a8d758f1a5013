/* Verifying a kit folder: checksums first, then every rendering decoded
 * with the decoders of ballotkit/decode.h (which share no code with the
 * writers) and compared with the kit's ballot scripts; with the
 * definition, the scripts compared with it. docs/kits.md. */
#define _GNU_SOURCE
#include "kit/kit-private.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ballotkit/braille.h"
#include "ballotkit/decode.h"
#include "ballotkit/script.h"
#include "diag/diag-private.h"

typedef struct vctx {
	bk_diags *diags;
	size_t errors;
	const char *dir;
	const bk_election *e;
	const bk_templates *tpl;
	bk_speech *speech;
	bk_speech_options speech_opt; /* those speech was made with */
	bk_braille *braille;
	bk_status io;
} vctx;

#define fail(v, ...) bk_kit_report((v)->diags, &(v)->errors, __VA_ARGS__)
#define jstr bk_kit_str

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

/* ---- checksums ---- */

static bool check_files(vctx *v, const char *kdir, const char *kit, json_t *m)
{
	size_t before = v->errors;
	json_t *files = json_object_get(m, "files");
	if (!json_is_array(files)) {
		fail(v, "manifest", kit, 0, "the manifest lists no files");
		return false;
	}
	bk_buf sums = {0}, p = {0}, rel = {0};
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		const char *path = jstr(f, "path");
		bk_buf_truncate(&rel, 0);
		bk_buf_printf(&rel, "%s/%s", kit, path);
		if (!safe_path(path)) {
			fail(v, "manifest", bk_buf_str(&rel), 0, "not a path inside the kit");
			continue;
		}
		bk_buf_truncate(&p, 0);
		bk_buf_printf(&p, "%s/%s", kdir, path);
		unsigned char d[BK_SHA256_SIZE];
		unsigned long long size;
		char hex[65];
		if (bk_kit_hash_file(bk_buf_str(&p), d, &size)) {
			fail(v, "missing", bk_buf_str(&rel), 0, "listed in the manifest but %s",
			     errno == ENOENT ? "missing" : strerror(errno));
			continue;
		}
		bk_hex(d, sizeof d, hex);
		if ((json_int_t)size != json_integer_value(json_object_get(f, "size")))
			fail(v, "size", bk_buf_str(&rel), 0, "%llu bytes, the manifest says %lld",
			     size, (long long)json_integer_value(json_object_get(f, "size")));
		else if (strcmp(hex, jstr(f, "sha256")))
			fail(v, "checksum", bk_buf_str(&rel), 0,
			     "SHA-256 %s, the manifest says %s", hex, jstr(f, "sha256"));
		bk_buf_printf(&sums, "%s  %s\n", jstr(f, "sha256"), path);
	}
	/* no file the manifest does not list */
	bk_kit_paths all;
	bk_kit_list_files(kdir, false, &all);
	for (size_t k = 0; k < all.n; k++) {
		if (!strcmp(all.v[k], BK_KIT_MANIFEST) || !strcmp(all.v[k], BK_KIT_SUMS))
			continue;
		bool listed = false;
		json_array_foreach(files, i, f)
			if (!strcmp(jstr(f, "path"), all.v[k])) {
				listed = true;
				break;
			}
		if (!listed) {
			bk_buf_truncate(&rel, 0);
			bk_buf_printf(&rel, "%s/%s", kit, all.v[k]);
			fail(v, "unlisted", bk_buf_str(&rel), 0, "not in the manifest");
		}
	}
	bk_kit_paths_free(&all);
	/* SHA256SUMS says the same as the manifest */
	bk_buf_truncate(&p, 0);
	bk_buf_printf(&p, "%s/" BK_KIT_SUMS, kdir);
	char *text = NULL;
	size_t n = 0;
	bk_buf_truncate(&rel, 0);
	bk_buf_printf(&rel, "%s/" BK_KIT_SUMS, kit);
	if (bk_read_file(bk_buf_str(&p), &text, &n))
		fail(v, "missing", bk_buf_str(&rel), 0, "missing");
	else if (n != sums.len || memcmp(text, bk_buf_str(&sums), n))
		fail(v, "checksum", bk_buf_str(&rel), 0, "differs from the manifest");
	free(text);
	bk_buf_free(&sums);
	bk_buf_free(&p);
	bk_buf_free(&rel);
	return v->errors == before;
}

/* ---- the scripts ---- */

static json_t *script_of_definition(vctx *v, const char *ballot, const char *lang)
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

static void compare_scripts(vctx *v, const char *file, const json_t *kit,
                            const json_t *def)
{
	if (json_equal(kit, def))
		return;
	json_t *kp = json_object_get(kit, "positions");
	json_t *dp = json_object_get(def, "positions");
	if (json_array_size(kp) != json_array_size(dp)) {
		fail(v, "definition", file, 0, "%zu positions, the definition has %zu",
		     json_array_size(kp), json_array_size(dp));
		return;
	}
	for (size_t i = 0; i < json_array_size(kp); i++) {
		json_t *a = json_array_get(kp, i), *b = json_array_get(dp, i);
		if (json_equal(a, b))
			continue;
		const char *key;
		json_t *val;
		json_object_foreach(b, key, val)
			if (!json_equal(val, json_object_get(a, key))) {
				char *ka = json_dumps(json_object_get(a, key), JSON_ENCODE_ANY);
				char *kb = json_dumps(val, JSON_ENCODE_ANY);
				fail(v, "definition", file, (unsigned)(i + 1),
				     "%s is %s in the kit, %s in the definition", key,
				     ka ? ka : "missing", kb ? kb : "null");
				free(ka);
				free(kb);
				return;
			}
		fail(v, "definition", file, (unsigned)(i + 1), "differs from the definition");
		return;
	}
	fail(v, "definition", file, 0, "the title, district or spoken segments "
	                               "differ from the definition");
}

/* ---- the braille list ---- */

static const unsigned char digit_cells[10] = {0x1A, 0x01, 0x03, 0x09, 0x19,
                                              0x11, 0x0B, 0x1B, 0x13, 0x0A};

/* The number a line of braille starts with (number sign, digits), or 0. */
static unsigned line_number(const unsigned char *c, size_t n, size_t *used)
{
	if (n < 2 || c[0] != 0x3C)
		return 0;
	unsigned v = 0;
	size_t i = 1;
	for (; i < n && i < 6; i++) {
		int d = -1;
		for (int k = 0; k < 10; k++)
			if (c[i] == digit_cells[k])
				d = k;
		if (d < 0)
			break;
		v = v * 10 + (unsigned)d;
	}
	if (used)
		*used = i;
	return i > 1 ? v : 0;
}

/* Letters and digits only, lower case: what back-translation keeps. */
static void letters(const char *s, bk_buf *out)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bk_utf8_decode(s + i, n - i, &cp);
		if (!k)
			k = 1;
		cp = bk_cp_lower(cp);
		if ((cp >= '0' && cp <= '9') || bk_cp_is_latin_letter(cp) ||
		    bk_cp_is_cyrillic_letter(cp)) {
			char u[4];
			bk_buf_addn(out, u, bk_utf8_encode(cp, u));
		}
		i += k;
	}
}

static void check_braille(vctx *v, const char *kdir, const char *kit,
                          const char *ballot, const char *lang, const json_t *script,
                          const char *ext)
{
	bk_buf p = {0}, rel = {0};
	bk_buf_printf(&rel, "%s/braille/%s-%s.%s", kit, ballot, lang, ext);
	bk_buf_printf(&p, "%s/braille/%s-%s.%s", kdir, ballot, lang, ext);
	char *data;
	size_t n;
	if (bk_read_file(bk_buf_str(&p), &data, &n)) {
		bk_buf_free(&p);
		bk_buf_free(&rel);
		return; /* not built: the checksums decide whether it should be */
	}
	bk_cell_pages *pages = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = !strcmp(ext, "pef")
	                   ? bk_decode_pef(&pages, data, n, bk_buf_str(&rel), d)
	                   : bk_decode_brf(&pages, data, n, bk_buf_str(&rel), 0, d);
	free(data);
	if (st != BK_OK) {
		fail(v, "braille-list", bk_buf_str(&rel), 0, "cannot be read: %s",
		     bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
		bk_diags_free(d);
		bk_buf_free(&p);
		bk_buf_free(&rel);
		return;
	}
	bk_diags_free(d);
	/* positions: a line that starts with a number, and the lines indented
	 * under it */
	json_t *positions = json_object_get(script, "positions");
	size_t want = json_array_size(positions), got = 0;
	bk_buf text = {0};
	unsigned current = 0;
	bool reported = false;
	/* every page's lines but its first (the page number), as one stream,
	 * so that a position continued on the next page is read whole */
	size_t np = bk_cell_pages_count(pages), pg = 0, l = 1;
	for (;;) {
		while (pg < np && l >= bk_cell_pages_line_count(pages, pg)) {
			pg++;
			l = 1;
		}
		size_t nc = 0;
		const unsigned char *c = pg < np ? bk_cell_pages_line(pages, pg, l++, &nc) : NULL;
		size_t used = 0;
		unsigned num = c ? line_number(c, nc, &used) : 0;
		bool cont = c && current && nc > 2 && c[0] == 0 && c[1] == 0 && c[2];
		if (cont) {
			char *back = NULL;
			if (bk_braille_back(v->braille, lang, c + 2, nc - 2, &back, NULL) == BK_OK) {
				bk_buf_addc(&text, ' ');
				bk_buf_add(&text, back);
			}
			bk_free(back);
			continue;
		}
		if (current) {
			/* the position before is complete */
			json_t *pos = json_array_get(positions, got - 1);
			bk_buf x = {0}, y = {0};
			letters(bk_buf_str(&text), &x);
			letters(jstr(pos, "list"), &y);
			if (strcmp(bk_buf_str(&x), bk_buf_str(&y))) {
				fail(v, "braille-list", bk_buf_str(&rel), current,
				     "reads \"%s\", the script says \"%s\"", bk_buf_str(&text),
				     jstr(pos, "list"));
				reported = true;
			}
			bk_buf_free(&x);
			bk_buf_free(&y);
			current = 0;
		}
		if (!c || reported)
			break;
		if (!num)
			continue;
		got++;
		json_t *pos = json_array_get(positions, got - 1);
		unsigned expect = pos ? (unsigned)json_integer_value(json_object_get(pos, "number")) : 0;
		if (num != expect) {
			fail(v, "braille-list", bk_buf_str(&rel), expect ? expect : num,
			     "numbered line %zu is number %u, the script's position %zu is %u",
			     got, num, got, expect);
			reported = true;
			break;
		}
		current = num;
		bk_buf_truncate(&text, 0);
		char *back = NULL;
		if (bk_braille_back(v->braille, lang, c, nc, &back, NULL) == BK_OK)
			bk_buf_add(&text, back);
		bk_free(back);
	}
	if (!reported && got != want)
		fail(v, "braille-list", bk_buf_str(&rel), 0,
		     "%zu numbered positions, the script has %zu", got, want);
	bk_buf_free(&text);
	bk_cell_pages_free(pages);
	bk_buf_free(&p);
	bk_buf_free(&rel);
}

/* ---- the transcript ---- */

static void check_transcript(vctx *v, const char *kdir, const char *kit,
                             const char *ballot, const char *lang,
                             const json_t *script)
{
	bk_buf p = {0}, rel = {0};
	bk_buf_printf(&rel, "%s/audio/%s-%s/%s-%s.txt", kit, ballot, lang, ballot, lang);
	bk_buf_printf(&p, "%s/audio/%s-%s/%s-%s.txt", kdir, ballot, lang, ballot, lang);
	char *data;
	size_t n;
	if (bk_read_file(bk_buf_str(&p), &data, &n)) {
		bk_buf_free(&p);
		bk_buf_free(&rel);
		return;
	}
	/* every sentence of the script, in order, each on a line "[time] text" */
	json_t *segs = json_object_get(script, "segments");
	size_t si = 0, sj = 0;
	char *line = data;
	double last = -1;
	bool bad = false;
	while (line && *line && !bad) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned h, m;
		double s;
		int off = 0;
		if (line[0] == '[' && sscanf(line, "[%u:%u:%lf]%n", &h, &m, &s, &off) == 3 &&
		    off > 0) {
			const char *text = line + off;
			while (*text == ' ')
				text++;
			double t = h * 3600.0 + m * 60.0 + s;
			json_t *seg = json_array_get(segs, si);
			while (seg && sj >= json_array_size(json_object_get(seg, "sentences"))) {
				seg = json_array_get(segs, ++si);
				sj = 0;
			}
			const char *want = seg ? json_string_value(json_array_get(
			                                 json_object_get(seg, "sentences"), sj))
			                       : NULL;
			unsigned pos = seg && !strcmp(jstr(seg, "kind"), "position")
			                   ? (unsigned)json_integer_value(json_object_get(seg, "number"))
			                   : 0;
			if (!want) {
				fail(v, "transcript", bk_buf_str(&rel), 0,
				     "\"%s\" is more than the script says", text);
				bad = true;
			} else if (strcmp(text, want)) {
				fail(v, "transcript", bk_buf_str(&rel), pos,
				     "says \"%s\", the script says \"%s\"", text, want);
				bad = true;
			} else if (t < last) {
				fail(v, "transcript", bk_buf_str(&rel), pos,
				     "\"%s\" starts before the sentence above it", text);
				bad = true;
			}
			last = t;
			sj++;
		}
		line = next;
	}
	if (!bad) {
		json_t *seg = json_array_get(segs, si);
		while (seg && sj >= json_array_size(json_object_get(seg, "sentences"))) {
			seg = json_array_get(segs, ++si);
			sj = 0;
		}
		if (seg)
			fail(v, "transcript", bk_buf_str(&rel), 0,
			     "ends before \"%s\"", json_string_value(json_array_get(
			                                json_object_get(seg, "sentences"), sj)));
	}
	free(data);
	bk_buf_free(&p);
	bk_buf_free(&rel);
}

/* ---- one kit ---- */

/* The voice as the kit's manifest says it was set (rate, pitch, volume,
 * word gap): the "number k" clips must be spoken the same way. */
static void use_voice(vctx *v, const json_t *speech)
{
	bk_speech_options so = BK_SPEECH_OPTIONS_INIT;
	const char *keys[] = {"rate", "pitch", "volume", "word_gap"};
	int *vals[] = {&so.rate, &so.pitch, &so.volume, &so.word_gap};
	for (size_t k = 0; k < 4; k++) {
		json_t *x = json_object_get(speech, keys[k]);
		if (json_is_integer(x) && json_integer_value(x) >= 0 &&
		    json_integer_value(x) <= 1000)
			*vals[k] = (int)json_integer_value(x);
	}
	if (v->speech && so.rate == v->speech_opt.rate && so.pitch == v->speech_opt.pitch &&
	    so.volume == v->speech_opt.volume && so.word_gap == v->speech_opt.word_gap)
		return;
	bk_speech_free(v->speech);
	v->speech = NULL;
	bk_diags *quiet = bk_diags_create();
	if (bk_speech_create(&v->speech, v->tpl, &so, quiet) != BK_OK)
		v->speech = NULL;
	bk_diags_free(quiet);
	v->speech_opt = so;
}

static void verify_kit(vctx *v, const char *kit, bool *seen)
{
	bk_buf kdir = {0}, p = {0}, rel = {0};
	char *kd = bk_kit_folder(v->dir, kit);
	bk_buf_add(&kdir, kd);
	free(kd);
	bk_buf_printf(&p, "%s/" BK_KIT_MANIFEST, bk_buf_str(&kdir));
	bk_buf_printf(&rel, "%s/" BK_KIT_MANIFEST, kit);
	json_error_t err;
	json_t *m = json_load_file(bk_buf_str(&p), JSON_REJECT_DUPLICATES, &err);
	if (!m || !json_is_object(m)) {
		fail(v, "manifest", bk_buf_str(&rel), 0, "cannot be read: %s",
		     m ? "not an object" : err.text);
		json_decref(m);
		goto done;
	}
	const char *ballot = jstr(m, "ballot");
	check_files(v, bk_buf_str(&kdir), kit, m);
	if (v->e) {
		size_t bi = bk_election_ballot_find(v->e, ballot);
		if (bi == (size_t)-1)
			fail(v, "definition", bk_buf_str(&rel), 0,
			     "the definition has no ballot \"%s\"", ballot);
		else
			seen[bi] = true;
	}
	json_t *langs = json_object_get(json_object_get(m, "options"), "languages");
	size_t li;
	json_t *lv;
	json_array_foreach(langs, li, lv) {
		const char *lang = json_string_value(lv);
		if (!lang || (strcmp(lang, "kk") && strcmp(lang, "ru")))
			continue;
		bk_buf sp = {0}, sr = {0};
		bk_buf_printf(&sr, "%s/script/%s-%s.json", kit, ballot, lang);
		bk_buf_printf(&sp, "%s/script/%s-%s.json", bk_buf_str(&kdir), ballot, lang);
		json_t *script = json_load_file(bk_buf_str(&sp), 0, &err);
		if (!script) {
			fail(v, "script", bk_buf_str(&sr), 0, "cannot be read: %s", err.text);
		} else {
			if (v->e && bk_election_ballot_find(v->e, ballot) != (size_t)-1) {
				json_t *def = script_of_definition(v, ballot, lang);
				if (!def)
					fail(v, "definition", bk_buf_str(&sr), 0,
					     "the definition gives no script for this ballot in %s", lang);
				else
					compare_scripts(v, bk_buf_str(&sr), script, def);
				json_decref(def);
			}
			if (v->braille) {
				check_braille(v, bk_buf_str(&kdir), kit, ballot, lang, script, "pef");
				check_braille(v, bk_buf_str(&kdir), kit, ballot, lang, script, "brf");
			}
			check_transcript(v, bk_buf_str(&kdir), kit, ballot, lang, script);
			use_voice(v, json_object_get(json_object_get(m, "options"), "speech"));
			bk_kit_verify_audio(v->speech, bk_buf_str(&kdir), kit, ballot, lang,
			                    script, v->diags, &v->errors);
			if (li == 0)
				bk_kit_verify_stencil(bk_buf_str(&kdir), kit, ballot, script,
				                      v->diags, &v->errors);
			json_decref(script);
		}
		bk_buf_free(&sp);
		bk_buf_free(&sr);
	}
	json_decref(m);
done:
	bk_buf_free(&kdir);
	bk_buf_free(&p);
	bk_buf_free(&rel);
}

bk_status bk_kit_verify(const char *dir, const bk_election *e,
                        const bk_templates *tpl, bk_diags *diags)
{
	if (!dir || !tpl)
		return BK_ERR_USAGE;
	vctx v = {.diags = diags, .dir = dir, .e = e, .tpl = tpl};
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		bk_diags_add(diags, BK_ERROR, "unreadable", dir, 0, 0, "",
		             "not a folder that can be read: %s",
		             errno ? strerror(errno) : "not a folder");
		return BK_ERR_IO;
	}
	bk_buf p = {0};
	bk_buf_printf(&p, "%s/index.json", dir);
	json_error_t err;
	json_t *index = json_load_file(bk_buf_str(&p), JSON_REJECT_DUPLICATES, &err);
	if (!index) {
		bk_diags_add(diags, BK_ERROR, "index", bk_buf_str(&p), 0, 0, "",
		             "cannot be read: %s", err.text);
		bk_buf_free(&p);
		return errno == ENOENT || errno == EACCES ? BK_ERR_IO : BK_ERR_INVALID;
	}
	bk_buf_free(&p);
	bk_diags *quiet = bk_diags_create();
	bk_braille_open(&v.braille, e, tpl, quiet);
	bk_diags_free(quiet);
	size_t nb = e ? bk_election_ballot_count(e) : 0;
	bool *seen = bk_xcalloc(nb + 1, sizeof *seen);
	json_t *kits = json_object_get(index, "kits");
	size_t i;
	json_t *k;
	json_array_foreach(kits, i, k) {
		const char *name = jstr(k, "kit");
		bk_buf m = {0}, rel = {0};
		char *kd = bk_kit_folder(dir, name);
		bk_buf_printf(&m, "%s/" BK_KIT_MANIFEST, kd);
		free(kd);
		bk_buf_printf(&rel, "%s/" BK_KIT_MANIFEST, name);
		unsigned char d[BK_SHA256_SIZE];
		char hex[65];
		if (!safe_path(name) || strchr(name, '/')) {
			fail(&v, "index", "index.json", 0, "\"%s\" is not a kit folder", name);
		} else if (bk_kit_hash_file(bk_buf_str(&m), d, NULL)) {
			fail(&v, "missing", bk_buf_str(&rel), 0, "the index lists the kit %s, "
			     "which is missing", name);
		} else {
			bk_hex(d, sizeof d, hex);
			if (strcmp(hex, jstr(k, "manifest_sha256")))
				fail(&v, "checksum", bk_buf_str(&rel), 0,
				     "SHA-256 %s, the index says %s", hex, jstr(k, "manifest_sha256"));
			verify_kit(&v, name, seen);
		}
		bk_buf_free(&m);
		bk_buf_free(&rel);
	}
	/* a kit folder the index does not list */
	char *kits_dir = bk_kit_folder(dir, NULL);
	DIR *dd = opendir(kits_dir);
	struct dirent *de;
	while (dd && (de = readdir(dd))) {
		if (de->d_name[0] == '.')
			continue;
		bk_buf m = {0};
		char *kd = bk_kit_folder(dir, de->d_name);
		bk_buf_printf(&m, "%s/" BK_KIT_MANIFEST, kd);
		free(kd);
		bool listed = false;
		json_array_foreach(kits, i, k)
			if (!strcmp(jstr(k, "kit"), de->d_name))
				listed = true;
		if (!listed && !access(bk_buf_str(&m), F_OK))
			fail(&v, "unlisted", de->d_name, 0, "a kit the index does not list");
		bk_buf_free(&m);
	}
	if (dd)
		closedir(dd);
	free(kits_dir);
	if (e) {
		char sha[65];
		bk_election_sha256(e, sha);
		const char *built = jstr(json_object_get(index, "election"), "definition_sha256");
		if (strcmp(sha, built))
			fail(&v, "definition", "index.json", 0, "the kits were built from a "
			     "definition with SHA-256 %s; this one's is %s", built, sha);
		for (size_t b = 0; b < nb; b++)
			if (!seen[b])
				fail(&v, "missing", bk_election_ballot_id(e, b), 0,
				     "the ballot %s has no kit", bk_election_ballot_id(e, b));
	}
	free(seen);
	json_decref(index);
	bk_speech_free(v.speech);
	bk_braille_free(v.braille);
	return v.errors ? BK_ERR_INVALID : BK_OK;
}
