/* Derived spellings: a candidate's name given in one language only is
 * spelled in the other, Russian by transliteration from the Kazakh
 * (templates/language/kk.json), Kazakh by taking the Russian; each is
 * noted (docs/validation-rules.md, "derived-spelling"). */
#include "definition/definition-load.h"

#include <string.h>

static const char *transliterate(def_ctx *c, const char *kk)
{
	bki_buf out = {0};
	size_t n = strlen(kk), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = bki_utf8_decode(kk + i, n - i, &cp);
		if (!l)
			l = 1;
		char key[5] = {0};
		memcpy(key, kk + i, l);
		const char *r = json_string_value(
			json_object_get(c->tpl->kk_to_ru, key));
		if (r)
			bki_buf_add(&out, r);
		else
			bki_buf_addn(&out, kk + i, l);
		i += l;
	}
	const char *s = bki_buf_failed(&out) ? NULL
	                : bki_arena_strdup(&c->e->arena, bki_buf_str(&out));
	bki_buf_free(&out);
	return s;
}

static void derive_name(def_ctx *c, size_t ci, const char *field, bki_text *t)
{
	bk_election *e = c->e;
	bool any = t->v[BK_LANG_KK] || t->v[BK_LANG_RU];
	if (!any || t->bad)
		return;
	bki_buf p = {0};
	bki_buf_printf(&p, "$.candidates[%zu].%s", ci, field);
	if (bki_election_has_lang(e, BK_LANG_RU) && !t->v[BK_LANG_RU]) {
		t->v[BK_LANG_RU] = def_got(c, (void *)transliterate(c, t->v[BK_LANG_KK]));
		if (!t->v[BK_LANG_RU])
			goto out;
		t->derived[BK_LANG_RU] = true;
		e->derived_spellings++;
		jdoc_report_at(c->d, bki_buf_str(&p), BK_NOTE, "derived-spelling",
		               false, "Russian spelling \"%s\" derived from "
		               "\"%s\" (templates/language/kk.json); give \"ru\" "
		               "to choose it yourself", t->v[BK_LANG_RU],
		               t->v[BK_LANG_KK]);
	}
	if (bki_election_has_lang(e, BK_LANG_KK) && !t->v[BK_LANG_KK]) {
		t->v[BK_LANG_KK] = t->v[BK_LANG_RU];
		t->derived[BK_LANG_KK] = true;
		jdoc_report_at(c->d, bki_buf_str(&p), BK_NOTE, "derived-spelling",
		               false, "Kazakh spelling taken from the Russian "
		               "\"%s\"; give \"kk\" if it differs",
		               t->v[BK_LANG_RU]);
	}
out:
	bki_buf_free(&p);
}

void def_derive_spellings(def_ctx *c)
{
	for (size_t i = 0; i < c->e->ncandidates; i++) {
		bki_candidate *k = &c->e->candidates[i];
		derive_name(c, i, "surname", &k->surname);
		derive_name(c, i, "given_name", &k->given_name);
		derive_name(c, i, "patronymic", &k->patronymic);
	}
}
