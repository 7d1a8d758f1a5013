/* ballotkit: verifying kits. Every file a kit holds is decoded with the
 * decoders of ballotkit/decode.h (which share no code with the writers)
 * and compared with the reference: the ballot scripts made afresh from
 * the definition when one is given, else the kit's own scripts (then only
 * the kit's internal consistency is shown). Which files a kit must hold
 * follows from the outputs it was built with; a missing file is a
 * failure, and so is a file that cannot be decoded. Every check that ran
 * is recorded with its outcome. Checks and rules: docs/kits.md.
 */
#ifndef BALLOTKIT_VERIFY_H
#define BALLOTKIT_VERIFY_H

#include <stddef.h>
#include "ballotkit/common.h"
#include "ballotkit/diag.h"
#include "ballotkit/definition.h"
#include "ballotkit/templates.h"

BK_BEGIN_DECLS

/* The format of the kits' manifests (manifest.json "format") that build
 * writes and verify reads. */
#define BK_KIT_FORMAT "ballotkit-kit/2"
/* The folder of a kits folder DIR that holds the kits: DIR/kits/<kit>/. */
#define BK_KITS_FOLDER "kits"

/* A print job's ticket (ballotkit/press.h makes jobs): its format and
 * the files of a job folder that name what it holds. */
#define BK_PRINT_JOB_FORMAT "ballotkit-print-job/1"
#define BK_PRINT_JOB_TICKET "job-ticket.json"
#define BK_PRINT_JOB_TICKET_CSV "job-ticket.csv"

typedef struct bk_verifier bk_verifier;

/* How much is checked. */
typedef enum bk_verify_level {
	BK_VERIFY_FULL = 0,  /* everything, the audio content included (each
	                      * chapter against a fresh synthesis) */
	BK_VERIFY_QUICK = 1, /* everything but the audio content, which is
	                      * recorded as not run */
	BK_VERIFY_BUILD = 2  /* the checks build runs on a kit before it is put
	                      * in place: files the outputs call for, the
	                      * scripts against the definition, the braille
	                      * read back from BRF and PEF, the MP3s' chapter
	                      * structure */
} bk_verify_level;

typedef struct bk_verify_options {
	unsigned int version;          /* BK_VERIFY_OPTIONS_VERSION */
	const bk_election *election;   /* the reference (borrowed), or NULL */
	bk_verify_level level;
	int partial;                   /* with a definition: a kit may hold fewer
	                                * outputs and languages than it names
	                                * (build --formats, --lang); what a kit
	                                * lacks is recorded as not run instead of
	                                * failing (always so at BK_VERIFY_BUILD) */
} bk_verify_options;
#define BK_VERIFY_OPTIONS_VERSION 1
#define BK_VERIFY_OPTIONS_INIT {BK_VERIFY_OPTIONS_VERSION, NULL, BK_VERIFY_FULL, 0}

/* A verifier: the reference, a voice and braille tables, made once for
 * many kits. tpl and opt->election are borrowed and must outlive it.
 * *out is owned by the caller; free with bk_verifier_free. */
BK_API bk_status bk_verifier_create(bk_verifier **out, const bk_templates *tpl,
                                    const bk_verify_options *opt,
                                    bk_diags *diags);
/* Accepts NULL. */
BK_API void bk_verifier_free(bk_verifier *v);

/* Checks the kits of the folder dir: every kit of its index is there with
 * the manifest the index names, and (with a definition) every ballot has
 * a kit; then every kit as bk_verify_kit does. Each problem is an error in
 * diags: kind = the check, file = the file relative to dir, path =
 * "position N" where one is at fault. Returns BK_OK, BK_ERR_INVALID on any
 * problem, or BK_ERR_IO when dir or its index cannot be read. */
BK_API bk_status bk_verify_folder(bk_verifier *v, const char *dir,
                                  bk_diags *diags);

/* Checks one kit in the folder kit_dir, reported under the name kit (its
 * folder's name in a kits folder). Returns as bk_verify_folder. */
BK_API bk_status bk_verify_kit(bk_verifier *v, const char *kit_dir,
                               const char *kit, bk_diags *diags);

/* Checks the packing lists of the kits folder dir (packing/STATION.txt
 * and .pdf) against its index.json, as bk_verify_folder does among its
 * checks: build and index run it on what they wrote. Returns as
 * bk_verify_folder. */
BK_API bk_status bk_verify_packing(bk_verifier *v, const char *dir,
                                   bk_diags *diags);

/* Checks the print job in job_dir against the kits folder it was made
 * from (kits_dir): the ticket's stencils are the stencil rows of
 * print-quantities.csv with their SHA-256 and copies, each stencil page
 * is placed copies times, no two slots overlap with their bleeds and all
 * lie on the sheet; every file's SHA-256, PDF/X-4 and sheet size; and each
 * sheet decoded: its CutContour and Braille separations are, slot by
 * slot, the stencil page's own moved to the slot, with nothing outside
 * the slots. Returns as bk_verify_folder (kind = the check, file = the
 * job folder's file). */
BK_API bk_status bk_verify_print_job(bk_verifier *v, const char *job_dir,
                                     const char *kits_dir, bk_diags *diags);
/* Whether bk_verify_print_job can decode the slots of a stencil of that
 * kit file name (a print or a swell stencil PDF, by its ending): what a
 * kind of templates/print/job.json may impose. 1 or 0. */
BK_API int bk_verify_print_job_decodes(const char *file);

/* The checks run so far, in the order they ran: one per kit, file and
 * check. */
typedef enum bk_check_outcome {
	BK_CHECK_PASSED = 0,
	BK_CHECK_FAILED = 1,
	BK_CHECK_NOT_RUN = 2 /* why: the note */
} bk_check_outcome;

typedef struct bk_verify_check {
	const char *kit;    /* the kit's name, "" for the folder's own files */
	const char *file;   /* relative to the verified folder */
	const char *check;  /* e.g. "braille-list", "audio-content" */
	bk_check_outcome outcome;
	const char *note;   /* why it did not run, or "" */
} bk_verify_check;

BK_API size_t bk_verifier_check_count(const bk_verifier *v);
/* The i-th check, or NULL when out of range. Borrowed from v; valid until
 * the next call that verifies. */
BK_API const bk_verify_check *bk_verifier_check(const bk_verifier *v,
                                                size_t i);
/* Whether the reference was a definition (the scripts made afresh), or
 * only the kits' own scripts (internal consistency). */
BK_API int bk_verifier_has_definition(const bk_verifier *v);

/* "passed", "failed" or "not run". Static string. */
BK_API const char *bk_check_outcome_string(bk_check_outcome outcome);

BK_END_DECLS

#endif
