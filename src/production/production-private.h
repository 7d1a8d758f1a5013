/* Private: what the definition and the kit builder share of the output
 * table besides the public API (include/ballotkit/production.h). */
#ifndef BK_PRODUCTION_PRIVATE_H
#define BK_PRODUCTION_PRIVATE_H

#include "ballotkit/production.h"
#include "util/util.h"

/* For a name from before the one vocabulary ("stencil-pdf", "wav"): what
 * to write now, as text for a message ("\"stencil-print-pdf\""); NULL for
 * any other name. Static string. */
const char *bki_output_renamed(const char *name);
/* The first output of set that lacks one it needs, and in *needed the
 * output it lacks; -1 when none lacks anything. */
int bki_outputs_missing(bk_output_set set, int *needed);
/* Appends the names of set, in table order, separated by ", ". */
void bki_outputs_names(bk_output_set set, bki_buf *out);

#endif
