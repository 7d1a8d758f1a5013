/* The facts the decoders share among themselves (and only among
 * themselves: the writers in src/render, src/stencil, src/audio and
 * src/braille keep their own, so that verify reads what was written
 * without trusting the code that wrote it). */
#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>

#include "decode/decode-private.h"
#include "diag/diag-private.h"
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

bool bki_decode_qpdf_read(qpdf_data q, const char *data, size_t size,
                          const char *name, bk_diags *diags)
{
	if (!(qpdf_read_memory(q, name, data, (unsigned long long)size, NULL) &
	      QPDF_ERRORS))
		return true;
	bki_diags_add(diags, BK_ERROR, "bad-pdf", name, 0, 0, "",
	             "qpdf cannot read the PDF: %s",
	             qpdf_get_error_full_text(q, qpdf_get_error(q)));
	return false;
}
