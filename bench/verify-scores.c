/* The scores verify's audio content check sees, for setting its threshold
 * (docs/kits.md): for every kit of a built folder and every language, each
 * sentence of each position against a fresh synthesis of itself (right),
 * of itself with one letter changed (wrong), and of the same sentence of
 * every other position of the ballot (wrong), at the time the transcript
 * gives. Prints the lowest right score, the highest wrong ones and their
 * texts, and the counts.
 *
 * Usage: bench-verify-scores KITS_DIR [KIT...]   (BALLOTKIT_TEMPLATES set)
 * The kits' manifests must say rate 125, pitch 50, volume 100, word gap 0
 * or give them; eSpeak NG must be the kits'. */
#include <ballotkit.h>

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct worst {
	double score;
	char text[1200];
} worst;

static void note(worst *w, double s, const char *text, int high)
{
	if (high ? s > w->score : s < w->score) {
		w->score = s;
		snprintf(w->text, sizeof w->text, "%s", text);
	}
}

static int16_t *clip(bk_speech *sp, const char *lang, const char *text, size_t *n)
{
	char *norm = NULL;
	int16_t *c = NULL;
	if (bk_speech_normalise(sp, lang, text, NULL, &norm, NULL) != BK_OK ||
	    bk_speech_clip(sp, lang, norm, NULL, &c, n, NULL) != BK_OK)
		c = NULL;
	bk_free(norm);
	return c;
}

/* The lower of the whole sentence's correlation and its worst 50 ms
 * (bk_decode_audio_compare), or each alone with LOCAL=0 / LOCAL=1. */
static double score(const float *a, size_t n, int rate, double at,
                    const int16_t *c, size_t nc)
{
	double s = 0, l = 0;
	if (!c || bk_decode_audio_compare(a, n, rate, at, c, nc, BK_SPEECH_RATE, 0.15,
	                                  &s, &l, NULL) != BK_OK)
		return -1;
	const char *which = getenv("LOCAL");
	if (which && *which == '0')
		return s;
	if (which && *which == '1')
		return l;
	return s < l ? s : l;
}

/* One letter changed: the k-th letter after the first word (numbers,
 * "Нөмір") that has a partner in the table (vowels kind 0, consonants 1)
 * becomes its partner. */
static int one_letter(const char *in, int kind, int k, char *out, size_t cap)
{
	static const char *const vowels[][2] = {
		{"а", "о"}, {"о", "у"}, {"е", "и"}, {"и", "ы"}, {"ы", "і"}, {"і", "е"},
		{"ұ", "ү"}, {"ү", "ұ"}, {"ә", "е"}, {"у", "а"}, {"ө", "о"}, {"я", "а"}};
	static const char *const consonants[][2] = {
		{"с", "ш"}, {"т", "д"}, {"к", "г"}, {"п", "б"}, {"м", "н"}, {"н", "м"},
		{"р", "л"}, {"л", "р"}, {"б", "п"}, {"д", "т"}, {"ж", "з"}, {"з", "с"},
		{"қ", "ғ"}, {"ғ", "қ"}, {"ш", "с"}, {"г", "к"}};
	const char *const (*t)[2] = kind ? consonants : vowels;
	size_t nt = kind ? sizeof consonants / sizeof *consonants
	                 : sizeof vowels / sizeof *vowels;
	const char *p = strchr(in, ' ');
	p = p ? p + 1 : in;
	for (; *p; p++)
		for (size_t q = 0; q < nt; q++) {
			size_t l = strlen(t[q][0]);
			if (!strncmp(p, t[q][0], l) && k-- == 0) {
				snprintf(out, cap, "%.*s%s%s", (int)(p - in), in, t[q][1], p + l);
				return 1;
			}
		}
	return 0;
}

