/* ballotkit: accessibility kits for elections (audio ballots, braille
 * stencils, tactile leaflets) from one ballot definition.
 *
 * Table of contents:
 *   ballotkit/version.h     version macros and bk_version()
 *   ballotkit/diag.h        status codes and diagnostics (the error type)
 *   ballotkit/production.h  the format's defaults and the output names
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
 */
#ifndef BALLOTKIT_H
#define BALLOTKIT_H

#include "ballotkit/common.h"
#include "ballotkit/version.h"
#include "ballotkit/diag.h"
#include "ballotkit/production.h"
#include "ballotkit/templates.h"
#include "ballotkit/definition.h"
#include "ballotkit/script.h"
#include "ballotkit/braille.h"
#include "ballotkit/decode.h"
#include "ballotkit/render.h"
#include "ballotkit/stencil.h"
#include "ballotkit/speech.h"
#include "ballotkit/audio.h"
#include "ballotkit/verify.h"
#include "ballotkit/kit.h"
#include "ballotkit/admission.h"

#endif
