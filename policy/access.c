#include "access.h"

#include <string.h>

const char *access_str(unsigned acc)
{
	static const char *const names[8] = {
		"-", "r", "w", "rw", "x", "rx", "wx", "rwx",
	};

	return names[acc & LATCH_ACC_ALL];
}

unsigned access_from_op(const char *op)
{
	if (strcmp(op, "read") == 0)
		return LATCH_ACC_READ;
	if (strcmp(op, "write") == 0)
		return LATCH_ACC_WRITE;
	if (strcmp(op, "exec") == 0 || strcmp(op, "execute") == 0)
		return LATCH_ACC_EXEC;
	return 0;
}
