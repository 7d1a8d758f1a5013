/* Reading an audio ballot back, for the kit verifier: the chapters of an
 * MP3's ID3v2 tag, any file libsndfile decodes as mono samples, and how
 * well a speech clip is heard at a time in them.
 *
 * Deliberately independent of the writers (src/audio/): the tag is parsed
 * from the ID3v2.3 and v2.4 specifications, not from what mp3.c writes,
 * and the clip is trimmed here by the rule docs/audio.md states, so a
 * mistake in the writer's tag, timeline or trimming shows up here as a
 * mismatch instead of being repeated.
 *
 * The ID3 parser reads untrusted bytes: every length is checked against
 * what is left before it is used, and every position it reports is a byte
 * offset in the file (through the unsynchronisation map when the tag is
 * unsynchronised). */
#include "ballotkit/decode.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"
#include "util/util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- ID3v2 chapters ---- */

typedef struct chapter {
	char *id;
	char *title;
	unsigned long start_ms, end_ms;
	size_t offset; /* of its frame in the file */
} chapter;

struct bk_decoded_chapters {
	chapter *ch;
	size_t n;
};

/* Bytes of the tag and where each lies in the file: map[i] when the bytes
 * were unsynchronised (map has n + 1 entries), else base + i. */
typedef struct span {
	const unsigned char *p;
	size_t n;
	const size_t *map;
	size_t base;
} span;

static size_t span_off(const span *s, size_t i)
{
	return s->map ? s->map[i] : s->base + i;
}

static span span_sub(const span *s, size_t from, size_t len)
{
	span r = {s->p + from, len, s->map ? s->map + from : NULL,
	          s->map ? 0 : s->base + from};
	return r;
}

typedef struct toc {
	char *id;
	unsigned flags;
	char **children;
	size_t *child_off;
	size_t n;
	size_t offset;
} toc;

typedef struct id3 {
	const char *name;
	bk_diags *diags;
	int major;
	void **owned; /* buffers freed at the end */
	size_t nowned, capowned;
	chapter *chaps;
	size_t nchaps, capchaps;
	toc *tocs;
	size_t ntocs, captocs;
} id3;

/* A table of contents lists at most 255 entries: more CHAP and CTOC
 * frames than this are refused (ids are compared pairwise). */
#define MAX_ELEMENTS 4096

/* Memory ran out: BK_ERR_NOMEM, said. */
static bk_status no_memory(const id3 *c)
{
	return bki_diags_nomem(c->diags, c->name, "", "reading the ID3 tag");
}

