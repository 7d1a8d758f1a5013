/* Private to the verify stage: one kit being checked, the record of the
 * checks, and one checker per output family (verify-*.c). Checkers read
 * files with the decoders of ballotkit/decode.h and never call a writer. */
#ifndef BK_VERIFY_PRIVATE_H
#define BK_VERIFY_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>

#include "ballotkit/braille.h"
#include "ballotkit/speech.h"
#include "ballotkit/verify.h"
#include "util/util.h"

#define BK_KIT_MANIFEST "manifest.json"
#define BK_KIT_SUMS "SHA256SUMS"

/* The file families a kit may hold (docs/kits.md); which ones it must hold
 * follows from its outputs. */
enum {
	VO_AUDIO_MP3 = 1u << 0,
	VO_AUDIO_POSITIONS = 1u << 1,
	VO_AUDIO_DAISY = 1u << 2,
	VO_AUDIO_TRANSCRIPT = 1u << 3,
	VO_AUDIO_CAPTIONS = 1u << 4,
	VO_AUDIO_REVIEW = 1u << 5,
	VO_STENCIL_PRINT = 1u << 6,
	VO_STENCIL_SWELL = 1u << 7,
	VO_STENCIL_SVG = 1u << 8,
	VO_STENCIL_PROOF = 1u << 9,
	VO_BRAILLE_BRF = 1u << 10,
	VO_BRAILLE_PEF = 1u << 11,
	VO_BRAILLE_SWELL = 1u << 12,
	VO_LARGE_PRINT = 1u << 13,
	VO_LEAFLET_BRF = 1u << 14,
	VO_LEAFLET_PEF = 1u << 15,
	VO_LEAFLET_SWELL = 1u << 16,
	VO_LEAFLET_LARGE_PRINT = 1u << 17,
	VO_AUDIO_OTHER = 1u << 18 /* on-request formats (WAV, FLAC, Ogg...) */
};

/* One check in the record. */
typedef struct vcheck {
	char *kit, *file, *check, *note;
	bk_check_outcome outcome;
} vcheck;

struct bk_verifier {
	const bk_templates *tpl;
	const bk_election *e;
	bk_verify_level level;
	bool partial;               /* a kit may hold less than the definition
	                             * names (options, and BK_VERIFY_BUILD) */
	bk_braille *braille;        /* back-translation; NULL when no table loads */
	bk_speech *speech;          /* the voice of the kit being checked */
	bk_speech_options speech_opt;
	bool speech_tried;
	vcheck *checks;
	size_t nchecks, cap;
	bk_verify_check view;       /* what bk_verifier_check hands out */
	bool nomem;                 /* memory ran out while checking: the
	                             * check says BK_ERR_NOMEM */
};

/* A leaflet a kit holds or must hold: its files' common name
 * ("NN-kind-id-lang"), whose it is and in which language. */
typedef struct vleaflet {
	char *base;
	char *kind, *id, *lang;
	unsigned number;            /* the position it belongs to */
} vleaflet;

/* One kit being checked. */
typedef struct vkit {
	bk_verifier *v;
	bk_diags *diags;
	size_t errors;              /* errors reported for this kit */
	const char *dir;            /* its folder on disk */
	const char *name;           /* its name in reports */
	json_t *manifest;
	const char *ballot;
	size_t nlangs;
	const char *langs[2];
	json_t *script[2];          /* the reference script of each language */
	unsigned outputs;           /* VO_* the kit must hold */
	uint32_t other_audio;       /* the on-request audio outputs (WAV, FLAC,
	                             * Vorbis, Opus, phone): BK_OUTPUT_BIT()s */
	vleaflet *leaflets;
	size_t nleaflets;
	bool leaflets_known;        /* from the definition (else from the files) */
} vkit;

/* ---- the record ---- */

/* Forgets the checks recorded so far (a new folder is being checked). */
void vk_clear_record(bk_verifier *v);

/* Starts a check of file (relative to the kit) and returns its index; it
 * passes unless vk_fail is called for it. */
/* p, and k's check out of memory (BK_ERR_NOMEM) when p is NULL. */
static inline void *vk_got(vkit *k, void *p)
{
	if (!p)
		k->v->nomem = true;
	return p;
}

size_t vk_check(vkit *k, const char *file, const char *check);
/* Records a check that did not run, and why (it does not fail the kit). */
void vk_not_run(vkit *k, const char *file, const char *check,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A problem of check c: an error in the diagnostics (kind = the check,
 * file = kit/file, path "position N" when position is not 0). */
void vk_fail(vkit *k, size_t c, unsigned position, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool vk_failed(const vkit *k, size_t c);

/* ---- reading ---- */

/* kit dir + file, in b; returns bki_buf_str(b). */
const char *vk_path(const vkit *k, bki_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reads a file of the kit (relative path); on failure reports it under
 * check c as missing or unreadable and returns false. */
bool vk_read(vkit *k, size_t c, const char *file, char **data, size_t *n);
/* Starts the check of file (vk_check, its index in *c) and reads the file
 * (vk_read): the opening every checker of one file shares. */
bool vk_check_read(vkit *k, const char *file, const char *check,
                   size_t *c, char **data, size_t *n);
/* A decoder of src/decode for vk_decode: data (n bytes, named file) into
 * out. */
typedef bk_status (*vk_decoder)(const char *data, size_t n, const char *file,
                                void *out, bk_diags *d);
/* Reads file of the kit (vk_read) and decodes it with decode into out;
 * false, reported under check c ("cannot be read: " and the decoder's
 * first message), when either fails. */
bool vk_decode(vkit *k, size_t c, const char *file, vk_decoder decode,
               void *out);
bool vk_exists(const vkit *k, const char *file);
/* A JSON object's string member, or "". */
const char *vk_str(const json_t *o, const char *key);
/* The reference positions and segments of language l. */
json_t *vk_positions(const vkit *k, size_t l);
/* How many stencil sheets the script's positions fill. */
unsigned vk_sheet_count(const vkit *k);
unsigned vk_position_number(const vkit *k, size_t l, size_t i);
/* s without white space, for print text that may wrap anywhere. */
void vk_no_space(const char *s, bki_buf *out);
/* The first message of d, or "". */
const char *vk_first(const bk_diags *d);

/* ---- checkers, one per family ---- */

void vk_check_braille(vkit *k);     /* verify-braille.c: lists, leaflets */
void vk_check_print(vkit *k);       /* verify-print.c: large print */
void vk_check_stencil(vkit *k);     /* verify-stencil.c */
void vk_check_audio(vkit *k);       /* verify-audio.c */
/* verify-job.c: bk_verify_print_job */
/* verify-packing.c: the packing lists (text and PDF) of a kits folder's
 * stations, against its index, reported under top */
void vk_check_packing(vkit *top, const json_t *index);

/* The voice of the kit (as its manifest says it was set), or NULL with
 * the reason reported under check c. */
bk_speech *vk_voice(vkit *k, size_t c);

#endif
