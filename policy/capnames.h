/* capnames.h — Linux capability names, as data (no OS calls). */
#ifndef LATCH_CAPNAMES_H
#define LATCH_CAPNAMES_H

/* Map "CAP_NET_ADMIN" or "net_admin" (any case) to its number; -1 if unknown. */
int cap_from_name(const char *name);

#endif
