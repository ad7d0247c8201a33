#!/usr/bin/env bash
# Builds the root file systems ferry-awsemu's container tests run Batch jobs
# in, from Debian packages on this machine (no image comes from a registry):
#   busybox.tar  only busybox-static, its applets as symlinks, a passwd with
#                root and nobody, and /etc/ferry-test-image naming the image
#   debian.tar   `debootstrap --variant=minbase bookworm` from the machine's
#                apt mirror (needs root and the network to that mirror)
#   debian-make.tar  debian.tar with make added (`ferry build` of a Makefile
#                project; minbase has no make): make's .deb fetched by this
#                machine's apt and installed with dpkg in a chroot, seconds
#                instead of a second debootstrap's minutes
#   debian-tools.tar  debian.tar with snakemake and Debian's aws CLI (`ferry
#                build` of a Snakemake project, and jobs staging with the
#                image's own /usr/bin/aws): installed by apt in a chroot of
#                debian.tar, which resolves what a plain dpkg cannot (virtual
#                packages, the closure). smart-open's remote transports
#                (python3-azure alone is 543 MB) are empty stand-in packages:
#                snakemake opens local files only here, and smart_open skips
#                a transport it cannot import
#   debian-ports.tar  debian.tar with the ported pipelines' tools (salmon,
#                fastqc, multiqc, augur, mafft, iqtree) and snakemake, by apt
#                as debian-tools (tests/ports runs every Batch task of
#                examples/rnaseq and examples/zika, and `ferry build` of the
#                zika Snakefile, in it). An image of its own, not debian-tools
#                grown: its closure (Java, SciPy, pandas) is several times
#                debian-tools', which tests/job imports and runs on every
#                machine
# Each tarball is built once and kept in ${FERRY_IMAGE_CACHE:-/var/cache/ferry-test-images},
# so the jobs of one CI run share them. Prints the path of each built image.
#   scripts/test-images.sh [busybox|debian|debian-make|debian-tools|debian-ports ...]   (default: busybox debian)
# Import one into the emulator with `--image NAME:TAG=FILE` or POST /_emu/images.
set -euo pipefail

cache=${FERRY_IMAGE_CACHE:-/var/cache/ferry-test-images}
mkdir -p "$cache"
# One builder at a time: .ci/run starts the Debian image in the background
# while ferry compiles, and a test asking for it meanwhile waits here for that
# build instead of starting a second debootstrap into the same tarball.
exec 9>"$cache/.lock"
flock 9

# The mirror apt uses here: the first deb URI of the main archive.
apt_mirror() {
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    grep -v security | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//' | awk '{print $1; exit}')
  echo "${uri:-http://deb.debian.org/debian}"
}

# Packs directory $1 into tarball $2 (atomically), owned by root.
pack() {
  tar -C "$1" --numeric-owner --owner=0 --group=0 -cf "$2.tmp" .
  mv "$2.tmp" "$2"
}

build_busybox() {
  local out=$cache/busybox.tar
  [[ -s $out ]] && { echo "$out"; return; }
  local bb
  bb=$(command -v busybox || true)
  if [[ -z $bb ]] || ! file -L "$bb" | grep -q 'statically linked'; then
    echo "test-images.sh: a static busybox is needed (apt-get install busybox-static)" >&2
    return 1
  fi
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo busybox >"$root/etc/ferry-test-image"
  pack "$root" "$out"
  rm -rf "$root"
  echo "$out"
}

build_debian() {
  local out=$cache/debian.tar
  [[ -s $out ]] && { echo "$out"; return; }
  if ! command -v debootstrap >/dev/null; then
    echo "test-images.sh: debootstrap is needed (apt-get install debootstrap)" >&2
    return 1
  fi
  local root
  root=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$root" "$(apt_mirror)" >"$cache/debian.log" 2>&1 || {
    echo "test-images.sh: debootstrap failed, see $cache/debian.log" >&2
    rm -rf "$root"
    return 1
  }
  # apt's package lists and caches are of no use in a test image.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  echo debian >"$root/etc/ferry-test-image"
  pack "$root" "$out"
  rm -rf "$root"
  echo "$out"
}

