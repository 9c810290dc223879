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
#   make layers     check that every include points down a layer (tests/layers.sh)
#   make install    PREFIX, DESTDIR, MANPREFIX, BASHCOMPDIR, ZSHCOMPDIR honoured
#   make deb        the Debian package, built from a copy of the tree
#                   (debian/make-deb.sh), into build/deb/

VERSION   = 0.1.0
CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DATADIR   = $(PREFIX)/share/amconsole
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FUZZ_TIME ?= 30

PKGS      = ncursesw libcmark yaml-0.1 libcjson libpq hiredis rdkafka libcurl libcrypto
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

# One list per layer, lowest first (see "Hacking" in README.md and
# `make layers`): an include may point down, never up.
LIB_LAYER = \
	lib/util.c \
	lib/log.c \
	lib/colour.c \
	lib/sanitize.c \
	lib/redact.c \
	lib/yaml.c \
	lib/ident.c

CORE_LAYER = \
	core/config.c \
	core/audit.c \
	core/runbook.c \
	core/runbook_scan.c \
	core/runbook_place.c \
	core/runbook_bind.c \
	core/runbook_annot.c \
	core/runbook_step.c \
	core/runbook_guide.c \
	core/timeline.c \
	core/warroom_msg.c \
	core/safety.c \
	core/safety_split.c \
	core/safety_redis.c \
	core/safety_sql.c \
	core/lint.c

RUNTIME_LAYER = \
	runtime/mailbox.c \
	runtime/runner.c \
	runtime/exec.c \
	runtime/job.c \
	runtime/appender.c \
	runtime/remote.c

BACKEND_LAYER = \
	backends/selftest.c \
	backends/native.c \
	backends/codec.c \
	backends/pg.c \
	backends/pg_io.c \
	backends/pg_step.c \
	backends/pg_stmts.c \
	backends/pg_codec.c \
	backends/redis.c \
	backends/redis_jobs.c \
	backends/redis_step.c \
	backends/redis_codec.c \
	backends/kafka.c \
	backends/kafka_admin.c \
	backends/kafka_client.c \
	backends/kafka_codec.c \
	backends/prom.c \
	backends/prom_step.c \
	backends/prom_silence.c \
	backends/prom_codec.c \
	backends/health.c \
	backends/warroom.c \
	backends/warroom_redis.c \
	backends/warroom_pg.c \
	backends/k8s/kubeconfig.c \
	backends/k8s/kubeconfig_file.c \
	backends/k8s/kubeconfig_exec.c \
	backends/k8s/client.c \
	backends/k8s/printer.c \
	backends/k8s/jarena.c \
	backends/k8s/metrics.c \
	backends/k8s/describe.c \
	backends/k8s/mask.c \
	backends/k8s/watch.c \
	backends/k8s/actions.c \
	backends/k8s/backend.c \
	backends/k8s/codec.c

UI_LAYER = \
	ui/theme.c \
	ui/screen.c \
	ui/table.c \
	ui/prompt.c \
	ui/pick.c

PANEL_LAYER = \
	panels/registry.c \
	panels/panel.c \
	panels/findings.c \
	panels/triage.c \
	panels/runbook.c \
	panels/runbook_run.c \
	panels/runbook_guide.c \
	panels/runbook_report.c \
	panels/runbook_share.c \
	panels/pods.c \
	panels/pods_actions.c \
	panels/pods_view.c \
	panels/slowq.c \
	panels/cache.c \
	panels/lag.c \
	panels/alerts.c \
	panels/sources.c

APP_LAYER = \
	app/options.c \
	app/initconfig.c \
	app/app.c \
	app/layout.c \
	app/draw.c \
	app/dialogs.c \
	app/keys.c \
	app/commands.c \
	app/incident.c \
	app/incident_timeline.c \
	app/room.c \
	app/record.c \
	app/cast.c

MAIN_SRC  = app/main.c
LIB_SRCS  = $(LIB_LAYER) $(CORE_LAYER) $(RUNTIME_LAYER) $(BACKEND_LAYER) $(UI_LAYER) \
            $(PANEL_LAYER) $(APP_LAYER)
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       = $(BUILD)/libamconsole.a
BIN       = $(BUILD)/amconsole

UNIT_TESTS = util sanitize ident screen pick redact yaml runbook guide findings safety lint config theme mailbox job \
             runner exec audit table redis pg kafka prom \
             kubeconfig k8s runbook_bind initconfig pods timeline warroom_msg codec codec_table \
             app_loop
UNIT_BINS  = $(UNIT_TESTS:%=$(BUILD)/tests/unit/test_%)

# One libFuzzer harness per parser of foreign input (tests/fuzz/fuzz_NAME.c,
# seeds in tests/fuzz/seed_NAME, optional tests/fuzz/NAME.dict).
FUZZERS    = sanitize redact runbook config kubeconfig theme k8s_table k8s_mask \
             k8s_podlist k8s_watch alertmanager prometheus redis_info redis_tokenize \
             redis_target exec_credential guide warroom codec
FUZZ_DIR   = build/fuzz
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB   = $(FUZZ_DIR)/libamconsole.a
FUZZ_OBJS  = $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS  = $(FUZZERS:%=$(FUZZ_DIR)/fuzz_%)

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Rebuild what embeds the data directory when PREFIX changes.
$(BUILD)/.datadir: FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(BUILD)/app/main.o $(BUILD)/app/commands.o: $(BUILD)/.datadir

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(BIN): $(BUILD)/app/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Each test file registers its tests (TEST() in testhelp.h); testmain.c runs them.
$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(BUILD)/tests/unit/testmain.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# Start the console: install what is missing, build, run.
run: deps $(BIN)
	$(BIN) --runbooks runbooks

