/* ballotkit: the data folder of wording, geometry and language rules.
 *
 * templates/ holds what election staff may adjust without touching C:
 * stencil geometry (stencil/NAME.json, millimetres), printed and spoken wording
 * (print/<lang>.json, speech/<lang>.json) and language rules
 * (language/kk.json: alphabet order and the Kazakh-to-Russian spelling table).
 */
#ifndef BALLOTKIT_TEMPLATES_H
#define BALLOTKIT_TEMPLATES_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"

BK_BEGIN_DECLS

typedef struct bk_templates bk_templates;

/* The kinds of segment a ballot script speaks (bk_script_segment_kind),
 * in the order they come. The speech wording gives the pause after each
 * (speech/<lang>.json "audio"."pause_ms", keyed "title", "intro", …).
 * BK_SEGMENT_REPEAT stays the last kind: the library counts from it. */
typedef enum bk_segment_kind {
	BK_SEGMENT_TITLE,
	BK_SEGMENT_INTRO,
	BK_SEGMENT_INSTRUCTIONS,
	BK_SEGMENT_POSITION,
	BK_SEGMENT_CLOSING,
	BK_SEGMENT_REPEAT
} bk_segment_kind;

/* Folder the installed library looks in when no folder is named:
 * $BALLOTKIT_TEMPLATES if set, else the installed data folder; when that
 * does not exist (a build that was not installed), the templates folder of
 * the source tree the build was configured from. Static or environment
 * string; do not free. */
BK_API const char *bk_templates_default_dir(void);

/* Loads and checks every template under dir (NULL: the default folder).
 * On success *out owns the templates; free with bk_templates_free. Problems
 * are appended to diags (may be NULL) with the template file and path. */
BK_API bk_status bk_templates_open(bk_templates **out, const char *dir,
                                   bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_templates_free(bk_templates *tpl);

/* Folder the templates were loaded from. Borrowed. */
BK_API const char *bk_templates_dir(const bk_templates *tpl);

/* Stencil geometry templates, sorted by id. Strings are borrowed. */
BK_API size_t bk_templates_stencil_count(const bk_templates *tpl);
BK_API const char *bk_templates_stencil_id(const bk_templates *tpl, size_t i);
/* Positions (boxes, "against all" included) the template holds on all its
 * sheets together. */
BK_API size_t bk_templates_stencil_capacity(const bk_templates *tpl, size_t i);

BK_END_DECLS

#endif
