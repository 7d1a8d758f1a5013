/* MP3 parts: each sentence (and one long silence) encoded once by LAME,
 * cut into whole frames; ID3v2.3 tags with chapters; decoding back through
 * libsndfile to measure what a player will play.
 *
 * Why LAME directly, not libsndfile's MP3 writer (which is LAME too):
 * joining tracks from separately encoded frames needs the frames
 * themselves, no Xing/LAME header inside the stream and no ID3 tag per
 * part, and the chapters need an ID3 tag libsndfile cannot write. */
#include "audio/audio-private.h"

#include <lame/lame.h>
#include <sndfile.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* MPEG-2 layer III bit rates (kbit/s) by header index. */
static const int mpeg2_l3_kbps[16] = {0,  8,  16, 24,  32,  40,  48,  56,
                                      64, 80, 96, 112, 128, 144, 160, 0};

const char *bki_mp3_encoder_version(void)
{
	return get_lame_version();
}

bool bki_mp3_scan(bki_mp3_part *p)
{
	free(p->offsets);
	p->offsets = NULL;
	p->frames = 0;
	size_t cap = 16;
	size_t *off = bki_calloc(cap, sizeof *off);
	if (!off)
		return false; /* errno ENOMEM */
	size_t i = 0;
	while (i < p->len) {
		const unsigned char *h = p->data + i;
		/* sync, MPEG-2 (ID 10), layer III (01), 22.05 kHz (00), mono (11) */
		if (p->len - i < 4 || h[0] != 0xFF || (h[1] & 0xFE) != 0xF2 ||
		    ((h[2] >> 2) & 3) != 0 || (h[3] >> 6) != 3 ||
		    !mpeg2_l3_kbps[h[2] >> 4]) {
			free(off);
			return false;
		}
		size_t len = (size_t)(72000 * mpeg2_l3_kbps[h[2] >> 4] / 22050) +
		             ((h[2] >> 1) & 1);
		/* this frame's offset, and room for the end's */
		void *v = off;
		bool room = bki_array_reserve(&v, &cap, p->frames + 2, sizeof *off);
		off = v;
		if (!room) {
			free(off);
			p->frames = 0;
			return false; /* errno ENOMEM */
		}
		off[p->frames++] = i;
		i += len;
	}
	if (i != p->len) {
		free(off);
		p->frames = 0;
		return false;
	}
	off[p->frames] = p->len;
	p->offsets = off;
	return true;
}

bool bki_mp3_encode(const int16_t *s, size_t n, int bitrate, int quality,
                   bki_mp3_part *out)
{
	memset(out, 0, sizeof *out);
	lame_global_flags *g = lame_init();
	if (!g)
		return false;
	lame_set_in_samplerate(g, BK_SPEECH_RATE);
	lame_set_out_samplerate(g, BK_SPEECH_RATE);
	lame_set_num_channels(g, 1);
	lame_set_mode(g, MONO);
	lame_set_VBR(g, vbr_off);
	lame_set_brate(g, bitrate);
	lame_set_quality(g, quality);
	lame_set_bWriteVbrTag(g, 0);
	lame_set_write_id3tag_automatic(g, 0);
	bool ok = lame_init_params(g) >= 0;
	/* LAME's documented worst case: 1.25 × samples + 7200 */
	size_t cap = n + n / 4 + 7200 + 8192;
	unsigned char *buf = bki_malloc(cap);
	if (!buf) {
		lame_close(g);
		errno = ENOMEM;
		return false;
	}
	size_t len = 0;
	for (size_t i = 0; ok && i < n;) {
		size_t k = n - i < 65536 ? n - i : 65536;
		int w = lame_encode_buffer(g, s + i, NULL, (int)k, buf + len,
		                           (int)(cap - len));
		ok = w >= 0;
		len += ok ? (size_t)w : 0;
		i += k;
	}
	if (ok) {
		int w = lame_encode_flush(g, buf + len, (int)(cap - len));
		ok = w >= 0;
		len += ok ? (size_t)w : 0;
	}
	if (ok) {
		out->data = buf;
		out->len = len;
		out->delay = (size_t)lame_get_encoder_delay(g);
		out->input = n;
		ok = bki_mp3_scan(out) &&
		     out->frames * BK_MP3_FRAME >= out->delay + n;
	}
	lame_close(g);
	if (!ok) {
		free(out->data == buf ? NULL : buf);
		bki_mp3_part_free(out);
	}
	return ok;
}

void bki_mp3_part_free(bki_mp3_part *p)
{
	free(p->data);
	free(p->offsets);
	memset(p, 0, sizeof *p);
}

/* libsndfile reads the MP3 from memory. */
typedef struct membuf {
	const unsigned char *data;
	sf_count_t len, pos;
} membuf;

