/* bench-import: the import of tables (tables -> definition JSON, without
 * the validation `ballotkit import` runs after it), timed: the median of N
 * runs and the peak resident memory of the process.
 *   bench-import N TABLE... */
#define _POSIX_C_SOURCE 200809L
#include <ballotkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench-import N TABLE...\n");
		return 64;
	}
	int n = atoi(argv[1]);
	if (n < 1 || n > 100)
		return 64;
	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK)
		return 78;
	double *t = calloc((size_t)n, sizeof *t);
	size_t bytes = 0;
	for (int i = 0; i < n && t; i++) {
		struct timespec a, b;
		bk_import *imp = NULL;
		clock_gettime(CLOCK_MONOTONIC, &a);
		bk_status st = bk_import_create(&imp, (const char *const *)argv + 2,
		                                (size_t)argc - 2, tpl, NULL, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (st != BK_OK) {
			fprintf(stderr, "bench-import: %s\n", bk_status_string(st));
			return 65;
		}
		bytes = strlen(bk_import_json(imp));
		bk_import_free(imp);
		t[i] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("import: median %.3f s of %d runs (min %.3f, max %.3f), %zu bytes of "
	       "definition, peak RSS %ld MiB\n", t[n / 2], n, t[0], t[n - 1], bytes,
	       ru.ru_maxrss / 1024);
	free(t);
	bk_templates_free(tpl);
	return 0;
}
