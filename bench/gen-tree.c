/* gen-tree.c — write a workspace-like tree for the snapshot benchmark.
 *
 * Usage: gen-tree DIR FILES MB
 *
 * Writes FILES regular files of about MB megabytes (10^6 bytes) in all
 * into DIR (created; must not exist yet), deterministically: the same
 * FILES and MB always give the same names, sizes, modes and contents.
 *
 *   - src/main.c, a 4 KB C file (the file bench/snapshot changes);
 *   - text files — C, headers, Python, JavaScript, Go, Markdown, JSON,
 *     shell scripts (mode 0755) — of 64 B to 32 KB, log-uniform (about
 *     5 KB on average), 5 to 45 to a directory, in directories 2 to 4
 *     deep under src, lib, tests, docs, tools and vendor. Their lines are
 *     words drawn from a small vocabulary: text that compresses like
 *     source code. About one in 50 is one of a few shared contents (an
 *     empty __init__.py, a license, a .gitkeep), as real trees have;
 *   - binaries of 1 to 8 MB of pseudo-random bytes (incompressible) under
 *     assets/, as many as the rest of MB needs (at least one if FILES > 1);
 *   - a symbolic link to a sibling file for about one text file in 500
 *     (not counted in FILES).
 *
 * Names avoid what `latch snapshot` leaves out (node_modules, build, …),
 * so latch, git and restic see the same files. Prints one summary line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MB 1000000.0
#define TEXT_MIN 64.0
#define TEXT_MAX 32768.0
#define BIN_MIN (1u << 20)
#define BIN_MAX (8u << 20)
#define BUF_SIZE (8u << 20)

static const char prog[] = "gen-tree";

static void die(const char *what, const char *path)
{
	fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
	exit(1);
}

/* ---- xoshiro256**, seeded by splitmix64: fast and deterministic ---- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* A whole number from 0 to n - 1. */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)((next(r) >> 32) * n >> 32);
}

/* A number from 0 to 1. */
static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

/* ---- writing ---- */

static char *buf; /* BUF_SIZE bytes */

static void write_file(const char *path, const char *data, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		die("cannot create", path);
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		die("cannot write", path);
}

/* mkdir -p of `path` (relative to the cwd, DIR). */
static void make_dirs(const char *path)
{
	char p[512];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = strchr(p, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("cannot create the directory", p);
		if (s == NULL)
			return;
		*s = '/';
	}
}

/* ---- text ---- */

