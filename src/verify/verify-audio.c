/* Verifying the audio ballot of each language: the MP3's ID3 chapters
 * (one per position, in order, titled with its list line), what every
 * section says (each sentence found where the script puts it and matched
 * against a fresh synthesis with the manifest's voice, the pauses
 * silent), the files per position (each equal to its section of the MP3,
 * on the decoded audio) and their playlist, the DAISY book (headings, and
 * SMIL clips that tile each section of the right file), the transcript,
 * the captions and the review page. docs/kits.md. */
#include "verify/verify-private.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "ballotkit/production.h"
#include "decode/decode-private.h"
#include "templates/templates-private.h"

/* A ballotkit MP3 decoded by libsndfile starts this much later than its
 * chapter times say (LAME's delay and the decoder's, measured:
 * src/decode/audio.c). */
#define MP3_DELAY_SAMPLES 1105
/* One MP3 frame at 22.05 kHz, s. */
#define FRAME_S (576.0 / 22050.0)
/* How far from where the script's timing puts it a sentence is looked
 * for, s: frame rounding of each pause, and a margin. */
#define SEARCH_S 0.15
/* How far a time the kit gives (transcript, captions, review page, a file
 * per position) may stand from where the sound is found, s: one MP3 frame,
 * and the 1105 samples (50 ms) a decoder adds to an MP3 that was decoded
 * and encoded again, which must still verify. */
#define TIME_TOL 0.08
/* The least correlation of a sentence with a fresh synthesis of it, and
 * of a number clip with a chapter's start (docs/kits.md gives the scores
 * measured: right 0.99 and more, a one-letter change 0.80 at most). */
#define SENTENCE_MATCH 0.95
/* ... and of its worst 50 ms (bk_decode_audio_compare): one phoneme
 * changed hardly moves the whole sentence's score but drags its window
 * down. Measured on the example's kits (bench/verify-scores.c,
 * docs/kits.md): right sentences 0.944 and more as built, 0.758 and more
 * after the MP3 was decoded and encoded again; 5 of 1,683 one-letter
 * changes the voice says differently at 0.70 or more (the highest 0.86). */
#define LOCAL_MATCH 0.70
#define NUMBER_MATCH 0.95
/* A position file against its section of the MP3. */
#define SECTION_MATCH 0.98
/* A second of an on-request format (WAV, FLAC, Vorbis, Opus, 8 kHz)
 * against the MP3 (src/decode/audio.c measured number clips in them at
 * 0.96 and more). */
#define OTHER_MATCH 0.90
/* Pauses must be silent: no 20 ms window louder than this (dBFS, RMS),
 * keeping this far from a sentence's ends (MP3 pre-echo), s. */
#define SILENCE_DBFS -45.0
#define SILENCE_MARGIN 0.03

/* ---- the script's sections ---- */

typedef struct sentence {
	const char *text;
	int pause_after_ms;      /* before the next sentence */
} sentence;

/* The parts of a track: the opening (the segments before the first
 * position), one per position, the ending. */
typedef struct section {
	sentence *s;
	size_t n;
	unsigned number;         /* the position's, 0 for opening and ending */
	const char *label;       /* its list line (positions) */
	int pause_before_ms;     /* before its first sentence */
} section;

static int pause_index(const char *kind)
{
	for (int i = 0; i < BK_PAUSE_SEGMENTS; i++)
		if (!strcmp(bki_pause_names[i], kind))
			return i;
	return -1;
}

static void free_sections(section *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].s);
	free(s);
}

/* (NULL and 0 when memory runs out: k's check is then out of memory) */
static size_t sections_of(const vkit *k, size_t l, section **out)
{
	const bki_wording *w = &k->v->tpl->wording[bki_lang_index(k->langs[l])];
	json_t *segs = json_object_get(k->script[l], "segments");
	size_t npos = json_array_size(vk_positions(k, l));
	section *sec = bki_calloc(npos + 2, sizeof *sec);
	*out = NULL;
	if (!sec) {
		k->v->nomem = true;
		return 0;
	}
	size_t cur = 0;
	sec[0].pause_before_ms = w->pause_ms[BK_PAUSE_START];
	size_t i;
	json_t *seg;
	sentence *last = NULL;
	json_array_foreach(segs, i, seg) {
		const char *kind = vk_str(seg, "kind");
		if (!strcmp(kind, "position")) {
			unsigned num = (unsigned)json_integer_value(json_object_get(seg, "number"));
			cur = num >= 1 && num <= npos ? num : cur;
			sec[cur].number = num;
			sec[cur].label = vk_str(json_array_get(vk_positions(k, l), num - 1), "list");
		} else if (cur > 0) {
			cur = npos + 1; /* after the positions: the ending */
		}
		int pk = pause_index(kind);
		json_t *ss = json_object_get(seg, "sentences");
		for (size_t j = 0; j < json_array_size(ss); j++) {
			section *s = &sec[cur];
			sentence *more = bki_reallocarray(s->s, s->n + 1, sizeof *s->s);
			if (!more) {
				k->v->nomem = true;
				free_sections(sec, npos + 2);
				return 0;
			}
			s->s = more;
			last = &s->s[s->n++];
			last->text = json_string_value(json_array_get(ss, j));
			if (!last->text)
				last->text = "";
			last->pause_after_ms = j + 1 < json_array_size(ss)
			                       ? w->pause_ms[BK_PAUSE_SENTENCE]
			                       : pk >= 0 ? w->pause_ms[pk] : 0;
		}
	}
	*out = sec;
	return npos + 2;
}


/* ---- one track ---- */

typedef struct track {
	vkit *k;
	size_t l;
	const char *lang;
	bki_buf base;             /* audio/B-L/B-L */
	bki_buf folder;           /* audio/B-L */
	section *sec;
	size_t nsec;
	bk_decoded_chapters *ch;   /* NULL without a readable MP3 */
	float *audio;            /* the MP3 decoded, or NULL */
	size_t n;
	int rate;
	double *start, *end;     /* each section's frames, s (chapter times) */
	double *said;            /* where each sentence was found, s into the
	                          * track's timeline (NAN when not looked for) */
	size_t nsaid;
	double *transcript;      /* each sentence's time in the transcript */
	size_t ntranscript;
	bool voice_checked, voice_ok;
} track;

