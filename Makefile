# kerr: a Singularity-compatible job and service scheduler.
# One non-recursive GNU Makefile.  `make help` lists the targets.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SYSCONFDIR	?= /etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR	?= $(PREFIX)/lib/tmpfiles.d
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
BASHCOMPDIR	?= $(DATADIR)/bash-completion/completions
DESTDIR		?=

SANITIZE	?=
WERROR		?= $(CI)
BUILD		?= build$(if $(SANITIZE),-san)

CC		?= cc
PKGS		 = libmicrohttpd jansson libsystemd sqlite3
WARNINGS	 = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
		   -Wshadow -Wpointer-arith -Wcast-qual -Wsign-compare
CFLAGS		?= -O2 -g
CFLAGS		+= -std=gnu11 $(WARNINGS) $(if $(WERROR),-Werror) \
		   -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -MMD -MP \
		   $(addprefix -iquote common/,$(COMMON_DIRS)) -DKERR_SRCDIR='"$(CURDIR)"'
# Link only the libraries a binary really uses: the task supervisor, started
# once per task, then skips libsystemd and its compression libraries.
LDFLAGS		+= -Wl,--as-needed
ifneq ($(SANITIZE),)
CFLAGS		+= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
LDFLAGS		+= -fsanitize=address,undefined
endif
# common/ by concern; every program sees all of it, no daemon another's.
COMMON_DIRS	 = base store model time executor
PKG_CFLAGS	 = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS	 = $(shell pkg-config --libs check 2>/dev/null)
# Debian's libnng-dev ships no .pc file.
LIBS		 = $(PKG_LIBS) -lnng -lnettle -lpthread

# Debian 12 packages needed to build, run and test (systemd-container: the
# units are tested in a booted container, tests/integration/systemd-boot.sh;
# prometheus: its promtool checks GET /metrics, tests/integration/
# check_metrics.c; installed without its recommends, as all of these).
DEB_PACKAGES	 = build-essential pkg-config libnng-dev libsqlite3-dev \
		   libjansson-dev libmicrohttpd-dev libsystemd-dev check \
		   libcurl4-openssl-dev sqlite3 curl systemd procps \
		   systemd-container nettle-dev libarchive-dev openssl \
		   prometheus

COMMON_SRCS	+= common/base/args.c
COMMON_SRCS	+= common/base/bus.c
COMMON_SRCS	+= common/base/clock.c
COMMON_SRCS	+= common/base/conf.c
COMMON_SRCS	+= common/base/daemon.c
COMMON_SRCS	+= common/base/daemon_scan.c
COMMON_SRCS	+= common/base/fs.c
COMMON_SRCS	+= common/base/fs_remove.c
COMMON_SRCS	+= common/base/host.c
COMMON_SRCS	+= common/base/lockfile.c
COMMON_SRCS	+= common/base/log.c
COMMON_SRCS	+= common/base/log_journal.c
COMMON_SRCS	+= common/base/metrics.c
COMMON_SRCS	+= common/base/notify.c
COMMON_SRCS	+= common/base/text.c
COMMON_SRCS	+= common/base/workq.c
COMMON_SRCS	+= common/store/db.c
COMMON_SRCS	+= common/store/db_deploy.c
COMMON_SRCS	+= common/store/db_machine.c
COMMON_SRCS	+= common/store/db_metrics.c
COMMON_SRCS	+= common/store/db_disaster.c
COMMON_SRCS	+= common/store/db_group.c
COMMON_SRCS	+= common/store/db_name_set.c
COMMON_SRCS	+= common/store/db_pending_request.c
COMMON_SRCS	+= common/store/db_pending_task.c
COMMON_SRCS	+= common/store/db_request.c
COMMON_SRCS	+= common/store/db_request_cleanup.c
COMMON_SRCS	+= common/store/db_request_expiring.c
COMMON_SRCS	+= common/store/db_request_history.c
COMMON_SRCS	+= common/store/db_schema.c
COMMON_SRCS	+= common/store/db_setting.c
COMMON_SRCS	+= common/store/db_state.c
COMMON_SRCS	+= common/store/db_task.c
COMMON_SRCS	+= common/store/db_task_cleanup.c
COMMON_SRCS	+= common/store/db_task_ids.c
COMMON_SRCS	+= common/store/db_usage.c
COMMON_SRCS	+= common/store/db_purge.c
COMMON_SRCS	+= common/store/db_retention.c
COMMON_SRCS	+= common/store/db_space.c
COMMON_SRCS	+= common/store/db_task_search.c
COMMON_SRCS	+= common/store/db_webhook.c
COMMON_SRCS	+= common/model/artifact.c
COMMON_SRCS	+= common/model/deploy.c
COMMON_SRCS	+= common/model/deploy_executor.c
COMMON_SRCS	+= common/model/deploy_schema.c
COMMON_SRCS	+= common/model/deploy_step.c
COMMON_SRCS	+= common/model/records.c
COMMON_SRCS	+= common/model/request.c
COMMON_SRCS	+= common/model/schema.c
COMMON_SRCS	+= common/model/task_id.c
COMMON_SRCS	+= common/model/webhook.c
COMMON_SRCS	+= common/time/cron.c
COMMON_SRCS	+= common/time/tzif.c
COMMON_SRCS	+= common/executor/event_auth.c
COMMON_SRCS	+= common/executor/event_channel.c
COMMON_SRCS	+= common/executor/executor.c
COMMON_SRCS	+= common/executor/executor_local.c
COMMON_SRCS	+= common/executor/executor_sandbox.c
COMMON_SRCS	+= common/executor/executor_slurm.c
COMMON_SRCS	+= common/executor/proc.c
COMMON_SRCS	+= common/executor/slurm_cmd.c
COMMON_SRCS	+= common/executor/slurm_queue.c
COMMON_SRCS	+= common/executor/task_event.c

