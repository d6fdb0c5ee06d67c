/* javarandom: java.util.Random's 48-bit generator and xoshiro256**. */
#include "analytics/javarandom.h"

#include <string.h>

#define JAVA_MULTIPLIER 0x5DEECE66DULL
#define JAVA_ADDEND 0xBULL
#define JAVA_MASK ((1ULL << 48) - 1)

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t xoshiro_next(uint64_t *s)
{
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void rng_seed(rng *r, rng_kind kind, int64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == RNG_JAVA) {
		r->s[0] = ((uint64_t)seed ^ JAVA_MULTIPLIER) & JAVA_MASK;
		return;
	}
	uint64_t x = (uint64_t)seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

int32_t rng_next_bits(rng *r, int bits)
{
	if (r->kind == RNG_JAVA) {
		r->s[0] = (r->s[0] * JAVA_MULTIPLIER + JAVA_ADDEND) & JAVA_MASK;
		/* Java's (int)(seed >>> (48 - bits)): the low 32 bits, signed. */
		return (int32_t)(uint32_t)(r->s[0] >> (48 - bits));
	}
	return (int32_t)(uint32_t)(xoshiro_next(r->s) >> (64 - bits));
}

int32_t rng_next_int(rng *r, int32_t bound)
{
	if ((bound & -bound) == bound)
		return (int32_t)(((int64_t)bound * (int64_t)rng_next_bits(r, 31)) >> 31);
	int32_t bits, val;
	do {
		bits = rng_next_bits(r, 31);
		val = bits % bound;
		/* Java's int overflow test, done in 64 bits: the draw falls in
		 * the last, partial range of bound values. */
	} while ((int64_t)bits - val + (bound - 1) > INT32_MAX);
	return val;
}

double rng_next_double(rng *r)
{
	if (r->kind == RNG_JAVA) {
		int64_t hi = rng_next_bits(r, 26), lo = rng_next_bits(r, 27);
		return (double)((hi << 27) + lo) * 0x1.0p-53;
	}
	return (double)(xoshiro_next(r->s) >> 11) * 0x1.0p-53;
}

int rng_kind_parse(const char *name)
{
	if (!strcmp(name, "java"))
		return RNG_JAVA;
	if (!strcmp(name, "fast"))
		return RNG_FAST;
	return -1;
}
