/* realname.c — the real path of a file about to be exec'd, remembered. */
#include "realname.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"

static size_t slot_of(const char *invoked, const struct stat *st)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)st->st_ino;

	for (const unsigned char *p = (const unsigned char *)invoked; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h % REALNAME_SLOTS);
}

static bool same(const struct realname_slot *s, const char *invoked,
		 const struct stat *st)
{
	return s->invoked && s->dev == st->st_dev && s->ino == st->st_ino &&
	       s->ctime.tv_sec == st->st_ctim.tv_sec &&
	       s->ctime.tv_nsec == st->st_ctim.tv_nsec &&
	       strcmp(s->invoked, invoked) == 0;
}

void realname_of(struct realnames *c, const char *invoked, int fd,
		 const struct stat *st, char real[PATH_MAX])
{
	struct realname_slot *s = &c->slot[slot_of(invoked, st)];
	char proc[64];
	ssize_t n;

	if (invoked[0] == '/' && same(s, invoked, st)) {
		snprintf(real, PATH_MAX, "%s", s->real);
		return;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, PATH_MAX - 1);
	real[n > 0 ? n : 0] = '\0';
	if (invoked[0] != '/' || real[0] != '/')
		return;
	free(s->invoked);
	free(s->real);
	*s = (struct realname_slot){ .invoked = xstrdup(invoked),
				     .real = xstrdup(real),
				     .dev = st->st_dev, .ino = st->st_ino,
				     .ctime = st->st_ctim };
}

void realnames_free(struct realnames *c)
{
	for (size_t i = 0; i < REALNAME_SLOTS; i++) {
		free(c->slot[i].invoked);
		free(c->slot[i].real);
	}
	memset(c, 0, sizeof(*c));
}
