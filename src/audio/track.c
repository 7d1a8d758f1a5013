/* The audio ballot of one script: sentences spoken, trimmed, joined with
 * the template's pauses on one timeline, brought to the loudness target,
 * and encoded (each distinct sentence once) into whole MP3 frames.
 *
 * The timeline is the MP3's: a part (a sentence or a pause) takes whole
 * frames of 576 samples, and a sentence's speech starts after the
 * encoder's delay plus the decoder's delay, where every MP3 decoder puts
 * it. The PCM outputs (WAV, FLAC, Ogg) carry the same samples at the same
 * places, so chapters, captions and markers agree in every format. */
#include "audio/audio-private.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "templates/templates-private.h"
#include "ballotkit/version.h"

/* Loudness is reached in steps of this many dB, so that a sentence shared
 * by many ballots is encoded once per step, not once per ballot. */
#define GAIN_STEP 0.25
/* The limiter aims this far under the ceiling; each encoded sentence is
 * then decoded and, if its true peak still passes the ceiling, limited
 * harder and encoded again. */
#define LIMIT_MARGIN 0.5
/* LAME's decoded output measures this much quieter than its input. At
 * 32 kbit/s on 120 tracks of the national bench: 0.40 LU (sd 0.01) at
 * quality 5, 0.51 at quality 7; qualities 5 and 6 and qualities 7 to 9
 * give the same frames here. The decoded MP3 lands within a half step
 * plus that spread of the target (measured on decoded files by the tests
 * and the bench: docs/audio.md). */
static double lame_loss(int quality)
{
	return quality >= 7 ? 0.5 : 0.4;
}
/* Those figures were measured against the samples before the limiter
 * (they choose the gain, and are left as they are). Measured against the
 * samples after it (reached, below), on 48 tracks of a national sample at
 * 32 kbit/s and -20 LUFS: 0.44 LU (sd 0.02) at quality 7, 0.40 (sd 0.02)
 * at quality 5; the example's tracks at -20, -16 and -12 LUFS then decode
 * within 0.05 LU of the figure. */
static double lame_loss_after_limiter(int quality)
{
	return quality >= 7 ? 0.44 : 0.40;
}
/* A long silence, encoded once: pauses are runs of its frames. */
#define SILENCE_SECONDS 12

static const int mp3_rates[] = {8,  16, 24,  32,  40,  48,  56, 64,
                                80, 96, 112, 128, 144, 160, 0};

bk_status bk_audio_formats_parse(const char *list, unsigned *formats,
                                 bk_diags *diags)
{
	if (!list || !formats)
		return BK_ERR_USAGE;
	bk_output_set set;
	bk_status st = bk_outputs_parse(list, BK_OUTPUTS_AUDIO, &set, diags);
	if (st == BK_OK)
		*formats = (unsigned)set;
	return st;
}

/* Every value of o within its bounds (audio.h, production.h); if not,
 * BK_ERR_USAGE and a message naming the bounds. */
static bk_status check_options(const bk_audio_options *o, bk_diags *diags)
{
	bool rate_ok = false;
	for (const int *r = mp3_rates; *r; r++)
		rate_ok |= *r == o->bitrate;
	if (!(o->loudness >= BK_LOUDNESS_LUFS_MIN &&
	      o->loudness <= BK_LOUDNESS_LUFS_MAX))
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the loudness must be %d to %d LUFS",
		             BK_LOUDNESS_LUFS_MIN, BK_LOUDNESS_LUFS_MAX);
	else if (!(o->true_peak >= BK_AUDIO_TRUE_PEAK_MIN &&
	           o->true_peak <= BK_AUDIO_TRUE_PEAK_MAX))
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the true-peak ceiling must be %d to %d dBTP",
		             BK_AUDIO_TRUE_PEAK_MIN, BK_AUDIO_TRUE_PEAK_MAX);
	else if (!rate_ok)
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the MP3 bit rate must be one of 8, 16, 24, 32, 40, "
		             "48, 56, 64, 80, 96, 112, 128, 144 or 160 kbit/s");
	else if (o->quality < 0 || o->quality > BK_AUDIO_QUALITY_MAX)
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the MP3 quality must be 0 (best) to %d (fastest)",
		             BK_AUDIO_QUALITY_MAX);
	else if (!(o->speed >= BK_AUDIO_SPEED_MIN &&
	           o->speed <= BK_AUDIO_SPEED_MAX))
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the speed must be %.1f to %.1f", BK_AUDIO_SPEED_MIN,
		             BK_AUDIO_SPEED_MAX);
	else
		return BK_OK;
	return BK_ERR_USAGE;
}

static_assert(offsetof(bk_audio_options, version) == 0,
              "bki_options_take reads the version first");

