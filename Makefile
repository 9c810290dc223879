# amconsole - one non-recursive Makefile. Sources are listed explicitly;
# libraries come from pkg-config; objects go under $(BUILD)/.
#
#   make            build $(BUILD)/amconsole
#   make demo       every panel live against real servers on loopback
#                   (demo/demo.sh), all stopped when the console quits
#   make run        install missing Debian packages, build, start the console
#   make test       unit tests (cmocka) and end-to-end tests (tmux)
#   make check      the same under ASan + UBSan
#   make fuzz       libFuzzer harnesses, FUZZ_TIME seconds each
#   make bench      benchmarks (tests/bench)
#   make install    PREFIX, DESTDIR, MANPREFIX honoured

VERSION   = 0.1.0
CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DATADIR   = $(PREFIX)/share/amconsole
FUZZ_TIME ?= 30

PKGS      = ncursesw libcmark yaml-0.1 libcjson libpq hiredis rdkafka libcurl
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-unused-parameter
ifeq ($(CI),true)
WARN     += -Werror
endif
ifeq ($(SAN),1)
SANFLAGS  = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
OPT      ?= -O2
CPPFLAGS += -I. -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DAM_VERSION='"$(VERSION)"' \
            -DAM_DATADIR='"$(DATADIR)"'
CFLAGS   += -std=c11 -g $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread

BACKEND_SRCS = \
	backends/util.c \
	backends/log.c \
	backends/mailbox.c \
	backends/runner.c \
	backends/selftest.c \
	backends/registry.c \
	backends/native.c \
	backends/pg.c \
	backends/redis.c \
	backends/kafka.c \
	backends/prom.c \
	backends/health.c \
	backends/kubeconfig.c \
	backends/k8s.c \
	backends/exec.c \
	backends/runbook.c \
	backends/safety.c \
	backends/lint.c

TUI_SRCS = \
	tui/sanitize.c \
	tui/redact.c \
	tui/audit.c \
	tui/config.c \
	tui/options.c \
	tui/theme.c \
	tui/screen.c \
	tui/table.c \
	tui/prompt.c \
	tui/app.c

PANEL_SRCS = \
	panels/registry.c \
	panels/findings.c \
	panels/triage.c \
	panels/runbook.c \
	panels/pods.c \
	panels/slowq.c \
	panels/cache.c \
	panels/lag.c \
	panels/alerts.c \
	panels/sources.c

MAIN_SRC  = tui/main.c
LIB_SRCS  = $(BACKEND_SRCS) $(TUI_SRCS) $(PANEL_SRCS)
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       = $(BUILD)/libamconsole.a
BIN       = $(BUILD)/amconsole

UNIT_TESTS = util sanitize screen redact runbook findings safety lint config theme mailbox \
             runner exec audit table redis pg kafka prom \
             kubeconfig k8s
UNIT_BINS  = $(UNIT_TESTS:%=$(BUILD)/tests/unit/test_%)

FUZZERS    = sanitize runbook
FUZZ_BINS  = $(FUZZERS:%=build/fuzz/fuzz_%)

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Rebuild what embeds the data directory when PREFIX changes.
$(BUILD)/.datadir: FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(BUILD)/tui/main.o $(BUILD)/tui/app.o: $(BUILD)/.datadir

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(BIN): $(BUILD)/tui/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# Start the console: install what is missing, build, run.
run: deps $(BIN)
	$(BIN) --runbooks runbooks

deps:
	@./tests/deps.sh

# The live demo (demo/demo.sh): every panel against real servers in
# trouble, on loopback, stopped when the console quits. Builds after deps
# in a fresh make, so pkg-config sees libraries deps just installed.
demo: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/tests/kafka_mock
	@AMCONSOLE=$(abspath $(BIN)) KMOCK=$(abspath $(BUILD)/tests/kafka_mock) ./demo/demo.sh

# The Kafka mock cluster the end-to-end tests run against.
$(BUILD)/tests/kafka_mock: tests/kafka_mock.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

test: $(BIN) $(UNIT_BINS) $(BUILD)/tests/kafka_mock
	@BUILD=$(BUILD) ./tests/run.sh

check:
	$(MAKE) BUILD=build/san SAN=1 OPT=-O1 test

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c11 -g -O1 $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(LIB_SRCS) $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
		mkdir -p build/fuzz/corpus_$$f; \
		echo "fuzz_$$f: $(FUZZ_TIME)s"; \
		build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -dict=tests/fuzz/$$f.dict \
			build/fuzz/corpus_$$f tests/fuzz/seed_$$f >build/fuzz/fuzz_$$f.log 2>&1 \
			|| { tail -40 build/fuzz/fuzz_$$f.log; exit 1; }; \
		tail -1 build/fuzz/fuzz_$$f.log; \
	done

$(BUILD)/tests/bench/bench_%: $(BUILD)/tests/bench/bench_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# BENCH_QUICK=1: a smoke run under a minute; BENCH_LONG=1: adds the
# 10-minute memory figure; BENCH_MD=FILE: the console table as Markdown.
bench: $(BIN) $(BUILD)/tests/bench/bench_sanitize $(BUILD)/tests/bench/bench_kafka \
	$(BUILD)/tests/bench/bench_k8s $(BUILD)/tests/kafka_mock
	@BUILD=$(BUILD) ./tests/bench/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(DATADIR)/runbooks $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/amconsole
	install -m 644 man/amconsole.1 $(DESTDIR)$(MANPREFIX)/man1/amconsole.1
	install -m 644 runbooks/*.md $(DESTDIR)$(DATADIR)/runbooks/
	install -m 644 themes/*.yaml $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/amconsole $(DESTDIR)$(MANPREFIX)/man1/amconsole.1
	rm -rf $(DESTDIR)$(DATADIR)

fmt:
	clang-format -i $(LIB_SRCS) $(MAIN_SRC) */*.h tests/unit/*.c

fmt-check:
	@clang-format --dry-run --Werror $(LIB_SRCS) $(MAIN_SRC) */*.h tests/unit/*.c

clean:
	rm -rf build

.PHONY: all run deps demo test check fuzz bench install uninstall fmt fmt-check clean FORCE
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
