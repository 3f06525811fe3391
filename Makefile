# latch — build, test, install.  See README.md.
#
#   make              build ./latch
#   make test         unit + integration tests (Criterion)
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
CC         ?= cc
BUILD      ?= build
CSTD       := -std=c17 -D_GNU_SOURCE
WARN       := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS     ?= -O2 -g
ALL_CFLAGS := $(CSTD) $(WARN) $(CFLAGS) -DLATCH_VERSION='"$(VERSION)"' \
              -DLATCH_DATADIR='"$(DATADIR)"' -DLATCH_LIBEXECDIR='"$(LIBEXECDIR)"'
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
LAUNCH_SRC := $(filter-out launcher/main.c,$(wildcard launcher/*.c))
LIB_SRC    := $(COMMON_SRC) $(POLICY_SRC) $(RULES_SRC) $(AUDIT_SRC) $(KERNEL_SRC) $(ROLLBACK_SRC) \
              $(PROXY_SRC) $(LAUNCH_SRC) shim/session.c shim/explain.c
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ   := $(BUILD)/launcher/main.o
# latch-shim: the shim (shim/main.c) with the rule engine it judges with
SHIM_SRC   := $(wildcard shim/*.c)
SHIM_OBJ   := $(SHIM_SRC:%.c=$(BUILD)/%.o) $(COMMON_SRC:%.c=$(BUILD)/%.o) \
              $(RULES_SRC:%.c=$(BUILD)/%.o) $(BUILD)/policy/suggest.o

UNIT_SRC   := $(wildcard tests/unit/*.c)
INTEG_SRC  := $(wildcard tests/integration/*.c)
TESTLIB_SRC:= $(wildcard tests/lib/*.c)

.PHONY: all test unit golden integration scripts asan valgrind fuzz bench lint install clean \
	deps check demo fuzz-smoke

all: $(LATCH_BIN) $(SHIM_BIN)

$(LATCH_BIN): $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(SHIM_BIN): $(SHIM_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lyaml -lpcre2-8

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(LIB_OBJ) $(BUILD)/shim/find.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) -lcriterion

$(BUILD)/integration-tests: $(INTEG_SRC:%.c=$(BUILD)/%.o) $(TESTLIB_SRC:%.c=$(BUILD)/%.o)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lcriterion

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

test: unit integration scripts

# What CI runs (README): lint, the tests, the unit tests under valgrind, the
# whole suite again under ASan+UBSan, and 20 s of each fuzz target.
check: lint test valgrind asan fuzz-smoke

fuzz-smoke:
	$(MAKE) -C fuzz run FUZZ_TIME=20 FUZZ_ARGS=-close_fd_mask=3

# latch's main job on a scratch tree: see examples/demo.sh.
demo: latch latch-shim
	examples/demo.sh

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  test

valgrind: $(BUILD)/unit-tests
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	  --trace-children=no $(BUILD)/unit-tests --jobs=1 --no-early-exit

fuzz:
	$(MAKE) -C fuzz run

bench: latch latch-shim
	bench/run

lint:
	@# one file per run (clang 14's analyzer carries va_list state from
	@# one file to the next in a single run), two at a time
	printf '%s\n' $(sort $(LIB_SRC) $(SHIM_SRC)) launcher/main.c | \
	  xargs -P2 -I{} clang-tidy --quiet {} -- $(CSTD) -DLATCH_VERSION='""' -DLATCH_DATADIR='""'
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE $(sort $(LIB_SRC) $(SHIM_SRC)) launcher/main.c

install: latch latch-shim
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/profiles/groups/required \
	  $(DESTDIR)$(DATADIR)/completions $(DESTDIR)$(DATADIR)/rules/packs \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 latch $(DESTDIR)$(BINDIR)/latch
	install -m 755 latch-shim $(DESTDIR)$(LIBEXECDIR)/latch-shim
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
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; fi

clean:
	rm -rf build build-asan latch latch-shim
	$(MAKE) -C fuzz clean 2>/dev/null || true

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
