#include "diag/diag-private.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "util/util.h"

struct bk_diag {
	bk_severity severity;
	char *kind;
	char *message;
	char *file;
	char *path;
	unsigned long line, column;
};

struct bk_diags {
	bk_diag *items;
	size_t count, cap;
	size_t limit;      /* per severity; 0: keep all */
	size_t kept[3];    /* per severity */
	size_t omitted[3]; /* per severity: counted, not kept */
	bk_diag_fn log;    /* the host's log, or NULL */
	void *log_arg;
};

/* The index of a severity in kept[] and omitted[]. */
static size_t sev_index(bk_severity sev)
{
	return sev == BK_NOTE ? 0 : sev == BK_WARNING ? 1 : 2;
}

const char *bk_status_string(bk_status status)
{
	switch (status) {
	case BK_OK: return "success";
	case BK_ERR_NOMEM: return "out of memory";
	case BK_ERR_IO: return "input/output error";
	case BK_ERR_INVALID: return "invalid data";
	case BK_ERR_USAGE: return "invalid argument";
	case BK_ERR_NOTFOUND: return "not found";
	case BK_ERR_CONFIG: return "a resource of the installation is missing";
	}
	return "unknown status";
}

const char *bk_severity_string(bk_severity sev)
{
	switch (sev) {
	case BK_NOTE: return "note";
	case BK_WARNING: return "warning";
	case BK_ERROR: return "error";
	}
	return "error";
}

size_t bk_diag_format(const bk_diag *d, char *buf, size_t size)
{
	if (size && buf)
		buf[0] = '\0';
	if (!d)
		return 0;
	char pos[64] = "";
	const char *file = bk_diag_file(d);
	if (bk_diag_line(d) && bk_diag_column(d))
		snprintf(pos, sizeof pos, ":%lu:%lu", bk_diag_line(d), bk_diag_column(d));
	else if (bk_diag_line(d)) /* a row of a table: no column */
		snprintf(pos, sizeof pos, ":%lu", bk_diag_line(d));
	const char *path = bk_diag_path(d);
	bool at = *path && strcmp(path, "$") != 0;
	int n = snprintf(buf, buf ? size : 0, "%s%s%s%s: %s [%s]%s%s", file, pos,
	                 *file || *pos ? ": " : "",
	                 bk_severity_string(bk_diag_severity(d)), bk_diag_message(d),
	                 bk_diag_kind(d), at ? " at " : "", at ? path : "");
	return n < 0 ? 0 : (size_t)n;
}

bool bki_struct_version_ok(unsigned version, unsigned current,
                          const char *name, bk_diags *diags)
{
	if (version >= 1 && version <= current)
		return true;
	bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
	             "%s has version %u; this library knows versions 1 to %u "
	             "(initialise it with its _INIT macro)",
	             name, version, current);
	return false;
}

bool bki_options_take(void *dst, const void *src, size_t size,
                      unsigned current, const char *name, bk_diags *diags)
{
	if (!src)
		return true;
	unsigned version;
	memcpy(&version, src, sizeof version);
	if (!bki_struct_version_ok(version, current, name, diags))
		return false;
	memcpy(dst, src, size);
	memcpy(dst, &current, sizeof current);
	return true;
}

void bk_free(void *p)
{
	free(p);
}

bk_diags *bk_diags_create(void)
{
	return bki_calloc(1, sizeof(bk_diags));
}

void bk_diags_free(bk_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->count; i++) {
		bk_diag *d = &diags->items[i];
		free(d->kind);
		free(d->message);
		free(d->file);
		free(d->path);
	}
	free(diags->items);
	free(diags);
}

/* Passes a diagnostic beyond the limit, which the list does not keep, to
 * the log callback. */
static void log_omitted(bk_diags *diags, bk_severity sev, const char *kind,
                        const char *file, unsigned long line,
                        unsigned long column, const char *path,
                        const char *fmt, va_list ap)
{
	bki_buf msg = {0};
	bki_buf_vprintf(&msg, fmt, ap);
	bk_diag d = {sev, (char *)(kind ? kind : ""), (char *)bki_buf_str(&msg),
	             (char *)(file ? file : ""), (char *)(path ? path : ""),
	             line, column};
	diags->log(&d, diags->log_arg);
	bki_buf_free(&msg);
}

