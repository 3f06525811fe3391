# latch — build, test, install.  See README.md.
#
#   make              build ./latch, build/liblatch.{so,a} (include/latch.h)
#   make test         unit + integration tests (Criterion), the scripts,
#                     liblatch's embedders (TypeScript, Python)
#   make asan         build and run the tests under ASan+UBSan
#   make valgrind     unit tests under valgrind
#   make golden       rewrite the golden Seatbelt profiles (review the diff)
#   make fuzz         build and briefly run the libFuzzer targets (clang)
#   make bench        launch-overhead benchmark against bare and bwrap
#   make lint         clang-tidy + cppcheck
#   make install PREFIX=/usr/local

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/latch
LIBEXECDIR ?= $(PREFIX)/libexec/latch
MANDIR     ?= $(PREFIX)/share/man
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
SONAME     := liblatch.so.0
CC         ?= cc
BUILD      ?= build
CSTD       := -std=c17 -D_GNU_SOURCE
WARN       := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS     ?= -O2 -g
# Every object is position-independent with hidden symbols: the same
# objects make liblatch.so (only latch_* exported), liblatch.a and ./latch.
ALL_CFLAGS := $(CSTD) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -DLATCH_BUILDING \
              -DLATCH_VERSION='"$(VERSION)"' -DLATCH_DATADIR='"$(DATADIR)"' \
              -DLATCH_LIBEXECDIR='"$(LIBEXECDIR)"' -DLATCH_BINDIR='"$(BINDIR)"'
# The default build puts the binary at ./latch; other builds (asan) keep
# theirs inside their build directory.
LATCH_BIN  := $(if $(filter build,$(BUILD)),latch,$(BUILD)/latch)
SHIM_BIN   := $(dir $(LATCH_BIN))latch-shim
LIBS       := -lyaml -lcjson -lpcre2-8 -lseccomp -lpthread