static bk_status bad(id3 *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bk_status bad(id3 *c, size_t off, const char *fmt, ...)
{
	bki_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	bki_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	bki_diags_add(c->diags, BK_ERROR, "bad-id3", c->name, 0, 0, "",
	             "byte %zu: %s", off, bki_buf_str(&b));
	bki_buf_free(&b);
	return BK_ERR_INVALID;
}

/* p, freed with the tag; NULL (p freed) when p is NULL or memory runs
 * out. */
static void *own(id3 *c, void *p)
{
	void *v = c->owned;
	bool room = p && bki_array_room(&v, &c->capowned, c->nowned,
	                                sizeof *c->owned);
	c->owned = v;
	if (!room) {
		free(p);
		return NULL;
	}
	c->owned[c->nowned++] = p;
	return p;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A 28-bit syncsafe integer; false when a byte has its top bit set. */
static bool syncsafe(const unsigned char *p, uint32_t *v)
{
	if ((p[0] | p[1] | p[2] | p[3]) & 0x80)
		return false;
	*v = (uint32_t)p[0] << 21 | (uint32_t)p[1] << 14 |
	     (uint32_t)p[2] << 7 | p[3];
	return true;
}

/* Undoes unsynchronisation (every FF 00 back to FF) into a new span
 * (its p NULL when memory runs out). */
static span unsync(id3 *c, const span *s)
{
	unsigned char *out = own(c, bki_malloc(s->n + 1));
	size_t *map = own(c, bki_calloc(s->n + 1, sizeof *map));
	if (!out || !map) {
		span none = {NULL, 0, NULL, 0};
		return none;
	}
	size_t j = 0;
	for (size_t i = 0; i < s->n; i++) {
		out[j] = s->p[i];
		map[j++] = span_off(s, i);
		if (s->p[i] == 0xFF && i + 1 < s->n && s->p[i + 1] == 0x00)
			i++;
	}
	map[j] = span_off(s, s->n);
	span r = {out, j, map, 0};
	return r;
}

/* ISO-8859-1 bytes to UTF-8; NULL when memory runs out. */
static char *latin1(const unsigned char *p, size_t n)
{
	bki_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		char u[4];
		bki_buf_addn(&b, u, bki_utf8_encode(p[i], u));
	}
	return bki_buf_steal(&b);
}

/* A NUL-terminated ISO-8859-1 string at the start of s (an element id):
 * its UTF-8 in *out and its length with the NUL in *used. */
static bk_status element_id(id3 *c, const span *s, const char *what,
                            char **out, size_t *used)
{
	const unsigned char *z = memchr(s->p, 0, s->n);
	if (!z)
		return bad(c, span_off(s, 0), "the %s frame's element id has no "
		           "terminating NUL", what);
	if (z == s->p)
		return bad(c, span_off(s, 0), "the %s frame's element id is empty",
		           what);
	*used = (size_t)(z - s->p) + 1;
	*out = own(c, latin1(s->p, *used - 1));
	return *out ? BK_OK : no_memory(c);
}

/* The first string of a text frame (TIT2), decoded to UTF-8. */
static bk_status text_frame(id3 *c, const span *s, char **out)
{
	if (s->n < 1)
		return bad(c, span_off(s, 0), "the TIT2 frame is empty");
	unsigned enc = s->p[0];
	const unsigned char *p = s->p + 1;
	size_t n = s->n - 1;
	bki_buf b = {0};
	if (enc == 0) {
		const unsigned char *z = memchr(p, 0, n);
		*out = own(c, latin1(p, z ? (size_t)(z - p) : n));
		return *out ? BK_OK : no_memory(c);
	}
	if (enc == 3) {
		const unsigned char *z = memchr(p, 0, n);
		size_t len = z ? (size_t)(z - p) : n;
		size_t ok = bki_utf8_valid_prefix((const char *)p, len);
		if (ok != len)
			return bad(c, span_off(s, 1 + ok), "the TIT2 frame is not "
			           "valid UTF-8");
		*out = own(c, bki_strndup((const char *)p, len));
		return *out ? BK_OK : no_memory(c);
	}
	if (enc != 1 && enc != 2)
		return bad(c, span_off(s, 0), "the TIT2 frame has an unknown text "
		           "encoding %u", enc);
	bool le = false;
	size_t i = 0;
	if (enc == 1) {
		if (n == 0 || (n >= 2 && p[0] == 0 && p[1] == 0)) {
			*out = own(c, bki_strdup("")); /* an empty title, no BOM */
			return *out ? BK_OK : no_memory(c);
		}
		if (n < 2 || !((p[0] == 0xFF && p[1] == 0xFE) ||
		               (p[0] == 0xFE && p[1] == 0xFF)))
			return bad(c, span_off(s, 1), "the TIT2 frame's UTF-16 has no "
			           "byte order mark");
		le = p[0] == 0xFF;
		i = 2;
	}
	for (; i < n; i += 2) {
		if (n - i < 2) {
			bki_buf_free(&b);
			return bad(c, span_off(s, 1 + i), "the TIT2 frame's UTF-16 "
			           "ends in half a code unit");
		}
		unsigned u = le ? p[i] | p[i + 1] << 8 : p[i] << 8 | p[i + 1];
		if (u == 0)
			break;
		uint32_t cp = u;
		if (u >= 0xDC00 && u <= 0xDFFF) {
			bki_buf_free(&b);
			return bad(c, span_off(s, 1 + i), "the TIT2 frame's UTF-16 "
			           "has a lone low surrogate");
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			unsigned v = 0;
			if (n - i >= 4)
				v = le ? p[i + 2] | p[i + 3] << 8 : p[i + 2] << 8 | p[i + 3];
			if (v < 0xDC00 || v > 0xDFFF) {
				bki_buf_free(&b);
				return bad(c, span_off(s, 1 + i), "the TIT2 frame's "
				           "UTF-16 has a lone high surrogate");
			}
			cp = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
			i += 2;
		}
		char u8[4];
		bki_buf_addn(&b, u8, bki_utf8_encode(cp, u8));
	}
	*out = own(c, bki_buf_steal(&b));
	return *out ? BK_OK : no_memory(c);
}

/* A frame of a tag (or of a CHAP frame's subframes), as next_frame
 * reads it. */
typedef struct frame {
	char id[5];
	span body;
	bool plain;
	size_t off; /* of its header in the file */
	bool end;   /* the padding or the end was reached: no frame */
} frame;

/* One frame of s at *pos into f. Sets f->end at the padding or the end of
 * s; otherwise its id, the body (unsynchronised and with the extra header
 * bytes removed) and plain (false when the body is compressed or
 * encrypted, so it cannot be read). *pos moves past the frame. */
static bk_status next_frame(id3 *c, const span *s, size_t *pos, frame *f)
{
	f->end = false;
	size_t i = *pos;
	if (i >= s->n || s->p[i] == 0) {
		f->end = true; /* padding */
		return BK_OK;
	}
	f->off = span_off(s, i);
	if (s->n - i < 10)
		return bad(c, f->off, "a frame header is cut short (%zu of 10 "
		           "bytes before the end of the tag)", s->n - i);
	const unsigned char *h = s->p + i;
	for (int k = 0; k < 4; k++) {
		if (!((h[k] >= 'A' && h[k] <= 'Z') || (h[k] >= '0' && h[k] <= '9')))
			return bad(c, f->off, "not a frame: the id is not four "
			           "capital letters or digits");
		f->id[k] = (char)h[k];
	}
	f->id[4] = 0;
	uint32_t size;
	if (c->major == 4) {
		if (!syncsafe(h + 4, &size))
			return bad(c, f->off, "the %s frame's size is not a "
			           "syncsafe integer", f->id);
	} else {
		size = be32(h + 4);
	}
	if (size > s->n - i - 10)
		return bad(c, f->off, "the %s frame says it has %lu bytes, "
		           "the tag has %zu left", f->id, (unsigned long)size,
		           s->n - i - 10);
	unsigned fmt = h[9];
	span b = span_sub(s, i + 10, size);
	*pos = i + 10 + size;
	f->plain = true;
	size_t extra = 0;
	if (c->major == 4) {
		bool group = fmt & 0x40, comp = fmt & 0x08, enc = fmt & 0x04;
		bool uns = fmt & 0x02, dli = fmt & 0x01;
		if (fmt & 0xB0)
			return bad(c, f->off, "the %s frame has unknown format "
			           "flags", f->id);
		extra = (size_t)group + (size_t)enc + (dli ? 4u : 0u);
		if (extra > b.n)
			return bad(c, f->off, "the %s frame is shorter than its "
			           "flags' extra bytes", f->id);
		b = span_sub(&b, extra, b.n - extra);
		f->plain = !comp && !enc;
		if (uns && f->plain && !(b = unsync(c, &b)).p)
			return no_memory(c);
	} else {
		bool comp = fmt & 0x80, enc = fmt & 0x40, group = fmt & 0x20;
		if (fmt & 0x1F)
			return bad(c, f->off, "the %s frame has unknown format "
			           "flags", f->id);
		extra = (comp ? 4u : 0u) + (size_t)enc + (size_t)group;
		if (extra > b.n)
			return bad(c, f->off, "the %s frame is shorter than its "
			           "flags' extra bytes", f->id);
		b = span_sub(&b, extra, b.n - extra);
		f->plain = !comp && !enc;
	}
	f->body = b;
	return BK_OK;
}

static bool id_taken(const id3 *c, const char *id)
{
	for (size_t i = 0; i < c->nchaps; i++)
		if (!strcmp(c->chaps[i].id, id))
			return true;
	for (size_t i = 0; i < c->ntocs; i++)
		if (!strcmp(c->tocs[i].id, id))
			return true;
	return false;
}

/* What a CHAP or CTOC frame (kind) opens with: its element id, then
 * need bytes at least (a chapter's times, a table's flags and count), and
 * an id no element took before. *used: the id's bytes. */
static bk_status element_head(id3 *c, const span *s, size_t off,
                              const char *kind, size_t need, char **eid,
                              size_t *used)
{
	bk_status st = element_id(c, s, kind, eid, used);
	if (st != BK_OK)
		return st;
	if (s->n - *used < need && !strcmp(kind, "CHAP"))
		return bad(c, off, "the CHAP frame \"%s\" is cut short: its times "
		           "need %zu bytes, it has %zu", *eid, need, s->n - *used);
	if (s->n - *used < need)
		return bad(c, off, "the %s frame \"%s\" is cut short before its "
		           "entry count", kind, *eid);
	if (id_taken(c, *eid))
		return bad(c, off, "a second element with the id \"%s\"", *eid);
	return BK_OK;
}

/* A CHAP frame after its element id eid (used bytes). */
static bk_status read_chap(id3 *c, const span *s, size_t off, char *eid,
                           size_t used)
{
	bk_status st;
	const unsigned char *t = s->p + used;
	chapter ch = {eid, NULL, be32(t), be32(t + 4), off};
	if (ch.end_ms < ch.start_ms)
		return bad(c, off, "chapter \"%s\" ends (%lu ms) before it starts "
		           "(%lu ms)", eid, ch.end_ms, ch.start_ms);
	span sub = span_sub(s, used + 16, s->n - used - 16);
	size_t pos = 0;
	for (;;) {
		frame f;
		st = next_frame(c, &sub, &pos, &f);
		if (st != BK_OK)
			return st;
		if (f.end)
			break;
		if (strcmp(f.id, "TIT2"))
			continue;
		if (!f.plain)
			return bad(c, f.off, "chapter \"%s\"'s title is compressed or "
			           "encrypted: not supported", eid);
		if (ch.title)
			return bad(c, f.off, "chapter \"%s\" has a second title", eid);
		st = text_frame(c, &f.body, &ch.title);
		if (st != BK_OK)
			return st;
	}
	/* what follows the subframes must be padding (zeros) */
	for (; pos < sub.n; pos++)
		if (sub.p[pos])
			return bad(c, span_off(&sub, pos), "stray bytes after the "
			           "subframes of chapter \"%s\"", eid);
	if (!ch.title && !(ch.title = own(c, bki_strdup(""))))
		return no_memory(c);
	void *v = c->chaps;
	bool room = bki_array_room(&v, &c->capchaps, c->nchaps, sizeof *c->chaps);
	c->chaps = v;
	if (!room)
		return no_memory(c);
	c->chaps[c->nchaps++] = ch;
	return BK_OK;
}

/* A CTOC frame after its element id eid (used bytes). */
static bk_status read_ctoc(id3 *c, const span *s, size_t off, char *eid,
                           size_t used)
{
	bk_status st;
	toc t = {eid, s->p[used], NULL, NULL, s->p[used + 1], off};
	t.children = own(c, bki_calloc(t.n + 1, sizeof *t.children));
	t.child_off = own(c, bki_calloc(t.n + 1, sizeof *t.child_off));
	if (!t.children || !t.child_off)
		return no_memory(c);
	size_t at = used + 2;
	for (size_t k = 0; k < t.n; k++) {
		span rest = span_sub(s, at, s->n - at);
		if (rest.n == 0)
			return bad(c, span_off(s, at), "the CTOC frame \"%s\" lists %zu "
			           "entries but ends after %zu", eid, t.n, k);
		size_t u;
		st = element_id(c, &rest, "CTOC", &t.children[k], &u);
		if (st != BK_OK)
			return st;
		t.child_off[k] = span_off(s, at);
		at += u;
	}
	/* its own subframes (a title) are not needed; they are not read */
	void *v = c->tocs;
	bool room = bki_array_room(&v, &c->captocs, c->ntocs, sizeof *c->tocs);
	c->tocs = v;
	if (!room)
		return no_memory(c);
	c->tocs[c->ntocs++] = t;
	return BK_OK;
}

/* The tag header: its version, flags and size; *s is the tag's body
 * (unsynchronised for a v2.3 tag that says so). */
static bk_status tag_header(id3 *c, const unsigned char *d, size_t size,
                            unsigned *flags, span *s)
{
	if (size < 10 || memcmp(d, "ID3", 3))
		return bad(c, 0, "no ID3v2 tag");
	c->major = d[3];
	if (c->major == 2)
		return bad(c, 3, "an ID3v2.2 tag: only v2.3 and v2.4 are read");
	if (c->major != 3 && c->major != 4)
		return bad(c, 3, "ID3v2.%d: only v2.3 and v2.4 are read", c->major);
	if (d[4] == 0xFF)
		return bad(c, 4, "the tag's revision is 255");
	*flags = d[5];
	if (*flags & (c->major == 4 ? 0x0F : 0x1F))
		return bad(c, 5, "the tag header has unknown flags (0x%02x)", *flags);
	uint32_t tsize;
	if (!syncsafe(d + 6, &tsize))
		return bad(c, 6, "the tag's size is not a syncsafe integer");
	size_t need = 10 + (size_t)tsize + (*flags & 0x10 ? 10 : 0);
	if (need > size)
		return bad(c, size, "the tag is cut short: it says %zu bytes, the "
		           "file ends after %zu", need, size);
	span body = {d + 10, tsize, NULL, 10};
	*s = body;
	/* v2.3 unsynchronises the whole tag; v2.4 each frame (its flag) */
	if ((*flags & 0x80) && c->major == 3 && !(*s = unsync(c, &body)).p)
		return no_memory(c);
	return BK_OK;
}

/* Skips the extended header at the start of *s. */
static bk_status skip_extended_header(id3 *c, span *s)
{
	if (s->n < 4)
		return bad(c, span_off(s, 0), "the extended header is cut short");
	uint32_t ext;
	size_t skip;
	if (c->major == 4) {
		if (!syncsafe(s->p, &ext))
			return bad(c, span_off(s, 0), "the extended header's "
			           "size is not a syncsafe integer");
		skip = ext;
		if (skip < 6)
			return bad(c, span_off(s, 0), "the extended header says "
			           "it has %zu bytes, less than 6", skip);
	} else {
		ext = be32(s->p);
		if (ext != 6 && ext != 10)
			return bad(c, span_off(s, 0), "the extended header's "
			           "size is %lu, not 6 or 10", (unsigned long)ext);
		skip = 4 + (size_t)ext;
	}
	if (skip > s->n)
		return bad(c, span_off(s, 0), "the extended header is longer "
		           "than the tag");
	*s = span_sub(s, skip, s->n - skip);
	return BK_OK;
}

/* The frames of the tag's body (CHAP and CTOC read into c, the rest
 * skipped), then its padding. */
static bk_status read_frames(id3 *c, const span *s)
{
	size_t pos = 0;
	for (;;) {
		frame f;
		bk_status st = next_frame(c, s, &pos, &f);
		if (st != BK_OK)
			return st;
		if (f.end)
			break;
		bool chap = !strcmp(f.id, "CHAP"), ctoc = !strcmp(f.id, "CTOC");
		if ((chap || ctoc) && !f.plain)
			return bad(c, f.off, "the %s frame is compressed or encrypted: "
			           "not supported", f.id);
		if ((chap || ctoc) && c->nchaps + c->ntocs >= MAX_ELEMENTS)
			return bad(c, f.off, "more than %d CHAP and CTOC frames",
			           MAX_ELEMENTS);
		char *eid = NULL;
		size_t used = 0;
		if (chap || ctoc)
			st = element_head(c, &f.body, f.off, f.id, chap ? 16 : 2, &eid,
			                  &used);
		if (st == BK_OK && chap)
			st = read_chap(c, &f.body, f.off, eid, used);
		else if (st == BK_OK && ctoc)
			st = read_ctoc(c, &f.body, f.off, eid, used);
		if (st != BK_OK)
			return st;
	}
	/* padding: zeros to the end of the tag */
	for (; pos < s->n; pos++)
		if (s->p[pos])
			return bad(c, span_off(s, pos), "a byte that is neither a frame "
			           "nor padding");
	return BK_OK;
}

/* The one top-level, ordered table of contents. */
static bk_status top_toc(id3 *c, const toc **out)
{
	const toc *top = NULL;
	for (size_t i = 0; i < c->ntocs; i++) {
		if (!(c->tocs[i].flags & 0x02))
			continue;
		if (top)
			return bad(c, c->tocs[i].offset, "a second top-level table of "
			           "contents (\"%s\" and \"%s\")", top->id, c->tocs[i].id);
		top = &c->tocs[i];
	}
	if (!top)
		return bad(c, 10, "no top-level table of contents (CTOC frame)");
	if (!(top->flags & 0x01))
		return bad(c, top->offset, "the table of contents \"%s\" is not "
		           "ordered", top->id);
	*out = top;
	return BK_OK;
}

/* The chapter entry k of the table names, once, and only once. */
static bk_status toc_entry(id3 *c, const toc *top, size_t k,
                           const chapter **found)
{
	const char *want = top->children[k];
	*found = NULL;
	for (size_t i = 0; i < c->nchaps && !*found; i++)
		if (!strcmp(c->chaps[i].id, want))
			*found = &c->chaps[i];
	if (!*found) {
		bool is_toc = false;
		for (size_t i = 0; i < c->ntocs; i++)
			is_toc |= !strcmp(c->tocs[i].id, want);
		return bad(c, top->child_off[k], is_toc
		           ? "entry %zu of the table of contents is the table "
		             "\"%s\": nested tables are not read"
		           : "entry %zu of the table of contents names a chapter "
		             "\"%s\" the tag does not have", k + 1, want);
	}
	for (size_t j = 0; j < k; j++)
		if (!strcmp(top->children[j], want))
			return bad(c, top->child_off[k], "entry %zu of the table of "
			           "contents repeats chapter \"%s\"", k + 1, want);
	return BK_OK;
}

static bk_status parse_tag(id3 *c, const unsigned char *d, size_t size,
                           bk_decoded_chapters *out)
{
	unsigned flags = 0;
	span s;
	const toc *top = NULL;
	bk_status st = tag_header(c, d, size, &flags, &s);
	if (st != BK_OK)
		return st;
	if ((flags & 0x40) && (st = skip_extended_header(c, &s)) != BK_OK)
		return st;
	if ((st = read_frames(c, &s)) != BK_OK || (st = top_toc(c, &top)) != BK_OK)
		return st;
	/* the chapters in the table's order */
	out->ch = bki_calloc(top->n + 1, sizeof *out->ch);
	if (!out->ch)
		return no_memory(c);
	for (size_t k = 0; k < top->n; k++) {
		const chapter *found;
		st = toc_entry(c, top, k, &found);
		if (st != BK_OK)
			return st;
		chapter *ch = &out->ch[out->n++];
		*ch = *found;
		ch->id = bki_strdup(found->id);
		ch->title = bki_strdup(found->title);
		if (!ch->id || !ch->title)
			return no_memory(c);
	}
	return BK_OK;
}

void bk_decoded_chapters_free(bk_decoded_chapters *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->ch[i].id);
		free(c->ch[i].title);
	}
	free(c->ch);
	free(c);
}

