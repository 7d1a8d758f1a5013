/* Private to the definition module: what its files share while a
 * definition is loaded (the open document, the model being filled, the
 * references waiting to be resolved). No other module includes this;
 * they read the finished model through definition-private.h.
 *
 * The loader runs in steps, one file each:
 *   definition-parse.c    JSON -> model, value by value (types, ranges,
 *                         texts), recording references as it goes
 *   definition-resolve.c  ids indexed, references resolved, the stencil
 *                         template a ballot needs, each station's ballots
 *   definition-text.c     a text per language: characters, length,
 *                         script
 *   definition-derive.c   Russian spellings derived from Kazakh names
 *   definition-check.c    checks across records: same names, parties,
 *                         ballots against districts and templates
 *   definition-paper.c    a ballot's own boxes (paper.boxes, or found
 *                         in the ballot PDF of paper.source)
 *   definition-model.c    the public accessors, digests, free
 *   definition.c          the pipeline: entry points, NFC, defaults,
 *                         admission checkers */
#ifndef BK_DEFINITION_LOAD_H
#define BK_DEFINITION_LOAD_H

#include <stdint.h>

#include "definition/definition-private.h"
#include "json/jdoc.h"

/* What a reference names. */
enum def_coll { C_AREAS, C_DISTRICTS, C_PARTIES, C_CANDIDATES, C_COUNT };

/* The lists of the definition, in the order they are read. */
enum def_list { L_AREAS, L_DISTRICTS, L_STATIONS, L_PARTIES, L_CANDIDATES,
                L_BALLOTS, L_COUNT };
extern const char *const def_list_key[L_COUNT]; /* "polling_stations" */

/* The fields that hold references. */
enum def_ref_field { F_PARENT, F_AREA, F_DISTRICTS, F_PARTY, F_DISTRICT,
                     F_OPTIONS, F_COUNT };
extern const char *const def_ref_field_key[F_COUNT]; /* "parent" */

/* A reference, resolved once all collections are read. Its path is kept
 * in parts ($.<list>[i].<field>[j]) so a national-size definition's
 * ~100,000 references stay small. */
typedef struct def_ref {
	const char *id;
	long *out;
	uint32_t i;
	int32_t j;      /* -1 when the field is not a list */
	uint8_t coll;   /* what it names: enum def_coll */
	uint8_t list;   /* where it is: enum def_list */
	uint8_t field;  /* enum def_ref_field */
} def_ref;

typedef struct def_id_entry {
	const char *id;
	size_t index;
} def_id_entry;

/* The loader's state while one definition is read. */
typedef struct def_ctx {
	jdoc *d;
	/* where the item being read sits, for references */
	enum def_list list;
	size_t item;
	long sink; /* results of references nothing keeps */
	bki_arena scratch; /* freed when validation ends */
	bk_election *e;
	const bk_templates *tpl;
	/* the definition's file, against whose folder paper.source is
	 * resolved; NULL for a definition from a buffer (the current
	 * folder) */
	const char *path;
	const bk_load_options *opt; /* NULL: none */
	bool ballot_pdf_used; /* opt->ballot was found */
	bool langs_known;
	def_ref *refs;
	size_t nrefs, caprefs;
	def_id_entry *index[C_COUNT];
	size_t nindex[C_COUNT];
} def_ctx;

/* p, and when it is NULL (memory ran out) the document is marked so
 * (jdoc_nomem): the loader stops after the step and returns
 * BK_ERR_NOMEM. */
static inline void *def_got(def_ctx *c, void *p)
{
	if (!p)
		c->d->nomem = true;
	return p;
}

/* "Kazakh (kk)", "Russian (ru)": languages as messages name them. */
extern const char *const def_lang_names[BK_LANG_COUNT];

/* definition-parse.c: reads the document's tree into c->e (every
 * collection, the election, production), reporting what is wrong with
 * each value at its path, and records references. false when the
 * document is not an object (reported): nothing more to check. */
bool def_parse(def_ctx *c);

/* definition-text.c */
enum def_text_mode {
	TEXT_FULL,    /* every language of the election */
	TEXT_PARTIAL, /* any languages (a pronunciation) */
	TEXT_NAME     /* a name part: a missing language is derived */
};
/* Reads a per-language text at the current path into out, checking each
 * language's value (characters, length, script) and that the languages
 * of the election are there as mode asks; what names it in messages
 * ("the surname"; "the leaflet text" allows a leaflet's length and line
 * breaks). */
void def_parse_text(def_ctx *c, json_t *v, bki_text *out,
                    enum def_text_mode mode, const char *what);

/* definition-resolve.c */
/* Records a reference at $.<c->list>[c->item].<field>[j] (the current
 * path; j -1 when the field is not a list); *out is set when resolved,
 * -1 until then and when the reference dangles. */
void def_add_ref(def_ctx *c, json_t *v, enum def_coll coll, long *out,
                 const char *what, enum def_ref_field field, long j);
/* Indexes the ids of every list (reporting duplicates) and resolves the
 * references recorded (reporting dangling ones). */
void def_resolve(def_ctx *c);
/* A ballot names no template: the smallest one of its kind that holds
 * positions; NULL (reported at path) when none does. */
const bki_stencil_tpl *def_choose_template(def_ctx *c, const bki_ballot *bl,
                                          size_t positions,
                                          const char *path);
/* definition-paper.c: ballot i gives its own boxes (paper.boxes, or
 * paper.source: the finder runs on the ballot PDF, expecting positions
 * boxes): they are checked (one per position, on the sheet, apart), said
 * at their path when wrong, and the ballot's tpl becomes a copy of its
 * template with them. */
void def_own_boxes(def_ctx *c, size_t i, size_t positions);
/* Each polling station learns the ballots of its districts (the election
 * is valid). false when memory runs out. */
bool def_station_ballots(bk_election *e);

/* definition-derive.c: spellings a candidate's name lacks in a language
 * of the election, derived from the other (a note each). */
void def_derive_spellings(def_ctx *c);

/* definition-check.c: checks across records (pronunciations, names that
 * read the same, ballots against their districts and templates). */
void def_check(def_ctx *c);

/* definition-model.c */
/* An object's content, whatever its layout: jansson with sorted keys,
 * compact (its numbers are written the same under any locale). */
bool def_digest_json(const json_t *v, bk_digest out); /* false: no memory */
/* Each ballot's digest then covers everything its outputs are made from
 * (the definition's head, the ballot, its district, its options and
 * their nominating parties). The election is valid. */
bool def_ballot_digests(bk_election *e); /* false: no memory */

#endif
