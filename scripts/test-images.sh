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
# Each tarball is built once and kept in ${FERRY_IMAGE_CACHE:-/var/cache/ferry-test-images},
# so the jobs of one CI run share them. Prints the path of each built image.
#   scripts/test-images.sh [busybox|debian|debian-make ...]   (default: busybox debian)
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

images=("$@")
[[ ${#images[@]} -gt 0 ]] || images=(busybox debian)
for image in "${images[@]}"; do
  case $image in
    busybox) build_busybox ;;
    debian) build_debian ;;
    debian-make) build_debian_with debian-make make ;;
    *) echo "test-images.sh: unknown image '$image' (known: busybox, debian, debian-make)" >&2; exit 2 ;;
  esac
done
