/* Private: appending diagnostics. */
#ifndef BK_DIAG_PRIVATE_H
#define BK_DIAG_PRIVATE_H

#include "ballotkit/diag.h"

/* Appends a diagnostic; diags may be NULL (then nothing happens). Strings
 * are copied. */
void bk_diags_add(bk_diags *diags, bk_severity sev, const char *kind,
                  const char *file, unsigned long line, unsigned long column,
                  const char *path, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

#endif
