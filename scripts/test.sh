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
# The container tests' images (busybox, and a debootstrap minbase Debian, one
# with snakemake and the aws CLI, and one with the ported pipelines' tools,
# both added by apt, which take minutes each),
# made while ferry builds: debootstrap and apt wait on the network and the
# disk more than on the CPU. They are cached in
# /var/cache/ferry-test-images, so later runs on this machine reuse them.
# Should one fail, the tests that need it skip, saying why.
images_log=$(mktemp)
bash scripts/test-images.sh busybox debian debian-make debian-tools debian-ports >"$images_log" 2>&1 &
images_pid=$!
cmake --build "$BUILD" -j"$(nproc)"
if ! wait "$images_pid"; then
  echo "test.sh: the container test images could not all be made (their tests will skip):" >&2
  cat "$images_log" >&2
fi
rm -f "$images_log"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export AWS_EC2_METADATA_DISABLED=true
ctest --test-dir "$BUILD" --output-on-failure -j2 --timeout 600
