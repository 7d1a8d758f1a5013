/* Ogg Vorbis (libvorbisenc + libogg) and Ogg Opus (libopusenc), with
 * CHAPTERxxx comments and a fixed stream serial number. libsndfile writes
 * Ogg too, but with a random serial (so a rerun differs) and without
 * chapter comments. */
#include "audio/audio-private.h"

#include <errno.h>
#include <math.h>
#include <ogg/ogg.h>
#include <opus/opusenc.h>
#include <stdlib.h>
#include <string.h>
#include <vorbis/vorbisenc.h>

#include "ballotkit/version.h"
#include "diag/diag-private.h"

/* The serial: from the file's stem, so two files of a kit differ and a
 * rerun is the same. */
static int serial_of(const bk_track *t)
{
	unsigned char d[BK_SHA256_SIZE];
	bki_sha256(t->base, strlen(t->base), d);
	return (int)(((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
	              (uint32_t)d[2] << 8 | d[3]) & 0x7FFFFFFF);
}

/* CHAPTER001=00:00:12.345 and CHAPTER001NAME=… for each position. */
static void chapters(const bk_track *t,
                     void (*add)(void *ctx, const char *tag, const char *v),
                     void *ctx)
{
	for (size_t i = 0; i < t->nchapters; i++) {
		char tag[32];
		bki_buf when = {0};
		bki_track_clock(&when, t->sections[i + 1].start);
		snprintf(tag, sizeof tag, "CHAPTER%03zu", i + 1);
		add(ctx, tag, bki_buf_str(&when));
		bki_buf_free(&when);
		snprintf(tag, sizeof tag, "CHAPTER%03zuNAME", i + 1);
		add(ctx, tag, bki_track_chapter_title(t, i));
	}
}

static void common(const bk_track *t,
                   void (*add)(void *ctx, const char *tag, const char *v),
                   void *ctx)
{
	bki_buf title = {0};
	bki_track_title(t, &title);
	add(ctx, "TITLE", bki_buf_str(&title));
	add(ctx, "ALBUM", bk_script_election_id(t->script));
	add(ctx, "LANGUAGE", bk_script_language(t->script));
	add(ctx, "DATE", bk_script_election_date(t->script));
	add(ctx, "GENRE", "Speech");
	chapters(t, add, ctx);
	bki_buf_free(&title);
}

static void vorbis_add(void *ctx, const char *tag, const char *v)
{
	vorbis_comment_add_tag(ctx, tag, v);
}

static void write_pages(bki_buf *out, ogg_stream_state *os, bool flush)
{
	ogg_page pg;
	while (flush ? ogg_stream_flush(os, &pg) : ogg_stream_pageout(os, &pg)) {
		bki_buf_addn(out, (const char *)pg.header, (size_t)pg.header_len);
		bki_buf_addn(out, (const char *)pg.body, (size_t)pg.body_len);
	}
}

static bool encode_vorbis(const bk_track *t, const int16_t *pcm, size_t n,
                          bki_buf *out)
{
	vorbis_info vi;
	vorbis_comment vc;
	vorbis_dsp_state vd;
	vorbis_block vb;
	ogg_stream_state os;
	vorbis_info_init(&vi);
	if (vorbis_encode_init_vbr(&vi, 1, BK_SPEECH_RATE, 0.1f) != 0) {
		vorbis_info_clear(&vi);
		return false;
	}
	vorbis_comment_init(&vc);
	common(t, vorbis_add, &vc);
	vorbis_analysis_init(&vd, &vi);
	vorbis_block_init(&vd, &vb);
	ogg_stream_init(&os, serial_of(t));
	ogg_packet h[3];
	vorbis_analysis_headerout(&vd, &vc, &h[0], &h[1], &h[2]);
	for (int i = 0; i < 3; i++)
		ogg_stream_packetin(&os, &h[i]);
	write_pages(out, &os, true);
	for (size_t i = 0; i <= n;) {
		size_t k = n - i < 4096 ? n - i : 4096;
		if (k == 0) {
			vorbis_analysis_wrote(&vd, 0); /* end of stream */
			i++;
		} else {
			float **buf = vorbis_analysis_buffer(&vd, (int)k);
			for (size_t j = 0; j < k; j++)
				buf[0][j] = pcm[i + j] / 32768.0f;
			vorbis_analysis_wrote(&vd, (int)k);
			i += k;
		}
		while (vorbis_analysis_blockout(&vd, &vb) == 1) {
			vorbis_analysis(&vb, NULL);
			vorbis_bitrate_addblock(&vb);
			ogg_packet op;
			while (vorbis_bitrate_flushpacket(&vd, &op)) {
				ogg_stream_packetin(&os, &op);
				write_pages(out, &os, false);
			}
		}
	}
	write_pages(out, &os, true);
	ogg_stream_clear(&os);
	vorbis_block_clear(&vb);
	vorbis_dsp_clear(&vd);
	vorbis_comment_clear(&vc);
	vorbis_info_clear(&vi);
	return true;
}

static void opus_add(void *ctx, const char *tag, const char *v)
{
	ope_comments_add(ctx, tag, v);
}

static int opus_write(void *user, const unsigned char *p, opus_int32 n)
{
	bki_buf_addn(user, (const char *)p, (size_t)n);
	return 0;
}

static int opus_close(void *user)
{
	(void)user;
	return 0;
}

/* Opus takes 24 kHz here: libsamplerate makes it from the track's samples
 * (libopusenc works at 48 kHz inside, doubling the rate itself). */
#define OPUS_RATE 24000

static bool encode_opus(const bk_track *t, const int16_t *pcm, size_t n,
                        bki_buf *out)
{
	OggOpusComments *com = ope_comments_create();
	if (!com)
		return false;
	common(t, opus_add, com);
	OpusEncCallbacks cb = {opus_write, opus_close};
	int err = 0;
	OggOpusEnc *enc = ope_encoder_create_callbacks(&cb, out, com, OPUS_RATE, 1,
	                                               0, &err);
	bool ok = enc != NULL;
	if (ok) {
		ope_encoder_ctl(enc, OPE_SET_SERIALNO(serial_of(t)));
		ope_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
		ope_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
		/* complexity stays at libopus's default (10): at 5, libopus 1.3.1
		 * wrote full-scale bursts into a Kazakh track of the example
		 * (found by the test that decodes every file) */
		ok = ope_encoder_write(enc, pcm, (int)n) == OPE_OK &&
		     ope_encoder_drain(enc) == OPE_OK;
		ope_encoder_destroy(enc);
	}
	ope_comments_destroy(com);
	return ok;
}

/* Encodes the track's master, decodes what was written and measures it;
 * corrects the gain and the headroom until the file meets the loudness
 * target (±0.35 LU) and the true-peak ceiling, as lossy encoders change
 * both. The last encoding goes into *result. */
static bk_status encode_checked(const bk_track *t, const char *path, int rate,
                                bool (*encode)(const bk_track *,
                                               const int16_t *, size_t,
                                               bki_buf *),
                                const char *codec, bki_buf *result,
                                bk_diags *diags)
{
	const bk_audio_options *o = &t->audio->opt;
	/* lossy encoders overshoot peaks: start with some headroom */
	double gain = 0, headroom = 0.5;
	bki_buf out = {0};
	int16_t *in, *pcm = NULL;
	size_t n;
	bool ok = bki_track_resampled(t, rate, &in, &n) &&
	          (pcm = bki_calloc(n, sizeof *pcm));
	double last_l = 0, last_tp = 0;
	bool met = false;
	for (int attempt = 0; attempt < 4 && !met && ok; attempt++) {
		if (!bki_track_master(t, in, n, rate, gain, headroom, pcm)) {
			ok = false;
			break;
		}
		bki_buf_truncate(&out, 0);
		ok = encode(t, pcm, n, &out);
		if (bki_buf_failed(&out))
			break; /* ok is false */

		float *dec = NULL;
		size_t nd = 0;
		int drate = 0;
		if (!ok || !bki_audio_decode((const unsigned char *)out.data, out.len,
		                            &dec, &nd, &drate)) {
			bki_buf_free(&out);
			free(in);
			free(pcm);
			bki_diags_add(diags, BK_ERROR, "encoder", path, 0, 0, "",
			             "%s cannot encode the track", codec);
			return BK_ERR_INVALID;
		}
		double l = bki_dsp_loudness_float(dec, nd, drate);
		double tp = bki_dsp_true_peak(dec, nd, drate);
		free(dec);
		if (isnan(l)) {
			ok = false;
			break;
		}
		double over = tp - (o->true_peak - BK_TRUE_PEAK_SLACK);
		double off = isfinite(l) ? o->loudness - l : 0;
		last_l = l;
		last_tp = tp;
		met = over <= 0 && fabs(off) <= 0.35;
		if (over > 0)
			headroom += over + 0.1;
		gain += off;
	}
	if (!ok) { /* out of memory */
		bki_buf_free(&out);
		free(in);
		free(pcm);
		return bki_diags_nomem(diags, path, "", "encoding the track");
	}
	if (!met)
		bki_diags_add(diags, BK_WARNING, "level", path, 0, 0, "",
		             "%s could not bring the file to the target: %.1f LUFS, "
		             "true peak %.1f dBTP after 4 attempts", codec, last_l,
		             last_tp);
	free(in);
	free(pcm);
	*result = out;
	return BK_OK;
}

bk_status bki_ogg_vorbis_bytes(const bk_track *t, const char *path,
                              bki_buf *out, bk_diags *diags)
{
	return encode_checked(t, path, BK_SPEECH_RATE, encode_vorbis,
	                      "libvorbis", out, diags);
}

bk_status bki_ogg_opus_bytes(const bk_track *t, const char *path, bki_buf *out,
                            bk_diags *diags)
{
	return encode_checked(t, path, OPUS_RATE, encode_opus, "libopusenc", out,
	                      diags);
}
