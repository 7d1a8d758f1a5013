/* Speech: texts normalised for eSpeak NG and spoken, each clip from a
 * fresh engine state (docs/audio.md, "Reproducible clips").
 *
 * For each voice a helper process (the "zygote") initialises eSpeak NG,
 * selects the voice and the parameters, hashes the engine's version and
 * data files into an identity, and then never synthesises: for each text
 * it forks a child that synthesises into a shared buffer and exits, and the
 * zygote sends the samples back. The library itself never calls eSpeak NG,
 * so its state cannot leak into a clip.
 *
 * The zygote is never a forked copy of the caller: the library forks and
 * at once executes a program, so the caller's memory, threads and state
 * stay out of it (forking a child per clip copies the zygote's page
 * tables, 6 to 8 ms from a 90 MB kit worker against under 1 ms from a
 * small process). The program is the caller's own file when it called
 * bk_speech_helper_entry first in main (opened at entry, so a replaced
 * binary cannot answer), else the small ballotkit-speech-helper
 * (src/speech/helper-main.c): $BALLOTKIT_SPEECH_HELPER, else the installed
 * one in libexecdir, else the one in the build folder (both paths from
 * meson). It reads its voice and parameters from the socket either way,
 * so every way runs the same zygote code. */
#define _GNU_SOURCE /* close_range */
#include "ballotkit/speech.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <poll.h>
#include <signal.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag/diag-private.h"
#include "speech/speech-private.h"
#include "templates/templates-private.h"
#include "util/cache.h"
#include "util/util.h"

/* The longest text one clip may have (a sentence of a ballot is far
 * shorter) and the most samples it may give (190 s). */
#define MAX_TEXT 4000
#define MAX_SAMPLES (1u << 22)
/* Seconds a child may take over one clip before it is stopped. */
#define CLIP_TIMEOUT 60

/* Texts asked ahead (bk_speech_prefetch) per voice. Requests are small
 * (at most MAX_TEXT bytes each), so this many always fit in the socket's
 * buffer while the zygote is blocked sending an answer. */
#define QUEUE 8

/* A text asked ahead: sent to the zygote, or found in the cache. The
 * zygote answers in the order it was asked. */
typedef struct asked {
	unsigned char key[BK_SHA256_SIZE]; /* the digest of material */
	bki_buf material;                   /* the clip's cache key */
	bool ready;      /* answered, or from the cache */
	bool from_cache;
	int32_t code;    /* the child's status, when answered */
	int16_t *s;
	size_t n;
} asked;

typedef struct zygote {
	pid_t pid;
	int fd; /* socket to the zygote; -1 when not started */
	unsigned char identity[BK_SHA256_SIZE];
	char version[32]; /* eSpeak NG's, as the helper reports it */
	bool failed; /* could not start: do not try again */
	int32_t failure; /* why (Z_*) */
	asked q[QUEUE];
	size_t nq;
} zygote;

struct bk_speech {
	const bk_templates *tpl;
	bk_speech_options opt;
	zygote z[BK_LANG_COUNT];
	bki_cache *cache;
	size_t synthesised, hits;
	bool warned_cache;
	bool nomem; /* an answer could not be received: no memory */
	pid_t owner; /* the process that made it and owns the helpers */
};

/* ---- the zygote (runs in the helper process) ---------------------------- */

static int16_t *child_buf;
static size_t child_n;
static bool child_overflow;

static int child_callback(short *wav, int n, espeak_EVENT *ev)
{
	(void)ev;
	if (!wav || n <= 0)
		return 0;
	if (child_n + (size_t)n > MAX_SAMPLES) {
		child_overflow = true;
		return 1; /* stop */
	}
	memcpy(child_buf + child_n, wav, (size_t)n * sizeof *wav);
	child_n += (size_t)n;
	return 0;
}

static bool send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

/* Reads n bytes; with timeout_ms >= 0, gives up when nothing arrives for
 * that long. */
