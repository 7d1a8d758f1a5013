/* Verifying a kit's media by decoding: the audio chapters against freshly
 * synthesised "number k" clips, and the braille beside the stencil's
 * windows (windows from the laser SVG, dots from the swell PDF). The
 * decoders (ballotkit/decode.h) share no code with the writers. */
#include "kit/kit-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ballotkit/decode.h"
#include "diag/diag-private.h"

/* A ballotkit MP3 decoded by libsndfile starts this much later than its
 * chapter times say (LAME's delay and the decoder's, measured:
 * src/decode/audio.c). */
#define MP3_DELAY_SAMPLES 1105
/* How far from its chapter's start a number may be found: one MP3 frame
 * (26 ms at 22.05 kHz) and a margin. */
#define SEARCH_SECONDS 0.06
/* The least correlation of a chapter's start with its own number clip;
 * measured on the example's 118 chapters: own clips 0.991-0.999, the best
 * other number at most 0.903 (Kazakh "он бір" against "он бес"); a
 * chapter must also sound more like its own number than any other. */
#define MATCH_THRESHOLD 0.95

/* The first sentence of each position's segment ("Number k."), in
 * position order. */
static size_t number_sentences(const json_t *script, const char ***out,
                               unsigned **numbers)
{
	json_t *segs = json_object_get(script, "segments");
	size_t n = 0, i;
	json_t *s;
	*out = bk_xcalloc(json_array_size(segs) + 1, sizeof **out);
	*numbers = bk_xcalloc(json_array_size(segs) + 1, sizeof **numbers);
	json_array_foreach(segs, i, s) {
		if (strcmp(bk_kit_str(s, "kind"), "position"))
			continue;
		const char *first = json_string_value(json_array_get(json_object_get(s, "sentences"), 0));
		(*out)[n] = first ? first : "";
		(*numbers)[n] = (unsigned)json_integer_value(json_object_get(s, "number"));
		n++;
	}
	return n;
}

void bk_kit_verify_audio(bk_speech *speech, const char *kdir, const char *kit,
                         const char *ballot, const char *lang,
                         const json_t *script, bk_diags *diags, size_t *errors)
{
	bk_buf p = {0}, rel = {0};
	bk_buf_printf(&rel, "%s/audio/%s-%s/%s-%s.mp3", kit, ballot, lang, ballot, lang);
	bk_buf_printf(&p, "%s/audio/%s-%s/%s-%s.mp3", kdir, ballot, lang, ballot, lang);
	char *data = NULL;
	size_t size;
	const char **texts = NULL;
	unsigned *numbers = NULL;
	bk_audio_chapters *ch = NULL;
	float *audio = NULL;
	int16_t **clips = NULL;
	size_t *nclips = NULL, npos = 0;
	if (bk_read_file(bk_buf_str(&p), &data, &size))
		goto done; /* not built: the checksums say whether it should be */
	bk_diags *d = bk_diags_create();
	if (bk_decode_id3_chapters(data, size, bk_buf_str(&rel), &ch, d) != BK_OK) {
		bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), 0, "its chapters cannot be "
		       "read: %s", bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
		bk_diags_free(d);
		goto done;
	}
	bk_diags_free(d);
	npos = number_sentences(script, &texts, &numbers);
	size_t nch = bk_audio_chapters_count(ch);
	if (nch != npos) {
		bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), 0,
		       "%zu chapters, the script has %zu positions", nch, npos);
		goto done;
	}
	if (!speech) {
		bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), 0,
		       "no voice to check the chapters with");
		goto done;
	}
	size_t n;
	int rate;
	d = bk_diags_create();
	if (bk_decode_audio_file(bk_buf_str(&p), &audio, &n, &rate, d) != BK_OK) {
		bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), 0, "cannot be decoded: %s",
		       bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
		bk_diags_free(d);
		goto done;
	}
	bk_diags_free(d);
	/* a fresh clip of every position's number */
	clips = bk_xcalloc(npos + 1, sizeof *clips);
	nclips = bk_xcalloc(npos + 1, sizeof *nclips);
	for (size_t k = 0; k < npos; k++) {
		char *norm = NULL;
		d = bk_diags_create();
		bk_status st = bk_speech_normalise(speech, lang, texts[k], NULL, &norm, d);
		if (st == BK_OK)
			st = bk_speech_clip(speech, lang, norm, NULL, &clips[k], &nclips[k], d);
		if (st != BK_OK) {
			bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), numbers[k],
			       "\"%s\" cannot be synthesised to check it: %s", texts[k],
			       bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
			bk_diags_free(d);
			bk_free(norm);
			goto done;
		}
		bk_diags_free(d);
		bk_free(norm);
	}
	/* each chapter's start is its own number, better than any other */
	for (size_t i = 0; i < nch; i++) {
		double at = bk_audio_chapters_start(ch, i) + (double)MP3_DELAY_SAMPLES / rate;
		double own = -1, best_other = -1;
		size_t other = 0;
		for (size_t k = 0; k < npos; k++) {
			double score = -1;
			if (bk_decode_audio_match(audio, n, rate, at, clips[k], nclips[k],
			                          BK_SPEECH_RATE, SEARCH_SECONDS, &score,
			                          NULL) != BK_OK)
				continue;
			if (k == i)
				own = score;
			else if (score > best_other) {
				best_other = score;
				other = k;
			}
		}
		if (own < MATCH_THRESHOLD || own <= best_other) {
			if (best_other > own)
				bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), numbers[i],
				       "chapter %zu (at %.3f s) sounds like \"%s\" (correlation "
				       "%.2f), not \"%s\" (%.2f)", i + 1,
				       bk_audio_chapters_start(ch, i), texts[other], best_other,
				       texts[i], own);
			else
				bk_kit_report(diags, errors, "audio", bk_buf_str(&rel), numbers[i],
				       "chapter %zu (at %.3f s) does not start with \"%s\" "
				       "(correlation %.2f, at least %.2f needed)", i + 1,
				       bk_audio_chapters_start(ch, i), texts[i], own,
				       MATCH_THRESHOLD);
		}
	}
