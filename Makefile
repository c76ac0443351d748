# kbd: a knowledge-base server for support FAQs.  GNU make; see README.md,
# and the man pages in kbd/ for kbd itself.
#
#   make run     install missing packages, build, serve ./articles on :8080
#   make test    install missing packages, build with gcc (-Werror) and
#                with clang + AddressSanitizer/UndefinedBehaviorSanitizer,
#                run every test against both builds
#   make bench   latency and throughput figures (not part of the tests)
#   make audit   Lighthouse scores of the public pages (not part of the tests)
#   make fuzz    each libFuzzer target for FUZZ_SECONDS (not part of the
#                tests; make test replays the corpus and the crashes)
#   make         just build build/kbd (packages must be there)
#   make install PREFIX=/usr/local DESTDIR=   the binary, the example
#                articles, the man pages and the systemd unit (UNITDIR=);
#                make uninstall, with the same variables, removes them

PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	 = $(PREFIX)/bin
DATADIR	 = $(PREFIX)/share/kbd
MANDIR	 = $(PREFIX)/share/man
UNITDIR	?= $(PREFIX)/lib/systemd/system

CC	?= cc
CFLAGS	?= -O2 -g
BUILD	?= build
LISTEN	?= 127.0.0.1:8080

PKGS	 = sqlite3 libmicrohttpd icu-uc icu-i18n libcmark-gfm yaml-0.1 jansson \
	   libsodium zlib libpq
WARN	 = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wwrite-strings -Wformat=2 -Wsign-compare -Wundef -Wvla
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS  = -std=c11 -D_XOPEN_SOURCE=700 $(WARN) $(PKG_CFLAGS) \
	      $(CFLAGS)
LDLIBS	    = $(PKG_LIBS) -lstemmer -lpthread -lm

SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer

# The man pages, by section; kbd.8 is the one source of the options.
MAN5	 = kbd/kbd-articles.5
MAN7	 = kbd/kbd-http.7 kbd/kbd-search.7
MAN8	 = kbd/kbd.8

SRCS	 = $(wildcard kbd/*.c)
# static/ is compiled in: $(BUILD)/static_data.c is generated from it by
# kbd/static_embed.sh whenever a file there changes (never committed).
STATIC_FILES := $(shell find static -type f ! -path '*/.*')
OBJS	 = $(SRCS:kbd/%.c=$(BUILD)/%.o) $(BUILD)/static_data.o
LIBOBJS	 = $(filter-out $(BUILD)/main.o,$(OBJS))
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
UNITS	 = $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/t_*.c)) \
	   $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/fuzzrep_%)

ifeq ($(V),1)
Q =
else
Q = @
endif

all: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kbd

$(BUILD)/kbd: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: kbd/%.c Makefile | $(BUILD)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/static_data.c: kbd/static_embed.sh $(STATIC_FILES) | $(BUILD)
	@echo "  GEN     $@"
	$(Q)sh kbd/static_embed.sh static >$@.tmp && mv $@.tmp $@

$(BUILD)/static_data.o: $(BUILD)/static_data.c kbd/kbd.h
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ikbd -c -o $@ $<

$(BUILD)/t_%: tests/unit/t_%.c tests/unit/unit.h $(LIBOBJS)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ikbd $$(pkg-config --cflags cmocka) -o $@ \
	    $< $(LIBOBJS) $(LDLIBS) $$(pkg-config --libs cmocka)

$(BUILD)/search_bench: tests/bench/search_bench.c $(LIBOBJS)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ikbd -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/search_eval: tests/search/search_eval.c $(LIBOBJS)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ikbd -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD):
	$(Q)mkdir -p $@

units: $(BUILD)/kbd $(UNITS)

deps:
	$(Q)sh kbd/deps.sh build

run: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kbd
	$(Q)mkdir -p var
	./$(BUILD)/kbd --listen $(LISTEN)