bk_status bk_audio_create(bk_audio **out, bk_speech *speech,
                          const bk_templates *tpl, const bk_audio_options *opt,
                          bk_diags *diags)
{
	if (!out || !speech || !tpl)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_audio_options o = BK_AUDIO_OPTIONS_INIT;
	if (!bki_options_take(&o, opt, sizeof o, BK_AUDIO_OPTIONS_VERSION,
	                      "bk_audio_options", diags) ||
	    check_options(&o, diags) != BK_OK)
		return BK_ERR_USAGE;
	/* the object's allocation and its out-of-memory answer, then its
	 * fields: the shape of every create function (bk_audio_create,
	 * bk_speech_create, bk_import_create), which a duplicate-code finder
	 * pairs; there is nothing to share but the shape */
	bk_audio *a = bki_calloc(1, sizeof *a);
	if (!a)
		return bki_diags_nomem(diags, "", "", "starting audio");
	a->speech = speech;
	a->tpl = tpl;
	a->opt = o;
	a->opt.cache_dir = NULL;
	a->parts = bki_cache_new(o.cache_dir, "mp3",
	                        o.memory_cache ? o.memory_cache : 16u << 20);
	a->done = bki_cache_new(NULL, "", (o.memory_cache ? o.memory_cache : 16u << 20) / 2);
	a->blocks = bki_cache_new(NULL, "", 4u << 20);
	a->levels = bki_cache_new(o.cache_dir, "levels", 2u << 20);
	size_t n = (size_t)SILENCE_SECONDS * BK_SPEECH_RATE;
	int16_t *zero = bki_calloc(n, sizeof *zero);
	errno = 0;
	bool ok = zero && bki_mp3_encode(zero, n, o.bitrate, o.quality,
	                                &a->silence);
	free(zero);
	if (!zero || !a->parts || !a->done || !a->blocks || !a->levels ||
	    (!ok && errno == ENOMEM)) {
		bk_audio_free(a);
		return bki_diags_nomem(diags, "", "", "starting audio");
	}
	if (!ok) {
		bki_diags_add(diags, BK_ERROR, "encoder", "", 0, 0, "",
		             "LAME cannot encode MP3 at %d kbit/s", o.bitrate);
		bk_audio_free(a);
		return BK_ERR_USAGE;
	}
	*out = a;
	return BK_OK;
}

void bk_audio_free(bk_audio *a)
{
	if (!a)
		return;
	bki_cache_free(a->parts);
	bki_cache_free(a->done);
	bki_cache_free(a->blocks);
	bki_cache_free(a->levels);
	bki_mp3_part_free(&a->silence);
	free(a);
}

size_t bk_audio_cache_discarded(const bk_audio *a)
{
	return a ? bki_cache_discarded(a->parts) + bki_cache_discarded(a->done) +
	               bki_cache_discarded(a->blocks) + bki_cache_discarded(a->levels)
	         : 0;
}

/* One sentence while the track is made. */
typedef struct clip {
	size_t segment, sentence;
	const char *text;
	char *where;         /* for messages: the definition's path, or the segment */
	char *said;
	char key[65];        /* the speech clip's key */
	int16_t *raw;        /* trimmed, at the track's speed */
	size_t n;
	size_t quiet_lead, quiet_tail; /* samples under the silence threshold */
	float *blocks;       /* loudness of its 400 ms blocks */
	size_t nblocks;
	int16_t *done;       /* gain and limiter applied: made when needed */
	double ceiling;      /* the limiter's ceiling its frames were made with */
	bki_buf part;         /* its frames' cache key */
	size_t at;           /* where its samples decode in the track */
	bki_mp3_part mp3;
	long pause_after;    /* samples of silence wanted after it */
} clip;

/* Silence frames between a part that ends tail samples after its speech and
 * one whose speech starts lead samples into it, so that the gap is as close
 * to want samples as whole frames allow. */
static size_t pause_frames(long want, long tail, long lead, size_t at_least)
{
	double k = floor((double)(want - tail - lead) / BK_MP3_FRAME + 0.5);
	return k < (double)at_least ? at_least : (size_t)k;
}

/* Lays the clips out: for each clip its first frame, and the silence
 * before it; the total frames. The pauses are measured from the last
 * sound of one sentence to the first of the next: the quiet margins the
 * trimming kept count as pause. */
static size_t layout(const clip *c, size_t n, long start_pause, long end_pause,
                     size_t *first, size_t *silence_before,
                     size_t *end_silence)
{
	size_t at = 0;
	long tail = 0;
	for (size_t i = 0; i < n; i++) {
		size_t frames = c[i].mp3.frames;
		long delay = (long)c[i].mp3.delay;
		long want = i ? c[i - 1].pause_after - (long)c[i - 1].quiet_tail
		              : start_pause;
		want -= (long)c[i].quiet_lead;
		/* before the first clip the decoder's delay shifts speech too */
		size_t k = pause_frames(want, tail,
		                        delay + (i ? 0 : BK_MP3_DECODER_DELAY), 0);
		silence_before[i] = k;
		at += k;
		first[i] = at;
		at += frames;
		tail = (long)(frames * BK_MP3_FRAME) - delay - (long)c[i].n;
	}
	/* at least one frame at the end: the decoder's delay pushes the last
	 * samples of speech into it */
	long want = end_pause - (n ? (long)c[n - 1].quiet_tail : 0);
	*end_silence = pause_frames(want, tail, 0, 1);
	return at + *end_silence;
}

/* A clip's samples with the track's gain and its limiter: the samples its
 * frames were encoded from (already there when it was encoded just now).
 * Kept in memory for the sentences many tracks share; only a track whose
 * timeline is asked for comes here, so an MP3-only build keeps none.
 * false when memory runs out. */
static bool clip_done(bk_audio *a, clip *c, double gain)
{
	size_t bytes = c->n * sizeof *c->done;
	if (!c->done) {
		c->done = bki_malloc(bytes ? bytes : 1);
		if (!c->done)
			return false;
		bki_buf d = {0};
		bool kept = bki_cache_get(a->done, &c->part, &d) && d.len == bytes;
		if (kept)
			memcpy(c->done, d.data, bytes);
		bki_buf_free(&d);
		if (kept)
			return true;
		if (!bki_dsp_gain_limit(c->raw, c->n, gain, c->ceiling, c->done)) {
			free(c->done);
			c->done = NULL;
			return false;
		}
	}
	bki_cache_put(a->done, &c->part, c->done, bytes);
	return true;
}

/* The timeline's samples: every clip's processed samples where it is
 * decoded; NULL when memory runs out. */