done:
	for (size_t k = 0; clips && k < npos; k++)
		bk_free(clips[k]);
	free(clips);
	free(nclips);
	bk_free(audio);
	bk_audio_chapters_free(ch);
	free(texts);
	free(numbers);
	free(data);
	bk_buf_free(&p);
	bk_buf_free(&rel);
}

void bk_kit_verify_stencil(const char *kdir, const char *kit, const char *ballot,
                           const json_t *script, bk_diags *diags,
                           size_t *errors)
{
	bk_buf pdf = {0}, prel = {0};
	bk_buf_printf(&pdf, "%s/stencil/%s-stencil-swell.pdf", kdir, ballot);
	bk_buf_printf(&prel, "%s/stencil/%s-stencil-swell.pdf", kit, ballot);
	char *pdata = NULL;
	size_t psize;
	if (bk_read_file(bk_buf_str(&pdf), &pdata, &psize)) {
		bk_buf_free(&pdf);
		bk_buf_free(&prel);
		return;
	}
	json_t *positions = json_object_get(script, "positions");
	size_t want = json_array_size(positions), got = 0;
	bool bad = false;
	for (size_t sheet = 1; !bad; sheet++) {
		bk_buf svg = {0}, srel = {0};
		bk_buf_printf(&svg, "%s/stencil/%s-stencil-cut-%zu.svg", kdir, ballot, sheet);
		bk_buf_printf(&srel, "%s/stencil/%s-stencil-cut-%zu.svg", kit, ballot, sheet);
		char *sdata = NULL;
		size_t ssize;
		if (bk_read_file(bk_buf_str(&svg), &sdata, &ssize)) {
			if (sheet == 1)
				bk_kit_report(diags, errors, "stencil", bk_buf_str(&srel), 0,
				       "missing: the windows are read from it");
			bk_buf_free(&svg);
			bk_buf_free(&srel);
			break;
		}
		double *rects = NULL;
		size_t n = 0;
		bk_svg_cuts cuts;
		bk_diags *d = bk_diags_create();
		if (bk_decode_svg_windows(sdata, ssize, bk_buf_str(&srel), &rects, &n, &cuts,
		                          d) != BK_OK) {
			bk_kit_report(diags, errors, "stencil", bk_buf_str(&srel), 0,
			       "its windows cannot be read: %s",
			       bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
			bad = true;
		}
		unsigned *nums = bk_xcalloc(n + 1, sizeof *nums);
		if (!bad && bk_decode_stencil_numbers(pdata, psize, bk_buf_str(&prel), 300,
		                                      sheet - 1, rects, n, &cuts, nums, NULL,
		                                      d) != BK_OK) {
			bk_kit_report(diags, errors, "stencil", bk_buf_str(&prel), 0,
			       "its braille cannot be read on sheet %zu: %s", sheet,
			       bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "");
			bad = true;
		}
		for (size_t w = 0; w < n && !bad; w++, got++) {
			json_t *pos = json_array_get(positions, got);
			unsigned expect = pos ? (unsigned)json_integer_value(json_object_get(pos, "number")) : 0;
			if (!pos) {
				bk_kit_report(diags, errors, "stencil", bk_buf_str(&srel), 0,
				       "more windows than the script's %zu positions", want);
				bad = true;
			} else if (nums[w] != expect) {
				if (nums[w])
					bk_kit_report(diags, errors, "stencil", bk_buf_str(&prel), expect,
					       "the braille beside window %zu of sheet %zu reads %u, "
					       "the script's position there is %u", w + 1, sheet,
					       nums[w], expect);
				else
					bk_kit_report(diags, errors, "stencil", bk_buf_str(&prel), expect,
					       "no braille number can be read beside window %zu of "
					       "sheet %zu, where the script has %u", w + 1, sheet,
					       expect);
				bad = true;
			}
		}
		free(nums);
		bk_free(rects);
		bk_diags_free(d);
		free(sdata);
		bk_buf_free(&svg);
		bk_buf_free(&srel);
	}
	if (!bad && got != want)
		bk_kit_report(diags, errors, "stencil", bk_buf_str(&prel), 0,
		       "%zu windows, the script has %zu positions", got, want);
	free(pdata);
	bk_buf_free(&pdf);
	bk_buf_free(&prel);
}
