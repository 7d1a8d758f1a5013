/* Every file a track is written as. All of them read the one timeline of
 * the track (parts, sections, chapters), so their times agree; each file
 * is written under a temporary name and renamed into place. Numbers are
 * written in C conventions whatever the caller's locale. */
#include "audio/audio-private.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/version.h"
#include "diag/diag-private.h"
#include "speech/speech-private.h"
#include "templates/templates-private.h"

static bk_status open_out(bki_atomic *a, const char *path, bk_diags *diags)
{
	if (bki_atomic_open(a, path) == 0)
		return BK_OK;
	bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
	             "cannot write: %s", strerror(errno));
	return BK_ERR_IO;
}

static bk_status commit(bki_atomic *a, const char *path, bk_diags *diags)
{
	if (bki_atomic_commit(a) == 0)
		return BK_OK;
	bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
	             "cannot write: %s", strerror(errno));
	return BK_ERR_IO;
}

/* Writes b to path atomically. */
static bk_status save(const char *path, const void *data, size_t n,
                      bk_diags *diags)
{
	bki_atomic a;
	bk_status st = open_out(&a, path, diags);
	if (st != BK_OK)
		return st;
	if (fwrite(data, 1, n, a.f) != n) {
		int e = errno;
		bki_atomic_abort(&a);
		bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
		             "cannot write: %s", strerror(e));
		return BK_ERR_IO;
	}
	return commit(&a, path, diags);
}

static char *join(const char *dir, const char *name, const char *ext)
{
	bki_buf b = {0};
	bki_buf_printf(&b, "%s/%s%s", dir, name, ext);
	return bki_buf_steal(&b);
}

/* Writes b to dir/name+ext atomically: one home for the files of a
 * track's folder. */
static bk_status save_in(const char *dir, const char *name, const char *ext,
                         const bki_buf *b, bk_diags *diags)
{
	char *path = join(dir, name, ext);
	/* no file is written from a buffer that ran out of memory */
	bk_status st = !path || bki_buf_failed(b)
	               ? bki_diags_nomem(diags, dir, "", "writing the audio")
	               : save(path, b->data, b->len, diags);
	free(path);
	return st;
}

static double secs(size_t samples)
{
	return (double)samples / BK_SPEECH_RATE;
}

static unsigned ms(size_t samples)
{
	return (unsigned)llround(secs(samples) * 1000);
}

static int lang_of(const bk_track *t)
{
	return bki_lang_index(bk_script_language(t->script));
}

static const char *iso639_2(const char *lang)
{
	return !strcmp(lang, "kk") ? "kaz" : !strcmp(lang, "ru") ? "rus" : "und";
}

/* The first sentence part at or after part i, before end (end if none). */
static size_t next_clip(const bk_track *t, size_t i, size_t end)
{
	while (i < end && t->parts[i].kind != PART_CLIP)
		i++;
	return i;
}

/* ---- MP3 with chapters ---- */

static void common_tags(const bk_track *t, bki_buf *tag, const char *title)
{
	bki_buf album = {0};
	bki_track_title(t, &album);
	bki_id3_text(tag, "TIT2", title);
	bki_id3_text(tag, "TALB", bki_buf_str(&album));
	bki_id3_text(tag, "TPE1", bk_script_election_id(t->script));
	bki_id3_text(tag, "TLAN", iso639_2(bk_script_language(t->script)));
	bki_id3_text(tag, "TCON", "Speech");
	char year[5] = {0};
	memcpy(year, bk_script_election_date(t->script), 4);
	bki_id3_text(tag, "TYER", year);
	bki_buf sw = {0};
	bki_buf_printf(&sw, "ballotkit %s, eSpeak NG %s, %s", bk_version(),
	              bk_speech_engine_version(), bki_mp3_encoder_version());
	bki_id3_text(tag, "TSSE", bki_buf_str(&sw));
	bki_buf_free(&sw);
	bki_buf_free(&album);
}

