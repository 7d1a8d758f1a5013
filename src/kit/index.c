/* The index of a kit folder, built from the kits' manifests alone (so
 * shards merged give the same bytes as one build): index.json, a packing
 * list per polling station and the print shop's quantities. */
#define _GNU_SOURCE
#include "kit/kit-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/diag-private.h"
#include "render/render-private.h"
#include "util/fs.h"

/* The kits in the folder handle kits: entries that are folders (not
 * links) and hold a manifest that is a regular file, sorted by bytes. */
static int list_kits(int kits, bki_kit_paths *out)
{
	memset(out, 0, sizeof *out);
	/* a handle of its own: a DIR stream moves the offset it reads from */
	int fd = openat(kits, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		int k = openat(kits, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		                                     O_CLOEXEC);
		struct stat st;
		bool kit = k >= 0 && !fstatat(k, BK_KIT_MANIFEST, &st, AT_SYMLINK_NOFOLLOW) &&
		           S_ISREG(st.st_mode);
		if (k >= 0)
			close(k);
		if (kit && !bki_kit_paths_add(out, bki_strdup(de->d_name))) {
			closedir(d);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(d);
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && strcmp(out->v[j - 1], out->v[j]) > 0; j--) {
			char *t = out->v[j];
			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
	return 0;
}

/* Copies the regular file name of the folder from into the folder to: a
 * hard link where it can, else a copy written under a temporary name. */
static int copy_file(int from, const char *name, int to)
{
	struct stat st;
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	if (!S_ISREG(st.st_mode)) {
		/* a shard's kit holds files and folders only: a link could
		 * bring in anything */
		errno = EINVAL;
		return -1;
	}
	if (!linkat(from, name, to, name, 0))
		return 0;
	char *data;
	size_t n;
	if (bki_fs_read_at(from, name, &data, &n))
		return -1;
	bki_atomic a;
	int rc = bki_atomic_open_at(&a, to, name);
	if (!rc) {
		rc = fwrite(data, 1, n, a.f) == n ? 0 : -1;
		rc = rc ? (bki_atomic_abort(&a), -1) : bki_atomic_commit_sync(&a, false);
	}
	free(data);
	return rc;
}

/* Copies the kit name of the shard folder src (whose kits folder is the
 * handle from) into the kits folder handle to, through a temporary
 * folder made there. */
static int copy_kit(const char *src, int from, const char *name, int to)
{
	bki_buf tmp = {0};
	bki_buf_printf(&tmp, BK_KIT_TMP_PREFIX "%s-%ld", name, (long)getpid());
	const char *tname = bki_buf_str(&tmp);
	char *sdir = bki_kit_folder(src, name);
	bki_kit_paths files;
	int rc = bki_kit_list_files(sdir, false, &files);
	int sfd = rc ? -1 : bki_fs_dir_at(from, name, 0);
	int tfd = -1;
	if (!rc && sfd < 0)
		rc = -1;
	if (!rc && (bki_fs_remove_at(to, tname) || mkdirat(to, tname, 0777)))
		rc = -1;
	if (!rc && (tfd = bki_fs_dir_at(to, tname, 0)) < 0)
		rc = -1;
	for (size_t i = 0; i < files.n && !rc; i++) {
		const char *rel = files.v[i];
		const char *slash = strrchr(rel, '/');
		int sd = sfd, td = tfd;
		if (slash) {
			char *folder = bki_strndup(rel, (size_t)(slash - rel));
			sd = folder ? bki_fs_dir_at(sfd, folder, 0) : -1;
			td = sd < 0 ? -1 : bki_fs_dir_at(tfd, folder, BK_FS_CREATE);
			free(folder);
		}
		if (sd < 0 || td < 0)
			rc = -1;
		else
			rc = copy_file(sd, slash ? slash + 1 : rel, td);
		int e = errno;
		if (sd >= 0 && sd != sfd)
			close(sd);
		if (td >= 0 && td != tfd)
			close(td);
		errno = e;
	}
	int e = errno;
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	if (!rc) {
		rc = bki_kit_install_at(to, tname, name);
		e = errno;
	}
	if (rc)
		bki_fs_remove_at(to, tname);
	bki_kit_paths_free(&files);
	free(sdir);
	bki_buf_free(&tmp);
	errno = e;
	return rc;
}

#define jstr bki_kit_str

/* Files a print shop makes: everything but the audio, the scripts and the
 * kit's own README, manifest and checksums. */
static bool printed(const char *path)
{
	return strncmp(path, "audio/", 6) && strncmp(path, "script/", 7) &&
	       strcmp(path, "README.txt");
}

typedef struct station {
	const json_t *info; /* from the first manifest naming it */
	json_t *kits;       /* kit names */
} station;

static int by_station(const void *a, const void *b)
{
	const station *x = a, *y = b;
	json_int_t nx = json_integer_value(json_object_get(x->info, "number"));
	json_int_t ny = json_integer_value(json_object_get(y->info, "number"));
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(jstr(x->info, "id"), jstr(y->info, "id"));
}

/* Writes text to the entry name of the folder handle at unless it
 * already says exactly that (a resumed build rewrites nothing), under a
 * temporary name renamed into place; a link there is replaced, never
 * followed. Not synced to the disk one by one: the packing lists of a
 * national election are ten thousand files, and all of them are made
 * again from the manifests by `ballotkit index DIR`. */
static int write_bytes(int at, const char *name, const char *text, size_t len)
{
	char *old;
	size_t n;
	if (!bki_fs_read_at(at, name, &old, &n)) {
		bool same = n == len && !memcmp(old, text, n);
		free(old);
		if (same)
			return 0;
	}
	bki_atomic a;
	if (bki_atomic_open_at(&a, at, name))
		return -1;
	if (fwrite(text, 1, len, a.f) != len) {
		int e = errno;
		bki_atomic_abort(&a);
		errno = e;
		return -1;
	}
	return bki_atomic_commit_sync(&a, false);
}

static int write_text(int at, const char *name, const char *text)
{
	return write_bytes(at, name, text, strlen(text));
}

/* Removes what is in the packing folder (handle pfd) but the lists of the
 * stations in station_at, without following links. */
static void remove_stale_packing(int pfd, const json_t *station_at)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *de;
	bki_kit_paths gone = {0};
	/* (what there is no memory for stays until the next index) */
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		char *id = bki_strndup(de->d_name, n > 4 ? n - 4 : n);
		struct stat st;
		if (id && (n <= 4 || (strcmp(de->d_name + n - 4, ".txt") &&
		                      strcmp(de->d_name + n - 4, ".pdf")) ||
		           !json_object_get(station_at, id) ||
		           fstatat(pfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		           !S_ISREG(st.st_mode)))
			bki_kit_paths_add(&gone, bki_strdup(de->d_name));
		free(id);
	}
	closedir(d);
	for (size_t i = 0; i < gone.n; i++)
		bki_fs_remove_at(pfd, gone.v[i]);
	bki_kit_paths_free(&gone);
}

/* The first write error: the file and the system's reason. */
static void write_error(bk_status *st, bk_diags *diags, const char *dir,
                        const char *rel)
{
	if (*st != BK_OK)
		return;
	bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
	             "cannot write %s/%s: %s", dir, rel, strerror(errno));
	*st = BK_ERR_IO;
}

