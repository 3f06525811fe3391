/* access.h — the three filesystem rights latch speaks in. */
#ifndef LATCH_ACCESS_H
#define LATCH_ACCESS_H

enum {
	LATCH_ACC_READ = 1u << 0,  /* read files, list directories */
	LATCH_ACC_WRITE = 1u << 1, /* create, modify, delete, truncate, device ioctl */
	LATCH_ACC_EXEC = 1u << 2,  /* execve() of files beneath */
	LATCH_ACC_RW = LATCH_ACC_READ | LATCH_ACC_WRITE,
	LATCH_ACC_ALL = LATCH_ACC_READ | LATCH_ACC_WRITE | LATCH_ACC_EXEC,
};

/* "r", "rw", "rx", "rwx", "w", "-" … into a static buffer-free string. */
const char *access_str(unsigned acc);
/* Parse "read" | "write" | "exec" (the `--op` words). 0 if unknown. */
unsigned access_from_op(const char *op);

#endif
