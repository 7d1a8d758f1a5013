/* Private: a JSON document whose diagnostics are located by line, column and
 * path.
 *
 * jansson reports positions only for syntax errors. Checks therefore report
 * against a JSON path (jdoc_report), and jdoc_finish makes one pass over the
 * text with a small scanner that follows the same paths, fills in the line
 * and column of every reported path, finds duplicate keys (which jansson
 * silently merges), and hands the diagnostics over in file order. See
 * docs/validation-rules.md.
 */
#ifndef BK_JDOC_H
#define BK_JDOC_H

#include <jansson.h>
#include <stdbool.h>

#include "ballotkit/diag.h"
#include "util/util.h"

typedef struct jdoc_pending jdoc_pending;

typedef struct jdoc {
	char *name;          /* file name used in diagnostics */
	char *text;          /* the document's bytes (owned) */
	size_t len;
	size_t start;        /* bytes skipped at the start (a UTF-8 BOM) */
	json_t *root;        /* NULL when the text is not valid JSON */
	bool parsed;         /* the text is valid JSON (root may be dropped) */
	bki_buf path;         /* current path while checking */
	jdoc_pending *pending;
	size_t npending, cappending;
	size_t errors;       /* errors reported so far */
	bool nomem;          /* memory ran out (see jdoc_nomem) */
	/* the diagnostics list's limit per severity (bk_diags_set_limit):
	 * what is reported beyond it is counted, not held */
	size_t limit, held[3], omitted[3];
} jdoc;

/* Parses data (copied). Returns 0 on success; on invalid UTF-8 or invalid
 * JSON it appends one located "utf8"/"syntax" error to diags and returns -1;
 * when memory runs out, an "out-of-memory" error (then jdoc_nomem).
 * Either way call jdoc_free. */
int jdoc_parse(jdoc *d, const char *data, size_t size, const char *name,
               bk_diags *diags);
/* The same, taking over data (malloc'd, NUL-terminated at data[size];
 * NULL: memory ran out making it). */
int jdoc_parse_owned(jdoc *d, char *data, size_t size, const char *name,
                     bk_diags *diags);
void jdoc_free(jdoc *d);

/* A document as the files ballotkit writes for people and tools: two-space
 * indent, numbers with a decimal point whatever the locale (15 significant
 * digits), a final line break. malloc'd; NULL when memory runs out. */
char *bki_json_text(json_t *doc);

/* Path stack. push returns the previous length to pass to pop. */
size_t jdoc_push_key(jdoc *d, const char *key);
size_t jdoc_push_index(jdoc *d, size_t i);
void jdoc_pop(jdoc *d, size_t len);
const char *jdoc_path(const jdoc *d);
/* True when memory ran out: a diagnostic or the path could not be kept
 * (it counts as an error). The caller returns BK_ERR_NOMEM. */
bool jdoc_nomem(const jdoc *d);
/* p, marking the document out of memory when p is NULL. */
static inline void *jdoc_got(jdoc *d, void *p)
{
	if (!p)
		d->nomem = true;
	return p;
}
/* Appends to b the path of key under parent (the same spelling as push). */
void jdoc_path_append_key(bki_buf *b, const char *key);

/* Queues a diagnostic at the current path: at its value (at_key false) or at
 * its key (at_key true, for object members). */
void jdoc_report(jdoc *d, bk_severity sev, const char *kind, bool at_key,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same at an explicit path. */
void jdoc_report_at(jdoc *d, const char *path, bk_severity sev,
                    const char *kind, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The same with a va_list. */
void jdoc_vreport_at(jdoc *d, const char *path, bk_severity sev,
                     const char *kind, bool at_key, const char *fmt,
                     va_list ap) __attribute__((format(printf, 6, 0)));

/* Locates every queued diagnostic, adds duplicate-key errors, and appends
 * all of them to diags in file order (and "out-of-memory" when
 * jdoc_nomem). */
void jdoc_finish(jdoc *d, bk_diags *diags);

#endif