static bool recv_all(int fd, void *p, size_t n, int timeout_ms)
{
	char *c = p;
	while (n) {
		if (timeout_ms >= 0) {
			struct pollfd pf = {fd, POLLIN, 0};
			int r = poll(&pf, 1, timeout_ms);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return false;
		}
		ssize_t got = recv(fd, c, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		c += got;
		n -= (size_t)got;
	}
	return true;
}

/* Adds a data file of eSpeak NG to the identity (its name and bytes). */
static void hash_file(bki_hasher *h, const char *dir, const char *name)
{
	bki_buf path = {0};
	bki_buf_printf(&path, "%s/%s", dir, name);
	char *data = NULL;
	size_t size = 0;
	bki_hasher_add_str(h, name);
	if (bki_read_file(bki_buf_str(&path), &data, &size) == 0) {
		bki_hasher_add_u64(h, size);
		bki_hasher_add(h, data, size);
		free(data);
	} else {
		bki_hasher_add_u64(h, ~0ull);
	}
	bki_buf_free(&path);
}

/* What the zygote is told first: its voice and parameters. */
typedef struct zconfig {
	uint32_t magic; /* ZCONFIG_MAGIC: the same protocol on both sides */
	int32_t rate, pitch, volume, word_gap;
	char voice[64];
} zconfig;

#define ZCONFIG_MAGIC 0x626b7a31u /* "bkz1" */
#define HELPER_ARG "--bk-speech-helper"
/* The zygote's socket in a helper, and the program file while it starts. */
#define HELPER_FD 3
#define HELPER_EXE_FD 4

/* This program's file, when the program called bk_speech_helper_entry. */
static int helper_exe = -1;

/* Where ballotkit-speech-helper is (meson.build sets both). */
#ifndef BK_SPEECH_HELPER_INSTALLED
#define BK_SPEECH_HELPER_INSTALLED "/usr/local/libexec/ballotkit-speech-helper"
#endif
#ifndef BK_SPEECH_HELPER_BUILD
#define BK_SPEECH_HELPER_BUILD ""
#endif

typedef struct ready {
	int32_t status; /* 0, or what failed */
	unsigned char identity[BK_SHA256_SIZE];
	char version[32]; /* eSpeak NG's version, NUL-terminated */
} ready;

enum { Z_OK = 0, Z_INIT = 1, Z_VOICE = 2, Z_MEMORY = 3, Z_GONE = 4 };

static void zygote_main(int fd)
{
	ready r = {0};
	zconfig cf;
	if (!recv_all(fd, &cf, sizeof cf, 60000) || cf.magic != ZCONFIG_MAGIC ||
	    !memchr(cf.voice, '\0', sizeof cf.voice))
		_exit(1);
	const char *voice = cf.voice;
	espeak_ng_InitializePath(NULL);
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	if (espeak_ng_Initialize(&ctx) != ENS_OK ||
	    espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) != ENS_OK) {
		r.status = Z_INIT;
		send_all(fd, &r, sizeof r);
		_exit(1);
	}
	espeak_SetSynthCallback(child_callback);
	/* the same order as the espeak-ng command: voice, then parameters */
	if (espeak_SetVoiceByName(voice) != EE_OK) {
		r.status = Z_VOICE;
		send_all(fd, &r, sizeof r);
		_exit(1);
	}
	espeak_SetParameter(espeakRATE, cf.rate, 0);
	espeak_SetParameter(espeakVOLUME, cf.volume, 0);
	espeak_SetParameter(espeakPITCH, cf.pitch, 0);
	espeak_SetParameter(espeakWORDGAP, cf.word_gap, 0);

	const char *data_dir = NULL;
	const char *version = espeak_Info(&data_dir);
	espeak_VOICE *v = espeak_GetCurrentVoice();
	bki_hasher *h = bki_hasher_new();
	bki_hasher_add_str(h, "ballotkit-engine-1");
	bki_hasher_add_str(h, version ? version : "");
	bki_hasher_add_str(h, v && v->identifier ? v->identifier : voice);
	static const char *const files[] = {"phontab", "phonindex", "phondata",
	                                    "intonations", "en_dict"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		hash_file(h, data_dir ? data_dir : "", files[i]);
	bki_buf name = {0};
	if (v && v->languages) {
		size_t n = strcspn(v->languages, "-");
		bki_buf_printf(&name, "%.*s_dict", (int)n, v->languages);
		hash_file(h, data_dir ? data_dir : "", bki_buf_str(&name));
		bki_buf_truncate(&name, 0);
	}
	if (v && v->identifier) {
		bki_buf_printf(&name, "lang/%s", v->identifier);
		hash_file(h, data_dir ? data_dir : "", bki_buf_str(&name));
	}
	bki_buf_free(&name);
	bki_hasher_done(h, r.identity);
	snprintf(r.version, sizeof r.version, "%s", version ? version : "");

	/* the children write their samples here; the zygote sends them on */
	size_t region = sizeof(size_t) + MAX_SAMPLES * sizeof(int16_t);
	void *shm = mmap(NULL, region, PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		r.status = Z_MEMORY;
		send_all(fd, &r, sizeof r);
		_exit(1);
	}
	if (!send_all(fd, &r, sizeof r))
		_exit(1);

	char *text = malloc(MAX_TEXT + 1);
	if (!text)
		_exit(1);
	for (;;) {
		uint32_t len;
		if (!recv_all(fd, &len, sizeof len, -1) || len > MAX_TEXT ||
		    !recv_all(fd, text, len, -1))
			break;
		text[len] = '\0';
		pid_t c = fork();
		if (c == 0) {
			alarm(CLIP_TIMEOUT);
			child_buf = (int16_t *)((char *)shm + sizeof(size_t));
			child_n = 0;
			espeak_ERROR e = espeak_Synth(text, len + 1, 0, POS_CHARACTER,
			                              0, espeakCHARS_AUTO |
			                                 espeakPHONEMES |
			                                 espeakENDPAUSE,
			                              NULL, NULL);
			if (e == EE_OK)
				e = espeak_Synchronize();
			memcpy(shm, &child_n, sizeof child_n);
			_exit(e != EE_OK ? 3 : child_overflow ? 4 : 0);
		}
		int st = 0;
		int32_t code;
		if (c < 0) {
			code = 2;
		} else {
			pid_t w;
			while ((w = waitpid(c, &st, 0)) < 0 && errno == EINTR)
				;
			code = w != c ? 2
			       : WIFEXITED(st) ? WEXITSTATUS(st)
			       : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		}
		size_t n = 0;
		if (code == 0)
			memcpy(&n, shm, sizeof n);
		uint32_t n32 = (uint32_t)n;
		if (!send_all(fd, &code, sizeof code) ||
		    !send_all(fd, &n32, sizeof n32) ||
		    (n && !send_all(fd, (char *)shm + sizeof(size_t),
		                    n * sizeof(int16_t))))
			break;
	}
	free(text);
	_exit(0);
}

/* ---- the library side -------------------------------------------------- */

static const char *zygote_failure(int32_t status)
{
	switch (status) {
	case Z_INIT: return "eSpeak NG cannot be initialised (is espeak-ng-data installed?)";
	case Z_VOICE: return "eSpeak NG has no such voice";
	case Z_MEMORY: return "no memory for the clip buffer";
	case Z_GONE: return "its helper process stopped answering";
	default: return "the speech helper process did not start";
	}
}

/* Opens ballotkit-speech-helper, the program a helper executes when the
 * caller did not call bk_speech_helper_entry: $BALLOTKIT_SPEECH_HELPER
 * when set, else the installed one, else the build folder's. Returns the
 * file (close-on-exec), or -1 after a diagnostic naming what was tried. */
static int open_helper_program(bk_diags *diags)
{
	const char *env = getenv("BALLOTKIT_SPEECH_HELPER");
	const char *paths[] = {env, BK_SPEECH_HELPER_INSTALLED,
	                       BK_SPEECH_HELPER_BUILD};
	size_t n = env && *env ? 1 : sizeof paths / sizeof *paths;
	bki_buf tried = {0};
	for (size_t i = 0; i < n; i++) {
		if (!paths[i] || !*paths[i])
			continue;
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			bki_buf_free(&tried);
			return fd;
		}
		bki_buf_printf(&tried, "%s%s (%s)", tried.len ? ", " : "",
		              paths[i], strerror(errno));
	}
	bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
	             "cannot start the speech helper: no ballotkit-speech-helper "
	             "program (tried %s); install ballotkit, set "
	             "BALLOTKIT_SPEECH_HELPER, or call bk_speech_helper_entry "
	             "first in main", tried.len ? bki_buf_str(&tried) : "nothing");
	bki_buf_free(&tried);
	return -1;
}

