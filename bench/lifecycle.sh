#!/usr/bin/env bash
# bench/lifecycle.sh: a detached container's cycle (run -d, then stop) against
# podman's, and the memory each container's monitor keeps (wren-monitor against
# conmon), rootless. Prints a markdown section; --record appends it to
# bench/RESULTS.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/lifecycle.sh" "$@"

runs=${BENCH_RUNS:-20}
wren=${WREN:-$repo/bin/wren}
bench_store
runtime=$(bench_podman_runtime)

# A container that ends at once on SIGTERM, so the cycle measures the engine.
cycle_wren="id=\$($wren run -d --init bench-busybox sleep 1000) && $wren stop \$id >/dev/null && $wren rm \$id >/dev/null"
args=(-n "wren run -d + stop + rm" "$cycle_wren")
if [ -n "$runtime" ]; then
	p="podman --runtime $runtime"
	args+=(-n "podman run -d + stop + rm ($runtime)"
		"id=\$($p run -d --init --network none localhost/bench-busybox sleep 1000) && $p stop \$id >/dev/null && $p rm \$id >/dev/null")
fi

bench_header "Detached container cycle and monitor memory"
echo "Rootless; the container runs sleep under --init so SIGTERM ends it at once; hyperfine, $runs runs after 3 warm-ups (shell overhead included on both sides)."
echo
hyperfine --warmup 3 --runs "$runs" --style none --export-markdown "$work/cycle.md" "${args[@]}" >/dev/null
cat "$work/cycle.md"
echo

# private: kB of memory only this process holds (Private_Clean + Private_Dirty).
private() {
	awk '/^Private_(Clean|Dirty):/ {kb += $2} END {print kb}' "/proc/$1/smaps_rollup"
}
rss() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}
ids=()
for i in 1 2 3 4 5; do
	ids+=("$("$wren" run -d bench-busybox sleep 1000)")
done
sleep 1
echo "| monitor | RSS (kB, mean of 5) | private (kB, mean of 5) |"
echo "|:---|---:|---:|"
r=0 pr=0 n=0
for id in "${ids[@]}"; do
	pid=$("$wren" inspect -f '{{.State.Pid}}' "$id")
	mon=$(ps -o ppid= -p "$pid" | tr -d ' ')
	r=$((r + $(rss "$mon"))) pr=$((pr + $(private "$mon"))) n=$((n + 1))
done
echo "| wren-monitor | $((r / n)) | $((pr / n)) |"
"$wren" rm -f "${ids[@]}" >/dev/null
if [ -n "$runtime" ]; then
	pids=()
	for i in 1 2 3 4 5; do
		podman --runtime "$runtime" run -d --network none localhost/bench-busybox sleep 1000 >/dev/null
	done
	sleep 1
	r=0 pr=0 n=0
	for mon in $(pgrep -u "$(id -u)" conmon); do
		r=$((r + $(rss "$mon"))) pr=$((pr + $(private "$mon"))) n=$((n + 1))
	done
	[ "$n" -gt 0 ] && echo "| conmon (podman $runtime) | $((r / n)) | $((pr / n)) |"
	podman rm -f -a >/dev/null 2>&1 || true
fi