bk_status bk_kit_index(const char *dir, const char *const *srcs, size_t nsrcs,
                       bk_diags *diags)
{
	if (!dir || (nsrcs && !srcs))
		return BK_ERR_USAGE;
	bk_templates *tpl = NULL;
	bk_status st = bk_templates_open(&tpl, NULL, diags);
	if (st == BK_OK)
		st = bk_kit_index_with(dir, srcs, nsrcs, tpl, diags);
	bk_templates_free(tpl);
	return st;
}

bk_status bk_kit_index_with(const char *dir, const char *const *srcs,
                            size_t nsrcs, const bk_templates *tpl,
                            bk_diags *diags)
{
	if (!dir || (nsrcs && !srcs) || !tpl)
		return BK_ERR_USAGE;
	int root = bki_fs_open_root(dir, true);
	if (root < 0) {
		bki_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot make the folder %s: %s", dir, strerror(errno));
		return BK_ERR_IO;
	}
	/* the lock of build: an index written while a build swaps kits in
	 * would miss some of them */
	int lock = bki_kit_lock(root, dir, diags);
	if (lock < 0) {
		close(root);
		return BK_ERR_IO;
	}
	bk_status st = BK_OK;
	int to = -1;
	if (nsrcs && (to = bki_fs_dir_at(root, BK_KIT_KITS, BK_FS_CREATE | BK_FS_REPLACE)) < 0)
		st = bki_kit_no_kits_folder(dir, diags);
	for (size_t s = 0; s < nsrcs && st == BK_OK; s++) {
		bki_kit_paths kits = {0};
		int sroot = bki_fs_open_root(srcs[s], false);
		int from = sroot < 0 ? -1 : bki_fs_dir_at(sroot, BK_KIT_KITS, 0);
		if (from < 0 || list_kits(from, &kits)) {
			bki_diags_add(diags, BK_ERROR, "unreadable", srcs[s], 0, 0, "",
			             "cannot read the kits folder of %s: %s", srcs[s],
			             strerror(errno));
			st = BK_ERR_IO;
		}
		for (size_t k = 0; k < kits.n && st == BK_OK; k++) {
			/* skip a kit that is already there, byte for byte */
			bki_buf a = {0};
			bki_buf_printf(&a, "%s/" BK_KIT_MANIFEST, kits.v[k]);
			char *da = NULL, *db = NULL;
			size_t na = 0, nb = 0;
			bool same = !bki_fs_read_at(from, bki_buf_str(&a), &da, &na) &&
			            !bki_fs_read_at(to, bki_buf_str(&a), &db, &nb) &&
			            na == nb && !memcmp(da, db, na);
			free(da);
			free(db);
			if (!same && copy_kit(srcs[s], from, kits.v[k], to)) {
				char *kd = bki_kit_folder(dir, kits.v[k]);
				bki_diags_add(diags, BK_ERROR, "unwritable", kd, 0, 0,
				             "", "cannot copy the kit %s from %s: %s", kits.v[k],
				             srcs[s], strerror(errno));
				free(kd);
				st = BK_ERR_IO;
			}
			bki_buf_free(&a);
		}
		bki_kit_paths_free(&kits);
		if (from >= 0)
			close(from);
		if (sroot >= 0)
			close(sroot);
	}
	if (to >= 0)
		close(to);
	if (st == BK_OK)
		st = bki_kit_index_locked(root, dir, tpl, diags);
	close(lock);
	close(root);
	return st;
}

