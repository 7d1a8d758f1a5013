/* A NIST SP 1500-20 BallotDefinition (JSON) as a definition: ballotkit's
 * own exports back field for field, and other systems' files as far as
 * format 1 has a place for what they say (docs/nist-1500-20.md). */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/exchange.h"
#include "diag/diag-private.h"
#include "json/jdoc.h"
#include "util/util.h"

typedef struct nist_ctx {
	const char *file;
	json_t *bd;             /* the BallotDefinition */
	json_t *units;          /* @id -> ReportingUnit */
	json_t *parent_of;      /* unit @id -> the @ids of units composing it */
	const char *map_from[8], *map_to[8]; /* --language-map */
	size_t nmap;
	json_t *langs_seen;     /* definition languages met, "kk"/"ru" -> true */
	json_t *def;            /* what is made */
	json_t *origin;         /* "$.candidates[3]" -> "$.Election[0].Candidate[7]" */
	json_t *ignored_langs;  /* NIST languages with no place, noted once */
	json_t *by_id;          /* list name -> (@id -> element) */
	bk_diags *diags;
	bool failed;
} nist_ctx;

static void note(nist_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(nist_ctx *c, const char *path, const char *fmt, ...)
{
	bki_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	bki_diags_add(c->diags, BK_NOTE, "no-place", c->file, 0, 0, path, "%s",
	             bki_buf_str(&msg));
	bki_buf_free(&msg);
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The value of the ExternalIdentifier of Type other with that OtherType,
 * or NULL. */
static const char *ext(json_t *o, const char *other)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(o, "ExternalIdentifier"), i, e) {
		const char *ot = sget(e, "OtherType");
		if (ot && !strcmp(ot, other) && sget(e, "Type") &&
		    !strcmp(sget(e, "Type"), "other"))
			return sget(e, "Value");
	}
	return NULL;
}

/* The same, parsed as JSON (numbers, booleans, objects). */
static json_t *ext_json(json_t *o, const char *other)
{
	const char *v = ext(o, other);
	return v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
}

/* An id of the definition: ballotkit's own, or the NIST @id made to
 * fit (lower case; anything else than a-z, 0-9, - and _ becomes -). */
/* Room for an id: a definition id is 64 characters at most; a longer
 * one of the file is cut to this and refused by the validation. */
enum { ID_ROOM = 256 };

static const char *make_id(json_t *o, const char *fallback, char out[ID_ROOM])
{
	const char *own = ext(o, "ballotkit-id");
	if (own) {
		snprintf(out, ID_ROOM, "%s", own);
		return out;
	}
	const char *s = sget(o, "@id");
	s = s ? s : fallback;
	size_t n = 0;
	for (const char *p = s; *p && n < 64; p++) {
		unsigned char ch = (unsigned char)tolower((unsigned char)*p);
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		          ch == '-' || ch == '_';
		if (!n && !(ok && ch != '-' && ch != '_'))
			continue;
		out[n++] = ok ? (char)ch : '-';
	}
	if (!n)
		out[n++] = 'x';
	out[n] = '\0';
	return out;
}

static const char *map_lang(nist_ctx *c, const char *lang)
{
	for (size_t i = 0; i < c->nmap; i++)
		if (!strcmp(c->map_from[i], lang))
			return c->map_to[i];
	return lang;
}

/* A definition text of an InternationalizedText: the languages kk and ru
 * (or those --language-map names), others noted once. NULL when none. */
