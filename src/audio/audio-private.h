/* Private: the audio module's pieces (docs/audio.md).
 *
 * dsp.c     trimming, speed, gain with a true-peak limiter, loudness,
 *           resampling (libsamplerate, libebur128, libsonic)
 * mp3.c     MP3 parts (LAME), their frames, ID3v2.3 tags, decoding back
 *           (libsndfile) to check the true peak
 * track.c   bk_audio and bk_track: the timeline of one script
 * write.c   every file a track is written as
 * ogg.c     Ogg Vorbis (libvorbisenc, libogg) and Opus (libopusenc)
 */
#ifndef BK_AUDIO_PRIVATE_H
#define BK_AUDIO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ballotkit/audio.h"
#include "util/cache.h"
#include "util/util.h"

/* MPEG-2 layer III at 22.05 kHz: samples per frame, and the delay every
 * MP3 decoder adds before the first sample (its filter bank). */
#define BK_MP3_FRAME 576
#define BK_MP3_DECODER_DELAY 529

/* ---- dsp.c ---- */

/* A decoded file's true peak, as libebur128 measures it, must stay this
 * far under the ceiling: true-peak meters interpolate differently (a
 * longer filter reads up to about 0.3 dB more), and the ceiling must hold
 * for all of them. */
#define BK_TRUE_PEAK_SLACK 0.4

/* Samples under this (about -54 dBFS) count as silence. */
#define BK_SILENCE_THRESHOLD 64

/* The part of a clip between its first and last sample above the silence
 * threshold, with a short margin either side; [*from, *to). Returns false
 * when the clip is silent. */
bool bki_dsp_trim(const int16_t *s, size_t n, size_t *from, size_t *to);
/* Speed change with the pitch kept (libsonic); speed 1 copies. *out is
 * malloc'd. false (*out NULL) when memory runs out: every bk_dsp_
 * function reports it, none aborts. */
bool bki_dsp_speed(const int16_t *in, size_t n, double speed, int rate,
                  int16_t **out, size_t *nout);
/* in × gain_db, then limited so that its true peak (4× oversampled) stays
 * under ceiling_db dBTP, rounded to 16 bits. out has n samples. false
 * when memory runs out. */
bool bki_dsp_gain_limit(const int16_t *in, size_t n, double gain_db,
                       double ceiling_db, int16_t *out);
/* Integrated loudness (LUFS, BS.1770 with gating) of 16-bit mono samples,
 * or -HUGE_VAL for silence; NAN when memory runs out. */
double bki_dsp_loudness(const int16_t *s, size_t n, int rate);
double bki_dsp_loudness_float(const float *s, size_t n, int rate);
/* The loudness (LUFS) of every 400 ms block of a clip, 100 ms apart, the
 * clip between 400 ms of silence either side (libebur128's momentary
 * loudness). *out is malloc'd; returns the count, (size_t)-1 when
 * memory runs out. */
size_t bki_dsp_blocks(const int16_t *s, size_t n, int rate, float **out);
/* The integrated loudness of the blocks of several clips together, gated
 * as BS.1770 gates a programme's blocks. */
double bki_dsp_gated(const float *const *blocks, const size_t *counts, size_t n);
/* True peak (dBTP) of float samples in [-1, 1]. */
double bki_dsp_true_peak(const float *s, size_t n, int rate);
/* Resamples 16-bit mono (libsamplerate's fastest sinc: 97 dB of signal
 * to noise, what 16 bits hold). *out is malloc'd. false when memory runs
 * out. */
bool bki_dsp_resample(const int16_t *in, size_t n, int from, int to,
                     int16_t **out, size_t *nout);

/* ---- mp3.c ---- */

/* One encoded part: whole MP3 frames, the samples they decode to
 * (frames × 576) and where the encoded input starts in them. */
typedef struct bki_mp3_part {
	unsigned char *data;
	size_t len;
	size_t frames;
	size_t *offsets;   /* byte offset of each frame, frames + 1 entries */
	size_t delay;      /* the encoder's delay: input starts here */
	size_t input;      /* input samples */
} bki_mp3_part;

/* Encodes 16-bit mono at 22.05 kHz into a part. Returns false when LAME
 * fails, or with errno ENOMEM when memory runs out (as bki_mp3_scan and
 * bki_audio_decode do). */
bool bki_mp3_encode(const int16_t *s, size_t n, int bitrate, int quality,
                   bki_mp3_part *out);
/* Fills frames and offsets from data; false when data is not whole MP3
 * frames of 22.05 kHz mono layer III. */
bool bki_mp3_scan(bki_mp3_part *p);
void bki_mp3_part_free(bki_mp3_part *p);
/* Decodes a mono audio file in memory (MP3, Ogg, …: libsndfile) to floats;
 * *out is malloc'd. */
