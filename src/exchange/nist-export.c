/* A definition as a NIST SP 1500-20 BallotDefinition (JSON). The mapping,
 * field by field, is docs/nist-1500-20.md; what NIST has no place for is
 * kept in ExternalIdentifier entries of Type "other" whose OtherType
 * begins with "ballotkit-". */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/exchange.h"
#include "ballotkit/version.h"
#include "definition/definition-private.h"
#include "diag/diag-private.h"
#include "json/jdoc.h"
#include "util/util.h"

#define T(type) json_string("BallotDefinition." type)

/* An InternationalizedText of a definition text ({"kk": …, "ru": …}). */
static json_t *itext(json_t *text)
{
	json_t *arr = json_array();
	const char *lang;
	json_t *v;
	json_object_foreach(text, lang, v) {
		json_array_append_new(arr, json_pack("{s:o, s:s, s:O}", "@type",
		                      T("LanguageString"), "Language", lang,
		                      "Content", v));
	}
	return json_pack("{s:o, s:o}", "@type", T("InternationalizedText"),
	                 "Text", arr);
}

static void add_ext(json_t *obj, const char *other, json_t *value)
{
	if (!value)
		return;
	json_t *arr = json_object_get(obj, "ExternalIdentifier");
	if (!arr) {
		arr = json_array();
		json_object_set_new(obj, "ExternalIdentifier", arr);
	}
	char *dumped = json_is_string(value) ? NULL
	               : json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	const char *v = dumped ? dumped : json_string_value(value);
	json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:s}", "@type",
	                      T("ExternalIdentifier"), "Type", "other",
	                      "OtherType", other, "Value", v ? v : ""));
	free(dumped);
}

static void add_ext_str(json_t *obj, const char *other, const char *value)
{
	json_t *v = json_string(value);
	add_ext(obj, other, v);
	json_decref(v);
}

/* Each language of a text as its own identifier: "ballotkit-surname-kk". */
static void add_ext_text(json_t *obj, const char *name, json_t *text)
{
	const char *lang;
	json_t *v;
	json_object_foreach(text, lang, v) {
		char key[96];
		snprintf(key, sizeof key, "ballotkit-%s-%s", name, lang);
		add_ext(obj, key, v);
	}
}