APID_SRCS	+= daemons/apid/apid.c
APID_SRCS	+= daemons/apid/api_http.c
APID_SRCS	+= daemons/apid/api_reply.c
APID_SRCS	+= daemons/apid/api_routes.c
APID_SRCS	+= daemons/apid/api_absent.c
APID_SRCS	+= daemons/apid/api_access.c
APID_SRCS	+= daemons/apid/api_listen.c
APID_SRCS	+= daemons/apid/api_tokens.c
APID_SRCS	+= daemons/apid/api_auth.c
APID_SRCS	+= daemons/apid/api_cluster.c
APID_SRCS	+= daemons/apid/api_deploy.c
APID_SRCS	+= daemons/apid/api_deploy_update.c
APID_SRCS	+= daemons/apid/api_machines.c
APID_SRCS	+= daemons/apid/api_metrics.c
APID_SRCS	+= daemons/apid/api_metrics_page.c
APID_SRCS	+= daemons/apid/api_disasters.c
APID_SRCS	+= daemons/apid/api_groups.c
APID_SRCS	+= daemons/apid/api_request.c
APID_SRCS	+= daemons/apid/api_request_action.c
APID_SRCS	+= daemons/apid/api_request_run.c
APID_SRCS	+= daemons/apid/api_run.c
APID_SRCS	+= daemons/apid/api_sandbox.c
APID_SRCS	+= daemons/apid/api_state.c
APID_SRCS	+= daemons/apid/api_task.c
APID_SRCS	+= daemons/apid/api_usage.c
APID_SRCS	+= daemons/apid/api_task_search.c
APID_SRCS	+= daemons/apid/api_task_stats.c
APID_SRCS	+= daemons/apid/api_util.c
APID_SRCS	+= daemons/apid/api_ui.c
APID_SRCS	+= daemons/apid/api_webhooks.c
APID_SRCS	+= daemons/apid/api_writer.c
APID_SRCS	+= daemons/apid/json_filter.c
APID_SRCS	+= daemons/apid/route_match.c
APID_SRCS	+= daemons/apid/sandbox_path.c
APID_SRCS	+= daemons/apid/task_stats.c

# The web UI's files, compiled into kerr-apid (ui_embed.c, api_ui.c).
UI_DIR		 = daemons/apid/ui
UI_FILES	 = $(sort $(shell find $(UI_DIR) -type f 2>/dev/null))
UI_GEN		 = $(BUILD)/gen/ui_assets.c

