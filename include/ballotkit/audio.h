/* ballotkit: the audio ballot, one ballot script spoken as one track.
 *
 * A track is the script's sentences, spoken by bk_speech, trimmed of their
 * silence and joined with the pauses of templates/speech/<lang>.json
 * ("audio"), brought to one loudness with a true-peak limiter, and written
 * as MP3 with a chapter per position, numbered per-position MP3 files with
 * a playlist, a DAISY 2.02 book pointing into the same MP3, a transcript
 * and WebVTT captions, and on request WAV with labelled markers, FLAC, Ogg
 * Vorbis, Opus, a telephone-line WAV and speed variants.
 *
 * Each distinct sentence is encoded to MP3 once (per loudness step) and
 * tracks are joined from whole MP3 frames, so the cost of a national set
 * follows its distinct text; every output shares one timeline. See
 * docs/audio.md.
 */
#ifndef BALLOTKIT_AUDIO_H
#define BALLOTKIT_AUDIO_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/production.h"
#include "ballotkit/script.h"
#include "ballotkit/speech.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_audio bk_audio; /* makes tracks; caches encoded sentences */
typedef struct bk_track bk_track; /* the audio ballot of one script */

/* The bounds of bk_audio_options (the loudness's are in production.h):
 * the true-peak ceiling, dBTP, LAME's quality and the speed. */
#define BK_AUDIO_TRUE_PEAK_MIN (-12)
#define BK_AUDIO_TRUE_PEAK_MAX 0
#define BK_AUDIO_QUALITY_MAX 9
#define BK_AUDIO_SPEED_MIN 0.5
#define BK_AUDIO_SPEED_MAX 2.0

/* Options of bk_audio_create. Initialise with BK_AUDIO_OPTIONS_INIT; a
 * caller built against an older version (1 .. BK_AUDIO_OPTIONS_VERSION) is
 * accepted, version 0 or a newer one is refused naming the struct. */
typedef struct bk_audio_options {
	unsigned version;     /* BK_AUDIO_OPTIONS_VERSION */
	double loudness;      /* integrated loudness, LUFS,
	                       * BK_LOUDNESS_LUFS_MIN to _MAX, -40 to -10
	                       * (default BK_DEFAULT_LOUDNESS_LUFS, -20);
	                       * where the true-peak ceiling holds a track
	                       * below it, bk_track_create warns */
	double true_peak;     /* ceiling, dBTP, on the decoded files (-1.5),
	                       * BK_AUDIO_TRUE_PEAK_MIN to _MAX, -12 to 0 */
	int bitrate;          /* MP3 bit rate, kbit/s, constant (default 32) */
	int quality;          /* LAME's quality, 0 best to
	                       * BK_AUDIO_QUALITY_MAX, 9, fastest (7) */
	double speed;         /* speaking speed, pitch kept: BK_AUDIO_SPEED_MIN
	                       * to _MAX, 0.5-2.0 (1.0) */
	const char *cache_dir; /* encoded sentences on disk, or NULL */
	size_t memory_cache;  /* bytes of encoded sentences, and of their
	                         samples, kept in memory (16 MB, 8 MB) */
} bk_audio_options;

#define BK_AUDIO_OPTIONS_VERSION 1
#define BK_AUDIO_OPTIONS_INIT \
	{BK_AUDIO_OPTIONS_VERSION, BK_DEFAULT_LOUDNESS_LUFS, -1.5, 32, 7, 1.0, \
	 NULL, 0}

/* Files bk_track_write writes into one folder per track, named from the
 * script's ballot and language (BASE = "<ballot>-<lang>", with
 * "-<speed>x" for a speed variant). The folder is a DAISY book. Each
 * format is one output of include/ballotkit/production.h (its bit there),
 * named "audio-mp3", "audio-positions"... */