static json_t *text_of(nist_ctx *c, json_t *it, const char *path)
{
	json_t *out = json_object();
	size_t i;
	json_t *ls;
	json_array_foreach(json_object_get(it, "Text"), i, ls) {
		const char *lang = sget(ls, "Language"), *content = sget(ls, "Content");
		if (!lang || !content)
			continue;
		const char *to = map_lang(c, lang);
		if (strcmp(to, "kk") && strcmp(to, "ru")) {
			if (!json_object_get(c->ignored_langs, lang)) {
				json_object_set_new(c->ignored_langs, lang, json_true());
				note(c, path, "texts in \"%s\" have no place in a definition "
				     "(kk and ru): they are left out; --language-map %s=ru "
				     "(or %s=kk) reads them as Russian (or Kazakh)", lang,
				     lang, lang);
			}
			continue;
		}
		json_object_set_new(out, to, json_string(content));
		json_object_set_new(c->langs_seen, to, json_true());
	}
	if (!json_object_size(out)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Texts kept as "ballotkit-NAME-kk" and "ballotkit-NAME-ru". */
static json_t *ext_text(json_t *o, const char *name)
{
	json_t *t = json_object();
	static const char *const langs[] = {"kk", "ru"};
	for (size_t i = 0; i < 2; i++) {
		char key[96];
		snprintf(key, sizeof key, "ballotkit-%s-%s", name, langs[i]);
		const char *v = ext(o, key);
		if (v)
			json_object_set_new(t, langs[i], json_string(v));
	}
	if (!json_object_size(t)) {
		json_decref(t);
		return NULL;
	}
	return t;
}

/* A record of the definition with its id (make_id). */
static json_t *new_record(json_t *o, const char *fallback)
{
	char id[ID_ROOM];
	return json_pack("{s:s}", "id", make_id(o, fallback, id));
}

static void set(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

static void add_record(nist_ctx *c, const char *section, json_t *r,
                       const char *path)
{
	json_t *arr = json_object_get(c->def, section);
	char key[96];
	snprintf(key, sizeof key, "$.%s[%zu]", section, json_array_size(arr));
	json_object_set_new(c->origin, key, json_string(path));
	json_array_append_new(arr, r);
}

/* ---- places ---- */

static const char *unit_role(json_t *u, json_t *district_ids)
{
	const char *ot = sget(u, "OtherType"), *type = sget(u, "Type");
	if (ext(u, "ballotkit-scope"))
		return "scope";
	if ((ot && !strncmp(ot, "ballotkit-district-", 19)) ||
	    json_object_get(district_ids, sget(u, "@id")))
		return "district";
	if (type && (!strcmp(type, "polling-place") || !strcmp(type, "precinct") ||
	             !strcmp(type, "split-precinct") ||
	             !strcmp(type, "combined-precinct") || !strcmp(type, "vote-center")))
		return "station";
	return "area";
}

/* The @id of the first unit (of role want) that lists u among its
 * ComposingGpUnitIds. */
static const char *composed_in(nist_ctx *c, const char *id, const char *want,
                               json_t *district_ids)
{
	json_t *parents = json_object_get(c->parent_of, id);
	size_t i;
	json_t *p;
	json_array_foreach(parents, i, p) {
		json_t *u = json_object_get(c->units, json_string_value(p));
		if (u && !strcmp(unit_role(u, district_ids), want))
			return json_string_value(p);
	}
	return NULL;
}

static const char *id_of_unit(nist_ctx *c, const char *nist_id,
                              char out[ID_ROOM])
{
	json_t *u = json_object_get(c->units, nist_id);
	return u ? make_id(u, nist_id, out) : NULL;
}

static const char *area_kind(json_t *u)
{
	const char *type = sget(u, "Type"), *ot = sget(u, "OtherType");
	if (!strcmp(type, "country") || !strcmp(type, "city"))
		return type;
	if (!strcmp(type, "other") && ot && (!strcmp(ot, "region") || !strcmp(ot, "district")))
		return ot;
	if (!strcmp(type, "state"))
		return "region";
	if (!strcmp(type, "municipality") || !strcmp(type, "town") ||
	    !strcmp(type, "village") || !strcmp(type, "borough"))
		return "city";
	return "district";
}

static void read_area(nist_ctx *c, json_t *u, json_t *r, const char *path,
                      json_t *district_ids)
{
	set(r, "kind", json_string(area_kind(u)));
	set(r, "name", text_of(c, json_object_get(u, "Name"), path));
	const char *parent = composed_in(c, sget(u, "@id"), "area", district_ids);
	char buf[ID_ROOM];
	const char *pid = parent ? id_of_unit(c, parent, buf) : NULL;
	if (pid)
		set(r, "parent", json_string(pid));
	add_record(c, "areas", r, path);
}

static void read_district(nist_ctx *c, json_t *u, json_t *r, const char *path,
                          json_t *district_ids)
{
	const char *ot = sget(u, "OtherType");
	set(r, "kind", json_string(ot && !strncmp(ot, "ballotkit-district-", 19)
	                           ? ot + 19 : json_string_value(
	                           json_object_get(district_ids, sget(u, "@id")))));
	if (ext(u, "ballotkit-level"))
		set(r, "level", json_string(ext(u, "ballotkit-level")));
	const char *num = sget(u, "Number");
	if (num && *num && strspn(num, "0123456789") == strlen(num))
		set(r, "number", json_integer(strtol(num, NULL, 10)));
	set(r, "name", text_of(c, json_object_get(u, "Name"), path));
	if (ext(u, "ballotkit-area"))
		set(r, "area", json_string(ext(u, "ballotkit-area")));
	add_record(c, "districts", r, path);
}

/* The districts whose ComposingGpUnitIds list the station. */
static json_t *station_districts(nist_ctx *c, const char *nid,
                                 json_t *district_ids)
{
	json_t *ds = json_array();
	size_t k;
	json_t *p;
	json_array_foreach(json_object_get(c->parent_of, nid), k, p) {
		json_t *pu = json_object_get(c->units, json_string_value(p));
		if (!pu || strcmp(unit_role(pu, district_ids), "district"))
			continue;
		char did[ID_ROOM];
		json_array_append_new(ds, json_string(make_id(pu, "district", did)));
	}
	return ds;
}

static void read_station(nist_ctx *c, json_t *u, json_t *r, const char *path,
                         json_t *district_ids)
{
	const char *num = sget(u, "Number"), *nid = sget(u, "@id");
	if (!num || !*num || strspn(num, "0123456789") != strlen(num)) {
		note(c, path, "the %s \"%s\" has no number: a polling station needs "
		     "one, so it is left out", sget(u, "Type"), nid ? nid : "");
		json_decref(r);
		return;
	}
	set(r, "number", json_integer(strtol(num, NULL, 10)));
	set(r, "name", text_of(c, json_object_get(u, "Name"), path));
	if (ext(u, "ballotkit-area"))
		set(r, "area", json_string(ext(u, "ballotkit-area")));
	set(r, "abroad", ext_json(u, "ballotkit-abroad"));
	set(r, "districts", station_districts(c, nid, district_ids));
	set(r, "kits", ext_json(u, "ballotkit-kits"));
	set(r, "address", ext_json(u, "ballotkit-address"));
	add_record(c, "polling_stations", r, path);
}

static void read_units(nist_ctx *c, json_t *district_ids)
{
	size_t i;
	json_t *u;
	json_object_set_new(c->def, "areas", json_array());
	json_object_set_new(c->def, "districts", json_array());
	json_object_set_new(c->def, "polling_stations", json_array());
	json_array_foreach(json_object_get(c->bd, "GpUnit"), i, u) {
		char path[128];
		snprintf(path, sizeof path, "$.GpUnit[%zu]", i);
		const char *role = unit_role(u, district_ids);
		json_t *r = new_record(u, "unit");
		if (!strcmp(role, "scope"))
			json_decref(r);
		else if (!strcmp(role, "area"))
			read_area(c, u, r, path, district_ids);
		else if (!strcmp(role, "district"))
			read_district(c, u, r, path, district_ids);
		else
			read_station(c, u, r, path, district_ids);
	}
}

/* ---- parties and candidates ---- */

static void read_parties(nist_ctx *c)
{
	size_t i;
	json_t *p;
	json_object_set_new(c->def, "parties", json_array());
	json_array_foreach(json_object_get(c->bd, "Party"), i, p) {
		char path[128];
		snprintf(path, sizeof path, "$.Party[%zu]", i);
		json_t *r = new_record(p, "party");
		set(r, "name", text_of(c, json_object_get(p, "Name"), path));
		set(r, "short_name", text_of(c, json_object_get(p, "Abbreviation"),
		                             path));
		set(r, "pronunciation", ext_text(p, "pronunciation"));
		set(r, "leaflet", ext_text(p, "leaflet"));
		add_record(c, "parties", r, path);
	}
}

/* The element of the list named list (an index kept in c->by_id, made
 * on first use) whose @id is id, or NULL. */
static json_t *find_by_id(nist_ctx *c, const char *list, json_t *arr,
                          const char *id)
{
	json_t *index = json_object_get(c->by_id, list);
	if (!index) {
		index = json_object();
		size_t i;
		json_t *o;
		json_array_foreach(arr, i, o)
			if (sget(o, "@id") && !json_object_get(index, sget(o, "@id")))
				json_object_set(index, sget(o, "@id"), o);
		json_object_set_new(c->by_id, list, index);
	}
	return id ? json_object_get(index, id) : NULL;
}

/* A name of another system: the Person's parts, else the BallotName's
 * last word as the surname and the rest as the given name, in the
 * election's first language. */
static void foreign_name(nist_ctx *c, json_t *cand, json_t *r, const char *lang)
{
	json_t *person = sget(cand, "PersonId") ?
	                 find_by_id(c, "Person", json_object_get(c->bd, "Person"), sget(cand, "PersonId")) : NULL;
	const char *last = sget(person, "LastName"), *first = sget(person, "FirstName");
	const char *middle = sget(person, "MiddleName");
	if (last && first) {
		set(r, "surname", json_pack("{s:s}", lang, last));
		set(r, "given_name", json_pack("{s:s}", lang, first));
		if (middle)
			set(r, "patronymic", json_pack("{s:s}", lang, middle));
	} else {
		json_t *bn = text_of(c, json_object_get(cand, "BallotName"), "");
		const char *full = json_string_value(json_object_get(bn, lang));
		const char *sp = full ? strrchr(full, ' ') : NULL;
		if (full)
			set(r, "surname", json_pack("{s:s}", lang, sp ? sp + 1 : full));
		if (sp)
			set(r, "given_name", json_pack("{s:s%}", lang, full,
			                               (size_t)(sp - full)));
		json_decref(bn);
	}
	const char *dob = sget(person, "DateOfBirth");
	if (dob && strlen(dob) >= 4)
		set(r, "birth_year", json_integer(strtol(dob, NULL, 10)));
}

static void read_candidates(nist_ctx *c, json_t *election, const char *lang)
{
	static const char *const texts[][2] = {
		{"surname", "surname"}, {"given_name", "given-name"},
		{"patronymic", "patronymic"}, {"details", "details"},
		{"pronunciation", "pronunciation"}, {"leaflet", "leaflet"}};
	size_t i;
	json_t *k;
	json_object_set_new(c->def, "candidates", json_array());
	json_array_foreach(json_object_get(election, "Candidate"), i, k) {
		char path[128];
		snprintf(path, sizeof path, "$.Election[0].Candidate[%zu]", i);
		json_t *r = new_record(k, "candidate");
		bool own = ext(k, "ballotkit-id") != NULL;
		for (size_t t = 0; own && t < sizeof texts / sizeof *texts; t++)
			set(r, texts[t][0], ext_text(k, texts[t][1]));
		if (!own)
			foreign_name(c, k, r, lang);
		set(r, "birth_year", ext_json(k, "ballotkit-birth-year"));
		const char *party = sget(k, "PartyId");
		json_t *pu = party ? find_by_id(c, "Party", json_object_get(c->bd, "Party"), party) : NULL;
		if (pu) {
			char pid[ID_ROOM];
			set(r, "party", json_string(make_id(pu, "party", pid)));
		} else {
			set(r, "self_nominated", json_true());
		}
		const char *status = sget(k, "PreElectionStatus");
		if (ext(k, "ballotkit-status"))
			set(r, "status", json_string(ext(k, "ballotkit-status")));
		else if (status && !strcmp(status, "withdrawn"))
			set(r, "status", json_string("withdrawn"));
		add_record(c, "candidates", r, path);
	}
}

/* ---- contests as ballots ---- */

static json_t *option_of(json_t *contest, const char *id, size_t *at)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(contest, "ContestOption"), i, o)
		if (sget(o, "@id") && !strcmp(sget(o, "@id"), id)) {
			*at = i;
			return o;
		}
	return NULL;
}

/* ---- physical layouts: the marking boxes as paper.boxes
 * (docs/nist-1500-20.md, "Physical layouts") ---- */

/* mm in one MeasurementUnit; 0 for a unit the schema does not have. */
static double unit_mm(const char *u)
{
	static const struct {
		const char *name;
		double mm;
	} units[] = {{"mm", 1.0}, {"in", 25.4}, {"pt", 25.4 / 72}, {"pc", 25.4 / 6}};
	for (size_t i = 0; u && i < sizeof units / sizeof *units; i++)
		if (!strcmp(u, units[i].name))
			return units[i].mm;
	return 0;
}

/* v units in mm, to the micrometre. */
static json_t *mm_of(json_t *v, double mm)
{
	return json_real(floor(json_number_value(v) * mm * 1000 + 0.5) / 1000);
}

/* The paper.boxes entry of the option with @id id in a contest's
 * PhysicalContest ph: its first OptionPosition in mm, with its sheet and
 * side where they are not the first sheet's front. NULL when it has
 * none. */
static json_t *option_box(json_t *ph, const char *id, double mm)
{
	size_t i;
	json_t *pco;
	json_array_foreach(json_object_get(ph, "PhysicalContestOption"), i, pco) {
		const char *oid = sget(pco, "ContestOptionId");
		if (!id || !oid || strcmp(oid, id))
			continue;
		json_t *pos = json_array_get(json_object_get(pco, "OptionPosition"), 0);
		static const char *const key[4] = {"X", "Y", "W", "H"};
		static const char *const to[4] = {"x", "y", "width", "height"};
		json_t *b = json_object();
		for (int k = 0; k < 4; k++) {
			json_t *v = json_object_get(pos, key[k]);
			if (!json_is_number(v)) {
				json_decref(b);
				return NULL;
			}
			json_object_set_new(b, to[k], mm_of(v, mm));
		}
		json_t *sheet = json_object_get(pos, "Sheet");
		if (json_is_integer(sheet) && json_integer_value(sheet) != 1)
			json_object_set(b, "sheet", sheet);
		const char *side = sget(pos, "Side");
		if (side && strcmp(side, "front"))
			json_object_set_new(b, "side", json_string(side));
		return b;
	}
	return NULL;
}

/* The contest's PhysicalContest in the style (its first), and the mm of
 * its BallotFormat's unit with the sheet's size as displayed (portrait:
 * the short edge across). NULL when there is none or its format is not
 * known. */
static json_t *physical_of(nist_ctx *c, json_t *ordered, double *mm,
                           double *w, double *h)
{
	json_t *ph = json_array_get(json_object_get(ordered, "Physical"), 0);
	json_t *bf = find_by_id(c, "BallotFormat", json_object_get(c->bd, "BallotFormat"),
	                        sget(ph, "BallotFormatId"));
	*mm = unit_mm(sget(bf, "MeasurementUnit"));
	json_t *lo = json_object_get(bf, "LongEdge"), *sh = json_object_get(bf, "ShortEdge");
	if (!ph || !*mm || !json_is_number(lo) || !json_is_number(sh))
		return NULL;
	const char *orient = sget(bf, "Orientation");
	bool landscape = orient && !strcmp(orient, "landscape");
	*w = json_number_value(landscape ? lo : sh) * *mm;
	*h = json_number_value(landscape ? sh : lo) * *mm;
	return ph;
}

/* The options of a contest in the order the style gives (or the
 * contest's own), as definition ids; "against all" sets *against. Where
 * the style lays the contest out (ph, in units of mm), each option's box
 * goes into boxes, and *unplaced counts the options without one. */
static json_t *options_of(nist_ctx *c, json_t *contest, json_t *ordered,
                          const char *cpath, bool *against, json_t *ph,
                          double mm, json_t *boxes, size_t *unplaced)
{
	json_t *ids = json_array();
	json_t *order = json_object_get(ordered, "OrderedContestOptionIds");
	size_t n = order ? json_array_size(order)
	                 : json_array_size(json_object_get(contest, "ContestOption"));
	for (size_t i = 0; i < n; i++) {
		size_t at = i;
		json_t *o = order ? option_of(contest, json_string_value(json_array_get(order, i)), &at)
		                  : json_array_get(json_object_get(contest, "ContestOption"), i);
		char path[192];
		snprintf(path, sizeof path, "%.100s.ContestOption[%zu]", cpath, at);
		json_t *cands = json_object_get(o, "CandidateIds");
		json_t *parties = json_object_get(o, "PartyIds");
		const char *ref = json_string_value(json_array_get(cands ? cands : parties, 0));
		json_t *target = !ref ? NULL : cands
		                 ? find_by_id(c, "Candidate", json_object_get(json_array_get(
		                       json_object_get(c->bd, "Election"), 0), "Candidate"), ref)
		                 : find_by_id(c, "Party", json_object_get(c->bd, "Party"), ref);
		if (ext(o, "ballotkit-against-all")) {
			/* ballotkit's own "against all", the last position: its
			 * box too */
			*against = true;
			json_t *b = ph ? option_box(ph, sget(o, "@id"), mm) : NULL;
			if (b)
				json_array_append_new(boxes, b);
			else
				++*unplaced;
		} else if (json_is_true(json_object_get(o, "IsWriteIn"))) {
			note(c, path, "a write-in has no place on a ballot "
			     "of format 1: left out");
		} else if (!target) {
			note(c, path, "an option with no candidate or party "
			     "(%s) has no place in format 1: left out",
			     sget(o, "@type") ? sget(o, "@type") : "");
		} else {
			char id[ID_ROOM];
			json_array_append_new(ids, json_string(make_id(target, ref, id)));
			json_t *b = ph ? option_box(ph, sget(o, "@id"), mm) : NULL;
			if (b)
				json_array_append_new(boxes, b);
			else
				++*unplaced;
		}
	}
	return ids;
}

static void read_contest(nist_ctx *c, json_t *contest, size_t ci,
                         json_t *style, size_t si, json_t *ordered)
{
	char cpath[128], bpath[128];
	snprintf(cpath, sizeof cpath, "$.Election[0].Contest[%zu]", ci);
	snprintf(bpath, sizeof bpath, "$.Election[0].BallotStyle[%zu]", si);
	const char *type = sget(contest, "@type");
	bool party = type && !strcmp(type, "BallotDefinition.PartyContest");
	bool cand = type && !strcmp(type, "BallotDefinition.CandidateContest");
	const char *vv = sget(contest, "VoteVariation");
	json_t *allowed = json_object_get(contest, "VotesAllowed");
	if (!party && !cand) {
		note(c, cpath, "a %s has no place in format 1: left out",
		     type ? type : "contest");
		goto out;
	}
	if ((vv && strcmp(vv, "plurality") && strcmp(vv, "n-of-m")) ||
	    (allowed && json_integer_value(allowed) != 1))
		note(c, cpath, "voting \"%s\" with %lld votes has no "
		     "place in format 1 (one mark, plurality): read as one mark",
		     vv ? vv : "plurality", allowed ? (long long)json_integer_value(allowed) : 1);
	json_t *r = json_object();
	const char *own = ext(style, "ballotkit-ballot");
	char cid[ID_ROOM], id[ID_ROOM + 32];
	if (own)
		snprintf(id, sizeof id, "%s", own);
	else
		snprintf(id, sizeof id, "style-%zu-%s", si + 1,
		         make_id(contest, "contest", cid));
	json_object_set_new(r, "id", json_string(id));
	const char *body = ext(contest, "ballotkit-body");
	set(r, "body", json_string(body ? body : "mazhilis"));
	if (ext(contest, "ballotkit-level"))
		set(r, "level", json_string(ext(contest, "ballotkit-level")));
	set(r, "kind", json_string(party ? "party-list" : "single-mandate"));
	json_t *du = json_object_get(c->units, sget(contest, "ElectionDistrictId") ?
	                             sget(contest, "ElectionDistrictId") : "");
	char did[ID_ROOM];
	if (du)
		make_id(du, "district", did);
	else
		snprintf(did, sizeof did, "%s", sget(contest, "ElectionDistrictId") ?
		         sget(contest, "ElectionDistrictId") : "");
	set(r, "district", json_string(did));
	set(r, "name", text_of(c, json_object_get(contest, "BallotTitle"), cpath));
	set(r, "short_name", ext_text(contest, "short-name"));
	bool against = false;
	double mm = 0, pw = 0, phh = 0;
	json_t *ph = physical_of(c, ordered, &mm, &pw, &phh);
	json_t *boxes = json_array();
	size_t unplaced = 0;
	set(r, "options", options_of(c, contest, ordered, cpath, &against, ph, mm,
	                             boxes, &unplaced));
	/* ballotkit's own: as the definition said it (or left it to its
	 * default); another system's: whether an "against all" option is
	 * there, which it never is */
	json_t *aa = ext_json(contest, "ballotkit-against-all");
	set(r, "against_all", aa ? aa : own ? NULL : json_boolean(against));
	json_t *paper = ext_json(contest, "ballotkit-paper");
	if (!paper && ph && unplaced)
		note(c, bpath, "%zu option(s) of %s have no OptionPosition: the "
		     "ballot's boxes are left out, the stencil uses a template",
		     unplaced, sget(contest, "@id") ? sget(contest, "@id") : cpath);
	else if (!paper && ph && json_array_size(boxes))
		paper = json_pack("{s:O,s:f,s:f}", "boxes", boxes, "width",
		                  floor(pw * 1000 + 0.5) / 1000, "height",
		                  floor(phh * 1000 + 0.5) / 1000);
	json_decref(boxes);
	set(r, "paper", paper);
	if (ext(contest, "ballotkit-colour"))
		set(r, "colour", json_string(ext(contest, "ballotkit-colour")));
	set(r, "two_sided", ext_json(contest, "ballotkit-two-sided"));
	add_record(c, "ballots", r, bpath);
out:
	;
}

/* One ballot per pair of style and contest. */
static void read_styles(nist_ctx *c, json_t *election)
{
	json_object_set_new(c->def, "ballots", json_array());
	json_t *contests = json_object_get(election, "Contest");
	size_t si;
	json_t *style;
	json_array_foreach(json_object_get(election, "BallotStyle"), si, style) {
		size_t k;
		json_t *oc;
		json_array_foreach(json_object_get(style, "OrderedContent"), k, oc) {
			const char *cid = sget(oc, "ContestId");
			size_t ci;
			json_t *contest;
			json_array_foreach(contests, ci, contest)
				if (cid && sget(contest, "@id") && !strcmp(sget(contest, "@id"), cid))
					read_contest(c, contest, ci, style, si, oc);
		}
	}
}

/* The units that contests name as their district, with the kind of
 * district their contests make of them. */
static json_t *district_kinds(json_t *election)
{
	json_t *out = json_object();
	size_t i;
	json_t *ct;
	json_array_foreach(json_object_get(election, "Contest"), i, ct) {
		const char *d = sget(ct, "ElectionDistrictId");
		const char *type = sget(ct, "@type");
		if (d && type && !json_object_get(out, d))
			json_object_set_new(out, d, json_string(
				!strcmp(type, "BallotDefinition.PartyContest") ? "nationwide" : "mazhilis"));
	}
	return out;
}

static void index_units(nist_ctx *c)
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(c->bd, "GpUnit"), i, u) {
		const char *id = sget(u, "@id");
		if (!id)
			continue;
		json_object_set(c->units, id, u);
		size_t k;
		json_t *child;
		json_array_foreach(json_object_get(u, "ComposingGpUnitIds"), k, child) {
			const char *cid = json_string_value(child);
			if (!cid)
				continue;
			json_t *list = json_object_get(c->parent_of, cid);
			if (!list) {
				list = json_array();
				json_object_set_new(c->parent_of, cid, list);
			}
			json_array_append_new(list, json_string(id));
		}
	}
}