static json_t *unit(const char *prefix, const char *id, const char *type,
                    const char *other_type, json_t *name)
{
	char nid[192];
	snprintf(nid, sizeof nid, "%s%s", prefix, id);
	json_t *u = json_pack("{s:o, s:s, s:s}", "@type", T("ReportingUnit"),
	                      "@id", nid, "Type", type);
	if (other_type)
		json_object_set_new(u, "OtherType", json_string(other_type));
	if (name)
		json_object_set_new(u, "Name", itext(name));
	add_ext_str(u, "ballotkit-id", id);
	return u;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Adds child to the ComposingGpUnitIds of the unit with NIST id parent;
 * index maps NIST ids to units. */
static void compose(json_t *index, const char *parent, const char *child)
{
	json_t *u = json_object_get(index, parent);
	if (!u)
		return;
	json_t *ids = json_object_get(u, "ComposingGpUnitIds");
	if (!ids) {
		ids = json_array();
		json_object_set_new(u, "ComposingGpUnitIds", ids);
	}
	json_array_append_new(ids, json_string(child));
}

static void add_unit(json_t *units, json_t *index, json_t *u)
{
	json_object_set(index, sget(u, "@id"), u);
	json_array_append_new(units, u);
}

static void export_units(json_t *def, json_t *units)
{
	size_t i;
	json_t *r, *index = json_object();
	json_array_foreach(json_object_get(def, "areas"), i, r) {
		const char *kind = sget(r, "kind");
		bool plain = !strcmp(kind, "country") || !strcmp(kind, "city");
		add_unit(units, index, unit("area-", sget(r, "id"),
		                            plain ? kind : "other", plain ? NULL : kind,
		                            json_object_get(r, "name")));
	}
	json_array_foreach(json_object_get(def, "areas"), i, r)
		if (sget(r, "parent")) {
			char p[192], c[192];
			snprintf(p, sizeof p, "area-%s", sget(r, "parent"));
			snprintf(c, sizeof c, "area-%s", sget(r, "id"));
			compose(index, p, c);
		}
	json_array_foreach(json_object_get(def, "districts"), i, r) {
		char other[192];
		snprintf(other, sizeof other, "ballotkit-district-%s", sget(r, "kind"));
		json_t *u = unit("district-", sget(r, "id"), "other",
		                 other, json_object_get(r, "name"));
		json_t *num = json_object_get(r, "number");
		if (json_is_integer(num)) {
			char n[32];
			snprintf(n, sizeof n, "%lld", (long long)json_integer_value(num));
			json_object_set_new(u, "Number", json_string(n));
		}
		add_ext(u, "ballotkit-level", json_object_get(r, "level"));
		add_ext(u, "ballotkit-area", json_object_get(r, "area"));
		add_unit(units, index, u);
	}
	json_array_foreach(json_object_get(def, "polling_stations"), i, r) {
		json_t *u = unit("station-", sget(r, "id"), "polling-place", NULL,
		                 json_object_get(r, "name"));
		char n[32];
		snprintf(n, sizeof n, "%lld",
		         (long long)json_integer_value(json_object_get(r, "number")));
		json_object_set_new(u, "Number", json_string(n));
		json_t *addr = json_object_get(r, "address");
		if (addr) {
			/* for another system's reader the lines, for ours the
			 * text with its languages */
			json_t *lines = json_array();
			const char *l;
			json_t *v;
			if (json_is_string(addr))
				json_array_append(lines, addr);
			json_object_foreach(addr, l, v)
				json_array_append(lines, v);
			json_object_set_new(u, "ContactInformation", json_pack(
				"{s:o, s:o}", "@type", T("ContactInformation"),
				"AddressLine", lines));
			char *d = json_dumps(addr, JSON_COMPACT | JSON_ENCODE_ANY |
			                           JSON_SORT_KEYS);
			add_ext_str(u, "ballotkit-address", d ? d : "");
			free(d);
		}
		add_ext(u, "ballotkit-kits", json_object_get(r, "kits"));
		add_ext(u, "ballotkit-abroad", json_object_get(r, "abroad"));
		add_ext(u, "ballotkit-area", json_object_get(r, "area"));
		add_unit(units, index, u);
		size_t k;
		json_t *d;
		json_array_foreach(json_object_get(r, "districts"), k, d) {
			char p[192], c[192];
			snprintf(p, sizeof p, "district-%s", json_string_value(d));
			snprintf(c, sizeof c, "station-%s", sget(r, "id"));
			compose(index, p, c);
		}
	}
	json_decref(index);
}

static json_t *export_party(json_t *r)
{
	char id[192];
	snprintf(id, sizeof id, "party-%s", sget(r, "id"));
	json_t *p = json_pack("{s:o, s:s, s:o}", "@type", T("Party"), "@id",
	                      id, "Name", itext(json_object_get(r, "name")));
	if (json_object_get(r, "short_name"))
		json_object_set_new(p, "Abbreviation",
		                    itext(json_object_get(r, "short_name")));
	add_ext(p, "ballotkit-id", json_object_get(r, "id"));
	add_ext_text(p, "pronunciation", json_object_get(r, "pronunciation"));
	add_ext_text(p, "leaflet", json_object_get(r, "leaflet"));
	return p;
}

/* BallotName: the full name as the ballot prints it in each language of
 * the election, derived spellings included (from the validated model). */
static json_t *ballot_name(const bk_election *e, size_t at, const char *id)
{
	/* the model keeps the definition's order */
	const bki_candidate *k = at < e->ncandidates && !strcmp(e->candidates[at].id, id)
	                        ? &e->candidates[at] : NULL;
	for (size_t i = 0; i < e->ncandidates && !k; i++)
		if (!strcmp(e->candidates[i].id, id))
			k = &e->candidates[i];
	json_t *text = json_object();
	for (size_t q = 0; k && q < e->nlangs; q++) {
		int l = e->langs[q];
		const bki_text *parts[] = {&k->surname, &k->given_name, &k->patronymic};
		/* a name part is at most 200 characters (docs/ballot-format.md,
		 * "Lengths"): three fit, in UTF-8, with room to spare */
		char b[4096];
		size_t len = 0;
		b[0] = '\0';
		for (size_t i = 0; i < 3; i++)
			if (parts[i]->v[l] && len < sizeof b)
				len += (size_t)snprintf(b + len, sizeof b - len, "%s%s",
				                        len ? " " : "", parts[i]->v[l]);
		json_object_set_new(text, bki_lang_codes[l], json_string(b));
	}
	return text;
}

static json_t *export_candidate(const bk_election *e, size_t at, json_t *r)
{
	static const char *const texts[] = {"surname", "given_name", "patronymic",
	                                    "details", "pronunciation", "leaflet"};
	char id[192];
	snprintf(id, sizeof id, "candidate-%s", sget(r, "id"));
	json_t *name = ballot_name(e, at, sget(r, "id"));
	const char *status = sget(r, "status");
	json_t *c = json_pack("{s:o, s:s, s:o, s:s}", "@type", T("Candidate"),
	                      "@id", id, "BallotName", itext(name),
	                      "PreElectionStatus",
	                      status && !strcmp(status, "withdrawn") ? "withdrawn" : "qualified");
	json_decref(name);
	if (sget(r, "party")) {
		char p[192];
		snprintf(p, sizeof p, "party-%s", sget(r, "party"));
		json_object_set_new(c, "PartyId", json_string(p));
	}
	add_ext(c, "ballotkit-id", json_object_get(r, "id"));
	add_ext(c, "ballotkit-birth-year", json_object_get(r, "birth_year"));
	add_ext(c, "ballotkit-self-nominated", json_object_get(r, "self_nominated"));
	add_ext(c, "ballotkit-status", json_object_get(r, "status"));
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char n[32];
		snprintf(n, sizeof n, "%s", texts[i]);
		for (char *p = n; *p; p++)
			if (*p == '_')
				*p = '-';
		add_ext_text(c, n, json_object_get(r, texts[i]));
	}
	return c;
}