bk_status bk_decode_id3_chapters(const char *data, size_t size,
                                 const char *name, bk_decoded_chapters **out,
                                 bk_diags *diags)
{
	if (!out || (!data && size))
		return BK_ERR_USAGE;
	*out = NULL;
	id3 c;
	memset(&c, 0, sizeof c);
	c.name = name ? name : "";
	c.diags = diags;
	bk_decoded_chapters *r = bki_calloc(1, sizeof *r);
	bk_status st = r ? parse_tag(&c, (const unsigned char *)(data ? data : ""),
	                             data ? size : 0, r)
	                 : no_memory(&c);
	for (size_t i = 0; i < c.nowned; i++)
		free(c.owned[i]);
	free(c.owned);
	free(c.chaps);
	free(c.tocs);
	if (st != BK_OK) {
		bk_decoded_chapters_free(r);
		return st;
	}
	*out = r;
	return BK_OK;
}

size_t bk_decoded_chapters_count(const bk_decoded_chapters *c)
{
	return c ? c->n : 0;
}

double bk_decoded_chapters_start(const bk_decoded_chapters *c, size_t i)
{
	return c && i < c->n ? c->ch[i].start_ms / 1000.0 : 0;
}

double bk_decoded_chapters_end(const bk_decoded_chapters *c, size_t i)
{
	return c && i < c->n ? c->ch[i].end_ms / 1000.0 : 0;
}

