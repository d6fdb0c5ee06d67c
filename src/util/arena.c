/* arena: bump allocation over a list of blocks. */
#include "util/arena.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16

struct arena_block {
	arena_block *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_defer_node {
	arena_defer_node *next;
	void (*fn)(void *);
	void *p;
};

void arena_init(arena *a, size_t block_size)
{
	memset(a, 0, sizeof(*a));
	a->block_size = block_size ? block_size : 8192;
}

static void run_defers(arena *a)
{
	arena_defer_node *d = a->defers;
	a->defers = NULL;
	while (d) {
		arena_defer_node *next = d->next;
		d->fn(d->p);
		d = next;
	}
}

void arena_reset(arena *a)
{
	run_defers(a);
	arena_block *b = a->head;
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void arena_free(arena *a) { arena_reset(a); }

#ifdef NQ57_ARENA_MALLOC
/* Debug pool: one block per allocation. */
void *arena_alloc(arena *a, size_t n)
{
	arena_block *b = calloc(1, sizeof(*b) + (n ? n : 1));
	if (!b)
		return NULL;
	b->size = b->used = n;
	b->next = a->head;
	a->head = b;
	a->total += n;
	return b->data;
}
#else
void *arena_alloc(arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n)
		return NULL;
	arena_block *b = a->head;
	if (!b || b->size - b->used < need) {
		size_t size = need > a->block_size ? need : a->block_size;
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		if (need > a->block_size && a->head) {
			/* A big one-off goes behind the current block so the
			 * current block's free space is not lost. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += need;
	a->total += n;
	memset(p, 0, n);
	return p;
}
#endif

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vsprintf(arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_sprintf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vsprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int arena_defer(arena *a, void (*fn)(void *), void *p)
{
	arena_defer_node *d = arena_alloc(a, sizeof(*d));
	if (!d)
		return err_set(ERR_NOMEM, "out of memory");
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}
