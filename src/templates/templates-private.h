/* Private: the loaded contents of templates/. */
#ifndef BK_TEMPLATES_PRIVATE_H
#define BK_TEMPLATES_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ballotkit/templates.h"
#include "util/util.h"

enum bk_lang { BK_LANG_KK = 0, BK_LANG_RU = 1, BK_LANG_COUNT = 2 };
extern const char *const bki_lang_codes[BK_LANG_COUNT];
/* Index of a language code, or -1. */
int bki_lang_index(const char *code);

enum { BK_KIND_PARTY_LIST = 1, BK_KIND_SINGLE_MANDATE = 2 };

typedef struct bki_stencil_tpl {
	char *id;
	char *name;
	char *source;      /* "measured" or "assumed" */
	unsigned kinds;    /* BK_KIND_* bits */
	double paper_w, paper_h;
	int face;
	char *corner;      /* "top-left", "top-right", … */
	double corner_size;
	double box_w, box_h;
	size_t per_sheet;  /* boxes on one sheet */
	double *box_x, *box_y; /* top-left corner of each box, mm */
	double *box_wv, *box_hv; /* each box's own size, mm; NULL in the
	                          * templates (every box is box_w × box_h),
	                          * set where a ballot gives its own boxes
	                          * (paper.boxes, paper.source) */
	size_t *box_step;  /* a box's place in its run of boxes (0 = first) */
	unsigned sheets;   /* sheets at most */
	size_t capacity;   /* per_sheet * sheets */
} bki_stencil_tpl;

typedef struct bki_braille_profile {
	char *id, *name;
	double dot_diameter, dot_height, dot_pitch, cell_pitch, line_pitch;
} bki_braille_profile;

/* The number of segment kinds (bk_segment_kind, ballotkit/templates.h,
 * whose last kind is BK_SEGMENT_REPEAT), and each kind's name: the key of
 * its pause in the speech wording and its name in scripts and messages
 * ("title", "intro", …). NULL for a value that is not a kind. */
enum { BK_SEGMENT_KIND_COUNT = BK_SEGMENT_REPEAT + 1 };
const char *bki_segment_kind_name(int kind);

/* Pauses of the audio ballot (speech "audio"."pause_ms"): after a segment
 * of each kind (indexed by bk_segment_kind), between the sentences of a
 * segment, before the first and after the last sentence. */
enum {
	BK_PAUSE_SEGMENTS = BK_SEGMENT_KIND_COUNT,
	BK_PAUSE_SENTENCE = BK_SEGMENT_KIND_COUNT,
	BK_PAUSE_START = BK_SEGMENT_KIND_COUNT + 1,
	BK_PAUSE_END = BK_SEGMENT_KIND_COUNT + 2,
	BK_PAUSE_COUNT = BK_SEGMENT_KIND_COUNT + 3
};
extern const char *const bki_pause_names[BK_PAUSE_COUNT];

typedef struct bki_wording {
	json_t *print;   /* templates/print/<lang>.json */
	json_t *speech;  /* templates/speech/<lang>.json */
	int plural_ru;   /* Russian one/few/many forms */
	const char *voice;        /* eSpeak NG voice (borrowed from speech) */
	int pause_ms[BK_PAUSE_COUNT];
	json_t *replacements;     /* [[from, to], …], borrowed from speech */
	const char *speakable;    /* the characters the voice reads as
	                           * themselves (speech "speakable") */
} bki_wording;

struct bk_templates {
	char *dir;
	bki_stencil_tpl *stencils; /* sorted by id */
	size_t nstencils;
	bki_wording wording[BK_LANG_COUNT];
	uint32_t *alphabet;  /* Kazakh alphabet, lower case, in order */
	size_t nalphabet;
	json_t *kk_to_ru;    /* letter -> Russian spelling */
	json_t *braille_back; /* forward table -> back-translation table */
	json_t *braille_hyph; /* language -> hyphenation dictionary */
	bki_braille_profile *profiles; /* sorted by id */
	size_t nprofiles;
};

const bki_braille_profile *bki_templates_profile_find(const bk_templates *tpl,
                                                    const char *id);

const bki_stencil_tpl *bki_templates_stencil_find(const bk_templates *tpl,
                                                const char *id);

