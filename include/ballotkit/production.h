/* ballotkit: what the definition's production settings mean, in one place.
 *
 * The default of every setting of the definition format (format 1) that
 * has a fixed one, and the names of the outputs a kit can hold: one name
 * per family of files, the files each makes, which are built by default
 * and which need another. `production.outputs` in a definition, `build
 * --formats`, `audio --formats` and a kit's manifest all use these names.
 * docs/ballot-format.md and docs/kits.md list them; `ballotkit defaults
 * --json` prints this table, and a test compares the docs and the JSON
 * Schema with it.
 */
#ifndef BALLOTKIT_PRODUCTION_H
#define BALLOTKIT_PRODUCTION_H

#include <stddef.h>
#include <stdint.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"

BK_BEGIN_DECLS

/* Defaults of the definition format (docs/ballot-format.md). */
#define BK_DEFAULT_SPEECH_RATE 125          /* production.speech.rate, wpm */
/* The bounds of a speech rate, words a minute (production.speech.rate,
 * build and audio --rate, bk_speech_options.rate). */
#define BK_SPEECH_RATE_MIN 80
#define BK_SPEECH_RATE_MAX 450
#define BK_DEFAULT_LOUDNESS_LUFS (-20.0)    /* production.speech.loudness_lufs */
/* The bounds of an integrated loudness, LUFS (production.speech.
 * loudness_lufs, build and audio --loudness, bk_audio_options.loudness). */
#define BK_LOUDNESS_LUFS_MIN (-40)
#define BK_LOUDNESS_LUFS_MAX (-10)
#define BK_DEFAULT_BRAILLE_TABLE_KK "kk.utb"
#define BK_DEFAULT_BRAILLE_TABLE_RU "ru-litbrl.ctb"
#define BK_DEFAULT_BRAILLE_PROFILE "marburg-medium"
#define BK_DEFAULT_STATION_KITS 1           /* polling_stations[].kits */
#define BK_DEFAULT_AGAINST_ALL 1            /* ballots[].against_all */
#define BK_DEFAULT_TWO_SIDED 1              /* ballots[].two_sided */
#define BK_DEFAULT_PAPER_PAGE 1             /* ballots[].paper.page */

/* The outputs, in the order of the table (docs/kits.md). Every file of a
 * kit but its scripts, README, manifest and SHA256SUMS belongs to exactly
 * one. The audio outputs come first: their bits are bk_audio_format's. */
typedef enum bk_output {
	BK_OUTPUT_AUDIO_MP3,          /* the MP3 with a chapter per position */
	BK_OUTPUT_AUDIO_POSITIONS,    /* one MP3 per position and a playlist */
	BK_OUTPUT_AUDIO_DAISY,        /* DAISY 2.02: ncc.html and SMIL files
	                               * (needs audio-mp3) */
	BK_OUTPUT_AUDIO_TRANSCRIPT,   /* the transcript, with times */
	BK_OUTPUT_AUDIO_CAPTIONS,     /* WebVTT captions */
	BK_OUTPUT_AUDIO_REVIEW,       /* the review page (needs audio-mp3) */
	BK_OUTPUT_AUDIO_WAV,          /* WAV with a marker per position */
	BK_OUTPUT_AUDIO_FLAC,
	BK_OUTPUT_AUDIO_VORBIS,       /* Ogg Vorbis with chapter comments */
	BK_OUTPUT_AUDIO_OPUS,         /* Opus with chapter comments */
	BK_OUTPUT_AUDIO_PHONE,        /* 8 kHz WAV for a telephone line */
	BK_OUTPUT_STENCIL_PRINT_PDF,  /* the print shop's stencil PDF */
	BK_OUTPUT_STENCIL_SWELL_PDF,
	BK_OUTPUT_STENCIL_SVG,        /* laser cutting, one SVG per sheet */
	BK_OUTPUT_STENCIL_PROOF_PDF,  /* the ballot's boxes, to check against */
	BK_OUTPUT_BRAILLE_LIST_BRF,
	BK_OUTPUT_BRAILLE_LIST_PEF,
	BK_OUTPUT_BRAILLE_LIST_SWELL_PDF,
	BK_OUTPUT_LARGE_PRINT_PDF,    /* the list in large print */
	BK_OUTPUT_LEAFLET_BRF,
	BK_OUTPUT_LEAFLET_PEF,
	BK_OUTPUT_LEAFLET_SWELL_PDF,
	BK_OUTPUT_LEAFLET_LARGE_PRINT_PDF,
	BK_OUTPUT_COUNT
} bk_output;

/* A set of outputs: bit (1 << output). */
typedef uint32_t bk_output_set;
#define BK_OUTPUT_BIT(o) ((bk_output_set)1 << (o))
#define BK_OUTPUTS_ALL (BK_OUTPUT_BIT(BK_OUTPUT_COUNT) - 1)
#define BK_OUTPUTS_AUDIO (BK_OUTPUT_BIT(BK_OUTPUT_AUDIO_PHONE + 1) - 1)

/* The output's name ("audio-mp3"), or NULL when o is not an output.
 * Static string. */
BK_API const char *bk_output_name(bk_output o);
/* The output of this name, or -1. */
BK_API int bk_output_find(const char *name);
/* The outputs built when neither the definition nor the command line names
 * any. */
BK_API bk_output_set bk_outputs_default(void);
/* The outputs o needs in the same set (audio-daisy and audio-review play
 * audio-mp3's file). */
BK_API bk_output_set bk_output_needs(bk_output o);

/* The i-th pattern (from 0) of the files o makes in a kit folder, or NULL
 * after the last: "audio/{ballot}-{lang}/{ballot}-{lang}.mp3", {ballot}
 * and {lang} standing for the ballot id and each language of the kit,
 * '*' and [0-9] matching as fnmatch(3) does. Every file of a kit but its
 * scripts, README.txt, manifest.json and SHA256SUMS matches the patterns
 * of exactly one output. Static string. */
BK_API const char *bk_output_file_pattern(bk_output o, size_t i);

/* Parses a comma-separated list of output names and the command line's
 * shorthands ("default", "all", and the groups "audio", "stencil",
 * "braille", "large-print", "leaflets", each its outputs that are built
 * by default) into *out, keeping only outputs in allowed (a name outside
 * it is refused; "all" and the groups are cut to it). Names from before
 * (such as "stencil-pdf" or "wav") are refused with the name to use now.
 * A set in which an output lacks one it needs is refused. Returns
 * BK_ERR_USAGE, naming the problem in diags (kind "usage", path
 * "--formats"). */
BK_API bk_status bk_outputs_parse(const char *list, bk_output_set allowed,
                                  bk_output_set *out, bk_diags *diags);

/* The table as JSON text: {"defaults": {FIELD: VALUE...}, "outputs":
 * [{"name", "group", "default", "needs", "files", "what"}...]}, FIELD as
 * a path in the definition ("production.speech.rate",
 * "ballots[].against_all"), files as patterns relative to the kit folder
 * ({ballot} and {lang} stand for the ballot id and each language of the
 * kit; '*' and [0-9] as in fnmatch). Owned by the caller: free with
 * bk_free. NULL when out of memory. */
BK_API char *bk_production_json(void);

BK_END_DECLS

#endif
