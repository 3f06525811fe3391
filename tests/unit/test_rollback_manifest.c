/* Snapshot manifests (rollback/manifest.h): every byte of a name survives
 * the round trip, and a damaged manifest is refused with its line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/xalloc.h"
#include "../../rollback/manifest.h"

static char dir[] = "/tmp/latch-manifest-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)system(cmd);
	free(cmd);
	strcpy(dir, "/tmp/latch-manifest-XXXXXX");
}

TestSuite(manifest, .init = setup, .fini = teardown);

static struct entry file_entry(const char *path, const char *digest)
{
	struct entry e = { .path = xstrdup(path), .type = 'f', .mode = 0644,
			   .size = 3, .mtime_ns = 1700000000123456789,
			   .ctime_ns = 1, .ino = 42 };

	snprintf(e.digest, sizeof(e.digest), "%s", digest);
	return e;
}

Test(manifest, names_survive_the_round_trip)
{
	static const char *const names[] = { "plain.txt", "with space",
		"per%cent", "-", "new\nline", "tab\there", "ünïcødé",
		"dir/sub/file", "\x01\x7f\xff" };
	const char *d = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct manifest m = { .workdir = xstrdup("/w o/rk"), .time = xstrdup("t"),
			      .trigger = xstrdup("manual"), .skipped = 3 }, back;
	struct entry l = { .path = xstrdup("link"), .type = 'l', .mode = 0777,
			   .target = xstrdup("../a b/%") };
	char *path = xasprintf("%s/m", dir);
	struct err e;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct entry f = file_entry(names[i], d);

		manifest_add(&m, &f);
	}
	manifest_add(&m, &l);
	manifest_sort(&m);
	cr_assert_eq(manifest_write(&m, path, &e), 0, "%s", e.msg);
	cr_assert_eq(manifest_read(path, &back, 0, &e), 0, "%s", e.msg);
	cr_assert_str_eq(back.workdir, "/w o/rk");
	cr_assert_null(back.session);
	cr_assert_eq(back.skipped, 3);
	cr_assert_eq(back.n, m.n);
	for (size_t i = 0; i < m.n; i++) {
		cr_assert_str_eq(back.v[i].path, m.v[i].path);
		cr_assert_eq(back.v[i].mtime_ns, m.v[i].mtime_ns);
	}
	cr_assert_str_eq(manifest_find(&back, "link")->target, "../a b/%");
	cr_assert_str_eq(manifest_find(&back, "new\nline")->digest, d);
	cr_assert_null(manifest_find(&back, "absent"));
	manifest_free(&m);
	manifest_free(&back);
	free(path);
}

/* each damaged manifest, and the message it must give */
static void refused(const char *text, const char *why)
{
	char *path = xasprintf("%s/bad", dir);
	FILE *f = fopen(path, "w");
	struct manifest m;
	struct err e;

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(manifest_read(path, &m, 0, &e), -1, "accepted: %s", text);
	cr_assert(strstr(e.msg, why), "'%s' lacks '%s'", e.msg, why);
	free(path);
}

/* the header, then one entry line (a static buffer) */
static const char *with_entry(const char *fmt, const char *digest)
{
	static char buf[512];
	int n = snprintf(buf, sizeof(buf), "latch-snapshot 1\nworkdir /w\nentries\n");

	snprintf(buf + n, sizeof(buf) - (size_t)n, fmt, digest);
	return buf;
}

Test(manifest, damage_is_refused_with_its_line)
{
	static const char ok[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	refused("something else\n", "not a latch snapshot manifest");
	refused("latch-snapshot 1\nworkdir /w\n", "incomplete");
	refused("latch-snapshot 1\nentries\n", "incomplete");
	refused(with_entry("f 644 3 1 1 1 %s a -", ok), ":4: line cut short");
	refused(with_entry("f 644 3 1 1 1 %.10s a -\n", ok), ":4: malformed");
	refused(with_entry("x 644 3 1 1 1 %s a -\n", ok), ":4: malformed");
	refused(with_entry("f 99999 3 1 1 1 %s a -\n", ok), ":4: malformed");
	refused(with_entry("f 644 3 1 1 1 %s /abs -\n", ok), ":4: malformed");
	refused(with_entry("f 644 3 1 1 1 %s a%%00b -\n", ok), ":4: malformed");
	refused(with_entry("f 644 3 1 1 1 %s a%%zz -\n", ok), ":4: malformed");
	refused(with_entry("l 777 0 1 1 1 %s a -\n", "-"), ":4: malformed");
}