/* An index while it is made from the manifests of the kits. */
typedef struct index_run {
	int root, kfd;      /* the output folder, its kits folder */
	const char *dir;
	bki_kit_paths kits;  /* the kits' names, in byte order */
	json_t *list;       /* index.json's "kits" */
	json_t *election;   /* the election of the first manifest */
	station *stations;
	size_t nstations, capstations;
	json_t *station_at; /* id -> index into stations */
	/* what is kept of each manifest: its titles, copies and printed files
	 * ("path,size,sha256" lines), so memory does not grow with the kits'
	 * file lists */
	json_t **titles;
	json_int_t *copies;
	bki_buf *rows;
	const bk_templates *tpl; /* the packing PDFs' wording and fonts */
} index_run;

/* Reads and parses the manifest of kit k, once, through the kits
 * folder's handle: its checksum (hex) is of the bytes parsed. path: the
 * manifest's path, for messages. NULL with an error in diags (*st) when
 * it cannot be read or parsed. */
static json_t *read_manifest(index_run *ix, size_t k, const char *path,
                             char hex[65], bk_status *st, bk_diags *diags)
{
	bki_buf rel = {0};
	bki_buf_printf(&rel, "%s/" BK_KIT_MANIFEST, ix->kits.v[k]);
	char *data = NULL;
	size_t size = 0;
	json_t *m = NULL;
	json_error_t jerr;
	if (bki_fs_read_at(ix->kfd, bki_buf_str(&rel), &data, &size)) {
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "cannot read: %s", strerror(errno));
		*st = BK_ERR_IO;
	} else if (!(m = json_loadb(data, size, JSON_REJECT_DUPLICATES, &jerr))) {
		bki_diags_add(diags, BK_ERROR, "manifest", path,
		             (unsigned long)(jerr.line > 0 ? jerr.line : 0),
		             (unsigned long)(jerr.column > 0 ? jerr.column : 0), "",
		             "cannot read: %s", jerr.text);
		*st = BK_ERR_INVALID;
	} else {
		unsigned char d[BK_SHA256_SIZE];
		bki_sha256(data, size, d);
		bki_hex(d, sizeof d, hex);
	}
	free(data);
	bki_buf_free(&rel);
	return m;
}

/* Keeps the election of the first manifest; a kit of another
 * definition is an error (mixed-kits). */
