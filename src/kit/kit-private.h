/* Private to the kit stage: files, folders and manifests. */
#ifndef BK_KIT_PRIVATE_H
#define BK_KIT_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>

#include "ballotkit/kit.h"
#include "ballotkit/verify.h"
#include "util/cache.h"
#include "util/util.h"

#define BK_KIT_MANIFEST "manifest.json"
#define BK_KIT_SUMS "SHA256SUMS"
#define BK_KIT_TMP_PREFIX ".bk-tmp-"

/* A list of relative file paths under a folder, sorted by bytes (not by
 * the locale), folders walked recursively; names starting with "." are
 * left out when skip_hidden. Free with bk_kit_paths_free. */
typedef struct bk_kit_paths {
	char **v;
	size_t n, cap;
} bk_kit_paths;
int bk_kit_list_files(const char *dir, bool skip_hidden, bk_kit_paths *out);
void bk_kit_paths_free(bk_kit_paths *p);

/* SHA-256 of a file's bytes and its size; -1 with errno when unreadable. */
int bk_kit_hash_file(const char *path, unsigned char out[BK_SHA256_SIZE],
                     unsigned long long *size);

/* Removes a folder and everything in it; 0, or -1 with errno. */
int bk_kit_remove_tree(const char *path);

/* Writes a JSON value to path (2-space indent, keys in insertion order, a
 * final newline), under a temporary name renamed into place. */
int bk_kit_write_json(const json_t *v, const char *path);

/* Reads and parses a JSON file; NULL with a diagnostic naming it. */
json_t *bk_kit_read_json(const char *path, bk_diags *diags);

/* Puts the folder tmp into place as dst, replacing an older dst (swapped
 * atomically, then removed): a reader sees the old kit or the new one,
 * never a mix. Waits for tmp's files to reach the disk first (syncfs) and
 * for the rename after. 0, or -1 with errno. */
int bk_kit_install(const char *tmp, const char *dst);

/* A JSON object's string member, or "" when it is not one. */
const char *bk_kit_str(const json_t *o, const char *key);

#endif
