#!/usr/bin/env bash
# bench/ps.sh: `wren ps -a` with 20 and with 1000 containers (issue 2 targets
# ≤ 50 ms at 1000), and podman's `ps -a` with 20, rootless, with hyperfine.
# Prints a markdown section for bench/RESULTS.md; `bench/ps.sh --record`
# appends it there. As root it runs itself again as $BENCH_USER (created with
# subordinate ids if missing). BENCH_COUNTS overrides "20 1000".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/ps.sh" "$@"
runs=${BENCH_RUNS:-30}
counts=${BENCH_COUNTS:-20 1000}

wren=${WREN:-$repo/bin/wren}
command -v hyperfine >/dev/null || { echo "bench/ps.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
work=$(mktemp -d)
export WREN_ROOT=$work/root WREN_RUNROOT=$XDG_RUNTIME_DIR/wren-bench-ps-$$
podman_ids=()
cleanup() {
	if [ ${#podman_ids[@]} -gt 0 ]; then
		podman rm -f "${podman_ids[@]}" >/dev/null 2>&1 || true
		podman rmi localhost/bench-ps-busybox >/dev/null 2>&1 || true
	fi
	bench_remove_store
}
trap cleanup EXIT

"$repo/hack/mkrootfs.sh" "$work/busybox.tar" >/dev/null
"$wren" import "$work/busybox.tar" bench-busybox >/dev/null

# make_containers N: brings the number of containers up to N with `wren
# create`, four at a time; half of them also run (and exit) so ps shows both
# Created and Exited rows.
have=0
make_containers() {
	local n=$1
	seq "$((have + 1))" "$n" | xargs -P 4 -I{} sh -c '
		if [ $(({} % 2)) -eq 0 ]; then
			"$0" run --network none --name ps-bench-{} bench-busybox true
		else
			"$0" create --network none --name ps-bench-{} bench-busybox true >/dev/null
		fi' "$wren"
	have=$n
}

bench_header "ps -a"
echo "Rootless; hyperfine -N, $runs runs after 3 warm-ups; containers half created, half exited."
echo
rows=()
for n in $counts; do
	make_containers "$n"
	[ "$("$wren" ps -aq | wc -l)" -eq "$n" ] || { echo "bench/ps.sh: expected $n containers" >&2; exit 1; }
	hyperfine -N --warmup 3 --runs "$runs" --style none --export-markdown "$work/ps-$n.md" \
		-n "wren ps -a ($n containers)" "$wren ps -a" >/dev/null
	rows+=("$(tail -n 1 "$work/ps-$n.md")")
done
if command -v podman >/dev/null && podman import "$work/busybox.tar" localhost/bench-ps-busybox >/dev/null 2>&1; then
	for i in $(seq 20); do
		podman_ids+=("$(podman create --network none --name "ps-bench-$$-$i" localhost/bench-ps-busybox true)")
	done
	hyperfine -N --warmup 3 --runs "$runs" --style none --export-markdown "$work/podman.md" \
		-n "podman ps -a (20 containers, $(podman version -f '{{.Client.Version}}' 2>/dev/null))" "podman ps -a" >/dev/null
	rows+=("$(tail -n 1 "$work/podman.md")")
fi
head -n 2 "$work/ps-$(echo "$counts" | awk '{print $1}').md"
printf '%s\n' "${rows[@]}"