SCHEDULERD_SRCS	+= daemons/schedulerd/schedulerd.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_agents.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_artifacts.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_deploy.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_deploy_step.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_event.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_health.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_launch.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_loop.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_pending.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_pool.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_reconcile.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_scheduled.c
SCHEDULERD_SRCS	+= daemons/schedulerd/sched_task.c
SCHEDULERD_SRCS	+= daemons/schedulerd/cron_next.c
SCHEDULERD_SRCS	+= daemons/schedulerd/healthcheck.c
SCHEDULERD_SRCS	+= daemons/schedulerd/task_env.c

CLEANERD_SRCS	+= daemons/cleanerd/cleanerd.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_bounce.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_loop.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_machines.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_purge.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_retention.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_sandbox.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_request.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_task.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_webhook.c
CLEANERD_SRCS	+= daemons/cleanerd/cleaner_webhook_post.c

SUPERVISOR_SRCS	+= daemons/supervisor/supervisor.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_child.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_exit.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_fetch.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_node.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_output.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_report.c
SUPERVISOR_SRCS	+= daemons/supervisor/supervisor_user.c
SUPERVISOR_SRCS	+= daemons/supervisor/cgroup.c
# The few common files it needs, all libc only: no SQLite, jansson or nng.
SUPERVISOR_SRCS	+= common/base/args.c
SUPERVISOR_SRCS	+= common/base/clock.c
SUPERVISOR_SRCS	+= common/base/log.c
SUPERVISOR_SRCS	+= common/base/text.c
SUPERVISOR_SRCS	+= common/executor/event_auth.c
SUPERVISOR_SRCS	+= common/executor/event_channel.c
SUPERVISOR_SRCS	+= common/executor/proc.c
SUPERVISOR_SRCS	+= common/executor/task_event.c

FETCH_SRCS	+= common/model/artifact.c
FETCH_SRCS	+= daemons/fetch/fetch.c
FETCH_SRCS	+= daemons/fetch/fetch_archive.c
FETCH_SRCS	+= daemons/fetch/fetch_cache.c
FETCH_SRCS	+= daemons/fetch/fetch_get.c

KERR_SRCS	+= daemons/kerr/kerr.c
KERR_SRCS	+= daemons/kerr/kerr_cmd_deploy.c
KERR_SRCS	+= daemons/kerr/kerr_cmd_request.c
KERR_SRCS	+= daemons/kerr/kerr_cmd_task.c
KERR_SRCS	+= daemons/kerr/kerr_http.c
KERR_SRCS	+= daemons/kerr/kerr_opts.c
KERR_SRCS	+= daemons/kerr/kerr_show.c
KERR_SRCS	+= daemons/kerr/kerr_table.c
KERR_SRCS	+= daemons/kerr/kerr_wait.c
# The one clock file it needs; it links no SQLite, nng or libsystemd.
KERR_SRCS	+= common/base/clock.c

RUN_SRCS	+= daemons/run/run.c
RUN_SRCS	+= daemons/run/run_policy.c

# Fuzzing (make fuzz): one libFuzzer harness per parser, tests/fuzz/
# fuzz_<name>.c, built with Debian's clang under ASan and UBSan into
# build-fuzz/ and run by tests/fuzz/run.sh for FUZZ_SECONDS each.  The
# parsers are compiled for it with coverage; only the pure files, so no
# harness needs a database, a socket or libmicrohttpd.
FUZZ_BUILD	 = build-fuzz
FUZZ_CC		 = clang
FUZZ_SECONDS	?= 60
# clang only recommends libclang-rt-dev, which holds libFuzzer and the
# sanitizer runtimes: without it -fsanitize=fuzzer does not link.
FUZZ_DEB_PACKAGES = clang libclang-rt-dev
FUZZ_LIB_SRCS	+= common/base/conf.c
FUZZ_LIB_SRCS	+= common/base/log.c
FUZZ_LIB_SRCS	+= common/base/text.c
FUZZ_LIB_SRCS	+= common/model/artifact.c
FUZZ_LIB_SRCS	+= common/model/deploy.c
FUZZ_LIB_SRCS	+= common/model/deploy_executor.c
FUZZ_LIB_SRCS	+= common/model/deploy_schema.c
FUZZ_LIB_SRCS	+= common/model/deploy_step.c
FUZZ_LIB_SRCS	+= common/model/records.c
FUZZ_LIB_SRCS	+= common/model/request.c
FUZZ_LIB_SRCS	+= common/model/schema.c
FUZZ_LIB_SRCS	+= common/model/task_id.c
FUZZ_LIB_SRCS	+= common/model/webhook.c
FUZZ_LIB_SRCS	+= common/time/cron.c
FUZZ_LIB_SRCS	+= common/time/tzif.c
FUZZ_LIB_SRCS	+= daemons/apid/json_filter.c
FUZZ_LIB_SRCS	+= daemons/apid/route_match.c
FUZZ_LIB_SRCS	+= daemons/apid/sandbox_path.c
FUZZ_LIB_SRCS	+= daemons/schedulerd/cron_next.c
FUZZ_HARNESSES	 = $(patsubst tests/fuzz/fuzz_%.c,%,\
		   $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	 = $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_HARNESSES))