static int16_t *render(bk_audio *a, clip *c, size_t n, size_t frames,
                       double gain)
{
	size_t total = frames * BK_MP3_FRAME;
	int16_t *pcm = bki_calloc(total + 1, sizeof *pcm);
	for (size_t i = 0; pcm && i < n; i++) {
		if (!clip_done(a, &c[i], gain)) {
			free(pcm);
			return NULL;
		}
		size_t at = c[i].at;
		size_t len = c[i].n;
		if (at + len > total)
			len = at < total ? total - at : 0;
		memcpy(pcm + at, c[i].done, len * sizeof *pcm);
	}
	return pcm;
}

/* The loudness the MP3 of these clips will have: the blocks of every
 * clip gated together as one programme (the pauses' silent blocks are
 * gated out anyway), less what LAME loses (lame_loss). Each clip's
 * blocks are measured once and kept, so a sentence shared by many tracks
 * costs nothing after its first. NAN when memory runs out. */
static double predict(const clip *c, size_t n, double loss)
{
	const float **b = bki_calloc(n + 1, sizeof *b);
	size_t *k = bki_calloc(n + 1, sizeof *k);
	if (!b || !k) {
		free(b);
		free(k);
		return NAN;
	}
	for (size_t i = 0; i < n; i++) {
		b[i] = c[i].blocks;
		k[i] = c[i].nblocks;
	}
	double l = bki_dsp_gated(b, k, n) - loss;
	free(b);
	free(k);
	return l;
}

/* The key of a clip's levels (below): its frames' key material, and the
 * byte order of the floats stored. */
static void levels_key(const clip *c, bki_buf *key)
{
	const uint16_t order = 1;
	bki_cache_key_str(key, "cache", "ballotkit limited blocks 1");
	bki_cache_key_int(key, "float-byte-order", *(const unsigned char *)&order);
	bki_buf_addn(key, c->part.data, c->part.len);
	if (bki_buf_failed(&c->part))
		key->failed = true; /* neither found nor stored */
}

static bool levels_get(bk_audio *a, const clip *c, bki_buf *out)
{
	bki_buf key = {0};
	levels_key(c, &key);
	bool got = bki_cache_get(a->levels, &key, out);
	bki_buf_free(&key);
	return got;
}

static void levels_put(bk_audio *a, const clip *c, const float *blocks,
                       size_t bytes)
{
	bki_buf key = {0};
	levels_key(c, &key);
	/* a copy not written to disk only costs the next run */
	(void)bki_cache_put(a->levels, &key, blocks, bytes);
	bki_buf_free(&key);
}

/* The loudness the MP3 of these clips reaches with this gain: each clip's
 * blocks as its frames were made, gated together as in predict, less
 * LAME's loss. The limiter acts only where a sample comes within 6 dB of
 * its ceiling (bki_dsp_gain_limit): a clip whose peak stays under that is
 * its blocks raised by the gain; any other is measured after the limiter
 * (its samples are kept, as the PCM formats would make them), and those
 * blocks are kept under its frames' key (the same gain step, ceiling and
 * encoder) in memory and the cache folder, as its frames are: a sentence
 * many tracks share is measured once, and a rerun measures nothing.
 * Where the true-peak ceiling squeezed the peaks, this is under the
 * target. NAN when memory runs out. */
static double reached(bk_audio *a, clip *c, size_t n, double gain,
                      double loss)
{
	const float **b = bki_calloc(n + 1, sizeof *b);
	float **own = bki_calloc(n + 1, sizeof *own);
	size_t *k = bki_calloc(n + 1, sizeof *k);
	double l = NAN;
	if (!b || !own || !k)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int peak = 0;
		for (size_t j = 0; j < c[i].n; j++)
			if (abs(c[i].raw[j]) > peak)
				peak = abs(c[i].raw[j]);
		double peak_db = peak ? 20 * log10(peak / 32768.0) : -HUGE_VAL;
		if (peak_db + gain >= c[i].ceiling - 6.03) {
			bki_buf got = {0};
			if (levels_get(a, &c[i], &got) && got.len % sizeof(float) == 0) {
				k[i] = got.len / sizeof(float);
				own[i] = bki_malloc(got.len ? got.len : 1);
				if (own[i])
					memcpy(own[i], got.data, got.len);
			} else if (clip_done(a, &c[i], gain)) {
				k[i] = bki_dsp_blocks(c[i].done, c[i].n, BK_SPEECH_RATE,
				                     &own[i]);
				if (k[i] == (size_t)-1)
					k[i] = 0; /* own[i] NULL */
				else
					levels_put(a, &c[i], own[i], k[i] * sizeof(float));
			}
			bki_buf_free(&got);
		} else {
			own[i] = bki_calloc(c[i].nblocks + 1, sizeof **own);
			for (size_t j = 0; own[i] && j < c[i].nblocks; j++)
				own[i][j] = c[i].blocks[j] + (float)gain;
			k[i] = c[i].nblocks;
		}
		b[i] = own[i];
		if (!own[i])
			goto out;
	}
	l = bki_dsp_gated(b, k, n) - loss;
out:
	for (size_t i = 0; own && i < n; i++)
		free(own[i]);
	free(own);
	free(b);
	free(k);
	return l;
}

/* A track that misses its loudness target by more than this (LU) was held
 * back by the true-peak ceiling: the gain's steps and the prediction's
 * spread stay within 0.125 + 0.1. */
#define HELD_BACK 0.3

static double step_of(double db)
{
	return isfinite(db) ? GAIN_STEP * floor(db / GAIN_STEP + 0.5) : 0;
}