const char *bk_decoded_chapters_id(const bk_decoded_chapters *c, size_t i)
{
	return c && i < c->n ? c->ch[i].id : NULL;
}

const char *bk_decoded_chapters_title(const bk_decoded_chapters *c, size_t i)
{
	return c && i < c->n ? c->ch[i].title : NULL;
}

/* ---- decoding ---- */

bk_status bk_decode_audio_file(const char *path, float **samples, size_t *n,
                               int *rate, bk_diags *diags)
{
	if (!path || !samples || !n)
		return BK_ERR_USAGE;
	*samples = NULL;
	*n = 0;
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		bki_diags_add(diags, BK_ERROR, "unreadable", path, 0, 0, "",
		             "cannot read: %s", strerror(errno));
		return BK_ERR_IO;
	}
	fclose(probe);
	SF_INFO info;
	memset(&info, 0, sizeof info);
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	if (!f) {
		bki_diags_add(diags, BK_ERROR, "bad-audio", path, 0, 0, "",
		             "libsndfile cannot read it: %s", sf_strerror(NULL));
		return BK_ERR_INVALID;
	}
	if (info.channels < 1 || info.channels > 64 || info.samplerate < 1) {
		bki_diags_add(diags, BK_ERROR, "bad-audio", path, 0, 0, "",
		             "%d channels at %d Hz", info.channels, info.samplerate);
		sf_close(f);
		return BK_ERR_INVALID;
	}
	size_t ch = (size_t)info.channels, cap = 1 << 16, len = 0;
	float *out = bki_calloc(cap, sizeof *out);
	float *chunk = bki_calloc(4096 * ch, sizeof *chunk);
	sf_count_t got = 0;
	bool nomem = !out || !chunk;
	while (!nomem && (got = sf_readf_float(f, chunk, 4096)) > 0) {
		void *v = out;
		nomem = !bki_array_reserve(&v, &cap, len + (size_t)got,
		                           sizeof *out);
		out = v;
		if (nomem)
			break;
		for (sf_count_t i = 0; i < got; i++) {
			float sum = 0;
			for (size_t k = 0; k < ch; k++)
				sum += chunk[(size_t)i * ch + k];
			out[len++] = sum / (float)ch;
		}
	}
	int err = sf_error(f);
	bk_status st = BK_OK;
	if (nomem) {
		st = bki_diags_nomem(diags, path, "", "decoding the audio");
	} else if (err != SF_ERR_NO_ERROR) {
		bki_diags_add(diags, BK_ERROR, "bad-audio", path, 0, 0, "",
		             "decoding stopped after %zu samples: %s", len,
		             sf_error_number(err));
		st = BK_ERR_INVALID;
	}
	sf_close(f);
	free(chunk);
	if (st != BK_OK) {
		free(out);
		return st;
	}
	*samples = out;
	*n = len;
	if (rate)
		*rate = info.samplerate;
	return BK_OK;
}

