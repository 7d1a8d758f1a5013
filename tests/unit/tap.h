/* Minimal TAP output for the C tests. */
#ifndef BK_TEST_TAP_H
#define BK_TEST_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                     \
	do {                                                                  \
		int ok_ = (cond) ? 1 : 0;                                     \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);             \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		if (!ok_) {                                                   \
			tap_failed++;                                         \
			printf("# failed: %s (%s:%d)\n", #cond, __FILE__,     \
			       __LINE__);                                     \
		}                                                             \
	} while (0)

#define TAP_STREQ(got, want, ...)                                             \
	do {                                                                  \
		const char *g_ = (got), *w_ = (want);                         \
		TAP_OK(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__);             \
		if (!(g_ && w_ && !strcmp(g_, w_)))                           \
			printf("# got:  %s\n# want: %s\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                           \
	} while (0)

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed || tap_n == 0;
}

#endif