FUZZ_LIB	 = $(FUZZ_BUILD)/libfuzzed.a
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	 = -O1 -g -std=gnu11 $(WARNINGS) $(if $(WERROR),-Werror) \
		   -D_GNU_SOURCE $(FUZZ_SAN) -MMD -MP \
		   $(addprefix -iquote common/,$(COMMON_DIRS)) \
		   -iquote daemons/apid -iquote daemons/schedulerd \
		   -DKERR_SRCDIR='"$(CURDIR)"'

# Every .c of a test folder belongs to its runner.
UNIT_SRCS	 = tests/fixture.c $(wildcard tests/unit/*.c)
# Pure files of a daemon are tested as they are (OpenBSD regress style).
UNIT_SRCS	+= daemons/run/run_policy.c
UNIT_SRCS	+= daemons/apid/json_filter.c
UNIT_SRCS	+= daemons/apid/sandbox_path.c
UNIT_SRCS	+= daemons/apid/task_stats.c
UNIT_SRCS	+= daemons/apid/api_tokens.c
UNIT_SRCS	+= daemons/schedulerd/cron_next.c
UNIT_SRCS	+= daemons/schedulerd/healthcheck.c
UNIT_SRCS	+= daemons/schedulerd/task_env.c
UNIT_SRCS	+= daemons/supervisor/cgroup.c
UNIT_SRCS	+= daemons/kerr/kerr_opts.c
UNIT_SRCS	+= daemons/kerr/kerr_table.c

INTEG_SRCS	 = tests/fixture.c $(filter-out %/test_httpd.c,\
		   $(wildcard tests/integration/*.c))
# The Slurm suite: the integration harness against a real cluster.
SLURM_TEST_SRCS	 = tests/fixture.c tests/integration/harness.c \
		   tests/slurm/check_slurm.c

BINS		 = $(BUILD)/kerr-apid $(BUILD)/kerr-schedulerd \
		   $(BUILD)/kerr-cleanerd $(BUILD)/kerr-supervisor \
		   $(BUILD)/kerr-fetch $(BUILD)/kerr
# What `make run` runs; not installed (systemd supervises there).
RUN_BIN		 = $(BUILD)/kerr-run
LIBCOMMON	 = $(BUILD)/libcommon.a

obj		 = $(patsubst %.c,$(BUILD)/%.o,$(1))
fuzzobj		 = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(1))

# check-ui: the web UI in a real browser (tests/ui/run.sh).
.PHONY: all check check-slurm check-ui unit integration run bench soak deps \
	install uninstall clean help fuzz fuzz-build fuzz-deps

all: $(BINS) $(RUN_BIN)

help:
	@echo "make            build the three daemons, kerr-run and the kerr CLI into $(BUILD)/"
	@echo "make run        install missing packages, build, run kerr with state in ./var"
	@echo "make check      install missing packages, build, run unit and integration tests"
	@echo "make check-slurm  the same against a real two-node Slurm started for it (root)"
	@echo "make check-ui   the web UI driven in headless Chromium against real daemons"
	@echo "make bench      install missing packages, build, benchmark (bench/results/latest.md)"
	@echo "make soak       100 000 tasks and a request churn: daemons' memory and fds stay flat"
	@echo "make unit       unit tests only;  make integration: integration tests only"
	@echo "make install    install binaries (the kerr CLI with its man page and bash"
	@echo "                completion), config, systemd units, sysusers.d and"
	@echo "                tmpfiles.d entries (PREFIX, DESTDIR)"
	@echo "make SANITIZE=1 check   the same tests under ASan and UBSan"
	@echo "make fuzz       build the libFuzzer harnesses with clang, run each"
	@echo "                FUZZ_SECONDS (60) seconds (tests/fuzz/)"

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRCS))
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

# Every daemon: its own objects, then libcommon (after them, for ld).
$(BUILD)/kerr-apid: $(call obj,$(APID_SRCS)) $(UI_GEN:.c=.o)
$(BUILD)/kerr-schedulerd: $(call obj,$(SCHEDULERD_SRCS))
$(BUILD)/kerr-cleanerd: $(call obj,$(CLEANERD_SRCS))
# cleanerd POSTs the webhooks (libcurl4-openssl-dev, in DEB_PACKAGES).
$(BUILD)/kerr-cleanerd: LIBS += -lcurl
$(RUN_BIN): $(call obj,$(RUN_SRCS))
$(filter-out %/kerr-supervisor %/kerr-fetch %/kerr,$(BINS)) $(RUN_BIN): $(LIBCOMMON)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(LIBS)

# A build tool, libc only, run on this machine before apid is linked.
$(BUILD)/kerr-ui-embed: $(call obj,daemons/apid/ui_embed.c)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^

$(UI_GEN): $(BUILD)/kerr-ui-embed $(UI_FILES) $(sort $(dir $(UI_FILES)))
	@mkdir -p $(dir $@)
	@echo "  EMBED   $(UI_DIR)"
	@$(BUILD)/kerr-ui-embed $@ $(UI_DIR) $(patsubst $(UI_DIR)/%,%,$(UI_FILES))

$(UI_GEN:.c=.o): $(UI_GEN)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -iquote daemons/apid -c -o $@ $<

# One supervisor runs per task: static, it maps no loader and no shared
# libraries and has no relocations to copy (64 KiB private dirty instead
# of 100), and no LD_PRELOAD of the task's environment, which is its own,
# reaches it as root.  The sanitizers need their shared runtime.
SUPERVISOR_LDFLAGS = $(if $(SANITIZE),,-static)

# The artifact fetcher: run by a task's supervisor only when it has
# artifacts, so libcurl and libarchive never weigh on the supervisor.
$(BUILD)/kerr-fetch: $(call obj,$(FETCH_SRCS))
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ -lcurl -larchive -ljansson -lnettle

# The command-line client: libcurl and jansson only.
$(BUILD)/kerr: $(call obj,$(KERR_SRCS))
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ -lcurl -ljansson -lm

$(BUILD)/kerr-supervisor: $(call obj,$(SUPERVISOR_SRCS))
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $(SUPERVISOR_LDFLAGS) -o $@ $^ -lnettle

$(call obj,tests/unit/check_run_policy.c): CFLAGS += -iquote daemons/run
$(call obj,tests/unit/check_kerr_cli.c): CFLAGS += -iquote daemons/kerr
$(call obj,tests/unit/check_json_filter.c tests/unit/check_task_stats.c \
    tests/unit/check_tokens.c tests/unit/check_sandbox_path.c): \
    CFLAGS += -iquote daemons/apid
$(call obj,tests/unit/check_cron_next.c tests/unit/check_healthcheck.c \
    tests/unit/check_task_env.c): CFLAGS += -iquote daemons/schedulerd
$(call obj,tests/unit/check_executor.c tests/unit/check_supervisor.c): \
    CFLAGS += -iquote daemons/supervisor
# Both test binaries share tests/fixture.[ch].
$(call obj,$(filter tests/%,$(UNIT_SRCS) $(INTEG_SRCS) $(SLURM_TEST_SRCS))): \
    CFLAGS += -iquote tests
$(call obj,tests/slurm/check_slurm.c): CFLAGS += -iquote tests/integration

$(BUILD)/check_unit: $(call obj,$(UNIT_SRCS)) $(LIBCOMMON)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

$(BUILD)/kerr-test-httpd: $(call obj,tests/integration/test_httpd.c)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/check_integration: $(call obj,$(INTEG_SRCS)) $(LIBCOMMON)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lcurl $(LIBS)

$(BUILD)/check_slurm: $(call obj,$(SLURM_TEST_SRCS)) $(LIBCOMMON)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lcurl $(LIBS)

# Install what is missing as root; otherwise say the one line to run.
DEPS_PACKAGES	 = $(DEB_PACKAGES)
fuzz-deps: DEPS_PACKAGES = $(FUZZ_DEB_PACKAGES)
deps fuzz-deps:
	@missing=""; for p in $(DEPS_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing \
	      || exit 1; \
	  else \
	    echo "Missing Debian packages. Run:"; \
	    echo "  sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

# The parsers with coverage for libFuzzer; a harness links them with it.
$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
	    -c -o $@ $<

$(FUZZ_LIB): $(call fuzzobj,$(FUZZ_LIB_SRCS))
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@echo "  LD      $@"
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -ljansson -lnettle

fuzz-build: $(FUZZ_BINS)
.SECONDARY: $(patsubst %,$(FUZZ_BUILD)/tests/fuzz/fuzz_%.o,$(FUZZ_HARNESSES))

# One apt-get after the other, even under -j.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# Under SANITIZE the daemons the tests start inherit these too.
TEST_ENV	 = LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		   UBSAN_OPTIONS=print_stacktrace=1

unit: $(BUILD)/check_unit $(BUILD)/kerr-supervisor
	@$(TEST_ENV) KERR_BUILD_DIR=$(CURDIR)/$(BUILD) $(BUILD)/check_unit

integration: $(BINS) $(RUN_BIN) $(BUILD)/check_integration $(BUILD)/kerr-test-httpd
	@$(TEST_ENV) KERR_BUILD_DIR=$(CURDIR)/$(BUILD) $(BUILD)/check_integration

check: deps
	@$(MAKE) --no-print-directory unit integration

# A real Slurm (installed if missing) in a temporary directory.
check-slurm: deps
	@$(MAKE) --no-print-directory all $(BUILD)/check_slurm \
	    $(BUILD)/kerr-test-httpd
	@$(TEST_ENV) tests/slurm/run.sh $(BUILD)

# Chromium, Node and the pinned playwright-core installed if missing.
check-ui: deps
	@$(MAKE) --no-print-directory all $(BUILD)/kerr-test-httpd
	@$(TEST_ENV) tests/ui/run.sh $(BUILD)

var/kerr.conf:
	@mkdir -p var
	@printf '# Written by make run: state in this folder.\n[common]\nstate_dir = %s/var\nruntime_dir = %s/var/run\n' \
	  "$(CURDIR)" "$(CURDIR)" > $@

run: deps
	@$(MAKE) --no-print-directory all var/kerr.conf
	@exec $(RUN_BIN) -c var/kerr.conf

# Benchmarks against this machine's own ceilings, in one run: bench/run.sh.
bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(BUILD)

# Daemons' memory and descriptors under a long load (not in CI; long):
# bench/soak.sh, SOAK_TASKS=N for a shorter run.
soak: deps
	@$(MAKE) --no-print-directory all
	@bench/soak.sh $(BUILD)

# Copies files only: creating the user and /var/lib/kerr is left to
# systemd-sysusers and systemd-tmpfiles (see README.md), so this works in a
# DESTDIR with no systemd running.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/kerr \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	test -e $(DESTDIR)$(SYSCONFDIR)/kerr/kerr.conf || \
	  install -m 0644 etc/kerr.conf $(DESTDIR)$(SYSCONFDIR)/kerr/kerr.conf
	for u in systemd/*.service systemd/*.socket systemd/*.target; do \
	  sed 's|@BINDIR@|$(BINDIR)|g' $$u > $(DESTDIR)$(UNITDIR)/$$(basename $$u); \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u); \
	done
	install -m 0644 systemd/kerr.sysusers $(DESTDIR)$(SYSUSERSDIR)/kerr.conf
	install -m 0644 systemd/kerr.tmpfiles $(DESTDIR)$(TMPFILESDIR)/kerr.conf
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 daemons/kerr/kerr.1 $(DESTDIR)$(MANDIR)/man1/kerr.1
	install -m 0644 daemons/kerr/kerr.bash $(DESTDIR)$(BASHCOMPDIR)/kerr

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BINS)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(wildcard systemd/kerr*.s* systemd/*.target)))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/kerr.conf
	rm -f $(DESTDIR)$(TMPFILESDIR)/kerr.conf
	rm -f $(DESTDIR)$(MANDIR)/man1/kerr.1 $(DESTDIR)$(BASHCOMPDIR)/kerr

clean:
	rm -rf build build-san $(FUZZ_BUILD)

-include $(shell find $(BUILD) $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