/* ---- matching a clip ----
 *
 * Measured on the example's ten MP3 tracks (5 ballots, kk and ru: 118
 * chapters, each against every "Number k" clip of its ballot, at the
 * chapter's start, search ±0.25 s): the chapter's own clip scores
 * 0.991-0.999, the best other clip 0.47-0.90 (0.90: Kazakh 11 and 15,
 * "он бір" and "он бес", share most of their sound), the smallest margin
 * between them 0.095. The trimmed clip lies 49.6-50.6 ms after the
 * chapter's time: 1105 samples (LAME's 576 and the decoder's 529; libsndfile
 * and mpg123 trim nothing without a Xing/LAME header) and the tag's
 * rounding to milliseconds. The other files of mazhilis-03 (own at least,
 * other at most): WAV and FLAC 0.997 and 0.905, Vorbis 0.973 and 0.901,
 * Opus 0.960 and 0.902, the 8 kHz WAV 0.968 and 0.910.
 *
 * Cost (one core, -O2, clips of about 0.6 s at 22.05 kHz): 0.4 ms a call
 * at ±0.1 s, 0.5 ms at ±0.25 s, 1.0 ms at ±1 s; every lag at the full
 * rate took 23.5 ms at ±0.25 s and gave the same scores (own: identical;
 * others within 0.0005 over 1768 pairs). A clip at another rate than the
 * audio is resampled on every call: 1.5-2 ms more. */

/* The writer's trimming (docs/audio.md): from 5 ms before the first to
 * 20 ms after the last sample above -54 dBFS (|s| >= 64 of 32768). */
#define TRIM_LEVEL 64
#define TRIM_BEFORE_S 0.005
#define TRIM_AFTER_S 0.020
/* bk_decode_audio_compare: the band compared (MP3 at 32 kbit/s codes the
 * band above coarsely, and an MP3 decoded and encoded again more so), the
 * window, and how quiet (against the clip's mean power) a window of the
 * clip may be and still count; chosen on the scores of bench/verify-scores
 * (docs/kits.md). */
#define LOCAL_CUTOFF_HZ 3000.0
#define LOCAL_WINDOW_S 0.05
#define LOCAL_QUIET 0.1

