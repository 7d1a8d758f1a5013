/* Private: appending diagnostics. */
#ifndef BK_DIAG_PRIVATE_H
#define BK_DIAG_PRIVATE_H

#include <stdbool.h>

#include "ballotkit/diag.h"

/* Appends a diagnostic; diags may be NULL (then nothing happens). Strings
 * are copied. */
void bk_diags_add(bk_diags *diags, bk_severity sev, const char *kind,
                  const char *file, unsigned long line, unsigned long column,
                  const char *path, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* A diagnostic the list has no memory for is counted as omitted
 * (bk_diags_count_severity still sees it). */

/* Reports that memory ran out ("out of memory while WHAT", kind
 * "out-of-memory"; file and path as for bk_diags_add, may be NULL) and
 * returns BK_ERR_NOMEM. */
bk_status bk_diags_nomem(bk_diags *diags, const char *file, const char *path,
                         const char *what);

/* The list's limit per severity (0: none; 0 for a NULL list). */
size_t bk_diags_limit(const bk_diags *diags);
/* Counts n diagnostics of severity sev that were reported but not kept
 * (one who holds diagnostics before adding them, as a JSON document does,
 * applies the limit itself and passes on the count). */
void bk_diags_add_omitted(bk_diags *diags, bk_severity sev, size_t n);

/* The version check of a public option struct, the way libgit2 does it:
 * a caller built against an older header (1 .. current) is accepted, and
 * the fields that version lacks take their defaults (the caller of this
 * function copies the struct into one of the current version). Version 0
 * and anything newer than the library are refused with a "usage" error
 * naming the struct (e.g. "bk_kit_options"), and false is returned. */
bool bk_struct_version_ok(unsigned version, unsigned current,
                          const char *name, bk_diags *diags);

#endif
