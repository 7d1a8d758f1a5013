/* Where renderers write: the host's write callback, a FILE *, or a file
 * written under a temporary name and renamed into place; and diagnostics
 * packed into bytes for a worker's pipe. */
#include "diag/diag-private.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/util.h"

bool bki_sink_write(bki_sink *s, const void *data, size_t len)
{
	if (s->status != BK_OK)
		return false;
	if (!len)
		return true;
	bk_status st = s->write(s->arg, data, len);
	/* a callback that returns no known failure still failed */
	if (st != BK_OK)
		s->status = st < BK_ERR_CONFIG || st > BK_OK ? BK_ERR_IO : st;
	return s->status == BK_OK;
}

bk_status bki_sink_failed(const bki_sink *s, const char *name, const char *what,
                         bk_status fallback, bk_diags *diags)
{
	if (s->status == BK_OK)
		return fallback;
	/* a file: the system's reason (what the path functions report) */
	if (s->write == bki_write_stdio) {
		bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
		             "cannot write %s: %s", what, strerror(errno));
		return s->status;
	}
	bki_diags_add(diags, BK_ERROR, "unwritable", name, 0, 0, "",
	             "cannot write %s: the write callback returned \"%s\"", what,
	             bk_status_string(s->status));
	return s->status;
}

bk_status bki_write_stdio(void *arg, const void *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)arg) == len ? BK_OK : BK_ERR_IO;
}

bk_status bki_write_atomic(const char *path, bki_render_fn render, void *ctx,
                          bk_diags *diags)
{
	bki_atomic a;
	if (bki_atomic_open(&a, path)) {
		if (errno == ENOMEM)
			return bki_diags_nomem(diags, path, "", "opening the file");
		bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
		             "cannot write: %s", strerror(errno));
		return BK_ERR_IO;
	}
	bk_status st = render(ctx, bki_write_stdio, a.f, path, diags);
	if (st != BK_OK) {
		bki_atomic_abort(&a);
		return st;
	}
	if (bki_atomic_commit(&a)) {
		bki_diags_add(diags, BK_ERROR, "unwritable", path, 0, 0, "",
		             "cannot write: %s", strerror(errno));
		return BK_ERR_IO;
	}
	return BK_OK;
}

/* Packed: severity, line and column as three uint64_t in the machine's
 * order (the pipe stays on one machine), then kind, message, file and
 * path, each ending in a NUL. */
void bki_diag_pack(const bk_diag *d, bki_buf *out)
{
	uint64_t head[3] = {(uint64_t)bk_diag_severity(d), bk_diag_line(d),
	                    bk_diag_column(d)};
	bki_buf_addn(out, (const char *)head, sizeof head);
	const char *s[4] = {bk_diag_kind(d), bk_diag_message(d), bk_diag_file(d),
	                    bk_diag_path(d)};
	for (size_t i = 0; i < 4; i++)
		bki_buf_addn(out, s[i], strlen(s[i]) + 1);
}

bool bki_diag_unpack(const char *data, size_t len, bk_diag_fn fn, void *arg)
{
	uint64_t head[3];
	const char *s[4];
	if (len < sizeof head)
		return false;
	memcpy(head, data, sizeof head);
	if (head[0] > BK_ERROR)
		return false;
	const char *p = data + sizeof head, *end = data + len;
	for (size_t i = 0; i < 4; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return false;
		s[i] = p;
		p = nul + 1;
	}
	if (p != end)
		return false;
	bk_diags *one = bk_diags_create();
	if (!one)
		return false;
	bk_diags_set_callback(one, fn, arg);
	bki_diags_add(one, (bk_severity)head[0], s[0], s[2],
	             (unsigned long)head[1], (unsigned long)head[2], s[3], "%s",
	             s[1]);
	bk_diags_free(one);
	return true;
}
