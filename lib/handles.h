/* handles.h — liblatch's handles: numbers that stand for objects, so that
 * a handle used after it was freed, freed twice or of the wrong kind is an
 * error the caller gets back, never a use of freed memory.
 *
 * One table per process, under a mutex. A handle is never reused (ids
 * count up from 1). An object lives until it has been removed and every
 * holder has dropped it: one thread may free a policy while another still
 * decides with it.
 */
#ifndef LATCH_LIB_HANDLES_H
#define LATCH_LIB_HANDLES_H

#include <stdint.h>

enum handle_kind { HANDLE_POLICY = 1, HANDLE_CHILD };

/* A new handle for `obj`, which `destroy` frees; 0 when the table is full
 * or every id was used (then `obj` is not taken). */
uint32_t handle_add(enum handle_kind kind, void *obj, void (*destroy)(void *));

/* The object of a live handle of that kind, held until handle_drop(); NULL
 * when there is none. */
void *handle_hold(uint32_t id, enum handle_kind kind);
void handle_drop(uint32_t id);

/* Remove a live handle: later holds fail; its object is destroyed when the
 * last holder drops it (now, if none). -1 when it is not a live handle of
 * that kind. */
int handle_remove(uint32_t id, enum handle_kind kind);

#endif