static bk_status check_election(index_run *ix, const json_t *m,
                                const char *path, bk_diags *diags)
{
	json_t *el = json_object_get(m, "election");
	json_t *head = json_pack("{s:s?, s:s?, s:s?, s:s?, s:O?}",
	                         "id", json_string_value(json_object_get(el, "id")),
	                         "date", json_string_value(json_object_get(el, "date")),
	                         "definition", json_string_value(json_object_get(el, "definition")),
	                         "definition_sha256",
	                         json_string_value(json_object_get(el, "definition_sha256")),
	                         "ballots", json_object_get(el, "ballots"));
	if (!ix->election) {
		ix->election = head;
		return BK_OK;
	}
	bk_status st = BK_OK;
	if (!json_equal(ix->election, head)) {
		bki_diags_add(diags, BK_ERROR, "mixed-kits", path, 0, 0,
		             "election", "this kit was built from another "
		             "definition than %s/%s (%s, not %s)", ix->kits.v[0],
		             BK_KIT_MANIFEST, jstr(el, "definition_sha256"),
		             jstr(ix->election, "definition_sha256"));
		st = BK_ERR_INVALID;
	}
	json_decref(head);
	return st;
}

/* The kit k's entry of the index, and its printed files into rows[k]. */
static void add_entry(index_run *ix, size_t k, const json_t *m,
                      const char *hex)
{
	json_t *files = json_object_get(m, "files");
	json_int_t bytes = 0;
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		bytes += json_integer_value(json_object_get(f, "size"));
		if (printed(jstr(f, "path")))
			bki_buf_printf(&ix->rows[k], "%s,%lld,%s\n", jstr(f, "path"),
			              (long long)json_integer_value(json_object_get(f, "size")),
			              jstr(f, "sha256"));
	}
	json_t *entry = json_object();
	json_object_set_new(entry, "kit", json_string(ix->kits.v[k]));
	json_object_set_new(entry, "ballot", json_string(jstr(m, "ballot")));
	json_object_set(entry, "titles", json_object_get(m, "titles"));
	json_object_set_new(entry, "files", json_integer((json_int_t)json_array_size(files)));
	json_object_set_new(entry, "bytes", json_integer(bytes));
	json_object_set_new(entry, "manifest_sha256", json_string(hex));
	json_array_append_new(ix->list, entry);
}

/* The stations the kit k goes to, each station with its kits, and the
 * kit's copies. false when memory runs out. */
static bool add_stations(index_run *ix, size_t k, const json_t *m)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(m, "stations"), i, f) {
		json_t *at = json_object_get(ix->station_at, jstr(f, "id"));
		size_t s = at ? (size_t)json_integer_value(at) : ix->nstations;
		if (s == ix->nstations) {
			void *v = ix->stations;
			bool room = bki_array_room(&v, &ix->capstations,
			                           ix->nstations, sizeof *ix->stations);
			ix->stations = v;
			if (!room)
				return false;
			ix->stations[ix->nstations++] = (station){json_incref(f), json_array()};
			json_object_set_new(ix->station_at, jstr(f, "id"),
			                    json_integer((json_int_t)s));
		}
		json_array_append_new(ix->stations[s].kits, json_integer((json_int_t)k));
		ix->copies[k] += json_integer_value(json_object_get(f, "copies"));
	}
	return true;
}

/* Reads the manifest of every kit into ix. */
static bk_status read_kits(index_run *ix, bk_diags *diags)
{
	bk_status st = BK_OK;
	for (size_t k = 0; k < ix->kits.n && st == BK_OK; k++) {
		bki_buf p = {0};
		char *kd = bki_kit_folder(ix->dir, ix->kits.v[k]);
		bki_buf_printf(&p, "%s/" BK_KIT_MANIFEST, kd ? kd : "");
		free(kd);
		if (!kd || bki_buf_failed(&p)) {
			bki_buf_free(&p);
			return bki_diags_nomem(diags, ix->dir, "", "indexing the kits");
		}
		char hex[65];
		json_t *m = read_manifest(ix, k, bki_buf_str(&p), hex, &st, diags);
		if (m) {
			ix->titles[k] = json_incref(json_object_get(m, "titles"));
			st = check_election(ix, m, bki_buf_str(&p), diags);
			add_entry(ix, k, m, hex);
			if (!add_stations(ix, k, m) && st == BK_OK)
				st = bki_diags_nomem(diags, ix->dir, "",
				                    "indexing the kits");
		}
		json_decref(m);
		bki_buf_free(&p);
	}
	return st;
}

