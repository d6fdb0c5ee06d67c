/* fuzz: what the libFuzzer targets share. Each target is one file,
 * fuzz_<name>.c, defining LLVMFuzzerTestOneInput over the project's own
 * parser; a target that finds an input breaking a property the parser
 * promises calls FUZZ_CHECK, which aborts so the input is kept. */
#ifndef NQ57_FUZZ_H
#define NQ57_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/* Splits data[0..size) at NUL bytes into at most max parts, each copied
 * NUL-terminated into one malloc'd block (*block, the caller frees);
 * part[i] and len[i] describe each. Returns the number of parts (at least
 * 1); missing parts are "" so a target can always use max parts. */
static inline int fuzz_split(char **block, const char **part, size_t *len, int max, const uint8_t *data,
	size_t size)
{
	char *b = malloc(size + 1);
	if (!b)
		abort();
	memcpy(b, data, size);
	b[size] = '\0';
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= size && n < max; i++)
		if (i == size || (b[i] == '\0' && n < max - 1)) {
			part[n] = b + start;
			len[n] = i - start;
			n++;
			start = i + 1;
			if (i == size)
				break;
		}
	for (int i = n; i < max; i++)
		part[i] = "", len[i] = 0;
	*block = b;
	return n;
}

#endif
