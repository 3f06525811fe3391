/* The audit trail's hash chain, records and line reader (audit/chain.h,
 * record.h, lines.h, verify.h): what a tampered log looks like to verify. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../audit/chain.h"
#include "../../audit/lines.h"
#include "../../audit/record.h"
#include "../../audit/verify.h"

/* A sealed log of `n` records {"seq":i,"event":"e","n":i} for session
 * "s1", lines into `out` (each malloc'd). */
static void sealed(char **out, size_t n)
{
	struct chain c;
	struct err e;

	cr_assert_eq(chain_init(&c, "s1", &e), 0, "%s", e.msg);
	for (size_t i = 0; i < n; i++) {
		char json[64];
		size_t len = (size_t)snprintf(json, sizeof(json), "{\"seq\":%zu,\"event\":\"e\",\"n\":%zu}",
					      i + 1, i + 1);

		out[i] = malloc(len + CHAIN_MEMBER_LEN + 2);
		len = chain_seal(&c, json, len, out[i]);
		out[i][len] = '\0';
	}
	chain_free(&c);
}

/* verify_log over the lines joined (then `tail` appended). */
static struct log_check check(char **lines, size_t n, const char *tail)
{
	int fd = memfd_create("log", 0);
	struct log_check r;
	struct err e;

	for (size_t i = 0; i < n; i++)
		cr_assert_eq(write(fd, lines[i], strlen(lines[i])), (ssize_t)strlen(lines[i]));
	if (tail)
		cr_assert_eq(write(fd, tail, strlen(tail)), (ssize_t)strlen(tail));
	lseek(fd, 0, SEEK_SET);
	cr_assert_eq(verify_log(fd, "s1", &r, &e), 0, "%s", e.msg);
	close(fd);
	return r;
}

static void free_lines(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
}

Test(chain, a_sealed_line_ends_with_its_head_and_verifies)
{
	char *l[3];
	struct log_check r;

	sealed(l, 3);
	cr_assert(strncmp(l[0], "{\"seq\":1,\"event\":\"e\",\"n\":1,\"chain\":\"", 36) == 0, "%s", l[0]);
	cr_assert_eq(l[0][strlen(l[0]) - 1], '\n');
	r = check(l, 3, NULL);
	cr_expect_eq(r.bad_seq, 0, "%s", r.why);
	cr_expect_eq(r.records, 3);
	cr_expect(!r.partial);
	cr_expect_eq(strncmp(r.head, strstr(l[2], "\"chain\":\"") + 9, 64), 0);
	free_lines(l, 3);
}

Test(chain, one_edited_byte_breaks_that_record)
{
	char *l[4];
	struct log_check r;

	sealed(l, 4);
	strstr(l[2], "\"n\":3")[4] = '7';
	r = check(l, 4, NULL);
	cr_expect_eq(r.bad_seq, 3, "%lu %s", r.bad_seq, r.why);
	cr_expect(strstr(r.why, "does not match its chain"), "%s", r.why);
	cr_expect_eq(r.records, 2);
	free_lines(l, 4);
}

Test(chain, a_removed_or_swapped_line_is_named)
{
	char *l[4], *swapped[4];
	struct log_check r;

	sealed(l, 4);
	r = check((char *[]){ l[0], l[2], l[3] }, 3, NULL);
	cr_expect_eq(r.bad_seq, 2, "%s", r.why);
	cr_expect(strstr(r.why, "seq 3 comes where seq 2 should"), "%s", r.why);
	memcpy(swapped, l, sizeof(l));
	swapped[1] = l[2];
	swapped[2] = l[1];
	r = check(swapped, 4, NULL);
	cr_expect_eq(r.bad_seq, 2, "%s", r.why);
	/* a record renumbered to fit still fails its chain */
	l[2][7] = '2';
	r = check((char *[]){ l[0], l[2] }, 2, NULL);
	cr_expect_eq(r.bad_seq, 2, "%s", r.why);
	cr_expect(strstr(r.why, "does not match its chain"), "%s", r.why);
	free_lines(l, 4);
}

Test(chain, a_cut_last_line_is_partial_not_tampering)
{
	char *l[2];
	struct log_check r;

	sealed(l, 2);
	r = check(l, 2, "{\"seq\":3,\"ti");
	cr_expect_eq(r.bad_seq, 0, "%s", r.why);
	cr_expect(r.partial);
	cr_expect_eq(r.records, 2);
	free_lines(l, 2);
}