/* In the forked child: keeps only the socket (as HELPER_FD), the program
 * to execute (as HELPER_EXE_FD) and the standard streams, resets the
 * signal state, and executes the program with HELPER_ARG. Only when the
 * program is the caller's own (own_file) and cannot be executed does
 * this copy serve as the zygote itself; a separate helper program that
 * cannot be executed is a helper that did not start. Never returns. */
static void exec_helper(int sock, int exe_file, bool own_file)
{
	/* the caller's other files and pipes must not stay open in the helper */
	int exe = fcntl(exe_file, F_DUPFD_CLOEXEC, 10);
	if (sock != HELPER_FD && dup2(sock, HELPER_FD) < 0)
		_exit(1);
	if (exe >= 0 && (dup2(exe, HELPER_EXE_FD) < 0 ||
	                 fcntl(HELPER_EXE_FD, F_SETFD, FD_CLOEXEC) < 0))
		exe = -1;
	int keep = exe >= 0 ? HELPER_EXE_FD + 1 : HELPER_FD + 1;
	if (close_range((unsigned)keep, ~0u, 0) != 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long k = keep; k < (max > 0 && max < 65536 ? max : 65536); k++)
			close((int)k);
	}
	/* the caller's signal state must not stop the helper reaping its
	 * children or timing them out */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (exe >= 0) {
		char arg0[] = "ballotkit", arg0_helper[] = "ballotkit-speech-helper";
		char arg1[] = HELPER_ARG;
		char *args[] = {own_file ? arg0 : arg0_helper, arg1, NULL};
		fexecve(HELPER_EXE_FD, args, environ);
		close(HELPER_EXE_FD);
	}
	if (!own_file)
		_exit(1);
	/* could not: this copy is the zygote, as before the entry existed */
	zygote_main(HELPER_FD);
}

static bk_status start_zygote(bk_speech *sp, int lang, bk_diags *diags)
{
	zygote *z = &sp->z[lang];
	if (z->fd >= 0)
		return BK_OK;
	const char *voice = bki_templates_voice(sp->tpl, lang);
	if (z->failed || !voice) {
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
		             "the voice \"%s\" for %s cannot be used: %s",
		             voice ? voice : "", bki_lang_codes[lang],
		             zygote_failure(z->failure));
		return BK_ERR_NOTFOUND;
	}
	zconfig cf = {ZCONFIG_MAGIC, sp->opt.rate, sp->opt.pitch, sp->opt.volume,
	              sp->opt.word_gap, {0}};
	if (strlen(voice) >= sizeof cf.voice) {
		z->failed = true;
		z->failure = Z_VOICE;
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
		             "the voice \"%s\" for %s cannot be used: %s", voice,
		             bki_lang_codes[lang], zygote_failure(Z_VOICE));
		return BK_ERR_NOTFOUND;
	}
	memcpy(cf.voice, voice, strlen(voice));
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
		             "cannot start the speech helper: %s", strerror(errno));
		return BK_ERR_IO;
	}
	int exe = helper_exe;
	if (exe < 0 && (exe = open_helper_program(diags)) < 0) {
		close(sv[0]);
		close(sv[1]);
		return BK_ERR_NOTFOUND;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exec_helper(sv[1], exe, exe == helper_exe);
	if (exe != helper_exe)
		close(exe);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
		             "cannot start the speech helper: %s", strerror(e));
		return BK_ERR_IO;
	}
	close(sv[1]);
	ready r = {-1, {0}, {0}};
	if (!send_all(sv[0], &cf, sizeof cf) ||
	    !recv_all(sv[0], &r, sizeof r, 60000) || r.status != Z_OK) {
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, "",
		             "the voice \"%s\" for %s cannot be used: %s", voice,
		             bki_lang_codes[lang],
		             zygote_failure(r.status));
		close(sv[0]);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		z->failed = true;
		z->failure = r.status;
		return BK_ERR_NOTFOUND;
	}
	z->pid = pid;
	z->fd = sv[0];
	memcpy(z->identity, r.identity, sizeof r.identity);
	memcpy(z->version, r.version, sizeof z->version);
	z->version[sizeof z->version - 1] = '\0';
	return BK_OK;
}

