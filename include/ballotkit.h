/* ballotkit: accessibility kits for elections (audio ballots, braille
 * stencils, tactile leaflets) from one ballot definition.
 *
 * Table of contents:
 *   ballotkit/version.h     version macros and bk_version()
 *   ballotkit/diag.h        status codes and diagnostics (the error type)
 *   ballotkit/production.h  the format's defaults and the output names
 *   ballotkit/boxes.h       the marking boxes found in a ballot's PDF
 *   ballotkit/templates.h   wording, geometry and language data
 *   ballotkit/definition.h  loading and validating election definitions
 *   ballotkit/script.h      the ballot script every output renders
 *   ballotkit/braille.h     braille cells through liblouis, and back;
 *                           braille pages as BRF, PEF and text
 *   ballotkit/decode.h      reading written braille back, for checks
 *   ballotkit/render.h      swell-paper PDF, large print
 *   ballotkit/stencil.h     braille stencils laid over the paper ballot
 *   ballotkit/speech.h      texts spoken by eSpeak NG, each clip from a
 *                           fresh engine state, cached by content
 *   ballotkit/audio.h       the audio ballot: MP3 with chapters, files per
 *                           position, DAISY, transcript, WAV/FLAC/Ogg/Opus
 *   ballotkit/verify.h      kits verified: every file decoded and compared
 *                           with the definition's scripts
 *   ballotkit/kit.h         kits for a whole election: build in parallel,
 *                           resume, index, packing lists
 *   ballotkit/admission.h   the one check before build: everything the kits
 *                           need, located in the definition
 *
 * Threads and process effects (what a host program must know):
 *   - Objects made once and only read afterwards (bk_templates,
 *     bk_election, bk_script) may be read from several threads at once.
 *     Every other object (bk_diags, bk_speech, bk_audio, bk_verifier, a
 *     braille table handle, ...) belongs to one thread at a time.
 *   - liblouis is not thread-safe: the library calls it under one lock of
 *     its own, so braille work of several threads runs one at a time.
 *     libxml2 is initialised once (pthread_once) before its first use.
 *   - Callbacks (the bk_write_fn of a renderer's _to function, a
 *     bk_diags log set with bk_diags_set_callback, bk_kit_options'
 *     progress and log) are called in the thread that called the library,
 *     never from another thread or a child process: bk_kit_build's
 *     workers send their diagnostics to the calling process, which passes
 *     them on.
 *   - bk_print_job_make (press.h) makes its files on threads of its own
 *     (as many as the machine has cores, at most 4), which it ends before
 *     it returns; they call no callback (its progress is called in the
 *     calling thread) and draw with Cairo and Pango one at a time.
 *   - bk_set_max_input_size is process-wide: call it before anything else.
 *   - The library never calls setlocale, never changes the umask or the
 *     working directory, and formats numbers in the C locale whatever the
 *     host's locale is.
 *   - Processes: speech (bk_speech_create) starts one helper process per
 *     voice, a fresh copy of the program (see bk_speech_helper_entry in
 *     speech.h) that forks a child per clip; admission
 *     (bk_election_admit) forks one short-lived child to try the voices;
 *     bk_kit_build forks its worker processes (kit.h). Each calls
 *     fflush(NULL) first. The children change their own signal
 *     dispositions, never the caller's, except as kit.h says.
 *   - A fork from a program with several threads copies only the calling
 *     thread: call the functions that fork when no other thread of the
 *     host is inside ballotkit, Pango, fontconfig, liblouis or eSpeak NG.
 *   - Memory: when one of ballotkit's own allocations fails, the call
 *     returns BK_ERR_NOMEM (with an "out-of-memory" diagnostic when the
 *     list has room for it) and frees what it made; it never aborts. A
 *     function that returns a pointer returns NULL instead. Libraries it
 *     uses are not all so: Pango and poppler-glib allocate through GLib's
 *     g_malloc, which aborts the process when memory runs out, and
 *     liblouis exits the process (status 3) when some of its allocations
 *     fail; ballotkit cannot prevent either (docs/decisions.md, "Out of
 *     memory is a status"). eSpeak NG runs only in the speech helpers: a
 *     helper that dies is reported as one that stopped answering.
 */
#ifndef BALLOTKIT_H
#define BALLOTKIT_H

#include "ballotkit/common.h"
#include "ballotkit/version.h"
#include "ballotkit/diag.h"
#include "ballotkit/production.h"
#include "ballotkit/boxes.h"
#include "ballotkit/templates.h"
#include "ballotkit/import.h"
#include "ballotkit/definition.h"
#include "ballotkit/exchange.h"
#include "ballotkit/script.h"
#include "ballotkit/braille.h"
#include "ballotkit/decode.h"
#include "ballotkit/render.h"
#include "ballotkit/stencil.h"
#include "ballotkit/speech.h"
#include "ballotkit/audio.h"
#include "ballotkit/verify.h"
#include "ballotkit/kit.h"
#include "ballotkit/press.h"
#include "ballotkit/admission.h"

#endif