static size_t sentence_count(const track *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nsec; i++)
		n += t->sec[i].n;
	return n;
}

/* The first index of section i's sentences among all sentences. */
static size_t first_sentence(const track *t, size_t i)
{
	size_t n = 0;
	for (size_t q = 0; q < i; q++)
		n += t->sec[q].n;
	return n;
}

/* ---- the voice ---- */

/* Whether this machine speaks as the kit's voice did: eSpeak NG's version
 * and data, as the manifest's speech key records them. */
static bool voice_matches(track *t, size_t c, bk_speech *sp)
{
	if (t->voice_checked) {
		if (!t->voice_ok)
			vk_fail(t->k, c, 0, "the voice differs from the kit's (see above)");
		return t->voice_ok;
	}
	t->voice_checked = true;
	json_t *ver = json_object_get(t->k->manifest, "versions");
	const char *kit_version = vk_str(ver, "espeak-ng");
	const char *kit_key = vk_str(json_object_get(ver, "speech_keys"), t->lang);
	char key[65] = "";
	bk_diags *d = bk_diags_create();
	bk_status st = bk_speech_clip_key(sp, t->lang, "", key, d);
	if (st != BK_OK) {
		vk_fail(t->k, c, 0, "the %s voice cannot be used here: %s", t->lang,
		        vk_first(d));
	} else if (strcmp(kit_version, bk_speech_engine_version()) || strcmp(kit_key, key)) {
		vk_fail(t->k, c, 0, "the kit was spoken by eSpeak NG %s (voice key "
		        "%.12s…), this machine has eSpeak NG %s (voice key %.12s…): its "
		        "speech cannot be compared here; verify on a machine with the "
		        "kit's eSpeak NG and data", kit_version, kit_key,
		        bk_speech_engine_version(), key);
	} else {
		t->voice_ok = true;
	}
	bk_diags_free(d);
	return t->voice_ok;
}

/* A fresh clip of a sentence, or NULL with the reason under c. */
static int16_t *clip_of(track *t, size_t c, bk_speech *sp, const char *text,
                        unsigned pos, size_t *n)
{
	char *norm = NULL;
	int16_t *clip = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_speech_normalise(sp, t->lang, text, NULL, &norm, NULL);
	if (st == BK_OK)
		st = bk_speech_clip(sp, t->lang, norm, NULL, &clip, n, d);
	if (st != BK_OK) {
		vk_fail(t->k, c, pos, "\"%s\" cannot be synthesised to check it: %s",
		        text, vk_first(d));
		clip = NULL;
	}
	bk_free(norm);
	bk_diags_free(d);
	return clip;
}

static void prefetch(track *t, bk_speech *sp, const section *s)
{
	for (size_t j = 0; j < s->n; j++) {
		char *norm = NULL;
		if (bk_speech_normalise(sp, t->lang, s->s[j].text, NULL, &norm, NULL) == BK_OK)
			bk_speech_prefetch(sp, t->lang, norm);
		bk_free(norm);
	}
}

/* The loudest 20 ms (RMS, dBFS) of audio[from, to) seconds. */
static double loudest(const float *a, size_t n, int rate, double from, double to)
{
	size_t w = (size_t)(0.02 * rate);
	long s0 = lround(from * rate), s1 = lround(to * rate);
	if (s0 < 0)
		s0 = 0;
	if (s1 > (long)n)
		s1 = (long)n;
	double worst = -200;
	for (long i = s0; i + (long)w <= s1; i += (long)w / 2) {
		double e = 0;
		for (size_t q = 0; q < w; q++)
			e += (double)a[i + (long)q] * a[i + (long)q];
		double db = 10 * log10(e / (double)w + 1e-20);
		if (db > worst)
			worst = db;
	}
	return worst;
}

/* What section i says: each sentence where the script's timing puts it
 * (its first at the section's start plus the decoder's delay, each next
 * one after the one before and its pause), matched against a fresh
 * synthesis, and silence between them. audio is the track's (offset 0)
 * or a position file's (offset = where the file starts in the track). */
static void check_content(track *t, size_t c, bk_speech *sp, size_t i,
                          const float *audio, size_t n, int rate, double from,
                          double to, const char *file)
{
	const section *s = &t->sec[i];
	double delay = (double)MP3_DELAY_SAMPLES / rate;
	double expect = from + delay + s->pause_before_ms / 1000.0 * (i == 0);
	double prev_end = from + delay;
	size_t base = first_sentence(t, i);
	prefetch(t, sp, s);
	for (size_t j = 0; j < s->n; j++) {
		size_t nclip = 0;
		int16_t *clip = clip_of(t, c, sp, s->s[j].text, s->number, &nclip);
		if (!clip)
			return;
		size_t a, b;
		bk_decode_clip_span(clip, nclip, BK_SPEECH_RATE, &a, &b);
		double score = 0, local = 0, off = 0;
		bk_decode_audio_compare(audio, n, rate, expect, clip, nclip, BK_SPEECH_RATE,
		                        SEARCH_S, &score, &local, &off);
		bk_free(clip);
		double at = expect + off;
		if (score < SENTENCE_MATCH || local < LOCAL_MATCH) {
			vk_fail(t->k, c, s->number, "%s does not say \"%s\" at %.3f s "
			        "(correlation with a fresh synthesis %.2f, at least %.2f "
			        "needed; in its worst 50 ms %.2f, at least %.2f needed)",
			        file, s->s[j].text, expect, score, SENTENCE_MATCH, local,
			        LOCAL_MATCH);
			return;
		}
		if (t->said && base + j < t->nsaid)
			t->said[base + j] = at; /* heard: as the transcript gives it */
		double len = (double)(b - a) / BK_SPEECH_RATE;
		/* the pause before it is silent */
		double loud = loudest(audio, n, rate, prev_end + SILENCE_MARGIN,
		                      at - SILENCE_MARGIN);
		if (loud > SILENCE_DBFS) {
			vk_fail(t->k, c, s->number, "%s has sound (%.0f dBFS) in the pause "
			        "before \"%s\", at %.3f-%.3f s", file, loud, s->s[j].text,
			        prev_end, at);
			return;
		}
		prev_end = at + len;
		expect = prev_end + s->s[j].pause_after_ms / 1000.0;
	}
	double loud = loudest(audio, n, rate, prev_end + SILENCE_MARGIN,
	                      fmin(to + delay, (double)n / rate) - SILENCE_MARGIN);
	if (loud > SILENCE_DBFS)
		vk_fail(t->k, c, s->number, "%s has sound (%.0f dBFS) after what the "
		        "script says, at %.3f-%.3f s", file, loud, prev_end,
		        to + delay);
}

