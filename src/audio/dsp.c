/* Sample processing for the audio ballot. Everything here is a pure
 * function of its input: no state survives a call, so a clip is processed
 * the same way in every track and every process. */
#include "audio/audio-private.h"

#include <ebur128.h>
#include <math.h>
#include <samplerate.h>
#include <sonic.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The margins keep the onset and the decay of the first and last
 * sounds. */
#define TRIM_THRESHOLD BK_SILENCE_THRESHOLD
#define TRIM_BEFORE 110 /* 5 ms */
#define TRIM_AFTER 441  /* 20 ms */

bool bki_dsp_trim(const int16_t *s, size_t n, size_t *from, size_t *to)
{
	size_t a = 0, b = n;
	while (a < n && abs(s[a]) < TRIM_THRESHOLD)
		a++;
	if (a == n)
		return false;
	while (b > a && abs(s[b - 1]) < TRIM_THRESHOLD)
		b--;
	*from = a > TRIM_BEFORE ? a - TRIM_BEFORE : 0;
	*to = b + TRIM_AFTER < n ? b + TRIM_AFTER : n;
	return true;
}

bool bki_dsp_speed(const int16_t *in, size_t n, double speed, int rate,
                  int16_t **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (speed == 1.0 || n == 0) {
		*out = bki_calloc(n, sizeof **out);
		if (!*out)
			return false;
		memcpy(*out, in, n * sizeof *in);
		*nout = n;
		return true;
	}
	sonicStream st = sonicCreateStream(rate, 1);
	if (!st)
		return false; /* libsonic ran out of memory */
	sonicSetSpeed(st, (float)speed);
	sonicSetPitch(st, 1.0f);
	sonicSetRate(st, 1.0f);
	sonicSetQuality(st, 1);
	bki_buf b = {0};
	int16_t chunk[4096];
	for (size_t i = 0; i < n;) {
		size_t k = n - i < 4096 ? n - i : 4096;
		sonicWriteShortToStream(st, (short *)(in + i), (int)k);
		i += k;
		int got;
		while ((got = sonicReadShortFromStream(st, chunk, 4096)) > 0)
			bki_buf_addn(&b, (const char *)chunk, (size_t)got * sizeof *chunk);
	}
	sonicFlushStream(st);
	int got;
	while ((got = sonicReadShortFromStream(st, chunk, 4096)) > 0)
		bki_buf_addn(&b, (const char *)chunk, (size_t)got * sizeof *chunk);
	sonicDestroyStream(st);
	size_t len = b.len;
	*out = (int16_t *)(void *)bki_buf_steal(&b);
	if (!*out)
		return false;
	*nout = len / sizeof **out;
	return true;
}

/* 4× oversampling for the true peak: a windowed sinc of 12 taps a phase
 * (the size BS.1770 uses), computed once. */
#define OS 4
#define TAPS 12
static double os_coef[OS][TAPS];
static bool os_ready;

static void os_init(void)
{
	if (os_ready)
		return;
	/* coefficient k of phase p weighs x[i - 1 + k - (TAPS/2 - 1)] for the
	 * point p/OS of the way from sample i - 1 to sample i: a Hann-windowed
	 * sinc at distance tau */
	for (int p = 0; p < OS; p++) {
		for (int k = 0; k < TAPS; k++) {
			double tau = (double)p / OS - (double)(k - (TAPS / 2 - 1));
			double sinc = tau == 0 ? 1.0 : sin(M_PI * tau) / (M_PI * tau);
			double w = 0.5 + 0.5 * cos(M_PI * tau / (TAPS / 2));
			os_coef[p][k] = sinc * w;
		}
	}
	os_ready = true;
}

/* The largest magnitude from sample i-1 to sample i of x (n samples, zeros
 * outside). Points between samples are interpolated only where a sample
 * comes within 6 dB of limit: speech does not overshoot by more between
 * samples, and every encoded clip's true peak is measured again on its
 * decoded MP3 (mp3.c). */
static double peak_near(const double *x, size_t n, size_t i, double limit)
{
	double m = fabs(x[i]);
	if (i == 0 || (m < limit / 2 && fabs(x[i - 1]) < limit / 2))
		return m;
	for (int p = 1; p < OS; p++) {
		double acc = 0;
		for (int k = 0; k < TAPS; k++) {
			long j = (long)i - 1 + k - (TAPS / 2 - 1);
			if (j >= 0 && (size_t)j < n)
				acc += x[j] * os_coef[p][k];
		}
		if (fabs(acc) > m)
			m = fabs(acc);
	}
	return m;
}

/* Look-ahead half-window of the limiter: 5 ms at 22.05 kHz. The gain is
 * the minimum of the required gains over ±W, smoothed by a mean over ±W,
 * so at every peak it is at most what that peak requires. */
#define LIMIT_W 110

/* The limiter's gain over samples [lo, hi) of a clip whose required gains
 * are req (NULL entries outside [0, n) count as 1): mn = the minimum of req
 * over [k-W, k+W] (a monotonic queue), then each sample's gain is the mean
 * of mn over the 2W+1 values around it. Every mn within W of a peak is at
 * most that peak's req, so the gain at the peak is too. false when memory
 * runs out. */