/* A pause of the templates in samples, at the track's speed. */
static long pause_samples(const bk_audio *a, int lang, int which)
{
	return (long)llround(bki_templates_pause_ms(a->tpl, lang, which) *
	                     (BK_SPEECH_RATE / 1000.0) / a->opt.speed);
}

/* The cache key of a clip's frames, into c->part: everything they depend
 * on. */
static void part_key(const bk_audio *a, clip *c, double gain)
{
	bki_buf *key = &c->part;
	bki_buf_truncate(key, 0);
	bki_cache_key_str(key, "cache", "ballotkit mp3 part 2");
	/* the clip: its key covers the engine, voice, parameters and text;
	 * the text again, for a reader of the cache */
	bki_cache_key_str(key, "clip", c->key);
	bki_cache_key_str(key, "text", c->said);
	/* the processing's own version: bump when trimming, speed, gain or the
	 * limiter change what a clip's samples are */
	bki_cache_key_str(key, "dsp", "dsp-2");
	bki_cache_key_str(key, "ballotkit", bk_version());
	bki_cache_key_str(key, "lame", bki_mp3_encoder_version());
	bki_cache_key_int(key, "speed-milli", llround(a->opt.speed * 1000));
	bki_cache_key_int(key, "gain-steps", llround(gain / GAIN_STEP));
	bki_cache_key_int(key, "true-peak-centi-db", llround(a->opt.true_peak * 100));
	bki_cache_key_int(key, "bitrate", a->opt.bitrate);
	bki_cache_key_int(key, "quality", a->opt.quality);
}

/* The clip's frames from the cache, where they are and are sound.
 * Cached: "BKMP3PT2", the encoder's delay, the input samples and the
 * limiter's ceiling (centi-dB + 10000, 8 bytes each), the frames. */
static bool cached_part(bk_audio *a, clip *c)
{
	bki_buf got = {0};
	if (!bki_cache_get(a->parts, &c->part, &got) || got.len <= 32 ||
	    memcmp(got.data, "BKMP3PT2", 8)) {
		bki_buf_free(&got);
		return false;
	}
	uint64_t v[3] = {0, 0, 0};
	for (int f = 0; f < 3; f++)
		for (int i = 0; i < 8; i++)
			v[f] |= (uint64_t)(unsigned char)got.data[8 + 8 * f + i]
			        << (8 * i);
	c->mp3.len = got.len - 32;
	c->mp3.data = bki_malloc(c->mp3.len);
	if (!c->mp3.data) { /* a miss: encoded again */
		bki_buf_free(&got);
		return false;
	}
	memcpy(c->mp3.data, got.data + 32, c->mp3.len);
	c->mp3.delay = (size_t)v[0];
	c->mp3.input = (size_t)v[1];
	bki_buf_free(&got);
	if (bki_mp3_scan(&c->mp3) && c->mp3.input == c->n) {
		/* the samples the frames were made from are made again only if
		 * a format needs them (clip_done) */
		c->ceiling = ((double)v[2] - 10000) / 100;
		return true;
	}
	bki_mp3_part_free(&c->mp3);
	return false;
}

/* Encodes the clip: each encoding is decoded and its true peak measured;
 * over the ceiling, the clip is limited harder and encoded again. *centi
 * is the limiter's ceiling in centi-dB, lowered as needed. */
/* LAME or the decoder failed on c's MP3: out of memory (errno), or the
 * clip ("BEFORE \"TEXT\"AFTER"). */
static bk_status clip_failed(const clip *c, const char *before,
                             const char *after, bk_diags *diags)
{
	if (errno == ENOMEM)
		return bki_diags_nomem(diags, "", c->where, "encoding a clip");
	bki_diags_add(diags, BK_ERROR, "encoder", "", 0, 0, c->where,
	             "%s \"%s\"%s", before, c->text, after);
	return BK_ERR_INVALID;
}

static bk_status encode_limited(bk_audio *a, clip *c, double gain,
                                long *centi, bk_diags *diags)
{
	c->done = bki_calloc(c->n, sizeof *c->done);
	if (!c->done)
		return bki_diags_nomem(diags, "", c->where, "encoding a clip");
	for (int attempt = 0;; attempt++) {
		if (!bki_dsp_gain_limit(c->raw, c->n, gain, *centi / 100.0,
		                       c->done))
			return bki_diags_nomem(diags, "", c->where,
			                      "encoding a clip");
		errno = 0;
		if (!bki_mp3_encode(c->done, c->n, a->opt.bitrate, a->opt.quality,
		                   &c->mp3))
			return clip_failed(c, "LAME could not encode", "", diags);
		float *dec = NULL;
		size_t nd = 0;
		errno = 0;
		if (!bki_audio_decode(c->mp3.data, c->mp3.len, &dec, &nd, NULL))
			return clip_failed(c, "the MP3 of", " cannot be decoded", diags);
		double tp = bki_dsp_true_peak(dec, nd, BK_SPEECH_RATE);
		free(dec);
		/* under the ceiling with slack; the joins decode as silence */
		double over = tp - (a->opt.true_peak - BK_TRUE_PEAK_SLACK);
		if (over <= 0 || attempt == 8)
			return BK_OK;
		*centi -= llround(over * 100) + 10;
		bki_mp3_part_free(&c->mp3);
	}
}

/* Keeps the clip's fresh frames in the cache (as cached_part reads
 * them); a cache that cannot be written is warned of once. */
