/* Files and folders beneath a folder handle, never through a symbolic
 * link (fs.h). Every path beneath the handle is walked one component at a
 * time with openat(O_NOFOLLOW | O_DIRECTORY): the same on every Linux
 * kernel, where openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) is missing
 * before 5.6 and has no glibc wrapper in Debian 12, and the walk is
 * needed anyway to make missing folders on the way. */
#define _GNU_SOURCE
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

int bki_fs_open_root(const char *path, bool create)
{
	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	if (create && bki_mkdirs(path))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static bool bad_component(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '.') ||
	       (n == 2 && s[0] == '.' && s[1] == '.');
}

/* Opens the folder name (one component) of the folder at without following a
 * link, making it or replacing a link with it as flags say. */
static int dir_step(int at, const char *name, unsigned flags)
{
	/* a few rounds: another process may make or remove the same entry
	 * between our calls (a shared cache folder) */
	for (int round = 0; round < 8; round++) {
		int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		                                 O_CLOEXEC);
		if (fd >= 0)
			return fd;
		int e = errno;
		struct stat st;
		if (e == ENOENT) {
			if (!(flags & BK_FS_CREATE))
				return -1;
			if (mkdirat(at, name, 0777) && errno != EEXIST)
				return -1;
			continue;
		}
		/* O_NOFOLLOW with O_DIRECTORY gives ELOOP or ENOTDIR for a link,
		 * depending on the kernel: ask what the entry is */
		if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		if (S_ISLNK(st.st_mode)) {
			if (!(flags & BK_FS_REPLACE)) {
				errno = ELOOP;
				return -1;
			}
			if (unlinkat(at, name, 0) && errno != ENOENT)
				return -1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		errno = e;
		return -1;
	}
	errno = ELOOP;
	return -1;
}

int bki_fs_dir_at(int at, const char *rel, unsigned flags)
{
	if (!rel || !*rel || rel[0] == '/') {
		errno = EINVAL;
		return -1;
	}
	int fd = at;
	char name[256];
	for (const char *p = rel;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (bad_component(p, n) || n >= sizeof name) {
			if (fd != at)
				close(fd);
			errno = n >= sizeof name ? ENAMETOOLONG : EINVAL;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		int next = dir_step(fd, name, flags);
		int e = errno;
		if (fd != at)
			close(fd);
		if (next < 0) {
			errno = e;
			return -1;
		}
		fd = next;
		if (!slash)
			return fd;
		p = slash + 1;
	}
}

int bki_fs_open_read_at(int at, const char *rel)
{
	if (!rel || !*rel || rel[0] == '/') {
		errno = EINVAL;
		return -1;
	}
	const char *slash = strrchr(rel, '/');
	int parent = at;
	const char *base = rel;
	if (slash) {
		char *folder = bki_strndup(rel, (size_t)(slash - rel));
		if (!folder)
			return -1;
		parent = bki_fs_dir_at(at, folder, 0);
		free(folder);
		if (parent < 0)
			return -1;
		base = slash + 1;
	}
	int fd = -1;
	if (bad_component(base, strlen(base)))
		errno = EINVAL;
	else
		fd = openat(parent, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	int e = errno;
	if (parent != at)
		close(parent);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st)) {
		e = errno;
		close(fd);
		fd = -1;
	} else if (fd >= 0 && !S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		/* O_NONBLOCK only kept a FIFO from blocking the open */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		return fd;
	}
	errno = e;
	return -1;
}

int bki_fs_read_at(int at, const char *rel, char **data, size_t *size)
{
	int fd = bki_fs_open_read_at(at, rel);
	if (fd < 0)
		return -1;
	bki_buf b = {0};
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			bki_buf_free(&b);
			errno = e;
			return -1;
		}
		bki_buf_addn(&b, chunk, (size_t)got);
	}
	close(fd);
	*size = b.len;
	*data = bki_buf_steal(&b);
	if (!*data) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bki_fs_remove_at(int at, const char *name)
{
	if (!name || bad_component(name, strlen(name)) || strchr(name, '/')) {
		errno = EINVAL;
		return -1;
	}
	/* a file, or a link (unlinkat never follows one) */
	if (!unlinkat(at, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	/* the names first, then the removals: a folder is not changed while
	 * it is being read */
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0, err = 0;
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		void *v = names;
		bool room = bki_array_room(&v, &cap, n, sizeof *names);
		names = v;
		if (!room)
			break;
		if (!(names[n] = bki_strdup(de->d_name)))
			break;
		n++;
	}
	if (de) { /* out of memory: nothing is removed */
		err = ENOMEM;
		rc = -1;
	}
	if (n && !err)
		bki_sort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (!err && bki_fs_remove_at(dirfd(d), names[i])) {
			err = errno;
			rc = -1;
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	if (!err && unlinkat(at, name, AT_REMOVEDIR) && errno != ENOENT) {
		err = errno;
		rc = -1;
	}
	if (rc)
		errno = err;
	return rc;
}

int bki_fs_lock_at(int at, const char *name)
{
	for (int round = 0; round < 8; round++) {
		int fd = openat(at, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		                0644);
		if (fd < 0 && (errno == EACCES || errno == EROFS)) {
			/* a lock file someone else made: flock needs no write
			 * access to it (whether the folder can be written is for
			 * the caller to find out) */
			int e = errno;
			fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 && errno == ENOENT)
				errno = e;
		}
		if (fd < 0) {
			struct stat st;
			if (errno == ELOOP && !fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISLNK(st.st_mode)) {
				/* a link where the lock goes: the link goes, never
				 * what it points at */
				if (unlinkat(at, name, 0) && errno != ENOENT)
					return -1;
				continue;
			}
			return -1;
		}
		struct stat st;
		int bad = fstat(fd, &st) ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
		if (bad) {
			close(fd);
			errno = bad;
			return -1;
		}
		while (flock(fd, LOCK_EX | LOCK_NB)) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		return fd;
	}
	errno = ELOOP;
	return -1;
}
