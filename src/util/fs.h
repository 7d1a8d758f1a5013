/* Private: files and folders beneath a folder handle, never through a
 * symbolic link. The folder a user names (an output folder, a cache
 * folder) is opened once by path; everything beneath it is reached from
 * that handle one component at a time with openat(O_NOFOLLOW), so a link
 * placed anywhere under it cannot send a write or a removal elsewhere.
 * (O_NOFOLLOW alone guards only a path's last component.) docs/kits.md,
 * "What build writes, and where". */
#ifndef BK_FS_H
#define BK_FS_H

#include <stdbool.h>
#include <stddef.h>

/* Opens the folder path (the links in path itself are followed: naming it
 * is the user's choice), read-only, close-on-exec, for the *_at functions
 * below. With create, makes it and its parents first. Returns a file
 * descriptor the caller closes, or -1 with errno. */
int bki_fs_open_root(const char *path, bool create);

enum {
	BK_FS_CREATE = 1 << 0,  /* make a missing folder (mode 0777 less the umask) */
	BK_FS_REPLACE = 1 << 1  /* remove a symbolic link where a folder goes
	                           (the link itself) and make the folder */
};

/* Opens the folder rel beneath the folder at: rel is relative, its
 * components separated by '/' and none of them "", "." or ".." (else
 * EINVAL). Each component is opened with openat(O_NOFOLLOW|O_DIRECTORY)
 * from the one before, so no link is followed: a link on the way is ELOOP
 * unless BK_FS_REPLACE, anything else that is not a folder is ENOTDIR.
 * Safe when several processes make the same folders at once. Returns a
 * file descriptor the caller closes, or -1 with errno. */
int bki_fs_dir_at(int at, const char *rel, unsigned flags);

/* Opens the regular file rel beneath at for reading, its folders as
 * bki_fs_dir_at without flags, the file itself with O_NOFOLLOW: a link is
 * ELOOP, a folder EISDIR, anything else but a regular file EINVAL.
 * Returns a file descriptor the caller closes, or -1 with errno. */
int bki_fs_open_read_at(int at, const char *rel);

/* Reads the regular file rel beneath at (as bki_fs_open_read_at) into
 * *data (malloc'd, NUL-terminated) and *size; 0, or -1 with errno. */
int bki_fs_read_at(int at, const char *rel, char **data, size_t *size);

/* Removes the entry name (one component) of the folder at: a file or a
 * symbolic link is unlinked (a link itself, never what it points at); a
 * folder is emptied through handles opened with O_NOFOLLOW, depth first,
 * and removed. An entry that is not there is success. 0, or -1 with errno
 * (what could be removed is). */
int bki_fs_remove_at(int at, const char *name);

/* Opens (creating it, mode 0644 less the umask) the lock file name in
 * at without following a link (a link there is removed and the file
 * made in its place; one that exists but cannot be written is opened
 * read-only, which is enough for flock) and takes an exclusive flock on
 * it without waiting.
 * Returns the descriptor, which holds the lock until closed (it is
 * close-on-exec: helpers started later do not inherit it), or -1 with
 * errno: EWOULDBLOCK when another open file holds the lock (flock locks
 * end with the process that held them, so this means a live process),
 * anything else when the file cannot be made or opened. */
int bki_fs_lock_at(int at, const char *name);

#endif