/* The cheaper check (--quick): each chapter's start is its own number
 * sentence, better than any other position's. */
static void check_numbers(track *t, size_t c, bk_speech *sp)
{
	size_t npos = t->nsec - 2;
	int16_t **clips = vk_got(t->k, bki_calloc(npos + 1, sizeof *clips));
	size_t *nclips = vk_got(t->k, bki_calloc(npos + 1, sizeof *nclips));
	if (!clips || !nclips)
		npos = 0; /* nothing checked: out of memory */
	for (size_t q = 0; q < npos; q++)
		if (t->sec[q + 1].n &&
		    !(clips[q] = clip_of(t, c, sp, t->sec[q + 1].s[0].text,
		                         t->sec[q + 1].number, &nclips[q])))
			goto done;
	for (size_t q = 0; q < npos; q++) {
		double at = t->start[q + 1] + (double)MP3_DELAY_SAMPLES / t->rate;
		double own = -1, best = -1;
		size_t other = 0;
		for (size_t r = 0; r < npos; r++) {
			double score = -1;
			if (!clips[r] ||
			    bk_decode_audio_match(t->audio, t->n, t->rate, at, clips[r], nclips[r],
			                          BK_SPEECH_RATE, TIME_TOL + FRAME_S, &score,
			                          NULL) != BK_OK)
				continue;
			if (r == q)
				own = score;
			else if (score > best) {
				best = score;
				other = r;
			}
		}
		const section *s = &t->sec[q + 1];
		if (best > own)
			vk_fail(t->k, c, s->number, "chapter %zu (at %.3f s) sounds like \"%s\" "
			        "(correlation %.2f), not \"%s\" (%.2f)", q + 1, t->start[q + 1],
			        t->sec[other + 1].s[0].text, best, s->s[0].text, own);
		else if (own < NUMBER_MATCH)
			vk_fail(t->k, c, s->number, "chapter %zu (at %.3f s) does not start "
			        "with \"%s\" (correlation %.2f, at least %.2f needed)", q + 1,
			        t->start[q + 1], s->s[0].text, own, NUMBER_MATCH);
	}
done:
	for (size_t q = 0; q < npos; q++)
		bk_free(clips[q]);
	free(clips);
	free(nclips);
}

/* ---- the MP3 and its chapters ---- */

static void check_mp3(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0}, p = {0};
	bki_buf_printf(&file, "%s.mp3", bki_buf_str(&t->base));
	size_t c = vk_check(k, bki_buf_str(&file), "audio");
	char *data = NULL;
	size_t size = 0;
	if (!vk_read(k, c, bki_buf_str(&file), &data, &size))
		goto done;
	bk_diags *d = bk_diags_create();
	if (bk_decode_id3_chapters(data, size, bki_buf_str(&file), &t->ch, d) != BK_OK) {
		vk_fail(k, c, 0, "its chapters cannot be read: %s", vk_first(d));
		t->ch = NULL;
	}
	bk_diags_free(d);
	free(data);
	if (!t->ch)
		goto done;
	size_t npos = t->nsec - 2, nch = bk_decoded_chapters_count(t->ch);
	if (nch != npos) {
		vk_fail(k, c, 0, "%zu chapters, the script has %zu positions", nch, npos);
		bk_decoded_chapters_free(t->ch);
		t->ch = NULL;
		goto done;
	}
	for (size_t q = 0; q < nch; q++) {
		const section *s = &t->sec[q + 1];
		double a = bk_decoded_chapters_start(t->ch, q), b = bk_decoded_chapters_end(t->ch, q);
		if (strcmp(bk_decoded_chapters_title(t->ch, q), s->label))
			vk_fail(k, c, s->number, "chapter %zu is titled \"%s\", the script's "
			        "position %u is \"%s\"", q + 1, bk_decoded_chapters_title(t->ch, q),
			        s->number, s->label);
		if (!(b > a) || (q && fabs(a - bk_decoded_chapters_end(t->ch, q - 1)) > 0.0015))
			vk_fail(k, c, s->number, "chapter %zu (%.3f-%.3f s) does not follow "
			        "the chapter before it", q + 1, a, b);
	}
	if (vk_failed(k, c) || k->v->level == BK_VERIFY_BUILD)
		goto done;
	d = bk_diags_create();
	if (bk_decode_audio_file(vk_path(k, &p, "%s", bki_buf_str(&file)), &t->audio, &t->n,
	                         &t->rate, d) != BK_OK) {
		vk_fail(k, c, 0, "cannot be decoded: %s", vk_first(d));
		t->audio = NULL;
	}
	bk_diags_free(d);
	if (!t->audio)
		goto done;
	/* the sections' times: before the first chapter, the chapters, after */
	t->start = vk_got(k, bki_calloc(t->nsec, sizeof *t->start));
	t->end = vk_got(k, bki_calloc(t->nsec, sizeof *t->end));
	if (!t->start || !t->end) {
		free(t->start);
		free(t->end);
		t->start = t->end = NULL;
		goto done;
	}
	double total = (double)t->n / t->rate;
	t->start[0] = 0;
	t->end[0] = bk_decoded_chapters_start(t->ch, 0);
	for (size_t q = 0; q < nch; q++) {
		t->start[q + 1] = bk_decoded_chapters_start(t->ch, q);
		t->end[q + 1] = bk_decoded_chapters_end(t->ch, q);
	}
	t->start[t->nsec - 1] = bk_decoded_chapters_end(t->ch, nch - 1);
	t->end[t->nsec - 1] = total;
	bk_speech *sp = vk_voice(k, c);
	if (!sp)
		goto done;
	if (k->v->level == BK_VERIFY_QUICK) {
		check_numbers(t, c, sp);
		vk_not_run(k, bki_buf_str(&file), "audio-content", "--quick: only each "
		           "chapter's number was compared with a fresh synthesis");
		goto done;
	}
	size_t cc = vk_check(k, bki_buf_str(&file), "audio-content");
	if (!voice_matches(t, cc, sp))
		goto done;
	for (size_t i = 0; i < t->nsec; i++)
		check_content(t, cc, sp, i, t->audio, t->n, t->rate, t->start[i], t->end[i],
		              "the MP3");
