/* tell.h — a refusal written on the refused process's own stderr.
 *
 * The judge refuses an exec with EPERM, which a program reports as it
 * pleases ("Operation not permitted", or nothing); an agent reads its
 * command's output, not latch's terminal. So the explanation goes to the
 * caller's descriptor 2 as well: a copy of it (pidfd_getfd), written only
 * when it is a pipe, a socket or a terminal, open for writing, ready, and
 * not latch's own stderr (the line is printed there already); at most
 * PIPE_BUF bytes, in one write that cannot block the judge (sockets:
 * MSG_DONTWAIT; pipes and terminals: reopened non-blocking, so that a
 * terminal the sandbox stopped with ^S refuses instead of waiting). Best
 * effort: nothing happens when any of that does not hold.
 */
#ifndef LATCH_TELL_H
#define LATCH_TELL_H

#include <stdbool.h>
#include <sys/types.h>

/* `tid` is the refused task (a seccomp notification's pid). True when the
 * text was written, or its stderr is latch's own (where the refusal is
 * printed already). */
bool tell_task(pid_t tid, const char *text);

#endif
