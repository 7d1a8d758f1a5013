/* ballotkit: version of the headers and of the library in use. */
#ifndef BALLOTKIT_VERSION_H
#define BALLOTKIT_VERSION_H

#include "ballotkit/common.h"

#define BK_VERSION_MAJOR 0
#define BK_VERSION_MINOR 1
#define BK_VERSION_PATCH 0
#define BK_VERSION_STRING "0.1.0"

/* True when the headers are at least version (maj, min, patch). */
#define BK_VERSION_CHECK(maj, min, patch)                                     \
	((BK_VERSION_MAJOR > (maj)) ||                                        \
	 (BK_VERSION_MAJOR == (maj) && BK_VERSION_MINOR > (min)) ||           \
	 (BK_VERSION_MAJOR == (maj) && BK_VERSION_MINOR == (min) &&           \
	  BK_VERSION_PATCH >= (patch)))

BK_BEGIN_DECLS

/* Version of the library linked at run time, e.g. "0.1.0". Static string. */
BK_API const char *bk_version(void);

/* Numeric parts of the run-time version; any pointer may be NULL. */
BK_API void bk_version_numbers(int *major, int *minor, int *patch);

BK_END_DECLS

#endif