done:
	bki_buf_free(&file);
	bki_buf_free(&p);
}

/* ---- files per position and the playlist ---- */

static void section_file(const track *t, size_t i, bki_buf *b)
{
	int width = t->nsec > 100 ? 3 : 2;
	bki_buf_truncate(b, 0);
	if (i == 0)
		bki_buf_printf(b, "%0*d-intro.mp3", width, 0);
	else if (i + 1 < t->nsec) {
		const char *ref = vk_str(json_array_get(vk_positions(t->k, t->l), i - 1), "ref");
		bki_buf_printf(b, "%0*zu-%s.mp3", width, i, *ref ? ref : "against-all");
	} else
		bki_buf_printf(b, "%0*zu-end.mp3", width, i);
}

/* The Pearson correlation of a[q] with b[at + q] at the best of a few
 * samples' shift, leaving out a's first frame (its decoder started
 * without the frames before: the bit reservoir). */
static double same_frames(const float *a, size_t na, const float *b, size_t nb,
                          long at)
{
	double best = -1;
	for (long lag = -4; lag <= 4; lag++) {
		double sab = 0, saa = 0, sbb = 0, sa = 0, sb = 0;
		size_t m = 0;
		for (size_t q = 576 + MP3_DELAY_SAMPLES; q < na; q++) {
			long j = at + lag + (long)q;
			if (j < 0 || (size_t)j >= nb)
				continue;
			double x = a[q], y = b[j];
			sab += x * y;
			saa += x * x;
			sbb += y * y;
			sa += x;
			sb += y;
			m++;
		}
		if (m < 100)
			continue;
		double cov = sab - sa * sb / (double)m;
		double va = saa - sa * sa / (double)m, vb = sbb - sb * sb / (double)m;
		double r = va > 0 && vb > 0 ? cov / sqrt(va * vb) : 0;
		if (r > best)
			best = r;
	}
	return best;
}

/* A position file against its section of the MP3: its first frame is
 * the section's first, so decoded, its sample q is the MP3's at the
 * section's start plus q; another encoding of the same sound is looked
 * for around there. */
static void position_sounds_like_mp3(track *t, size_t c, size_t i,
                                     const float *a, size_t n, int rate)
{
	vkit *k = t->k;
	unsigned pos = t->sec[i].number;
	double len = (double)n / rate, want = t->end[i] - t->start[i];
	int16_t *pcm = vk_got(k, bki_calloc(n + 1, sizeof *pcm));
	if (!pcm)
		return;
	for (size_t q = 0; q < n; q++) {
		float v = a[q] * 32767.0f;
		pcm[q] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
	size_t s0, s1;
	bk_decode_clip_span(pcm, n, rate, &s0, &s1);
	double score = same_frames(a, n, t->audio, t->n,
	                           lround(t->start[i] * rate)), off = 0;
	if (s1 > s0 && score < SECTION_MATCH)
		bk_decode_audio_match(t->audio, t->n, t->rate,
		                      t->start[i] + (double)s0 / rate, pcm, n, rate,
		                      TIME_TOL + FRAME_S, &score, &off);
	free(pcm);
	if (s1 <= s0)
		vk_fail(k, c, pos, "is silent");
	else if (score < SECTION_MATCH || fabs(off) > TIME_TOL)
		vk_fail(k, c, pos, "does not sound like its part of the MP3 "
		        "(%.3f-%.3f s): correlation %.2f%s, at least %.2f needed",
		        t->start[i], t->end[i], score,
		        fabs(off) > TIME_TOL ? " and shifted" : "",
		        SECTION_MATCH);
	else if (fabs(len - (double)MP3_DELAY_SAMPLES / rate - want) > 2 * FRAME_S &&
	         fabs(len - want) > 2 * FRAME_S)
		vk_fail(k, c, pos, "lasts %.3f s, its part of the MP3 %.3f s",
		        len, want);
}

/* The position file of section i: there, decodable, and the same sound
 * as its part of the MP3 (or, without one, what the script says). *sp is
 * the voice, made on first need. */
static void check_position_file(track *t, size_t i, bk_speech **sp)
{
	vkit *k = t->k;
	bki_buf name = {0}, file = {0}, p = {0};
	section_file(t, i, &name);
	bki_buf_printf(&file, "%s/positions/%s", bki_buf_str(&t->folder), bki_buf_str(&name));
	size_t c = vk_check(k, bki_buf_str(&file), "positions");
	unsigned pos = t->sec[i].number;
	float *a = NULL;
	size_t n = 0;
	int rate = 0;
	bk_diags *d = bk_diags_create();
	if (!vk_exists(k, bki_buf_str(&file))) {
		vk_fail(k, c, pos, "missing");
	} else if (bk_decode_audio_file(vk_path(k, &p, "%s", bki_buf_str(&file)), &a, &n,
	                                &rate, d) != BK_OK) {
		vk_fail(k, c, pos, "cannot be decoded: %s", vk_first(d));
		a = NULL;
	} else if (t->audio && rate == t->rate) {
		position_sounds_like_mp3(t, c, i, a, n, rate);
	} else if (k->v->level == BK_VERIFY_FULL) {
		/* no MP3 to compare with: what the file says */
		if (!*sp)
			*sp = vk_voice(k, c);
		if (*sp && voice_matches(t, c, *sp))
			check_content(t, c, *sp, i, a, n, rate, 0, (double)n / rate,
			              bki_buf_str(&name));
	} else {
		vk_not_run(k, bki_buf_str(&file), "audio-content", "--quick, and the "
		           "kit holds no MP3 to compare the file with");
	}
	bk_free(a);
	bk_diags_free(d);
	bki_buf_free(&name);
	bki_buf_free(&file);
	bki_buf_free(&p);
}

/* Playlist entry i (a file, with the title and seconds of the #EXTINF
 * before it) against section i; false after a failure. */
static bool playlist_entry(track *t, size_t c, size_t i, const char *line,
                           const char *label, long secs)
{
	vkit *k = t->k;
	if (i >= t->nsec) {
		vk_fail(k, c, 0, "lists %s after the last section", line);
		return false;
	}
	bki_buf name = {0};
	section_file(t, i, &name);
	unsigned pos = t->sec[i].number;
	bool ok = false;
	if (strcmp(line, bki_buf_str(&name)))
		vk_fail(k, c, pos, "entry %zu is %s, the script's is %s", i + 1,
		        line, bki_buf_str(&name));
	else if (pos && (!label || strcmp(label, t->sec[i].label)))
		vk_fail(k, c, pos, "entry %zu is titled \"%s\", the script's "
		        "position is \"%s\"", i + 1, label ? label : "",
		        t->sec[i].label);
	else if (t->start && secs >= 0 &&
	         fabs((double)secs - (t->end[i] - t->start[i])) > 1.0)
		vk_fail(k, c, pos, "entry %zu says %ld s, its part of the MP3 "
		        "lasts %.1f s", i + 1, secs, t->end[i] - t->start[i]);
	else
		ok = true;
	bki_buf_free(&name);
	return ok;
}

/* The playlist: the files in order, each with its line. */
static void check_playlist(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0};
	bki_buf_printf(&file, "%s/positions/playlist.m3u8", bki_buf_str(&t->folder));
	size_t c, size;
	char *data = NULL;
	if (!vk_check_read(k, bki_buf_str(&file), "playlist", &c, &data, &size))
		goto out;
	char *line = data, *next;
	size_t i = 0;
	bool head = false, bad = false;
	const char *label = NULL;
	long secs = -1;
	for (; line && !bad; line = next) {
		next = memchr(line, '\n', size - (size_t)(line - data));
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		if (!strcmp(line, "#EXTM3U")) {
			head = true;
		} else if (!strncmp(line, "#EXTINF:", 8)) {
			char *comma = strchr(line, ',');
			secs = strtol(line + 8, NULL, 10);
			label = comma ? comma + 1 : "";
		} else if (line[0] != '#') {
			if (!playlist_entry(t, c, i, line, label, secs)) {
				bad = true;
				if (i >= t->nsec)
					break;
			}
			label = NULL;
			secs = -1;
			i++;
		}
	}
	if (!head)
		vk_fail(k, c, 0, "is not an extended M3U playlist (no #EXTM3U)");
	else if (!bad && i != t->nsec)
		vk_fail(k, c, 0, "lists %zu files, the track has %zu sections", i, t->nsec);
out:
	free(data);
	bki_buf_free(&file);
}

