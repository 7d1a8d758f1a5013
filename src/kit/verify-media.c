/* Verifying a kit's media by decoding: audio chapters, stencil braille. */
#include "kit/kit-private.h"

#include "ballotkit/decode.h"
#include "diag/diag-private.h"

void bk_kit_verify_audio(bk_speech *speech, const char *kdir, const char *kit,
                         const char *ballot, const char *lang,
                         const json_t *script, bk_diags *diags, size_t *errors)
{
	(void)speech; (void)kdir; (void)kit; (void)ballot; (void)lang;
	(void)script; (void)diags; (void)errors;
}

void bk_kit_verify_stencil(const char *kdir, const char *kit, const char *ballot,
                           const json_t *script, bk_diags *diags,
                           size_t *errors)
{
	(void)kdir; (void)kit; (void)ballot; (void)script; (void)diags;
	(void)errors;
}