/* mm to the micrometre, as the import reads them back. */
static json_t *mm(double v)
{
	return json_real(floor(v * 1000 + 0.5) / 1000);
}

/* A ballot's own boxes (paper.boxes, or found in its print PDF) as NIST's
 * physical layout: the BallotFormat of its sheet (in mm, added to formats
 * once) and the PhysicalContest of its style, an OptionPosition per
 * option in the order given (top-left origin, y down, sheet 1, front:
 * docs/nist-1500-20.md, "Physical layouts"). NULL for a ballot on a
 * template. */
static json_t *export_physical(const bk_election *e, const char *id,
                               json_t *order, json_t *formats)
{
	size_t bi = bk_election_ballot_find(e, id);
	const bki_ballot *b = bi == (size_t)-1 ? NULL : &e->ballots[bi];
	if (!b || !b->tpl || !b->tpl->box_wv || b->nboxes != json_array_size(order))
		return NULL;
	char fid[96];
	snprintf(fid, sizeof fid, "format-%ldx%ld-um",
	         (long)floor(b->paper_w * 1000 + 0.5), (long)floor(b->paper_h * 1000 + 0.5));
	bool known = false;
	size_t i;
	json_t *f;
	json_array_foreach(formats, i, f)
		known = known || !strcmp(sget(f, "@id"), fid);
	if (!known) {
		bool landscape = b->paper_w > b->paper_h;
		json_array_append_new(formats, json_pack(
			"{s:o, s:s, s:[{s:o, s:s, s:s, s:s}], s:o, s:o, s:s, s:s, s:s}",
			"@type", T("BallotFormat"), "@id", fid, "ExternalIdentifier",
			"@type", T("ExternalIdentifier"), "Type", "other", "OtherType",
			"ballotkit-sheet", "Value", fid,
			"LongEdge", mm(landscape ? b->paper_w : b->paper_h),
			"ShortEdge", mm(landscape ? b->paper_h : b->paper_w),
			"MeasurementUnit", "mm",
			"Orientation", landscape ? "landscape" : "portrait",
			"SelectionCaptureMethod", "omr"));
	}
	json_t *pcos = json_array();
	for (size_t k = 0; k < b->nboxes; k++) {
		const bk_box *x = &b->boxes[k];
		json_array_append_new(pcos, json_pack(
			"{s:o, s:O, s:[{s:o, s:o, s:o, s:o, s:o, s:i, s:s, s:i}]}",
			"@type", T("PhysicalContestOption"),
			"ContestOptionId", json_array_get(order, k),
			"OptionPosition", "@type", T("OptionPosition"),
			"X", mm(x->x), "Y", mm(x->y), "W", mm(x->w), "H", mm(x->h),
			"Sheet", 1, "Side", "front", "NumberVotes", 1));
	}
	return json_pack("{s:o, s:s, s:o}", "@type", T("PhysicalContest"),
	                 "BallotFormatId", fid, "PhysicalContestOption", pcos);
}