void bk_speech_helper_entry(int argc, char **argv)
{
	if (argc == 2 && argv && argv[1] && !strcmp(argv[1], HELPER_ARG)) {
		int type = 0;
		socklen_t len = sizeof type;
		if (getsockopt(HELPER_FD, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
		    type != SOCK_STREAM)
			_exit(1); /* not started by bk_speech_create */
		zygote_main(HELPER_FD);
	}
	if (helper_exe < 0)
		helper_exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
}

/* Forgets the texts asked ahead (their clips are in the cache). */
static void queue_clear(zygote *z)
{
	for (size_t i = 0; i < z->nq; i++) {
		free(z->q[i].s);
		bki_buf_free(&z->q[i].material);
	}
	z->nq = 0;
}

/* Closing the socket ends a helper; one that stopped answering is
 * killed first. */
static void stop_zygote(zygote *z, bool kill_it)
{
	if (z->fd < 0)
		return;
	close(z->fd);
	z->fd = -1;
	if (kill_it)
		kill(z->pid, SIGKILL);
	while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static_assert(offsetof(bk_speech_options, version) == 0,
              "bki_options_take reads the version first");

bk_status bk_speech_create(bk_speech **out, const bk_templates *tpl,
                           const bk_speech_options *opt, bk_diags *diags)
{
	if (!out || !tpl)
		return BK_ERR_USAGE;
	*out = NULL;
	bk_speech_options o = BK_SPEECH_OPTIONS_INIT;
	if (!bki_options_take(&o, opt, sizeof o, BK_SPEECH_OPTIONS_VERSION,
	                      "bk_speech_options", diags))
		return BK_ERR_USAGE;
	struct {
		const char *name;
		int v, lo, hi;
	} r[] = {{"rate (words per minute)", o.rate, BK_SPEECH_RATE_MIN,
	          BK_SPEECH_RATE_MAX},
	         {"pitch", o.pitch, 0, BK_SPEECH_PITCH_MAX},
	         {"volume", o.volume, 0, BK_SPEECH_VOLUME_MAX},
	         {"word gap (10 ms units)", o.word_gap, 0,
	          BK_SPEECH_WORD_GAP_MAX}};
	for (size_t i = 0; i < sizeof r / sizeof *r; i++)
		if (r[i].v < r[i].lo || r[i].v > r[i].hi) {
			bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
			             "the speech %s must be %d to %d, not %d",
			             r[i].name, r[i].lo, r[i].hi, r[i].v);
			return BK_ERR_USAGE;
		}
	if (o.cache_dir) {
		if (bki_mkdirs(o.cache_dir) != 0) {
			bki_diags_add(diags, BK_ERROR, "unwritable", o.cache_dir, 0, 0,
			             "", "cannot make the cache folder: %s",
			             strerror(errno));
			return BK_ERR_IO;
		}
	}
	/* the shape of every create function (see bk_audio_create) */
	bk_speech *sp = bki_calloc(1, sizeof *sp);
	if (!sp)
		return bki_diags_nomem(diags, "", "", "starting speech");
	sp->tpl = tpl;
	sp->opt = o;
	sp->owner = getpid();
	sp->opt.cache_dir = NULL; /* not kept: the caller's string */
	for (int l = 0; l < BK_LANG_COUNT; l++)
		sp->z[l].fd = -1;
	sp->cache = bki_cache_new(o.cache_dir, "clips",
	                         o.memory_cache ? o.memory_cache : 16u << 20);
	if (!sp->cache) {
		bk_speech_free(sp);
		return bki_diags_nomem(diags, "", "", "starting speech");
	}
	/* the helpers start now, while the caller is small: every clip's fork
	 * copies the helper's page tables, and a helper forked after a
	 * national definition was loaded would carry it */
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		bk_diags *quiet = bk_diags_create();
		start_zygote(sp, l, quiet);
		bk_diags_free(quiet);
	}
	*out = sp;
	return BK_OK;
}

void bk_speech_free(bk_speech *sp)
{
	if (!sp)
		return;
	for (int l = 0; l < BK_LANG_COUNT; l++) {
		queue_clear(&sp->z[l]);
		if (getpid() != sp->owner)
			close(sp->z[l].fd); /* a forked copy: the helpers are not its */
		else
			stop_zygote(&sp->z[l], false);
	}
	bki_cache_free(sp->cache);
	free(sp);
}

const char *bk_speech_engine_version(void)
{
	/* espeak_Info only reports the version compiled into the library; it
	 * needs no initialisation and touches no synthesis state */
	const char *v = espeak_Info(NULL);
	return v ? v : "";
}

