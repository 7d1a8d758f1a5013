/* The election model as the public API serves it (accessors of
 * include/ballotkit/definition.h, free), and the digests of its content.
 * See definition-load.h for the loader's steps. */
#include "definition/definition-load.h"

#include <stdlib.h>
#include <string.h>

#include "util/cache.h"

const char *const def_lang_names[BK_LANG_COUNT] = {"Kazakh (kk)",
                                                   "Russian (ru)"};

bool bki_election_has_lang(const bk_election *e, int lang)
{
	for (size_t i = 0; i < e->nlangs; i++)
		if (e->langs[i] == lang)
			return true;
	return false;
}

/* ---- digests ---- */

bool def_digest_json(const json_t *v, bk_digest out)
{
	char *text = v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT |
	                                   JSON_ENCODE_ANY)
	               : NULL;
	if (v && !text)
		return false; /* jansson ran out of memory */
	bki_sha256(text ? text : "null", text ? strlen(text) : 4, out);
	free(text);
	return true;
}

bool def_ballot_digests(bk_election *e)
{
	for (size_t i = 0; i < e->nballots; i++) {
		bki_ballot *b = &e->ballots[i];
		bki_hasher *h = bki_hasher_new();
		bki_hasher_add(h, e->head_digest, sizeof e->head_digest);
		bki_hasher_add(h, b->digest, sizeof b->digest);
		bki_hasher_add(h, e->districts[b->district].digest,
		              sizeof(bk_digest));
		for (size_t k = 0; k < b->noptions; k++) {
			if (b->kind == BK_KIND_PARTY_LIST) {
				bki_hasher_add(h, e->parties[b->options[k]].digest,
				              sizeof(bk_digest));
				continue;
			}
			const bki_candidate *cd = &e->candidates[b->options[k]];
			bki_hasher_add(h, cd->digest, sizeof cd->digest);
			if (cd->party >= 0)
				bki_hasher_add(h, e->parties[cd->party].digest,
				              sizeof(bk_digest));
		}
		if (!bki_hasher_done(h, b->digest))
			return false;
	}
	return true;
}

/* ---- the public model ---- */

void bk_election_free(bk_election *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->ballots && i < e->nballots; i++)
		bk_boxes_free(e->ballots[i].found);
	bki_arena_free(&e->arena);
	free(e);
}

const char *bk_election_id(const bk_election *e) { return e->id; }

void bk_election_sha256(const bk_election *e, char hex[65])
{
	bki_hex(e->file_digest, sizeof e->file_digest, hex);
}

void bk_election_ballot_sha256(const bk_election *e, size_t i, char hex[65])
{
	bki_hex(e->ballots[i].digest, sizeof e->ballots[i].digest, hex);
}

const bk_boxes *bk_election_ballot_found_boxes(const bk_election *e, size_t i)
{
	return e && i < e->nballots ? e->ballots[i].found : NULL;
}

size_t bk_election_station_count(const bk_election *e) { return e->nstations; }
const char *bk_election_station_id(const bk_election *e, size_t i)
{
	return e->stations[i].id;
}
unsigned bk_election_station_number(const bk_election *e, size_t i)
{
	return (unsigned)e->stations[i].number;
}
const char *bk_election_station_name(const bk_election *e, size_t i,
                                     const char *lang)
{
	int l = bki_lang_index(lang);
	return l < 0 ? NULL : e->stations[i].name.v[l];
}
const char *bk_election_station_address(const bk_election *e, size_t i,
                                        const char *lang)
{
	int l = bki_lang_index(lang);
	return l < 0 ? NULL : e->stations[i].address.v[l];
}
unsigned bk_election_station_kits(const bk_election *e, size_t i)
{
	return (unsigned)e->stations[i].kits;
}
size_t bk_election_station_ballot_count(const bk_election *e, size_t i)
{
	return e->stations[i].nballots;
}
size_t bk_election_station_ballot(const bk_election *e, size_t i, size_t k)
{
	return e->stations[i].ballots[k];
}
const char *bk_election_date(const bk_election *e) { return e->date; }
size_t bk_election_language_count(const bk_election *e) { return e->nlangs; }

const char *bk_election_language(const bk_election *e, size_t i)
{
	return i < e->nlangs ? bki_lang_codes[e->langs[i]] : NULL;
}

