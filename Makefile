# avatar-spool — set-up, build, demo, tests. See README.md.
SHELL := /bin/bash
APT_PACKAGES := libcurl4-openssl-dev libpng-dev libsqlite3-dev curl libssl-dev libpq-dev
# The browser test opens the task and spool pages in headless Chromium.
TEST_PACKAGES += chromium
# What `make test` needs to check the service: systemd-analyze (the unit),
# promtool and node_exporter's textfile collector (the metrics).
SERVICE_TEST_PACKAGES := systemd prometheus prometheus-node-exporter
# Imaging: the grid corpus (Tests/imaging/grid_corpus.py) needs numpy; the
# split benchmark compares with ImageMagick.
IMAGING_PACKAGES := python3-numpy
BENCH_PACKAGES := imagemagick
# Part 8 (scripts/hosts.sh bench): three hosts in network namespaces, PostgreSQL for the leases.
BENCH_PACKAGES += iproute2 postgresql postgresql-client
# The PostgreSQL index tests start a real server (scripts/postgres.sh) and query it with psql.
TEST_PACKAGES += postgresql postgresql-client
# Hosts sharing one spool (scripts/hosts.sh, in `make test` and `make bench`): network namespaces and veth pairs.
TEST_PACKAGES += iproute2
SWIFT ?= swift
BIN_RELEASE := .build/release/avatar-spool

PREFIX ?= /usr/local
MANPAGES := .build/plugins/GenerateManual/outputs/avatar-spool

.PHONY: deps test-deps imaging-deps build release man install uninstall demo test bench clean

# Installs the system packages only when one is missing.
deps: PACKAGES = $(APT_PACKAGES)
test-deps: PACKAGES = $(APT_PACKAGES) $(TEST_PACKAGES) $(SERVICE_TEST_PACKAGES)
deps test-deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# numpy from apt only when python3 cannot import one already (pyenv, venv).
imaging-deps:
	@python3 -c 'import numpy' 2>/dev/null || $(MAKE) --no-print-directory deps APT_PACKAGES="$(IMAGING_PACKAGES)"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	bash scripts/demo.sh $(BIN_RELEASE)

test: test-deps imaging-deps
	AVATAR_REQUIRE_BROWSER=1 bash scripts/test.sh

# Man pages through swift-argument-parser's manual plugin (one per command).
man: release
	$(SWIFT) package plugin generate-manual --multi-page

# PREFIX (default /usr/local) and DESTDIR as usual; see scripts/install.sh.
install: man
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/install.sh install $(BIN_RELEASE) $(MANPAGES)

uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/install.sh uninstall

bench: release imaging-deps
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BENCH_PACKAGES)"
	bash scripts/bench.sh $(BIN_RELEASE)

clean:
	rm -rf .build demo-spool