/* The packing list of station s (into t) and its entry of the index. */
static json_t *station_list(const index_run *ix, size_t s, bki_buf *t)
{
	const json_t *info = ix->stations[s].info;
	json_int_t n = json_integer_value(json_object_get(info, "copies"));
	const json_t *names = json_object_get(info, "name");
	bki_buf_printf(t, "Station %lld (%s)\n", (long long)json_integer_value(
	                  json_object_get(info, "number")), jstr(info, "id"));
	const char *key;
	json_t *nm;
	json_object_foreach((json_t *)names, key, nm)
		bki_buf_printf(t, "  %s: %s\n", key, json_string_value(nm));
	bki_buf_printf(t, "Copies of each kit / Әр жинақтың данасы / "
	                 "Экземпляров каждого комплекта: %lld\n\n", (long long)n);
	json_t *entry = json_object();
	json_object_set(entry, "station", (json_t *)info);
	json_t *names_of = json_array();
	size_t i;
	json_t *kv;
	json_array_foreach(ix->stations[s].kits, i, kv) {
		size_t k = (size_t)json_integer_value(kv);
		json_array_append_new(names_of, json_string(ix->kits.v[k]));
		bki_buf_printf(t, "[ ] %s\n", ix->kits.v[k]);
		const char *lk;
		json_t *title;
		json_object_foreach(ix->titles[k], lk, title)
			bki_buf_printf(t, "      %s: %s\n", lk, json_string_value(title));
	}
	json_object_set_new(entry, "kits", names_of);
	return entry;
}

/* Writes the packing list text of the station info as packing/ID.txt
 * (pfd: the packing folder). */
static bk_status write_station(const index_run *ix, int pfd,
                               const json_t *info, const char *text,
                               bk_diags *diags)
{
	bk_status st = BK_OK;
	bki_buf f = {0};
	bki_buf_printf(&f, "%s.txt", jstr(info, "id"));
	if (strchr(bki_buf_str(&f), '/') || f.data[0] == '.') {
		/* station ids are names of files (the definition format keeps
		 * them so); a manifest edited by hand must not name another
		 * place */
		bki_diags_add(diags, BK_ERROR, "manifest", ix->dir, 0, 0, "",
		             "the station id \"%s\" cannot be a file name",
		             jstr(info, "id"));
		st = BK_ERR_INVALID;
	} else if (write_text(pfd, bki_buf_str(&f), text)) {
		bki_buf_truncate(&f, 0);
		bki_buf_printf(&f, "packing/%s.txt", jstr(info, "id"));
		write_error(&st, diags, ix->dir, bki_buf_str(&f));
	}
	bki_buf_free(&f);
	return st;
}

static bk_status write_buf_fn(void *arg, const void *data, size_t len)
{
	bki_buf_addn(arg, data, len);
	return bki_buf_failed(arg) ? BK_ERR_NOMEM : BK_OK;
}

/* The printable packing list of station s as packing/ID.pdf. */
static bk_status write_station_pdf(const index_run *ix, int pfd,
                                   const bki_packing_words *pw, size_t s,
                                   bk_diags *diags)
{
	static const char *const langs[2] = {"kk", "ru"};
	const json_t *info = ix->stations[s].info;
	const json_t *kits = ix->stations[s].kits;
	bki_packing p = {
		.number = (long)json_integer_value(json_object_get(info, "number")),
		.copies = (long)json_integer_value(json_object_get(info, "copies")),
		.nkits = json_array_size(kits),
		.date = json_string_value(json_object_get(ix->election, "date")),
	};
	for (int l = 0; l < 2; l++) {
		p.name[l] = json_string_value(json_object_get(
			json_object_get(info, "name"), langs[l]));
		p.address[l] = json_string_value(json_object_get(
			json_object_get(info, "address"), langs[l]));
	}
	bki_packing_kit *pk = bki_calloc(p.nkits + 1, sizeof *pk);
	if (!pk)
		return bki_diags_nomem(diags, ix->dir, "", "writing the packing lists");
	size_t i;
	json_t *kv;
	json_array_foreach(kits, i, kv) {
		size_t k = (size_t)json_integer_value(kv);
		pk[i].id = ix->kits.v[k];
		for (int l = 0; l < 2; l++)
			pk[i].title[l] = json_string_value(json_object_get(ix->titles[k],
			                                                   langs[l]));
	}
	p.kits = pk;
	bki_buf pdf = {0}, name = {0};
	bk_status st = bki_render_packing_pdf(pw, &p, write_buf_fn, &pdf, diags);
	free(pk);
	bki_buf_printf(&name, "%s.pdf", jstr(info, "id"));
	if (st == BK_OK && (bki_buf_failed(&name) ||
	                    write_bytes(pfd, bki_buf_str(&name), pdf.data, pdf.len))) {
		bki_buf_truncate(&name, 0);
		bki_buf_printf(&name, "packing/%s.pdf", jstr(info, "id"));
		write_error(&st, diags, ix->dir, bki_buf_str(&name));
	}
	bki_buf_free(&pdf);
	bki_buf_free(&name);
	return st;
}

