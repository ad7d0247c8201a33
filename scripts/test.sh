#!/usr/bin/env bash
# Installs what is missing, builds ferry with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs the whole test suite through CTest.
# This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Node packages used by tests (the s3rver S3 server), pinned by package-lock.
for lock in tests/*/package-lock.json; do
  [ -e "$lock" ] || continue
  (cd "$(dirname "$lock")" && npm ci --no-audit --no-fund --loglevel=error)
done
BUILD=${FERRY_TEST_BUILD_DIR:-build-asan}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFERRY_SANITIZE=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export AWS_EC2_METADATA_DISABLED=true
ctest --test-dir "$BUILD" --output-on-failure -j2 --timeout 600
