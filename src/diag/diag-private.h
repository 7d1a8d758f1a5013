/* Private: appending diagnostics. */
#ifndef BK_DIAG_PRIVATE_H
#define BK_DIAG_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>

#include "ballotkit/diag.h"

struct bki_buf;

/* Appends a diagnostic; diags may be NULL (then nothing happens). Strings
 * are copied. */
void bki_diags_add(bk_diags *diags, bk_severity sev, const char *kind,
                  const char *file, unsigned long line, unsigned long column,
                  const char *path, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* A diagnostic the list has no memory for is counted as omitted
 * (bk_diags_count_severity still sees it). */

/* Reports that memory ran out ("out of memory while WHAT", kind
 * "out-of-memory"; file and path as for bki_diags_add, may be NULL) and
 * returns BK_ERR_NOMEM. */
bk_status bki_diags_nomem(bk_diags *diags, const char *file, const char *path,
                         const char *what);

/* The list's log callback and its argument (NULL, NULL when none or for
 * a NULL list), for one who puts another in front of it for a while. */
void bki_diags_get_callback(const bk_diags *diags, bk_diag_fn *fn, void **arg);

/* A diagnostic as bytes and back, for a worker process that sends its
 * diagnostics to its parent through a pipe: bki_diag_pack appends d to
 * out; bki_diag_unpack passes the diagnostic packed in data (len bytes,
 * as one bki_diag_pack gave them) to fn, and returns false, calling
 * nothing, when they are not one. (src/diag/sink.c) */
void bki_diag_pack(const bk_diag *d, struct bki_buf *out);
bool bki_diag_unpack(const char *data, size_t len, bk_diag_fn fn, void *arg);

/* ---- where renderers write (src/diag/sink.c) ---- */

/* The host's write callback behind a renderer, and its first failure:
 * once it has failed nothing more is passed to it. */
typedef struct bki_sink {
	bk_write_fn write;
	void *arg;
	bk_status status; /* BK_OK until the callback fails */
} bki_sink;

/* Passes len bytes to the callback (nothing for len 0); false when it
 * failed, now or before. */
bool bki_sink_write(bki_sink *s, const void *data, size_t len);

/* After a renderer's output failed: when the sink's callback failed,
 * adds the "unwritable" diagnostic naming name ("cannot write WHAT: the
 * write callback returned STATUS", or the system's reason from errno for
 * bki_write_stdio) and returns the callback's status; otherwise returns
 * fallback and adds nothing. */
bk_status bki_sink_failed(const bki_sink *s, const char *name, const char *what,
                         bk_status fallback, bk_diags *diags);

/* A bk_write_fn writing to the FILE * arg; BK_ERR_IO on a short write
 * (errno says why). */
bk_status bki_write_stdio(void *arg, const void *data, size_t len);

/* A renderer that writes through write(arg), naming its output name in
 * messages: what the *_to functions and the path functions share. */
typedef bk_status (*bki_render_fn)(void *ctx, bk_write_fn write, void *arg,
                                  const char *name, bk_diags *diags);

/* The path variant of a renderer: opens a temporary file beside path
 * (bki_atomic_open), renders into it through bki_write_stdio, and renames it
 * into place; when the renderer fails, the temporary file is removed and
 * its status returned, so no half-written file is ever at path.
 * BK_ERR_IO with an "unwritable" diagnostic naming path when the file
 * cannot be made or committed. */
bk_status bki_write_atomic(const char *path, bki_render_fn render, void *ctx,
                          bk_diags *diags);

/* The list's limit per severity (0: none; 0 for a NULL list). */
size_t bki_diags_limit(const bk_diags *diags);
/* Counts n diagnostics of severity sev that were reported but not kept
 * (one who holds diagnostics before adding them, as a JSON document does,
 * applies the limit itself and passes on the count). */
void bki_diags_add_omitted(bk_diags *diags, bk_severity sev, size_t n);

/* The version check of a public option struct, the way libgit2 does it:
 * a caller built against an older header (1 .. current) is accepted, and
 * the fields that version lacks take their defaults (the caller of this
 * function copies the struct into one of the current version). Version 0
 * and anything newer than the library are refused with a "usage" error
 * naming the struct (e.g. "bk_kit_options"), and false is returned. */
bool bki_struct_version_ok(unsigned version, unsigned current,
                          const char *name, bk_diags *diags);

/* The caller's option struct *src of a struct that has one version only
 * (its first member is `unsigned version`), checked as above and copied
 * into *dst (size bytes), whose version is then current; with src NULL,
 * *dst keeps its defaults. The one home of every single-version create
 * function's option check (bk_audio_create, bk_speech_create,
 * bk_import_create). A struct that has grown (bk_kit_options) copies by
 * version itself: an older caller's struct is shorter than size. */
bool bki_options_take(void *dst, const void *src, size_t size,
                      unsigned current, const char *name, bk_diags *diags);

#endif
