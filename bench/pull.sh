#!/usr/bin/env bash
# bench/pull.sh: a cold pull of a ≈50 MB image of many files from a registry on
# 127.0.0.1, and save/load of the same image, wren against podman, rootless. The
# image is made here: three layers of files of random data (incompressible, so
# the registry serves ≈50 MB), pushed by wren to a docker-registry this script
# starts and stops. Prints a markdown section; --record appends it to bench/RESULTS.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
# shellcheck source=test/lib/registry.sh
. "$repo/test/lib/registry.sh"
bench_as_user "$repo/bench/pull.sh" "$@"

runs=${BENCH_RUNS:-6}
wren=${WREN:-$repo/bin/wren}
for tool in hyperfine docker-registry ss; do
	command -v "$tool" >/dev/null || { echo "bench/pull.sh: $tool is missing (hack/setup.sh installs it)" >&2; exit 1; }
done
bench_store
registry_pid=
podman_root=$work/podman
cleanup_pull() {
	[ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
	if command -v podman >/dev/null; then
		podman --root "$podman_root/root" --runroot "$podman_root/run" unshare rm -rf "$podman_root" 2>/dev/null || true
	fi
	bench_remove_store
}
trap cleanup_pull EXIT

# The registry, on a port the kernel picks.
registry_config "$work/registry"
start_registry "$work/registry" || exit 1
registry_pid=$started_pid
image=127.0.0.1:$started_port/bench/pull:latest

# layer_tar DIR FILES SIZE_KB: DIR filled with FILES files of random data
# averaging SIZE_KB each, in a few subdirectories.
fill() {
	local dir=$1 files=$2 kb=$3 i
	for i in $(seq "$files"); do
		mkdir -p "$dir/d$((i % 16))"
		head -c $(((RANDOM % (2 * kb) + 1) * 1024)) /dev/urandom >"$dir/d$((i % 16))/f$i"
	done
}
# Three layers: the busybox rootfs with 600 files (≈24 MB), then two more of
# 400 files (≈16 MB, ≈10 MB), committed one on the other.
mkdir -p "$work/l1" "$work/l2" "$work/l3"
tar -xf "$work/busybox.tar" -C "$work/l1"
fill "$work/l1/data1" 600 40
fill "$work/l2/data2" 400 40
fill "$work/l3/data3" 400 25
tar -C "$work/l1" -cf "$work/l1.tar" .
"$wren" import "$work/l1.tar" bench-pull:1 >/dev/null
for n in 2 3; do
	"$wren" create --name "bench-pull-$n" --network none "bench-pull:$((n - 1))" true >/dev/null
	"$wren" cp "$work/l$n/." "bench-pull-$n:/"
	"$wren" commit "bench-pull-$n" "bench-pull:$n" >/dev/null
	"$wren" rm "bench-pull-$n" >/dev/null
done
"$wren" tag bench-pull:3 "$image"
"$wren" push -q "$image" >/dev/null
"$wren" rmi -f bench-pull:1 bench-pull:2 bench-pull:3 "$image" >/dev/null
size=$(du -sm "$work/registry/data" | cut -f1)
wren_version=$("$wren" version --format '{{.Client.Version}}' 2>/dev/null || echo dev)

args=(--prepare "$wren rmi -f $image >/dev/null 2>&1 || true" -n "wren pull (cold)" "$wren pull -q $image")
podman_note="podman is not installed: wren alone."
p=
if command -v podman >/dev/null; then
	p="podman --root $podman_root/root --runroot $podman_root/run"
	args+=(--prepare "$p rmi -f $image >/dev/null 2>&1 || true" -n "podman pull (cold)" "$p pull -q --tls-verify=false $image")
	podman_note="podman $(podman version -f '{{.Client.Version}}' 2>/dev/null) with its own store (overlay)."
fi

bench_header "Pull, save and load of a ≈50 MB image"
echo "Rootless; three layers of 1400 files of random data, ${size} MB in a docker-registry on 127.0.0.1;"
echo "cold: the image is removed (its layers too) before each run. hyperfine, $runs runs after 1 warm-up."
echo "wren $wren_version on $("$wren" info --format '{{.Driver}}' 2>/dev/null || echo '?'); $podman_note"
echo
hyperfine --warmup 1 --runs "$runs" --style none --export-markdown "$work/pull.md" "${args[@]}" >/dev/null
cat "$work/pull.md"
echo

# save and load: the same image, to and from a file on the same disk (podman's
# save refuses to write over an archive, so both start from none).
"$wren" pull -q "$image" >/dev/null
args=(--prepare "rm -f $work/wren.tar" -n "wren save -o" "$wren save -o $work/wren.tar $image"
	--prepare "$wren rmi -f $image >/dev/null 2>&1 || true" -n "wren load -i" "$wren load -q -i $work/wren.tar")
"$wren" save -o "$work/wren.tar" "$image"
if [ -n "$p" ]; then
	$p pull -q --tls-verify=false "$image" >/dev/null
	$p save -q -o "$work/podman.tar" "$image" >/dev/null
	args+=(--prepare "rm -f $work/podman.tar" -n "podman save -o" "$p save -q -o $work/podman.tar $image"
		--prepare "$p rmi -f $image >/dev/null 2>&1 || true" -n "podman load -i" "$p load -q -i $work/podman.tar")
fi
hyperfine --warmup 1 --runs "$runs" --style none --export-markdown "$work/saveload.md" "${args[@]}" >/dev/null
cat "$work/saveload.md"