static void check_positions(track *t)
{
	bk_speech *sp = NULL;
	for (size_t i = 0; i < t->nsec; i++)
		check_position_file(t, i, &sp);
	check_playlist(t);
}

/* ---- the DAISY book ---- */

static xmlNodePtr find_all(xmlNodePtr n, const char *name, xmlNodePtr *out,
                           size_t *count, size_t cap)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, name) && *count < cap)
			out[(*count)++] = c;
		find_all(c->children, name, out, count, cap);
	}
	return NULL;
}

/* The attribute's value ("" when absent), malloc'd; NULL (k's check out
 * of memory) when memory runs out. n NULL: "". */
static char *prop(const vkit *k, xmlNodePtr n, const char *name)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	char *s = bki_strdup(v ? (const char *)v : "");
	xmlFree(v);
	if (!s)
		k->v->nomem = true;
	return s;
}

/* "npt=12.345s" in seconds, or -1. */
static double npt(const char *s)
{
	double v;
	char unit = 0;
	if (sscanf(s, "npt=%lf%c", &v, &unit) < 1 || (unit && unit != 's') || v < 0)
		return -1;
	return v;
}

/* Section i's SMIL: clips of mp3 that tile its section, one per
 * sentence. */
static void check_smil(track *t, size_t i, const char *mp3)
{
	vkit *k = t->k;
	char *data = NULL, *tsrc = NULL;
	size_t size = 0;
	const section *s = &t->sec[i];
	bki_buf sf = {0};
	bki_buf_printf(&sf, "%s/s%04zu.smil", bki_buf_str(&t->folder), i + 1);
	size_t sc = vk_check(k, bki_buf_str(&sf), "daisy");
	xmlDocPtr sm = NULL;
	xmlNodePtr *au = NULL, tx[2];
	if (vk_read(k, sc, bki_buf_str(&sf), &data, &size)) {
		bk_diags *d2 = bk_diags_create();
		sm = bki_decode_xml(data, size, bki_buf_str(&sf), false, d2);
		if (!sm)
			vk_fail(k, sc, s->number, "cannot be read: %s", vk_first(d2));
		bk_diags_free(d2);
	}
	free(data);
	size_t acap = s->n + 16, na = 0, nt = 0;
	if (!sm || !(au = vk_got(k, bki_calloc(acap, sizeof *au))))
		goto out;
	find_all(xmlDocGetRootElement(sm), "audio", au, &na, acap);
	find_all(xmlDocGetRootElement(sm), "text", tx, &nt, 2);
	char want[48];
	snprintf(want, sizeof want, "ncc.html#h%04zu", i + 1);
	if (!(tsrc = prop(k, nt ? tx[0] : NULL, "src")))
		goto out;
	if (strcmp(tsrc, want))
		vk_fail(k, sc, s->number, "its text is \"%s\", not %s", tsrc, want);
	if (na != s->n)
		vk_fail(k, sc, s->number, "%zu clips, the script has %zu sentences "
		        "here", na, s->n);
	double last = -1;
	for (size_t q = 0; q < na && !vk_failed(k, sc); q++) {
		char *src = prop(k, au[q], "src"), *b = prop(k, au[q], "clip-begin"),
		     *e = prop(k, au[q], "clip-end");
		double tb = b ? npt(b) : -1, te = e ? npt(e) : -1;
		if (!src || !b || !e) /* out of memory: the check says so */
			q = na;
		else if (strcmp(src, mp3))
			vk_fail(k, sc, s->number, "clip %zu plays %s, not %s", q + 1,
			        src, mp3);
		else if (tb < 0 || te <= tb)
			vk_fail(k, sc, s->number, "clip %zu's times are not a span",
			        q + 1);
		else if (last >= 0 && fabs(tb - last) > 0.0015)
			vk_fail(k, sc, s->number, "clip %zu starts at %.3f s, the "
			        "clip before it ends at %.3f s", q + 1, tb, last);
		else if (t->start && q == 0 && fabs(tb - t->start[i]) > FRAME_S)
			vk_fail(k, sc, s->number, "starts at %.3f s, its part of the "
			        "MP3 at %.3f s", tb, t->start[i]);
		else if (t->start && q + 1 == na &&
		         fabs(te - t->end[i]) > (i + 1 < t->nsec ? FRAME_S : TIME_TOL))
			/* (the last section ends where the decoded audio does) */
			vk_fail(k, sc, s->number, "ends at %.3f s, its part of the MP3 "
			        "at %.3f s", te, t->end[i]);
		last = te;
		free(src);
		free(b);
		free(e);
	}
out:
	free(tsrc);
	free(au);
	xmlFreeDoc(sm);
	bki_buf_free(&sf);
}

