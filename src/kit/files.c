/* Files and folders of kits: listing in byte order, hashing, removing,
 * writing JSON atomically, swapping a finished kit into place. */
#define _GNU_SOURCE
#include "kit/kit-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/diag-private.h"

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *root, const char *rel, bool skip_hidden,
                bk_kit_paths *out)
{
	bk_buf path = {0};
	bk_buf_printf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(bk_buf_str(&path));
	if (!d) {
		bk_buf_free(&path);
		return -1;
	}
	bk_kit_paths here = {0};
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (skip_hidden && de->d_name[0] == '.')
			continue;
		if (here.n == here.cap) {
			here.cap = here.cap ? 2 * here.cap : 16;
			here.v = bk_xrealloc(here.v, here.cap * sizeof *here.v);
		}
		here.v[here.n++] = bk_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(here.v, here.n, sizeof *here.v, by_bytes);
	int rc = 0;
	for (size_t i = 0; i < here.n && !rc; i++) {
		bk_buf sub = {0}, full = {0};
		bk_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", here.v[i]);
		bk_buf_printf(&full, "%s/%s", bk_buf_str(&path), here.v[i]);
		struct stat st;
		if (lstat(bk_buf_str(&full), &st))
			rc = -1;
		else if (S_ISDIR(st.st_mode))
			rc = walk(root, bk_buf_str(&sub), skip_hidden, out);
		else {
			if (out->n == out->cap) {
				out->cap = out->cap ? 2 * out->cap : 64;
				out->v = bk_xrealloc(out->v, out->cap * sizeof *out->v);
			}
			out->v[out->n++] = bk_buf_steal(&sub);
		}
		bk_buf_free(&sub);
		bk_buf_free(&full);
	}
	bk_kit_paths_free(&here);
	bk_buf_free(&path);
	return rc;
}

int bk_kit_list_files(const char *dir, bool skip_hidden, bk_kit_paths *out)
{
	memset(out, 0, sizeof *out);
	int rc = walk(dir, "", skip_hidden, out);
	/* "a/b" and "a.b": folders are walked in name order, so the whole
	 * list is sorted again by bytes */
	qsort(out->v, out->n, sizeof *out->v, by_bytes);
	return rc;
}

void bk_kit_paths_free(bk_kit_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

int bk_kit_hash_file(const char *path, unsigned char out[BK_SHA256_SIZE],
                     unsigned long long *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	bk_hasher *h = bk_hasher_new();
	static __thread char buf[1 << 16];
	unsigned long long total = 0;
	ssize_t got;
	while ((got = read(fd, buf, sizeof buf)) > 0) {
		bk_hasher_add(h, buf, (size_t)got);
		total += (unsigned long long)got;
	}
	int err = got < 0 ? errno : 0;
	close(fd);
	bk_hasher_done(h, out);
	if (size)
		*size = total;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int bk_kit_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *de;
	int rc = 0;
	bk_buf sub = {0};
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bk_buf_truncate(&sub, 0);
		bk_buf_printf(&sub, "%s/%s", path, de->d_name);
		if (bk_kit_remove_tree(bk_buf_str(&sub)))
			rc = -1;
	}
	closedir(d);
	bk_buf_free(&sub);
	if (rmdir(path))
		rc = -1;
	return rc;
}

int bk_kit_write_json(const json_t *v, const char *path)
{
	bk_atomic a;
	if (bk_atomic_open(&a, path))
		return -1;
	if (json_dumpf(v, a.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                           JSON_REAL_PRECISION(10)) ||
	    fputc('\n', a.f) == EOF) {
		bk_atomic_abort(&a);
		return -1;
	}
	return bk_atomic_commit(&a);
}

json_t *bk_kit_read_json(const char *path, bk_diags *diags)
{
	json_error_t err;
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		bk_diags_add(diags, BK_ERROR, "manifest", path,
		             (unsigned long)(err.line > 0 ? err.line : 0),
		             (unsigned long)(err.column > 0 ? err.column : 0), "",
		             "cannot read: %s", err.text);
	return v;
}

/* Waits for the disk: for the whole file system a folder is on (syncfs), or
 * for the folder's own entries (fsync). */
static int sync_folder(const char *path, bool whole_fs)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = whole_fs ? syncfs(fd) : fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int bk_kit_install(const char *tmp, const char *dst)
{
	/* the kit's files were written without waiting for the disk one by
	 * one (bk_atomic_defer_sync): one syncfs makes them all durable before
	 * the kit is renamed into place, so a crash never leaves a kit in
	 * place whose files did not reach the disk */
	if (sync_folder(tmp, true))
		return -1;
	bool swapped = false;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)) {
		if (errno != EEXIST && errno != ENOTEMPTY)
			return -1;
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE))
			return -1;
		swapped = true;
	}
	/* and the rename itself */
	const char *slash = strrchr(dst, '/');
	char *parent = slash ? bk_xstrndup(dst, (size_t)(slash - dst)) : bk_xstrdup(".");
	int rc = sync_folder(*parent ? parent : "/", false);
	free(parent);
	/* tmp now holds the old kit */
	if (swapped && bk_kit_remove_tree(tmp))
		rc = -1;
	return rc;
}

const char *bk_kit_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}
