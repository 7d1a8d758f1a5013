/* Resolving a definition: references between areas, districts,
 * polling stations, parties, candidates and ballots; the stencil template
 * of a ballot that names none; the ballots of each polling station. See
 * definition-load.h for the loader's steps. */
#include "definition/definition-load.h"

#include <stdlib.h>
#include <string.h>

#include "json/jcheck.h"

static const char *const coll_key[C_COUNT] = {"areas", "districts", "parties",
                                               "candidates"};
static const char *const coll_what[C_COUNT] = {"area", "district", "party",
                                                "candidate"};

const char *const def_list_key[L_COUNT] = {"areas", "districts",
                                           "polling_stations", "parties",
                                           "candidates", "ballots"};
const char *const def_ref_field_key[F_COUNT] = {"parent", "area",
                                                "districts", "party",
                                                "district", "options"};

/* ---- references ---- */

void def_add_ref(def_ctx *c, json_t *v, enum def_coll coll, long *out,
                 const char *what, enum def_ref_field field, long j)
{
	*out = -1;
	if (!jc_type(c->d, v, JSON_STRING, what))
		return;
	void *refs = c->refs;
	bool room = bki_array_room(&refs, &c->caprefs, c->nrefs,
	                           sizeof *c->refs);
	c->refs = refs;
	if (!def_got(c, room ? refs : NULL))
		return;
	/* copied: each list's part of the tree is freed once it is read */
	const char *id = def_got(c, bki_arena_strdup(&c->scratch,
	                                            json_string_value(v)));
	if (!id)
		return;
	def_ref *r = &c->refs[c->nrefs++];
	r->id = id;
	r->out = out;
	r->i = (uint32_t)c->item;
	r->j = (int32_t)j;
	r->coll = (uint8_t)coll;
	r->list = (uint8_t)c->list;
	r->field = (uint8_t)field;
}

static void ref_path(const def_ref *r, bki_buf *b)
{
	bki_buf_truncate(b, 0);
	bki_buf_printf(b, "$.%s[%lu].%s", def_list_key[r->list],
	              (unsigned long)r->i, def_ref_field_key[r->field]);
	if (r->j >= 0)
		bki_buf_printf(b, "[%ld]", (long)r->j);
}

/* ---- ids ---- */

static int cmp_idx(const void *a, const void *b)
{
	const def_id_entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void index_ids(def_ctx *c, int coll, const char *key, const char *what,
                      size_t n, const char *(*get)(const bk_election *, size_t))
{
	def_id_entry *ix = def_got(c, bki_calloc(n, sizeof *ix));
	if (!ix)
		return;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = get(c->e, i);
		if (id) {
			ix[m].id = id;
			ix[m].index = i;
			m++;
		}
	}
	bki_sort(ix, m, sizeof *ix, cmp_idx);
	for (size_t k = 1; k < m; k++) {
		if (strcmp(ix[k].id, ix[k - 1].id))
			continue;
		size_t first = k - 1;
		while (first > 0 && !strcmp(ix[first - 1].id, ix[k].id))
			first--;
		bki_buf p = {0};
		bki_buf_printf(&p, "$.%s[%zu].id", key, ix[k].index);
		jdoc_report_at(c->d, bki_buf_str(&p), BK_ERROR, "duplicate-id",
		               false, "the %s id \"%s\" is already used by "
		               "%s[%zu]; ids must be unique", what, ix[k].id, key,
		               ix[first].index);
		bki_buf_free(&p);
	}
	if (coll >= 0) {
		c->index[coll] = ix;
		c->nindex[coll] = m;
	} else {
		free(ix);
	}
}