deps:
	@./tests/deps.sh

# The live demo (demo/demo.sh): every panel against real servers in
# trouble, on loopback, stopped when the console quits. Builds after deps
# in a fresh make, so pkg-config sees libraries deps just installed.
# DEMO_KAFKA=broker: a real Kafka broker instead of the mock cluster.
demo: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/tests/kafka_mock $(BUILD)/tests/kafka_consumer
	@AMCONSOLE=$(abspath $(BIN)) KMOCK=$(abspath $(BUILD)/tests/kafka_mock) \
		KCONS=$(abspath $(BUILD)/tests/kafka_consumer) ./demo/demo.sh

# The Kafka mock cluster the end-to-end tests run against.
$(BUILD)/tests/kafka_mock: tests/kafka_mock.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# The Kafka client of the tests against a real broker (tests/kafka_broker.sh).
$(BUILD)/tests/kafka_consumer: tests/kafka_consumer.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# The war room's link driven line by line, for t_warroom_link.
$(BUILD)/tests/warroom_probe: $(BUILD)/tests/warroom_probe.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

test: layers $(BIN) $(UNIT_BINS) $(BUILD)/tests/kafka_mock $(BUILD)/tests/kafka_consumer \
		$(BUILD)/tests/warroom_probe
	@BUILD=$(BUILD) ./tests/run.sh

# The include rule of the tree: each folder a layer, includes point down.
layers:
	@./tests/layers.sh

check:
	$(MAKE) BUILD=build/san SAN=1 OPT=-O1 test

# The library is compiled once with coverage (fuzzer-no-link) and the
# sanitizers; each harness links against the archive.
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c11 -g -O1 $(WARN) $(PKG_CFLAGS) $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJS)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz_util.o \
		$(FUZZ_LIB)
	clang $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_DIR)/corpus_$$f; \
		dict=; [ -f tests/fuzz/$$f.dict ] && dict=-dict=tests/fuzz/$$f.dict; \
		echo "fuzz_$$f: $(FUZZ_TIME)s"; \
		$(FUZZ_DIR)/fuzz_$$f -max_total_time=$(FUZZ_TIME) -timeout=10 $$dict \
			-artifact_prefix=$(FUZZ_DIR)/fuzz_$$f- \
			$(FUZZ_DIR)/corpus_$$f tests/fuzz/seed_$$f >$(FUZZ_DIR)/fuzz_$$f.log 2>&1 \
			|| { tail -40 $(FUZZ_DIR)/fuzz_$$f.log; exit 1; }; \
		grep -a 'DONE ' $(FUZZ_DIR)/fuzz_$$f.log || tail -1 $(FUZZ_DIR)/fuzz_$$f.log; \
	done

$(BUILD)/tests/bench/bench_%: $(BUILD)/tests/bench/bench_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# BENCH_QUICK=1: a smoke run under a minute; BENCH_LONG=1: adds the
# 10-minute memory figure; BENCH_MD=FILE: the console table as Markdown.
bench: $(BIN) $(BUILD)/tests/bench/bench_sanitize $(BUILD)/tests/bench/bench_kafka \
	$(BUILD)/tests/bench/bench_k8s $(BUILD)/tests/bench/bench_alerts \
	$(BUILD)/tests/bench/bench_pods $(BUILD)/tests/bench/bench_slowq $(BUILD)/tests/kafka_mock
	@BUILD=$(BUILD) ./tests/bench/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(DATADIR)/runbooks $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/amconsole
	install -m 644 man/amconsole.1 $(DESTDIR)$(MANPREFIX)/man1/amconsole.1
	install -m 644 runbooks/*.md $(DESTDIR)$(DATADIR)/runbooks/
	install -m 644 themes/*.yaml $(DESTDIR)$(DATADIR)/themes/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completions/amconsole.bash $(DESTDIR)$(BASHCOMPDIR)/amconsole
	install -m 644 completions/_amconsole $(DESTDIR)$(ZSHCOMPDIR)/_amconsole

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/amconsole $(DESTDIR)$(MANPREFIX)/man1/amconsole.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/amconsole $(DESTDIR)$(ZSHCOMPDIR)/_amconsole
	rm -rf $(DESTDIR)$(DATADIR)

# The Debian package (dpkg-buildpackage -us -uc -b, lintian) from a copy
# of the tree: nothing here is touched but build/deb/.
deb:
	@./debian/make-deb.sh $(BUILD)/deb

fmt:
	clang-format -i $(LIB_SRCS) $(MAIN_SRC) */*.h tests/unit/*.c tests/fuzz/*.[ch]

fmt-check:
	@clang-format --dry-run --Werror $(LIB_SRCS) $(MAIN_SRC) */*.h tests/unit/*.c tests/fuzz/*.[ch]

clean:
	rm -rf build

.PHONY: all run deps demo test check layers fuzz bench install uninstall deb fmt fmt-check clean FORCE
.SECONDARY:

-include $(shell find $(BUILD) $(FUZZ_DIR) -name '*.d' 2>/dev/null | sort -u)