COMMON_SRC := $(wildcard common/*.c)
POLICY_SRC := $(wildcard policy/*.c)
KERNEL_SRC := $(wildcard kernel/*.c)
RULES_SRC  := $(wildcard rules/*.c)
AUDIT_SRC  := $(wildcard audit/*.c)
ROLLBACK_SRC := $(wildcard rollback/*.c)
PROXY_SRC  := $(wildcard proxy/*.c)
# the command line: latch's subcommands over the engine (liblatch)
CLI_SRC    := launcher/main.c $(wildcard launcher/cmd_*.c) launcher/opts.c launcher/usage.c
LAUNCH_SRC := $(filter-out $(CLI_SRC),$(wildcard launcher/*.c))
LIB_SRC    := $(COMMON_SRC) $(POLICY_SRC) $(RULES_SRC) $(AUDIT_SRC) $(KERNEL_SRC) $(ROLLBACK_SRC) \
              $(PROXY_SRC) $(LAUNCH_SRC) shim/session.c shim/explain.c shim/find.c $(wildcard lib/*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIBLATCH_A := $(BUILD)/liblatch.a
LIBLATCH_SO:= $(BUILD)/$(SONAME)
# a sanitizer's runtime is linked into executables only
NO_UNDEF   := $(if $(findstring -fsanitize,$(CFLAGS)),,-Wl,--no-undefined)
# latch-shim: the shim (shim/main.c) with the rule engine it judges with
SHIM_SRC   := $(wildcard shim/*.c)
SHIM_OBJ   := $(SHIM_SRC:%.c=$(BUILD)/%.o) $(COMMON_SRC:%.c=$(BUILD)/%.o) \
              $(RULES_SRC:%.c=$(BUILD)/%.o) $(BUILD)/policy/suggest.o

UNIT_SRC   := $(wildcard tests/unit/*.c)
INTEG_SRC  := $(wildcard tests/integration/*.c)
TESTLIB_SRC:= $(wildcard tests/lib/*.c)

.PHONY: FORCE all test unit golden integration scripts embed asan valgrind fuzz bench lint install clean \
	deps check demo fuzz-smoke

all: $(LATCH_BIN) $(SHIM_BIN) $(LIBLATCH_SO) $(LIBLATCH_A) $(BUILD)/latch.pc

$(LATCH_BIN): $(CLI_OBJ) $(LIBLATCH_A)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(LIBLATCH_A): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(LIBLATCH_SO): $(LIB_OBJ) lib/liblatch.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/liblatch.map \
	  $(NO_UNDEF) -o $@ $(LIB_OBJ) $(LIBS)
	ln -sf $(SONAME) $(BUILD)/liblatch.so

$(BUILD)/latch.pc: lib/latch.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	  -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|; s|@VERSION@|$(VERSION)|' \
	  lib/latch.pc.in > $@

$(SHIM_BIN): $(SHIM_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lyaml -lpcre2-8

# Objects are rebuilt when the compiler or its flags change (a build
# directory reused with other flags must not link stale objects).
FLAGS_SUM  := $(shell printf '%s' '$(subst ','\'',$(CC) $(ALL_CFLAGS))' | sha256sum | cut -c1-32)
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo $(FLAGS_SUM) | cmp -s - $@ || echo $(FLAGS_SUM) > $@

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/shim/find.o $(LIBLATCH_A)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) -lcriterion

# linked with the shared liblatch, found beside the binary ($ORIGIN) also
# when tests/run-integration copies both for its unprivileged run
$(BUILD)/integration-tests: $(INTEG_SRC:%.c=$(BUILD)/%.o) $(TESTLIB_SRC:%.c=$(BUILD)/%.o) $(LIBLATCH_SO)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) -L$(BUILD) -l:$(SONAME) -Wl,-rpath,'$$ORIGIN' -lcriterion

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# Rewrite the golden Seatbelt profiles (tests/golden/sbpl/) after a change
# that is meant to alter them; review the diff before committing.
golden: $(BUILD)/unit-tests
	LATCH_GOLDEN_UPDATE=1 $(BUILD)/unit-tests --filter 'seatbelt/golden_*'

# Integration tests start real sandboxes; as root they run a second time as
# an unprivileged user (tests/run-integration).
integration: $(LATCH_BIN) $(SHIM_BIN) $(BUILD)/integration-tests
	LATCH_BIN=$(abspath $(LATCH_BIN)) tests/run-integration $(BUILD)/integration-tests

# Terminal behaviour under a real pty (tmux) and the completion scripts.
scripts: $(LATCH_BIN) $(SHIM_BIN)
	tests/tty.sh $(LATCH_BIN)
	tests/completion.sh $(abspath $(LATCH_BIN))
	tests/install.sh

# liblatch's embedders: the TypeScript binding's npm test and the Python
# example of docs/embedding.md (not under ASan: node and python3 do not
# load the sanitizer's runtime)
embed: $(LIBLATCH_SO)
	tests/embedding.sh $(LIBLATCH_SO)

test: unit integration scripts embed

# What CI runs (README): lint, the tests, the unit tests under valgrind, the
# whole suite again under ASan+UBSan, and 20 s of each fuzz target.
check: lint test valgrind asan fuzz-smoke

fuzz-smoke:
	$(MAKE) -C fuzz run FUZZ_TIME=20 FUZZ_ARGS=-close_fd_mask=3

# latch's main job on a scratch tree: see examples/demo.sh.
demo: latch latch-shim
	examples/demo.sh

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp LATCH_ITEST_TIME_SCALE=3 \
	$(MAKE) BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  unit integration scripts

valgrind: $(BUILD)/unit-tests
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	  --trace-children=no $(BUILD)/unit-tests --jobs=1 --no-early-exit

fuzz:
	$(MAKE) -C fuzz run

bench: all
	bench/run

lint:
	@# one file per run (clang 14's analyzer carries va_list state from
	@# one file to the next in a single run), two at a time
	printf '%s\n' $(sort $(LIB_SRC) $(SHIM_SRC) $(CLI_SRC)) | \
	  xargs -P2 -I{} clang-tidy --quiet {} -- $(CSTD) -DLATCH_BUILDING -DLATCH_VERSION='""' \
	    -DLATCH_DATADIR='""' -DLATCH_BINDIR='""'
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE $(sort $(LIB_SRC) $(SHIM_SRC) $(CLI_SRC))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/profiles/groups/required \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(DATADIR)/completions $(DESTDIR)$(DATADIR)/rules/packs \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 latch $(DESTDIR)$(BINDIR)/latch
	install -m 755 latch-shim $(DESTDIR)$(LIBEXECDIR)/latch-shim
	install -m 755 $(LIBLATCH_SO) $(DESTDIR)$(LIBDIR)/liblatch.so.$(VERSION)
	ln -sf liblatch.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liblatch.so
	install -m 644 $(LIBLATCH_A) $(DESTDIR)$(LIBDIR)/liblatch.a
	install -m 644 $(BUILD)/latch.pc $(DESTDIR)$(LIBDIR)/pkgconfig/latch.pc
	install -m 644 include/latch.h $(DESTDIR)$(INCLUDEDIR)/latch.h
	install -m 644 profiles/*.yaml $(DESTDIR)$(DATADIR)/profiles/
	install -m 644 profiles/groups/*.yaml $(DESTDIR)$(DATADIR)/profiles/groups/
	install -m 644 profiles/groups/required/*.yaml $(DESTDIR)$(DATADIR)/profiles/groups/required/
	install -m 644 completions/latch.bash completions/_latch $(DESTDIR)$(DATADIR)/completions/
	install -m 644 rules/packs/*.yaml $(DESTDIR)$(DATADIR)/rules/packs/
	install -m 644 docs/latch.1 $(DESTDIR)$(MANDIR)/man1/latch.1
	install -m 644 completions/latch.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/latch
	install -m 644 completions/_latch $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_latch

# Debian packages latch needs to build and test (README's first commands).
deps:
	@missing=""; for p in build-essential pkg-config libyaml-dev libcjson-dev \
	  libpcre2-dev libcriterion-dev libseccomp-dev libssl-dev clang \
	  libclang-rt-14-dev valgrind tmux busybox python3 curl openssl; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; fi

clean:
	rm -rf build build-asan latch latch-shim bindings/ts/dist bindings/ts/node_modules
	$(MAKE) -C fuzz clean 2>/dev/null || true

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
