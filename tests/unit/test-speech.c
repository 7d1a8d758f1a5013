/* The speech helpers both ways they can start: the program
 * ballotkit-speech-helper (a program that did not call
 * bk_speech_helper_entry: the caller is never forked into a helper) and
 * fresh copies of the program (one that did). Both must give the same
 * clips, and neither may carry the caller's memory, which is what makes a
 * clip's fork cheap in a kit worker holding a national definition. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ballotkit/speech.h"
#include "ballotkit/templates.h"
#include "tap.h"

#define MAX_HELPERS 16

typedef struct helper {
	int pid;
	long rss_anon_kb;
	int fresh; /* its command line is the helper's */
} helper;

/* The children of this process, with their anonymous memory. */
static size_t children(helper *out)
{
	size_t n = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d)) && n < MAX_HELPERS) {
		char path[300], line[512];
		int pid = atoi(de->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/status", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int ppid = -1;
		long anon = -1;
		while (fgets(line, sizeof line, f)) {
			if (!strncmp(line, "PPid:", 5))
				ppid = atoi(line + 5);
			else if (!strncmp(line, "RssAnon:", 8))
				anon = atol(line + 8);
		}
		fclose(f);
		if (ppid != getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
		f = fopen(path, "r");
		size_t len = f ? fread(line, 1, sizeof line - 1, f) : 0;
		if (f)
			fclose(f);
		line[len] = '\0';
		const char *arg1 = line + strlen(line) + 1;
		out[n++] = (helper){pid, anon,
		                    arg1 < line + len && !strcmp(arg1, "--bk-speech-helper")};
	}
	if (d)
		closedir(d);
	return n;
}

static int known(const helper *h, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].pid == pid)
			return 1;
	return 0;
}

/* Counts the helpers in now[] that are not in old[], and of them those of
 * the kind wanted: forked copies carrying at least 60 MB of anonymous
 * memory, or fresh copies of the program under 24 MB. */
static void new_helpers(const helper *old, size_t nold, const helper *now,
                        size_t nnow, int want_fresh, size_t *count, size_t *so)
{
	*count = *so = 0;
	for (size_t i = 0; i < nnow; i++) {
		if (known(old, nold, now[i].pid))
			continue;
		++*count;
		printf("# helper %d: fresh %d, %ld kB anonymous\n", now[i].pid,
		       now[i].fresh, now[i].rss_anon_kb);
		if (want_fresh)
			*so += now[i].fresh && now[i].rss_anon_kb >= 0 &&
			       now[i].rss_anon_kb < 24 * 1024;
		else
			*so += !now[i].fresh && now[i].rss_anon_kb >= 60 * 1024;
	}
}

static const char *const texts[][2] = {
	{"kk", "Бюллетеньдегі нөмірі бір. «Аманат» партиясы."},
	{"ru", "Номер два. Иванов Иван Иванович, тысяча девятьсот семидесятого года рождения."},
	{"kk", "Нөмірі үш."},
};

/* Options of version 0 or newer than the library are refused with a
 * message naming the struct, before any helper starts. */
static void options_version(const bk_templates *tpl, unsigned version)
{
	bk_speech_options o = BK_SPEECH_OPTIONS_INIT;
	o.version = version;
	bk_speech *sp = NULL;
	bk_diags *d = bk_diags_create();
	bk_status st = bk_speech_create(&sp, tpl, &o, d);
	const char *msg = bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
	TAP_OK(st == BK_ERR_USAGE && !sp && strstr(msg, "bk_speech_options has version"),
	       "speech options of version %u are refused, naming the struct (%s)",
	       version, msg);
	bk_diags_free(d);
	bk_speech_free(sp);
}