static void store_part(bk_audio *a, const clip *c, long centi,
                       bk_diags *diags)
{
	bki_buf v = {0};
	bki_buf_addn(&v, "BKMP3PT2", 8);
	uint64_t f[3] = {c->mp3.delay, c->mp3.input, (uint64_t)(centi + 10000)};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 8; i++)
			bki_buf_addc(&v, (char)(f[k] >> (8 * i)));
	bki_buf_addn(&v, (const char *)c->mp3.data, c->mp3.len);
	if (bki_buf_failed(&v)) { /* not cached: a cache may forget */
		bki_buf_free(&v);
		return;
	}
	if (bki_cache_put(a->parts, &c->part, v.data, v.len) != 0 &&
	    !a->warned_cache) {
		a->warned_cache = true;
		bki_diags_add(diags, BK_WARNING, "cache", "", 0, 0, "",
		             "an encoded sentence could not be written to the "
		             "cache on disk: %s (the build goes on without it)",
		             strerror(errno));
	}
	bki_buf_free(&v);
}

/* Encodes one processed sentence, or takes it from the cache. The key
 * covers everything its frames depend on. */
static bk_status encode_clip(bk_audio *a, clip *c, double gain,
                             bk_diags *diags)
{
	part_key(a, c, gain);
	if (cached_part(a, c))
		return BK_OK;
	long centi = llround((a->opt.true_peak - LIMIT_MARGIN) * 100);
	bk_status st = encode_limited(a, c, gain, &centi, diags);
	if (st != BK_OK)
		return st;
	c->ceiling = centi / 100.0;
	store_part(a, c, centi, diags);
	return BK_OK;
}

/* What a clip needs no more once its frames are in the track: all but
 * what its processed samples are made from. */
static void clips_keep_samples(clip *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].blocks);
		free(c[i].where);
		free(c[i].said);
		c[i].blocks = NULL;
		c[i].where = c[i].said = NULL;
		bki_mp3_part_free(&c[i].mp3);
	}
}

static void clips_free(clip *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].blocks);
		free(c[i].where);
		free(c[i].said);
		free(c[i].raw);
		free(c[i].done);
		bki_buf_free(&c[i].part);
		bki_mp3_part_free(&c[i].mp3);
	}
	free(c);
}

/* Quiet samples at either end of a clip (under the trimming threshold). */
static void quiet_ends(clip *k)
{
	size_t a = 0, b = k->n;
	while (a < k->n && abs(k->raw[a]) < BK_SILENCE_THRESHOLD)
		a++;
	while (b > a && abs(k->raw[b - 1]) < BK_SILENCE_THRESHOLD)
		b--;
	k->quiet_lead = a;
	k->quiet_tail = k->n - b;
}

/* A clip's block loudness, from memory or measured; false when memory
 * runs out. */
static bool clip_blocks(bk_audio *a, clip *k)
{
	bki_buf key = {0};
	bki_cache_key_str(&key, "cache", "ballotkit blocks 2");
	bki_cache_key_str(&key, "clip", k->key);
	bki_cache_key_int(&key, "speed-milli", llround(a->opt.speed * 1000));
	bki_buf got = {0};
	bool ok = true;
	if (bki_cache_get(a->blocks, &key, &got) && got.len % sizeof(float) == 0) {
		k->nblocks = got.len / sizeof(float);
		k->blocks = bki_malloc(got.len ? got.len : 1);
		if (k->blocks)
			memcpy(k->blocks, got.data, got.len);
		else
			ok = false;
	} else {
		k->nblocks = bki_dsp_blocks(k->raw, k->n, BK_SPEECH_RATE, &k->blocks);
		if (k->nblocks == (size_t)-1) {
			k->nblocks = 0;
			ok = false;
		} else {
			bki_cache_put(a->blocks, &key, k->blocks,
			             k->nblocks * sizeof(float));
		}
	}
	bki_buf_free(&got);
	bki_buf_free(&key);
	return ok;
}

/* Sentences asked of the voice ahead of the one being processed. */
#define SPEAK_AHEAD 4

/* Clip k, sentence j of segment i: where it comes from (for messages),
 * its text normalised, its cache key and the pause after it. */
static bk_status prepare_clip(bk_audio *a, const bk_script *s, int li,
                              size_t i, size_t j, clip *k, bk_diags *diags)
{
	const char *lang = bk_script_language(s);
	size_t ns = bk_script_segment_sentence_count(s, i);
	size_t nseg = bk_script_segment_count(s);
	size_t pos = bk_script_segment_position(s, i);
	k->segment = i;
	k->sentence = j;
	k->text = bk_script_segment_sentence(s, i, j);
	bki_buf where = {0};
	if (pos != (size_t)-1 && *bk_script_position_source(s, pos))
		bki_buf_add(&where, bk_script_position_source(s, pos));
	else
		bki_buf_printf(&where, "ballot %s (%s), %s, sentence %zu",
		              bk_script_ballot_id(s), lang,
		              bki_segment_kind_name(bk_script_segment_kind(s, i)), j + 1);
	k->where = bki_buf_steal(&where);
	if (!k->where)
		return bki_diags_nomem(diags, "", "", "preparing a sentence");
	bk_status st = bk_speech_normalise(a->speech, lang, k->text, k->where,
	                                   &k->said, diags);
	if (st == BK_OK)
		st = bk_speech_clip_key(a->speech, lang, k->said, k->key, diags);
	int which = j + 1 < ns ? BK_PAUSE_SENTENCE
	            : i + 1 < nseg ? (int)bk_script_segment_kind(s, i)
	            : -1;
	k->pause_after = which < 0 ? 0 : pause_samples(a, li, which);
	return st;
}

/* Every sentence of the script as a clip in (*c)[0 .. *ncl), normalised:
 * all first, so that a wording problem stops the track before anything
 * is spoken. */
