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

/* Kit folders in dir (those with a manifest), sorted by bytes. */
static int list_kits(const char *dir, bk_kit_paths *out)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		bk_buf p = {0};
		bk_buf_printf(&p, "%s/%s/" BK_KIT_MANIFEST, dir, de->d_name);
		struct stat st;
		if (!stat(bk_buf_str(&p), &st) && S_ISREG(st.st_mode)) {
			if (out->n == out->cap) {
				out->cap = out->cap ? 2 * out->cap : 32;
				out->v = bk_xrealloc(out->v, out->cap * sizeof *out->v);
			}
			out->v[out->n++] = bk_xstrdup(de->d_name);
		}
		bk_buf_free(&p);
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

static int copy_file(const char *from, const char *to)
{
	if (!link(from, to))
		return 0;
	char *data;
	size_t n;
	if (bk_read_file(from, &data, &n))
		return -1;
	bk_atomic a;
	int rc = bk_atomic_open(&a, to);
	if (!rc) {
		rc = fwrite(data, 1, n, a.f) == n ? 0 : -1;
		rc = rc ? (bk_atomic_abort(&a), -1) : bk_atomic_commit_sync(&a, false);
	}
	free(data);
	return rc;
}

/* Copies the kit src/name into dir/name through a temporary folder. */
static int copy_kit(const char *src, const char *dir, const char *name)
{
	bk_buf from = {0}, tmp = {0}, dst = {0};
	bk_buf_printf(&from, "%s/%s", src, name);
	bk_buf_printf(&tmp, "%s/" BK_KIT_TMP_PREFIX "%s-%ld", dir, name, (long)getpid());
	bk_buf_printf(&dst, "%s/%s", dir, name);
	bk_kit_paths files;
	int rc = bk_kit_list_files(bk_buf_str(&from), false, &files);
	bk_kit_remove_tree(bk_buf_str(&tmp));
	for (size_t i = 0; i < files.n && !rc; i++) {
		bk_buf f = {0}, t = {0};
		bk_buf_printf(&f, "%s/%s", bk_buf_str(&from), files.v[i]);
		bk_buf_printf(&t, "%s/%s", bk_buf_str(&tmp), files.v[i]);
		char *slash = strrchr(t.data, '/');
		*slash = '\0';
		rc = bk_mkdirs(bk_buf_str(&t));
		*slash = '/';
		if (!rc)
			rc = copy_file(bk_buf_str(&f), bk_buf_str(&t));
		bk_buf_free(&f);
		bk_buf_free(&t);
	}
	if (!rc)
		rc = bk_kit_install(bk_buf_str(&tmp), bk_buf_str(&dst));
	if (rc)
		bk_kit_remove_tree(bk_buf_str(&tmp));
	bk_kit_paths_free(&files);
	bk_buf_free(&from);
	bk_buf_free(&tmp);
	bk_buf_free(&dst);
	return rc;
}

#define jstr bk_kit_str

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

/* Writes text to path unless it already says exactly that (a resumed
 * build rewrites nothing), under a temporary name renamed into place.
 * Not synced to the disk one by one: the packing lists of a national
 * election are ten thousand files, and all of them are made again from
 * the manifests by `ballotkit index DIR`. */
static int write_text(const char *path, const char *text)
{
	char *old;
	size_t n, len = strlen(text);
	if (!bk_read_file(path, &old, &n)) {
		bool same = n == len && !memcmp(old, text, n);
		free(old);
		if (same)
			return 0;
	}
	bk_atomic a;
	if (bk_atomic_open(&a, path))
		return -1;
	fputs(text, a.f);
	return bk_atomic_commit_sync(&a, false);
}

