/* The audio decoders the kit verifier uses: ID3 chapters on hand-built
 * tags (v2.3 and v2.4, every text encoding, unsynchronisation, extended
 * headers, each way a tag can be wrong) and on a real track written by
 * the library; a tampered tag (two chapters' times swapped), cut tags and
 * random bytes; decoding MP3, WAV, FLAC and a stereo file; matching each
 * chapter's own "Number k" clip against every other's. */
#include <dirent.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ballotkit/audio.h"
#include "ballotkit/decode.h"
#include "ballotkit/definition.h"
#include "ballotkit/script.h"
#include "ballotkit/speech.h"
#include "ballotkit/templates.h"
#include "files.h"
#include "tap.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* What the verifier will require of a chapter's own number clip. */
#define THRESHOLD 0.95
/* LAME's delay and the decoder's, in samples at 22.05 kHz. */
#define MP3_OFFSET (1105.0 / 22050)

/* ---- building tags by hand ---- */

typedef struct buf {
	unsigned char *p;
	size_t n, cap;
} buf;

static void put(buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put1(buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void put32(buf *b, unsigned long v)
{
	for (int i = 3; i >= 0; i--)
		put1(b, (unsigned)(v >> (8 * i)) & 0xFF);
}

static void putss(buf *b, unsigned long v)
{
	for (int i = 3; i >= 0; i--)
		put1(b, (unsigned)(v >> (7 * i)) & 0x7F);
}

static void putstr(buf *b, const char *s) { put(b, s, strlen(s) + 1); }

static void frame(buf *out, int ver, const char *id, unsigned fmt,
                  const buf *body)
{
	put(out, id, 4);
	if (ver == 4)
		putss(out, body->n);
	else
		put32(out, body->n);
	put1(out, 0);
	put1(out, fmt);
	put(out, body->p, body->n);
}

/* UTF-8 to code points (the test's own, for the UTF-16 titles). */
static size_t cps(const char *s, uint32_t *out)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
		while (more--)
			c = c << 6 | (*p++ & 0x3F);
		out[n++] = c;
	}
	return n;
}

static void utf16(buf *b, const char *s, int le)
{
	uint32_t cp[256];
	size_t n = cps(s, cp);
	for (size_t i = 0; i < n; i++) {
		unsigned u[2], m = 1;
		if (cp[i] >= 0x10000) {
			u[0] = 0xD800 | ((cp[i] - 0x10000) >> 10);
			u[1] = 0xDC00 | ((cp[i] - 0x10000) & 0x3FF);
			m = 2;
		} else {
			u[0] = cp[i];
		}
		for (unsigned k = 0; k < m; k++) {
			put1(b, le ? u[k] & 0xFF : u[k] >> 8);
			put1(b, le ? u[k] >> 8 : u[k] & 0xFF);
		}
	}
}

/* A TIT2 frame: enc 0 Latin-1 (s is Latin-1 bytes), 1 UTF-16 LE with BOM,
 * 5 UTF-16 BE with BOM (written as 1), 2 UTF-16 BE, 3 UTF-8. */
static void tit2(buf *out, int ver, int enc, const char *s)
{
	buf b = {0};
	put1(&b, enc == 5 ? 1 : (unsigned)enc);
	if (enc == 0 || enc == 3) {
		putstr(&b, s);
	} else {
		if (enc == 1)
			put(&b, "\xFF\xFE", 2);
		if (enc == 5)
			put(&b, "\xFE\xFF", 2);
		utf16(&b, s, enc == 1);
		put(&b, "\0\0", 2);
	}
	frame(out, ver, "TIT2", 0, &b);
	free(b.p);
}

static void chap(buf *out, int ver, const char *id, unsigned long s,
                 unsigned long e, int enc, const char *title, unsigned fmt)
{
	buf b = {0};
	putstr(&b, id);
	put32(&b, s);
	put32(&b, e);
	put32(&b, 0xFFFFFFFFul);
	put32(&b, 0xFFFFFFFFul);
	if (title)
		tit2(&b, ver, enc, title);
	frame(out, ver, "CHAP", fmt, &b);
	free(b.p);
}

static void ctoc(buf *out, int ver, const char *id, unsigned flags,
                 const char *const *kids, size_t n)
{
	buf b = {0};
	putstr(&b, id);
	put1(&b, flags);
	put1(&b, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		putstr(&b, kids[i]);
	tit2(&b, ver, 0, "toc");
	frame(out, ver, "CTOC", 0, &b);
	free(b.p);
}

/* Inserts 00 after every FF (what unsynchronisation allows). */
static buf unsynced(const unsigned char *p, size_t n)
{
	buf b = {0};
	for (size_t i = 0; i < n; i++) {
		put1(&b, p[i]);
		if (p[i] == 0xFF)
			put1(&b, 0);
	}
	return b;
}

/* The header before frames (flag 0x80: frames unsynchronised here). */
static buf tag(int ver, unsigned flags, const buf *frames)
{
	buf body = {0};
	if (flags & 0x80 && ver == 3)
		body = unsynced(frames->p, frames->n);
	else
		put(&body, frames->p, frames->n);
	buf t = {0};
	put(&t, "ID3", 3);
	put1(&t, (unsigned)ver);
	put1(&t, 0);
	put1(&t, flags);
	putss(&t, body.n);
	put(&t, body.p, body.n);
	free(body.p);
	return t;
}

/* Three chapters written c, a, b; the table lists a, b, c. */
static buf three(int ver, int enc)
{
	buf f = {0};
	tit2(&f, ver, 0, "album");
	const char *kids[] = {"a", "b", "c"};
	chap(&f, ver, "c", 3000, 4000, enc, "Chapter three", 0);
	ctoc(&f, ver, "toc", 3, kids, 3);
	chap(&f, ver, "a", 0, 1500, enc, "\xD0\x9D\xD3\xA9\xD0\xBC\xD1\x96\xD1\x80 1", 0);
	chap(&f, ver, "b", 1500, 3000, enc, "B \xF0\x9D\x9F\x99", 0);
	return f;
}

static int diag_names(const bk_diags *d, const char *file, const char *part)
{
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const bk_diag *g = bk_diags_get(d, i);
		if (!strcmp(bk_diag_file(g), file) &&
		    !strncmp(bk_diag_message(g), "byte ", 5) &&
		    (!part || strstr(bk_diag_message(g), part)))
			return 1;
	}
	for (size_t i = 0; i < bk_diags_count(d); i++)
		printf("# %s: %s\n", bk_diag_file(bk_diags_get(d, i)),
		       bk_diag_message(bk_diags_get(d, i)));
	return 0;
}

