/* common/ (strv, err) and the small policy tables (access, capnames). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/amount.h"
#include "../../common/dirnames.h"
#include "../../common/err.h"
#include "../../common/strv.h"
#include "../../policy/access.h"
#include "../../policy/capnames.h"

Test(strv, push_copies_and_null_terminates)
{
	struct strv sv = { 0 };
	char buf[] = "one";

	strv_push(&sv, buf);
	buf[0] = 'X';
	cr_assert_eq(sv.n, 1);
	cr_assert_str_eq(sv.v[0], "one");
	cr_assert_null(sv.v[1]);
	strv_free(&sv);
}

Test(strv, grows_past_initial_capacity)
{
	struct strv sv = { 0 };
	char s[8];

	for (int i = 0; i < 100; i++) {
		snprintf(s, sizeof(s), "%d", i);
		strv_push(&sv, s);
	}
	cr_assert_eq(sv.n, 100);
	cr_assert_str_eq(sv.v[0], "0");
	cr_assert_str_eq(sv.v[99], "99");
	cr_assert_null(sv.v[100]);
	strv_free(&sv);
}

Test(strv, push_owned_takes_the_pointer)
{
	struct strv sv = { 0 };
	char *s = strdup("mine");

	strv_push_owned(&sv, s);
	cr_assert_eq(sv.v[0], s);
	strv_free(&sv);
}

Test(strv, contains_is_exact)
{
	struct strv sv = { 0 };

	strv_push(&sv, "abc");
	cr_assert(strv_contains(&sv, "abc"));
	cr_assert_not(strv_contains(&sv, "ab"));
	cr_assert_not(strv_contains(&sv, "abcd"));
	strv_free(&sv);
}

Test(strv, empty_vector_contains_nothing)
{
	struct strv sv = { 0 };

	cr_assert_not(strv_contains(&sv, ""));
}

Test(strv, free_resets_to_empty)
{
	struct strv sv = { 0 };

	strv_push(&sv, "a");
	strv_free(&sv);
	cr_assert_null(sv.v);
	cr_assert_eq(sv.n, 0);
	cr_assert_eq(sv.cap, 0);
	strv_free(&sv); /* twice is harmless */
}

Test(err, set_formats_and_returns_minus_one)
{
	struct err e;

	cr_assert_eq(err_set(&e, "%s:%d: %s", "f.yaml", 3, "bad"), -1);
	cr_assert_str_eq(e.msg, "f.yaml:3: bad");
}

Test(err, set_truncates_long_messages)
{
	struct err e;
	char big[2 * ERR_MAX];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, "%s", big);
	cr_assert_eq(strlen(e.msg), ERR_MAX - 1);
}

Test(err, null_err_is_allowed)
{
	cr_assert_eq(err_set(NULL, "x"), -1);
	cr_assert_eq(err_sys(NULL, "x"), -1);
}

Test(err, sys_appends_strerror_and_keeps_errno)
{
	struct err e;
	char want[256];

	snprintf(want, sizeof(want), "open x: %s", strerror(ENOENT));
	errno = ENOENT;
	cr_assert_eq(err_sys(&e, "open %s", "x"), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_str_eq(e.msg, want);
}

Test(access, str_of_every_combination)
{
	cr_assert_str_eq(access_str(0), "-");
	cr_assert_str_eq(access_str(LATCH_ACC_READ), "r");
	cr_assert_str_eq(access_str(LATCH_ACC_WRITE), "w");
	cr_assert_str_eq(access_str(LATCH_ACC_RW), "rw");
	cr_assert_str_eq(access_str(LATCH_ACC_READ | LATCH_ACC_EXEC), "rx");
	cr_assert_str_eq(access_str(LATCH_ACC_ALL), "rwx");
}

Test(access, from_op_words)
{
	cr_assert_eq(access_from_op("read"), LATCH_ACC_READ);
	cr_assert_eq(access_from_op("write"), LATCH_ACC_WRITE);
	cr_assert_eq(access_from_op("exec"), LATCH_ACC_EXEC);
	cr_assert_eq(access_from_op("execute"), LATCH_ACC_EXEC);
	cr_assert_eq(access_from_op("rw"), 0);
	cr_assert_eq(access_from_op(""), 0);
}

Test(capnames, names_in_any_spelling)
{
	cr_assert_eq(cap_from_name("CAP_CHOWN"), 0);
	cr_assert_eq(cap_from_name("net_bind_service"), 10);
	cr_assert_eq(cap_from_name("Cap_Net_Raw"), 13);
	cr_assert_eq(cap_from_name("SYS_ADMIN"), 21);
	cr_assert_eq(cap_from_name("checkpoint_restore"), 40);
}

Test(capnames, unknown_names)
{
	cr_assert_eq(cap_from_name("CAP_FLY"), -1);
	cr_assert_eq(cap_from_name("CAP_"), -1);
	cr_assert_eq(cap_from_name(""), -1);
	cr_assert_eq(cap_from_name("CAP_CAP_CHOWN"), -1);
}

Test(dirnames, names_by_suffix_sorted_without_dot_files_or_twins)
{
	char dir[] = "/tmp/latch-unit-dirnames.XXXXXX", p[64];
	const char *const files[] = { "b.yaml", "a.yaml", ".h.yaml", "c.yml", ".yaml", "d" };
	struct strv names = { 0 };

	cr_assert_not_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		fclose(fopen(p, "w"));
	}
	strv_push(&names, "b");
	cr_assert_eq(dir_names(dir, ".yaml", true, &names), 0);
	cr_assert_eq(names.n, 2);
	cr_assert_str_eq(names.v[0], "a");
	cr_assert_str_eq(names.v[1], "b");
	strv_free(&names);
	cr_assert_eq(dir_names(dir, "", false, &names), 0);
	cr_assert_eq(names.n, 4, "every name but the dot files");
	cr_assert_str_eq(names.v[3], "d");
	strv_free(&names);
	cr_assert_eq(system((snprintf(p, sizeof(p), "rm -rf %s", dir), p)), 0);
	cr_assert_eq(dir_names(dir, "", false, &names), -1);
}

Test(amount, counts_and_sizes)
{
	uint64_t n = 0;

	cr_assert_eq(amount_parse("2G", true, &n), 0);
	cr_assert_eq(n, 2ULL << 30);
	cr_assert_eq(amount_parse("100000", false, &n), 0);
	cr_assert_eq(n, 100000);
	cr_assert_eq(amount_parse("2.5", false, &n), -1);  /* a count is whole */
	cr_assert_eq(amount_parse("2G", false, &n), -1);   /* no unit on a count */
	cr_assert_eq(amount_parse("0.5", true, &n), -1);   /* at least 1 */
	cr_assert_eq(amount_parse("5X", true, &n), -1);
	cr_assert_eq(amount_parse("5MB", true, &n), -1);
	cr_assert_eq(amount_parse("1e15T", true, &n), -1); /* past 64 bits */
	cr_assert_eq(amount_parse("", true, &n), -1);
}

Test(strv, a_line_escapes_control_characters_and_is_cut_to_fit)
{
	const char *const words[] = { "bash", "-c", "a\nb\tc\x1b]0;x\x07" };
	char line[64], small[12];

	strv_line(words, 3, line, sizeof(line));
	cr_assert_str_eq(line, "bash -c a\\nb\\tc\\x1b]0;x\\x07");
	strv_line(words, 3, small, sizeof(small));
	cr_assert_str_eq(small, "bash -c ...");
	cr_assert_eq(strlen(small), sizeof(small) - 1);
}
