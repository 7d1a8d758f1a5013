#include "ballotkit/version.h"

const char *bk_version(void)
{
	return BK_VERSION_STRING;
}

void bk_version_numbers(int *major, int *minor, int *patch)
{
	if (major)
		*major = BK_VERSION_MAJOR;
	if (minor)
		*minor = BK_VERSION_MINOR;
	if (patch)
		*patch = BK_VERSION_PATCH;
}
