/* Braille layout against text length: the time per page of leaflets of
 * 10, 100 and 1,000 pages (docs/performance.md, "Bounds"). The target:
 * a 100-page leaflet takes no more than 2x the time per page of a
 * 10-page one. Two shapes of text: one paragraph (a leaflet typed as one
 * long line: the whole text is wrapped at once) and short paragraphs (one
 * a line of the leaflet text, as leaflets are usually written). The same
 * text's forward translation alone (bk_braille_translate, which calls
 * liblouis) is timed too, to tell layout from translation.
 * Usage: bench-layout [PAGES...]   (default 10 100 1000)
 * Needs BALLOTKIT_TEMPLATES (or the installed templates). Timing lives
 * here, never in tests. */
#include <ballotkit.h>

#include <stdbool.h>
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

/* Kazakh words, with a number and an initial now and then (the rules
 * that keep "5 мм" and "Д. Жумабеков" together run on them). */
static const char *const words[] = {
	"сайлауалды", "бағдарлама", "ауылдарды", "дамыту", "жастарға",
	"жұмыс", "денсаулық", "сақтау", "білім", "беру", "және", "мәдениет",
	"Қазақстан", "Республикасы", "азаматтарының", "құқықтары", "2023",
	"жылғы", "Д.", "Жумабеков", "мемлекеттік", "қызмет", "өңірлерді",
	"тұрғын", "үй", "салу", "жол", "жөндеу", "су", "құбыры"};

/* About `cells` braille cells of text; paragraphs of about 12 words
 * when `lines` is set, else one paragraph. */
static char *make_text(size_t cells, int lines)
{
	size_t cap = cells * 3 + 64, len = 0, nw = sizeof words / sizeof *words;
	char *t = malloc(cap);
	size_t k = 0, inpara = 0;
	/* print characters are about braille cells, give or take contractions
	 * and capital signs: count code points */
	size_t cps = 0;
	while (cps < cells) {
		const char *w = words[k++ % nw];
		size_t wl = strlen(w);
		if (len + wl + 2 >= cap)
			break;
		if (len) {
			bool nl = lines && ++inpara == 12;
			t[len++] = nl ? '\n' : ' ';
			if (nl)
				inpara = 0;
			cps++;
		}
		memcpy(t + len, w, wl);
		len += wl;
		for (size_t i = 0; i < wl; i++)
			cps += ((unsigned char)w[i] & 0xC0) != 0x80;
	}
	t[len] = '\0';
	return t;
}

/* The leaflet's paragraphs: one per line of text, as bk_braille_leaflet
 * splits a leaflet. */
static size_t split(char *t, const char ***paras)
{
	size_t n = 1;
	for (char *p = t; *p; p++)
		n += *p == '\n';
	*paras = malloc(n * sizeof **paras);
	size_t k = 0;
	for (char *p = t, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		(*paras)[k++] = p;
	}
	return k;
}

int main(int argc, char **argv)
{
	size_t sizes[16] = {10, 100, 1000};
	size_t nsizes = 3;
	if (argc > 1) {
		nsizes = 0;
		for (int i = 1; i < argc && nsizes < 16; i++)
			sizes[nsizes++] = strtoul(argv[i], NULL, 10);
	}
	bk_templates *tpl;
	bk_braille *br;
	if (bk_templates_open(&tpl, NULL, NULL) || bk_braille_open(&br, NULL, tpl, NULL)) {
		fprintf(stderr, "bench-layout: cannot open the templates or braille\n");
		return 66;
	}
	bk_braille_layout L = BK_BRAILLE_LAYOUT_INIT; /* 40 cells, 25 lines */
	size_t per_page = (L.cells - L.binding) * (L.lines - 1);
	printf("layout: %u cells x %u lines a page; best of 3 runs\n", L.cells, L.lines);
	printf("%-16s %6s %9s %11s %12s %14s\n", "shape", "pages", "layout s",
	       "ms / page", "translate s", "layout-only s");
	for (int shape = 0; shape < 2; shape++) {
		double first_per_page = 0;
		for (size_t si = 0; si < nsizes; si++) {
			/* a line is filled to about 85 % by whole words */
			char *text = make_text(sizes[si] * per_page * 85 / 100, shape);
			const char **paras;
			size_t np = split(text, &paras);
			double best = 1e9, best_tr = 1e9;
			size_t pages = 0;
			for (int run = 0; run < 3; run++) {
				bk_braille_doc *doc = NULL;
				double t0 = now();
				bk_status st = bk_braille_paragraphs(&doc, br, "kk", paras, NULL, np,
				                                     "leaflet", "bench", "2023-03-19",
				                                     &L, NULL);
				double t1 = now();
				if (st != BK_OK) {
					fprintf(stderr, "bench-layout: layout failed (%s)\n",
					        bk_status_string(st));
					return 70;
				}
				pages = bk_braille_doc_page_count(doc);
				bk_braille_doc_free(doc);
				/* the translation alone, paragraph by paragraph */
				double t2 = now();
				for (size_t i = 0; i < np; i++) {
					unsigned char *cells = NULL;
					size_t n = 0;
					bk_braille_translate(br, "kk", paras[i], NULL, &cells, &n, NULL);
					bk_free(cells);
				}
				double t3 = now();
				if (t1 - t0 < best)
					best = t1 - t0;
				if (t3 - t2 < best_tr)
					best_tr = t3 - t2;
			}
			double per = 1000 * best / (double)pages;
			if (si == 0)
				first_per_page = per;
			printf("%-16s %6zu %9.3f %11.3f %12.3f %14.3f", shape ? "short paragraphs" : "one paragraph",
			       pages, best, per, best_tr, best - best_tr > 0 ? best - best_tr : 0);
			if (si > 0)
				printf("  (%.2fx the ms/page of %zu pages)", per / first_per_page,
				       sizes[0]);
			printf("\n");
			free(paras);
			free(text);
		}
	}
	bk_braille_free(br);
	bk_templates_free(tpl);
	return 0;
}