static long find_id(def_ctx *c, int coll, const char *id)
{
	size_t lo = 0, hi = c->nindex[coll];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(c->index[coll][mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nindex[coll] && !strcmp(c->index[coll][lo].id, id))
		return (long)c->index[coll][lo].index;
	return -1;
}

static const char *get_area_id(const bk_election *e, size_t i) { return e->areas[i].id; }
static const char *get_district_id(const bk_election *e, size_t i) { return e->districts[i].id; }
static const char *get_station_id(const bk_election *e, size_t i) { return e->stations[i].id; }
static const char *get_party_id(const bk_election *e, size_t i) { return e->parties[i].id; }
static const char *get_candidate_id(const bk_election *e, size_t i) { return e->candidates[i].id; }
static const char *get_ballot_id(const bk_election *e, size_t i) { return e->ballots[i].id; }

static void resolve_refs(def_ctx *c)
{
	bki_buf path = {0};
	for (size_t k = 0; k < c->nrefs; k++) {
		def_ref *r = &c->refs[k];
		long i = find_id(c, r->coll, r->id);
		*r->out = i;
		if (i < 0) {
			ref_path(r, &path);
			const char *other = NULL;
			for (int q = 0; q < C_COUNT && !other; q++)
				if (q != r->coll && find_id(c, q, r->id) >= 0)
					other = coll_what[q];
			if (other)
				jdoc_report_at(c->d, bki_buf_str(&path), BK_ERROR,
				               "dangling-reference", false,
				               "\"%s\" is a %s, but a %s is expected "
				               "here", r->id, other, coll_what[r->coll]);
			else
				jdoc_report_at(c->d, bki_buf_str(&path), BK_ERROR,
				               "dangling-reference", false,
				               "there is no %s with the id \"%s\" in "
				               "\"%s\"", coll_what[r->coll], r->id,
				               coll_key[r->coll]);
		}
	}
	bki_buf_free(&path);
}

void def_resolve(def_ctx *c)
{
	bk_election *e = c->e;
	index_ids(c, C_AREAS, "areas", "area", e->nareas, get_area_id);
	index_ids(c, C_DISTRICTS, "districts", "district", e->ndistricts,
	          get_district_id);
	index_ids(c, -1, "polling_stations", "polling station", e->nstations,
	          get_station_id);
	index_ids(c, C_PARTIES, "parties", "party", e->nparties, get_party_id);
	index_ids(c, C_CANDIDATES, "candidates", "candidate", e->ncandidates,
	          get_candidate_id);
	index_ids(c, -1, "ballots", "ballot", e->nballots, get_ballot_id);
	if (!jdoc_nomem(c->d))
		resolve_refs(c);
}

/* ---- stencil templates ---- */

static const char *const ballot_kind_names[] = {"", "party-list",
                                                 "single-mandate"};

const bki_stencil_tpl *def_choose_template(def_ctx *c, const bki_ballot *bl,
                                          size_t positions, const char *path)
{
	const bki_stencil_tpl *best = NULL, *least = NULL;
	for (size_t k = 0; k < c->tpl->nstencils; k++) {
		const bki_stencil_tpl *t = &c->tpl->stencils[k];
		if (!(t->kinds & bl->kind))
			continue;
		if (!least || t->capacity < least->capacity)
			least = t;
		if (t->capacity >= positions &&
		    (!best || t->capacity < best->capacity))
			best = t;
	}
	/* the kind's smallest template is the default: a larger one is
	 * said, with why */
	if (best && best != least)
		jdoc_report_at(c->d, path, BK_NOTE, "larger-template", false,
		               "%zu positions (with against all) do not fit the "
		               "template \"%s\" (%g × %g mm, holds %zu); the "
		               "stencil uses the larger template \"%s\" (%g × %g "
		               "mm, holds %zu)", positions, least->id,
		               least->paper_w, least->paper_h, least->capacity,
		               best->id, best->paper_w, best->paper_h,
		               best->capacity);
	if (!best)
		jdoc_report_at(c->d, path, BK_ERROR, "too-many-options", false,
		               "%zu positions (with against all) do not fit any "
		               "stencil template for %s ballots", positions,
		               ballot_kind_names[bl->kind]);
	return best;
}

/* ---- the ballots of each polling station ---- */

bool def_station_ballots(bk_election *e)
{
	/* the ballots of each district, then of each station */
	bool ok = false;
	size_t *first = bki_calloc(e->ndistricts + 1, sizeof *first);
	size_t *order = bki_calloc(e->nballots + 1, sizeof *order);
	size_t *fill = bki_calloc(e->ndistricts + 1, sizeof *fill);
	bool *seen = bki_calloc(e->nballots + 1, sizeof *seen);
	if (!first || !order || !fill || !seen)
		goto out;
	for (size_t i = 0; i < e->nballots; i++)
		first[e->ballots[i].district + 1]++;
	for (size_t d = 0; d < e->ndistricts; d++)
		first[d + 1] += first[d];
	for (size_t i = 0; i < e->nballots; i++) {
		size_t d = (size_t)e->ballots[i].district;
		order[first[d] + fill[d]++] = i;
	}
	for (size_t s = 0; s < e->nstations; s++) {
		bki_station *st = &e->stations[s];
		size_t n = 0;
		for (size_t k = 0; k < st->ndistricts; k++) {
			size_t d = (size_t)st->districts[k];
			for (size_t j = first[d]; j < first[d + 1]; j++)
				if (!seen[order[j]]) {
					seen[order[j]] = true;
					n++;
				}
		}
		st->ballots = bki_arena_alloc(&e->arena, (n + 1) * sizeof *st->ballots);
		st->nballots = 0;
		if (!st->ballots)
			goto out;
		for (size_t i = 0; i < e->nballots; i++)
			if (seen[i]) {
				st->ballots[st->nballots++] = i;
				seen[i] = false;
			}
	}
	ok = true;
out:
	free(seen);
	free(fill);
	free(order);
	free(first);
	return ok;
}