size_t bk_speech_synthesised(const bk_speech *sp) { return sp->synthesised; }
size_t bk_speech_cache_hits(const bk_speech *sp) { return sp->hits; }
size_t bk_speech_cache_discarded(const bk_speech *sp)
{
	return sp ? bki_cache_discarded(sp->cache) : 0;
}

/* ---- normalisation ----------------------------------------------------- */

static bool is_blank(uint32_t cp)
{
	return cp == ' ' || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* Characters the engine must never see: controls and invisible format
 * characters, and symbols that switch eSpeak NG's modes or are read aloud
 * as words ([[ ]] is phoneme input; < > would be markup). */
static bool is_dropped(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	       (cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0xFEFF || cp == 0xFFFD || (cp < 0x80 && strchr("[]{}<>\\|_*#@~^`$%&=+", (int)cp));
}

static bool is_stop(char c) { return c == '.' || c == '!' || c == '?'; }
static bool is_mark(char c) { return is_stop(c) || c == ',' || c == ':' || c == ';'; }

/* Step 1: the templates' replacements, in order. Returns a new string,
 * NULL when memory runs out. */
static char *replace_all(const bk_speech *sp, int lang, const char *text)
{
	char *cur = bki_strdup(text);
	for (size_t i = 0; cur && i < bki_templates_replacement_count(sp->tpl, lang);
	     i++) {
		const char *to;
		const char *from = bki_templates_replacement(sp->tpl, lang, i, &to);
		if (!strstr(cur, from))
			continue;
		bki_buf b = {0};
		size_t fl = strlen(from);
		for (const char *p = cur;;) {
			const char *hit = strstr(p, from);
			if (!hit) {
				bki_buf_add(&b, p);
				break;
			}
			bki_buf_addn(&b, p, (size_t)(hit - p));
			bki_buf_add(&b, to);
			p = hit + fl;
		}
		free(cur);
		cur = bki_buf_steal(&b);
	}
	return cur;
}

/* Step 2: characters: blanks to spaces, dashes between words to commas,
 * dropped characters to spaces, into b; the words with Latin letters are
 * noted in latin, separated by ", ". */
static void map_characters(const char *cur, bki_buf *b, bki_buf *latin)
{
	size_t len = strlen(cur);
	bool in_word = false, word_latin = false;
	size_t word_start = 0;
	for (size_t i = 0; i <= len;) {
		uint32_t cp = 0;
		size_t k = i < len ? bki_utf8_decode(cur + i, len - i, &cp) : 1;
		bool letter = i < len && (bki_cp_is_latin_letter(cp) ||
		                          bki_cp_is_cyrillic_letter(cp));
		if (letter && !in_word) {
			in_word = true;
			word_latin = false;
			word_start = b->len;
		}
		if (letter && bki_cp_is_latin_letter(cp))
			word_latin = true;
		if (!letter && in_word && word_latin) {
			if (latin->len)
				bki_buf_add(latin, ", ");
			bki_buf_addn(latin, b->data + word_start, b->len - word_start);
		}
		if (!letter)
			in_word = false;
		if (i >= len)
			break;
		if (is_blank(cp) || is_dropped(cp))
			bki_buf_addc(b, ' ');
		else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2015 || cp == 0x2212)
			bki_buf_add(b, ", ");
		else if (cp == 0x2026)
			bki_buf_addc(b, '.');
		else
			bki_buf_addn(b, cur + i, k);
		i += k;
	}
}

/* Step 3: blanks collapsed, no blank before a mark, one mark where several
 * stand together ("..", ". ,": text ending in ".." can make eSpeak NG read
 * stray memory), none at the start, none at the end. Appends to c. */
static void tidy_marks(const bki_buf *b, bki_buf *c)
{
	for (size_t i = 0; i < b->len; i++) {
		char ch = b->data[i];
		if (ch == ' ') {
			if (c->len && c->data[c->len - 1] != ' ')
				bki_buf_addc(c, ' ');
			continue;
		}
		if (is_mark(ch)) {
			while (c->len && c->data[c->len - 1] == ' ')
				bki_buf_truncate(c, c->len - 1);
			if (!c->len)
				continue;
			char prev = c->data[c->len - 1];
			/* of several marks, keep the stronger: a full stop over a
			 * comma */
			if (is_mark(prev) && is_stop(ch) && !is_stop(prev))
				c->data[c->len - 1] = ch;
			if (is_mark(prev))
				continue;
		}
		bki_buf_addc(c, ch);
	}
	while (c->len && c->data[c->len - 1] == ' ')
		bki_buf_truncate(c, c->len - 1);
}

/* Step 4: a sentence ends with a stop. */
static void end_with_stop(bki_buf *c)
{
	if (c->len && is_mark(c->data[c->len - 1]) && !is_stop(c->data[c->len - 1]))
		c->data[c->len - 1] = '.';
	else if (c->len && !is_stop(c->data[c->len - 1]))
		bki_buf_addc(c, '.');
}

/* Whether the text has anything the voice reads: not only marks, blanks,
 * hyphens, apostrophes and brackets. */
static bool readable(const bki_buf *c)
{
	for (size_t i = 0; i < c->len; i++)
		if (!(is_mark(c->data[i]) || c->data[i] == ' ' ||
		      c->data[i] == '-' || c->data[i] == '\'' ||
		      c->data[i] == '(' || c->data[i] == ')'))
			return true;
	return false;
}

bk_status bk_speech_normalise(const bk_speech *sp, const char *lang_code,
                              const char *text, const char *where,
                              char **out, bk_diags *diags)
{
	if (!sp || !lang_code || !text || !out)
		return BK_ERR_USAGE;
	*out = NULL;
	const char *at = where ? where : "";
	int lang = bki_lang_index(lang_code);
	if (lang < 0) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, at,
		             "no voice for the language \"%s\"", lang_code);
		return BK_ERR_NOTFOUND;
	}
	size_t n = strlen(text);
	if (bki_utf8_valid_prefix(text, n) != n) {
		bki_diags_add(diags, BK_ERROR, "utf8", "", 0, 0, at,
		             "the text to speak is not valid UTF-8");
		return BK_ERR_INVALID;
	}
	char *replaced = replace_all(sp, lang, text);
	bki_buf mapped = {0}, latin = {0}, c = {0};
	if (replaced)
		map_characters(replaced, &mapped, &latin);
	free(replaced);
	tidy_marks(&mapped, &c);
	bool failed = !replaced || bki_buf_failed(&mapped);
	bki_buf_free(&mapped);
	end_with_stop(&c);
	bk_status st = BK_ERR_INVALID;
	if (failed || bki_buf_failed(&c) || bki_buf_failed(&latin)) {
		st = bki_diags_nomem(diags, "", at, "preparing a text to speak");
		goto out;
	}
	if (!readable(&c)) {
		bki_diags_add(diags, BK_ERROR, "nothing-to-speak", "", 0, 0, at,
		             "the text \"%s\" has nothing the voice can read", text);
		goto out;
	}
	if (c.len > MAX_TEXT) {
		bki_diags_add(diags, BK_ERROR, "too-long", "", 0, 0, at,
		             "a sentence to speak is %zu bytes long; at most %d "
		             "fit in one clip", c.len, MAX_TEXT);
		goto out;
	}
	if (latin.len)
		bki_diags_add(diags, BK_WARNING, "latin-in-speech", "", 0, 0, at,
		             "the %s voice will read \"%s\" with English rules: "
		             "give the name a pronunciation in %s",
		             lang_code, bki_buf_str(&latin), lang_code);
	*out = bki_buf_steal(&c);
	st = *out ? BK_OK
	          : bki_diags_nomem(diags, "", at, "preparing a text to speak");