# Both builds are -Werror; gcc builds the plain one, clang the sanitized
# one, so both compilers must stay warning-free.  The two are built side
# by side (one job a processor, unless make was given -j itself), then
# tests/run runs the tests of both at once (TEST_JOBS, see tests/run).
NPROC	:= $(shell nproc 2>/dev/null || echo 1)
TEST_J	 = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

test: deps
	$(Q)sh kbd/deps.sh test
	$(Q)$(MAKE) --no-print-directory $(TEST_J) test-build-gcc \
	    test-build-asan
	$(Q)tests/run build build-asan

test-build-gcc:
	$(Q)$(MAKE) --no-print-directory units CC=gcc \
	    CFLAGS="-O2 -g -Werror"

test-build-asan:
	$(Q)$(MAKE) --no-print-directory units CC=clang BUILD=build-asan \
	    CFLAGS="-O1 -g -Werror $(SANITIZE)"

check: test

# Lighthouse on the public pages, as a phone and as a desktop (npm's
# lighthouse, installed on first use; Debian's chromium).
audit: deps
	$(Q)sh kbd/deps.sh audit
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kbd
	$(Q)tests/browser/audit.sh $(BUILD)

bench: deps
	$(Q)sh kbd/deps.sh bench
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kbd $(BUILD)/search_bench
	$(Q)tests/bench/run $(BUILD)

# Fuzzing: kbd's objects with libFuzzer's coverage and both sanitizers in
# build-fuzz/, one program per tests/fuzz/fuzz_<t>.c, each run for
# FUZZ_SECONDS (FUZZ_TARGETS="article http" runs only those).  The same
# sources linked with replay_main.c instead of libFuzzer are the
# fuzzrep_<t> programs of every build, which make test runs on the
# corpus and the crashes (tests/http/t0016-fuzz-replay.sh).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_SANITIZE = -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZERS	 = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBOBJS)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Ikbd -o $@ $< $(LIBOBJS) \
	    $(LDLIBS)

$(BUILD)/fuzzrep_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c \
    tests/fuzz/fuzz.h $(LIBOBJS)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ikbd -o $@ $< tests/fuzz/replay_main.c \
	    $(LIBOBJS) $(LDLIBS)

fuzzers: $(FUZZERS)

fuzz: deps
	$(Q)sh kbd/deps.sh test
	$(Q)$(MAKE) --no-print-directory fuzzers CC=clang BUILD=build-fuzz \
	    CFLAGS="-O1 -g -Werror $(FUZZ_SANITIZE)"
	$(Q)tests/fuzz/run build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The binary (which carries static/), the shipped articles as examples,
# the man pages and kbd.service with its paths filled in.  uninstall
# removes the same files, then share/kbd's folders if nothing else is
# left in them.
install: $(BUILD)/kbd
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/articles \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	$(Q)install -m 755 $(BUILD)/kbd $(DESTDIR)$(BINDIR)/kbd
	$(Q)install -m 644 articles/*.md articles/synonyms.txt \
	    $(DESTDIR)$(DATADIR)/articles
	$(Q)install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	$(Q)install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	$(Q)install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	    kbd/kbd.service >$(DESTDIR)$(UNITDIR)/kbd.service
	$(Q)chmod 644 $(DESTDIR)$(UNITDIR)/kbd.service

uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(DESTDIR)$(BINDIR)/kbd $(DESTDIR)$(UNITDIR)/kbd.service \
	    $(MAN5:kbd/%=$(DESTDIR)$(MANDIR)/man5/%) \
	    $(MAN7:kbd/%=$(DESTDIR)$(MANDIR)/man7/%) \
	    $(MAN8:kbd/%=$(DESTDIR)$(MANDIR)/man8/%)
	$(Q)for f in articles/*.md articles/synonyms.txt; do \
	    rm -f "$(DESTDIR)$(DATADIR)/$$f"; done
	$(Q)rmdir $(DESTDIR)$(DATADIR)/articles $(DESTDIR)$(DATADIR) \
	    2>/dev/null || :

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all deps run test test-build-gcc test-build-asan check bench audit fuzz fuzzers install uninstall clean \
	units

-include $(OBJS:.o=.d)
