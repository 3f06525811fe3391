/* features.h — what this kernel can enforce (`latch setup --check`). */
#ifndef LATCH_FEATURES_H
#define LATCH_FEATURES_H

#include <stdbool.h>

struct features {
	char kernel[128];      /* uname -r */
	int landlock_abi;      /* 0: unavailable */
	bool seccomp_filter;
	bool seccomp_user_notif;
	bool userns;           /* unprivileged user namespaces usable */
	bool is_root;
};

void features_probe(struct features *f);

/* Whether the supervisor can be handed execs (SECCOMP_RET_USER_NOTIF,
 * Linux >= 5.0). LATCH_SECCOMP_NOTIFY=0 in the environment pretends it
 * cannot (to try the shims alone; latch then refuses to start unless best
 * effort was accepted). */
bool features_user_notif(void);

/* What a Landlock ABI lacks, for messages: "TCP port rules (ABI 4)". */
const char *features_ll_name(int abi_needed);

#endif