/* The MP3 with its chapters, into *out (path names it in messages). */
static bk_status mp3_bytes(const bk_track *t, const char *path, bki_buf *out,
                           bk_diags *diags)
{
	if (t->nchapters > 255) {
		bki_diags_add(diags, BK_ERROR, "too-many", path, 0, 0, "",
		             "an ID3 table of contents holds 255 chapters, the "
		             "ballot has %zu positions", t->nchapters);
		return BK_ERR_INVALID;
	}
	bki_buf body = {0}, title = {0};
	bki_track_title(t, &title);
	common_tags(t, &body, bki_buf_str(&title));
	char (*ids)[24] = bki_calloc(t->nchapters + 1, sizeof *ids);
	const char **children = bki_calloc(t->nchapters + 1, sizeof *children);
	if (!ids || !children) {
		free(ids);
		free(children);
		bki_buf_free(&body);
		bki_buf_free(&title);
		return bki_diags_nomem(diags, path, "", "writing the MP3");
	}
	for (size_t i = 0; i < t->nchapters; i++) {
		snprintf(ids[i], sizeof ids[i], "chp%zu", i + 1);
		children[i] = ids[i];
	}
	bki_id3_toc(&body, "toc", children, t->nchapters, bki_buf_str(&title));
	for (size_t i = 0; i < t->nchapters; i++) {
		const bki_section *sec = &t->sections[i + 1];
		bki_id3_chapter(&body, ids[i], ms(sec->start), ms(sec->stop),
		               bki_track_chapter_title(t, i));
	}
	bki_id3_finish(out, &body);
	bki_buf_addn(out, (const char *)t->mp3, t->mp3_len);
	bool failed = bki_buf_failed(out) || bki_buf_failed(&body) ||
	              bki_buf_failed(&title);
	bki_buf_free(&body);
	bki_buf_free(&title);
	free(ids);
	free(children);
	return failed ? bki_diags_nomem(diags, path, "", "writing the MP3") : BK_OK;
}

/* ---- one MP3 per position, and a playlist ---- */

static void section_name(const bk_track *t, size_t i, bki_buf *b)
{
	const bki_section *sec = &t->sections[i];
	int width = t->nsections > 100 ? 3 : 2;
	if (i == 0) {
		bki_buf_printf(b, "%0*d-intro.mp3", width, 0);
	} else if (sec->position >= 0) {
		const char *ref = bk_script_position_ref(t->script, (size_t)sec->position);
		bki_buf_printf(b, "%0*ld-%s.mp3", width, sec->position + 1,
		              *ref ? ref : "against-all");
	} else {
		bki_buf_printf(b, "%0*zu-end.mp3", width, i);
	}
}

static bk_status write_positions(const bk_track *t, const char *dir,
                                 bk_diags *diags)
{
	char *folder = join(dir, "positions", "");
	if (!folder)
		return bki_diags_nomem(diags, dir, "", "writing the audio");
	if (bki_mkdirs(folder) != 0) {
		bki_diags_add(diags, BK_ERROR, "unwritable", folder, 0, 0, "",
		             "cannot make the folder: %s", strerror(errno));
		free(folder);
		return BK_ERR_IO;
	}
	bki_buf list = {0}, title = {0};
	bki_track_title(t, &title);
	bki_buf_add(&list, "#EXTM3U\n#PLAYLIST:");
	bki_buf_add(&list, bki_buf_str(&title));
	bki_buf_addc(&list, '\n');
	bk_status st = BK_OK;
	for (size_t i = 0; i < t->nsections; i++) {
		const bki_section *sec = &t->sections[i];
		bki_buf name = {0}, body = {0}, out = {0};
		section_name(t, i, &name);
		common_tags(t, &body, sec->label);
		bki_id3_finish(&out, &body);
		size_t from = sec->first < t->nparts ? t->parts[sec->first].byte
		                                     : t->mp3_len;
		size_t to = sec->end < t->nparts ? t->parts[sec->end].byte
		                                 : t->mp3_len;
		bki_buf_addn(&out, (const char *)t->mp3 + from, to - from);
		st = save_in(folder, bki_buf_str(&name), "", &out, diags);
		bki_buf_printf(&list, "#EXTINF:%ld,%s\n%s\n",
		              lround(secs(sec->stop - sec->start)), sec->label,
		              bki_buf_str(&name));
		bki_buf_free(&name);
		bki_buf_free(&body);
		bki_buf_free(&out);
		if (st != BK_OK)
			goto out;
	}
	st = save_in(folder, "playlist.m3u8", "", &list, diags);
out:
	bki_buf_free(&list);
	bki_buf_free(&title);
	free(folder);
	return st;
}

