/* Braille throughput against raw liblouis, on the national-size
 * definition's names (both languages), and the time to write a 20-page
 * swell-paper leaflet. Usage: bench-braille DEFINITION.json
 * Timing lives here, never in tests. */
#include <ballotkit.h>

#include <liblouis/liblouis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t to_wide(const char *s, widechar *out, size_t cap)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < cap) {
		unsigned cp;
		if (*p < 0x80) { cp = *p++; }
		else if ((*p & 0xE0) == 0xC0) { cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu); p += 2; }
		else if ((*p & 0xF0) == 0xE0) { cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu); p += 3; }
		else { cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu); p += 4; }
		out[n++] = cp;
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-braille DEFINITION.json\n");
		return 64;
	}
	bk_templates *tpl;
	bk_election *e;
	bk_braille *br;
	if (bk_templates_open(&tpl, NULL, NULL) || bk_election_load(&e, argv[1], tpl, NULL) ||
	    bk_braille_open(&br, e, tpl, NULL)) {
		fprintf(stderr, "bench-braille: cannot load %s\n", argv[1]);
		return 66;
	}
	/* the names: every position's printed text, in both languages */
	size_t cap = 1 << 16, n = 0;
	char **texts = malloc(cap * sizeof *texts);
	const char **langs = malloc(cap * sizeof *langs);
	for (size_t b = 0; b < bk_election_ballot_count(e); b++)
		for (size_t l = 0; l < bk_election_language_count(e); l++) {
			bk_script *s;
			const char *lang = bk_election_language(e, l);
			bk_script_create(&s, e, bk_election_ballot_id(e, b), lang, tpl, NULL);
			for (size_t i = 0; i < bk_script_position_count(s); i++) {
				if (n == cap) {
					cap *= 2;
					texts = realloc(texts, cap * sizeof *texts);
					langs = realloc(langs, cap * sizeof *langs);
				}
				texts[n] = strdup(bk_script_position_text(s, i));
				langs[n++] = !strcmp(lang, "kk") ? "kk" : "ru";
			}
			bk_script_free(s);
		}
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += strlen(texts[i]);
	printf("braille: %zu names (both languages), %zu bytes\n", n, chars);

	/* raw liblouis, same tables (absolute paths as ballotkit uses) */
	char kk[512], ru[512];
	snprintf(kk, sizeof kk, "%s/kk.utb", "/usr/share/liblouis/tables");
	snprintf(ru, sizeof ru, "%s/%s", "/usr/share/liblouis/tables",
	         bk_braille_table(br, "ru"));
	widechar in[1024], out[4096];
	int inpos[4096];
	double best_raw = 1e9, best_ours = 1e9, best_back = 1e9;
	for (int run = 0; run < 3; run++) {
		double t0 = now();
		for (size_t i = 0; i < n; i++) {
			int inlen = (int)to_wide(texts[i], in, 1024), outlen = 4096;
			lou_translate(langs[i][0] == 'k' ? kk : ru, in, &inlen, out, &outlen,
			              NULL, NULL, NULL, inpos, NULL, dotsIO | ucBrl);
		}
		double t1 = now();
		unsigned char **cells = malloc(n * sizeof *cells);
		size_t *nc = malloc(n * sizeof *nc);
		for (size_t i = 0; i < n; i++)
			bk_braille_translate(br, langs[i], texts[i], NULL, &cells[i], &nc[i], NULL);
		double t2 = now();
		size_t failed = 0;
		for (size_t i = 0; i < n; i++) {
			char *back = NULL;
			failed += bk_braille_back(br, langs[i], cells[i], nc[i], &back, NULL) != BK_OK;
			bk_free(back);
		}
		if (failed)
			printf("  (%zu back-translations failed)\n", failed);
		double t3 = now();
		for (size_t i = 0; i < n; i++)
			bk_free(cells[i]);
		free(cells);
		free(nc);
		if (t1 - t0 < best_raw) best_raw = t1 - t0;
		if (t2 - t1 < best_ours) best_ours = t2 - t1;
		if (t3 - t2 < best_back) best_back = t3 - t2;
	}
	printf("  raw liblouis lou_translate: %.3f s, %.0f names/s\n", best_raw, n / best_raw);
	printf("  ballotkit bk_braille_translate (with checks): %.3f s, %.0f names/s, "
	       "%.2fx raw (target: within 1.5x)\n", best_ours, n / best_ours, best_ours / best_raw);
	printf("  back-translation bk_braille_back: %.3f s, %.0f names/s\n", best_back, n / best_back);

	/* a 20-page swell leaflet */
	bk_braille_layout L;
	bk_swell_layout(&L, tpl, "marburg-medium", NULL, NULL);
	const char *para = "Сайлауалды бағдарлама: ауылдарды дамыту, жастарға жұмыс, "
	                   "денсаулық сақтау, білім беру және мәдениет.";
	size_t np = 0;
	const char **paras = malloc(2000 * sizeof *paras);
	bk_braille_doc *doc = NULL;
	for (;;) {
		paras[np++] = para;
		bk_braille_doc_free(doc);
		doc = NULL;
		bk_braille_paragraphs(&doc, br, "kk", paras, NULL, np, "leaflet", "bench", "2023-03-19", &L, NULL);
		if (bk_braille_doc_page_count(doc) >= 20 || np == 2000)
			break;
	}
	double best_pdf = 1e9, best_layout = 1e9;
	for (int run = 0; run < 3; run++) {
		double t0 = now();
		bk_braille_doc *d2 = NULL;
		bk_braille_paragraphs(&d2, br, "kk", paras, NULL, np, "leaflet", "bench", "2023-03-19", &L, NULL);
		double tm = now();
		bk_swell_write_pdf(d2, tpl, "marburg-medium", NULL, "/tmp/bench-leaflet.pdf", NULL);
		double t1 = now();
		bk_braille_doc_free(d2);
		if (t1 - t0 < best_pdf) best_pdf = t1 - t0;
		if (tm - t0 < best_layout) best_layout = tm - t0;
	}
	printf("leaflet: %zu pages of swell PDF (layout + render + write): %.3f s, of which "
	       "braille layout %.3f s (target: under 0.2 s)\n",
	       bk_braille_doc_page_count(doc), best_pdf, best_layout);
	remove("/tmp/bench-leaflet.pdf");
	bk_braille_doc_free(doc);
	free(paras);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(langs);
	bk_braille_free(br);
	bk_election_free(e);
	bk_templates_free(tpl);
	return 0;
}