/* The search runs on a pyramid: the signals low-passed and decimated by 4
 * per level while the rate stays at or above MIN_RATE (22.05 kHz: 5.5 and
 * 1.4 kHz) and the clip keeps MIN_CLIP samples. Every lag is scored at the
 * coarsest level; its CANDIDATES best peaks are followed down, each level
 * scoring the 5 lags either side of the peak found above it (a lag above
 * is 4 here) and keeping the better half of them; at the full rate a
 * parabola through the best lag and its neighbours places the peak
 * between samples. */
#define MAX_LEVELS 4
#define MIN_RATE 1300
#define MIN_CLIP 32
#define CANDIDATES 4

/* Four lanes of floats (GCC and Clang's vector extension: SSE on any
 * x86-64, NEON on arm64). Four of them hide the adder's latency. */
typedef float v4f __attribute__((vector_size(16)));

static v4f load4(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof v);
	return v;
}

static double hsum(v4f a, v4f b, v4f c, v4f d)
{
	v4f t = (a + b) + (c + d);
	return (double)t[0] + t[1] + t[2] + t[3];
}

/* Sum of a[i] * b[i]. */
static double dot(const float *a, const float *b, size_t n)
{
	v4f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		s0 += load4(a + i) * load4(b + i);
		s1 += load4(a + i + 4) * load4(b + i + 4);
		s2 += load4(a + i + 8) * load4(b + i + 8);
		s3 += load4(a + i + 12) * load4(b + i + 12);
	}
	double s = hsum(s0, s1, s2, s3);
	for (; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

static double sum(const float *a, size_t n)
{
	v4f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		s0 += load4(a + i);
		s1 += load4(a + i + 4);
		s2 += load4(a + i + 8);
		s3 += load4(a + i + 12);
	}
	double s = hsum(s0, s1, s2, s3);
	for (; i < n; i++)
		s += a[i];
	return s;
}

/* Low-pass (Blackman-windowed sinc, cut-off at 90 % of the new Nyquist
 * frequency) and keep every 4th sample: out[j] is centred on in[4 j], so
 * lags keep their meaning. *nout = ceil(n / 4). NULL when memory runs
 * out. */
static float *decimate4(const float *in, size_t n, size_t *nout)
{
	enum { D = 4, HALF = 4 * D };
	float h[2 * HALF + 1];
	double fc = 0.45 / D, total = 0, x[2 * HALF + 1];
	for (int k = -HALF; k <= HALF; k++) {
		double s = k ? sin(2 * M_PI * fc * k) / (M_PI * k) : 2 * fc;
		double w = 0.42 + 0.5 * cos(M_PI * k / HALF) +
		           0.08 * cos(2 * M_PI * k / HALF);
		x[k + HALF] = s * w;
		total += s * w;
	}
	for (int k = 0; k <= 2 * HALF; k++)
		h[k] = (float)(x[k] / total);
	size_t m = (n + D - 1) / D;
	float *out = bki_calloc(m, sizeof *out);
	if (!out)
		return NULL;
	for (size_t j = 0; j < m; j++) {
		size_t c = j * D;
		double acc = 0;
		if (c >= HALF && c + HALF < n) {
			acc = dot(h, in + c - HALF, 2 * HALF + 1);
		} else {
			for (int k = -HALF; k <= HALF; k++) {
				long i = (long)c + k;
				if (i >= 0 && (size_t)i < n)
					acc += h[k + HALF] * in[i];
			}
		}
		out[j] = (float)acc;
	}
	*nout = m;
	return out;
}

/* One level of the pyramid: the clip (its mean removed; cc its energy),
 * the audio window w (nw samples), the sums of w and w² before each
 * sample (nw + 1), and the lags [0, nlags). */
typedef struct level {
	float *c, *w;
	double *s1, *s2;
	size_t m, nw, nlags;
	double cc;
} level;

/* Pearson correlation of the clip with w[l, l + m). */
static double pearson(double num, double cc, double sa, double saa, size_t m)
{
	double va = saa - sa * sa / (double)m;
	if (cc <= 0 || va <= 1e-10 * (double)m)
		return 0; /* silence (under -100 dB RMS) matches nothing */
	return num / sqrt(cc * va);
}

static double score_at(const level *L, size_t l)
{
	size_t e = l + L->m;
	return pearson(dot(L->c, L->w + l, L->m), L->cc, L->s1[e] - L->s1[l],
	               L->s2[e] - L->s2[l], L->m);
}

/* false when memory runs out. */
static bool prepare(level *L)
{
	double mean = L->m ? sum(L->c, L->m) / (double)L->m : 0;
	for (size_t i = 0; i < L->m; i++)
		L->c[i] = (float)(L->c[i] - mean);
	L->cc = dot(L->c, L->c, L->m);
	L->s1 = bki_calloc(L->nw + 1, sizeof *L->s1);
	L->s2 = bki_calloc(L->nw + 1, sizeof *L->s2);
	if (!L->s1 || !L->s2)
		return false;
	L->s1[0] = L->s2[0] = 0;
	for (size_t i = 0; i < L->nw; i++) {
		L->s1[i + 1] = L->s1[i] + L->w[i];
		L->s2[i + 1] = L->s2[i] + (double)L->w[i] * L->w[i];
	}
	return true;
}

/* The coarser levels under L[0] (its clip and window set), each
 * prepared, *nl of them in all; false when memory runs out (the levels
 * made are counted in *nl, to be freed). */
static bool pyramid(level L[MAX_LEVELS], size_t *nl, long lrate)
{
	*nl = 1;
	while (*nl < MAX_LEVELS && lrate / 4 >= MIN_RATE &&
	       L[*nl - 1].m / 4 >= MIN_CLIP && L[*nl - 1].nlags > 16) {
		level *up = &L[*nl - 1], *dn = &L[*nl];
		memset(dn, 0, sizeof *dn);
		(*nl)++;
		dn->c = decimate4(up->c, up->m, &dn->m);
		dn->w = decimate4(up->w, up->nw, &dn->nw);
		if (!dn->c || !dn->w)
			return false;
		dn->nlags = (up->nlags - 1) / 4 + 1;
		if (dn->nlags + dn->m - 1 > dn->nw) /* cannot happen; kept safe */
			dn->nlags = dn->nw - dn->m + 1;
		lrate /= 4;
	}
	for (size_t k = 0; k < *nl; k++)
		if (!prepare(&L[k]))
			return false;
	return true;
}

