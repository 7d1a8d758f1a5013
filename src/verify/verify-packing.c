/* Verifying the packing lists of a kits folder: for each station of the
 * index, packing/ID.txt names its kits in order, and the printable
 * packing/ID.pdf, read back as text (poppler), holds the station's
 * number, names and address, then each of its kits with its copies and
 * titles in the index's order and no other kit, and ends with its box
 * labels (the station's number and the count of kits). Wording is
 * templates' business (the print wording's packing_* texts); what is checked here
 * is what the station must receive. docs/kits.md. */
#include "verify/verify-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "diag/diag-private.h"

/* Finds want (white space taken out) in text from *at on; moves *at past
 * it. */
static bool next_in(const char *text, size_t *at, const char *want)
{
	bki_buf w = {0};
	vk_no_space(want, &w);
	const char *hit = bki_buf_failed(&w) ? NULL : strstr(text + *at, bki_buf_str(&w));
	if (hit)
		*at = (size_t)(hit - text) + w.len;
	bki_buf_free(&w);
	return hit != NULL;
}

static void check_pdf(vkit *top, const json_t *entry, const json_t *kits_of,
                      const json_t *titles)
{
	const json_t *info = json_object_get(entry, "station");
	bki_buf file = {0}, flat = {0}, want = {0};
	bki_buf_printf(&file, "packing/%s.pdf", vk_str(info, "id"));
	char *data = NULL, *text = NULL;
	size_t n = 0, c;
	if (!vk_check_read(top, bki_buf_str(&file), "packing-pdf", &c, &data, &n))
		goto out;
	bk_diags *d = bk_diags_create();
	if (!d || bk_decode_pdf_text(data, n, bki_buf_str(&file), &text, d) != BK_OK) {
		vk_fail(top, c, 0, "cannot be read: %s", d ? vk_first(d) : "out of memory");
		bk_diags_free(d);
		goto out;
	}
	bk_diags_free(d);
	/* the labels: the last page */
	char *ff = strrchr(text, '\f');
	while (ff && ff > text && ff[1] == '\0') {
		*ff = '\0';
		ff = strrchr(text, '\f');
	}
	const char *labels = ff ? ff + 1 : "";
	if (ff)
		*ff = '\0';
	vk_no_space(text, &flat);
	const char *t = bki_buf_str(&flat);
	size_t at = 0;
	long long number = json_integer_value(json_object_get(info, "number"));
	long long copies = json_integer_value(json_object_get(info, "copies"));
	bki_buf_printf(&want, "%lld", number);
	if (!next_in(t, &at, bki_buf_str(&want)))
		vk_fail(top, c, 0, "does not give the station's number %lld", number);
	static const char *const langs[] = {"kk", "ru"};
	for (int l = 0; l < 2; l++) {
		const char *name = vk_str(json_object_get(info, "name"), langs[l]);
		if (*name && !next_in(t, &at, name))
			vk_fail(top, c, 0, "does not give the station's name (%s) \"%s\"",
			        langs[l], name);
	}
	for (int l = 0; l < 2; l++) {
		const char *a = vk_str(json_object_get(info, "address"), langs[l]);
		if (*a && !next_in(t, &at, a))
			vk_fail(top, c, 0, "does not give the station's address (%s) \"%s\"",
			        langs[l], a);
	}
	size_t i;
	json_t *kv;
	json_array_foreach(kits_of, i, kv) {
		const char *kit = json_string_value(kv);
		bki_buf_truncate(&want, 0);
		bki_buf_printf(&want, "%s × %lld", kit ? kit : "", copies);
		if (!kit || !next_in(t, &at, bki_buf_str(&want))) {
			vk_fail(top, c, 0, "does not list the kit %s with %lld copies in "
			        "its place (%zu of %zu)", kit ? kit : "?", copies, i + 1,
			        json_array_size(kits_of));
			continue;
		}
		/* its titles, from the index */
		const json_t *kt = json_object_get(titles, kit);
		for (int l = 0; l < 2; l++) {
			const char *title = vk_str(kt, langs[l]);
			if (*title && !next_in(t, &at, title))
				vk_fail(top, c, 0, "does not give the title (%s) of %s",
				        langs[l], kit);
		}
	}
	/* no kit the station does not receive: every "ID ×" of the list is
	 * one of its kits (read from the text, so the cost does not grow
	 * with the election's kits) */
	static const char idch[] = "abcdefghijklmnopqrstuvwxyz0123456789-_";
	for (const char *h = strstr(t, "×"); h; h = strstr(h + 1, "×")) {
		const char *s0 = h;
		while (s0 > t && s0[-1] && strchr(idch, s0[-1]))
			s0--;
		if (s0 == h)
			continue;
		/* one of its kits ends there (what stands before the id, the
		 * copies of the line above for one, may be id characters too) */
		bool ours = false;
		size_t j;
		json_t *x;
		json_array_foreach(kits_of, j, x) {
			const char *k = json_string_value(x);
			size_t kl = k ? strlen(k) : 0;
			ours |= kl && kl <= (size_t)(h - s0) && !strncmp(h - kl, k, kl);
		}
		if (!ours) {
			vk_fail(top, c, 0, "lists the kit %.*s, which the station does not "
			        "receive", (int)(h - s0), s0);
			break;
		}
	}
	/* the labels: a page of their own, the station's number on each of
	 * the two, no kit's row */
	bki_buf_truncate(&flat, 0);
	vk_no_space(labels, &flat);
	bki_buf_truncate(&want, 0);
	bki_buf_printf(&want, "№%lld", number);
	at = 0;
	int seen = 0;
	while (seen < 2 && next_in(bki_buf_str(&flat), &at, bki_buf_str(&want)))
		seen++;
	if (!ff || seen < 2 || strstr(bki_buf_str(&flat), "×" ) == NULL)
		vk_fail(top, c, 0, "has no page of box labels (two labels with № %lld "
		        "and the count of kits) at its end", number);
out:
	free(data);
	bk_free(text);
	bki_buf_free(&file);
	bki_buf_free(&flat);
	bki_buf_free(&want);
}