Test(chain, a_foreign_file_is_not_a_latch_log)
{
	struct log_check r = check((char *[]){ "hello world\n" }, 1, NULL);

	cr_expect_eq(r.bad_seq, 1);
	cr_expect(strstr(r.why, "not a latch audit log"), "%s", r.why);
	r = check((char *[]){ "" }, 1, NULL);
	cr_expect_eq(r.bad_seq, 0);
	cr_expect_eq(r.records, 0);
}

Test(chain, the_chain_member_must_be_exact)
{
	char rec[SHA256_HEX];
	size_t n;
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *ok = NULL;

	cr_assert(asprintf(&ok, "{\"seq\":1,\"chain\":\"%s\"}", hex) > 0);
	cr_expect(chain_member(ok, strlen(ok), &n, rec));
	cr_expect_eq(n, strlen("{\"seq\":1}"));
	cr_expect_str_eq(rec, hex);
	ok[strlen(ok) - 5] = 'G'; /* not lowercase hex */
	cr_expect(!chain_member(ok, strlen(ok), &n, rec));
	cr_expect(!chain_member("{\"chain\":\"x\"}", 13, &n, rec));
	cr_expect(!chain_member("", 0, &n, rec));
	free(ok);
}

Test(chain, record_seq_reads_only_the_way_latch_writes_it)
{
	cr_expect_eq(record_seq("{\"seq\":42,\"x\":1}", 16), 42);
	cr_expect_eq(record_seq("{\"seq\":042,", 11), 0);
	cr_expect_eq(record_seq("{\"seq\":4", 8), 0);
	cr_expect_eq(record_seq("{ \"seq\":4,", 10), 0);
	cr_expect_eq(record_seq("{\"seq\":99999999999999999999999,", 31), 0);
}

Test(lines, lines_across_reads_a_partial_end_and_a_line_too_long)
{
	int fd = memfd_create("lines", 0);
	size_t big = 200000, len;
	char *buf = malloc(big + 1);
	const char *line;

	memset(buf, 'x', big);
	buf[big] = '\n';
	cr_assert_eq(write(fd, "a\n\nbc\n", 6), 6);
	cr_assert_eq(write(fd, buf, big + 1), (ssize_t)big + 1);
	cr_assert_eq(write(fd, "tail", 4), 4);
	lseek(fd, 0, SEEK_SET);
	{
		struct lines in;

		lines_init(&in, fd);
		cr_expect_eq(lines_next(&in, &line, &len), LINES_OK);
		cr_expect(len == 1 && line[0] == 'a');
		cr_expect_eq(lines_next(&in, &line, &len), LINES_OK);
		cr_expect_eq(len, 0);
		cr_expect_eq(lines_next(&in, &line, &len), LINES_OK);
		cr_expect(len == 2 && !memcmp(line, "bc", 2));
		cr_expect_eq(lines_next(&in, &line, &len), LINES_OK);
		cr_expect_eq(len, big);
		cr_expect_eq(lines_next(&in, &line, &len), LINES_PARTIAL);
		cr_expect(len == 4 && !memcmp(line, "tail", 4));
		/* the file grows (another writer): the partial line goes on */
		cr_assert_eq(pwrite(fd, "ed\n", 3, (off_t)(6 + big + 1 + 4)), 3);
		cr_expect_eq(lines_next(&in, &line, &len), LINES_OK);
		cr_expect(len == 6 && !memcmp(line, "tailed", 6));
		cr_expect_eq(lines_next(&in, &line, &len), LINES_END);
		cr_expect_eq(in.no, 5, "%lu", in.no);
		lines_free(&in);
	}
	free(buf);
	close(fd);
}

Test(lines, a_line_longer_than_the_bound_stops_the_reader)
{
	int fd = memfd_create("long", 0);
	size_t n = LINES_MAX + 10;
	char *buf = calloc(1, n);
	struct lines in;
	const char *line;
	size_t len;

	memset(buf, 'y', n);
	cr_assert_eq(write(fd, buf, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	lines_init(&in, fd);
	cr_expect_eq(lines_next(&in, &line, &len), LINES_LONG);
	cr_expect_eq(in.no, 1, "the long line is named: %lu", in.no);
	cr_expect_leq(in.cap, 2 * (size_t)(LINES_MAX + (64u << 10)), "%zu", in.cap);
	lines_free(&in);
	free(buf);
	close(fd);
}
