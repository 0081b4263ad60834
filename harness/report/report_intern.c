/* Interned strings: the text fields of an input, each distinct value
 * stored once. A run CSV repeats the same host, CPU model, workload, mode
 * and status on every row; keeping one copy makes a row's text a few
 * pointers, and equal fields equal pointers, so the report's keys compare
 * by pointer. Strings live in 256 KiB chunks (no per-string malloc); an
 * open-addressing table (FNV-1a, linear probing, at most half full) finds
 * them. Cost: one hash and, on a hit, one memcmp per field. */
#include "report_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define CHUNK (256u * 1024u)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct mb_report_pool {
	struct chunk *chunks;
	const char **slot; /* cap entries, NULL when free */
	uint32_t *hash;    /* the slot's hash */
	size_t cap, n;
};

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* A copy of s[0..len) with its NUL, in the current chunk or a new one. */
static const char *store(struct mb_report_pool *p, const char *s, size_t len)
{
	struct chunk *c = p->chunks;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK / 4 ? len + 1 : CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* a big string's own chunk goes second, so the current one
		 * keeps filling */
		if (cap > CHUNK && p->chunks) {
			c->next = p->chunks->next;
			p->chunks->next = c;
		} else {
			c->next = p->chunks;
			p->chunks = c;
		}
	}
	char *d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = '\0';
	c->used += len + 1;
	return d;
}

static int grow(struct mb_report_pool *p)
{
	size_t cap = p->cap ? 2 * p->cap : 1024;
	const char **slot = calloc(cap, sizeof(*slot));
	uint32_t *hash = malloc(cap * sizeof(*hash));
	if (!slot || !hash) {
		free(slot);
		free(hash);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->cap; i++) {
		if (!p->slot[i])
			continue;
		size_t k = p->hash[i] & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = p->slot[i];
		hash[k] = p->hash[i];
	}
	free(p->slot);
	free(p->hash);
	p->slot = slot;
	p->hash = hash;
	p->cap = cap;
	return 0;
}

const char *mb_rep_intern(struct mb_report_pool **pool, const char *s)
{
	struct mb_report_pool *p = *pool;
	if (!p && !(p = *pool = calloc(1, sizeof(*p))))
		return NULL;
	if (2 * (p->n + 1) > p->cap && grow(p) < 0)
		return NULL;
	size_t len = strlen(s);
	uint32_t h = fnv1a(s, len);
	size_t k = h & (p->cap - 1);
	for (; p->slot[k]; k = (k + 1) & (p->cap - 1))
		if (p->hash[k] == h && !strcmp(p->slot[k], s))
			return p->slot[k];
	const char *d = store(p, s, len);
	if (!d)
		return NULL;
	p->slot[k] = d;
	p->hash[k] = h;
	p->n++;
	return d;
}

void mb_rep_pool_free(struct mb_report_pool *p)
{
	if (!p)
		return;
	while (p->chunks) {
		struct chunk *c = p->chunks;
		p->chunks = c->next;
		free(c);
	}
	free(p->slot);
	free(p->hash);
	free(p);
}

/* ---- string -> number ------------------------------------------------- */

struct mb_rep_map {
	const char **key; /* not owned */
	size_t *val;
	uint32_t *hash;
	size_t cap, n;
};

static int map_grow(struct mb_rep_map *m)
{
	size_t cap = m->cap ? 2 * m->cap : 256;
	const char **key = calloc(cap, sizeof(*key));
	size_t *val = malloc(cap * sizeof(*val));
	uint32_t *hash = malloc(cap * sizeof(*hash));
	if (!key || !val || !hash) {
		free(key);
		free(val);
		free(hash);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->key[i])
			continue;
		size_t k = m->hash[i] & (cap - 1);
		while (key[k])
			k = (k + 1) & (cap - 1);
		key[k] = m->key[i];
		val[k] = m->val[i];
		hash[k] = m->hash[i];
	}
	free(m->key);
	free(m->val);
	free(m->hash);
	m->key = key;
	m->val = val;
	m->hash = hash;
	m->cap = cap;
	return 0;
}

/* The slot of key: where it is, or the free slot where it would go. */
static size_t map_slot(const struct mb_rep_map *m, const char *key, uint32_t h)
{
	size_t k = h & (m->cap - 1);
	while (m->key[k] && (m->hash[k] != h || strcmp(m->key[k], key)))
		k = (k + 1) & (m->cap - 1);
	return k;
}

int mb_rep_map_get(const struct mb_rep_map *m, const char *key, size_t *val)
{
	if (!m || !m->n)
		return 0;
	size_t k = map_slot(m, key, fnv1a(key, strlen(key)));
	if (!m->key[k])
		return 0;
	*val = m->val[k];
	return 1;
}

int mb_rep_map_put(struct mb_rep_map **pm, const char *key, size_t val)
{
	struct mb_rep_map *m = *pm;
	if (!m && !(m = *pm = calloc(1, sizeof(*m))))
		return -ENOMEM;
	if (2 * (m->n + 1) > m->cap && map_grow(m) < 0)
		return -ENOMEM;
	uint32_t h = fnv1a(key, strlen(key));
	size_t k = map_slot(m, key, h);
	if (!m->key[k]) {
		m->key[k] = key;
		m->hash[k] = h;
		m->n++;
	}
	m->val[k] = val;
	return 0;
}

void mb_rep_map_free(struct mb_rep_map *m)
{
	if (!m)
		return;
	free(m->key);
	free(m->val);
	free(m->hash);
	free(m);
}
