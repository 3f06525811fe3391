/* The ELF loader and multi-call binaries, seen through (rules/unwrap.h). */
#include <criterion/criterion.h>

#include "../../rules/unwrap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(unwrap, kinds_by_file_name)
{
	cr_expect_eq(unwrap_kind("ld-linux-x86-64.so.2"), WRAP_LOADER);
	cr_expect_eq(unwrap_kind("ld-linux-aarch64.so.1"), WRAP_LOADER);
	cr_expect_eq(unwrap_kind("ld-musl-x86_64.so.1"), WRAP_LOADER);
	cr_expect_eq(unwrap_kind("ld.so"), WRAP_LOADER);
	cr_expect_eq(unwrap_kind("busybox"), WRAP_MULTICALL);
	cr_expect_eq(unwrap_kind("toybox"), WRAP_MULTICALL);
	cr_expect_eq(unwrap_kind("ld"), WRAP_NONE); /* the linker */
	cr_expect_eq(unwrap_kind("ldd"), WRAP_NONE);
	cr_expect_eq(unwrap_kind("rm"), WRAP_NONE);
	cr_expect_eq(unwrap_kind(""), WRAP_NONE);
}

Test(unwrap, the_loader_runs_its_first_operand_after_its_options)
{
	const char *plain[] = { "ld.so", "/bin/rm", "-rf", "x" };
	const char *opts[] = { "ld.so", "--library-path", "/lib", "--argv0",
			       "ls", "--inhibit-cache", "./rm", "-rf" };
	const char *help[] = { "ld.so", "--help" };
	const char *bad[] = { "ld.so", "--library-path=/lib", "/bin/rm" };
	const char *none[] = { "ld.so", "--preload" };

	cr_expect_eq(unwrap_loader(plain, N(plain)), 1);
	cr_expect_eq(unwrap_loader(opts, N(opts)), 6);
	cr_expect_eq(unwrap_loader(help, N(help)), 0);
	cr_expect_eq(unwrap_loader(bad, N(bad)), 0);
	cr_expect_eq(unwrap_loader(none, N(none)), 0);
	cr_expect_eq(unwrap_loader(plain, 1), 0);
}

Test(unwrap, the_applet_is_argv0_or_argv1)
{
	const char *direct[] = { "/bin/busybox", "rm", "-rf", "x" };
	const char *linked[] = { "/usr/local/bin/rm", "-rf", "x" };
	const char *renamed[] = { "./bb", "rm", "-rf" };
	const char *list[] = { "busybox", "--list" };
	size_t first = 9;

	cr_expect_str_eq(unwrap_applet("busybox", direct, N(direct), &first), "rm");
	cr_expect_eq(first, 1);
	cr_expect_str_eq(unwrap_applet("busybox", linked, N(linked), &first), "rm");
	cr_expect_eq(first, 0);
	/* busybox itself runs the applet named by argv[0]: "bb" */
	cr_expect_str_eq(unwrap_applet("busybox", renamed, N(renamed), &first), "bb");
	cr_expect_null(unwrap_applet("busybox", list, N(list), &first));
	cr_expect_null(unwrap_applet("busybox", direct, 0, &first));
}
