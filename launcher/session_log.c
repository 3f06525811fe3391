/* session_log.c — a session's audit log, signed when asked. */
#include "session_log.h"

#include <stdio.h>
#include <stdlib.h>

#include "plan.h"

int session_log_open(struct session_log *s)
{
	const char *path = getenv("LATCH_AUDIT_KEY");
	char *state;
	struct err e;

	s->log = NULL;
	s->key = NULL;
	if (path && *path) {
		s->key = sign_key_load(path, true, &e);
		if (s->key == NULL) {
			fprintf(stderr, "latch: LATCH_AUDIT_KEY: %s\n"
				"latch: not started (unset LATCH_AUDIT_KEY to run without signing)\n",
				e.msg);
			return -1;
		}
	}
	state = plan_state_dir();
	s->log = audit_open(state, s->key, &e);
	free(state);
	if (s->log == NULL) {
		fprintf(stderr, "latch: %s\n", e.msg);
		sign_key_free(s->key);
		s->key = NULL;
		return -1;
	}
	return 0;
}

void session_log_close(struct session_log *s)
{
	audit_close(s->log);
	sign_key_free(s->key);
	s->log = NULL;
	s->key = NULL;
}