out:
	bki_buf_free(&c);
	bki_buf_free(&latin);
	return st;
}

/* ---- clips ------------------------------------------------------------- */

static bk_status lang_of(const bk_speech *sp, const char *code, int *lang,
                         bk_diags *diags)
{
	*lang = code ? bki_lang_index(code) : -1;
	if (*lang < 0 || !bki_templates_voice(sp->tpl, *lang)) {
		bki_diags_add(diags, BK_ERROR, "not-found", "", 0, 0, "",
		             "no voice for the language \"%s\"", code ? code : "");
		return BK_ERR_NOTFOUND;
	}
	return BK_OK;
}

/* A clip's cache key: everything its samples depend on (docs/audio.md,
 * "Identity and cache"), into material (emptied first), and its digest. */
static bk_status clip_key(bk_speech *sp, int lang, const char *text,
                          bki_buf *material, unsigned char key[BK_SHA256_SIZE],
                          bk_diags *diags)
{
	if (getpid() != sp->owner) {
		/* its helpers' sockets are shared with the process it was made
		 * in: requests from both would interleave */
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "a speech object was used in a process forked after it "
		             "was made; make one in each worker process");
		return BK_ERR_USAGE;
	}
	bk_status st = start_zygote(sp, lang, diags);
	if (st != BK_OK)
		return st;
	bki_buf_truncate(material, 0);
	bki_cache_key_str(material, "cache", "ballotkit speech clip 2");
	bki_cache_key_str(material, "espeak-ng", sp->z[lang].version);
	bki_cache_key_hex(material, "engine", sp->z[lang].identity,
	                 BK_SHA256_SIZE);
	bki_cache_key_str(material, "voice", bki_templates_voice(sp->tpl, lang));
	bki_cache_key_int(material, "rate", sp->opt.rate);
	bki_cache_key_int(material, "pitch", sp->opt.pitch);
	bki_cache_key_int(material, "volume", sp->opt.volume);
	bki_cache_key_int(material, "word-gap", sp->opt.word_gap);
	bki_cache_key_str(material, "text", text);
	if (bki_buf_failed(material))
		return bki_diags_nomem(diags, "", "", "making a clip's key");
	bki_cache_key_digest(material, key);
	return BK_OK;
}

bk_status bk_speech_clip_key(bk_speech *sp, const char *lang_code,
                             const char *text, char hex[65], bk_diags *diags)
{
	if (!sp || !text || !hex)
		return BK_ERR_USAGE;
	int lang;
	bk_status st = lang_of(sp, lang_code, &lang, diags);
	unsigned char key[BK_SHA256_SIZE];
	bki_buf material = {0};
	if (st == BK_OK)
		st = clip_key(sp, lang, text, &material, key, diags);
	bki_buf_free(&material);
	if (st != BK_OK)
		return st;
	bki_hex(key, BK_SHA256_SIZE, hex);
	return BK_OK;
}