# debian.tar plus the packages named (no dependencies beyond minbase's):
# build_debian_with NAME PACKAGE...
build_debian_with() {
  local name=$1
  shift
  local out=$cache/$name.tar
  [[ -s $out ]] && { echo "$out"; return; }
  local base
  base=$(build_debian) || return 1
  local root debs
  root=$(mktemp -d)
  debs=$(mktemp -d)
  tar -C "$root" -xf "$base"
  if ! (cd "$debs" && apt-get download "$@") >"$cache/$name.log" 2>&1 ||
    ! cp "$debs"/*.deb "$root/tmp/" ||
    ! chroot "$root" sh -c 'dpkg -i /tmp/*.deb && rm -f /tmp/*.deb' >>"$cache/$name.log" 2>&1; then
    echo "test-images.sh: adding $* to the minbase image failed, see $cache/$name.log" >&2
    rm -rf "$root" "$debs"
    return 1
  fi
  echo "$name" >"$root/etc/ferry-test-image"
  pack "$root" "$out"
  rm -rf "$root" "$debs"
  echo "$out"
}

# debian.tar plus the packages named and what apt says they need (no
# recommends), with the packages given before `--` replaced by empty
# stand-ins, then CHECK (a command) run in it to show the tools work:
# build_debian_apt NAME CHECK STUB... -- PACKAGE... The chroot gets this
# machine's apt sources, apt settings (proxies, snapshot dates) and
# resolv.conf, and /proc and /dev from the host, all of it undone before
# packing; the mounts are undone however the build ends.
build_debian_apt() {
  local name=$1 check=$2
  shift 2
  local stubs=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    stubs+=("$1")
    shift
  done
  shift
  local out=$cache/$name.tar
  [[ -s $out ]] && { echo "$out"; return; }
  local base
  base=$(build_debian) || return 1
  local root rc=0
  root=$(mktemp -d)
  # Not `if ! ( ... )`: bash ignores set -e in a subshell whose status is tested.
  set +e
  (
    set -e
    trap 'rc=$?; umount "$root/dev" 2>/dev/null || true; umount "$root/proc" 2>/dev/null || true; exit $rc' EXIT
    tar -C "$root" -xf "$base"
    for stub in "${stubs[@]}"; do
      mkdir -p "$root/tmp/$stub/DEBIAN"
      printf 'Package: %s\nVersion: 99:0\nArchitecture: all\nMaintainer: ferry tests <root@localhost>\nDescription: empty stand-in (ferry test image)\n' \
        "$stub" >"$root/tmp/$stub/DEBIAN/control"
      dpkg-deb --build "$root/tmp/$stub" "$root/tmp/$stub.deb"
      chroot "$root" dpkg -i "/tmp/$stub.deb"
      rm -rf "$root/tmp/$stub" "$root/tmp/$stub.deb"
    done
    cp -a "$root/etc/apt" "$root/.apt-saved"
    cp "$root/etc/resolv.conf" "$root/.resolv-saved" 2>/dev/null || true
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
    cp -L /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null || true
    find /etc/apt/sources.list.d -maxdepth 1 \( -name '*.list' -o -name '*.sources' \) -exec cp -L {} "$root/etc/apt/sources.list.d/" \;
    cp -L /etc/apt/apt.conf.d/* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    # No service starts inside the chroot.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    chroot "$root" apt-get update
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y --no-install-recommends "$@"
    chroot "$root" apt-get clean
    chroot "$root" sh -c "$check"
    umount "$root/dev"
    umount "$root/proc"
    rm -rf "$root/etc/apt" "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root/usr/sbin/policy-rc.d"
    mv "$root/.apt-saved" "$root/etc/apt"
    if [[ -e $root/.resolv-saved ]]; then mv "$root/.resolv-saved" "$root/etc/resolv.conf"; else rm -f "$root/etc/resolv.conf"; fi
  ) >"$cache/$name.log" 2>&1
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "test-images.sh: adding $* to the minbase image with apt failed, see $cache/$name.log" >&2
    umount "$root/dev" "$root/proc" 2>/dev/null || true
    mountpoint -q "$root/proc" || mountpoint -q "$root/dev" || rm -rf "$root"
    return 1
  fi
  if mountpoint -q "$root/proc" || mountpoint -q "$root/dev"; then
    echo "test-images.sh: $root/proc or $root/dev is still mounted; unmount it and remove $root" >&2
    return 1
  fi
  echo "$name" >"$root/etc/ferry-test-image"
  pack "$root" "$out"
  rm -rf "$root"
  echo "$out"
}

images=("$@")
[[ ${#images[@]} -gt 0 ]] || images=(busybox debian)
for image in "${images[@]}"; do
  case $image in
    busybox) build_busybox ;;
    debian) build_debian ;;
    debian-make) build_debian_with debian-make make ;;
    debian-tools)
      build_debian_apt debian-tools 'snakemake --version && aws --version' \
        python3-azure python3-azure-storage python3-boto3 python3-paramiko -- snakemake awscli
      ;;
    debian-ports)
      build_debian_apt debian-ports 'salmon --version && fastqc --version && multiqc --version && augur --version && mafft --version && iqtree2 --version && snakemake --version' \
        python3-azure python3-azure-storage python3-boto3 python3-paramiko -- salmon fastqc multiqc augur mafft iqtree snakemake
      ;;
    *) echo "test-images.sh: unknown image '$image' (known: busybox, debian, debian-make, debian-tools, debian-ports)" >&2; exit 2 ;;
  esac
done