static void check_daisy(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0}, mp3 = {0};
	bki_buf_printf(&file, "%s/ncc.html", bki_buf_str(&t->folder));
	bki_buf_printf(&mp3, "%s-%s.mp3", k->ballot, t->lang);
	size_t c, size;
	char *data = NULL;
	xmlDocPtr ncc = NULL;
	bk_diags *d = bk_diags_create();
	if (!vk_check_read(k, bki_buf_str(&file), "daisy", &c, &data, &size))
		goto done;
	ncc = bki_decode_xml(data, size, bki_buf_str(&file), false, d);
	free(data);
	data = NULL;
	if (!ncc) {
		vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
		goto done;
	}
	size_t cap = t->nsec + 16, nh = 0;
	xmlNodePtr *h = vk_got(k, bki_calloc(cap, sizeof *h));
	if (!h)
		goto done;
	find_all(xmlDocGetRootElement(ncc), "h1", h, &nh, cap);
	if (nh != t->nsec)
		vk_fail(k, c, 0, "%zu headings, the track has %zu sections", nh, t->nsec);
	for (size_t i = 0; i < nh && i < t->nsec && !vk_failed(k, c); i++) {
		const section *s = &t->sec[i];
		xmlChar *text = xmlNodeGetContent(h[i]);
		size_t na = 0;
		xmlNodePtr a[2];
		find_all(h[i]->children, "a", a, &na, 2);
		char *href = prop(k, na ? a[0] : NULL, "href");
		char want[64];
		snprintf(want, sizeof want, "s%04zu.smil#t%04zu", i + 1, i + 1);
		if (!href) {
			xmlFree(text);
			break;
		}
		if (strcmp(href, want))
			vk_fail(k, c, s->number, "heading %zu links to \"%s\", not %s", i + 1,
			        href, want);
		else if (s->number && strcmp((const char *)text, s->label))
			vk_fail(k, c, s->number, "heading %zu is \"%s\", the script's position "
			        "is \"%s\"", i + 1, (const char *)text, s->label);
		xmlFree(text);
		free(href);
	}
	free(h);
	/* each SMIL: clips of the right file that tile its section, one per
	 * sentence */
	for (size_t i = 0; i < t->nsec && !k->v->nomem; i++)
		check_smil(t, i, bki_buf_str(&mp3));
done:
	xmlFreeDoc(ncc);
	free(data);
	bk_diags_free(d);
	bki_buf_free(&file);
	bki_buf_free(&mp3);
}

/* ---- transcript, captions, review page ---- */

/* "HH:MM:SS.mmm" at s into seconds; the characters used in *used. */
static bool clock_at(const char *s, double *v, int *used)
{
	unsigned h, m;
	double sec;
	int n = 0;
	if (sscanf(s, "%u:%u:%lf%n", &h, &m, &sec, &n) != 3 || m > 59 || sec >= 60)
		return false;
	*v = h * 3600.0 + m * 60.0 + sec;
	if (used)
		*used = n;
	return true;
}

/* The sentences in order, as one list; the section of each. */
static const sentence *nth_sentence(const track *t, size_t q, unsigned *pos)
{
	for (size_t i = 0; i < t->nsec; i++) {
		if (q < t->sec[i].n) {
			*pos = t->sec[i].number;
			return &t->sec[i].s[q];
		}
		q -= t->sec[i].n;
	}
	*pos = 0;
	return NULL;
}

/* A spoken time against where the sentence was heard (content check) or
 * at least its section; 0 when it is right. */
static bool time_ok(const track *t, size_t q, double v, size_t *in_section)
{
	size_t i = 0, n = q;
	while (i < t->nsec && n >= t->sec[i].n)
		n -= t->sec[i++].n;
	*in_section = i;
	if (t->said && q < t->nsaid && !isnan(t->said[q]))
		return fabs(v - t->said[q]) <= TIME_TOL;
	/* a sentence is heard the decoder's delay after its frames start */
	double delay = (double)MP3_DELAY_SAMPLES / 22050.0;
	if (t->start && i < t->nsec)
		return v >= t->start[i] + delay - TIME_TOL && v <= t->end[i] + delay + TIME_TOL;
	return true;
}

/* The q-th sentence of the script, which text, the q-th of the transcript
 * (or with cue, of the captions), must say; NULL, reported under check c,
 * when the script has fewer sentences or says another. *pos: its
 * position. */
static const sentence *said_as_script(track *t, size_t c, size_t q,
                                      const char *text, bool cue,
                                      unsigned *pos)
{
	const sentence *s = nth_sentence(t, q, pos);
	if (!s) {
		vk_fail(t->k, c, 0, "\"%s\" is more than the script says", text);
		return NULL;
	}
	if (strcmp(text, s->text) && cue) {
		vk_fail(t->k, c, *pos, "cue %zu says \"%s\", the script says \"%s\"",
		        q + 1, text, s->text);
		return NULL;
	}
	if (strcmp(text, s->text)) {
		vk_fail(t->k, c, *pos, "says \"%s\", the script says \"%s\"", text,
		        s->text);
		return NULL;
	}
	return s;
}