void bki_diags_add(bk_diags *diags, bk_severity sev, const char *kind,
                  const char *file, unsigned long line, unsigned long column,
                  const char *path, const char *fmt, ...)
{
	if (!diags)
		return;
	size_t k = sev_index(sev);
	va_list ap;
	va_start(ap, fmt);
	if (diags->limit && diags->kept[k] >= diags->limit) {
		diags->omitted[k]++;
		if (diags->log)
			log_omitted(diags, sev, kind, file, line, column, path, fmt, ap);
		va_end(ap);
		return;
	}
	void *v = diags->items;
	bool room = bki_array_room(&v, &diags->cap, diags->count,
	                           sizeof *diags->items);
	diags->items = v;
	if (!room) {
		diags->omitted[k]++;
		va_end(ap);
		return;
	}
	bki_buf msg = {0};
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	bk_diag d = {sev, bki_strdup(kind ? kind : ""), bki_buf_steal(&msg),
	             bki_strdup(file ? file : ""), bki_strdup(path ? path : ""),
	             line, column};
	if (!d.kind || !d.message || !d.file || !d.path) {
		/* out of memory: counted, as one beyond the limit is */
		free(d.kind);
		free(d.message);
		free(d.file);
		free(d.path);
		diags->omitted[k]++;
		return;
	}
	diags->kept[k]++;
	diags->items[diags->count++] = d;
	if (diags->log)
		diags->log(&diags->items[diags->count - 1], diags->log_arg);
}

bk_status bki_diags_nomem(bk_diags *diags, const char *file, const char *path,
                         const char *what)
{
	bki_diags_add(diags, BK_ERROR, "out-of-memory", file, 0, 0, path,
	             "out of memory while %s", what);
	return BK_ERR_NOMEM;
}

void bk_diags_set_callback(bk_diags *diags, bk_diag_fn fn, void *arg)
{
	if (!diags)
		return;
	diags->log = fn;
	diags->log_arg = arg;
}

void bki_diags_get_callback(const bk_diags *diags, bk_diag_fn *fn, void **arg)
{
	*fn = diags ? diags->log : NULL;
	*arg = diags ? diags->log_arg : NULL;
}

size_t bk_diags_count(const bk_diags *diags)
{
	return diags ? diags->count : 0;
}

size_t bk_diags_count_severity(const bk_diags *diags, bk_severity sev)
{
	if (!diags)
		return 0;
	size_t k = sev_index(sev);
	return diags->kept[k] + diags->omitted[k];
}

size_t bk_diags_omitted(const bk_diags *diags, bk_severity sev)
{
	return diags ? diags->omitted[sev_index(sev)] : 0;
}

void bk_diags_set_limit(bk_diags *diags, size_t limit)
{
	if (diags)
		diags->limit = limit;
}

size_t bki_diags_limit(const bk_diags *diags)
{
	return diags ? diags->limit : 0;
}

void bki_diags_add_omitted(bk_diags *diags, bk_severity sev, size_t n)
{
	if (diags)
		diags->omitted[sev_index(sev)] += n;
}

bk_status bk_set_max_input_size(unsigned long long bytes)
{
	if (!bytes)
		return BK_ERR_USAGE;
	bki_input_cap_set(bytes);
	return BK_OK;
}

unsigned long long bk_max_input_size(void)
{
	return bki_input_cap();
}

const bk_diag *bk_diags_get(const bk_diags *diags, size_t i)
{
	return diags && i < diags->count ? &diags->items[i] : NULL;
}

/* The accessors accept NULL (what bk_diags_get gives out of range). */
bk_severity bk_diag_severity(const bk_diag *d) { return d ? d->severity : BK_NOTE; }
const char *bk_diag_kind(const bk_diag *d) { return d ? d->kind : ""; }
const char *bk_diag_message(const bk_diag *d) { return d ? d->message : ""; }
const char *bk_diag_file(const bk_diag *d) { return d ? d->file : ""; }
unsigned long bk_diag_line(const bk_diag *d) { return d ? d->line : 0; }
unsigned long bk_diag_column(const bk_diag *d) { return d ? d->column : 0; }
const char *bk_diag_path(const bk_diag *d) { return d ? d->path : ""; }