int main(int argc, char **argv)
{
	bk_speech_helper_entry(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s KITS_DIR [KIT...]\n", argv[0]);
		return 64;
	}
	bk_templates *tpl = NULL;
	if (bk_templates_open(&tpl, getenv("BALLOTKIT_TEMPLATES"), NULL) != BK_OK)
		return 78;
	bk_speech_options so = BK_SPEECH_OPTIONS_INIT;
	so.memory_cache = 64u << 20;
	bk_speech *sp = NULL;
	if (bk_speech_create(&sp, tpl, &so, NULL) != BK_OK)
		return 70;
	worst right = {2, ""}, letter = {-2, ""}, consonant = {-2, ""}, other = {-2, ""};
	size_t nright = 0, nletter = 0, nconsonant = 0, nother = 0, above[2] = {0, 0};
	size_t homophones = 0, wrong_at[4] = {0, 0, 0, 0};
	DIR *d = opendir(argv[1]);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "packing"))
			continue;
		if (argc > 2) {
			int want = 0;
			for (int k = 2; k < argc; k++)
				want |= !strcmp(argv[k], de->d_name);
			if (!want)
				continue;
		}
		char p[4096];
		snprintf(p, sizeof p, "%s/%s/manifest.json", argv[1], de->d_name);
		json_t *m = json_load_file(p, 0, NULL);
		if (!m)
			continue;
		const char *ballot = json_string_value(json_object_get(m, "ballot"));
		json_t *langs = json_object_get(json_object_get(m, "options"), "languages");
		size_t li;
		json_t *lv;
		json_array_foreach(langs, li, lv) {
			const char *lang = json_string_value(lv);
			snprintf(p, sizeof p, "%s/%s/audio/%s-%s/%s-%s.mp3", argv[1], de->d_name,
			         ballot, lang, ballot, lang);
			float *a = NULL;
			size_t n = 0;
			int rate = 0;
			if (bk_decode_audio_file(p, &a, &n, &rate, NULL) != BK_OK)
				continue;
			/* the transcript: each sentence's time */
			snprintf(p, sizeof p, "%s/%s/audio/%s-%s/%s-%s.txt", argv[1], de->d_name,
			         ballot, lang, ballot, lang);
			FILE *f = fopen(p, "r");
			char line[4096];
			size_t cap = 256, ns = 0;
			double *at = malloc(cap * sizeof *at);
			char **txt = malloc(cap * sizeof *txt);
			while (f && fgets(line, sizeof line, f)) {
				unsigned h, mi;
				double s;
				int off = 0;
				if (sscanf(line, "[%u:%u:%lf]%n", &h, &mi, &s, &off) != 3)
					continue;
				line[strcspn(line, "\n")] = 0;
				if (ns == cap) {
					cap *= 2;
					at = realloc(at, cap * sizeof *at);
					txt = realloc(txt, cap * sizeof *txt);
				}
				at[ns] = h * 3600.0 + mi * 60 + s;
				txt[ns++] = strdup(line + off + 1);
			}
			if (f)
				fclose(f);
			/* names: the sentences that are no number and no nominator
			 * wording repeated elsewhere: every sentence, against every
			 * other sentence of the same length class */
			for (size_t i = 0; i < ns; i++) {
				size_t nc = 0, nright_clip = 0;
				int16_t *c = clip(sp, lang, txt[i], &nc);
				double s = score(a, n, rate, at[i], c, nc);
				int16_t *right_clip = c;
				nright_clip = nc;
				note(&right, s, txt[i], 0);
				nright++;
				if (getenv("SHOW") && s < 0.9)
					printf("right %.4f %s\n", s, txt[i]);
				char changed[1024];
				for (int kind = 0; kind < 2; kind++)
					for (int k = 0; k < 3 &&
					                one_letter(txt[i], kind, k, changed, sizeof changed);
					     k++) {
						c = clip(sp, lang, changed, &nc);
						if (c && right_clip && nc == nright_clip &&
						    !memcmp(c, right_clip, nc * sizeof *c)) {
							/* the voice says both the same: a homophone */
							bk_free(c);
							homophones++;
							continue;
						}
						s = score(a, n, rate, at[i], c, nc);
						bk_free(c);
						note(kind ? &consonant : &letter, s, changed, 1);
						if (s >= 0.95)
							above[kind]++;
						for (int q = 0; q < 4; q++)
							wrong_at[q] += s >= 0.60 + 0.05 * q;
						if (getenv("SHOW") && s >= 0.90)
							printf("%.4f %s | %s\n", s, txt[i], changed);
						if (kind)
							nconsonant++;
						else
							nletter++;
					}
				bk_free(right_clip);
				for (size_t j = 0; j < ns; j++) {
					if (j == i || !strcmp(txt[i], txt[j]) ||
					    abs((int)strlen(txt[i]) - (int)strlen(txt[j])) > 12)
						continue;
					c = clip(sp, lang, txt[j], &nc);
					s = score(a, n, rate, at[i], c, nc);
					bk_free(c);
					char both[1100];
					snprintf(both, sizeof both, "%s (for %s)", txt[j], txt[i]);
					note(&other, s, both, 1);
					nother++;
				}
			}
			for (size_t i = 0; i < ns; i++)
				free(txt[i]);
			free(txt);
			free(at);
			bk_free(a);
		}
		json_decref(m);
	}
	if (d)
		closedir(d);
	printf("right sentences:    %zu, lowest %.4f (%s)\n", nright, right.score, right.text);
	printf("a vowel changed:    %zu, highest %.4f (%s), %zu at 0.95 or more\n", nletter,
	       letter.score, letter.text, above[0]);
	printf("a consonant changed: %zu, highest %.4f (%s), %zu at 0.95 or more\n",
	       nconsonant, consonant.score, consonant.text, above[1]);
	printf("one letter changed, at or above 0.60 / 0.65 / 0.70 / 0.75: %zu / %zu / %zu / %zu\n",
	       wrong_at[0], wrong_at[1], wrong_at[2], wrong_at[3]);
	printf("homophones (the voice says the change the same, sample for sample): %zu\n",
	       homophones);
	printf("another sentence:   %zu, highest %.4f (%s)\n", nother, other.score, other.text);
	bk_speech_free(sp);
	bk_templates_free(tpl);
	return 0;
}
