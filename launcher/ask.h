/* ask.h — the `ask` action: a question on the controlling terminal.
 *
 * The question is asked by a short-lived helper process of latch's,
 * outside the sandbox, made the terminal's foreground process group for
 * the time of the question: whatever in the sandbox reads the terminal is
 * stopped by the kernel (SIGTTIN) instead of taking the answer, and is
 * continued afterwards; keys typed before the question are discarded. The
 * terminal is put in canonical mode with echo for the answer and given back
 * as it was. Only "y" or "yes" allows; no terminal, Ctrl-C, any other
 * answer, or none within $LATCH_ASK_TIMEOUT seconds (default 60) refuses.
 * The judge asks on its own thread: other execs of the sandbox wait until
 * the question is answered.
 */
#ifndef LATCH_ASK_H
#define LATCH_ASK_H

enum answer {
	ANSWER_YES,
	ANSWER_NO,
	ANSWER_TIMEOUT,
	ANSWER_NO_TERMINAL,
};

/* "yes", "no", "timeout", "no terminal" */
const char *answer_name(enum answer a);

/* Ask `question` (one or more lines, without the "[y/N]" prompt). Call
 * with no other thread using the terminal. */
enum answer ask_user(const char *question);

#endif
