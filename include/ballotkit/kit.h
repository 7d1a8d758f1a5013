/* ballotkit: kits for a whole election. One folder per ballot with its
 * audio, stencil, braille list, large print and leaflets, the ballot
 * scripts they were made from, a README and a manifest of every file with
 * its SHA-256; an index of all kits with packing lists per polling
 * station. Kits are checked by ballotkit/verify.h. Layout and rules:
 * docs/kits.md.
 */
#ifndef BALLOTKIT_KIT_H
#define BALLOTKIT_KIT_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/templates.h"
#include "ballotkit/speech.h"
#include "ballotkit/audio.h"
#include "ballotkit/stencil.h"

BK_BEGIN_DECLS

/* What bk_kit_build reports as it goes (done includes skipped and
 * failed). */
/* The bounds the ballotkit command puts on bk_kit_options' jobs and
 * shards (--jobs, --shard). */
#define BK_KIT_JOBS_MAX 256
#define BK_KIT_SHARDS_MAX 100000

typedef struct bk_kit_progress {
	size_t total, done, built, skipped, failed;
	const char *kit;          /* the kit just finished, or NULL */
	bk_status status;         /* its status */
	const char *messages;     /* its diagnostics as text, or NULL */
	double audio_seconds;     /* of all kits built so far */
	size_t cache_discarded;   /* cache entries the kits built so far found
	                           * damaged or holding another key, and made
	                           * again (docs/audio.md) */
} bk_kit_progress;
typedef void (*bk_kit_progress_fn)(const bk_kit_progress *p, void *arg);

typedef struct bk_kit_options {
	unsigned int version;         /* BK_KIT_OPTIONS_VERSION */
	const char *const *ballots;   /* ids to build, or NULL for all */
	size_t nballots;
	const char *langs;            /* "kk,ru", or NULL for the election's */
	bk_output_set outputs;        /* the outputs to build (production.h);
	                               * 0: the definition's production.outputs */
	int jobs;                     /* worker processes, at most
	                               * BK_KIT_JOBS_MAX; 0: one per core */
	unsigned shard, shards;       /* build shard K of N (1-based), N at
	                               * most BK_KIT_SHARDS_MAX; 0, 0: all */
	bk_speech_options speech;     /* rate 0: the definition's
	                               * production.speech.rate */
	bk_audio_options audio;       /* loudness 0: the definition's
	                               * production.speech.loudness_lufs */
	bk_stencil_options stencil;
	bk_kit_progress_fn progress;  /* called in the calling process, or NULL */
	void *progress_arg;
	/* since version 3: the build's log, or NULL. Receives every
	 * diagnostic of the build as it happens, notes and warnings
	 * included: those of the calling process as they are added to the
	 * diags list of bk_kit_build (its own callback, if any, is called
	 * too), and those of each kit as its worker adds them, sent through
	 * the worker's pipe like its progress and delivered in the calling
	 * process, in the thread that called bk_kit_build, each kit's in the
	 * order they were made and before the kit's progress report (kits
	 * built at once interleave). The bk_diag is valid during the call. */
	bk_diag_fn log;
	void *log_arg;
} bk_kit_options;
#define BK_KIT_OPTIONS_VERSION 3

/* Fills *opt with the defaults: everything the definition's production
 * settings say (outputs, speech.rate and audio.loudness 0), the rest as
 * the speech, audio and stencil defaults. */
BK_API void bk_kit_options_init(bk_kit_options *opt);

/* Parses a comma-separated list of output names and shorthands
 * (bk_outputs_parse: "stencil-svg,audio-mp3", "audio", "all"...) into
 * opt->outputs. Returns BK_ERR_USAGE, naming the bad name in diags. */
BK_API bk_status bk_kit_formats_parse(const char *list, bk_kit_options *opt,
                                      bk_diags *diags);

/* Builds the kits of election (loaded from definition_path, whose name
 * goes into the manifests) into the folder dir, one folder per ballot in
 * dir/kits/, with worker processes: the outputs of opt (or the
 * definition's), each kit holding exactly their files, and its manifest
 * naming them ("outputs") and the speech rate and loudness used. Each kit
 * is made in a temporary folder in dir/kits/ and renamed into place; a
 * kit whose resume key (definition digest of its ballot, templates, fonts,
 * braille tables, engine versions, options) matches the one in its
 * manifest is skipped. Then writes dir's index (as bk_kit_index). No
 * symbolic link in dir is followed for writing or removing. Holds
 * dir/.bk-lock while it writes: BK_ERR_IO with a "busy" diagnostic when
 * another process holds it, with an "unwritable" one naming the folder and
 * the system's reason when dir cannot be written. Returns BK_OK when every
 * kit was built or skipped, else the first failure's status; failures are
 * also reported through opt->progress.
 *
 * Process effects: forks opt->jobs worker processes (plain forks, no exec:
 * each worker continues in this program's code and starts its own speech
 * helpers), after fflush(NULL). While it runs, SIGPIPE is ignored in the
 * calling process (the old disposition is restored before it returns) so
 * that a worker that dies cannot kill the build; the workers ignore it
 * too. Children are waited for before it returns; no other signal
 * disposition, the umask or the working directory is changed. Call it
 * from one thread (see ballotkit.h, "Threads and process effects"). */
BK_API bk_status bk_kit_build(const bk_election *election,
                              const char *definition_path,
                              const bk_templates *tpl, const char *dir,
                              const bk_kit_options *opt, bk_diags *diags);

/* Copies the kits of the folders srcs (their kits/ folders; hard links
 * where it can) into dir/kits/ (made if missing), then writes dir's
 * index.json, packing lists (packing/STATION.txt and a printable
 * packing/STATION.pdf) and
 * print-quantities.csv from the manifests of all kits in dir/kits/. nsrcs
 * may be 0: then dir's index is rewritten. The index depends only on the
 * kits, so shards merged give the same index as one build. Takes the lock
 * of bk_kit_build (dir/.bk-lock) and follows no symbolic link in dir.
 * Returns BK_ERR_IO when a folder cannot be read or written ("busy" in
 * diags when a build or index holds the lock), BK_ERR_INVALID when a
 * manifest is unreadable or two kits conflict. */
BK_API bk_status bk_kit_index(const char *dir, const char *const *srcs,
                              size_t nsrcs, bk_diags *diags);
/* The same with the templates the printable packing lists
 * (packing/STATION.pdf) take their wording and fonts from (tpl borrowed;
 * bk_kit_index opens the default folder's). */
BK_API bk_status bk_kit_index_with(const char *dir, const char *const *srcs,
                                   size_t nsrcs, const bk_templates *tpl,
                                   bk_diags *diags);

BK_END_DECLS

#endif
