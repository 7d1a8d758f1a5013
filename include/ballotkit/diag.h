/* ballotkit: status codes and diagnostics, the one error type of the library.
 *
 * Every fallible call returns a bk_status and, when given a bk_diags list,
 * appends what went wrong: a severity, a stable kind ("unknown-field"), a
 * message a clerk can act on, and where (file, line, column, JSON path).
 */
#ifndef BALLOTKIT_DIAG_H
#define BALLOTKIT_DIAG_H

#include <stddef.h>
#include "ballotkit/common.h"

BK_BEGIN_DECLS

typedef enum bk_status {
	BK_OK = 0,
	BK_ERR_NOMEM = -1,   /* out of memory */
	BK_ERR_IO = -2,      /* a file could not be read or written */
	BK_ERR_INVALID = -3, /* the input data is invalid (see the diagnostics) */
	BK_ERR_USAGE = -4,   /* the caller passed a bad argument */
	BK_ERR_NOTFOUND = -5, /* a named ballot, language or template does not exist */
	BK_ERR_CONFIG = -6   /* a resource the installation must provide is
	                      * missing or broken: templates, fonts, braille
	                      * tables, eSpeak NG's voice data (the
	                      * diagnostics name its path) */
} bk_status;

typedef enum bk_severity {
	BK_NOTE = 0,
	BK_WARNING = 1,
	BK_ERROR = 2
} bk_severity;

/* A list of diagnostics. Opaque. */
typedef struct bk_diags bk_diags;
/* One diagnostic inside a list; valid while the list lives. Opaque. */
typedef struct bk_diag bk_diag;

/* Short English text for a status, e.g. "invalid data". Static string. */
BK_API const char *bk_status_string(bk_status status);

/* New empty list, or NULL when out of memory. Free with bk_diags_free. */
BK_API bk_diags *bk_diags_create(void);
/* Frees the list and its diagnostics. Accepts NULL. */
BK_API void bk_diags_free(bk_diags *diags);

/* A host's log: called with each diagnostic as it is reported to the
 * list, in the order the list has them, in the thread that reports it
 * (the thread that called the library; ballotkit adds to a list from one
 * thread at a time, so the callback is never called concurrently for one
 * list). Diagnostics added beyond the limit of bk_diags_set_limit are
 * passed too, though the list does not keep them; but the definition
 * loader holds its diagnostics until the document is read (they arrive
 * then, sorted by position) and only counts those past the limit
 * (bk_diags_omitted), so these never reach the callback. d is valid only
 * during the call. The callback must not add to or free the list. */
typedef void (*bk_diag_fn)(const bk_diag *d, void *arg);

/* Sets the list's log callback (NULL: none, a new list's setting); arg
 * is passed to it. Accepts a NULL list. */
BK_API void bk_diags_set_callback(bk_diags *diags, bk_diag_fn fn, void *arg);

/* Where a renderer's *_to function writes its bytes, instead of a path:
 * called with the output's bytes in order, in pieces of any size (len >
 * 0), in the thread that called the renderer. Returns BK_OK, or a failure
 * status: the renderer then stops writing, adds an "unwritable"
 * diagnostic and returns that status. What was written before a failure
 * is the host's to discard. */
typedef bk_status (*bk_write_fn)(void *arg, const void *data, size_t len);

/* Keeps at most limit diagnostics of each severity in the list; later
 * ones are counted, not kept, so a file with a million errors costs no
 * more memory than one with limit errors. 0, a new list's setting, keeps
 * them all. A limit set while the list holds more applies to what comes
 * after. Accepts NULL. */
BK_API void bk_diags_set_limit(bk_diags *diags, size_t limit);

/* Number of diagnostics kept in the list (what bk_diags_get reaches). */
BK_API size_t bk_diags_count(const bk_diags *diags);
/* Number of diagnostics of the given severity reported to the list, kept
 * or not. */
BK_API size_t bk_diags_count_severity(const bk_diags *diags, bk_severity sev);
/* Number of diagnostics of the given severity counted but not kept
 * (beyond the limit). */
BK_API size_t bk_diags_omitted(const bk_diags *diags, bk_severity sev);
/* The i-th diagnostic kept (0-based), or NULL when out of range.
 * Borrowed. */
BK_API const bk_diag *bk_diags_get(const bk_diags *diags, size_t i);

/* Fields of one diagnostic. Strings are borrowed from the list; file and
 * path are "" when unknown, line and column are 0 when unknown. d may be
 * NULL (then "" and 0). */
BK_API bk_severity bk_diag_severity(const bk_diag *d);
BK_API const char *bk_diag_kind(const bk_diag *d);
BK_API const char *bk_diag_message(const bk_diag *d);
BK_API const char *bk_diag_file(const bk_diag *d);
BK_API unsigned long bk_diag_line(const bk_diag *d);
BK_API unsigned long bk_diag_column(const bk_diag *d);
BK_API const char *bk_diag_path(const bk_diag *d);

/* One diagnostic as one line of text, the way every ballotkit tool shows
 * it: "FILE:LINE:COLUMN: SEVERITY: MESSAGE [KIND] at PATH". The column
 * is left out when it is 0 (a table's row: "FILE:ROW: ..."), the position
 * when it is unknown (and the file too when that is unknown), and
 * " at PATH" when the path is "" or "$". No newline. Writes at most size
 * bytes into buf, always NUL-terminated when size > 0 (buf may be NULL
 * when size is 0), and returns the length of the whole line, as snprintf
 * does: a return >= size means the line was cut. d may be NULL (""). */
BK_API size_t bk_diag_format(const bk_diag *d, char *buf, size_t size);

/* Frees memory the library handed to the caller ("free with bk_free").
 * Accepts NULL. */
BK_API void bk_free(void *p);

/* "error", "warning" or "note". Static string. */
BK_API const char *bk_severity_string(bk_severity sev);

/* The most bytes the library reads from one input file: the definition
 * or any file in the templates folder. A larger one is refused before it
 * is read (an "unreadable" error naming its size and the cap), as is any
 * file that is not a regular file (a folder, FIFO or device). Other files
 * read whole (a kit's, by verify) have a fixed ceiling of 1 GiB.
 * Process-wide; set it before other calls. The default is
 * BK_MAX_INPUT_SIZE_DEFAULT. Returns BK_ERR_USAGE for 0. */
#define BK_MAX_INPUT_SIZE_DEFAULT (256ull << 20) /* 256 MiB */
BK_API bk_status bk_set_max_input_size(unsigned long long bytes);
BK_API unsigned long long bk_max_input_size(void);

BK_END_DECLS

#endif