/* A ballot's corrections to its template (0 = none), mm. */
typedef struct bki_paper_overrides {
	double offset_x, offset_y; /* every box moved by this much */
	double box_w, box_h;       /* box size, around the box's centre */
	double pitch;              /* distance between boxes in a run */
} bki_paper_overrides;

/* Box k (0-based, on every sheet the same) with the overrides applied:
 * top-left corner and size, mm. */
void bki_templates_stencil_box(const bki_stencil_tpl *t, const bki_paper_overrides *o,
                    size_t k, double *x, double *y, double *w, double *h);
/* The window a stencil opens over a box (x, y, w, h, mm): the box with
 * clearance on every side, and at least BKI_WINDOW_MIN mm across each
 * way around the box's centre, so that a pen reaches a small oval
 * through it (docs/stencil.md, "The ballot's own boxes"). The stencil
 * cuts it and verify expects it: one rule for both. */
#define BKI_WINDOW_MIN 5.0
void bki_stencil_window(double x, double y, double w, double h,
                        double clearance, double win[4]);
/* A wording string, or NULL. which is "print" or "speech". */
const char *bki_wording_get(const bk_templates *tpl, int lang,
                           const char *which, const char *key);
/* The one expander of {placeholder}s in wording and kit texts
 * (docs/ballot-script.md). A {name} takes the value of the var of that
 * name (a NULL value is empty). */
typedef struct bki_wording_var {
	const char *name;
	const char *value;
} bki_wording_var;

typedef struct bki_wording_fill {
	const bki_wording_var *vars;
	size_t nvars;
	/* with tpl set, {count:WORD} is the plural form of WORD (speech
	 * "words" of lang) for count */
	const bk_templates *tpl;
	int lang;
	unsigned long count;
	/* a {name} with no var stays as written when set (texts nobody
	 * checked, as the kit's README); otherwise it is left out */
	bool keep_unknown;
	/* blanks doubled, leading or trailing once the values are in are
	 * dropped (empty values leave them) */
	bool tidy_spaces;
} bki_wording_fill;

/* Appends text (NULL: empty) to out with its placeholders filled in by f.
 * A '{' without a closing '}' is kept as written, with the rest. */
void bki_wording_expand(bki_buf *out, const char *text,
                       const bki_wording_fill *f);

/* A sub-object of wording (e.g. "titles"), or NULL. */
const char *bki_wording_get2(const bk_templates *tpl, int lang,
                            const char *which, const char *key,
                            const char *sub);
/* The eSpeak NG voice of a language, its pauses (ms) and its spoken
 * replacements (from, to), applied in order before the voice reads a
 * text. */
const char *bki_templates_voice(const bk_templates *tpl, int lang);
int bki_templates_pause_ms(const bk_templates *tpl, int lang, int which);
/* The characters the voice of a language reads (letters, digits, marks
 * it pauses at), UTF-8, borrowed: any other character in a spoken text
 * would be dropped or spelled out. */
const char *bki_templates_speakable(const bk_templates *tpl, int lang);
size_t bki_templates_replacement_count(const bk_templates *tpl, int lang);
const char *bki_templates_replacement(const bk_templates *tpl, int lang,
                                  size_t i, const char **to);
/* The plural form of word for n in lang (speech "words"). */
const char *bki_wording_plural(const bk_templates *tpl, int lang,
                              const char *word, size_t len, unsigned long n);
/* The table that reads a forward table's output back (itself when the
 * templates name none). */
const char *bki_templates_braille_back(const bk_templates *tpl,
                                      const char *forward);
/* The liblouis hyphenation dictionary of a language, or NULL. */
const char *bki_templates_braille_hyphenation(const bk_templates *tpl,
                                             int lang);
/* True when cp is a Kazakh-specific letter (a key of to_russian). */
bool bki_templates_kk_specific(const bk_templates *tpl, uint32_t cp);

/* Rank of a letter in the Kazakh alphabet (1-based), 0 if not a letter of
 * it. */
size_t bki_kk_rank(const bk_templates *tpl, uint32_t lower_cp);
/* The weight of a character (any case) in the order of the Kazakh
 * alphabet, the one order of single-mandate candidates (the validator's
 * not-alphabetical warning, the import's sort): a letter of the alphabet
 * by its rank, a space or hyphen before every letter, any other
 * character after them all, by code point. Never 0. */
unsigned long bki_kk_weight(const bk_templates *tpl, uint32_t cp);

#endif