/* Parses and expects BK_ERR_INVALID with a message holding part. */
static void refused(const buf *t, const char *part, const char *what)
{
	bk_diags *d = bk_diags_create();
	bk_decoded_chapters *c = (bk_decoded_chapters *)&c; /* must be reset */
	bk_status st = bk_decode_id3_chapters((const char *)t->p, t->n, "x.mp3",
	                                      &c, d);
	TAP_OK(st == BK_ERR_INVALID && c == NULL && diag_names(d, "x.mp3", part),
	       "refused: %s (\"%s\")", what, part);
	bk_diags_free(d);
}

static void test_built(void)
{
	/* every text encoding, both versions */
	const char *encs[] = {"Latin-1", "UTF-16 LE with BOM", "UTF-16 BE",
	                      "UTF-8", "", "UTF-16 BE with BOM"};
	for (int ver = 3; ver <= 4; ver++)
		for (int enc = 1; enc <= 5; enc++) {
			if (enc == 4)
				continue;
			buf f = three(ver, enc), t = tag(ver, 0, &f);
			bk_decoded_chapters *c = NULL;
			bk_status st = bk_decode_id3_chapters((const char *)t.p, t.n,
			                                      "t.mp3", &c, NULL);
			TAP_OK(st == BK_OK && bk_decoded_chapters_count(c) == 3,
			       "v2.%d, %s: three chapters", ver, encs[enc]);
			TAP_STREQ(bk_decoded_chapters_id(c, 0), "a", "in the table's order");
			TAP_STREQ(bk_decoded_chapters_id(c, 2), "c", "the last is c");
			TAP_STREQ(bk_decoded_chapters_title(c, 0),
			          "\xD0\x9D\xD3\xA9\xD0\xBC\xD1\x96\xD1\x80 1",
			          "a Cyrillic title");
			TAP_STREQ(bk_decoded_chapters_title(c, 1), "B \xF0\x9D\x9F\x99",
			          "a title outside the BMP (a surrogate pair)");
			TAP_OK(bk_decoded_chapters_start(c, 1) == 1.5 &&
			       bk_decoded_chapters_end(c, 1) == 3.0 &&
			       bk_decoded_chapters_end(c, 2) == 4.0,
			       "times in seconds from the milliseconds");
			TAP_OK(bk_decoded_chapters_id(c, 3) == NULL &&
			       bk_decoded_chapters_title(c, 3) == NULL &&
			       bk_decoded_chapters_start(c, 3) == 0,
			       "out of range: NULL and 0");
			bk_decoded_chapters_free(c);
			free(f.p);
			free(t.p);
		}

	/* Latin-1, a chapter with no title */
	{
		buf f = {0};
		const char *kids[] = {"x", "y"};
		ctoc(&f, 3, "toc", 3, kids, 2);
		chap(&f, 3, "x", 0, 10, 0, "Caf\xE9", 0);
		chap(&f, 3, "y", 10, 20, 0, NULL, 0);
		buf t = tag(3, 0, &f);
		put(&t, "\0\0\0\0\0\0\0", 7); /* not part of the tag */
		bk_decoded_chapters *c = NULL;
		TAP_OK(bk_decode_id3_chapters((const char *)t.p, t.n, "t", &c, NULL)
		       == BK_OK, "Latin-1 and an untitled chapter");
		TAP_STREQ(bk_decoded_chapters_title(c, 0), "Caf\xC3\xA9",
		          "Latin-1 becomes UTF-8");
		TAP_STREQ(bk_decoded_chapters_title(c, 1), "", "no TIT2: \"\"");
		bk_decoded_chapters_free(c);
		free(f.p);
		free(t.p);
	}

	/* unsynchronisation: v2.3 the whole tag, v2.4 each frame */
	{
		buf f = three(3, 1), t = tag(3, 0x80, &f);
		bk_decoded_chapters *c = NULL;
		TAP_OK(t.n > f.n + 10 + 8 &&
		       bk_decode_id3_chapters((const char *)t.p, t.n, "t", &c, NULL)
		       == BK_OK && bk_decoded_chapters_count(c) == 3 &&
		       !strcmp(bk_decoded_chapters_title(c, 1), "B \xF0\x9D\x9F\x99") &&
		       bk_decoded_chapters_end(c, 2) == 4.0,
		       "v2.3 unsynchronised tag (%zu bytes for %zu): the same chapters",
		       t.n - 10, f.n);
		bk_decoded_chapters_free(c);
		/* cut inside: the offset named is a byte of the file */
		bk_diags *d = bk_diags_create();
		buf cut = {0};
		put(&cut, t.p, t.n - 30);
		cut.p[6] = cut.p[7] = cut.p[8] = cut.p[9] = 0;
		size_t body = cut.n - 10;
		cut.p[8] = (unsigned char)(body >> 7 & 0x7F);
		cut.p[9] = (unsigned char)(body & 0x7F);
		TAP_OK(bk_decode_id3_chapters((const char *)cut.p, cut.n, "t", &c, d)
		       == BK_ERR_INVALID, "a cut unsynchronised tag is refused");
		unsigned long off = 0;
		const bk_diag *g = bk_diags_get(d, 0);
		TAP_OK(g && sscanf(bk_diag_message(g), "byte %lu", &off) == 1 &&
		       off <= cut.n, "its byte offset (%lu) lies in the file (%zu)",
		       off, cut.n);
		bk_diags_free(d);
		free(cut.p);
		free(f.p);
		free(t.p);
	}
	{
		/* v2.4: a CHAP unsynchronised, with a data length indicator */
		buf f = {0};
		const char *kids[] = {"only"};
		ctoc(&f, 4, "toc", 3, kids, 1);
		buf inner = {0};
		chap(&inner, 4, "only", 0xFF00, 0xFFFF, 1, "\xC3\xBF\xC3\xBF", 0);
		/* take the frame's body, unsynchronise it, flag it */
		buf body = unsynced(inner.p + 10, inner.n - 10);
		buf withdli = {0};
		putss(&withdli, inner.n - 10);
		put(&withdli, body.p, body.n);
		frame(&f, 4, "CHAP", 0x03, &withdli);
		buf t = tag(4, 0x80, &f);
		bk_decoded_chapters *c = NULL;
		TAP_OK(bk_decode_id3_chapters((const char *)t.p, t.n, "t", &c, NULL)
		       == BK_OK && bk_decoded_chapters_count(c) == 1 &&
		       bk_decoded_chapters_start(c, 0) == 0xFF00 / 1000.0 &&
		       bk_decoded_chapters_end(c, 0) == 0xFFFF / 1000.0 &&
		       !strcmp(bk_decoded_chapters_title(c, 0), "\xC3\xBF\xC3\xBF"),
		       "v2.4 frame unsynchronised, with a data length indicator");
		bk_decoded_chapters_free(c);
		free(f.p);
		free(inner.p);
		free(body.p);
		free(withdli.p);
		free(t.p);
	}

	/* extended headers and padding */
	for (int ver = 3; ver <= 4; ver++) {
		buf f = three(ver, 1), ext = {0};
		if (ver == 3) {
			put32(&ext, 6);
			put(&ext, "\0\0\0\0\0\0", 6);
		} else {
			putss(&ext, 6);
			put(&ext, "\x01\x00", 2);
		}
		put(&ext, f.p, f.n);
		put(&ext, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
		buf t = tag(ver, 0x40, &ext);
		bk_decoded_chapters *c = NULL;
		TAP_OK(bk_decode_id3_chapters((const char *)t.p, t.n, "t", &c, NULL)
		       == BK_OK && bk_decoded_chapters_count(c) == 3,
		       "v2.%d: an extended header and padding", ver);
		bk_decoded_chapters_free(c);
		t.p[t.n - 5] = 1;
		refused(&t, "neither a frame nor padding", "a byte in the padding");
		free(f.p);
		free(ext.p);
		free(t.p);
	}

	/* many chapter frames: 4096 are read, more are refused */
	{
		buf f = {0};
		const char *kids[] = {"c0"};
		ctoc(&f, 3, "toc", 3, kids, 1);
		char id[16];
		for (int i = 0; i < 4095; i++) {
			snprintf(id, sizeof id, "c%d", i);
			chap(&f, 3, id, 0, 1, 0, "x", 0);
		}
		buf t = tag(3, 0, &f);
		bk_decoded_chapters *c = NULL;
		double t0 = (double)clock() / CLOCKS_PER_SEC;
		TAP_OK(bk_decode_id3_chapters((const char *)t.p, t.n, "t", &c, NULL)
		       == BK_OK && bk_decoded_chapters_count(c) == 1,
		       "4095 CHAP frames and a CTOC are read (%.0f ms)",
		       ((double)clock() / CLOCKS_PER_SEC - t0) * 1000);
		bk_decoded_chapters_free(c);
		free(t.p);
		chap(&f, 3, "one-more", 0, 1, 0, "x", 0);
		t = tag(3, 0, &f);
		refused(&t, "more than 4096", "4097 chapter frames");
		free(t.p);
		free(f.p);
	}

	/* each way a tag is wrong */
	buf t = {0};
	put(&t, "RIFF....WAVE", 12);
	refused(&t, "no ID3v2 tag", "a WAV file");
	t.n = 0;
	refused(&t, "no ID3v2 tag", "nothing");
	free(t.p);
	{
		buf f = three(3, 1), t2 = tag(2, 0, &f);
		refused(&t2, "ID3v2.2", "ID3v2.2");
		free(t2.p);
		t2 = tag(3, 0x01, &f);
		refused(&t2, "unknown flags", "an unknown header flag");
		free(t2.p);
		t2 = tag(3, 0, &f);
		t2.p[9] |= 0x80;
		refused(&t2, "syncsafe", "a size that is not syncsafe");
		t2.p[9] &= 0x7F;
		t2.p[9]++;
		refused(&t2, "cut short", "a tag longer than the file");
		free(t2.p);
		free(f.p);
	}
	struct {
		const char *why, *expect;
		int variant;
	} cases[] = {
		{"a compressed CHAP", "compressed", 1},
		{"a nested table", "nested", 2},
		{"a chapter the tag lacks", "does not have", 3},
		{"an end before the start", "before it starts", 4},
		{"two elements with one id", "second element", 5},
		{"no top-level table", "no top-level", 6},
		{"an unordered table", "not ordered", 7},
		{"two top-level tables", "second top-level", 8},
		{"a frame longer than the tag", "the tag has", 9},
		{"a frame id of lower case", "not a frame", 10},
		{"a lone surrogate", "surrogate", 11},
		{"half a UTF-16 code unit", "half a code unit", 12},
		{"invalid UTF-8", "not valid UTF-8", 13},
		{"an unknown encoding", "unknown text encoding", 14},
		{"UTF-16 without a BOM", "byte order mark", 15},
		{"a table listing a chapter twice", "repeats", 16},
		{"a CHAP cut before its times", "cut short", 17},
		{"a CTOC cut before its entries", "ends after", 18},
		{"an id with no NUL", "terminating NUL", 19},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		int v = cases[k].variant;
		buf f = {0}, b = {0};
		const char *ab[] = {"a", "b"}, *aa[] = {"a", "a"};
		const char *sub[] = {"a", "sub"}, *ax[] = {"a", "x"};
		switch (v) {
		case 1:
			ctoc(&f, 3, "toc", 3, ab, 2);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			chap(&f, 3, "b", 1, 2, 1, "B", 0x80);
			break;
		case 2:
			ctoc(&f, 3, "toc", 3, sub, 2);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			ctoc(&f, 3, "sub", 1, ab, 1);
			break;
		case 3:
			ctoc(&f, 3, "toc", 3, ax, 2);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 4:
			ctoc(&f, 3, "toc", 3, ab, 1);
			chap(&f, 3, "a", 2000, 1000, 1, "A", 0);
			break;
		case 5:
			ctoc(&f, 3, "toc", 3, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 6:
			ctoc(&f, 3, "toc", 1, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 7:
			ctoc(&f, 3, "toc", 2, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 8:
			ctoc(&f, 3, "toc", 3, ab, 1);
			ctoc(&f, 3, "toc2", 3, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 9:
			ctoc(&f, 3, "toc", 3, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			put(&f, "TALB", 4); /* says more than is left */
			put32(&f, 1000);
			put(&f, "\0\0\0", 3);
			break;
		case 10:
			ctoc(&f, 3, "toc", 3, ab, 1);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			put(&b, "\0x", 2);
			frame(&f, 3, "tit2", 0, &b);
			break;
		case 11: case 12: case 13: case 14: case 15:
			ctoc(&f, 3, "toc", 3, ab, 1);
			putstr(&b, "a");
			put32(&b, 0);
			put32(&b, 1);
			put32(&b, 0);
			put32(&b, 0);
			{
				buf tt = {0};
				if (v == 11)
					put(&tt, "\x01\xFF\xFE\x00\xDC\x41\x00", 7);
				else if (v == 12)
					put(&tt, "\x01\xFF\xFE\x41\x00\x42", 6);
				else if (v == 13)
					put(&tt, "\x03\x41\xC3\x28", 4);
				else if (v == 14)
					put(&tt, "\x07\x41", 2);
				else
					put(&tt, "\x01\x41\x00", 3);
				frame(&b, 3, "TIT2", 0, &tt);
				free(tt.p);
			}
			frame(&f, 3, "CHAP", 0, &b);
			break;
		case 16:
			ctoc(&f, 3, "toc", 3, aa, 2);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 17:
			ctoc(&f, 3, "toc", 3, ab, 1);
			put(&b, "a\0\0\0\0\0\0\0", 8);
			frame(&f, 3, "CHAP", 0, &b);
			break;
		case 18:
			put(&b, "toc\0\x03\x05" "a\0", 8);
			frame(&f, 3, "CTOC", 0, &b);
			chap(&f, 3, "a", 0, 1, 1, "A", 0);
			break;
		case 19:
			put(&b, "abc", 3);
			frame(&f, 3, "CHAP", 0, &b);
			break;
		}
		buf tt = tag(3, 0, &f);
		refused(&tt, cases[k].expect, cases[k].why);
		free(tt.p);
		free(f.p);
		free(b.p);
	}
}

/* ---- random and cut tags ---- */

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* The offset a refusal names, or -1. */
static long named_offset(const bk_diags *d)
{
	unsigned long off;
	const bk_diag *g = bk_diags_get(d, 0);
	if (!g || sscanf(bk_diag_message(g), "byte %lu", &off) != 1)
		return -1;
	return (long)off;
}

static void test_damage(const unsigned char *tagp, size_t tagn)
{
	/* cut: at every length the header's size is more than the file */
	int all = 1, offs = 1;
	for (size_t len = 0; len < tagn; len++) {
		bk_diags *d = bk_diags_create();
		unsigned char *p = malloc(len + 1);
		memcpy(p, tagp, len);
		bk_decoded_chapters *c = NULL;
		all &= bk_decode_id3_chapters((const char *)p, len, "cut.mp3", &c, d)
		       == BK_ERR_INVALID && !c && bk_diags_count(d) == 1;
		long off = named_offset(d);
		offs &= off >= 0 && (size_t)off <= len;
		free(p);
		bk_diags_free(d);
	}
	TAP_OK(all, "the real tag cut at each of %zu lengths is refused", tagn);
	TAP_OK(offs, "each refusal names a byte offset inside the file");
	/* cut, and the header's size made to agree: the frames are cut */
	all = 1;
	offs = 1;
	for (size_t len = 10; len < tagn; len++) {
		bk_diags *d = bk_diags_create();
		unsigned char *p = malloc(len + 1);
		memcpy(p, tagp, len);
		size_t body = len - 10;
		p[6] = (unsigned char)(body >> 21 & 0x7F);
		p[7] = (unsigned char)(body >> 14 & 0x7F);
		p[8] = (unsigned char)(body >> 7 & 0x7F);
		p[9] = (unsigned char)(body & 0x7F);
		bk_decoded_chapters *c = NULL;
		bk_status st = bk_decode_id3_chapters((const char *)p, len, "cut.mp3",
		                                      &c, d);
		if (st != BK_ERR_INVALID && all) {
			printf("# length %zu: status %d\n", len, (int)st);
			all = 0;
		}
		long off = named_offset(d);
		offs &= off >= 0 && (size_t)off <= len;
		bk_decoded_chapters_free(c);
		free(p);
		bk_diags_free(d);
	}
	TAP_OK(all, "cut inside its frames (the header's size agreeing), at each "
	       "length it is refused");
	TAP_OK(offs, "each refusal names a byte offset inside the file");

	/* random bytes; random frames after a good header; the real tag with
	 * bytes changed */
	int random_refused = 1, framed_refused = 1, named = 1, sane = 1;
	size_t changed_ok = 0;
	for (int it = 0; it < 3000; it++) {
		size_t n = rnd() % 600;
		unsigned char *p = malloc(n + tagn + 16);
		int kind = it % 3;
		if (kind == 0) {
			for (size_t i = 0; i < n; i++)
				p[i] = (unsigned char)rnd();
		} else if (kind == 1) {
			n += 10;
			memcpy(p, "ID3\x03\x00\x00", 6);
			if (it % 2)
				p[3] = 4;
			size_t body = n - 10;
			p[6] = 0;
			p[7] = 0;
			p[8] = (unsigned char)(body >> 7 & 0x7F);
			p[9] = (unsigned char)(body & 0x7F);
			for (size_t i = 10; i < n; i++)
				p[i] = (unsigned char)rnd();
			if (n > 14 && rnd() % 2) /* a plausible frame id first */
				memcpy(p + 10, rnd() % 2 ? "CHAP" : "CTOC", 4);
		} else {
			n = tagn;
			memcpy(p, tagp, n);
			for (int k = 1 + (int)(rnd() % 8); k > 0; k--)
				p[rnd() % n] = (unsigned char)rnd();
		}
		bk_diags *d = bk_diags_create();
		bk_decoded_chapters *c = NULL;
		bk_status st = bk_decode_id3_chapters((const char *)p, n, "r.mp3", &c, d);
		if (kind == 0)
			random_refused &= st == BK_ERR_INVALID;
		if (kind == 1)
			framed_refused &= st == BK_ERR_INVALID;
		if (st == BK_ERR_INVALID) {
			long off = named_offset(d);
			named &= off >= 0 && (size_t)off <= n &&
			         !strcmp(bk_diag_file(bk_diags_get(d, 0)), "r.mp3");
		} else if (st == BK_OK) {
			changed_ok++;
			for (size_t i = 0; i < bk_decoded_chapters_count(c); i++)
				sane &= bk_decoded_chapters_id(c, i) &&
				        bk_decoded_chapters_title(c, i) &&
				        bk_decoded_chapters_end(c, i) >=
				        bk_decoded_chapters_start(c, i);
			sane &= bk_decoded_chapters_count(c) <= 255;
		} else {
			sane = 0;
		}
		bk_decoded_chapters_free(c);
		bk_diags_free(d);
		free(p);
	}
	TAP_OK(random_refused, "1000 runs of random bytes are refused");
	TAP_OK(framed_refused, "1000 random tags after a good header are refused");
	TAP_OK(named, "every refusal names the file and a byte inside it");
	TAP_OK(sane, "a changed tag read (%zu of 1000) has consistent chapters",
	       changed_ok);
}

/* ---- decoding and matching on a real track ---- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Walks the v2.3 tag's top-level frames (the test's own reading) and
 * swaps the times of chapters named a and b. */
static int swap_times(unsigned char *p, size_t n, const char *a, const char *b)
{
	size_t end = 10 + ((size_t)p[6] << 21 | (size_t)p[7] << 14 |
	                   (size_t)p[8] << 7 | p[9]);
	unsigned char *ta = NULL, *tb = NULL;
	for (size_t i = 10; i + 10 <= end && end <= n && p[i];) {
		size_t len = (size_t)p[i + 4] << 24 | (size_t)p[i + 5] << 16 |
		             (size_t)p[i + 6] << 8 | p[i + 7];
		if (!memcmp(p + i, "CHAP", 4)) {
			const char *id = (const char *)p + i + 10;
			if (!strcmp(id, a))
				ta = p + i + 10 + strlen(a) + 1;
			if (!strcmp(id, b))
				tb = p + i + 10 + strlen(b) + 1;
		}
		i += 10 + len;
	}
	if (!ta || !tb)
		return 0;
	unsigned char t[8];
	memcpy(t, ta, 8);
	memcpy(ta, tb, 8);
	memcpy(tb, t, 8);
	return 1;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Scores of every number clip at every chapter; score[k * n + j]. */
static double *matrix(const float *a, size_t n, int rate,
                      const bk_decoded_chapters *ch, int16_t **clips,
                      const size_t *nclips, size_t np, double *offsets,
                      double *ms_per_call)
{
	double *m = calloc(np * np, sizeof *m);
	double t0 = now();
	for (size_t k = 0; k < np; k++)
		for (size_t j = 0; j < np; j++) {
			double sc = -1, off = 0;
			bk_status st = bk_decode_audio_match(
				a, n, rate, bk_decoded_chapters_start(ch, k), clips[j],
				nclips[j], BK_SPEECH_RATE, 0.25, &sc, &off);
			m[k * np + j] = st == BK_OK ? sc : -1;
			if (j == k && offsets)
				offsets[k] = off;
		}
	if (ms_per_call)
		*ms_per_call = (now() - t0) * 1000 / (double)(np * np);
	return m;
}

/* The verifier's rule: chapter k passes when its own clip scores at least
 * THRESHOLD and more than every other. */
static int passes(const double *m, size_t np, size_t k)
{
	if (m[k * np + k] < THRESHOLD)
		return 0;
	for (size_t j = 0; j < np; j++)
		if (j != k && m[k * np + j] >= m[k * np + k])
			return 0;
	return 1;
}

static void test_track(bk_speech *sp, const bk_templates *tpl,
                       const bk_election *e, const char *lang, int formats)
{
	bk_script *s = NULL;
	bk_audio *au = NULL;
	bk_track *t = NULL;
	char dir[] = "/tmp/bk-test-decode-audio-XXXXXX";
	bk_diags *d = bk_diags_create();
	if (bk_script_create(&s, e, "mazhilis-list", lang, tpl, d) != BK_OK ||
	    bk_script_position_count(s) < 5 ||
	    bk_audio_create(&au, sp, tpl, NULL, d) != BK_OK ||
	    bk_track_create(&t, au, s, d) != BK_OK || !mkdtemp(dir) ||
	    bk_track_write(t, dir, (unsigned)formats, d) != BK_OK) {
		TAP_OK(0, "%s: a track written", lang);
		for (size_t i = 0; i < bk_diags_count(d); i++)
			printf("# %s\n", bk_diag_message(bk_diags_get(d, i)));
		goto done;
	}
	size_t np = bk_script_position_count(s);
	char mp3[1100];
	snprintf(mp3, sizeof mp3, "%s/mazhilis-list-%s.mp3", dir, lang);

	/* chapters: the script's positions, in order */
	size_t size = 0;
	char *data = slurp(mp3, &size);
	bk_decoded_chapters *ch = NULL;
	TAP_OK(data && bk_decode_id3_chapters(data, size, mp3, &ch, d) == BK_OK,
	       "%s: the MP3's chapters are read", lang);
	TAP_OK(bk_decoded_chapters_count(ch) == np && np >= 5,
	       "%s: a chapter per position (%zu)", lang, bk_decoded_chapters_count(ch));
	int titles = 1, times = 1, ids = 1;
	for (size_t i = 0; i < np && i < bk_decoded_chapters_count(ch); i++) {
		titles &= !strcmp(bk_decoded_chapters_title(ch, i),
		                  bk_script_position_list_text(s, i));
		times &= fabs(bk_decoded_chapters_start(ch, i) -
		              bk_track_chapter_start(t, i)) <= 0.0005;
		if (i + 1 < np)
			times &= bk_decoded_chapters_end(ch, i) ==
			         bk_decoded_chapters_start(ch, i + 1);
		for (size_t j = 0; j < i; j++)
			ids &= strcmp(bk_decoded_chapters_id(ch, i),
			              bk_decoded_chapters_id(ch, j)) != 0;
	}
	TAP_OK(titles, "%s: each chapter's title is its position's list line", lang);
	TAP_OK(times, "%s: each starts where the track says (within 0.5 ms) and "
	       "ends where the next starts", lang);
	TAP_OK(ids, "%s: distinct element ids", lang);
	size_t tagn = 10 + ((size_t)(unsigned char)data[6] << 21 |
	                    (size_t)(unsigned char)data[7] << 14 |
	                    (size_t)(unsigned char)data[8] << 7 |
	                    (unsigned char)data[9]);
	if (formats & BK_AUDIO_WAV)
		test_damage((const unsigned char *)data, tagn);

	/* decoding */
	float *a = NULL;
	size_t n = 0;
	int rate = 0;
	TAP_OK(bk_decode_audio_file(mp3, &a, &n, &rate, d) == BK_OK &&
	       rate == BK_SPEECH_RATE, "%s: the MP3 decodes at 22.05 kHz", lang);
	TAP_OK(n == (size_t)llround(bk_track_duration(t) * BK_SPEECH_RATE) &&
	       n % 576 == 0, "%s: %zu samples, whole frames, the track's length: "
	       "nothing trimmed", lang, n);

	/* each chapter's own number clip */
	int16_t **clips = calloc(np, sizeof *clips);
	size_t *nclips = calloc(np, sizeof *nclips);
	int spoken = 1;
	for (size_t g = 0; g < bk_script_segment_count(s); g++) {
		if (bk_script_segment_kind(s, g) != BK_SEGMENT_POSITION)
			continue;
		size_t p = bk_script_segment_position(s, g);
		char *norm = NULL;
		spoken &= bk_speech_normalise(sp, lang,
		                              bk_script_segment_sentence(s, g, 0),
		                              NULL, &norm, d) == BK_OK &&
		          bk_speech_clip(sp, lang, norm, NULL, &clips[p], &nclips[p],
		                         d) == BK_OK;
		bk_free(norm);
	}
	TAP_OK(spoken, "%s: the number clips are spoken", lang);
	double *offs = calloc(np, sizeof *offs), cost = 0;
	double *m = matrix(a, n, rate, ch, clips, nclips, np, offs, &cost);
	double own_min = 2, other_max = -2, margin = 2, off_min = 1, off_max = -1;
	int all_pass = 1;
	for (size_t k = 0; k < np; k++) {
		double other = -2;
		for (size_t j = 0; j < np; j++)
			if (j != k && m[k * np + j] > other)
				other = m[k * np + j];
		own_min = fmin(own_min, m[k * np + k]);
		other_max = fmax(other_max, other);
		margin = fmin(margin, m[k * np + k] - other);
		off_min = fmin(off_min, offs[k]);
		off_max = fmax(off_max, offs[k]);
		all_pass &= passes(m, np, k);
	}
	printf("# %s: own clip %.3f at least, best other %.3f at most, margin "
	       "%.3f; %.2f ms a call\n", lang, own_min, other_max, margin, cost);
	TAP_OK(all_pass, "%s: every chapter's own number clip scores at least "
	       "%.2f and above every other's", lang, THRESHOLD);
	TAP_OK(off_min >= MP3_OFFSET - 0.001 && off_max <= MP3_OFFSET + 0.001,
	       "%s: the clips lie 50.1 ms after the chapter times (%.4f to %.4f s): "
	       "LAME's delay and the decoder's", lang, off_min, off_max);
	free(m);

	/* two chapters' times swapped in the tag: both chapters fail */
	char *bad = malloc(size);
	memcpy(bad, data, size);
	bk_decoded_chapters *sw = NULL;
	TAP_OK(swap_times((unsigned char *)bad, size, bk_decoded_chapters_id(ch, 2),
	                  bk_decoded_chapters_id(ch, 3)) &&
	       bk_decode_id3_chapters(bad, size, "swapped.mp3", &sw, d) == BK_OK &&
	       bk_decoded_chapters_start(sw, 2) == bk_decoded_chapters_start(ch, 3),
	       "%s: a tag with chapters 3 and 4's times swapped reads", lang);
	m = matrix(a, n, rate, sw, clips, nclips, np, NULL, NULL);
	int caught = !passes(m, np, 2) && !passes(m, np, 3) &&
	             m[2 * np + 3] > m[2 * np + 2] && m[3 * np + 2] > m[3 * np + 3];
	int others = 1;
	for (size_t k = 0; k < np; k++)
		if (k != 2 && k != 3)
			others &= passes(m, np, k);
	TAP_OK(caught, "%s: chapters 3 and 4 fail: at 3's time clip 4 scores "
	       "%.3f, clip 3 %.3f", lang, m[2 * np + 3], m[2 * np + 2]);
	TAP_OK(others, "%s: the other chapters still pass", lang);
	free(m);
	bk_decoded_chapters_free(sw);
	free(bad);

	/* the lossless files carry the same samples at the same places */
	if (formats & BK_AUDIO_WAV) {
		const char *ext[] = {".wav", ".flac"};
		for (int x = 0; x < 2; x++) {
			char path[1100];
			snprintf(path, sizeof path, "%s/mazhilis-list-%s%s", dir, lang,
			         ext[x]);
			float *w = NULL;
			size_t nw = 0;
			int wr = 0;
			double sc = 0, off = 0;
			TAP_OK(bk_decode_audio_file(path, &w, &nw, &wr, d) == BK_OK &&
			       nw == n && wr == rate, "%s: %s decodes to the MP3's length",
			       lang, ext[x]);
			TAP_OK(bk_decode_audio_match(w, nw, wr, bk_decoded_chapters_start(ch, 4),
			                             clips[4], nclips[4], BK_SPEECH_RATE,
			                             0.25, &sc, &off) == BK_OK &&
			       sc >= THRESHOLD && fabs(off - MP3_OFFSET) < 0.001,
			       "%s: chapter 5's clip in the %s (%.3f at %+.4f s)", lang,
			       ext[x], sc, off);
			bk_free(w);
		}
	}

	for (size_t p = 0; p < np; p++)
		bk_free(clips[p]);
	free(clips);
	free(nclips);
	free(offs);
	bk_free(a);
	bk_decoded_chapters_free(ch);
	free(data);
done:
	remove_dir(dir);
	bk_track_free(t);
	bk_audio_free(au);
	bk_script_free(s);
	bk_diags_free(d);
}

/* ---- decoding and matching on signals whose answer is known ---- */

static void test_signals(void)
{
	/* a "clip": a chirp with silent ends; the audio holds it at 1.2345 s,
	 * 0.3 of its gain, in noise */
	enum { R = 22050, NC = 8000, NA = 3 * R };
	int16_t *clip = calloc(NC, sizeof *clip);
	for (int i = 1000; i < 7000; i++) {
		double x = (i - 1000) / (double)R;
		clip[i] = (int16_t)(12000 * sin(2 * M_PI * (200 + 900 * x) * x) *
		                    sin(M_PI * (i - 1000) / 6000.0));
	}
	size_t first = 0;
	while (abs(clip[first]) < 64)
		first++;
	size_t trimmed = first - 110; /* the writer's 5 ms before */
	float *a = calloc(NA, sizeof *a);
	size_t at = (size_t)(1.2345 * R);
	for (size_t i = 0; i < NA; i++)
		a[i] = (float)(((double)(rnd() % 2001) - 1000) / 1000 * 0.003);
	for (size_t i = 0; i < NC; i++)
		if (at + i >= trimmed && at + i - trimmed < NA)
			a[at + i - trimmed] += 0.3f * clip[i] / 32768.0f;
	double sc = 0, off = 9;
	TAP_OK(bk_decode_audio_match(a, NA, R, 1.2, clip, NC, R, 0.1, &sc, &off)
	       == BK_OK && sc > 0.98 && fabs(off - (at / (double)R - 1.2)) < 1.0 / R,
	       "a clip at 0.3 of its gain in noise: %.4f at %+.5f s (%+.5f)", sc,
	       off, at / (double)R - 1.2);
	TAP_OK(bk_decode_audio_match(a, NA, R, 0.5, clip, NC, R, 0.1, &sc, &off)
	       == BK_OK && sc < 0.2, "not found outside the search window (%.3f)",
	       sc);
	TAP_OK(bk_decode_audio_match(a, NA, R, 100, clip, NC, R, 0.5, &sc, &off)
	       == BK_OK && sc == 0, "past the end of the audio: 0");
	/* the audio at 16 kHz: the clip is resampled */
	enum { R2 = 16000 };
	size_t n2 = (size_t)NA * R2 / R;
	float *b = calloc(n2, sizeof *b);
	for (size_t i = 0; i < n2; i++) {
		double src = i * (double)R / R2;
		size_t k = (size_t)src;
		double f = src - k;
		b[i] = k + 1 < NA ? (float)((1 - f) * a[k] + f * a[k + 1]) : 0;
	}
	TAP_OK(bk_decode_audio_match(b, n2, R2, 1.2, clip, NC, R, 0.1, &sc, &off)
	       == BK_OK && sc > 0.95 && fabs(off - (at / (double)R - 1.2)) < 1.0 / R2,
	       "audio at 16 kHz: %.4f at %+.5f s", sc, off);
	int16_t silent[100] = {0};
	TAP_OK(bk_decode_audio_match(a, NA, R, 1, silent, 100, R, 0.1, &sc, &off)
	       == BK_ERR_INVALID, "a silent clip is refused");
	TAP_OK(bk_decode_audio_match(a, NA, R, 1, clip, NC, R, -1, &sc, &off)
	       == BK_ERR_USAGE &&
	       bk_decode_audio_match(a, NA, 0, 1, clip, NC, R, 1, &sc, &off)
	       == BK_ERR_USAGE &&
	       bk_decode_audio_match(a, NA, R, NAN, clip, NC, R, 1, &sc, &off)
	       == BK_ERR_USAGE, "bad arguments: BK_ERR_USAGE");

	/* a stereo WAV is mixed down; a file that is not audio is refused */
	char dir[] = "/tmp/bk-test-decode-audio-XXXXXX";
	if (!mkdtemp(dir)) {
		TAP_OK(0, "a temporary folder");
		return;
	}
	char path[256], txt[256];
	snprintf(path, sizeof path, "%s/stereo.wav", dir);
	snprintf(txt, sizeof txt, "%s/not-audio.mp3", dir);
	SF_INFO info = {0};
	info.samplerate = 44100;
	info.channels = 2;
	info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	float st[2000];
	for (int i = 0; i < 1000; i++) {
		st[2 * i] = (float)(0.5 * sin(i * 0.05));
		st[2 * i + 1] = (float)(0.1 * sin(i * 0.05));
	}
	if (f) {
		sf_writef_float(f, st, 1000);
		sf_close(f);
	}
	float *x = NULL;
	size_t nx = 0;
	int rx = 0;
	int mixed = f && bk_decode_audio_file(path, &x, &nx, &rx, NULL) == BK_OK &&
	            nx == 1000 && rx == 44100;
	for (int i = 0; mixed && i < 1000; i++)
		mixed &= fabsf(x[i] - (float)(0.3 * sin(i * 0.05))) < 1e-6f;
	TAP_OK(mixed, "a stereo file is mixed down to the channels' mean");
	bk_free(x);
	FILE *tf = fopen(txt, "w");
	if (tf) {
		fputs("this is not an MP3 file, only words\n", tf);
		fclose(tf);
	}
	bk_diags *d = bk_diags_create();
	x = (float *)&x;
	TAP_OK(bk_decode_audio_file(txt, &x, &nx, &rx, d) == BK_ERR_INVALID &&
	       x == NULL && bk_diags_count(d) == 1 &&
	       !strcmp(bk_diag_file(bk_diags_get(d, 0)), txt),
	       "a text file is refused, naming it");
	TAP_OK(bk_decode_audio_file("/nonexistent/x.mp3", &x, &nx, &rx, d)
	       == BK_ERR_IO, "a missing file is BK_ERR_IO");
	bk_diags_free(d);
	unlink(path);
	unlink(txt);
	rmdir(dir);
	free(b);
	free(a);
	free(clip);
}

int main(void)
{
	bk_templates *tpl = NULL;
	bk_speech *sp = NULL;
	bk_election *e = NULL;
	/* the speech helpers are forked first, from a small process */
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_speech_create(&sp, tpl, NULL, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		printf("Bail out! templates, speech or example not found\n");
		return 1;
	}
	test_built();
	test_signals();
	test_track(sp, tpl, e, "kk", BK_AUDIO_MP3 | BK_AUDIO_WAV | BK_AUDIO_FLAC);
	test_track(sp, tpl, e, "ru", BK_AUDIO_MP3);
	bk_election_free(e);
	bk_speech_free(sp);
	bk_templates_free(tpl);
	return tap_done();
}