static bool limit_range(double *x, const double *req, size_t n, size_t lo,
                        size_t hi)
{
	const long W = LIMIT_W;
	long a = (long)lo - 2 * W, m = (long)(hi - lo) + 4 * W;
#define REQ(k) ((k) >= 0 && (size_t)(k) < n ? req[k] : 1.0)
	double *mn = bki_calloc((size_t)m, sizeof *mn);
	long *q = bki_calloc((size_t)m, sizeof *q);
	if (!mn || !q) {
		free(mn);
		free(q);
		return false;
	}
	long head = 0, tail = 0, next = 0;
	for (long k = 0; k < m; k++) {
		long top = k + W < m ? k + W : m - 1;
		while (next <= top) {
			while (tail > head && REQ(a + q[tail - 1]) >= REQ(a + next))
				tail--;
			q[tail++] = next++;
		}
		while (q[head] + W < k)
			head++;
		mn[k] = REQ(a + q[head]);
	}
	/* the window of sample lo + t is mn[t + W .. t + 3W] */
	double sum = 0;
	for (long k = W; k <= 3 * W; k++)
		sum += mn[k];
	for (long t = 0; t < (long)(hi - lo); t++) {
		if (t) {
			sum += mn[t + 3 * W];
			sum -= mn[t + W - 1];
		}
		size_t i = lo + (size_t)t;
		double gi = sum / (2 * W + 1);
		x[i] *= gi < req[i] ? gi : req[i];
	}
#undef REQ
	free(q);
	free(mn);
	return true;
}

bool bki_dsp_gain_limit(const int16_t *in, size_t n, double gain_db,
                       double ceiling_db, int16_t *out)
{
	os_init();
	double g = pow(10.0, gain_db / 20.0);
	double c = pow(10.0, ceiling_db / 20.0);
	double *x = bki_calloc(n, sizeof *x);
	if (!x)
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		x[i] = g * in[i] / 32768.0;
	/* the gains each sample needs: only where a sample comes within 6 dB
	 * of the ceiling can the signal pass it (peak_near) */
	double *req = NULL;
	for (size_t i = 0; i < n; i++) {
		double pk = peak_near(x, n, i, c);
		if (pk <= c)
			continue;
		if (!req) {
			req = bki_calloc(n, sizeof *req);
			if (!req) {
				free(x);
				return false;
			}
			for (size_t k = 0; k < n; k++)
				req[k] = 1.0;
		}
		req[i] = c / pk;
	}
	/* the gain is under 1 only within 2W of a sample that needs it: the
	 * limiter works on those stretches, merged */
	for (size_t i = 0; req && i < n;) {
		if (req[i] >= 1.0) {
			i++;
			continue;
		}
		size_t lo = i > 2 * LIMIT_W ? i - 2 * LIMIT_W : 0, last = i;
		for (size_t k = i; k < n && k <= last + 4 * LIMIT_W; k++)
			if (req[k] < 1.0)
				last = k;
		size_t hi = last + 2 * LIMIT_W + 1 < n ? last + 2 * LIMIT_W + 1 : n;
		if (!limit_range(x, req, n, lo, hi)) {
			ok = false;
			break;
		}
		i = hi;
	}
	free(req);
	/* rounded half away from zero (the same on every machine) */
	for (size_t i = 0; i < n; i++) {
		double v = x[i] * 32768.0;
		v = v >= 0 ? floor(v + 0.5) : -floor(-v + 0.5);
		out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
	free(x);
	return ok;
}

/* The integrated loudness of n mono frames at s, 16-bit (shorts) or
 * float: the one home of both entry points below, which differ only in the
 * libebur128 call that takes the frames. */
static double loudness_of(const void *s, size_t n, int rate, bool shorts)
{
	ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I);
	if (!st)
		return NAN; /* libebur128 ran out of memory */
	if (shorts)
		ebur128_add_frames_short(st, s, n);
	else
		ebur128_add_frames_float(st, s, n);
	double l = -HUGE_VAL;
	if (ebur128_loudness_global(st, &l) != EBUR128_SUCCESS)
		l = -HUGE_VAL;
	ebur128_destroy(&st);
	return l;
}

double bki_dsp_loudness(const int16_t *s, size_t n, int rate)
{
	return loudness_of(s, n, rate, true);
}

size_t bki_dsp_blocks(const int16_t *s, size_t n, int rate, float **out)
{
	*out = NULL;
	ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_M);
	size_t hop = (size_t)rate / 10, pad = 4 * hop;
	size_t total = pad + n + pad, nb = 0;
	float *b = bki_calloc(total / hop + 1, sizeof *b);
	int16_t *chunk = bki_calloc(hop, sizeof *chunk);
	if (!st || !b || !chunk) {
		if (st)
			ebur128_destroy(&st);
		free(b);
		free(chunk);
		return (size_t)-1;
	}
	/* the clip between 400 ms of silence either side, 100 ms at a time:
	 * after each hop the momentary loudness is the 400 ms block ending
	 * there */
	for (size_t at = 0; at + hop <= total; at += hop) {
		for (size_t k = 0; k < hop; k++) {
			size_t i = at + k;
			chunk[k] = i >= pad && i < pad + n ? s[i - pad] : 0;
		}
		ebur128_add_frames_short(st, chunk, hop);
		double l;
		if (at + hop >= pad && ebur128_loudness_momentary(st, &l) == EBUR128_SUCCESS)
			b[nb++] = isfinite(l) ? (float)l : -HUGE_VALF;
	}
	free(chunk);
	ebur128_destroy(&st);
	*out = b;
	return nb;
}