static void read_election(nist_ctx *c, json_t *election)
{
	json_t *el = json_object();
	const char *own = ext(election, "ballotkit-id");
	const char *date = sget(election, "StartDate");
	char id[ID_ROOM];
	snprintf(id, sizeof id, own ? "%s" : "nist-%s",
	         own ? own : date ? date : "election");
	json_object_set_new(el, "id", json_string(id));
	set(el, "date", date ? json_string(date) : NULL);
	set(el, "name", text_of(c, json_object_get(election, "Name"), "$.Election[0]"));
	json_t *langs = ext_json(election, "ballotkit-languages");
	if (!langs) {
		langs = json_array();
		if (json_object_get(c->langs_seen, "kk"))
			json_array_append_new(langs, json_string("kk"));
		if (json_object_get(c->langs_seen, "ru"))
			json_array_append_new(langs, json_string("ru"));
	}
	set(el, "languages", langs);
	json_object_set_new(c->def, "election", el);
	json_object_set_new(c->origin, "$.election", json_string("$.Election[0]"));
	json_object_set_new(c->origin, "$.production", json_string("$.ExternalIdentifier"));
}

static bk_status parse_map(nist_ctx *c, char *map, bk_diags *diags)
{
	for (char *tok = strtok(map, ","); tok; tok = strtok(NULL, ",")) {
		char *eq = strchr(tok, '=');
		if (!eq || c->nmap == 8 || (strcmp(eq + 1, "kk") && strcmp(eq + 1, "ru"))) {
			bki_diags_add(diags, BK_ERROR, "usage", "", 0, 0, "",
			             "--language-map takes FROM=kk or FROM=ru, separated "
			             "by commas (en=ru), not \"%s\"", tok);
			return BK_ERR_USAGE;
		}
		*eq = '\0';
		c->map_from[c->nmap] = tok;
		c->map_to[c->nmap++] = eq + 1;
	}
	return BK_OK;
}

