/* The audio module's pieces on signals whose answer is known: trimming,
 * the limiter's guarantee, MP3 parts and their joining (the cache is
 * tested in test-cache.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audio-private.h"
#include "tap.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void test_trim(void)
{
	int16_t s[1000] = {0};
	for (int i = 300; i < 700; i++)
		s[i] = (int16_t)(1000 * sin(i * 0.3));
	size_t a, b;
	TAP_OK(bki_dsp_trim(s, 1000, &a, &b), "a clip with sound is trimmed");
	size_t first = 300, last = 699;
	while (abs(s[first]) < BK_SILENCE_THRESHOLD)
		first++;
	while (abs(s[last]) < BK_SILENCE_THRESHOLD)
		last--;
	TAP_OK(a == first - 110 && b == 1000, "5 ms kept before the first sound, 20 ms after the "
	       "last (as far as the clip goes): [%zu, %zu)", a, b);
	int16_t z[100] = {0};
	TAP_OK(!bki_dsp_trim(z, 100, &a, &b), "a silent clip is refused");
}

static void test_limiter(void)
{
	/* a tone whose peaks pass the ceiling in short bursts */
	size_t n = 22050;
	int16_t *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
	for (size_t i = 0; i < n; i++) {
		double burst = (i / 2205) % 3 == 1 ? 1.0 : 0.3;
		in[i] = (int16_t)(30000 * burst * sin(2 * M_PI * 3000.0 * i / 22050.0 + 0.3));
	}
	double ceiling = -3.0;
	bki_dsp_gain_limit(in, n, 0, ceiling, out);
	float *f = malloc(n * sizeof *f);
	for (size_t i = 0; i < n; i++)
		f[i] = out[i] / 32768.0f;
	double tp = bki_dsp_true_peak(f, n, 22050);
	TAP_OK(tp <= ceiling + 0.1, "after the limiter the true peak is %.2f dBTP, under %.1f", tp,
	       ceiling);
	/* far from the bursts the samples are untouched */
	int untouched = 1;
	for (size_t i = 300; i < 1900; i++)
		untouched &= out[i] == in[i];
	TAP_OK(untouched, "samples more than 10 ms from a peak are left as they were");
	/* gain without limiting is exact */
	bki_dsp_gain_limit(in, 1000, -6.0206, 0, out);
	int half = 1;
	for (size_t i = 0; i < 1000; i++)
		half &= abs(out[i] - in[i] / 2) <= 1;
	TAP_OK(half, "-6.02 dB halves the samples");
	/* the same input gives the same output */
	int16_t *again = malloc(n * sizeof *again);
	bki_dsp_gain_limit(in, n, 0, ceiling, out);
	bki_dsp_gain_limit(in, n, 0, ceiling, again);
	TAP_OK(!memcmp(out, again, n * sizeof *out), "the limiter is a pure function");
	free(again);
	free(f);
	free(in);
	free(out);
}

static void test_mp3(void)
{
	size_t n = 10000;
	int16_t *s = malloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++)
		s[i] = (int16_t)(8000 * sin(i * 0.05));
	bki_mp3_part a, b;
	TAP_OK(bki_mp3_encode(s, n, 32, 7, &a) && bki_mp3_encode(s, 1000, 32, 7, &b),
	       "LAME encodes parts");
	TAP_OK(a.frames * BK_MP3_FRAME >= a.delay + n && a.offsets[a.frames] == a.len,
	       "a part is whole frames holding its input after the encoder's delay (%zu frames)",
	       a.frames);
	TAP_OK(a.len > 4 && a.data[0] == 0xFF && memcmp(a.data, "ID3", 3) && memcmp(a.data + 36, "Xing", 4) &&
	       memcmp(a.data + 21, "Info", 4), "no ID3 tag and no Xing/Info header in a part");
	/* joined, the parts decode to the sum of their frames */
	size_t len = a.len + b.len;
	unsigned char *j = malloc(len);
	memcpy(j, a.data, a.len);
	memcpy(j + a.len, b.data, b.len);
	float *dec;
	size_t nd;
	int rate;
	TAP_OK(bki_audio_decode(j, len, &dec, &nd, &rate) && rate == 22050 &&
	       nd == (a.frames + b.frames) * BK_MP3_FRAME,
	       "two parts joined decode to (%zu + %zu) x 576 samples", a.frames, b.frames);
	/* and the second part's sound starts where the timeline says */
	size_t at = a.frames * BK_MP3_FRAME + b.delay + BK_MP3_DECODER_DELAY;
	double before = 0, after = 0;
	for (size_t i = at - 200; i < at - 20; i++)
		before = fmax(before, fabs(dec[i]));
	for (size_t i = at + 20; i < at + 200; i++)
		after = fmax(after, fabs(dec[i]));
	TAP_OK(before < 0.02 && after > 0.1, "the second part sounds from frame %zu + delay, "
	       "not before (%.3f before, %.3f after)", a.frames, before, after);
	bki_mp3_part bad = {0};
	bad.data = (unsigned char *)"not an mp3 stream";
	bad.len = 17;
	TAP_OK(!bki_mp3_scan(&bad), "bytes that are not MP3 frames are refused");
	free(dec);
	free(j);
	bki_mp3_part_free(&a);
	bki_mp3_part_free(&b);
	free(s);
}

/* Audio options of version 0 or newer than the library are refused with a
 * message naming the struct; the current version is taken. */
static void test_versions(void)
{
	bk_templates *tpl = NULL;
	bk_speech *sp = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_speech_create(&sp, tpl, NULL, NULL) != BK_OK) {
		TAP_OK(0, "templates and a voice for the version checks");
		bk_templates_free(tpl);
		return;
	}
	unsigned versions[] = {0, BK_AUDIO_OPTIONS_VERSION + 1,
	                       BK_AUDIO_OPTIONS_VERSION};
	for (size_t i = 0; i < 3; i++) {
		bk_audio_options o = BK_AUDIO_OPTIONS_INIT;
		o.version = versions[i];
		bk_audio *a = NULL;
		bk_diags *d = bk_diags_create();
		bk_status st = bk_audio_create(&a, sp, tpl, &o, d);
		const char *msg = bk_diags_count(d)
		                          ? bk_diag_message(bk_diags_get(d, 0))
		                          : "";
		if (versions[i] == BK_AUDIO_OPTIONS_VERSION)
			TAP_OK(st == BK_OK && a, "audio options of the current "
			       "version %u are taken", versions[i]);
		else
			TAP_OK(st == BK_ERR_USAGE && !a &&
			       strstr(msg, "bk_audio_options has version"),
			       "audio options of version %u are refused, naming the "
			       "struct (%s)", versions[i], msg);
		bk_audio_free(a);
		bk_diags_free(d);
	}
	bk_speech_free(sp);
	bk_templates_free(tpl);
}

int main(void)
{
	test_trim();
	test_limiter();
	test_mp3();
	test_versions();
	return tap_done();
}