double bki_dsp_gated(const float *const *blocks, const size_t *counts, size_t n)
{
	/* BS.1770's gating: blocks above -70 LUFS, then those within 10 LU of
	 * their mean */
	double sum = 0;
	size_t k = 0;
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < counts[c]; i++)
			if (blocks[c][i] > -70) {
				sum += pow(10, (blocks[c][i] + 0.691) / 10);
				k++;
			}
	if (!k)
		return -HUGE_VAL;
	double rel = -0.691 + 10 * log10(sum / (double)k) - 10;
	sum = 0;
	k = 0;
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < counts[c]; i++)
			if (blocks[c][i] > -70 && blocks[c][i] > rel) {
				sum += pow(10, (blocks[c][i] + 0.691) / 10);
				k++;
			}
	return k ? -0.691 + 10 * log10(sum / (double)k) : -HUGE_VAL;
}

double bki_dsp_loudness_float(const float *s, size_t n, int rate)
{
	return loudness_of(s, n, rate, false);
}

/* The true peak: the largest magnitude of the signal between its samples,
 * found by interpolating 8 points between each pair of samples with a
 * Kaiser-windowed sinc of 32 taps (longer than BS.1770's 12 taps a phase:
 * it reads peaks closer to the truth). Only stretches within 6 dB of the
 * largest sample are interpolated: a band-limited signal's peak between
 * samples is not 6 dB above its samples. */
#define TP_OS 8
#define TP_TAPS 32
static double tp_coef[TP_OS][TP_TAPS];
static bool tp_ready;

static double bessel_i0(double x)
{
	double sum = 1, term = 1;
	for (int k = 1; k < 40; k++) {
		term *= (x / (2 * k)) * (x / (2 * k));
		sum += term;
	}
	return sum;
}

static void tp_init(void)
{
	if (tp_ready)
		return;
	const double beta = 8.0, half = TP_TAPS / 2;
	for (int p = 0; p < TP_OS; p++)
		for (int k = 0; k < TP_TAPS; k++) {
			/* tap k weighs x[i + k - (half - 1)] for the point p/OS after i */
			double tau = (double)p / TP_OS - (double)(k - (half - 1));
			double sinc = tau == 0 ? 1.0 : sin(M_PI * tau) / (M_PI * tau);
			double r = tau / half;
			double w = fabs(r) < 1 ? bessel_i0(beta * sqrt(1 - r * r)) / bessel_i0(beta)
			                       : 0;
			tp_coef[p][k] = sinc * w;
		}
	tp_ready = true;
}

double bki_dsp_true_peak(const float *s, size_t n, int rate)
{
	(void)rate;
	tp_init();
	double peak = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(s[i]) > peak)
			peak = fabs(s[i]);
	double limit = peak / 2, best = peak;
	for (size_t i = 0; i + 1 < n; i++) {
		if (fabs(s[i]) < limit && fabs(s[i + 1]) < limit)
			continue;
		for (int p = 1; p < TP_OS; p++) {
			double acc = 0;
			for (int k = 0; k < TP_TAPS; k++) {
				long j = (long)i + k - (TP_TAPS / 2 - 1);
				if (j >= 0 && (size_t)j < n)
					acc += s[j] * tp_coef[p][k];
			}
			if (fabs(acc) > best)
				best = fabs(acc);
		}
	}
	return best > 0 ? 20 * log10(best) : -HUGE_VAL;
}

bool bki_dsp_resample(const int16_t *in, size_t n, int from, int to,
                     int16_t **out, size_t *nout)
{
	double ratio = (double)to / from;
	size_t cap = (size_t)ceil(n * ratio) + 64;
	*out = NULL;
	*nout = 0;
	float *fi = bki_calloc(n, sizeof *fi);
	float *fo = bki_calloc(cap, sizeof *fo);
	bool ok = false;
	if (!fi || !fo)
		goto out;
	src_short_to_float_array(in, fi, (int)n);
	SRC_DATA d = {0};
	d.data_in = fi;
	d.input_frames = (long)n;
	d.data_out = fo;
	d.output_frames = (long)cap;
	d.src_ratio = ratio;
	d.end_of_input = 1;
	/* libsamplerate fails only on bad arguments (never here) or no
	 * memory */
	if (src_simple(&d, SRC_SINC_FASTEST, 1) != 0)
		goto out;
	size_t got = (size_t)d.output_frames_gen;
	*out = bki_calloc(got, sizeof **out);
	if (!*out)
		goto out;
	src_float_to_short_array(fo, *out, (int)got);
	*nout = got;
	ok = true;
out:
	free(fi);
	free(fo);
	return ok;
}
