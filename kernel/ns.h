/* ns.h — the namespaces the sandbox gets of its own, entered by the child
 * before anything else is applied.
 *
 *  - mounts: a private mount namespace, `/` made private in it (mask.h
 *    places its covers there);
 *  - net: a new network namespace holding only a loopback interface, up:
 *    nothing the sandbox sends leaves it, whatever the protocol (TCP to
 *    any address, UDP and DNS, ICMP, raw and packet sockets), and abstract
 *    unix sockets are per network namespace too. Services the sandbox
 *    starts on loopback reach each other; the host's do not exist there.
 *
 * As root this needs only unshare(2); as another user the namespaces are
 * owned by a new user namespace that maps only the caller's own uid and
 * gid (the capabilities it grants are dropped before the exec, caps.h).
 */
#ifndef LATCH_NS_H
#define LATCH_NS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"

/* Enter the namespaces asked for; neither: nothing to do. */
int ns_enter(bool mounts, bool net, struct err *e);

/* A listening TCP socket on 127.0.0.1:port of the current network
 * namespace (close-on-exec, non-blocking), or -1: the proxy's, made in
 * the sandbox's namespace and served from outside it. */
int ns_listen(uint16_t port, struct err *e);

#endif