static void check_transcript(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0};
	bki_buf_printf(&file, "%s.txt", bki_buf_str(&t->base));
	size_t c, size, total = sentence_count(t);
	char *data = NULL;
	if (!vk_check_read(k, bki_buf_str(&file), "transcript", &c, &data, &size))
		goto done;
	t->transcript = vk_got(k, bki_calloc(total + 1, sizeof *t->transcript));
	if (!t->transcript)
		goto done;
	size_t q = 0;
	double last = -1;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		double v;
		int used = 0;
		if (line[0] != '[' || !clock_at(line + 1, &v, &used) || line[1 + used] != ']')
			continue;
		const char *text = line + 2 + used;
		while (*text == ' ')
			text++;
		unsigned pos;
		const sentence *s = said_as_script(t, c, q, text, false, &pos);
		size_t sec;
		if (!s)
			goto done;
		if (v < last) {
			vk_fail(k, c, pos, "\"%s\" starts before the sentence above it", text);
			goto done;
		}
		if (!time_ok(t, q, v, &sec)) {
			if (q < t->nsaid && !isnan(t->said[q]))
				vk_fail(k, c, pos, "puts \"%s\" at %.3f s; the audio says it at "
				        "%.3f s", text, v, t->said[q]);
			else
				vk_fail(k, c, pos, "puts \"%s\" at %.3f s, outside its part of "
				        "the audio", text, v);
			goto done;
		}
		t->transcript[q++] = v;
		last = v;
	}
	t->ntranscript = q;
	if (q < total) {
		unsigned pos;
		const sentence *s = nth_sentence(t, q, &pos);
		vk_fail(k, c, pos, "ends before \"%s\"", s ? s->text : "");
	}
done:
	if (vk_failed(k, c))
		t->ntranscript = 0;
	free(data);
	bki_buf_free(&file);
}

static void check_captions(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0};
	bki_buf_printf(&file, "%s.vtt", bki_buf_str(&t->base));
	size_t c, size, total = sentence_count(t), q = 0;
	char *data = NULL;
	if (!vk_check_read(k, bki_buf_str(&file), "captions", &c, &data, &size))
		goto done;
	if (strncmp(data, "WEBVTT", 6)) {
		vk_fail(k, c, 0, "is not WebVTT (no WEBVTT header)");
		goto done;
	}
	char *line = data, *next;
	for (; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		double a, b;
		int used = 0;
		if (!strstr(line, "-->") || !clock_at(line, &a, &used) ||
		    strncmp(line + used, " --> ", 5) || !clock_at(line + used + 5, &b, NULL))
			continue;
		const char *text = next ? next : "";
		if (next) {
			char *nl = strchr(next, '\n');
			if (nl)
				*nl = '\0';
			next = nl ? nl + 1 : NULL;
		}
		unsigned pos;
		const sentence *s = said_as_script(t, c, q, text, true, &pos);
		size_t sec;
		if (!s)
			goto done;
		if (!(b > a) || !time_ok(t, q, a, &sec) ||
		    (q < t->ntranscript && fabs(a - t->transcript[q]) > 0.0015)) {
			vk_fail(k, c, pos, "cue %zu's time %.3f s is not where \"%s\" is said",
			        q + 1, a, text);
			goto done;
		}
		q++;
	}
	if (q < total) {
		unsigned pos;
		const sentence *s = nth_sentence(t, q, &pos);
		vk_fail(k, c, pos, "ends before \"%s\"", s ? s->text : "");
	}
done:
	free(data);
	bki_buf_free(&file);
}

static void check_review(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0}, mp3 = {0};
	bki_buf_printf(&file, "%s-review.html", bki_buf_str(&t->base));
	bki_buf_printf(&mp3, "%s-%s.mp3", k->ballot, t->lang);
	size_t c, size, total = sentence_count(t);
	char *data = NULL;
	xmlDocPtr doc = NULL;
	bk_diags *d = bk_diags_create();
	if (!vk_check_read(k, bki_buf_str(&file), "review", &c, &data, &size))
		goto done;
	doc = bki_decode_xml(data, size, bki_buf_str(&file), true, d);
	if (!doc) {
		vk_fail(k, c, 0, "cannot be read: %s", vk_first(d));
		goto done;
	}
	size_t cap = total + 16, nr = 0, q = 0;
	xmlNodePtr *rows = vk_got(k, bki_calloc(cap, sizeof *rows));
	if (rows)
		find_all(xmlDocGetRootElement(doc), "tr", rows, &nr, cap);
	for (size_t r = 0; r < nr; r++) {
		xmlNodePtr td[4];
		size_t ntd = 0, na = 0;
		find_all(rows[r]->children, "td", td, &ntd, 4);
		if (ntd < 3)
			continue; /* the heading row */
		xmlNodePtr a[1];
		find_all(td[0]->children, "a", a, &na, 1);
		char *href = prop(k, na ? a[0] : NULL, "href");
		if (!href)
			break;
		xmlChar *text = xmlNodeGetContent(td[1]);
		unsigned pos;
		const sentence *s = nth_sentence(t, q, &pos);
		size_t ml = mp3.len, sec;
		double v = -1;
		if (!strncmp(href, bki_buf_str(&mp3), ml) && !strncmp(href + ml, "#t=", 3))
			v = strtod(href + ml + 3, NULL);
		if (!s)
			vk_fail(k, c, 0, "row %zu is more than the script says", q + 1);
		else if (strcmp((const char *)text, s->text))
			vk_fail(k, c, pos, "row %zu says \"%s\", the script says \"%s\"", q + 1,
			        (const char *)text, s->text);
		else if (v < 0)
			vk_fail(k, c, pos, "row %zu's link \"%s\" does not play %s", q + 1,
			        href, bki_buf_str(&mp3));
		else if (!time_ok(t, q, v, &sec) ||
		         (q < t->ntranscript && fabs(v - t->transcript[q]) > 0.0015))
			vk_fail(k, c, pos, "row %zu's link plays %.3f s, where \"%s\" is not "
			        "said", q + 1, v, s->text);
		xmlFree(text);
		free(href);
		q++;
		if (vk_failed(k, c))
			break;
	}
	free(rows);
	if (!vk_failed(k, c) && q != total)
		vk_fail(k, c, 0, "%zu rows, the script has %zu sentences", q, total);
