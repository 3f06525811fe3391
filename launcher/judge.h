/* judge.h — the supervisor's answer to one execve/execveat in the sandbox.
 *
 * The sandbox's seccomp filter parks every exec on the listener descriptor.
 * judge_one() reads the caller's path, argv and cwd from /proc (bounded:
 * an argv beyond the limits is refused, never truncated), asks the rule
 * engine, checks that the notification is still valid
 * (SECCOMP_IOCTL_NOTIF_ID_VALID) and answers: continue the exec, or fail it
 * with EPERM and one line on latch's stderr:
 *   latch: blocked: rm -rf /home/u (rule rm-outside-roots: …)
 * argv lives in the caller's memory: another thread of the caller can change
 * it after it was read (docs/threat-model.md).
 */
#ifndef LATCH_JUDGE_H
#define LATCH_JUDGE_H

#include <linux/seccomp.h>

#include "../rules/rule.h"

struct judge {
	int listener;
	const struct rules *rules;
	struct rules_roots roots;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	unsigned long allowed, denied;
	unsigned last_pid;     /* the last refusal printed, to print a retry */
	char last_line[512];   /* along the PATH (execvp) only once */
};

int judge_init(struct judge *j, int listener, const struct rules *r,
	       const char *workdir, const char *home);
/* Answer one pending notification. -1 when the listener has gone away. */
int judge_one(struct judge *j);
void judge_free(struct judge *j);

#endif
