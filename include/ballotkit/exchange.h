/* ballotkit: definitions exchanged with other election systems as NIST
 * SP 1500-20 BallotDefinition JSON (docs/nist-1500-20.md).
 */
#ifndef BALLOTKIT_EXCHANGE_H
#define BALLOTKIT_EXCHANGE_H

#include <stddef.h>

#include "ballotkit/common.h"
#include "ballotkit/definition.h"
#include "ballotkit/diag.h"

BK_BEGIN_DECLS

/* The definition held in data (size bytes, the text e was admitted from:
 * bk_election_admit_buffer) as a NIST SP 1500-20 BallotDefinition: JSON
 * text, two-space indent, a final line break, the same bytes for the same
 * definition (GeneratedDate is the election day). *out is NULL on
 * failure; free it with bk_free. */
BK_API bk_status bk_nist_export(char **out, const char *data, size_t size,
                                const bk_election *e, bk_diags *diags);

/* The definition a NIST SP 1500-20 BallotDefinition held in data (size
 * bytes; name is the file in diagnostics) describes, as JSON text; not
 * yet validated. A ballot is made of each pair of ballot style and
 * contest. language_map ("en=ru", commas between pairs; NULL for none)
 * says which of the file's languages stand for kk and ru; texts in any
 * other language are left out, with a note. What format 1 has no place
 * for (write-ins, other vote variations, other contests) is noted
 * (kind "no-place") at its JSON path in the file. *out is NULL on
 * failure; free it with bk_free. When origins is not NULL, *origins is a
 * JSON object (free with bk_free) from each record of the definition
 * ("$.candidates[3]") to the element of the file it came from
 * ("$.Election[0].Candidate[3]"), to report the validator's diagnostics
 * there. */
BK_API bk_status bk_nist_import(char **out, char **origins, const char *data,
                                size_t size, const char *name,
                                const char *language_map, bk_diags *diags);

/* Appends to out every diagnostic of in (a validation of the definition
 * bk_nist_import made, named made in its diagnostics) at the element of
 * file its record came from (origins, from bk_nist_import), naming the
 * definition's path in the message; the others unchanged. */
BK_API void bk_nist_relocate(const char *origins, const bk_diags *in,
                             const char *made, const char *file,
                             bk_diags *out);

BK_END_DECLS

#endif