/* A contest for a ballot, its options in printed order ("against all"
 * last, as a CandidateOption with no candidate), and its BallotStyle (with
 * the ballot's own boxes as its physical layout, into formats). */
static void export_ballot(const bk_election *e, json_t *r, json_t *contests,
                          json_t *styles, json_t *formats)
{
	const char *id = sget(r, "id");
	bool party = !strcmp(sget(r, "kind"), "party-list");
	char cid[192], did[192];
	snprintf(cid, sizeof cid, "contest-%s", id);
	snprintf(did, sizeof did, "district-%s", sget(r, "district"));
	json_t *c = json_pack("{s:o, s:s, s:s, s:s}", "@type",
	                      party ? T("PartyContest") : T("CandidateContest"),
	                      "@id", cid, "Name", id,
	                      "ElectionDistrictId", did);
	if (!party)
		json_object_set_new(c, "VotesAllowed", json_integer(1));
	json_object_set_new(c, "VoteVariation", json_string("plurality"));
	if (json_object_get(r, "name"))
		json_object_set_new(c, "BallotTitle", itext(json_object_get(r, "name")));
	if (json_object_get(r, "short_name"))
		json_object_set_new(c, "Abbreviation", json_string(id));
	json_t *opts = json_array(), *order = json_array();
	size_t k;
	json_t *o;
	json_array_foreach(json_object_get(r, "options"), k, o) {
		char oid[192], ref[192];
		snprintf(oid, sizeof oid, "option-%s-%zu", id, k + 1);
		snprintf(ref, sizeof ref, "%s%s", party ? "party-" : "candidate-",
		              json_string_value(o));
		json_array_append_new(opts, json_pack("{s:o, s:s, s:[s]}", "@type",
		                      party ? T("PartyOption") : T("CandidateOption"),
		                      "@id", oid,
		                      party ? "PartyIds" : "CandidateIds", ref));
		json_array_append_new(order, json_string(oid));
	}
	json_t *against = json_object_get(r, "against_all");
	if (!against || json_is_true(against)) {
		char oid[192];
		snprintf(oid, sizeof oid, "option-%s-against-all", id);
		json_t *a = json_pack("{s:o, s:s}", "@type", T("CandidateOption"),
		                      "@id", oid);
		add_ext(a, "ballotkit-against-all", json_true());
		json_array_append_new(opts, a);
		json_array_append_new(order, json_string(oid));
	}
	json_object_set_new(c, "ContestOption", opts);
	add_ext_str(c, "ballotkit-id", id);
	add_ext(c, "ballotkit-body", json_object_get(r, "body"));
	add_ext(c, "ballotkit-level", json_object_get(r, "level"));
	add_ext(c, "ballotkit-kind", json_object_get(r, "kind"));
	add_ext(c, "ballotkit-against-all", against);
	add_ext_text(c, "short-name", json_object_get(r, "short_name"));
	add_ext(c, "ballotkit-paper", json_object_get(r, "paper"));
	add_ext(c, "ballotkit-colour", json_object_get(r, "colour"));
	add_ext(c, "ballotkit-two-sided", json_object_get(r, "two_sided"));
	json_array_append_new(contests, c);
	json_t *phys = export_physical(e, id, order, formats);
	json_t *s = json_pack("{s:o, s:[s], s:[{s:o, s:s, s:o}]}", "@type",
	                      T("BallotStyle"), "GpUnitIds", did,
	                      "OrderedContent", "@type", T("OrderedContest"),
	                      "ContestId", cid,
	                      "OrderedContestOptionIds", order);
	if (phys)
		json_object_set_new(json_array_get(json_object_get(s, "OrderedContent"), 0),
		                    "Physical", json_pack("[o]", phys));
	add_ext_str(s, "ballotkit-ballot", id);
	json_array_append_new(styles, s);
}

