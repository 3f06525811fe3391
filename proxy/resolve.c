/* resolve.c — getaddrinfo on threads of their own. */
#include "resolve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/xalloc.h"

struct resolver {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lookup *todo, **tail; /* waiting, oldest first */
	size_t waiting;
	struct lookup *done;    /* newest first */
	int wake;               /* eventfd: something is done */
	bool stop;
	int refs;               /* the threads, and the owner until it stops */
};

static void free_list(struct lookup *l)
{
	while (l) {
		struct lookup *next = l->next;

		lookup_free(l);
		l = next;
	}
}

/* One holder lets go; the last frees everything. Called locked. */
static void release(struct resolver *r)
{
	if (--r->refs > 0) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	pthread_mutex_unlock(&r->mu);
	free_list(r->todo);
	free_list(r->done);
	close(r->wake);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

/* The addresses of `host`. A name with a dot is asked for as fully
 * qualified first ("host."); if that fails (a name only /etc/hosts
 * knows), as given, and kept only if it is the name found, not one a
 * search domain of resolv.conf made of it. */
static int lookup(const char *host, struct addrinfo **ai)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	char fqdn[260];
	const char *canon;
	size_t n;
	int rc;

	if (strchr(host, '.') == NULL)
		return getaddrinfo(host, NULL, &hints, ai);
	snprintf(fqdn, sizeof(fqdn), "%s.", host);
	if (getaddrinfo(fqdn, NULL, &hints, ai) == 0)
		return 0;
	hints.ai_flags |= AI_CANONNAME;
	rc = getaddrinfo(host, NULL, &hints, ai);
	if (rc != 0)
		return rc;
	canon = (*ai)->ai_canonname ? (*ai)->ai_canonname : "";
	n = strlen(canon);
	if (n && canon[n - 1] == '.')
		n--;
	if (n != strlen(host) || strncasecmp(canon, host, n) != 0) {
		freeaddrinfo(*ai);
		*ai = NULL;
		return EAI_NONAME;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct resolver *r = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct lookup *l;

		while (r->todo == NULL && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		l = r->todo;
		r->todo = l->next;
		if (r->todo == NULL)
			r->tail = &r->todo;
		r->waiting--;
		pthread_mutex_unlock(&r->mu);
		l->gai_error = lookup(l->host, &l->ai);
		if (l->gai_error)
			l->ai = NULL;
		pthread_mutex_lock(&r->mu);
		l->next = r->done;
		r->done = l;
		while (write(r->wake, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	release(r);
	return NULL;
}

struct resolver *resolver_start(void)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	sigset_t all, old;
	pthread_t t;

	r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wake < 0) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->tail = &r->todo;
	r->refs = 1;
	/* the threads take no signal: the supervisor's main thread does */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_mutex_lock(&r->mu);
	for (int i = 0; i < RESOLVE_THREADS; i++)
		if (pthread_create(&t, NULL, worker, r) == 0) {
			pthread_detach(t);
			r->refs++;
		}
	pthread_mutex_unlock(&r->mu);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r->refs == 1) {
		pthread_mutex_lock(&r->mu);
		release(r);
		errno = EAGAIN;
		return NULL;
	}
	return r;
}

int resolver_fd(const struct resolver *r)
{
	return r->wake;
}

int resolver_ask(struct resolver *r, uint64_t conn, const char *host)
{
	struct lookup *l;

	pthread_mutex_lock(&r->mu);
	if (r->waiting >= RESOLVE_QUEUE_MAX) {
		pthread_mutex_unlock(&r->mu);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->conn = conn;
	snprintf(l->host, sizeof(l->host), "%s", host);
	*r->tail = l;
	r->tail = &l->next;
	r->waiting++;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

void resolver_cancel(struct resolver *r, uint64_t conn)
{
	pthread_mutex_lock(&r->mu);
	for (struct lookup **at = &r->todo; *at; at = &(*at)->next)
		if ((*at)->conn == conn) {
			struct lookup *l = *at;

			*at = l->next;
			if (*at == NULL)
				r->tail = at;
			r->waiting--;
			lookup_free(l);
			break;
		}
	pthread_mutex_unlock(&r->mu);
}

struct lookup *resolver_take(struct resolver *r)
{
	struct lookup *done;
	uint64_t n;

	while (read(r->wake, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&r->mu);
	done = r->done;
	r->done = NULL;
	pthread_mutex_unlock(&r->mu);
	return done;
}

void lookup_free(struct lookup *l)
{
	if (l->ai)
		freeaddrinfo(l->ai);
	free(l);
}

void resolver_stop(struct resolver *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_broadcast(&r->cv);
	release(r);
}
