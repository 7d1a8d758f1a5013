/* Fuzz target for the definition parser and validator (libFuzzer). Built
 * with -Dfuzzing=true and clang; tests/fuzz/replay.c runs the same target
 * over the stored corpus in every ordinary build. */
#include <ballotkit.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bk_templates *tpl;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tpl && bk_templates_open(&tpl, NULL, NULL) != BK_OK)
		abort();
	bk_diags *d = bk_diags_create();
	bk_election *e = NULL;
	if (bk_election_load_buffer(&e, (const char *)data, size, "fuzz", tpl, d) == BK_OK) {
		for (size_t i = 0; i < bk_election_ballot_count(e); i++) {
			for (size_t l = 0; l < bk_election_language_count(e); l++) {
				bk_script *s = NULL;
				if (bk_script_create(&s, e, bk_election_ballot_id(e, i),
				                     bk_election_language(e, l), tpl, d) != BK_OK)
					abort(); /* a valid election always has scripts */
				bk_script_free(s);
			}
		}
	}
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const bk_diag *x = bk_diags_get(d, i);
		if (!bk_diag_message(x)[0])
			abort(); /* every diagnostic says something */
	}
	bk_election_free(e);
	bk_diags_free(d);
	return 0;
}
