/* Stencils of the national-size election: the time for one stencil (print
 * PDF + laser SVG) and for all of them, in one process and split over two
 * worker processes (the machine's two cores). Usage:
 *   bench-stencil DEFINITION.json OUTDIR */
#include <ballotkit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Makes the stencils of ballots [from, to) with step; returns failures. */
static char slowest[256];

static int run(const char *def, const char *dir, size_t from, size_t step,
               size_t *count, double *worst)
{
	bk_templates *tpl;
	bk_election *e;
	bk_braille *br;
	if (bk_templates_open(&tpl, NULL, NULL) || bk_election_load(&e, def, tpl, NULL) ||
	    bk_braille_open(&br, e, tpl, NULL))
		return 1;
	int failed = 0;
	*count = 0;
	*worst = 0;
	char path[4096];
	for (size_t b = from; b < bk_election_ballot_count(e); b += step) {
		double t0 = now();
		bk_script *s = NULL;
		bk_stencil *st = NULL;
		const char *id = bk_election_ballot_id(e, b);
		bk_script_create(&s, e, id, bk_election_language(e, 0), tpl, NULL);
		if (bk_stencil_create(&st, e, s, br, tpl, NULL, NULL) != BK_OK) {
			failed++;
		} else {
			snprintf(path, sizeof path, "%s/%s.pdf", dir, id);
			failed += bk_stencil_write_print_pdf(st, path, NULL) != BK_OK;
			for (size_t sh = 0; sh < bk_stencil_sheet_count(st); sh++) {
				snprintf(path, sizeof path, "%s/%s-%zu.svg", dir, id, sh + 1);
				failed += bk_stencil_write_svg(st, sh, path, NULL) != BK_OK;
			}
		}
		bk_stencil_free(st);
		double dt = now() - t0;
		if (dt > *worst) {
			*worst = dt;
			snprintf(slowest, sizeof slowest, "%s (ballot %zu, %zu positions)",
			         id, b + 1, bk_script_position_count(s));
		}
		bk_script_free(s);
		(*count)++;
	}
	bk_braille_free(br);
	bk_election_free(e);
	bk_templates_free(tpl);
	return failed;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench-stencil DEFINITION.json OUTDIR\n");
		return 64;
	}
	size_t n;
	double worst, t0 = now();
	int failed = run(argv[1], argv[2], 0, 1, &n, &worst);
	double one_proc = now() - t0;
	printf("stencils: %zu ballots (print PDF + SVG each), one process: %.1f s, "
	       "%.1f ms per stencil, slowest %.1f ms: %s (target: under 50 ms)%s\n",
	       n, one_proc, 1000 * one_proc / (double)n, 1000 * worst, slowest,
	       failed ? " — SOME FAILED" : "");
	t0 = now();
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			size_t c;
			double w;
			_exit(run(argv[1], argv[2], (size_t)k, 2, &c, &w) ? 1 : 0);
		}
	}
	int bad = 0;
	for (int k = 0; k < 2; k++) {
		int status;
		waitpid(kids[k], &status, 0);
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	printf("stencils: all %zu on two worker processes: %.1f s (target: under 2 minutes)%s\n",
	       n, now() - t0, bad ? " — SOME FAILED" : "");
	return failed || bad;
}