/* Every lag of a level; the best local maxima (best first) into cand,
 * their count returned; (size_t)-1 when memory runs out. */
static size_t scan(const level *L, size_t cand[CANDIDATES])
{
	double *sc = bki_calloc(L->nlags, sizeof *sc);
	if (!sc)
		return (size_t)-1;
	for (size_t j = 0; j < L->nlags; j++)
		sc[j] = score_at(L, j);
	size_t n = 0;
	for (size_t j = 0; j < L->nlags; j++) {
		if ((j > 0 && sc[j - 1] > sc[j]) ||
		    (j + 1 < L->nlags && sc[j + 1] >= sc[j]))
			continue;
		size_t k;
		if (n < CANDIDATES)
			k = n++;
		else if (sc[j] > sc[cand[CANDIDATES - 1]])
			k = CANDIDATES - 1;
		else
			continue;
		cand[k] = j;
		for (; k > 0 && sc[cand[k - 1]] < sc[cand[k]]; k--) {
			size_t t = cand[k - 1];
			cand[k - 1] = cand[k];
			cand[k] = t;
		}
	}
	free(sc);
	return n;
}

void bk_decode_clip_span(const int16_t *clip, size_t n, int rate,
                         size_t *start, size_t *end)
{
	size_t a = 0, b = n;
	while (a < n && abs(clip[a]) < TRIM_LEVEL)
		a++;
	while (b > a && abs(clip[b - 1]) < TRIM_LEVEL)
		b--;
	if (a == n) {
		*start = *end = 0;
		return;
	}
	size_t before = (size_t)lround(TRIM_BEFORE_S * rate);
	size_t after = (size_t)lround(TRIM_AFTER_S * rate);
	*start = a > before ? a - before : 0;
	*end = n - b > after ? b + after : n;
}

/* A clip trimmed as the writer trims it, as floats at rate; NULL when it
 * is silent or cannot be resampled, or (*nomem set) memory runs out. */
static float *trimmed_clip(const int16_t *clip, size_t nclip, int clip_rate,
                           int rate, size_t *out_m, bool *nomem)
{
	*nomem = false;
	size_t a = 0, b = nclip;
	while (a < nclip && abs(clip[a]) < TRIM_LEVEL)
		a++;
	if (a == nclip)
		return NULL;
	while (b > a && abs(clip[b - 1]) < TRIM_LEVEL)
		b--;
	size_t before = (size_t)lround(TRIM_BEFORE_S * clip_rate);
	size_t after = (size_t)lround(TRIM_AFTER_S * clip_rate);
	a = a > before ? a - before : 0;
	b = nclip - b > after ? b + after : nclip;
	size_t m = b - a;
	float *c = bki_calloc(m, sizeof *c);
	if (!c) {
		*nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < m; i++)
		c[i] = clip[a + i] / 32768.0f;
	if (clip_rate != rate) {
		double ratio = (double)rate / clip_rate;
		size_t cap = (size_t)ceil((double)m * ratio) + 16;
		float *r = bki_calloc(cap, sizeof *r);
		if (!r) {
			free(c);
			*nomem = true;
			return NULL;
		}
		SRC_DATA sd;
		memset(&sd, 0, sizeof sd);
		sd.data_in = c;
		sd.input_frames = (long)m;
		sd.data_out = r;
		sd.output_frames = (long)cap;
		sd.src_ratio = ratio;
		int err = src_simple(&sd, SRC_SINC_FASTEST, 1);
		free(c);
		if (err != 0 || sd.output_frames_gen < 1) {
			free(r);
			return NULL;
		}
		c = r;
		m = (size_t)sd.output_frames_gen;
	}
	*out_m = m;
	return c;
}

/* A zero-phase low-pass (two Butterworth biquads, run forwards then
 * backwards) at fc Hz, in place. */
static void lowpass(float *x, size_t n, int rate, double fc)
{
	/* the two sections of a 4th-order Butterworth: Q = 0.5412, 1.3066 */
	static const double qs[2] = {0.54119610, 1.30656296};
	double w = 2 * M_PI * fc / rate, cw = cos(w), sw = sin(w);
	for (int pass = 0; pass < 2; pass++)
		for (int q = 0; q < 2; q++) {
			double alpha = sw / (2 * qs[q]);
			double a0 = 1 + alpha;
			double b0 = (1 - cw) / 2 / a0, b1 = (1 - cw) / a0, b2 = b0;
			double a1 = -2 * cw / a0, a2 = (1 - alpha) / a0;
			double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
			for (size_t k = 0; k < n; k++) {
				size_t i = pass ? n - 1 - k : k;
				double y = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
				x2 = x1;
				x1 = x[i];
				y2 = y1;
				y1 = y;
				x[i] = (float)y;
			}
		}
}