/* ---- clips: asked, answered, cached ------------------------------------ */

/* Samples stored little-endian, whatever the machine; NULL when memory
 * runs out. */
static int16_t *from_le(const bki_buf *b, size_t *count)
{
	size_t n = b->len / 2;
	int16_t *s = bki_calloc(n, sizeof *s);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		s[i] = (int16_t)((unsigned char)b->data[2 * i] |
		                 (unsigned char)b->data[2 * i + 1] << 8);
	*count = n;
	return s;
}

static size_t queue_find(const zygote *z, const unsigned char *key)
{
	for (size_t i = 0; i < z->nq; i++)
		if (!memcmp(z->q[i].key, key, BK_SHA256_SIZE))
			return i;
	return (size_t)-1;
}

static bool queue_waiting(const zygote *z)
{
	for (size_t i = 0; i < z->nq; i++)
		if (!z->q[i].ready)
			return true;
	return false;
}

/* Sends a text to the zygote and queues it; false when the zygote cannot
 * be reached or the queue is full. */
static bool ask(zygote *z, const unsigned char *key, const bki_buf *material,
                const char *text, size_t len)
{
	if (z->fd < 0 || z->nq == QUEUE)
		return false;
	uint32_t l32 = (uint32_t)len;
	if (!send_all(z->fd, &l32, sizeof l32) || !send_all(z->fd, text, len))
		return false;
	asked *a = &z->q[z->nq++];
	memset(a, 0, sizeof *a);
	memcpy(a->key, key, BK_SHA256_SIZE);
	bki_buf_addn(&a->material, material->data, material->len);
	return true; /* (a failed material is neither found nor stored) */
}

/* Reads the zygote's next answer into the first text still waiting for
 * one, and puts a good clip in the cache. False when the zygote stopped
 * answering. */
static bool answer_next(bk_speech *sp, int lang, bk_diags *diags)
{
	zygote *z = &sp->z[lang];
	asked *a = NULL;
	for (size_t i = 0; i < z->nq && !a; i++)
		if (!z->q[i].ready)
			a = &z->q[i];
	if (!a || z->fd < 0)
		return false;
	int32_t code = -1;
	uint32_t n = 0;
	bool ok = recv_all(z->fd, &code, sizeof code,
	                   (CLIP_TIMEOUT + 10) * 1000) &&
	          recv_all(z->fd, &n, sizeof n, 10000) && n <= MAX_SAMPLES;
	int16_t *s = NULL;
	if (ok && n) {
		s = bki_calloc(n, sizeof *s);
		if (!s)
			sp->nomem = true;
		ok = s && recv_all(z->fd, s, (size_t)n * sizeof *s, 10000);
	}
	if (!ok) {
		free(s);
		return false;
	}
	a->ready = true;
	a->code = code;
	a->s = s;
	a->n = n;
	if (code != 0 || n == 0)
		return true;
	sp->synthesised++;
	unsigned char *le = bki_malloc((size_t)n * 2);
	if (!le)
		return true; /* not cached: a cache may forget */
	for (size_t i = 0; i < n; i++) {
		le[2 * i] = (unsigned char)((uint16_t)s[i] & 0xFF);
		le[2 * i + 1] = (unsigned char)((uint16_t)s[i] >> 8);
	}
	if (bki_cache_put(sp->cache, &a->material, le, (size_t)n * 2) != 0 &&
	    !sp->warned_cache) {
		sp->warned_cache = true;
		bki_diags_add(diags, BK_WARNING, "cache", "", 0, 0, "",
		             "a clip could not be written to the cache on disk: %s "
		             "(the build goes on without it)", strerror(errno));
	}
	free(le);
	return true;
}

static bk_status helper_gone(bk_speech *sp, int lang, const char *lang_code,
                             const char *text, const char *where,
                             bk_diags *diags)
{
	zygote *z = &sp->z[lang];
	queue_clear(z);
	stop_zygote(z, true);
	z->failed = true;
	z->failure = Z_GONE;
	if (sp->nomem) {
		/* its answer could not be received: the helper is stopped */
		sp->nomem = false;
		return bki_diags_nomem(diags, "", where, "receiving a clip");
	}
	bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, where,
	             "the speech helper for %s stopped answering while it "
	             "spoke \"%s\"", lang_code, text);
	return BK_ERR_IO;
}