bool bki_audio_decode(const unsigned char *data, size_t len, float **out,
                     size_t *n, int *rate);

/* LAME's version, for cache keys and manifests. Static string. */
const char *bki_mp3_encoder_version(void);

/* ID3v2.3: a tag is built frame by frame. */
void bki_id3_text(bki_buf *tag, const char *id, const char *text);
void bki_id3_chapter(bki_buf *tag, const char *element, unsigned start_ms,
                    unsigned end_ms, const char *title);
void bki_id3_toc(bki_buf *tag, const char *element, const char *const *children,
                size_t n, const char *title);
/* The tag header before the frames in body. */
void bki_id3_finish(bki_buf *out, const bki_buf *body);

/* ---- track.c: what the writers read ---- */

typedef enum { PART_SILENCE, PART_CLIP } part_kind;

typedef struct bki_part {
	part_kind kind;
	size_t segment, sentence;  /* of the script, for clips */
	const char *text;          /* the script's sentence (borrowed) */
	char *said;                /* what the voice was given */
	size_t start, frames;      /* on the timeline, in samples / frames */
	size_t audio, naudio;      /* the speech inside it: start, samples */
	size_t byte, bytes;        /* where its frames are in the MP3 */
} bki_part;

/* A section of the track: the DAISY headings and the per-position files.
 * Sections tile the timeline. */
typedef struct bki_section {
	size_t first, end;   /* parts [first, end) */
	size_t start, stop;  /* samples */
	long position;       /* position index, -1 for the title or closing */
	const char *label;   /* heading (borrowed from the script) */
} bki_section;

struct clip;

struct bk_track {
	bk_audio *audio;
	const bk_script *script;
	double speed;
	bki_part *parts;
	size_t nparts;
	size_t samples;        /* timeline length (frames × 576) */
	int16_t *pcm;          /* the timeline's samples, as the MP3 decodes:
	                        * made when a format needs them (track_pcm) */
	struct clip *clips;    /* until then: the sentences they are made of */
	size_t nclips;
	unsigned char *mp3;    /* the joined frames */
	size_t mp3_len;
	size_t *chapter_part;  /* per position: its first part */
	size_t nchapters;
	bki_section *sections;
	size_t nsections;
	double loudness, gain; /* of the MP3 as decoded; the gain applied */
	char *base;            /* file name stem */
};

struct bk_audio {
	bk_speech *speech;
	const bk_templates *tpl;
	bk_audio_options opt;
	bki_cache *parts;       /* encoded sentences */
	bki_cache *done;        /* their samples after gain and limiter (memory) */
	bki_cache *blocks;      /* each clip's block loudness (memory) */
	bki_cache *levels;      /* the block loudness of encoded sentences after
	                        * the limiter, by their frames' key (as parts:
	                        * memory and the cache folder) */
	bki_mp3_part silence;   /* a long encoded silence: pauses are its frames */
	bool warned_cache;
};

/* ---- write.c ---- */
bk_status bki_track_write_files(const bk_track *t, const char *dir,
                               unsigned formats, bk_diags *diags);
/* One file of a one-file format (BK_AUDIO_MP3, _TRANSCRIPT...: not
 * positions or DAISY) through write(arg): BK_ERR_USAGE for another. */
bk_status bki_track_write_file_to(const bk_track *t, unsigned format,
                                 bk_write_fn write, void *arg,
                                 bk_diags *diags);

/* ---- ogg.c ---- */
/* The Ogg Vorbis and Opus files into *out (empty on entry); path names
 * the file in messages. */
bk_status bki_ogg_vorbis_bytes(const bk_track *t, const char *path,
                              bki_buf *out, bk_diags *diags);
bk_status bki_ogg_opus_bytes(const bk_track *t, const char *path, bki_buf *out,
                            bk_diags *diags);

/* What every writer names the same way: a chapter's title (the position's
 * list line), the track's title (the ballot's and the district's), a time
 * on the timeline as HH:MM:SS.mmm. */
const char *bki_track_chapter_title(const bk_track *t, size_t i);
void bki_track_title(const bk_track *t, bki_buf *b);
void bki_track_clock(bki_buf *b, size_t samples);
/* The track's samples at rate (resampled when not 22.05 kHz). *out is
 * malloc'd. false when memory runs out. */
bool bki_track_resampled(const bk_track *t, int rate, int16_t **out, size_t *n);
/* in (the track at rate) brought to the loudness target exactly, plus
 * extra_gain_db, and limited to the ceiling less extra_headroom_db: what
 * the PCM and Ogg outputs carry. out has n samples. false when memory
 * runs out. */
bool bki_track_master(const bk_track *t, const int16_t *in, size_t n, int rate,
                     double extra_gain_db, double extra_headroom_db,
                     int16_t *out);

#endif