static bk_status prepare_clips(bk_audio *a, const bk_script *s, int li,
                               clip **c, size_t *ncl, bk_diags *diags)
{
	size_t capcl = 0;
	size_t nseg = bk_script_segment_count(s);
	for (size_t i = 0; i < nseg; i++) {
		size_t ns = bk_script_segment_sentence_count(s, i);
		size_t pos = bk_script_segment_position(s, i);
		if (ns == 0 && pos != (size_t)-1) {
			/* its chapter would have nowhere to start */
			bki_diags_add(diags, BK_ERROR, "nothing-to-speak", "", 0, 0,
			             bk_script_position_source(s, pos),
			             "position %zu of ballot %s (%s) has nothing to speak: "
			             "check the speech wording", pos + 1,
			             bk_script_ballot_id(s), bk_script_language(s));
			return BK_ERR_INVALID;
		}
		for (size_t j = 0; j < ns; j++) {
			void *v = *c;
			bool room = bki_array_room(&v, &capcl, *ncl, sizeof **c);
			*c = v;
			if (!room)
				return bki_diags_nomem(diags, "", "",
				                      "preparing the sentences");
			memset(*c + *ncl, 0, sizeof **c);
			bk_status st = prepare_clip(a, s, li, i, j, &(*c)[(*ncl)++], diags);
			if (st != BK_OK)
				return st;
		}
	}
	return BK_OK;
}

/* Clip i spoken (the next few asked ahead, so that the voice speaks them
 * while this one is trimmed and measured), trimmed, brought to the
 * track's speed and cut into blocks. */
static bk_status speak_clip(bk_audio *a, const char *lang, clip *c,
                            size_t i, size_t ncl, bk_diags *diags)
{
	clip *k = &c[i];
	for (size_t d = 1; d <= SPEAK_AHEAD && i + d < ncl; d++)
		bk_speech_prefetch(a->speech, lang, c[i + d].said);
	int16_t *raw = NULL;
	size_t nraw = 0, from, to;
	bk_status st = bk_speech_clip(a->speech, lang, k->said, k->where, &raw,
	                              &nraw, diags);
	if (st != BK_OK)
		goto out;
	if (!bki_dsp_trim(raw, nraw, &from, &to)) {
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, k->where,
		             "the voice said nothing for \"%s\"", k->said);
		st = BK_ERR_INVALID;
		goto out;
	}
	if (!bki_dsp_speed(raw + from, to - from, a->opt.speed, BK_SPEECH_RATE,
	                  &k->raw, &k->n)) {
		st = bki_diags_nomem(diags, "", k->where, "speaking a sentence");
		goto out;
	}
	quiet_ends(k);
	if (!clip_blocks(a, k))
		st = bki_diags_nomem(diags, "", k->where, "measuring a sentence");
out:
	bk_free(raw);
	return st;
}

/* 1. Every sentence of the script, normalised, spoken, trimmed and
 * brought to the track's speed, with the pause that follows it. */
static bk_status speak_all(bk_audio *a, const bk_script *s, int li,
                           clip **out, size_t *nout, bk_diags *diags)
{
	clip *c = NULL;
	size_t ncl = 0;
	bk_status st = prepare_clips(a, s, li, &c, &ncl, diags);
	if (st != BK_OK)
		goto out;
	if (ncl == 0) {
		bki_diags_add(diags, BK_ERROR, "nothing-to-speak", "", 0, 0, "",
		             "ballot %s (%s) has no sentence to speak",
		             bk_script_ballot_id(s), bk_script_language(s));
		st = BK_ERR_INVALID;
		goto out;
	}
	for (size_t i = 0; i < ncl; i++) {
		st = speak_clip(a, bk_script_language(s), c, i, ncl, diags);
		if (st != BK_OK)
			goto out;
	}
out:
	*out = c;
	*nout = ncl;
	return st;
}

/* 4. The timeline: silence runs and sentences as parts, their frames
 * joined, their samples laid out. false when memory runs out. */
static bool assemble(bk_track *t, const bk_audio *a, clip *c, size_t ncl,
                     long sp, long ep)
{
	size_t *first = bki_calloc(ncl + 1, sizeof *first);
	size_t *before = bki_calloc(ncl + 1, sizeof *before);
	bki_buf mp3 = {0};
	bool ok = false;
	if (!first || !before)
		goto out;
	size_t end_silence;
	size_t frames = layout(c, ncl, sp, ep, first, before, &end_silence);
	t->samples = frames * BK_MP3_FRAME;
	const bki_mp3_part *sil = &a->silence;
	size_t sil_max = sil->frames, nparts = ncl;
	for (size_t i = 0; i <= ncl; i++) {
		size_t k = i < ncl ? before[i] : end_silence;
		nparts += (k + sil_max - 1) / sil_max;
	}
	t->parts = bki_calloc(nparts, sizeof *t->parts);
	if (!t->parts)
		goto out;
	size_t at = 0;
	for (size_t i = 0; i <= ncl; i++) {
		/* the silence before clip i (after the last, the end), in runs
		 * no longer than the encoded silence */
		for (size_t k = i < ncl ? before[i] : end_silence; k;) {
			size_t take = k < sil_max ? k : sil_max;
			bki_part *p = &t->parts[t->nparts++];
			p->kind = PART_SILENCE;
			p->start = at * BK_MP3_FRAME;
			p->frames = take;
			p->byte = mp3.len;
			p->bytes = sil->offsets[take];
			bki_buf_addn(&mp3, (const char *)sil->data, sil->offsets[take]);
			at += take;
			k -= take;
		}
		if (i == ncl)
			break;
		bki_part *p = &t->parts[t->nparts++];
		p->kind = PART_CLIP;
		p->segment = c[i].segment;
		p->sentence = c[i].sentence;
		p->text = c[i].text;
		p->said = bki_strdup(c[i].said);
		if (!p->said)
			goto out;
		p->start = at * BK_MP3_FRAME;
		p->frames = c[i].mp3.frames;
		p->audio = p->start + c[i].mp3.delay + BK_MP3_DECODER_DELAY;
		c[i].at = p->audio;
		p->naudio = c[i].n;
		p->byte = mp3.len;
		p->bytes = c[i].mp3.len;
		bki_buf_addn(&mp3, (const char *)c[i].mp3.data, c[i].mp3.len);
		at += p->frames;
	}
	t->mp3_len = mp3.len;
	t->mp3 = (unsigned char *)bki_buf_steal(&mp3);
	ok = t->mp3 != NULL;
out:
	bki_buf_free(&mp3);
	free(first);
	free(before);
	return ok;
}

