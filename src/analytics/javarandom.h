/* javarandom: the seeded random sources of the network algorithms.
 *
 * RNG_JAVA is java.util.Random's generator as its documentation specifies
 * it (a 48-bit linear congruential generator, multiplier 0x5DEECE66D,
 * increment 11, the seed scrambled by XOR with the multiplier), so that
 * clusterings and layouts equal those of the Java and TypeScript reference
 * implementations for the same seed. RNG_FAST is xoshiro256** seeded
 * through splitmix64: faster, with a different stream. Both are pure state
 * machines: no global state, one rng per computation. */
#ifndef NQ57_JAVARANDOM_H
#define NQ57_JAVARANDOM_H

#include <stdint.h>

typedef enum rng_kind { RNG_JAVA, RNG_FAST } rng_kind;

typedef struct rng {
	rng_kind kind;
	uint64_t s[4];   /* RNG_JAVA uses s[0] (48 bits); RNG_FAST all four */
} rng;

/* Seeds r as new java.util.Random(seed) or as xoshiro from splitmix64(seed). */
void rng_seed(rng *r, rng_kind kind, int64_t seed);

/* java.util.Random.next(bits): the top `bits` (1..32) bits of the next
 * state, as a signed 32-bit value. RNG_FAST: the top bits of the next
 * 64-bit output. */
int32_t rng_next_bits(rng *r, int bits);

/* A uniform integer in [0, bound), bound > 0, drawn exactly as
 * java.util.Random.nextInt(bound) draws it (powers of two by
 * multiplication, others by rejection of the last partial range). */
int32_t rng_next_int(rng *r, int32_t bound);

/* A uniform double in [0, 1) with 53 random bits: (next(26) << 27 +
 * next(27)) / 2^53 for RNG_JAVA. */
double rng_next_double(rng *r);

/* "java" or "fast" to the kind; -1 for anything else. */
int rng_kind_parse(const char *name);

#endif
