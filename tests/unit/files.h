/* Reading a written file back, for the C tests. */
#ifndef BK_TEST_FILES_H
#define BK_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file (malloc'd), or NULL. */
static inline char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)len + 1);
	*n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	return buf;
}

#endif