/* 5. Chapters (one per position) and sections (title, positions,
 * closing), which tile the timeline. false when memory runs out. */
static bool make_sections(bk_track *t)
{
	const bk_script *s = t->script;
	size_t npos = bk_script_position_count(s), nseg = bk_script_segment_count(s);
	t->chapter_part = bki_calloc(npos + 1, sizeof *t->chapter_part);
	t->sections = bki_calloc(npos + 2, sizeof *t->sections);
	if (!t->chapter_part || !t->sections)
		return false;
	t->nchapters = npos;
	size_t closing_part = t->nparts;
	for (size_t i = 0; i < t->nparts; i++) {
		bki_part *p = &t->parts[i];
		if (p->kind != PART_CLIP || p->sentence != 0)
			continue;
		bk_segment_kind kind = bk_script_segment_kind(s, p->segment);
		if (kind == BK_SEGMENT_POSITION)
			t->chapter_part[bk_script_segment_position(s, p->segment)] = i;
		else if (kind == BK_SEGMENT_CLOSING && closing_part == t->nparts)
			closing_part = i;
	}
	size_t ns = 0;
	t->sections[ns++] = (bki_section){0, npos ? t->chapter_part[0] : closing_part,
	                                 0, 0, -1, bk_script_title(s)};
	for (size_t i = 0; i < npos; i++)
		t->sections[ns++] = (bki_section){
			t->chapter_part[i],
			i + 1 < npos ? t->chapter_part[i + 1] : closing_part, 0, 0,
			(long)i, bk_script_position_list_text(s, i)};
	if (closing_part < t->nparts) {
		const char *label = NULL;
		for (size_t g = 0; g < nseg && !label; g++)
			if (bk_script_segment_kind(s, g) == BK_SEGMENT_CLOSING)
				label = bk_script_segment_sentence(s, g, 0);
		t->sections[ns++] = (bki_section){closing_part, t->nparts, 0, 0, -1,
		                                 label ? label : ""};
	} else {
		t->sections[ns - 1].end = t->nparts;
	}
	t->nsections = ns;
	for (size_t i = 0; i < ns; i++) {
		bki_section *sec = &t->sections[i];
		sec->start = sec->first < t->nparts ? t->parts[sec->first].start
		                                    : t->samples;
		sec->stop = sec->end < t->nparts ? t->parts[sec->end].start
		                                 : t->samples;
	}
	return true;
}

/* The track's file names start with BALLOT-LANG, and -SPEEDx where the
 * speed is not 1 (written in the C locale). */
static char *base_name(const bk_script *s, double speed)
{
	bki_buf b = {0};
	bki_buf_printf(&b, "%s-%s", bk_script_ballot_id(s), bk_script_language(s));
	if (speed != 1.0) {
		bki_c_numeric numeric = bki_c_numeric_enter();
		char num[32];
		snprintf(num, sizeof num, "%g", speed);
		bki_c_numeric_leave(&numeric);
		bki_buf_printf(&b, "-%sx", num);
	}
	return bki_buf_steal(&b);
}

bk_status bk_track_create(bk_track **out, bk_audio *a, const bk_script *s,
                          bk_diags *diags)
{
	if (!out || !a || !s)
		return BK_ERR_USAGE;
	*out = NULL;
	int li = bki_lang_index(bk_script_language(s));
	if (li < 0) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "ballot %s: no voice for the language \"%s\"",
		             bk_script_ballot_id(s), bk_script_language(s));
		return BK_ERR_NOTFOUND;
	}
	/* 1. the sentences spoken, 2. the gain that reaches the target */
	clip *c = NULL;
	size_t ncl = 0;
	bk_track *t = NULL;
	bk_status st = speak_all(a, s, li, &c, &ncl, diags);
	if (st != BK_OK)
		goto fail;
	long sp = pause_samples(a, li, BK_PAUSE_START);
	long ep = pause_samples(a, li, BK_PAUSE_END);
	double predicted = predict(c, ncl, lame_loss(a->opt.quality));
	if (isnan(predicted)) {
		st = bki_diags_nomem(diags, "", "", "measuring a track");
		goto fail;
	}
	double gain = step_of(a->opt.loudness - predicted);

	/* 3. each sentence's frames, 4. the timeline */
	t = bki_calloc(1, sizeof *t);
	if (!t) {
		st = bki_diags_nomem(diags, "", "", "making a track");
		goto fail;
	}
	t->audio = a;
	t->script = s;
	t->speed = a->opt.speed;
	for (size_t i = 0; i < ncl; i++) {
		st = encode_clip(a, &c[i], gain, diags);
		if (st != BK_OK)
			goto fail;
	}
	if (!assemble(t, a, c, ncl, sp, ep)) {
		st = bki_diags_nomem(diags, "", "", "making a track");
		goto fail;
	}
	t->gain = gain;
	t->loudness = isfinite(predicted)
	                  ? reached(a, c, ncl, gain,
	                            lame_loss_after_limiter(a->opt.quality))
	                  : predicted;
	if (isnan(t->loudness)) {
		st = bki_diags_nomem(diags, "", "", "measuring a track");
		goto fail;
	}
	if (isfinite(t->loudness) && a->opt.loudness - t->loudness > HELD_BACK)
		bki_diags_add(diags, BK_WARNING, "loudness", "", 0, 0, "",
		             "ballot %s (%s): loudness %.1f LUFS, not %g: the "
		             "true-peak ceiling of %g dBTP held it back",
		             bk_script_ballot_id(s), bk_script_language(s),
		             t->loudness, a->opt.loudness, a->opt.true_peak);
	clips_keep_samples(c, ncl);
	t->clips = c;
	t->nclips = ncl;
	/* 5. chapters and sections */
	if (!make_sections(t) || !(t->base = base_name(s, t->speed))) {
		bk_track_free(t); /* it holds the clips now */
		return bki_diags_nomem(diags, "", "", "making a track");
	}
	*out = t;
	return BK_OK;
