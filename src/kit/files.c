/* Files and folders of kits: listing in byte order, hashing, the folder
 * of a kit name, writing JSON atomically, swapping a finished kit into
 * place through the kits folder's handle, the output folder's lock. */
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
#include "util/fs.h"

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends s (taken over); false (errno ENOMEM, s freed) when s is NULL
 * or memory runs out. */
bool bki_kit_paths_add(bki_kit_paths *p, char *s)
{
	void *v = p->v;
	bool room = s && bki_array_room(&v, &p->cap, p->n, sizeof *p->v);
	p->v = v;
	if (!room) {
		free(s);
		errno = ENOMEM;
		return false;
	}
	p->v[p->n++] = s;
	return true;
}

static int walk(const char *root, const char *rel, bool skip_hidden,
                bki_kit_paths *out)
{
	bki_buf path = {0};
	bki_buf_printf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = bki_buf_failed(&path) ? NULL : opendir(bki_buf_str(&path));
	if (!d) {
		if (bki_buf_failed(&path))
			errno = ENOMEM;
		bki_buf_free(&path);
		return -1;
	}
	bki_kit_paths here = {0};
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (skip_hidden && de->d_name[0] == '.')
			continue;
		if (!bki_kit_paths_add(&here, bki_strdup(de->d_name)))
			rc = -1;
	}
	closedir(d);
	if (here.n)
		bki_sort(here.v, here.n, sizeof *here.v, by_bytes);
	for (size_t i = 0; i < here.n && !rc; i++) {
		bki_buf sub = {0}, full = {0};
		bki_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", here.v[i]);
		bki_buf_printf(&full, "%s/%s", bki_buf_str(&path), here.v[i]);
		struct stat st;
		if (bki_buf_failed(&sub) || bki_buf_failed(&full)) {
			errno = ENOMEM;
			rc = -1;
		} else if (lstat(bki_buf_str(&full), &st)) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(root, bki_buf_str(&sub), skip_hidden, out);
		} else if (!bki_kit_paths_add(out, bki_buf_steal(&sub))) {
			rc = -1;
		}
		bki_buf_free(&sub);
		bki_buf_free(&full);
	}
	bki_kit_paths_free(&here);
	bki_buf_free(&path);
	return rc;
}

int bki_kit_list_files(const char *dir, bool skip_hidden, bki_kit_paths *out)
{
	memset(out, 0, sizeof *out);
	int rc = walk(dir, "", skip_hidden, out);
	/* "a/b" and "a.b": folders are walked in name order, so the whole
	 * list is sorted again by bytes */
	if (out->n)
		bki_sort(out->v, out->n, sizeof *out->v, by_bytes);
	return rc;
}

void bki_kit_paths_free(bki_kit_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

int bki_kit_hash_file(const char *path, unsigned char out[BK_SHA256_SIZE],
                     unsigned long long *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	bki_hasher *h = bki_hasher_new();
	if (!h) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	static __thread char buf[1 << 16];
	unsigned long long total = 0;
	ssize_t got;
	while ((got = read(fd, buf, sizeof buf)) > 0) {
		bki_hasher_add(h, buf, (size_t)got);
		total += (unsigned long long)got;
	}
	int err = got < 0 ? errno : 0;
	close(fd);
	bki_hasher_done(h, out); /* h is not NULL */
	if (size)
		*size = total;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int write_json(const json_t *v, bki_atomic *a)
{
	if (json_dumpf(v, a->f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                            JSON_REAL_PRECISION(10)) ||
	    fputc('\n', a->f) == EOF) {
		int e = errno;
		bki_atomic_abort(a);
		errno = e ? e : EIO;
		return -1;
	}
	return bki_atomic_commit(a);
}

char *bki_kit_folder(const char *dir, const char *kit)
{
	bki_buf b = {0};
	if (kit)
		bki_buf_printf(&b, "%s/" BK_KIT_KITS "/%s", dir, kit);
	else
		bki_buf_printf(&b, "%s/" BK_KIT_KITS, dir);
	return bki_buf_steal(&b);
}

int bki_kit_write_json(const json_t *v, const char *path)
{
	bki_atomic a;
	if (bki_atomic_open(&a, path))
		return -1;
	return write_json(v, &a);
}

int bki_kit_write_json_at(const json_t *v, int at, const char *name)
{
	bki_atomic a;
	if (bki_atomic_open_at(&a, at, name))
		return -1;
	return write_json(v, &a);
}

int bki_kit_install_at(int kits, const char *tmp, const char *name)
{
	/* the kit's files were written without waiting for the disk one by
	 * one (bki_atomic_defer_sync): one syncfs makes them all durable before
	 * the kit is renamed into place, so a crash never leaves a kit in
	 * place whose files did not reach the disk */
	int fd = openat(kits, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = syncfs(fd);
	int e = errno;
	close(fd);
	if (rc) {
		errno = e;
		return -1;
	}
	/* both names are entries of the one folder handle: a link at name is
	 * exchanged like anything else, then removed as the link it is */
	bool swapped = false;
	if (renameat2(kits, tmp, kits, name, RENAME_NOREPLACE)) {
		if (errno != EEXIST && errno != ENOTEMPTY)
			return -1;
		if (renameat2(kits, tmp, kits, name, RENAME_EXCHANGE))
			return -1;
		swapped = true;
	}
	/* and the rename itself */
	rc = fsync(kits);
	e = errno;
	/* tmp now holds the old kit */
	if (swapped && bki_fs_remove_at(kits, tmp) && !rc) {
		e = errno;
		rc = -1;
	}
	errno = e;
	return rc;
}

bk_status bki_kit_no_kits_folder(const char *dir, bk_diags *diags)
{
	int e = errno;
	if (e == ENOTDIR || e == EEXIST || e == ELOOP || e == EINVAL)
		/* the folder can be written; something else is in the way */
		bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot make the folder %s/" BK_KIT_KITS ": %s", dir,
		             strerror(e));
	else
		bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot write into %s: %s", dir, strerror(e));
	return BK_ERR_IO;
}

int bki_kit_lock(int root, const char *dir, bk_diags *diags)
{
	int fd = bki_fs_lock_at(root, BK_KIT_LOCK);
	if (fd >= 0)
		return fd;
	if (errno == EWOULDBLOCK)
		bki_diags_add(diags, BK_ERROR, "busy", dir, 0, 0, "",
		             "another ballotkit build or index is writing into this "
		             "folder now (it holds %s/" BK_KIT_LOCK "); run again when "
		             "it is done", dir);
	else
		bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot write into %s: %s", dir, strerror(errno));
	return -1;
}

const char *bki_kit_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}