bk_status bk_nist_import(char **out, char **origins, const char *data,
                         size_t size, const char *name,
                         const char *language_map, bk_diags *diags)
{
	*out = NULL;
	if (origins)
		*origins = NULL;
	nist_ctx c = {.file = name, .diags = diags};
	char *map = bki_strdup(language_map ? language_map : "");
	bk_status st = map ? parse_map(&c, map, diags)
	               : bki_diags_nomem(diags, name, "", "reading the NIST file");
	json_error_t err;
	if (st == BK_OK && !(c.bd = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err))) {
		bki_diags_add(diags, BK_ERROR, "json", name, (unsigned long)err.line,
		             (unsigned long)err.column, "", "invalid JSON: %s", err.text);
		st = BK_ERR_INVALID;
	}
	const char *type = c.bd ? sget(c.bd, "@type") : NULL;
	json_t *elections = json_object_get(c.bd, "Election");
	if (st == BK_OK && (!type || strcmp(type, "BallotDefinition.BallotDefinition") ||
	                    json_array_size(elections) != 1)) {
		bki_diags_add(diags, BK_ERROR, "bad-value", name, 0, 0, "$",
		             "not a NIST SP 1500-20 BallotDefinition with one Election "
		             "(@type \"BallotDefinition.BallotDefinition\", Election "
		             "holding one election)");
		st = BK_ERR_INVALID;
	}
	if (st != BK_OK)
		goto done;
	json_t *election = json_array_get(elections, 0);
	c.units = json_object();
	c.parent_of = json_object();
	c.langs_seen = json_object();
	c.ignored_langs = json_object();
	c.origin = json_object();
	c.by_id = json_object();
	c.def = json_object();
	json_object_set_new(c.def, "format", json_string("ballotkit/1"));
	json_object_set_new(c.def, "election", json_object()); /* keeps its place */
	index_units(&c);
	json_t *dk = district_kinds(election);
	read_units(&c, dk);
	json_decref(dk);
	read_parties(&c);
	/* names of other systems are in the election's first language */
	json_t *probe = text_of(&c, json_object_get(election, "Name"), "$.Election[0]");
	const char *first = json_object_get(probe, "kk") ? "kk" : "ru";
	json_decref(probe);
	read_candidates(&c, election, first);
	read_styles(&c, election);
	read_election(&c, election);
	set(c.def, "production", ext_json(c.bd, "ballotkit-production"));
	*out = bki_json_text(c.def);
	if (!*out)
		st = BK_ERR_NOMEM;
	if (origins)
		*origins = json_dumps(c.origin, JSON_COMPACT);
