#!/usr/bin/env bash
# Installs every Debian package ferry needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PKGS=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libpugixml-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev libsqlite3-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev libxxhash-dev
  python3 python3-pytest python3-boto3 python3-yaml awscli
  bubblewrap rclone snakemake make time procps clang-format
  # the tests of `ferry completion zsh` and `ferry man`
  zsh groff-base man-db
  # AWS's service models, which awssetup's request_models_test checks every
  # request of `ferry aws setup` against
  python3-botocore
  # tests/job: a chroot holding only a static busybox runs ferry-job; `file`
  # and openssl check that it is static and make the TLS test's CA
  busybox-static file openssl
  # scripts/fuzz.sh: libFuzzer targets need clang with its fuzzer and
  # sanitizer runtimes
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  # ferry-awsemu runs Batch jobs in their images with podman; runc because
  # crun fails on hosts with the hybrid cgroup layout; conmon and catatonit
  # (initProcessEnabled) are podman's, listed since recommends are skipped
  podman runc conmon catatonit
  # tests/slurm and bench/slurm_overhead start a one-node Slurm cluster:
  # munged, slurmctld and slurmd, and the client commands ferry runs
  slurm-wlm munge
  # scripts/test-images.sh builds the container tests' images from these
  debootstrap
  # -with-dag lays the task graph out with Graphviz's libgvc
  libgraphviz-dev
  # tests/ports run the ported public pipelines (examples/rnaseq,
  # examples/zika) with their tools: salmon, FastQC and MultiQC for RNA-seq,
  # augur with mafft and iqtree for Nextstrain; without recommends these
  # still run both pipelines (fastqc's Java comes as a dependency)
  salmon fastqc multiqc augur mafft iqtree
  # tests/reports open the report pages in headless chromium (playwright-core
  # from tests/reports/package-lock.json drives it)
  chromium
)
missing=()
# Node may come from elsewhere (its own npm then conflicts with Debian's): only
# ask Debian for it when no npm is on PATH.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