/* ---- DAISY 2.02 ---- */

static void npt(bki_buf *b, size_t samples)
{
	bki_buf_printf(b, "%.3f", secs(samples));
}

static void hms(bki_buf *b, size_t samples)
{
	unsigned long t = (unsigned long)llround(secs(samples));
	bki_buf_printf(b, "%02lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

/* The head of the NCC (ncc.html): its title and the metadata DAISY 2.02
 * asks for. */
static void ncc_head(const bk_track *t, const char *title, bki_buf *ncc)
{
	const char *lang = bk_script_language(t->script);
	const bk_audio *a = t->audio;
	bki_buf_add(ncc,
	           "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	           "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	           "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n");
	bki_buf_printf(ncc, "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
	                   "lang=\"%s\" xml:lang=\"%s\">\n<head>\n", lang, lang);
	bki_buf_add(ncc, "<meta http-equiv=\"Content-type\" "
	                "content=\"text/html; charset=utf-8\" />\n<title>");
	bki_buf_add_xml(ncc, title);
	bki_buf_add(ncc, "</title>\n");
#define META(name, value)                                                     \
	do {                                                                  \
		bki_buf_add(ncc, "<meta name=\"" name "\" content=\"");         \
		bki_buf_add_xml(ncc, (value));                                  \
		bki_buf_add(ncc, "\" />\n");                                   \
	} while (0)
	bki_buf v = {0};
	META("dc:title", title);
	META("dc:creator", bk_script_election_id(t->script));
	META("dc:date", bk_script_election_date(t->script));
	META("dc:format", "Daisy 2.02");
	bki_buf_printf(&v, "%s-%s", bk_script_election_id(t->script), t->base);
	META("dc:identifier", bki_buf_str(&v));
	META("dc:language", lang);
	META("dc:publisher", bk_script_election_id(t->script));
	META("ncc:charset", "utf-8");
	bki_buf_truncate(&v, 0);
	bki_buf_printf(&v, "ballotkit %s", bk_version());
	META("ncc:generator", bki_buf_str(&v));
	bki_buf_truncate(&v, 0);
	bki_buf_printf(&v, "eSpeak NG %s, voice %s", bk_speech_engine_version(),
	              bki_templates_voice(a->tpl, lang_of(t)));
	META("ncc:narrator", bki_buf_str(&v));
	META("ncc:producedDate", bk_script_election_date(t->script));
	bki_buf_truncate(&v, 0);
	bki_buf_printf(&v, "%zu", t->nsections);
	META("ncc:tocItems", bki_buf_str(&v));
	bki_buf_truncate(&v, 0);
	hms(&v, t->samples);
	META("ncc:totalTime", bki_buf_str(&v));
	META("ncc:multimediaType", "audioNcc");
	META("ncc:depth", "1");
	bki_buf_truncate(&v, 0);
	bki_buf_printf(&v, "%zu", t->nsections + 2); /* ncc, SMILs, the MP3 */
	META("ncc:files", bki_buf_str(&v));
	META("ncc:pageFront", "0");
	META("ncc:pageNormal", "0");
	META("ncc:pageSpecial", "0");
	META("ncc:maxPageNormal", "0");
#undef META
	bki_buf_free(&v);
}

/* The SMIL of section i, which starts elapsed samples into the track:
 * one audio clip per sentence, the clips tiling the section. */
static void section_smil(const bk_track *t, size_t i, const char *title,
                         size_t elapsed, const char *mp3_name, bki_buf *sm)
{
	const bki_section *sec = &t->sections[i];
	bki_buf_add(sm, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	               "<!DOCTYPE smil PUBLIC \"-//W3C//DTD SMIL 1.0//EN\" "
	               "\"http://www.w3.org/TR/REC-smil/SMIL10.dtd\">\n"
	               "<smil>\n<head>\n"
	               "<meta name=\"dc:format\" content=\"Daisy 2.02\" />\n"
	               "<meta name=\"dc:title\" content=\"");
	bki_buf_add_xml(sm, title);
	bki_buf_printf(sm, "\" />\n<meta name=\"ncc:generator\" "
	                  "content=\"ballotkit %s\" />\n", bk_version());
	bki_buf_add(sm, "<meta name=\"ncc:totalElapsedTime\" content=\"");
	bki_track_clock(sm, elapsed);
	bki_buf_add(sm, "\" />\n<meta name=\"ncc:timeInThisSmil\" content=\"");
	bki_track_clock(sm, sec->stop - sec->start);
	bki_buf_add(sm, "\" />\n<layout>\n<region id=\"txtView\" />\n"
	               "</layout>\n</head>\n<body>\n<seq dur=\"");
	npt(sm, sec->stop - sec->start);
	bki_buf_add(sm, "s\">\n<par endsync=\"last\">\n");
	bki_buf_printf(sm, "<text src=\"ncc.html#h%04zu\" id=\"t%04zu\" />\n"
	                  "<seq>\n", i + 1, i + 1);
	size_t k = next_clip(t, sec->first, sec->end), n = 0;
	while (k < sec->end) {
		size_t nx = next_clip(t, k + 1, sec->end);
		size_t from = n == 0 ? sec->start : t->parts[k].start;
		size_t to = nx < sec->end ? t->parts[nx].start : sec->stop;
		bki_buf_printf(sm, "<audio src=\"%s\" clip-begin=\"npt=", mp3_name);
		npt(sm, from);
		bki_buf_add(sm, "s\" clip-end=\"npt=");
		npt(sm, to);
		bki_buf_printf(sm, "s\" id=\"a%04zu_%zu\" />\n", i + 1, ++n);
		k = nx;
	}
	bki_buf_add(sm, "</seq>\n</par>\n</seq>\n</body>\n</smil>\n");
}

/* The DAISY 2.02 book: ncc.html, a heading per section, and one SMIL per
 * section (sNNNN.smil) pointing into the MP3. */
static bk_status write_daisy(const bk_track *t, const char *dir,
                             const char *mp3_name, bk_diags *diags)
{
	bki_buf title = {0}, ncc = {0};
	bki_track_title(t, &title);
	ncc_head(t, bki_buf_str(&title), &ncc);
	bki_buf_add(&ncc, "</head>\n<body>\n");
	bk_status st = BK_OK;
	size_t elapsed = 0;
	for (size_t i = 0; i < t->nsections; i++) {
		const bki_section *sec = &t->sections[i];
		char smil_name[32];
		snprintf(smil_name, sizeof smil_name, "s%04zu.smil", i + 1);
		bki_buf_printf(&ncc, "<h1%s id=\"h%04zu\"><a href=\"%s#t%04zu\">",
		              i == 0 ? " class=\"title\"" : "", i + 1, smil_name, i + 1);
		bki_buf_add_xml(&ncc, sec->label);
		bki_buf_add(&ncc, "</a></h1>\n");
		bki_buf sm = {0};
		section_smil(t, i, bki_buf_str(&title), elapsed, mp3_name, &sm);
		st = save_in(dir, smil_name, "", &sm, diags);
		bki_buf_free(&sm);
		if (st != BK_OK)
			goto out;
		elapsed += sec->stop - sec->start;
	}
	bki_buf_add(&ncc, "</body>\n</html>\n");
	st = save_in(dir, "ncc.html", "", &ncc, diags);
out:
	bki_buf_free(&ncc);
	bki_buf_free(&title);
	return st;
}

/* ---- transcript and captions ---- */

/* The transcript (BASE.txt) into *txt_out and the captions (BASE.vtt) into
 * *vtt_out. */
static void transcript_bytes(const bk_track *t, bki_buf *txt_out,
                             bki_buf *vtt_out)
{
	bki_buf txt = {0}, vtt = {0};
	const bk_audio *a = t->audio;
	bki_buf_printf(&txt, "%s\n%s\n", bk_script_title(t->script),
	              bk_script_district(t->script));
	bki_buf_printf(&txt, "ballot %s, language %s, voice %s (eSpeak NG %s), "
	                    "speed %g, %.1f LUFS, ",
	              bk_script_ballot_id(t->script), bk_script_language(t->script),
	              bki_templates_voice(a->tpl, lang_of(t)), bk_speech_engine_version(),
	              t->speed, t->loudness);
	bki_buf_add(&txt, "duration ");
	bki_track_clock(&txt, t->samples);
	bki_buf_add(&txt, "\n");
	bki_buf_add(&vtt, "WEBVTT\n");
	size_t cue = 0, last_segment = (size_t)-1;
	for (size_t i = 0; i < t->nparts; i++) {
		const bki_part *p = &t->parts[i];
		if (p->kind != PART_CLIP)
			continue;
		if (p->segment != last_segment)
			bki_buf_addc(&txt, '\n');
		last_segment = p->segment;
		bki_buf_addc(&txt, '[');
		bki_track_clock(&txt, p->audio);
		bki_buf_printf(&txt, "] %s\n", p->text);
		bki_buf_printf(&vtt, "\n%zu\n", ++cue);
		bki_track_clock(&vtt, p->audio);
		bki_buf_add(&vtt, " --> ");
		bki_track_clock(&vtt, p->audio + p->naudio);
		bki_buf_printf(&vtt, "\n%s\n", p->text);
	}
	*txt_out = txt;
	*vtt_out = vtt;
}

/* ---- the review page ---- */

/* The review page, playing mp3_name, into *out. */
static void review_bytes(const bk_track *t, const char *mp3_name, bki_buf *out)
{
	int li = lang_of(t);
	const bk_templates *tpl = t->audio->tpl;
	const char *lang = bk_script_language(t->script);
	bki_buf h = {0}, title = {0};
	bki_track_title(t, &title);
	bki_buf_printf(&h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	                  "<meta charset=\"utf-8\">\n<title>", lang);
	bki_buf_add_xml(&h, bki_wording_get(tpl, li, "speech", "review_heading"));
	bki_buf_add(&h, ": ");
	bki_buf_add_xml(&h, bk_script_ballot_id(t->script));
	bki_buf_add(&h, "</title>\n<style>body{font-family:sans-serif;max-width:60em;"
	               "margin:1em auto}td,th{border:1px solid #999;padding:.3em;"
	               "vertical-align:top}table{border-collapse:collapse}"
	               "td.note{min-width:12em}</style>\n</head>\n<body>\n<h1>");
	bki_buf_add_xml(&h, bki_wording_get(tpl, li, "speech", "review_heading"));
	bki_buf_add(&h, "</h1>\n<p>");
	bki_buf_add_xml(&h, bki_buf_str(&title));
	bki_buf_add(&h, "</p>\n<p>");
	bki_buf_add_xml(&h, bki_wording_get(tpl, li, "speech", "review_instructions"));
	bki_buf_add(&h, "</p>\n<p><audio controls preload=\"metadata\" src=\"");
	bki_buf_add_xml(&h, mp3_name);
	bki_buf_add(&h, "\"></audio></p>\n<table>\n<tr>");
	static const char *const cols[] = {"time", "text", "spoken", "note"};
	for (size_t i = 0; i < 4; i++) {
		bki_buf_add(&h, "<th>");
		bki_buf_add_xml(&h, bki_wording_get2(tpl, li, "speech", "review_columns",
		                                   cols[i]));
		bki_buf_add(&h, "</th>");
	}
	bki_buf_add(&h, "</tr>\n");
	for (size_t i = 0; i < t->nparts; i++) {
		const bki_part *p = &t->parts[i];
		if (p->kind != PART_CLIP)
			continue;
		bki_buf_add(&h, "<tr><td><a href=\"");
		bki_buf_add_xml(&h, mp3_name);
		bki_buf_add(&h, "#t=");
		npt(&h, p->audio);
		bki_buf_addc(&h, ',');
		npt(&h, p->audio + p->naudio);
		bki_buf_add(&h, "\">");
		bki_track_clock(&h, p->audio);
		bki_buf_add(&h, "</a></td><td>");
		bki_buf_add_xml(&h, p->text);
		bki_buf_add(&h, "</td><td>");
		bki_buf_add_xml(&h, p->said);
		bki_buf_add(&h, "</td><td class=\"note\"></td></tr>\n");
	}
	bki_buf_add(&h, "</table>\n</body>\n</html>\n");
	bki_buf_free(&title);
	*out = h;
}

/* ---- WAV (with labelled markers) and FLAC, through libsndfile ---- */

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A LIST/adtl chunk with a labl per chapter, keyed by cue id. */
static void adtl_chunk(const bk_track *t, bki_buf *b)
{
	bki_buf body = {0};
	bki_buf_add(&body, "adtl");
	for (size_t i = 0; i < t->nchapters; i++) {
		const char *label = bki_track_chapter_title(t, i);
		size_t n = strlen(label) + 1;
		unsigned char h[12];
		memcpy(h, "labl", 4);
		le32(h + 4, (uint32_t)(4 + n));
		le32(h + 8, (uint32_t)(i + 1));
		bki_buf_addn(&body, (const char *)h, 12);
		bki_buf_addn(&body, label, n);
		if ((4 + n) & 1)
			bki_buf_addc(&body, 0);
	}
	unsigned char h[8];
	memcpy(h, "LIST", 4);
	le32(h + 4, (uint32_t)body.len);
	bki_buf_addn(b, (const char *)h, 8);
	bki_buf_addn(b, body.data, body.len);
	bki_buf_free(&body);
}

/* The WAV or FLAC of pcm into *out, made in memory: libsndfile finishes
 * its header by seeking back. */
static bk_status sndfile_bytes(const bk_track *t, const char *path, int format,
                               const int16_t *pcm, size_t n, int rate,
                               bool markers, bki_buf *out, bk_diags *diags)
{
	SF_INFO info = {0};
	info.samplerate = rate;
	info.channels = 1;
	info.format = format;
	bki_sf_memory m;
	SNDFILE *f = bki_sf_open_memory(&m, out, &info);
	if (!f) {
		bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
		             "libsndfile cannot write it: %s", sf_strerror(NULL));
		return BK_ERR_IO;
	}
	bki_buf title = {0};
	bki_track_title(t, &title);
	if ((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC) {
		sf_set_string(f, SF_STR_TITLE, bki_buf_str(&title));
		sf_set_string(f, SF_STR_SOFTWARE, "ballotkit");
	}
	bki_buf_free(&title);
	if (markers) {
		/* cue points at the chapters (libsndfile keeps positions only;
		 * the labels go in the LIST/adtl chunk added below) */
		size_t sz = sizeof(uint32_t) + t->nchapters * sizeof(SF_CUE_POINT);
		uint32_t *cues = bki_calloc(1, sz + sizeof(SF_CUE_POINT));
		if (!cues) {
			sf_close(f);
			return bki_diags_nomem(diags, path, "", "writing the audio");
		}
		SF_CUE_POINT *pt = (SF_CUE_POINT *)(void *)(cues + 1);
		*cues = (uint32_t)t->nchapters;
		for (size_t i = 0; i < t->nchapters; i++) {
			size_t at = (size_t)llround(secs(t->sections[i + 1].start) * rate);
			pt[i].indx = (int32_t)(i + 1);
			pt[i].position = (uint32_t)at;
			pt[i].fcc_chunk = 0x61746164; /* "data" */
			pt[i].sample_offset = (uint32_t)at;
			snprintf(pt[i].name, sizeof pt[i].name, "%zu", i + 1);
		}
		bool set = sf_command(f, SFC_SET_CUE, cues, (int)sz) == SF_TRUE;
		free(cues);
		if (!set) {
			/* without the cue points the labels would name nothing */
			sf_close(f);
			bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
			             "libsndfile would not write the WAV's cue points");
			return BK_ERR_IO;
		}
	}
	bool ok = sf_write_short(f, pcm, (sf_count_t)n) == (sf_count_t)n;
	ok &= sf_close(f) == 0;
	if (ok && markers) {
		/* the labels, then the RIFF size that covers them */
		size_t end = out->len;
		ok = end > 8;
		adtl_chunk(t, out);
		if (ok)
			le32((unsigned char *)out->data + 4, (uint32_t)(out->len - 8));
	}
	if (bki_buf_failed(out))
		return bki_diags_nomem(diags, path, "", "writing the audio");
	if (!ok) {
		bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
		             "cannot write the audio");
		return BK_ERR_IO;
	}
	return BK_OK;
}