/* packing/STATION.txt and .pdf for each station, in order of number
 * (stale lists removed), and their entries of the index (*packing). */
static bk_status write_packing(index_run *ix, json_t *packing,
                               bk_diags *diags)
{
	bk_status st = BK_OK;
	bki_sort(ix->stations, ix->nstations, sizeof *ix->stations, by_station);
	/* packing/ is build's own: a link there is removed and the folder
	 * made in its place, never followed */
	int pfd = bki_fs_dir_at(ix->root, "packing",
	                       ix->nstations ? BK_FS_CREATE | BK_FS_REPLACE : 0);
	if (ix->nstations && pfd < 0)
		write_error(&st, diags, ix->dir, "packing");
	if (pfd >= 0)
		remove_stale_packing(pfd, ix->station_at);
	bki_packing_words *pw = NULL;
	if (st == BK_OK && ix->nstations) {
		pw = bki_packing_words_load(ix->tpl, diags);
		if (!pw)
			st = BK_ERR_CONFIG;
	}
	for (size_t s = 0; s < ix->nstations && st == BK_OK; s++) {
		bki_buf t = {0};
		json_array_append_new(packing, station_list(ix, s, &t));
		st = bki_buf_failed(&t)
		     ? bki_diags_nomem(diags, ix->dir, "", "writing the packing lists")
		     : write_station(ix, pfd, ix->stations[s].info, bki_buf_str(&t),
		                     diags);
		bki_buf_free(&t);
		if (st == BK_OK)
			st = write_station_pdf(ix, pfd, pw, s, diags);
	}
	bki_packing_words_free(pw);
	if (pfd >= 0)
		close(pfd);
	return st;
}

/* print-quantities.csv: each printed file of each kit with its copies,
 * the sum over the stations that receive the kit (one when the
 * definition lists no stations). */
static bk_status write_quantities(const index_run *ix, bk_diags *diags)
{
	bki_buf csv = {0};
	bki_buf_add(&csv, "kit,file,copies,size,sha256\n");
	for (size_t k = 0; k < ix->kits.n; k++)
		for (const char *r = bki_buf_str(&ix->rows[k]); *r;) {
			const char *comma = strchr(r, ','), *nl = strchr(r, '\n');
			bki_buf_printf(&csv, "%s,%.*s,%lld,%.*s\n", ix->kits.v[k],
			              (int)(comma - r), r,
			              (long long)(ix->nstations ? ix->copies[k] : 1),
			              (int)(nl - comma - 1), comma + 1);
			r = nl + 1;
		}
	bk_status st = BK_OK;
	bool failed = bki_buf_failed(&csv);
	for (size_t k = 0; k < ix->kits.n; k++)
		failed |= bki_buf_failed(&ix->rows[k]);
	if (failed)
		st = bki_diags_nomem(diags, ix->dir, "", "writing the quantities");
	else if (write_text(ix->root, "print-quantities.csv", bki_buf_str(&csv)))
		write_error(&st, diags, ix->dir, "print-quantities.csv");
	bki_buf_free(&csv);
	return st;
}

