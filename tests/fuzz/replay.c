/* Runs the fuzz target over files named on the command line (the stored
 * corpus), so ordinary and sanitizer builds replay it without libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			printf("not ok %d - cannot open %s\n", ++n, argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, len = 0, got;
		uint8_t *buf = malloc(cap);
		while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
			len += got;
			if (len == cap)
				buf = realloc(buf, cap *= 2);
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ok %d - %s\n", ++n, argv[i]);
	}
	printf("1..%d\n", n);
	return n == 0;
}