size_t bk_election_count(const bk_election *e, bk_count_what what)
{
	size_t n = 0;
	switch (what) {
	case BK_COUNT_AREAS: return e->nareas;
	case BK_COUNT_DISTRICTS: return e->ndistricts;
	case BK_COUNT_POLLING_STATIONS: return e->nstations;
	case BK_COUNT_KITS:
		for (size_t i = 0; i < e->nstations; i++)
			n += (size_t)e->stations[i].kits;
		return n;
	case BK_COUNT_PARTIES: return e->nparties;
	case BK_COUNT_CANDIDATES: return e->ncandidates;
	case BK_COUNT_CANDIDATES_WITHDRAWN:
		for (size_t i = 0; i < e->ncandidates; i++)
			n += e->candidates[i].withdrawn;
		return n;
	case BK_COUNT_BALLOTS: return e->nballots;
	case BK_COUNT_BALLOTS_PARTY_LIST:
	case BK_COUNT_BALLOTS_SINGLE_MANDATE:
		for (size_t i = 0; i < e->nballots; i++)
			n += e->ballots[i].kind ==
			     (what == BK_COUNT_BALLOTS_PARTY_LIST
			              ? BK_KIND_PARTY_LIST : BK_KIND_SINGLE_MANDATE);
		return n;
	case BK_COUNT_POSITIONS:
		for (size_t i = 0; i < e->nballots; i++)
			n += e->ballots[i].noptions + e->ballots[i].against_all;
		return n;
	case BK_COUNT_DERIVED_SPELLINGS: return e->derived_spellings;
	}
	return 0;
}

size_t bk_election_ballot_count(const bk_election *e) { return e->nballots; }

const char *bk_election_ballot_id(const bk_election *e, size_t i)
{
	return i < e->nballots ? e->ballots[i].id : NULL;
}

size_t bk_election_ballot_find(const bk_election *e, const char *id)
{
	for (size_t i = 0; i < e->nballots; i++)
		if (!strcmp(e->ballots[i].id, id))
			return i;
	return (size_t)-1;
}

static bool has_leaflet(const bki_text *t)
{
	return t->v[BK_LANG_KK] || t->v[BK_LANG_RU];
}

size_t bk_election_leaflet_count(const bk_election *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nparties; i++)
		n += has_leaflet(&e->parties[i].leaflet);
	for (size_t i = 0; i < e->ncandidates; i++)
		n += has_leaflet(&e->candidates[i].leaflet);
	return n;
}

void bk_election_leaflet(const bk_election *e, size_t i, const char **kind,
                         const char **id)
{
	*kind = *id = NULL;
	for (size_t k = 0; k < e->nparties; k++)
		if (has_leaflet(&e->parties[k].leaflet) && i-- == 0) {
			*kind = "party";
			*id = e->parties[k].id;
			return;
		}
	for (size_t k = 0; k < e->ncandidates; k++)
		if (has_leaflet(&e->candidates[k].leaflet) && i-- == 0) {
			*kind = "candidate";
			*id = e->candidates[k].id;
			return;
		}
}

const char *bk_election_braille_profile(const bk_election *e)
{
	return e->braille_profile;
}

int bk_election_speech_rate(const bk_election *e)
{
	return e ? (int)e->speech_rate : BK_DEFAULT_SPEECH_RATE;
}

double bk_election_loudness(const bk_election *e)
{
	return e ? e->loudness_lufs : BK_DEFAULT_LOUDNESS_LUFS;
}

bk_output_set bk_election_outputs(const bk_election *e)
{
	return e ? e->outputs : bk_outputs_default();
}

bool bki_election_leaflet_text(const bk_election *e, const char *kind,
                              const char *id, int lang, bki_buf *heading,
                              bki_buf *text, bki_buf *source)
{
	if (lang < 0 || !bki_election_has_lang(e, lang))
		return false;
	if (!strcmp(kind, "party")) {
		for (size_t i = 0; i < e->nparties; i++) {
			const bki_party *p = &e->parties[i];
			if (strcmp(p->id, id) || !p->leaflet.v[lang])
				continue;
			bki_buf_add(heading, p->name.v[lang]);
			bki_buf_add(text, p->leaflet.v[lang]);
			bki_buf_printf(source, "$.parties[%zu].leaflet.%s", i,
			              bki_lang_codes[lang]);
			return true;
		}
	} else if (!strcmp(kind, "candidate")) {
		for (size_t i = 0; i < e->ncandidates; i++) {
			const bki_candidate *k = &e->candidates[i];
			if (strcmp(k->id, id) || !k->leaflet.v[lang])
				continue;
			bki_buf_printf(heading, "%s %s", k->surname.v[lang],
			              k->given_name.v[lang]);
			if (k->patronymic.v[lang])
				bki_buf_printf(heading, " %s", k->patronymic.v[lang]);
			bki_buf_add(text, k->leaflet.v[lang]);
			bki_buf_printf(source, "$.candidates[%zu].leaflet.%s", i,
			              bki_lang_codes[lang]);
			return true;
		}
	}
	return false;
}