/* index.json, last: "complete" is only said of what is in place. */
static bk_status write_index(index_run *ix, json_t *packing, bk_status st,
                             bk_diags *diags)
{
	json_t *index = json_object();
	json_t *el = ix->election;
	json_int_t want = el ? json_integer_value(json_object_get(el, "ballots")) : 0;
	json_object_set_new(index, "format", json_string("ballotkit-index/1"));
	json_object_set(index, "election", el ? el : json_null());
	json_object_set_new(index, "complete",
	                    json_boolean(el && want == (json_int_t)ix->kits.n));
	json_object_set_new(index, "kits", ix->list);
	ix->list = NULL;
	json_object_set_new(index, "stations", packing);
	char *text = json_dumps(index, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (st == BK_OK) {
		bki_buf t = {0};
		bki_buf_add(&t, text ? text : "null");
		bki_buf_addc(&t, '\n');
		if (!text || bki_buf_failed(&t))
			st = bki_diags_nomem(diags, ix->dir, "", "writing index.json");
		else if (write_text(ix->root, "index.json", bki_buf_str(&t)))
			write_error(&st, diags, ix->dir, "index.json");
		bki_buf_free(&t);
	}
	free(text);
	json_decref(index);
	return st;
}

static void index_run_free(index_run *ix)
{
	for (size_t s = 0; s < ix->nstations; s++) {
		json_decref(ix->stations[s].kits);
		json_decref((json_t *)ix->stations[s].info);
	}
	free(ix->stations);
	for (size_t k = 0; k < ix->kits.n; k++) {
		if (ix->titles)
			json_decref(ix->titles[k]);
		if (ix->rows)
			bki_buf_free(&ix->rows[k]);
	}
	free(ix->titles);
	free(ix->rows);
	free(ix->copies);
	json_decref(ix->station_at);
	json_decref(ix->list);
	json_decref(ix->election);
	bki_kit_paths_free(&ix->kits);
	close(ix->kfd);
}

/* The packing lists just written, read back as verify reads them: a list
 * verify would refuse fails the index (build must not hand it over). */
static bk_status check_packing(const char *dir, const bk_templates *tpl,
                               bk_diags *diags)
{
	bk_verify_options vo = BK_VERIFY_OPTIONS_INIT;
	vo.level = BK_VERIFY_BUILD;
	bk_verifier *v = NULL;
	bk_status st = bk_verifier_create(&v, tpl, &vo, diags);
	if (st == BK_OK)
		st = bk_verify_packing(v, dir, diags);
	if (st != BK_OK && st != BK_ERR_NOMEM)
		bki_diags_add(diags, BK_ERROR, "self-check", dir, 0, 0, "",
		             "the packing lists written fail verify's check");
	bk_verifier_free(v);
	return st;
}

bk_status bki_kit_index_locked(int root, const char *dir,
                               const bk_templates *tpl, bk_diags *diags)
{
	index_run ix = {.root = root, .dir = dir, .tpl = tpl};
	ix.kfd = bki_fs_dir_at(root, BK_KIT_KITS, BK_FS_CREATE | BK_FS_REPLACE);
	if (ix.kfd < 0)
		return bki_kit_no_kits_folder(dir, diags);
	if (list_kits(ix.kfd, &ix.kits)) {
		if (errno == ENOMEM) {
			close(ix.kfd);
			bki_kit_paths_free(&ix.kits);
			return bki_diags_nomem(diags, dir, "", "listing the kits");
		}
		bki_diags_add(diags, BK_ERROR, "unreadable", dir, 0, 0, "",
		             "cannot read the folder %s/" BK_KIT_KITS ": %s", dir,
		             strerror(errno));
		close(ix.kfd);
		return BK_ERR_IO;
	}
	ix.list = json_array();
	ix.station_at = json_object();
	ix.titles = bki_calloc(ix.kits.n + 1, sizeof *ix.titles);
	ix.copies = bki_calloc(ix.kits.n + 1, sizeof *ix.copies);
	ix.rows = bki_calloc(ix.kits.n + 1, sizeof *ix.rows);
	json_t *packing = NULL;
	bk_status st = !ix.titles || !ix.copies || !ix.rows || !ix.list ||
	               !ix.station_at
	               ? bki_diags_nomem(diags, dir, "", "indexing the kits")
	               : read_kits(&ix, diags);
	if (st != BK_OK)
		goto out;
	packing = json_array();
	st = write_packing(&ix, packing, diags);
	if (st == BK_OK)
		st = write_quantities(&ix, diags);
	st = write_index(&ix, packing, st, diags);
	if (st == BK_OK && ix.nstations)
		st = check_packing(dir, tpl, diags);
out:
	index_run_free(&ix);
	return st;
}