typedef enum bk_audio_format {
	/* BASE.mp3, ID3v2.3 CHAP/CTOC chapters */
	BK_AUDIO_MP3 = 1u << BK_OUTPUT_AUDIO_MP3,
	/* positions/NN-*.mp3, positions/playlist.m3u8 */
	BK_AUDIO_POSITIONS = 1u << BK_OUTPUT_AUDIO_POSITIONS,
	/* ncc.html and SMIL files into BASE.mp3 (which it writes too) */
	BK_AUDIO_DAISY = 1u << BK_OUTPUT_AUDIO_DAISY,
	BK_AUDIO_TRANSCRIPT = 1u << BK_OUTPUT_AUDIO_TRANSCRIPT, /* BASE.txt */
	BK_AUDIO_CAPTIONS = 1u << BK_OUTPUT_AUDIO_CAPTIONS,     /* BASE.vtt */
	/* BASE-review.html, for a native speaker, playing BASE.mp3 (which it
	 * writes too) */
	BK_AUDIO_REVIEW = 1u << BK_OUTPUT_AUDIO_REVIEW,
	BK_AUDIO_WAV = 1u << BK_OUTPUT_AUDIO_WAV,   /* BASE.wav, cue and labl markers */
	BK_AUDIO_FLAC = 1u << BK_OUTPUT_AUDIO_FLAC, /* BASE.flac */
	BK_AUDIO_VORBIS = 1u << BK_OUTPUT_AUDIO_VORBIS, /* BASE.ogg, CHAPTERxxx */
	BK_AUDIO_OPUS = 1u << BK_OUTPUT_AUDIO_OPUS, /* BASE.opus (24 kHz), CHAPTERxxx */
	BK_AUDIO_PHONE = 1u << BK_OUTPUT_AUDIO_PHONE /* BASE-8k.wav, 8 kHz */
} bk_audio_format;

#define BK_AUDIO_DEFAULT ((unsigned)(bk_outputs_default() & BK_OUTPUTS_AUDIO))
#define BK_AUDIO_ALL ((unsigned)BK_OUTPUTS_AUDIO)

/* Parses a comma-separated list of audio output names ("audio-mp3,
 * audio-wav"; "default", "all" and "audio" as bk_outputs_parse, cut to
 * the audio outputs) into *formats. Returns BK_ERR_USAGE, naming the bad
 * name in diags. */
BK_API bk_status bk_audio_formats_parse(const char *list, unsigned *formats,
                                        bk_diags *diags);

/* speech and tpl are borrowed and must outlive the object. Returns
 * BK_ERR_USAGE for options out of range (named in diags). *out is owned by
 * the caller; free with bk_audio_free. */
BK_API bk_status bk_audio_create(bk_audio **out, bk_speech *speech,
                                 const bk_templates *tpl,
                                 const bk_audio_options *opt, bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_audio_free(bk_audio *a);

/* Cache entries discarded since the object was made: encoded sentences on
 * disk whose stored key was not the one asked for or whose bytes were
 * damaged (each is made again). 0 for NULL. */
BK_API size_t bk_audio_cache_discarded(const bk_audio *a);

/* Speaks, measures and encodes the script. The script is borrowed and must
 * outlive the track. Latin-script words the voice would read with English
 * rules are warnings in diags. *out is owned by the caller; free with
 * bk_track_free. */
BK_API bk_status bk_track_create(bk_track **out, bk_audio *a,
                                 const bk_script *script, bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_track_free(bk_track *t);

/* Writes the formats asked for into the folder dir (made if missing),
 * each file under a temporary name renamed into place. DAISY also writes
 * the MP3 it points into. Positions, DAISY and review need speed 1.0
 * (BK_ERR_USAGE otherwise). */
BK_API bk_status bk_track_write(const bk_track *t, const char *dir,
                                unsigned formats, bk_diags *diags);

/* Writes one format that is one file (one bit of bk_audio_format:
 * BK_AUDIO_MP3, _TRANSCRIPT, _CAPTIONS, _REVIEW, _WAV, _FLAC, _VORBIS,
 * _OPUS or _PHONE) through write(arg) (diag.h): the bytes bk_track_write
 * writes into BASE.ext. Every format is made in memory first and handed
 * over whole (WAV and FLAC headers are finished by seeking back, and
 * Vorbis and Opus are encoded again until they meet the level). Positions
 * and DAISY, which are several files, are BK_ERR_USAGE, as is the review
 * page of a speed variant; a failure of the callback is returned with an
 * "unwritable" diagnostic. */
BK_API bk_status bk_track_write_to(const bk_track *t, unsigned format,
                                   bk_write_fn write, void *arg,
                                   bk_diags *diags);

/* The timeline every output shares, in seconds from the start. */
BK_API double bk_track_duration(const bk_track *t);
/* Chapters: one per position of the script, in order (chapter i is
 * position i + 1). Start of the position's first sentence ("Number k"). */
BK_API size_t bk_track_chapter_count(const bk_track *t);
BK_API double bk_track_chapter_start(const bk_track *t, size_t i);
/* Integrated loudness of the MP3 as decoded (LUFS), predicted from the
 * track's samples after the limiter (below the target where the
 * true-peak ceiling held it back), and the gain applied (dB). */
BK_API double bk_track_loudness(const bk_track *t);
BK_API double bk_track_gain(const bk_track *t);

BK_END_DECLS

#endif
