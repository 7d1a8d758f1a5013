/* Private to the kit stage: files, folders and manifests. */
#ifndef BK_KIT_PRIVATE_H
#define BK_KIT_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ballotkit/kit.h"
#include "ballotkit/script.h"
#include "ballotkit/verify.h"
#include "util/cache.h"
#include "util/util.h"

#define BK_KIT_MANIFEST "manifest.json"
#define BK_KIT_SUMS "SHA256SUMS"
#define BK_KIT_TMP_PREFIX ".bk-tmp-"
/* The folder of an output folder that holds the kits, one folder per
 * ballot: nothing else build writes is in it, so no ballot id can ever
 * take the name of a file or folder build keeps for itself (packing/,
 * index.json...). docs/kits.md, "Where the kits are". */
#define BK_KIT_KITS BK_KITS_FOLDER
/* The lock file at the top of an output folder (flock, held by build and
 * index while they write). */
#define BK_KIT_LOCK ".bk-lock"

/* A list of relative file paths under a folder, sorted by bytes (not by
 * the locale), folders walked recursively; names starting with "." are
 * left out when skip_hidden. Free with bki_kit_paths_free. */
typedef struct bki_kit_paths {
	char **v;
	size_t n, cap;
} bki_kit_paths;
int bki_kit_list_files(const char *dir, bool skip_hidden, bki_kit_paths *out);
/* Appends s (taken over) to p; false (errno ENOMEM, s freed) when s is
 * NULL or memory runs out. */
bool bki_kit_paths_add(bki_kit_paths *p, char *s);
void bki_kit_paths_free(bki_kit_paths *p);

/* SHA-256 of a file's bytes and its size; -1 with errno when unreadable. */
int bki_kit_hash_file(const char *path, unsigned char out[BK_SHA256_SIZE],
                     unsigned long long *size);

/* The folder of the kit named kit in the output folder dir:
 * "dir/kits/kit"; with kit NULL the folder of all kits, "dir/kits".
 * malloc'd. Every join of an output folder and a kit name goes through
 * here. */
char *bki_kit_folder(const char *dir, const char *kit);

/* Writes a JSON value to path (2-space indent, keys in insertion order, a
 * final newline), under a temporary name renamed into place; _at writes
 * the entry name of the folder handle at. 0, or -1 with errno. */
int bki_kit_write_json(const json_t *v, const char *path);
int bki_kit_write_json_at(const json_t *v, int at, const char *name);

/* Puts the folder tmp into place as name, both entries of the folder
 * handle kits, replacing an older one (swapped atomically with
 * renameat2(RENAME_EXCHANGE), then removed without following links): a
 * reader sees the old kit or the new one, never a mix. Waits for tmp's
 * files to reach the disk first (syncfs) and for the rename after.
 * 0, or -1 with errno. */
int bki_kit_install_at(int kits, const char *tmp, const char *name);

/* Takes the lock of the output folder dir, whose handle is root
 * (dir/.bk-lock, flock, bki_fs_lock_at). Returns the descriptor that holds
 * it, or -1 with an error in diags: "busy" when another process holds it,
 * "unwritable" naming dir and the system's reason when the lock file
 * cannot be made or opened. */
int bki_kit_lock(int root, const char *dir, bk_diags *diags);

/* Reports, from errno, why the kits folder of the output folder dir could
 * not be made or opened: "cannot write into DIR: <reason>" when DIR
 * cannot be written, else naming DIR/kits. Returns BK_ERR_IO. */
bk_status bki_kit_no_kits_folder(const char *dir, bk_diags *diags);

/* Writes the index of the output folder dir, whose handle is root, from
 * the manifests of its kits: index.json, packing/STATION.txt and
 * print-quantities.csv. The caller holds the lock (bki_kit_lock). */
bk_status bki_kit_index_locked(int root, const char *dir,
                               const bk_templates *tpl, bk_diags *diags);

/* Writes dir/README.txt for whoever receives the kit: in each of the
 * nlangs languages langs, templates/kit/README.LANG.txt with {title},
 * {district}, {election}, {date} and {ballot} filled in from that
 * language's script. BK_ERR_IO naming the template or the README when one
 * cannot be read or written. (readme.c) */
bk_status bki_kit_write_readme(const bk_templates *tpl,
                              const char *const *langs, size_t nlangs,
                              bk_script *const *scripts, const char *dir,
                              bk_diags *diags);

/* ---- the worker pool (pool.c) ---- */

/* A worker's reply for one job, followed on its pipe by msglen bytes of
 * messages. */
typedef struct bki_kit_reply {
	size_t job;             /* the ballot's index */
	int status;             /* bk_status */
	double audio_seconds;
	size_t cache_discarded; /* cache entries discarded while it was built */
	size_t msglen;
	bool log;               /* not the reply: one diagnostic of the job as
	                         * it happened, packed (bki_diag_pack) */
} bki_kit_reply;

/* What the pool's caller does. */
typedef struct bki_kit_pool_ops {
	/* In each worker process, which exits when it returns: takes jobs
	 * with bki_kit_pool_next(in) and answers each with
	 * bki_kit_pool_reply(out). */
	void (*work)(void *arg, int in, int out);
	/* In the caller: the worker pid stopped while it had job. */
	void (*lost)(void *arg, size_t job, pid_t pid);
	/* In the caller: the reply for a job, with its messages ("" when none;
	 * the pool's own when the worker was lost). */
	void (*done)(void *arg, const bki_kit_reply *r, const char *msg);
	/* In the caller: a diagnostic a worker sent with bki_kit_pool_log,
	 * packed in len bytes, before the reply of its job. */
	void (*log)(void *arg, const char *packed, size_t len);
	void *arg;
} bki_kit_pool_ops;

/* Runs the ntodo jobs todo with jobs worker processes (no more than there
 * are jobs), handing them out one at a time in order, and returns when
 * every job handed out has its reply. *handed: how many of todo were
 * handed out (the rest had no worker left to take them). BK_ERR_IO, with
 * the system's reason in diags, when a worker could not be started. */
bk_status bki_kit_pool_run(int jobs, const size_t *todo, size_t ntodo,
                          const bki_kit_pool_ops *ops, size_t *handed,
                          bk_diags *diags);
/* In a worker: the next job; -1 when there is none. */
int bki_kit_pool_next(int in, size_t *job);
/* In a worker: answers a job (msg: r->msglen bytes). 0, or -1 when the
 * caller is gone. */
int bki_kit_pool_reply(int out, const bki_kit_reply *r, const char *msg);
/* In a worker: sends one diagnostic of the job, packed in len bytes
 * (bki_diag_pack), ahead of the reply. 0, or -1 when the caller is gone. */
int bki_kit_pool_log(int out, const char *packed, size_t len);
/* The processors online, at least 1. */
int bki_kit_pool_cores(void);

/* A JSON object's string member, or "" when it is not one. */
const char *bki_kit_str(const json_t *o, const char *key);

#endif
