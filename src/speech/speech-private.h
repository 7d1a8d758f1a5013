/* Private to speech and the stages above it that write sound. */
#ifndef BK_SPEECH_PRIVATE_H
#define BK_SPEECH_PRIVATE_H

#include <sndfile.h>

#include "util/util.h"

/* libsndfile writing into memory: a WAV's or FLAC's header is finished by
 * seeking back, which a write callback cannot do, so the file is made in
 * a bki_buf (SF_VIRTUAL_IO) and handed over whole. */
typedef struct bki_sf_memory {
	bki_buf *buf;
	sf_count_t pos;
} bki_sf_memory;

/* Opens a libsndfile writer of info's format whose bytes go into out
 * (emptied first); m must live until sf_close. NULL when libsndfile
 * refuses (sf_strerror(NULL) says why). (src/speech/sfmem.c) */
SNDFILE *bki_sf_open_memory(bki_sf_memory *m, bki_buf *out, SF_INFO *info);

#endif