fail:
	clips_free(c, ncl);
	bk_track_free(t);
	return st;
}

/* The timeline's samples, made the first time a format asks: an MP3-only
 * build never needs them (its frames come whole from the cache). */
/* (NULL when memory runs out) */
static const int16_t *track_pcm(bk_track *t)
{
	if (!t->pcm) {
		t->pcm = render(t->audio, t->clips, t->nclips,
		                t->samples / BK_MP3_FRAME, t->gain);
		if (!t->pcm)
			return NULL; /* the clips are kept for another try */
		clips_free(t->clips, t->nclips);
		t->clips = NULL;
		t->nclips = 0;
	}
	return t->pcm;
}

bool bki_track_resampled(const bk_track *t, int rate, int16_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* the samples are a cache of what the track already is: making them
	 * changes nothing a caller of a const track can see */
	if (!track_pcm((bk_track *)t))
		return false;
	if (rate != BK_SPEECH_RATE)
		return bki_dsp_resample(t->pcm, t->samples, BK_SPEECH_RATE, rate,
		                       out, n);
	*out = bki_calloc(t->samples, sizeof **out);
	if (!*out)
		return false;
	memcpy(*out, t->pcm, t->samples * sizeof **out);
	*n = t->samples;
	return true;
}

bool bki_track_master(const bk_track *t, const int16_t *in, size_t n, int rate,
                     double extra_gain_db, double extra_headroom_db,
                     int16_t *out)
{
	double l = bki_dsp_loudness(in, n, rate);
	if (isnan(l))
		return false;
	double gain = (isfinite(l) ? t->audio->opt.loudness - l : 0) + extra_gain_db;
	return bki_dsp_gain_limit(in, n, gain,
	                         t->audio->opt.true_peak - LIMIT_MARGIN -
	                         extra_headroom_db, out);
}

void bk_track_free(bk_track *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++)
		free(t->parts[i].said);
	free(t->parts);
	free(t->pcm);
	clips_free(t->clips, t->nclips);
	free(t->mp3);
	free(t->chapter_part);
	free(t->sections);
	free(t->base);
	free(t);
}

double bk_track_duration(const bk_track *t)
{
	return t ? (double)t->samples / BK_SPEECH_RATE : 0;
}

size_t bk_track_chapter_count(const bk_track *t)
{
	return t ? t->nchapters : 0;
}

double bk_track_chapter_start(const bk_track *t, size_t i)
{
	if (!t || i >= t->nchapters)
		return 0;
	return (double)t->parts[t->chapter_part[i]].start / BK_SPEECH_RATE;
}

double bk_track_loudness(const bk_track *t) { return t ? t->loudness : 0; }
double bk_track_gain(const bk_track *t) { return t ? t->gain : 0; }

void bki_track_title(const bk_track *t, bki_buf *b)
{
	bki_buf_printf(b, "%s. %s", bk_script_title(t->script),
	              bk_script_district(t->script));
}

void bki_track_clock(bki_buf *b, size_t samples)
{
	unsigned long ms = (unsigned long)llround((double)samples / BK_SPEECH_RATE *
	                                          1000);
	bki_buf_printf(b, "%02lu:%02lu:%02lu.%03lu", ms / 3600000, ms / 60000 % 60,
	              ms / 1000 % 60, ms % 1000);
}

const char *bki_track_chapter_title(const bk_track *t, size_t i)
{
	return bk_script_position_list_text(t->script, i);
}

bk_status bk_track_write(const bk_track *t, const char *dir, unsigned formats,
                         bk_diags *diags)
{
	if (!t || !dir || !formats || (formats & ~(unsigned)BK_AUDIO_ALL))
		return BK_ERR_USAGE;
	if (t->speed != 1.0 &&
	    (formats & (BK_AUDIO_POSITIONS | BK_AUDIO_DAISY | BK_AUDIO_REVIEW))) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "a speed variant is written as single files: positions, "
		             "DAISY and the review page are made at speed 1");
		return BK_ERR_USAGE;
	}
	return bki_track_write_files(t, dir, formats, diags);
}

bk_status bk_track_write_to(const bk_track *t, unsigned format,
                            bk_write_fn write, void *arg, bk_diags *diags)
{
	if (!t || !write)
		return BK_ERR_USAGE;
	if (t->speed != 1.0 && format == BK_AUDIO_REVIEW) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "a speed variant is written as single files: the "
		             "review page is made at speed 1");
		return BK_ERR_USAGE;
	}
	return bki_track_write_file_to(t, format, write, arg, diags);
}