/* Removes the packing lists of stations that no longer receive a kit. */
static void remove_stale_packing(const char *pdir, const json_t *station_at)
{
	DIR *d = opendir(pdir);
	if (!d)
		return;
	struct dirent *de;
	bk_kit_paths gone = {0};
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		char *id = bk_xstrndup(de->d_name, n > 4 ? n - 4 : n);
		if (n <= 4 || strcmp(de->d_name + n - 4, ".txt") ||
		    !json_object_get(station_at, id)) {
			if (gone.n == gone.cap) {
				gone.cap = gone.cap ? 2 * gone.cap : 8;
				gone.v = bk_xrealloc(gone.v, gone.cap * sizeof *gone.v);
			}
			bk_buf p = {0};
			bk_buf_printf(&p, "%s/%s", pdir, de->d_name);
			gone.v[gone.n++] = bk_buf_steal(&p);
		}
		free(id);
	}
	closedir(d);
	for (size_t i = 0; i < gone.n; i++)
		bk_kit_remove_tree(gone.v[i]);
	bk_kit_paths_free(&gone);
}

bk_status bk_kit_index(const char *dir, const char *const *srcs, size_t nsrcs,
                       bk_diags *diags)
{
	if (!dir || (nsrcs && !srcs))
		return BK_ERR_USAGE;
	if (bk_mkdirs(dir)) {
		bk_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
		             "cannot make the folder: %s", strerror(errno));
		return BK_ERR_IO;
	}
	bk_status st = BK_OK;
	for (size_t s = 0; s < nsrcs && st == BK_OK; s++) {
		bk_kit_paths kits;
		if (list_kits(srcs[s], &kits)) {
			bk_diags_add(diags, BK_ERROR, "unreadable", srcs[s], 0, 0, "",
			             "cannot read the folder: %s", strerror(errno));
			st = BK_ERR_IO;
		}
		for (size_t k = 0; k < kits.n && st == BK_OK; k++) {
			/* skip a kit that is already there, byte for byte */
			bk_buf a = {0}, b = {0};
			bk_buf_printf(&a, "%s/%s/" BK_KIT_MANIFEST, srcs[s], kits.v[k]);
			bk_buf_printf(&b, "%s/%s/" BK_KIT_MANIFEST, dir, kits.v[k]);
			unsigned char da[BK_SHA256_SIZE], db[BK_SHA256_SIZE];
			bool same = !bk_kit_hash_file(bk_buf_str(&a), da, NULL) &&
			            !bk_kit_hash_file(bk_buf_str(&b), db, NULL) &&
			            !memcmp(da, db, sizeof da);
			if (!same && copy_kit(srcs[s], dir, kits.v[k])) {
				bk_diags_add(diags, BK_ERROR, "unwritable", bk_buf_str(&b), 0, 0,
				             "", "cannot copy the kit %s from %s: %s", kits.v[k],
				             srcs[s], strerror(errno));
				st = BK_ERR_IO;
			}
			bk_buf_free(&a);
			bk_buf_free(&b);
		}
		bk_kit_paths_free(&kits);
	}
	if (st != BK_OK)
		return st;

	bk_kit_paths kits;
	if (list_kits(dir, &kits)) {
		bk_diags_add(diags, BK_ERROR, "unreadable", dir, 0, 0, "",
		             "cannot read the folder: %s", strerror(errno));
		return BK_ERR_IO;
	}
	json_t *index = json_object();
	json_t *list = json_array();
	json_t *election = NULL;
	station *stations = NULL;
	size_t nstations = 0, capstations = 0;
	json_t *station_at = json_object(); /* id -> index into stations */
	/* what is kept of each manifest: its titles, copies and printed files
	 * ("path,size,sha256" lines), so memory does not grow with the kits'
	 * file lists */
	json_t **titles = bk_xcalloc(kits.n + 1, sizeof *titles);
	json_int_t *copies = bk_xcalloc(kits.n + 1, sizeof *copies);
	bk_buf *rows = bk_xcalloc(kits.n + 1, sizeof *rows);
	for (size_t k = 0; k < kits.n && st == BK_OK; k++) {
		bk_buf p = {0};
		bk_buf_printf(&p, "%s/%s/" BK_KIT_MANIFEST, dir, kits.v[k]);
		json_t *m = bk_kit_read_json(bk_buf_str(&p), diags);
		unsigned char d[BK_SHA256_SIZE];
		char hex[65];
		if (!m || bk_kit_hash_file(bk_buf_str(&p), d, NULL)) {
			st = m ? BK_ERR_IO : BK_ERR_INVALID;
			json_decref(m);
			bk_buf_free(&p);
			break;
		}
		titles[k] = json_incref(json_object_get(m, "titles"));
		bk_hex(d, sizeof d, hex);
		json_t *el = json_object_get(m, "election");
		json_t *head = json_pack("{s:s?, s:s?, s:s?, s:s?, s:O?}",
		                         "id", json_string_value(json_object_get(el, "id")),
		                         "date", json_string_value(json_object_get(el, "date")),
		                         "definition", json_string_value(json_object_get(el, "definition")),
		                         "definition_sha256",
		                         json_string_value(json_object_get(el, "definition_sha256")),
		                         "ballots", json_object_get(el, "ballots"));
		if (!election)
			election = head;
		else {
			if (!json_equal(election, head)) {
				bk_diags_add(diags, BK_ERROR, "mixed-kits", bk_buf_str(&p), 0, 0,
				             "election", "this kit was built from another "
				             "definition than %s/%s (%s, not %s)", kits.v[0],
				             BK_KIT_MANIFEST, jstr(el, "definition_sha256"),
				             jstr(election, "definition_sha256"));
				st = BK_ERR_INVALID;
			}
			json_decref(head);
		}
		json_t *files = json_object_get(m, "files");
		json_int_t bytes = 0;
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f) {
			bytes += json_integer_value(json_object_get(f, "size"));
			if (printed(jstr(f, "path")))
				bk_buf_printf(&rows[k], "%s,%lld,%s\n", jstr(f, "path"),
				              (long long)json_integer_value(json_object_get(f, "size")),
				              jstr(f, "sha256"));
		}
		json_t *entry = json_object();
		json_object_set_new(entry, "kit", json_string(kits.v[k]));
		json_object_set_new(entry, "ballot", json_string(jstr(m, "ballot")));
		json_object_set(entry, "titles", json_object_get(m, "titles"));
		json_object_set_new(entry, "files", json_integer((json_int_t)json_array_size(files)));
		json_object_set_new(entry, "bytes", json_integer(bytes));
		json_object_set_new(entry, "manifest_sha256", json_string(hex));
		json_array_append_new(list, entry);
		json_t *sts = json_object_get(m, "stations");
		json_array_foreach(sts, i, f) {
			json_t *at = json_object_get(station_at, jstr(f, "id"));
			size_t s = at ? (size_t)json_integer_value(at) : nstations;
			if (s == nstations) {
				if (nstations == capstations) {
					capstations = capstations ? 2 * capstations : 64;
					stations = bk_xrealloc(stations, capstations * sizeof *stations);
				}
				stations[nstations++] = (station){json_incref(f), json_array()};
				json_object_set_new(station_at, jstr(f, "id"),
				                    json_integer((json_int_t)s));
			}
			json_array_append_new(stations[s].kits, json_integer((json_int_t)k));
			copies[k] += json_integer_value(json_object_get(f, "copies"));
		}
		json_decref(m);
		bk_buf_free(&p);
	}
	if (st == BK_OK) {
		json_int_t want = election ? json_integer_value(json_object_get(election, "ballots")) : 0;
		json_object_set_new(index, "format", json_string("ballotkit-index/1"));
		json_object_set(index, "election", election ? election : json_null());
		json_object_set_new(index, "complete",
		                    json_boolean(election && want == (json_int_t)kits.n));
		json_object_set_new(index, "kits", list);
		list = NULL;
		qsort(stations, nstations, sizeof *stations, by_station);
		json_t *packing = json_array();
		bk_buf pdir = {0};
		bk_buf_printf(&pdir, "%s/packing", dir);
		if (nstations && bk_mkdirs(bk_buf_str(&pdir)))
			st = BK_ERR_IO;
		remove_stale_packing(bk_buf_str(&pdir), station_at);
		for (size_t s = 0; s < nstations && st == BK_OK; s++) {
			const json_t *info = stations[s].info;
			json_int_t n = json_integer_value(json_object_get(info, "copies"));
			bk_buf t = {0};
			const json_t *names = json_object_get(info, "name");
			bk_buf_printf(&t, "Station %lld (%s)\n", (long long)json_integer_value(
			                  json_object_get(info, "number")), jstr(info, "id"));
			const char *key;
			json_t *nm;
			json_object_foreach((json_t *)names, key, nm)
				bk_buf_printf(&t, "  %s: %s\n", key, json_string_value(nm));
			bk_buf_printf(&t, "Copies of each kit / Әр жинақтың данасы / "
			                  "Экземпляров каждого комплекта: %lld\n\n",
			              (long long)n);
			json_t *entry = json_object();
			json_object_set(entry, "station", (json_t *)info);
			json_t *names_of = json_array();
			size_t i;
			json_t *kv;
			json_array_foreach(stations[s].kits, i, kv) {
				size_t k = (size_t)json_integer_value(kv);
				json_array_append_new(names_of, json_string(kits.v[k]));
				bk_buf_printf(&t, "[ ] %s\n", kits.v[k]);
				const char *lk;
				json_t *title;
				json_object_foreach(titles[k], lk, title)
					bk_buf_printf(&t, "      %s: %s\n", lk, json_string_value(title));
			}
			json_object_set_new(entry, "kits", names_of);
			json_array_append_new(packing, entry);
			bk_buf f = {0};
			bk_buf_printf(&f, "%s/%s.txt", bk_buf_str(&pdir), jstr(info, "id"));
			if (write_text(bk_buf_str(&f), bk_buf_str(&t)))
				st = BK_ERR_IO;
			bk_buf_free(&f);
			bk_buf_free(&t);
		}
		json_object_set_new(index, "stations", packing);
		bk_buf csv = {0};
		bk_buf_add(&csv, "kit,file,copies,size,sha256\n");
		/* copies of each kit: the sum over the stations that receive it
		 * (one when the definition lists no stations) */
		for (size_t k = 0; k < kits.n; k++)
			for (const char *r = bk_buf_str(&rows[k]); *r;) {
				const char *comma = strchr(r, ','), *nl = strchr(r, '\n');
				bk_buf_printf(&csv, "%s,%.*s,%lld,%.*s\n", kits.v[k], (int)(comma - r), r,
				              (long long)(nstations ? copies[k] : 1),
				              (int)(nl - comma - 1), comma + 1);
				r = nl + 1;
			}
		bk_buf f = {0};
		bk_buf_printf(&f, "%s/print-quantities.csv", dir);
		if (st == BK_OK && write_text(bk_buf_str(&f), bk_buf_str(&csv)))
			st = BK_ERR_IO;
		bk_buf_truncate(&f, 0);
		bk_buf_printf(&f, "%s/index.json", dir);
		char *text = json_dumps(index, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		bk_buf_add(&f, "");
		if (st == BK_OK) {
			bk_buf t = {0};
			bk_buf_add(&t, text ? text : "null");
			bk_buf_addc(&t, '\n');
			if (write_text(bk_buf_str(&f), bk_buf_str(&t)))
				st = BK_ERR_IO;
			bk_buf_free(&t);
		}
		free(text);
		if (st == BK_ERR_IO)
			bk_diags_add(diags, BK_ERROR, "unwritable", dir, 0, 0, "",
			             "cannot write the index: %s", strerror(errno));
		bk_buf_free(&f);
		bk_buf_free(&csv);
		bk_buf_free(&pdir);
	}
	for (size_t s = 0; s < nstations; s++) {
		json_decref(stations[s].kits);
		json_decref((json_t *)stations[s].info);
	}
	free(stations);
	for (size_t k = 0; k < kits.n; k++) {
		json_decref(titles[k]);
		bk_buf_free(&rows[k]);
	}
	free(titles);
	free(rows);
	free(copies);
	json_decref(station_at);
	json_decref(list);
	json_decref(election);
	json_decref(index);
	bk_kit_paths_free(&kits);
	return st;
}
