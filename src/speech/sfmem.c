/* libsndfile writing into memory (speech-private.h). */
#include "speech/speech-private.h"

#include <stdio.h>
#include <string.h>

static sf_count_t m_len(void *u)
{
	return (sf_count_t)((bki_sf_memory *)u)->buf->len;
}

static sf_count_t m_tell(void *u)
{
	return ((bki_sf_memory *)u)->pos;
}

static sf_count_t m_seek(sf_count_t off, int whence, void *u)
{
	bki_sf_memory *m = u;
	sf_count_t len = (sf_count_t)m->buf->len;
	sf_count_t p = whence == SEEK_SET ? off
	             : whence == SEEK_CUR ? m->pos + off : len + off;
	if (p < 0)
		return -1;
	return m->pos = p;
}

static sf_count_t m_read(void *ptr, sf_count_t n, void *u)
{
	bki_sf_memory *m = u;
	sf_count_t len = (sf_count_t)m->buf->len;
	if (m->pos >= len)
		return 0;
	if (n > len - m->pos)
		n = len - m->pos;
	memcpy(ptr, m->buf->data + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

/* Writes at the position, over what is there and past the end (a gap
 * left by a seek beyond the end reads as zeros, as in a file). */
static sf_count_t m_write(const void *ptr, sf_count_t n, void *u)
{
	bki_sf_memory *m = u;
	bki_buf *b = m->buf;
	size_t at = (size_t)m->pos, end = at + (size_t)n;
	if (end > b->len) {
		/* out of memory: nothing written, which libsndfile reports; the
		 * caller finds the buffer failed */
		if (!bki_buf_reserve(b, end - b->len))
			return 0;
		memset(b->data + b->len, 0, end - b->len);
		b->len = end;
		b->data[end] = '\0';
	}
	memcpy(b->data + at, ptr, (size_t)n);
	m->pos += n;
	return n;
}

SNDFILE *bki_sf_open_memory(bki_sf_memory *m, bki_buf *out, SF_INFO *info)
{
	static SF_VIRTUAL_IO io = {m_len, m_seek, m_read, m_write, m_tell};
	bki_buf_truncate(out, 0);
	m->buf = out;
	m->pos = 0;
	return sf_open_virtual(&io, SFM_WRITE, info, m);
}
