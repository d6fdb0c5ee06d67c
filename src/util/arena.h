/* arena: a region allocator. Everything allocated from an arena is freed
 * at once by arena_free/arena_reset; arena_defer registers other resources
 * (statements, files) to release at the same moment, newest first.
 * Built with -DNQ57_ARENA_MALLOC every allocation is its own malloc so that
 * ASan and valgrind see each one. */
#ifndef NQ57_ARENA_H
#define NQ57_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena_defer_node arena_defer_node;

typedef struct arena {
	arena_block *head;
	arena_defer_node *defers;
	size_t block_size;
	size_t total;      /* bytes handed out, for limits and tests */
} arena;

void arena_init(arena *a, size_t block_size);
/* Frees everything; the arena can be used again afterwards. */
void arena_reset(arena *a);
void arena_free(arena *a);

/* Returns zero-filled memory aligned for any type, or NULL on OOM. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_sprintf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vsprintf(arena *a, const char *fmt, va_list ap);

/* Calls fn(p) when the arena is reset or freed. Returns 0 or ERR_NOMEM. */
int arena_defer(arena *a, void (*fn)(void *), void *p);

#endif
