#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang 14 with ASan and UBSan) in their
# own build directory and runs each for a bounded time, starting from seeds
# taken from the tests and examples. Fails when a target finds a crash, a
# hang, a leak or an out-of-memory input; the input is left in
# $BUILD/artifacts/<target>/ (see docs/internals.md, Tests, to turn it into a
# unit test).
#
#   scripts/fuzz.sh [TARGET...]        e.g. scripts/fuzz.sh pipeline sigv4
#   FERRY_FUZZ_SECONDS=300 scripts/fuzz.sh
#   FERRY_FUZZ_BUILD_DIR=build-fuzz (default)
#   FERRY_FUZZ_BUILD_ONLY=1 scripts/fuzz.sh   builds the targets, runs nothing
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${FERRY_FUZZ_SECONDS:-60}
BUILD=${FERRY_FUZZ_BUILD_DIR:-build-fuzz}
ALL=(pipeline config template s3_xml sigv4 awsemu_request)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Line tables are all a crash report needs (file:line in each frame); full
# debug info makes clang slower and the binaries larger.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFERRY_FUZZ=ON -DFERRY_TESTS=OFF \
  -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DCMAKE_C_FLAGS_DEBUG=-gline-tables-only \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/%/_fuzz}"
[ "${FERRY_FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# Seeds: each file below becomes one input (names are content hashes, so
# running again adds nothing twice).
seed() {  # seed TARGET FILE...
  local dir="$BUILD/seeds/$1" f
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"
  done
}
# Each line of text that holds a template ({{ ... }}) as its own seed.
seed_templates() {
  local dir="$BUILD/seeds/template" line
  mkdir -p "$dir"
  { grep -h '{{' "$@" 2>/dev/null || true; } | sed 's/^[^:]*: *//; s/^ *- *//' | while IFS= read -r line; do
    printf '%s' "$line" >"$dir/$(printf '%s' "$line" | sha1sum | cut -c1-16)"
  done
}
# The billion-laughs file walks the whole million-node alias budget (seconds
# under the sanitizers, each mutation again): its own test covers it.
mapfile -t ymls < <(find tests examples -name node_modules -prune -o \( -name '*.yml' -o -name '*.yaml' \) \
  ! -name yaml-billion-laughs.yml -print)
mapfile -t configs < <(find tests examples src/config/testdata -name node_modules -prune -o -name '*.config' -print)
mapfile -t requests < <(find src/aws/testdata/sigv4 -name 'request.txt' -o -name '*-signed-request.txt')
rm -rf "$BUILD/seeds"
seed pipeline "${ymls[@]}"
seed config "${configs[@]}"
seed_templates "${ymls[@]}"
seed sigv4 "${requests[@]}"
seed awsemu_request "${requests[@]}"
for t in "${ALL[@]}"; do
  [ -d "fuzz/corpus/$t" ] && seed "$t" fuzz/corpus/"$t"/*
  mkdir -p "$BUILD/seeds/$t"
done

# The longest input worth trying per target: whole files for the file
# languages, one request or expression for the others.
max_len() {
  case "$1" in
    pipeline | config | s3_xml) echo 16384 ;;
    template) echo 1024 ;;
    *) echo 4096 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Runs one target; its output goes to $BUILD/<target>.log, and
# $BUILD/<target>.result says "ok" or "failed".
fuzz_one() {
  local t=$1 corpus="$BUILD/corpus/$1" artifacts="$BUILD/artifacts/$1"
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input taking over 30 s is a hang (the billion-laughs seed
  # alone takes seconds under the sanitizers); -rss_limit_mb: one over
  # 2 GB is a blow-up. The corpus directory grows across runs; seeds are read only.
  if "$BUILD/fuzz/${t}_fuzz" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$BUILD/seeds/$t" 2>"$BUILD/$t.log"; then
    echo ok >"$BUILD/$t.result"
  else
    echo failed >"$BUILD/$t.result"
  fi
}

# Targets run side by side, one per core (FERRY_FUZZ_JOBS to change it):
# each still gets its full time, and CI waits a third as long for six.
jobs_at_once=${FERRY_FUZZ_JOBS:-$(nproc)}
echo "== fuzz ${TARGETS[*]} for ${SECONDS_EACH}s each, $jobs_at_once at a time"
running=0
for t in "${TARGETS[@]}"; do
  rm -f "$BUILD/$t.result"
  if [ "$running" -ge "$jobs_at_once" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait
failed=()
for t in "${TARGETS[@]}"; do
  if [ "$(cat "$BUILD/$t.result" 2>/dev/null)" = ok ]; then
    echo "fuzz $t: $(grep -E '^stat::number_of_executed_units|^Done' "$BUILD/$t.log" | tr '\n' ' ')"
    continue
  fi
  failed+=("$t")
  tail -60 "$BUILD/$t.log"
  # CI runs in a directory it deletes afterwards: print the input too.
  for a in "$BUILD/artifacts/$t"/*; do
    [ -f "$a" ] && { echo "--- $a (base64)"; base64 "$a"; }
  done
  echo "fuzz $t FAILED: input saved in $ROOT/$BUILD/artifacts/$t/" >&2
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}" >&2
  exit 1
fi
