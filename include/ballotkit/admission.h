/* ballotkit: admission, the one check a definition passes before anything
 * is made from it.
 *
 * bk_election_admit reads and validates a definition like bk_election_load
 * and, while the document is still open (so that every problem is located
 * by file, line, column and JSON path), checks what building its kits
 * needs:
 * - every text an output renders can be brailled with the tables the
 *   definition names and reads back as itself, and every text the voice
 *   speaks holds only characters the voice reads (a spelling derived from
 *   another is reported at the field it comes from, with the derived
 *   text);
 * - the braille tables the definition names exist and are of the right
 *   language;
 * - the stencil of every ballot can be laid out (paper.overrides);
 * - the resources of the installation: the fonts the templates name, the
 *   braille tables, eSpeak NG's voice data.
 * `ballotkit validate` and `ballotkit build` both use it, so a definition
 * validate refuses makes build write nothing. Rules and kinds:
 * docs/validation-rules.md; design: docs/architecture.md, "Admission".
 */
#ifndef BALLOTKIT_ADMISSION_H
#define BALLOTKIT_ADMISSION_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/stencil.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

/* Reads, validates and admits the definition at path with the templates
 * tpl (borrowed; must outlive the election). stencil: the options build
 * will lay stencils out with (NULL: BK_STENCIL_OPTIONS_INIT). Every
 * diagnostic goes to diags (may be NULL). Returns BK_OK and sets *out
 * (owned by the caller; free with bk_election_free) when there is no
 * error; BK_ERR_IO when the file cannot be read; BK_ERR_CONFIG when a
 * resource of the installation is missing (the diagnostic names its
 * path; the definition's own problems are reported too); BK_ERR_INVALID
 * when the definition has errors. Forks a child process for a moment (it
 * starts eSpeak NG with each voice): call it from a single-threaded
 * process. */
BK_API bk_status bk_election_admit(bk_election **out, const char *path,
                                   const bk_templates *tpl,
                                   const bk_stencil_options *stencil,
                                   bk_diags *diags);

/* The same for a definition in memory (need not be NUL-terminated; not
 * kept); name is the file in diagnostics. */
BK_API bk_status bk_election_admit_buffer(bk_election **out, const char *data,
                                          size_t size, const char *name,
                                          const bk_templates *tpl,
                                          const bk_stencil_options *stencil,
                                          bk_diags *diags);

BK_END_DECLS

#endif