int main(int argc, char **argv)
{
	/* a helper started from this program serves here (the entry is
	 * called for that only at first, so the first object's helpers are
	 * the helper program) */
	if (argc == 2 && !strcmp(argv[1], "--bk-speech-helper"))
		bk_speech_helper_entry(argc, argv);

	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK) {
		printf("Bail out! templates not found\n");
		return 1;
	}
	options_version(tpl, 0);
	options_version(tpl, BK_SPEECH_OPTIONS_VERSION + 1);
	/* a large caller: 64 MB of its own memory, touched */
	size_t big_n = 64u << 20;
	unsigned char *big = malloc(big_n);
	for (size_t i = 0; big && i < big_n; i += 4096)
		big[i] = (unsigned char)i;

	/* the helper program is what $BALLOTKIT_SPEECH_HELPER names: a missing
	 * one is a voice that cannot be used, with the path in the message
	 * (and no forked copy of this program answering instead) */
	const char *helper_path = getenv("BALLOTKIT_SPEECH_HELPER");
	setenv("BALLOTKIT_SPEECH_HELPER", "/nonexistent/ballotkit-speech-helper", 1);
	bk_speech *sp_none = NULL;
	bk_diags *dg = bk_diags_create();
	int16_t *none_clip = NULL;
	size_t none_n = 0;
	bk_status none_st = bk_speech_create(&sp_none, tpl, NULL, NULL);
	if (none_st == BK_OK)
		none_st = bk_speech_clip(sp_none, "kk", "Бір.", NULL, &none_clip,
		                         &none_n, dg);
	const char *none_msg = bk_diags_count(dg) ?
	                       bk_diag_message(bk_diags_get(dg, 0)) : "";
	TAP_OK(none_st == BK_ERR_NOTFOUND && !none_clip &&
	       strstr(none_msg, "/nonexistent/ballotkit-speech-helper"),
	       "without the entry and with no helper program, no clip and a "
	       "message naming the program (%s)", none_msg);
	bk_speech_free(sp_none);
	bk_diags_free(dg);
	if (helper_path)
		setenv("BALLOTKIT_SPEECH_HELPER", helper_path, 1);
	else
		unsetenv("BALLOTKIT_SPEECH_HELPER");

	helper before[MAX_HELPERS], forked[MAX_HELPERS], fresh[MAX_HELPERS];
	size_t n0 = children(before);
	bk_speech *sp_fork = NULL, *sp_exec = NULL;
	TAP_OK(bk_speech_create(&sp_fork, tpl, NULL, NULL) == BK_OK,
	       "speech without the entry: created");
	size_t n1 = children(forked);
	size_t nf, small_helper;
	new_helpers(before, n0, forked, n1, 1, &nf, &small_helper);
	TAP_OK(nf == 2 && small_helper == 2,
	       "without the entry, two helpers (kk, ru) are started programs, not "
	       "forked copies carrying the caller's 64 MB (%zu helpers, %zu so)",
	       nf, small_helper);

	bk_speech_helper_entry(1, argv);
	TAP_OK(bk_speech_create(&sp_exec, tpl, NULL, NULL) == BK_OK,
	       "speech after the entry: created");
	size_t n2 = children(fresh);
	size_t ne, small_ok;
	new_helpers(forked, n1, fresh, n2, 1, &ne, &small_ok);
	TAP_OK(ne == 2 && small_ok == 2,
	       "after the entry, two helpers are fresh copies of the program, "
	       "under 24 MB of anonymous memory (%zu helpers, %zu so)", ne, small_ok);

	/* the same clips both ways, each asked first of one and then the other */
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		const char *lang = texts[t][0];
		char *norm = NULL;
		int16_t *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		bk_status s = bk_speech_normalise(sp_exec, lang, texts[t][1], NULL,
		                                  &norm, NULL);
		bk_speech *first = t % 2 ? sp_exec : sp_fork;
		bk_speech *second = t % 2 ? sp_fork : sp_exec;
		if (s == BK_OK)
			s = bk_speech_clip(first, lang, norm, NULL, &a, &na, NULL);
		if (s == BK_OK)
			s = bk_speech_clip(second, lang, norm, NULL, &b, &nb, NULL);
		TAP_OK(s == BK_OK && na > 22050 / 4 && na == nb &&
		       !memcmp(a, b, na * sizeof *a),
		       "%s text %zu: the helper program and the fresh copy give the same "
		       "clip (%zu and %zu samples)", lang, t + 1, na, nb);
		bk_free(a);
		bk_free(b);
		bk_free(norm);
	}

	/* texts asked ahead: taken in any order, beyond the queue, mixed with
	 * texts not asked, each the same clip as when asked plainly and each
	 * synthesised once */
	enum { N = 12 };
	char *norm[N];
	int16_t *ref[N];
	size_t nref[N];
	int refs_ok = 1;
	for (int i = 0; i < N; i++) {
		char text[64];
		snprintf(text, sizeof text, "Бюллетеньдегі нөмірі %d.", i + 1);
		norm[i] = NULL;
		ref[i] = NULL;
		refs_ok &= bk_speech_normalise(sp_fork, "kk", text, NULL, &norm[i],
		                               NULL) == BK_OK &&
		           bk_speech_clip(sp_fork, "kk", norm[i], NULL, &ref[i],
		                          &nref[i], NULL) == BK_OK;
	}
	TAP_OK(refs_ok, "reference clips of %d texts", N);
	size_t synth0 = bk_speech_synthesised(sp_exec);
	size_t hits0 = bk_speech_cache_hits(sp_exec);
	/* ask 0-11 ahead (the queue takes fewer), take 2, 0, 1, then 11 (not
	 * taken from the queue: the rest are answered first), then 3-10 */
	for (int i = 0; i < N; i++)
		bk_speech_prefetch(sp_exec, "kk", norm[i]);
	bk_speech_prefetch(sp_exec, "kk", norm[0]); /* asked twice: once */
	static const int order[N] = {2, 0, 1, 11, 3, 4, 5, 6, 7, 8, 9, 10};
	int same = refs_ok;
	for (int k = 0; k < N && same; k++) {
		int i = order[k];
		int16_t *got = NULL;
		size_t n = 0;
		same = bk_speech_clip(sp_exec, "kk", norm[i], NULL, &got, &n, NULL) ==
		       BK_OK && n == nref[i] && !memcmp(got, ref[i], n * sizeof *got);
		if (!same)
			printf("# text %d: %zu samples, %zu wanted\n", i + 1, n, nref[i]);
		bk_free(got);
	}
	TAP_OK(same, "clips asked ahead and taken out of order equal the "
	       "clips asked plainly");
	size_t synth = bk_speech_synthesised(sp_exec) - synth0;
	size_t hits = bk_speech_cache_hits(sp_exec) - hits0;
	/* 3-7 were answered when 11 was asked and taken from the cache */
	TAP_OK(synth == N && hits == 5,
	       "each text was spoken once (%zu synthesised, %zu of them taken "
	       "from the cache)", synth, hits);
	/* asked ahead and never taken: freeing the object does not wait on
	 * them or leak them (the sanitizers and valgrind watch this) */
	for (int i = 0; i < N; i++) {
		char text[64];
		snprintf(text, sizeof text, "Нөмірі %d, қайталанбайды.", i + 20);
		char *t = NULL;
		if (bk_speech_normalise(sp_exec, "kk", text, NULL, &t, NULL) == BK_OK)
			bk_speech_prefetch(sp_exec, "kk", t);
		bk_free(t);
	}
	for (int i = 0; i < N; i++) {
		bk_free(norm[i]);
		bk_free(ref[i]);
	}
	bk_speech_free(sp_exec);
	helper left[MAX_HELPERS];
	size_t nl = children(left), still = 0;
	for (size_t i = 0; i < nl; i++)
		still += known(fresh, n2, left[i].pid) && !known(forked, n1, left[i].pid);
	TAP_OK(still == 0, "an object freed with texts still asked ahead leaves "
	       "no helper behind (%zu left)", still);
	bk_speech_free(sp_fork);

	/* started by hand, without its socket, the helper stops at once */
	pid_t p = fork();
	if (p == 0) {
		close(3);
		char a0[] = "test-speech", a1[] = "--bk-speech-helper";
		char *args[] = {a0, a1, NULL};
		execv("/proc/self/exe", args);
		_exit(127);
	}
	int st = 0;
	waitpid(p, &st, 0);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	       "the helper's argument without a helper socket: exit 1");
	free(big);
	bk_templates_free(tpl);
	return tap_done();
}
