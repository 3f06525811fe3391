/* ask.c — a question on the terminal, asked from the foreground. */
#include "ask.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT 60

const char *answer_name(enum answer a)
{
	static const char *const names[] = { "yes", "no", "timeout",
					     "no terminal" };

	return names[a];
}

static int timeout_s(void)
{
	const char *s = getenv("LATCH_ASK_TIMEOUT");
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;

	return s && *end == '\0' && v > 0 && v <= 3600 ? (int)v : DEFAULT_TIMEOUT;
}

/* Every descriptor above stderr closed but the three given: the helper
 * must not hold latch's others (the proxy's sockets, the seccomp
 * listener) while it waits for an answer. */
static void keep_only(int a, int b, int c)
{
	int fds[3] = { a, b, c }, t;
	unsigned from = 3;

	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (fds[j] < fds[i]) {
				t = fds[i];
				fds[i] = fds[j];
				fds[j] = t;
			}
	for (int i = 0; i < 3; i++) {
		if ((unsigned)fds[i] > from)
			close_range(from, (unsigned)fds[i] - 1, 0);
		if ((unsigned)fds[i] + 1 > from)
			from = (unsigned)fds[i] + 1;
	}
	close_range(from, ~0U, 0);
}

/* The helper, after fork: async-signal-safe calls only. Waits to be the
 * foreground, asks, answers on `out` with 'y', 'n' or 't'. */
static void helper(int tty, int go, int out, const char *question,
		   int timeout)
{
	static const char prompt[] = " [y/N] ";
	struct termios saved, t;
	struct pollfd p = { .fd = tty, .events = POLLIN };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	char buf[16], c, answer = 't';
	ssize_t n = 0;
	bool have;

	keep_only(tty, go, out);
	have = tcgetattr(tty, &saved) == 0;
	/* Ctrl-C at the question ends it (refused) */
	sigaction(SIGINT, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if (read(go, &c, 1) != 1)
		_exit(1);
	if (have) {
		t = saved;
		t.c_lflag |= ICANON | ECHO | ISIG;
		t.c_iflag |= ICRNL;
		tcsetattr(tty, TCSANOW, &t);
	}
	tcflush(tty, TCIFLUSH); /* keys typed before the question */
	if (write(tty, question, strlen(question)) < 0 ||
	    write(tty, prompt, sizeof(prompt) - 1) < 0)
		_exit(1);
	if (poll(&p, 1, timeout * 1000) == 1)
		n = read(tty, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		answer = strcmp(buf, "y\n") == 0 || strcmp(buf, "yes\n") == 0 ||
				 strcmp(buf, "Y\n") == 0
			 ? 'y' : 'n';
	} else if (write(tty, "\n", 1) < 0) {
		answer = 'n';
	}
	if (have)
		tcsetattr(tty, TCSANOW, &saved);
	if (write(out, &answer, 1) < 0)
		_exit(1);
	_exit(0);
}

static enum answer ask_from(int tty, const char *question)
{
	int go[2], ans[2], timeout = timeout_s();
	pid_t fg = tcgetpgrp(tty), pid;
	struct pollfd p;
	char c = 'n';

	if (fg < 0 || pipe2(go, O_CLOEXEC) < 0)
		return ANSWER_NO_TERMINAL;
	if (pipe2(ans, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return ANSWER_NO_TERMINAL;
	}
	pid = fork();
	if (pid == 0)
		helper(tty, go[0], ans[1], question, timeout);
	close(go[0]);
	close(ans[1]);
	if (pid > 0) {
		setpgid(pid, pid);
		if (tcsetpgrp(tty, pid) == 0 && write(go[1], "g", 1) == 1) {
			p = (struct pollfd){ .fd = ans[0], .events = POLLIN };
			if (poll(&p, 1, (timeout + 5) * 1000) != 1 ||
			    read(ans[0], &c, 1) != 1) {
				c = 'n'; /* Ctrl-C ended the question */
				if (write(tty, "\n", 1) < 0)
					c = 'n';
			}
		}
		tcsetpgrp(tty, fg);
		kill(pid, SIGKILL); /* gone already, or stuck */
		kill(-fg, SIGCONT);  /* readers stopped meanwhile (SIGTTIN) */
	}
	close(go[1]);
	close(ans[0]);
	return pid < 0 ? ANSWER_NO_TERMINAL
	       : c == 'y' ? ANSWER_YES : c == 't' ? ANSWER_TIMEOUT : ANSWER_NO;
}

enum answer ask_user(const char *question)
{
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	sigset_t ttou, old;
	enum answer a;

	if (tty < 0)
		return ANSWER_NO_TERMINAL;
	/* tcsetpgrp from a background group needs SIGTTOU blocked */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &ttou, &old);
	a = ask_from(tty, question);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(tty);
	return a;
}