bk_status bk_decode_audio_match(const float *audio, size_t n, int rate,
                                double at, const int16_t *clip, size_t nclip,
                                int clip_rate, double search, double *score,
                                double *offset)
{
	if ((!audio && n) || !clip || !score || rate < 1000 || rate > 384000 ||
	    clip_rate < 1000 || clip_rate > 384000 || !isfinite(at) ||
	    fabs(at) > 1e6 || !isfinite(search) || search < 0 || search > 3600 ||
	    n > (size_t)LONG_MAX / 2)
		return BK_ERR_USAGE;
	*score = 0;
	if (offset)
		*offset = 0;

	/* the clip, trimmed as the writer trims, at the audio's rate */
	size_t m = 0;
	bool nomem;
	float *c = trimmed_clip(clip, nclip, clip_rate, rate, &m, &nomem);
	if (!c) /* silent, or it cannot be resampled */
		return nomem ? BK_ERR_NOMEM : BK_ERR_INVALID;

	/* lags l (the clip's first sample at audio[l]) in [lo, hi], the audio
	 * around them with silence beyond its ends */
	double lo_d = fmax((at - search) * rate, -(double)m);
	double hi_d = fmin((at + search) * rate, (double)n);
	if (hi_d < lo_d - 0.5) {
		free(c);
		return BK_OK; /* the clip would lie wholly outside the audio */
	}
	long lo = lround(lo_d), hi = lround(hi_d);
	if (hi < lo) {
		free(c);
		return BK_OK; /* the clip would lie wholly outside the audio */
	}
	level L[MAX_LEVELS];
	memset(L, 0, sizeof L);
	size_t nl = 1;
	L[0].c = c;
	L[0].m = m;
	L[0].nlags = (size_t)(hi - lo) + 1;
	L[0].nw = L[0].nlags + m - 1;
	L[0].w = bki_calloc(L[0].nw, sizeof *L[0].w);
	for (size_t i = 0; L[0].w && i < L[0].nw; i++) {
		long k = lo + (long)i;
		if (k >= 0 && (size_t)k < n)
			L[0].w[i] = audio[k];
	}
	/* candidates (lags of the current level) and their scores, best
	 * first; each finer level keeps half of them */
	size_t cand[CANDIDATES];
	double sc[CANDIDATES];
	size_t ncand = !L[0].w || !pyramid(L, &nl, rate) ? (size_t)-1
	               : scan(&L[nl - 1], cand);
	if (ncand == (size_t)-1)
		goto out;
	for (size_t i = 0; i < ncand; i++)
		sc[i] = score_at(&L[nl - 1], cand[i]);
	for (size_t k = nl - 1; k-- > 0;) {
		for (size_t i = 0; i < ncand; i++) {
			size_t mid = cand[i] * 4, from = mid > 5 ? mid - 5 : 0;
			size_t to = mid + 5 < L[k].nlags ? mid + 5 : L[k].nlags - 1;
			sc[i] = -2;
			for (size_t l = from; l <= to; l++) {
				double r = score_at(&L[k], l);
				if (r > sc[i]) {
					sc[i] = r;
					cand[i] = l;
				}
			}
		}
		for (size_t i = 1; i < ncand; i++) /* sort, best first */
			for (size_t j = i; j > 0 && sc[j - 1] < sc[j]; j--) {
				double t = sc[j - 1];
				size_t u = cand[j - 1];
				sc[j - 1] = sc[j];
				cand[j - 1] = cand[j];
				sc[j] = t;
				cand[j] = u;
			}
		if (k > 0)
			ncand = (ncand + 1) / 2;
	}
	/* between samples: the vertex of the parabola through the peak and
	 * its neighbours */
	double best = ncand ? sc[0] : 0, frac = 0;
	if (ncand && cand[0] > 0 && cand[0] + 1 < L[0].nlags) {
		double y0 = score_at(&L[0], cand[0] - 1), y2 = score_at(&L[0], cand[0] + 1);
		double curv = y0 - 2 * best + y2;
		if (curv < 0) {
			frac = 0.5 * (y0 - y2) / curv;
			if (frac > 0.5 || frac < -0.5)
				frac = 0;
			best -= 0.25 * (y0 - y2) * frac;
			if (best > 1)
				best = 1;
		}
	}
	*score = best > 0 ? best : 0;
	if (offset && ncand)
		*offset = ((double)(lo + (long)cand[0]) + frac) / rate - at;
out:
	for (size_t k = 0; k < nl; k++) {
		free(L[k].c);
		free(L[k].w);
		free(L[k].s1);
		free(L[k].s2);
	}
	return ncand == (size_t)-1 ? BK_ERR_NOMEM : BK_OK;
}

bk_status bk_decode_audio_compare(const float *audio, size_t n, int rate,
                                  double at, const int16_t *clip, size_t nclip,
                                  int clip_rate, double search, double *score,
                                  double *local, double *offset)
{
	if (!local)
		return BK_ERR_USAGE;
	*local = 0;
	double off = 0;
	bk_status st = bk_decode_audio_match(audio, n, rate, at, clip, nclip,
	                                     clip_rate, search, score, &off);
	if (offset)
		*offset = off;
	if (st != BK_OK)
		return st;
	size_t m = 0;
	bool nomem;
	float *c = trimmed_clip(clip, nclip, clip_rate, rate, &m, &nomem);
	if (!c)
		return nomem ? BK_ERR_NOMEM : BK_ERR_INVALID;
	/* the audio where the clip was found, silence beyond its ends */
	long from = lround((at + off) * rate);
	float *x = bki_calloc(m, sizeof *x);
	if (!x) {
		free(c);
		return BK_ERR_NOMEM;
	}
	for (size_t i = 0; i < m; i++) {
		long k = from + (long)i;
		if (k >= 0 && (size_t)k < n)
			x[i] = audio[k];
	}
	lowpass(x, m, rate, LOCAL_CUTOFF_HZ);
	lowpass(c, m, rate, LOCAL_CUTOFF_HZ);
	double e = 0;
	for (size_t i = 0; i < m; i++)
		e += (double)c[i] * c[i];
	double floor_e = e / (double)(m ? m : 1) * LOCAL_QUIET;
	size_t w = (size_t)lround(LOCAL_WINDOW_S * rate), hop = w / 2;
	double worst = 1;
	bool any = false;
	for (size_t k = 0; w && k + w <= m; k += hop) {
		double sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0;
		for (size_t i = k; i < k + w; i++) {
			sxy += (double)x[i] * c[i];
			sxx += (double)x[i] * x[i];
			syy += (double)c[i] * c[i];
			sx += x[i];
			sy += c[i];
		}
		if (syy / (double)w < floor_e)
			continue; /* a pause inside the sentence */
		double cov = sxy - sx * sy / (double)w;
		double vx = sxx - sx * sx / (double)w, vy = syy - sy * sy / (double)w;
		double r = vx > 0 && vy > 0 ? cov / sqrt(vx * vy) : 0;
		if (r < worst)
			worst = r;
		any = true;
	}
	*local = any ? worst : *score;
	free(x);
	free(c);
	return BK_OK;
}