static sf_count_t vlen(void *u) { return ((membuf *)u)->len; }
static sf_count_t vtell(void *u) { return ((membuf *)u)->pos; }
static sf_count_t vseek(sf_count_t off, int whence, void *u)
{
	membuf *m = u;
	sf_count_t p = whence == SEEK_SET ? off
	             : whence == SEEK_CUR ? m->pos + off : m->len + off;
	if (p < 0 || p > m->len)
		return -1;
	return m->pos = p;
}
static sf_count_t vread(void *ptr, sf_count_t n, void *u)
{
	membuf *m = u;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(ptr, m->data + m->pos, (size_t)n);
	m->pos += n;
	return n;
}
static sf_count_t vwrite(const void *ptr, sf_count_t n, void *u)
{
	(void)ptr;
	(void)n;
	(void)u;
	return 0;
}

bool bki_audio_decode(const unsigned char *data, size_t len, float **out,
                     size_t *n, int *rate)
{
	membuf m = {data, (sf_count_t)len, 0};
	SF_VIRTUAL_IO io = {vlen, vseek, vread, vwrite, vtell};
	SF_INFO info = {0};
	SNDFILE *f = sf_open_virtual(&io, SFM_READ, &info, &m);
	*out = NULL;
	*n = 0;
	if (!f)
		return false;
	bki_buf b = {0};
	float chunk[4096];
	sf_count_t got;
	bool ok = info.channels == 1;
	if (rate)
		*rate = info.samplerate;
	while (ok && (got = sf_readf_float(f, chunk, 4096)) > 0)
		bki_buf_addn(&b, (const char *)chunk, (size_t)got * sizeof(float));
	sf_close(f);
	if (bki_buf_failed(&b))
		errno = ENOMEM;
	if (!ok || bki_buf_failed(&b)) {
		bki_buf_free(&b);
		return false;
	}
	size_t bytes = b.len;
	*out = (float *)(void *)bki_buf_steal(&b);
	if (!*out)
		return false; /* errno ENOMEM */
	*n = bytes / sizeof(float);
	return true;
}

/* ---- ID3v2.3 ---- */

static void be32(bki_buf *b, size_t v)
{
	char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
	bki_buf_addn(b, c, 4);
}

/* A frame header followed by its body. */
static void frame(bki_buf *tag, const char *id, const bki_buf *body)
{
	bki_buf_addn(tag, id, 4);
	be32(tag, body->len);
	bki_buf_addn(tag, "\0\0", 2);
	bki_buf_addn(tag, body->data ? body->data : "", body->len);
}

/* UTF-16 with a byte order mark (ID3v2.3 has no UTF-8). */
static void utf16(bki_buf *b, const char *s)
{
	bki_buf_addn(b, "\xFF\xFE", 2);
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = bki_utf8_decode(s + i, n - i, &cp);
		if (!k) {
			cp = 0xFFFD;
			k = 1;
		}
		i += k;
		uint16_t u[2];
		int m = 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (uint16_t)(0xD800 | (cp >> 10));
			u[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
			m = 2;
		} else {
			u[0] = (uint16_t)cp;
		}
		for (int j = 0; j < m; j++) {
			char c[2] = {(char)(u[j] & 0xFF), (char)(u[j] >> 8)};
			bki_buf_addn(b, c, 2);
		}
	}
}

void bki_id3_text(bki_buf *tag, const char *id, const char *text)
{
	bki_buf body = {0};
	bool ascii = true;
	for (const char *p = text; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii) {
		bki_buf_addc(&body, 0); /* ISO-8859-1 */
		bki_buf_add(&body, text);
	} else {
		bki_buf_addc(&body, 1);
		utf16(&body, text);
	}
	frame(tag, id, &body);
	bki_buf_free(&body);
}

void bki_id3_chapter(bki_buf *tag, const char *element, unsigned start_ms,
                    unsigned end_ms, const char *title)
{
	bki_buf body = {0};
	bki_buf_addn(&body, element, strlen(element) + 1);
	be32(&body, start_ms);
	be32(&body, end_ms);
	/* no byte offsets: players use the times */
	be32(&body, 0xFFFFFFFFu);
	be32(&body, 0xFFFFFFFFu);
	bki_id3_text(&body, "TIT2", title);
	frame(tag, "CHAP", &body);
	bki_buf_free(&body);
}

void bki_id3_toc(bki_buf *tag, const char *element, const char *const *children,
                size_t n, const char *title)
{
	bki_buf body = {0};
	bki_buf_addn(&body, element, strlen(element) + 1);
	bki_buf_addc(&body, 0x03); /* top level, ordered */
	bki_buf_addc(&body, (char)(unsigned char)n);
	for (size_t i = 0; i < n; i++)
		bki_buf_addn(&body, children[i], strlen(children[i]) + 1);
	bki_id3_text(&body, "TIT2", title);
	frame(tag, "CTOC", &body);
	bki_buf_free(&body);
}

void bki_id3_finish(bki_buf *out, const bki_buf *body)
{
	size_t n = body->len;
	char h[10] = {'I', 'D', '3', 3, 0, 0,
	              (char)((n >> 21) & 0x7F), (char)((n >> 14) & 0x7F),
	              (char)((n >> 7) & 0x7F), (char)(n & 0x7F)};
	bki_buf_addn(out, h, 10);
	bki_buf_addn(out, body->data ? body->data : "", n);
}