/* The lossless files: they carry the track's samples at the target
 * loudness exactly (the MP3's gain moves in steps). */
static const struct {
	unsigned format;
	const char *ext;
	int sf, rate;
	bool markers;
} pcm_files[] = {
	{BK_AUDIO_WAV, ".wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, BK_SPEECH_RATE, true},
	{BK_AUDIO_FLAC, ".flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, BK_SPEECH_RATE, false},
	{BK_AUDIO_PHONE, "-8k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, true}};

/* The lossless file pcm_files[i] into *out. */
static bk_status pcm_bytes(const bk_track *t, size_t i, const char *path,
                           bki_buf *out, bk_diags *diags)
{
	int16_t *pcm = NULL;
	size_t n;
	if (!bki_track_resampled(t, pcm_files[i].rate, &pcm, &n))
		return bki_diags_nomem(diags, path, "", "writing the audio");
	if (!bki_track_master(t, pcm, n, pcm_files[i].rate, 0, 0, pcm)) {
		free(pcm);
		return bki_diags_nomem(diags, path, "", "writing the audio");
	}
	bk_status st = sndfile_bytes(t, path, pcm_files[i].sf, pcm, n,
	                             pcm_files[i].rate, pcm_files[i].markers, out,
	                             diags);
	free(pcm);
	return st;
}

/* ---- one file of a track ---- */

/* The files that are one file each, and their names' ends. */
static const struct {
	unsigned format;
	const char *ext;
} single_files[] = {
	{BK_AUDIO_MP3, ".mp3"}, {BK_AUDIO_TRANSCRIPT, ".txt"},
	{BK_AUDIO_CAPTIONS, ".vtt"}, {BK_AUDIO_REVIEW, "-review.html"},
	{BK_AUDIO_WAV, ".wav"}, {BK_AUDIO_FLAC, ".flac"},
	{BK_AUDIO_PHONE, "-8k.wav"}, {BK_AUDIO_VORBIS, ".ogg"},
	{BK_AUDIO_OPUS, ".opus"}};

/* The end of the name of the one-file format, or NULL for another. */
static const char *single_ext(unsigned format)
{
	for (size_t i = 0; i < sizeof single_files / sizeof *single_files; i++)
		if (single_files[i].format == format)
			return single_files[i].ext;
	return NULL;
}

/* The bytes of the one-file format into *out (empty on entry); path
 * names the file in messages. */
static bk_status file_bytes(const bk_track *t, unsigned format,
                            const char *path, bki_buf *out, bk_diags *diags)
{
	bki_buf other = {0}, mp3_name = {0};
	bk_status st = BK_OK;
	switch (format) {
	case BK_AUDIO_MP3:
		return mp3_bytes(t, path, out, diags);
	case BK_AUDIO_TRANSCRIPT:
		transcript_bytes(t, out, &other);
		break;
	case BK_AUDIO_CAPTIONS:
		transcript_bytes(t, &other, out);
		break;
	case BK_AUDIO_REVIEW:
		bki_buf_printf(&mp3_name, "%s.mp3", t->base);
		review_bytes(t, bki_buf_str(&mp3_name), out);
		break;
	case BK_AUDIO_VORBIS:
		return bki_ogg_vorbis_bytes(t, path, out, diags);
	case BK_AUDIO_OPUS:
		return bki_ogg_opus_bytes(t, path, out, diags);
	default:
		for (size_t i = 0; i < 3; i++)
			if (pcm_files[i].format == format)
				return pcm_bytes(t, i, path, out, diags);
		st = BK_ERR_USAGE;
	}
	if (st == BK_OK && (bki_buf_failed(out) || bki_buf_failed(&other) ||
	                    bki_buf_failed(&mp3_name)))
		st = bki_diags_nomem(diags, path, "", "writing the audio");
	bki_buf_free(&other);
	bki_buf_free(&mp3_name);
	return st;
}

/* The one-file format as dir/BASE.ext, under a temporary name renamed
 * into place. */
static bk_status write_one(const bk_track *t, const char *dir,
                           unsigned format, bk_diags *diags)
{
	char *path = join(dir, t->base, single_ext(format));
	if (!path)
		return bki_diags_nomem(diags, dir, "", "writing the audio");
	bki_buf b = {0};
	bk_status st = file_bytes(t, format, path, &b, diags);
	if (st == BK_OK && bki_buf_failed(&b))
		st = bki_diags_nomem(diags, path, "", "writing the audio");
	if (st == BK_OK)
		st = save(path, b.data, b.len, diags);
	bki_buf_free(&b);
	free(path);
	return st;
}

bk_status bki_track_write_file_to(const bk_track *t, unsigned format,
                                 bk_write_fn write, void *arg,
                                 bk_diags *diags)
{
	const char *ext = single_ext(format);
	if (!ext) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "bk_track_write_to writes one file: one of the audio "
		             "outputs that is a single file (not positions or "
		             "DAISY, which are several)");
		return BK_ERR_USAGE;
	}
	bki_c_numeric numeric = bki_c_numeric_enter();
	bki_buf name = {0}, b = {0};
	bki_buf_printf(&name, "%s%s", t->base, ext);
	bk_status st = file_bytes(t, format, bki_buf_str(&name), &b, diags);
	if (st == BK_OK && (bki_buf_failed(&b) || bki_buf_failed(&name)))
		st = bki_diags_nomem(diags, "", "", "writing the audio");
	bki_sink out = {write, arg, BK_OK};
	if (st == BK_OK && !bki_sink_write(&out, b.data, b.len))
		st = bki_sink_failed(&out, bki_buf_str(&name), "the audio", BK_ERR_IO,
		                    diags);
	bki_buf_free(&b);
	bki_buf_free(&name);
	bki_c_numeric_leave(&numeric);
	return st;
}

bk_status bki_track_write_files(const bk_track *t, const char *dir,
                               unsigned formats, bk_diags *diags)
{
	if (bki_mkdirs(dir) != 0) {
		bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot make the folder: %s", strerror(errno));
		return BK_ERR_IO;
	}
	bki_c_numeric numeric = bki_c_numeric_enter();
	bki_buf name = {0};
	bki_buf_printf(&name, "%s.mp3", t->base);
	const char *mp3_name = bki_buf_str(&name);
	bk_status st = bki_buf_failed(&name)
	               ? bki_diags_nomem(diags, dir, "", "writing the audio") : BK_OK;
	if (st != BK_OK)
		goto out;
	if (formats & (BK_AUDIO_MP3 | BK_AUDIO_DAISY | BK_AUDIO_REVIEW)) {
		st = write_one(t, dir, BK_AUDIO_MP3, diags);
		if (st != BK_OK)
			goto out;
	}
	if (formats & BK_AUDIO_POSITIONS) {
		st = write_positions(t, dir, diags);
		if (st != BK_OK)
			goto out;
	}
	if (formats & BK_AUDIO_DAISY) {
		st = write_daisy(t, dir, mp3_name, diags);
		if (st != BK_OK)
			goto out;
	}
	/* then the one-file formats, in the order of single_files */
	for (size_t i = 1; i < sizeof single_files / sizeof *single_files; i++) {
		if (!(formats & single_files[i].format))
			continue;
		st = write_one(t, dir, single_files[i].format, diags);
		if (st != BK_OK)
			goto out;
	}
out:
	bki_buf_free(&name);
	bki_c_numeric_leave(&numeric);
	return st;
}
