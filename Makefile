# avatar-spool — set-up, build, demo, tests. See README.md.
SHELL := /bin/bash
APT_PACKAGES := libcurl4-openssl-dev libpng-dev libsqlite3-dev libpq-dev curl
# The browser test opens the task and spool pages in headless Chromium.
TEST_PACKAGES += chromium
# The PostgreSQL index tests start a real server (scripts/postgres.sh) and query it with psql.
TEST_PACKAGES += postgresql postgresql-client
SWIFT ?= swift
BIN_RELEASE := .build/release/avatar-spool

.PHONY: deps test-deps build release demo test bench clean

# Installs the system packages only when one is missing.
deps: PACKAGES = $(APT_PACKAGES)
test-deps: PACKAGES = $(APT_PACKAGES) $(TEST_PACKAGES)
deps test-deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	bash scripts/demo.sh $(BIN_RELEASE)

test: test-deps
	AVATAR_REQUIRE_BROWSER=1 bash scripts/test.sh

bench: release
	bash scripts/bench.sh $(BIN_RELEASE)

clean:
	rm -rf .build demo-spool
