#include "handles.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "../common/xalloc.h"

#define MAX_LIVE (1u << 20)

struct slot {
	uint32_t id;
	enum handle_kind kind;
	void *obj;
	void (*destroy)(void *);
	unsigned long holders;
	bool removed;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static size_t n_slots, cap_slots;
static uint32_t last_id;

static struct slot *find(uint32_t id)
{
	for (size_t i = 0; i < n_slots; i++)
		if (slots[i].id == id)
			return &slots[i];
	return NULL;
}

/* The slot's object to destroy once it is removed and no longer held;
 * the slot itself is gone then. */
static struct slot take_if_done(struct slot *s)
{
	struct slot done = { 0 };

	if (s->removed && s->holders == 0) {
		done = *s;
		*s = slots[--n_slots];
	}
	return done;
}

uint32_t handle_add(enum handle_kind kind, void *obj, void (*destroy)(void *))
{
	uint32_t id = 0;

	pthread_mutex_lock(&lock);
	if (n_slots < MAX_LIVE && last_id < UINT32_MAX) {
		if (n_slots == cap_slots) {
			cap_slots = cap_slots ? cap_slots * 2 : 16;
			slots = xrealloc(slots, cap_slots * sizeof(*slots));
		}
		id = ++last_id;
		slots[n_slots++] = (struct slot){ .id = id, .kind = kind,
						  .obj = obj, .destroy = destroy };
	}
	pthread_mutex_unlock(&lock);
	return id;
}

void *handle_hold(uint32_t id, enum handle_kind kind)
{
	struct slot *s;
	void *obj = NULL;

	pthread_mutex_lock(&lock);
	s = id ? find(id) : NULL;
	if (s && s->kind == kind && !s->removed) {
		s->holders++;
		obj = s->obj;
	}
	pthread_mutex_unlock(&lock);
	return obj;
}

void handle_drop(uint32_t id)
{
	struct slot *s, done = { 0 };

	pthread_mutex_lock(&lock);
	s = find(id);
	if (s && s->holders > 0) {
		s->holders--;
		done = take_if_done(s);
	}
	pthread_mutex_unlock(&lock);
	if (done.obj)
		done.destroy(done.obj);
}

int handle_remove(uint32_t id, enum handle_kind kind)
{
	struct slot *s, done = { 0 };
	int rc = -1;

	pthread_mutex_lock(&lock);
	s = id ? find(id) : NULL;
	if (s && s->kind == kind && !s->removed) {
		s->removed = true;
		done = take_if_done(s);
		rc = 0;
	}
	pthread_mutex_unlock(&lock);
	if (done.obj)
		done.destroy(done.obj);
	return rc;
}
