/* The facts the decoders share among themselves (and only among
 * themselves: the writers in src/render, src/stencil, src/audio and
 * src/braille keep their own, so that verify reads what was written
 * without trusting the code that wrote it). */
#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>

#include "decode/decode-private.h"
#include "util/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bki_decode_median(double *v, size_t n)
{
	if (!n)
		return 0;
	bki_sort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser(); /* its first use is not thread-safe */
}

void bki_decode_xml_once(void)
{
	pthread_once(&xml_once, xml_init);
}