done:
	xmlFreeDoc(doc);
	free(data);
	bk_diags_free(d);
	bki_buf_free(&file);
	bki_buf_free(&mp3);
}

/* ---- the audio formats made on request ---- */

/* WAV, FLAC, Ogg Vorbis, Opus and the 8 kHz file are the same timeline as
 * the MP3, encoded otherwise: each lasts as long, and the first second of
 * each of its sections sounds like the MP3's there (the MP3 heard the
 * decoder's delay later). */
static void check_other_audio(track *t)
{
	vkit *k = t->k;
	bki_buf file = {0}, p = {0};
	for (int o = 0; o < BK_OUTPUT_COUNT; o++) {
		if (!(k->other_audio & BK_OUTPUT_BIT(o)))
			continue;
		const char *pat = bk_output_file_pattern((bk_output)o, 0);
		bki_buf_truncate(&file, 0);
		for (const char *q = pat; q && *q;) {
			if (!strncmp(q, "{ballot}", 8)) {
				bki_buf_add(&file, k->ballot);
				q += 8;
			} else if (!strncmp(q, "{lang}", 6)) {
				bki_buf_add(&file, t->lang);
				q += 6;
			} else {
				bki_buf_addc(&file, *q++);
			}
		}
		size_t c = vk_check(k, bki_buf_str(&file), "audio-format");
		float *a = NULL;
		size_t n = 0;
		int rate = 0;
		bk_diags *d = bk_diags_create();
		if (!vk_exists(k, bki_buf_str(&file))) {
			vk_fail(k, c, 0, "missing");
		} else if (bk_decode_audio_file(vk_path(k, &p, "%s", bki_buf_str(&file)), &a,
		                                &n, &rate, d) != BK_OK) {
			vk_fail(k, c, 0, "cannot be decoded: %s", vk_first(d));
			a = NULL;
		} else if (!t->audio || !t->start) {
			vk_not_run(k, bki_buf_str(&file), "audio-format", "the kit holds no "
			           "MP3 with chapters to compare it with");
		} else {
			double len = (double)n / rate, want = t->end[t->nsec - 1];
			if (fabs(len - want) > TIME_TOL + 2 * FRAME_S)
				vk_fail(k, c, 0, "lasts %.3f s, the MP3 %.3f s", len, want);
			double delay = (double)MP3_DELAY_SAMPLES / t->rate;
			for (size_t i = 0; i < t->nsec && !vk_failed(k, c); i++) {
				size_t from = (size_t)lround(t->start[i] * rate);
				size_t m = (size_t)rate; /* one second */
				if (from >= n)
					break;
				if (from + m > n)
					m = n - from;
				int16_t *pcm = vk_got(k, bki_calloc(m + 1, sizeof *pcm));
				if (!pcm)
					break;
				for (size_t q = 0; q < m; q++) {
					float v = a[from + q] * 32767.0f;
					pcm[q] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
				}
				size_t s0, s1;
				bk_decode_clip_span(pcm, m, rate, &s0, &s1);
				double score = 0;
				if (s1 > s0)
					bk_decode_audio_match(t->audio, t->n, t->rate,
					                      t->start[i] + delay + (double)s0 / rate, pcm,
					                      m, rate, TIME_TOL + FRAME_S, &score, NULL);
				free(pcm);
				if (s1 > s0 && score < OTHER_MATCH)
					vk_fail(k, c, t->sec[i].number, "does not sound like the MP3 at "
					        "%.3f s (correlation %.2f, at least %.2f needed)",
					        t->start[i], score, OTHER_MATCH);
			}
		}
		bk_free(a);
		bk_diags_free(d);
	}
	bki_buf_free(&file);
	bki_buf_free(&p);
}

/* ---- the track of each language ---- */

/* The files of one language's track that the kit holds. */
static void check_track(track *t, bool build)
{
	const vkit *k = t->k;
	if (k->outputs & VO_AUDIO_MP3)
		check_mp3(t);
	if (k->outputs & VO_AUDIO_TRANSCRIPT)
		check_transcript(t);
	if (build)
		return;
	if (k->outputs & VO_AUDIO_CAPTIONS)
		check_captions(t);
	if (k->outputs & VO_AUDIO_POSITIONS)
		check_positions(t);
	if (k->outputs & VO_AUDIO_DAISY)
		check_daisy(t);
	if (k->outputs & VO_AUDIO_REVIEW)
		check_review(t);
	if (k->other_audio)
		check_other_audio(t);
}

void vk_check_audio(vkit *k)
{
	unsigned any = VO_AUDIO_MP3 | VO_AUDIO_POSITIONS | VO_AUDIO_DAISY |
	               VO_AUDIO_TRANSCRIPT | VO_AUDIO_CAPTIONS | VO_AUDIO_REVIEW;
	if (!(k->outputs & any))
		return;
	bool build = k->v->level == BK_VERIFY_BUILD;
	for (size_t l = 0; l < k->nlangs; l++) {
		track t = {.k = k, .l = l, .lang = k->langs[l]};
		bki_buf_printf(&t.folder, "audio/%s-%s", k->ballot, t.lang);
		bki_buf_printf(&t.base, "%s/%s-%s", bki_buf_str(&t.folder), k->ballot, t.lang);
		t.nsec = sections_of(k, l, &t.sec);
		t.nsaid = sentence_count(&t);
		t.said = t.sec ? vk_got(k, bki_calloc(t.nsaid + 1, sizeof *t.said))
		               : NULL;
		for (size_t q = 0; t.said && q < t.nsaid; q++)
			t.said[q] = NAN;
		if (t.said) /* else out of memory: nothing of it is checked */
			check_track(&t, build);
		bk_decoded_chapters_free(t.ch);
		bk_free(t.audio);
		free(t.start);
		free(t.end);
		free(t.said);
		free(t.transcript);
		free_sections(t.sec, t.nsec);
		bki_buf_free(&t.base);
		bki_buf_free(&t.folder);
	}
}
