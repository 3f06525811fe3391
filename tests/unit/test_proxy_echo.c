/* A route's real key looked for in what the server answers (proxy/echo.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "../../proxy/echo.h"

/* A route's key in the server's answer (proxy/echo.h), whole or split
 * across the pieces it arrives in. */
Test(proxy_echo, the_key_is_found_whole_or_split)
{
	static const char key[] = "sk-real-0123456789";
	const char *stream = "HTTP/1.1 302 Found\r\nLocation: /x?key=sk-real-0123456789\r\n\r\n";
	size_t n = strlen(stream);

	for (size_t step = 1; step <= n; step++) {
		struct echo e;
		bool hit = false;

		echo_init(&e, key, "sk-real%2D0123456789");
		for (size_t at = 0; at < n && !hit; at += step)
			hit = echo_feed(&e, stream + at, n - at < step ? n - at : step);
		cr_expect(hit, "step %zu", step);
		echo_free(&e);
	}
	{
		struct echo e;

		echo_init(&e, key, NULL);
		cr_expect(!echo_feed(&e, "sk-real-012345678 and sk-real-", 30));
		cr_expect(!echo_feed(&e, "x0123456789", 11));
		echo_free(&e);
		echo_init(&e, "short", NULL); /* too short to look for */
		cr_expect(!echo_feed(&e, "short", 5));
		echo_free(&e);
	}
}