static const char *const words[] = {
	"static", "const", "int", "return", "if", "else", "for", "while",
	"struct", "char", "void", "size_t", "uint64_t", "NULL", "break",
	"buf", "len", "path", "name", "err", "ctx", "entry", "node", "value",
	"count", "index", "state", "config", "result", "handle", "update",
	"parse", "write", "read", "open", "close", "free", "alloc", "init",
	"=", "==", "!=", "+", "-", "*", "&&", "||", "(", ")", "{", "}", ";",
	"0", "1", "42", "\"ok\"", "\"error\"", "self", "def", "import",
	"function", "let", "var", "async", "await", "the", "a", "of", "to",
	"and", "in", "is", "for", "this", "that", "with", "file", "test",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* `len` bytes of lines of words into buf. */
static void fill_text(struct rng *r, size_t len)
{
	size_t used = 0;

	while (used < len) {
		uint32_t indent = below(r, 4), nw = 2 + below(r, 10);

		for (uint32_t i = 0; i < indent && used < len; i++)
			buf[used++] = '\t';
		for (uint32_t i = 0; i < nw && used < len; i++) {
			const char *w = words[below(r, NWORDS)];
			size_t n = strlen(w);

			if (used + n + 1 > len)
				break;
			memcpy(buf + used, w, n);
			used += n;
			buf[used++] = i + 1 < nw ? ' ' : '\n';
		}
		if (used < len && used > 0 && buf[used - 1] != '\n')
			buf[used++] = '\n';
	}
}

/* The shared contents a few files have (like every tree's empty
 * __init__.py and copies of a license). */
static const char *const shared[] = {
	"",
	"Permission is hereby granted, free of charge, to any person obtaining a copy\n"
	"of this software and associated documentation files (the \"Software\"), to deal\n"
	"in the Software without restriction, subject to the following conditions.\n",
	"# placeholder\n",
	"{}\n",
};
static const char *const shared_names[] = {
	"__init__.py", "LICENSE", ".gitkeep", "package.json",
};
#define NSHARED (sizeof(shared) / sizeof(shared[0]))

struct kind {
	const char *top;
	const char *ext[4];
};

static const struct kind kinds[] = {
	{ "src", { "c", "h", "go", "c" } },
	{ "lib", { "py", "js", "py", "ts" } },
	{ "tests", { "py", "c", "js", "txt" } },
	{ "docs", { "md", "txt", "md", "rst" } },
	{ "tools", { "sh", "py", "sh", "pl" } },
	{ "vendor", { "js", "json", "c", "h" } },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Directory number k: src/p000/m00, lib/p000/m00/internal, … (unique). */
static void dir_name(uint64_t k, char *out, size_t len)
{
	uint64_t j = k / NKINDS;

	snprintf(out, len, "%s/p%03" PRIu64 "/m%02" PRIu64 "%s",
		 kinds[k % NKINDS].top, j / 16, j % 16,
		 k % 3 == 0 ? "/internal" : "");
}

/* A text size: log-uniform from TEXT_MIN to TEXT_MAX. */
static size_t text_size(struct rng *r)
{
	return (size_t)(TEXT_MIN * exp(unit(r) * log(TEXT_MAX / TEXT_MIN)));
}

struct totals {
	uint64_t files, text, bins, links, dirs, bytes;
};

/* One text file, number i, in directory `dir` of kind `kd`. */
static void text_file(struct rng *r, const char *dir, const struct kind *kd,
		      uint64_t i, struct totals *t)
{
	char path[600];
	const char *ext = kd->ext[below(r, 4)];
	size_t len = text_size(r);
	mode_t mode = strcmp(ext, "sh") == 0 ? 0755 : 0644;

	if (below(r, 50) == 0) { /* a shared content, under its usual name */
		uint32_t s = below(r, NSHARED);

		snprintf(path, sizeof(path), "%s/%" PRIu64 "-%s", dir, i,
			 shared_names[s]);
		write_file(path, shared[s], strlen(shared[s]), 0644);
		t->bytes += strlen(shared[s]);
	} else {
		snprintf(path, sizeof(path), "%s/f%06" PRIu64 ".%s", dir, i, ext);
		fill_text(r, len);
		write_file(path, buf, len, mode);
		t->bytes += len;
	}
	t->files++;
	t->text++;
	if (below(r, 500) == 0) { /* a link to it, by its name in `dir` */
		char link[640];

		snprintf(link, sizeof(link), "%s/link%06" PRIu64, dir, i);
		if (symlink(strrchr(path, '/') + 1, link) < 0)
			die("cannot create the symbolic link", link);
		t->links++;
	}
}

/* `ntext` text files, 5 to 45 to a directory. */
static void text_files(struct rng *r, uint64_t ntext, struct totals *t)
{
	uint64_t i = 0;
	char dir[256];

	for (uint64_t k = 0; i < ntext; k++) {
		uint64_t n = 5 + below(r, 41);

		dir_name(k, dir, sizeof(dir));
		make_dirs(dir);
		t->dirs++;
		for (uint64_t j = 0; j < n && i < ntext; j++, i++)
			text_file(r, dir, &kinds[k % NKINDS], i, t);
	}
}

/* `len` pseudo-random bytes into `path`, BUF_SIZE at a time. */
static void binary_file(struct rng *r, const char *path, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		die("cannot create", path);
	while (len > 0) {
		size_t n = len < BUF_SIZE ? len : BUF_SIZE;

		for (size_t k = 0; k < n; k += 8) {
			uint64_t v = next(r);

			memcpy(buf + k, &v, 8); /* BUF_SIZE is a multiple of 8 */
		}
		for (size_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, n - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				die("cannot write", path);
			done += (size_t)w;
		}
		len -= n;
	}
	if (close(fd) < 0)
		die("cannot write", path);
}

/* `nbin` binaries of 1 to 8 MB holding about `budget` bytes in all. */
static void binaries(struct rng *r, uint64_t nbin, double budget,
		     struct totals *t)
{
	static const char *const ext[] = { "png", "so", "tar.gz", "pdf", "bin" };
	static const char *const sub[] = { "assets/img", "assets/models",
					   "assets/archives" };
	double *sz = calloc(nbin ? nbin : 1, sizeof(double)), sum = 0;
	char path[256];

	if (sz == NULL) {
		errno = ENOMEM;
		die("cannot allocate", "the binary sizes");
	}
	for (uint64_t i = 0; i < nbin; i++)
		sum += sz[i] = BIN_MIN + unit(r) * (BIN_MAX - BIN_MIN);
	for (size_t d = 0; nbin && d < sizeof(sub) / sizeof(sub[0]); d++)
		make_dirs(sub[d]);
	for (uint64_t i = 0; i < nbin; i++) {
		double want = sz[i] * budget / sum;
		size_t len = (size_t)(want < BIN_MIN ? BIN_MIN
				      : want > BIN_MAX ? BIN_MAX : want);

		snprintf(path, sizeof(path), "%s/blob%04" PRIu64 ".%s", sub[i % 3],
			 i, ext[i % 5]);
		binary_file(r, path, len);
		t->files++;
		t->bins++;
		t->bytes += len;
	}
	free(sz);
}

/* src/main.c: the file the benchmark changes, 4 KB of C-like text. */
static void main_c(struct rng *r, struct totals *t)
{
	static const char head[] = "/* main.c — the generated tree's entry point */\n";
	size_t n = strlen(head);

	make_dirs("src");
	memcpy(buf, head, n);
	fill_text(r, 4096 - n);
	memmove(buf + n, buf, 4096 - n);
	memcpy(buf, head, n);
	write_file("src/main.c", buf, 4096, 0644);
	t->files++;
	t->text++;
	t->bytes += 4096;
}

static uint64_t parse(const char *s, const char *what, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > max) {
		fprintf(stderr, "%s: %s must be a whole number from 1 to %" PRIu64
			", not '%s'\n", prog, what, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct totals t = { 0 };
	struct rng r;
	uint64_t files, mb, nbin;
	double mean_text, text_budget;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DIR FILES MB\n", prog);
		return 2;
	}
	files = parse(argv[2], "FILES", 10000000);
	mb = parse(argv[3], "MB", 1000000);
	if (mkdir(argv[1], 0755) < 0)
		die("cannot create the directory", argv[1]);
	if (chdir(argv[1]) < 0)
		die("cannot enter", argv[1]);
	if ((buf = malloc(BUF_SIZE)) == NULL) {
		errno = ENOMEM;
		die("cannot allocate", "the buffer");
	}
	rng_seed(&r, files * 1000003u + mb);
	/* the binaries fill what the text files (about 5 KB each) leave */
	mean_text = (TEXT_MAX - TEXT_MIN) / log(TEXT_MAX / TEXT_MIN);
	text_budget = (double)mb * MB - (double)files * mean_text;
	nbin = text_budget > BIN_MIN ? (uint64_t)(text_budget / 4.5e6) : 0;
	if (nbin == 0 && files > 1)
		nbin = 1;
	if (nbin >= files)
		nbin = files - 1;
	main_c(&r, &t);
	text_files(&r, files - nbin - 1, &t);
	binaries(&r, nbin, (double)mb * MB - (double)t.bytes, &t);
	printf("%s: %" PRIu64 " files (%" PRIu64 " text, %" PRIu64 " binaries of"
	       " 1-8 MB) and %" PRIu64 " symlinks in %" PRIu64 " leaf directories,"
	       " %.1f MB\n", argv[1], t.files, t.text, t.bins, t.links, t.dirs,
	       (double)t.bytes / MB);
	free(buf);
	return 0;
}
