/* ballotkit: speech, the text of a ballot script turned into clips.
 *
 * A bk_speech object speaks texts through eSpeak NG (library API,
 * synchronous mode) with the voice that templates/speech/<lang>.json names.
 * eSpeak NG 1.51's samples depend on what the process synthesised before,
 * so every clip comes from a fresh engine state: one helper process per
 * voice initialises the engine and never synthesises; it forks a child per
 * clip. A clip's samples are therefore a pure function of the engine's
 * identity (version and data files), the voice, the parameters and the
 * text, and they are cached under exactly that, in memory and optionally
 * on disk (safe for several processes: files are written under a
 * temporary name and renamed). Each entry keeps that key and a checksum,
 * and is used only when both match (docs/audio.md).
 *
 * A helper is never a forked copy of the caller: the library forks and at
 * once executes a program, the caller's own file when it called
 * bk_speech_helper_entry first in main, else the small
 * ballotkit-speech-helper installed in libexec ($BALLOTKIT_SPEECH_HELPER
 * overrides its path); the clips are the same either way
 * (docs/architecture.md, "Speech processes"). An object belongs to the
 * process that made it: a worker process forked later makes its own. A
 * voice that cannot be used (or a helper program that cannot be found) is
 * reported when it is first used.
 */
#ifndef BALLOTKIT_SPEECH_H
#define BALLOTKIT_SPEECH_H

#include <stddef.h>
#include <stdint.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/production.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

typedef struct bk_speech bk_speech;

/* Sample rate of every clip (eSpeak NG's own). */
#define BK_SPEECH_RATE 22050

/* The bounds of bk_speech_options (the rate's are in production.h). */
#define BK_SPEECH_PITCH_MAX 100
#define BK_SPEECH_VOLUME_MAX 200
#define BK_SPEECH_WORD_GAP_MAX 100

/* Options of bk_speech_create. Initialise with BK_SPEECH_OPTIONS_INIT; a
 * caller built against an older version (1 .. BK_SPEECH_OPTIONS_VERSION) is
 * accepted, version 0 or a newer one is refused naming the struct. */
typedef struct bk_speech_options {
	unsigned version;      /* BK_SPEECH_OPTIONS_VERSION */
	int rate;              /* words per minute, BK_SPEECH_RATE_MIN to
	                        * BK_SPEECH_RATE_MAX, 80-450 (default
	                        * BK_DEFAULT_SPEECH_RATE, 125) */
	int pitch;             /* base pitch 0 to BK_SPEECH_PITCH_MAX, 0-100
	                        * (default 50) */
	int volume;            /* amplitude 0 to BK_SPEECH_VOLUME_MAX, 0-200
	                        * (default 100) */
	int word_gap;          /* extra pause between words, 10 ms units, 0 to
	                        * BK_SPEECH_WORD_GAP_MAX, 0-100 (0) */
	const char *cache_dir; /* clip cache on disk, or NULL for memory only */
	size_t memory_cache;   /* bytes of clips kept in memory (default 16 MB) */
} bk_speech_options;

#define BK_SPEECH_OPTIONS_VERSION 1
#define BK_SPEECH_OPTIONS_INIT \
	{BK_SPEECH_OPTIONS_VERSION, BK_DEFAULT_SPEECH_RATE, 50, 100, 0, NULL, 0}

/* Call first in main, before threads or files are opened, with main's
 * arguments. When this process was started as a speech helper (argv[1] is
 * "--bk-speech-helper" and a helper socket is open), serves as one and
 * never returns; otherwise opens the program's own file so that later
 * helpers start as fresh copies of it (instead of ballotkit-speech-helper),
 * and returns. Optional. */
BK_API void bk_speech_helper_entry(int argc, char **argv);

/* Checks the options and the voices the templates name (problems go to
 * diags) and prepares the engine. tpl is borrowed and must outlive the
 * object. Returns BK_ERR_USAGE for options out of range, BK_ERR_IO when
 * the cache folder cannot be made (a missing voice is reported when it is
 * first used). *out is owned by the caller; free with bk_speech_free. */