bk_status bk_nist_export(char **out, const char *data, size_t size,
                         const bk_election *e, bk_diags *diags)
{
	*out = NULL;
	json_error_t err;
	json_t *def = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
	if (!def || !e) {
		bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
		             "the definition to export must be a valid one");
		json_decref(def);
		return BK_ERR_USAGE;
	}
	json_t *el = json_object_get(def, "election");
	json_t *units = json_array(), *parties = json_array(), *cands = json_array();
	json_t *contests = json_array(), *styles = json_array();
	json_t *formats = json_array();
	export_units(def, units);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(def, "parties"), i, r)
		json_array_append_new(parties, export_party(r));
	json_array_foreach(json_object_get(def, "candidates"), i, r)
		json_array_append_new(cands, export_candidate(e, i, r));
	json_array_foreach(json_object_get(def, "ballots"), i, r)
		export_ballot(e, r, contests, styles, formats);
	/* the election's scope: its country, else a unit standing for it */
	const char *scope = NULL;
	json_array_foreach(json_object_get(def, "areas"), i, r)
		if (!scope && !strcmp(sget(r, "kind"), "country"))
			scope = sget(r, "id");
	char scope_id[192];
	if (scope) {
		snprintf(scope_id, sizeof scope_id, "area-%s", scope);
	} else {
		snprintf(scope_id, sizeof scope_id, "scope-%s", sget(el, "id"));
		json_t *u = json_pack("{s:o, s:s, s:s}", "@type", T("ReportingUnit"),
		                      "@id", scope_id, "Type", "country");
		add_ext(u, "ballotkit-scope", json_true());
		json_array_append_new(units, u);
	}
	char generated[40];
	snprintf(generated, sizeof generated, "%sT00:00:00Z", sget(el, "date"));
	char vendor[192];
	snprintf(vendor, sizeof vendor, "ballotkit %s", bk_version());
	json_t *election = json_pack(
		"{s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
		"@type", T("Election"), "Name", itext(json_object_get(el, "name")),
		"StartDate", sget(el, "date"), "EndDate", sget(el, "date"),
		"Type", "general", "ElectionScopeId", scope_id,
		"Candidate", cands, "Contest", contests, "BallotStyle", styles);
	add_ext(election, "ballotkit-id", json_object_get(el, "id"));
	add_ext(election, "ballotkit-languages", json_object_get(el, "languages"));
	json_t *bd = json_pack(
		"{s:o, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:[o]}",
		"@type", T("BallotDefinition"), "GeneratedDate", generated,
		"Issuer", "ballotkit", "IssuerAbbreviation", "ballotkit",
		"SequenceStart", 1, "SequenceEnd", 1,
		"VendorApplicationId", vendor, "Version", "1.0.0",
		"GpUnit", units, "Party", parties, "Election", election);
	if (json_array_size(formats))
		json_object_set(bd, "BallotFormat", formats);
	json_decref(formats);
	add_ext_str(bd, "ballotkit-format", "ballotkit/1");
	add_ext(bd, "ballotkit-production", json_object_get(def, "production"));
	*out = bki_json_text(bd);
	json_decref(bd);
	json_decref(def);
	return *out ? BK_OK : BK_ERR_NOMEM;
}