static void check_txt(vkit *top, const json_t *entry, const json_t *kits_of)
{
	const json_t *info = json_object_get(entry, "station");
	bki_buf file = {0}, want = {0};
	bki_buf_printf(&file, "packing/%s.txt", vk_str(info, "id"));
	char *data = NULL;
	size_t n = 0, c;
	if (vk_check_read(top, bki_buf_str(&file), "packing-list", &c, &data, &n)) {
		char *text = bki_strndup(data, n);
		size_t at = 0;
		size_t i;
		json_t *kv;
		json_array_foreach(kits_of, i, kv) {
			bki_buf_truncate(&want, 0);
			bki_buf_printf(&want, "[ ] %s\n", json_string_value(kv));
			const char *hit = text ? strstr(text + at, bki_buf_str(&want)) : NULL;
			if (!hit) {
				vk_fail(top, c, 0, "does not list the kit %s in its place",
				        json_string_value(kv));
				continue;
			}
			at = (size_t)(hit - text) + want.len;
		}
		size_t listed = 0;
		for (const char *p = text; p && (p = strstr(p, "[ ] ")); p += 4)
			listed++;
		if (text && listed != json_array_size(kits_of))
			vk_fail(top, c, 0, "lists %zu kits, the station receives %zu",
			        listed, json_array_size(kits_of));
		free(text);
	}
	free(data);
	bki_buf_free(&file);
	bki_buf_free(&want);
}

void vk_check_packing(vkit *top, const json_t *index)
{
	/* each kit's titles by its name */
	json_t *titles = json_object();
	size_t i;
	json_t *entry;
	json_array_foreach(json_object_get(index, "kits"), i, entry)
		json_object_set(titles, vk_str(entry, "kit"), json_object_get(entry, "titles"));
	json_array_foreach(json_object_get(index, "stations"), i, entry) {
		const char *id = vk_str(json_object_get(entry, "station"), "id");
		if (!*id || strchr(id, '/') || *id == '.')
			continue; /* not a file name: the index's check says so */
		const json_t *kits_of = json_object_get(entry, "kits");
		check_txt(top, entry, kits_of);
		check_pdf(top, entry, kits_of, titles);
	}
	json_decref(titles);
}

bk_status bk_verify_packing(bk_verifier *v, const char *dir, bk_diags *diags)
{
	if (!v || !dir)
		return BK_ERR_USAGE;
	vk_clear_record(v);
	vkit top = {.v = v, .diags = diags, .dir = dir, .name = ""};
	char *data = NULL;
	size_t n = 0;
	size_t c = vk_check(&top, "index.json", "index");
	if (!vk_read(&top, c, "index.json", &data, &n))
		return v->nomem ? bki_diags_nomem(diags, dir, "", "verifying the packing lists")
		                : BK_ERR_IO;
	json_t *index = json_loadb(data, n, 0, NULL);
	free(data);
	if (!index) {
		vk_fail(&top, c, 0, "is not JSON");
		return BK_ERR_INVALID;
	}
	bki_c_numeric num = bki_c_numeric_enter();
	vk_check_packing(&top, index);
	bki_c_numeric_leave(&num);
	json_decref(index);
	if (v->nomem)
		return bki_diags_nomem(diags, dir, "", "verifying the packing lists");
	return top.errors ? BK_ERR_INVALID : BK_OK;
}