BK_API bk_status bk_speech_create(bk_speech **out, const bk_templates *tpl,
                                  const bk_speech_options *opt,
                                  bk_diags *diags);
/* Stops the helper processes. Accepts NULL. */
BK_API void bk_speech_free(bk_speech *sp);

/* eSpeak NG's version string, e.g. "1.51". Static string. */
BK_API const char *bk_speech_engine_version(void);

/* The text the voice of lang is given for text: the templates' spoken
 * replacements (e.g. "№" read as a word, quotation marks dropped) applied,
 * sequences known to break the engine removed, blanks collapsed, a final
 * full stop added. Latin-script words are reported as warnings ("latin-
 * in-speech"; the voice reads them with English rules) with where as the
 * location (may be NULL). *out is owned by the caller; free with bk_free. */
BK_API bk_status bk_speech_normalise(const bk_speech *sp, const char *lang,
                                     const char *text, const char *where,
                                     char **out, bk_diags *diags);

/* The key of the clip of a normalised text: SHA-256 of its cache key (the
 * engine's version and identity, the voice, the parameters and the text;
 * docs/audio.md), as 64 hex digits plus a NUL in hex[65]; on disk the clip
 * lies at clips/XX/REST of the cache folder. Returns BK_ERR_NOTFOUND when the language's voice
 * cannot be used (the reason in diags). */
BK_API bk_status bk_speech_clip_key(bk_speech *sp, const char *lang,
                                    const char *normalised, char hex[65],
                                    bk_diags *diags);

/* Speaks a normalised text (as eSpeak NG gives it: leading and trailing
 * silence included, 16-bit mono at BK_SPEECH_RATE) from the cache or from
 * a fresh engine state. where names the text's origin in messages (may be
 * NULL). *samples is owned by the caller; free with bk_free. Returns
 * BK_ERR_INVALID when the engine fails on the text, BK_ERR_NOTFOUND when
 * the voice cannot be used, BK_ERR_IO when its helper stopped answering,
 * BK_ERR_USAGE in a process forked after the object was made. */
BK_API bk_status bk_speech_clip(bk_speech *sp, const char *lang,
                                const char *normalised, const char *where,
                                int16_t **samples, size_t *count,
                                bk_diags *diags);

/* Asks for the clip of a normalised text ahead, so that the helper speaks
 * it while the caller does other work and a later bk_speech_clip of the
 * same text takes it without waiting. A hint: it does nothing when the
 * text is already asked, a few texts of the language are already waiting,
 * or the voice cannot be used; any error is reported by bk_speech_clip.
 * Clips asked ahead and never taken cost nothing but their synthesis. */
BK_API void bk_speech_prefetch(bk_speech *sp, const char *lang,
                               const char *normalised);

/* Writes samples (16-bit mono at BK_SPEECH_RATE) as a WAV file, under a
 * temporary name renamed into place. Returns BK_ERR_IO when it cannot. */
BK_API bk_status bk_speech_write_wav(const int16_t *samples, size_t count,
                                     const char *path, bk_diags *diags);
/* The same bytes written through write(arg) (diag.h). The WAV is made in
 * memory first (its header is finished by seeking back) and handed over
 * whole; a failure of the callback is returned with an "unwritable"
 * diagnostic. */
BK_API bk_status bk_speech_write_wav_to(const int16_t *samples, size_t count,
                                        bk_write_fn write, void *arg,
                                        bk_diags *diags);

/* Clips synthesised and clips found in the cache (memory or disk) since
 * the object was made. */
BK_API size_t bk_speech_synthesised(const bk_speech *sp);
BK_API size_t bk_speech_cache_hits(const bk_speech *sp);
/* Cache entries discarded since the object was made: clips on disk whose
 * stored key was not the one asked for or whose bytes were damaged (each
 * is spoken again). 0 for NULL. */
BK_API size_t bk_speech_cache_discarded(const bk_speech *sp);

BK_END_DECLS

#endif