done:
	json_decref(c.bd);
	json_decref(c.units);
	json_decref(c.parent_of);
	json_decref(c.langs_seen);
	json_decref(c.ignored_langs);
	json_decref(c.origin);
	json_decref(c.by_id);
	json_decref(c.def);
	free(map);
	return st;
}

void bk_nist_relocate(const char *origins, const bk_diags *in,
                      const char *made, const char *file, bk_diags *out)
{
	json_t *map = json_loads(origins ? origins : "{}", 0, NULL);
	for (size_t i = 0; i < bk_diags_count(in); i++) {
		const bk_diag *d = bk_diags_get(in, i);
		/* the record: "$.candidates[3]", or a member ("$.election") */
		const char *path = bk_diag_path(d), *end = strchr(path, ']');
		char rec[128] = "";
		if (end && (size_t)(end - path + 1) < sizeof rec)
			snprintf(rec, sizeof rec, "%.*s", (int)(end - path + 1), path);
		else if (!end && !strncmp(path, "$.", 2))
			snprintf(rec, sizeof rec, "%.*s",
			         (int)(2 + strcspn(path + 2, ".[")), path);
		const char *to = json_string_value(json_object_get(map, rec));
		if (!to || !made || strcmp(bk_diag_file(d), made)) {
			bki_diags_add(out, bk_diag_severity(d), bk_diag_kind(d),
			             bk_diag_file(d), bk_diag_line(d), bk_diag_column(d),
			             path, "%s", bk_diag_message(d));
			continue;
		}
		bki_diags_add(out, bk_diag_severity(d), bk_diag_kind(d), file, 0, 0,
		             to, "%s (the definition's %s)", bk_diag_message(d), path);
	}
	json_decref(map);
}