bk_status bk_speech_clip(bk_speech *sp, const char *lang_code,
                         const char *text, const char *where,
                         int16_t **samples, size_t *count, bk_diags *diags)
{
	where = where ? where : "";
	if (!sp || !text || !samples || !count)
		return BK_ERR_USAGE;
	*samples = NULL;
	*count = 0;
	int lang;
	bk_status st = lang_of(sp, lang_code, &lang, diags);
	if (st != BK_OK)
		return st;
	size_t len = strlen(text);
	if (len > MAX_TEXT) {
		bki_diags_add(diags, BK_ERROR, "too-long", "", 0, 0, where,
		             "a text to speak is at most %d bytes", MAX_TEXT);
		return BK_ERR_INVALID;
	}
	unsigned char key[BK_SHA256_SIZE];
	bki_buf material = {0};
	st = clip_key(sp, lang, text, &material, key, diags);
	if (st != BK_OK) {
		bki_buf_free(&material);
		return st;
	}
	zygote *z = &sp->z[lang];
	size_t at = queue_find(z, key);
	bki_buf got = {0};
	if (at == (size_t)-1 && bki_cache_get(sp->cache, &material, &got) &&
	    got.len % 2 == 0) {
		*samples = from_le(&got, count);
		bki_buf_free(&got);
		bki_buf_free(&material);
		if (!*samples)
			return bki_diags_nomem(diags, "", where, "reading a clip");
		sp->hits++;
		return BK_OK;
	}
	bki_buf_free(&got);
	if (at == (size_t)-1) {
		/* answers to what was asked before come first; they stay in
		 * the cache */
		bool ok = true;
		while (ok && queue_waiting(z))
			ok = answer_next(sp, lang, diags);
		if (ok) {
			queue_clear(z);
			ok = ask(z, key, &material, text, len);
		}
		if (!ok) {
			bki_buf_free(&material);
			return helper_gone(sp, lang, lang_code, text, where, diags);
		}
		at = 0;
	}
	bki_buf_free(&material);
	while (!z->q[at].ready)
		if (!answer_next(sp, lang, diags))
			return helper_gone(sp, lang, lang_code, text, where, diags);
	asked a = z->q[at];
	bki_buf_free(&a.material);
	memmove(z->q + at, z->q + at + 1, (z->nq - at - 1) * sizeof *z->q);
	z->nq--;
	if (a.from_cache) {
		sp->hits++;
	} else if (a.code != 0 || a.n == 0) {
		free(a.s);
		bki_diags_add(diags, BK_ERROR, "speech", "", 0, 0, where,
		             "eSpeak NG could not speak \"%s\" (%s %d)", text,
		             a.code >= 128 ? "signal" : "status",
		             a.code >= 128 ? a.code - 128 : a.code);
		return BK_ERR_INVALID;
	}
	*samples = a.s;
	*count = a.n;
	return BK_OK;
}

void bk_speech_prefetch(bk_speech *sp, const char *lang_code, const char *text)
{
	int lang = lang_code ? bki_lang_index(lang_code) : -1;
	if (!sp || !text || lang < 0 || !bki_templates_voice(sp->tpl, lang) ||
	    getpid() != sp->owner || strlen(text) > MAX_TEXT)
		return;
	zygote *z = &sp->z[lang];
	unsigned char key[BK_SHA256_SIZE];
	bki_buf material = {0};
	if (z->fd < 0 || z->nq == QUEUE ||
	    clip_key(sp, lang, text, &material, key, NULL) ||
	    queue_find(z, key) != (size_t)-1) {
		bki_buf_free(&material);
		return;
	}
	bki_buf got = {0};
	if (bki_cache_get(sp->cache, &material, &got) && got.len % 2 == 0) {
		asked *a = &z->q[z->nq++];
		memset(a, 0, sizeof *a);
		memcpy(a->key, key, sizeof key);
		a->ready = a->from_cache = true;
		a->s = from_le(&got, &a->n);
		if (!a->s)
			z->nq--; /* no memory: the clip will ask again */
	} else if (!ask(z, key, &material, text, strlen(text))) {
		/* clip reports it */
		queue_clear(z);
		stop_zygote(z, true);
		z->failed = true;
		z->failure = Z_GONE;
	}
	bki_buf_free(&got);
	bki_buf_free(&material);
}

/* The samples of bk_speech_write_wav. The job and render function have
 * bki_render_fn's shape, like pages.c's save_render: paired by a
 * duplicate-code finder, different bodies; it stays. */
typedef struct wav_job {
	const int16_t *samples;
	size_t count;
} wav_job;

/* The WAV is made in memory (libsndfile seeks back to finish its header)
 * and handed to write whole. */
static bk_status wav_render(void *ctx, bk_write_fn write, void *arg,
                            const char *name, bk_diags *diags)
{
	const wav_job *j = ctx;
	SF_INFO info = {0};
	info.samplerate = BK_SPEECH_RATE;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	bki_buf wav = {0};
	bki_sf_memory m;
	SNDFILE *f = bki_sf_open_memory(&m, &wav, &info);
	bool ok = f && sf_write_short(f, j->samples, (sf_count_t)j->count) ==
	                       (sf_count_t)j->count;
	if (f)
		ok &= sf_close(f) == 0;
	if (bki_buf_failed(&wav)) {
		bki_buf_free(&wav);
		return bki_diags_nomem(diags, name, "", "writing the WAV");
	}
	if (!ok) {
		bki_buf_free(&wav);
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cannot write: libsndfile failed");
		return BK_ERR_IO;
	}
	bki_sink out = {write, arg, BK_OK};
	ok = bki_sink_write(&out, wav.data, wav.len);
	bki_buf_free(&wav);
	return ok ? BK_OK : bki_sink_failed(&out, name, "the WAV", BK_ERR_IO, diags);
}

bk_status bk_speech_write_wav(const int16_t *samples, size_t count,
                              const char *path, bk_diags *diags)
{
	if (!samples || !path)
		return BK_ERR_USAGE;
	wav_job j = {samples, count};
	return bki_write_atomic(path, wav_render, &j, diags);
}

bk_status bk_speech_write_wav_to(const int16_t *samples, size_t count,
                                 bk_write_fn write, void *arg,
                                 bk_diags *diags)
{
	if (!samples || !write)
		return BK_ERR_USAGE;
	wav_job j = {samples, count};
	return wav_render(&j, write, arg, "", diags);
}
