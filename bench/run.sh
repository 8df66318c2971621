#!/usr/bin/env bash
# bench/run.sh: container start time, rootless, side by side with podman and with
# the kernel's floor (unshare), with hyperfine. Prints a markdown section that
# bench/RESULTS.md collects; `bench/run.sh --record` appends it there.
#
# As root it runs itself again as the unprivileged user $BENCH_USER (created with
# subordinate ids if missing), because the rootless path is the one that matters.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
record=false
[ "${1:-}" = --record ] && record=true
runs=${BENCH_RUNS:-40}
user=${BENCH_USER:-wrenbench}

if [ "$(id -u)" -eq 0 ] && [ -z "${BENCH_AS_ROOT:-}" ]; then
	if ! id "$user" >/dev/null 2>&1; then
		useradd -m -s /bin/bash "$user"
		grep -q "^$user:" /etc/subuid || echo "$user:400000:65536" >>/etc/subuid
		grep -q "^$user:" /etc/subgid || echo "$user:400000:65536" >>/etc/subgid
	fi
	uid=$(id -u "$user")
	install -d -o "$user" -m 0700 "/run/user/$uid"
	out=$(mktemp)
	chmod 644 "$out"
	runuser -u "$user" -- env -i PATH="$PATH" HOME="$(getent passwd "$user" | cut -d: -f6)" \
		XDG_RUNTIME_DIR="/run/user/$uid" BENCH_RUNS="$runs" WREN="${WREN:-$repo/bin/wren}" \
		bash "$repo/bench/run.sh" >"$out"
	cat "$out"
	if $record; then
		{ echo; cat "$out"; } >>"$repo/bench/RESULTS.md"
	fi
	rm -f "$out"
	exit 0
fi

wren=${WREN:-$repo/bin/wren}
command -v hyperfine >/dev/null || { echo "bench/run.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
work=$(mktemp -d)
export WREN_ROOT=$work/root WREN_RUNROOT=$XDG_RUNTIME_DIR/wren-bench-$$
# The store holds files of subordinate ids: only the namespace can remove them.
trap '"$wren" unshare rm -rf "$WREN_ROOT" "$WREN_RUNROOT" 2>/dev/null || true; rm -rf "$work"' EXIT

"$repo/hack/mkrootfs.sh" "$work/busybox.tar"
"$wren" import "$work/busybox.tar" bench-busybox >/dev/null
"$wren" run --rm --network none bench-busybox true

cmds=(
	"$wren run --rm --network none bench-busybox true"
	"unshare -Urmpf --mount-proc true"
)
names=("wren run --rm busybox true" "unshare -Urmpf --mount-proc true (floor)")
podman_note=""
if command -v podman >/dev/null; then
	podman import "$work/busybox.tar" localhost/bench-busybox >/dev/null 2>&1
	# crun refuses cgroups v1 hybrid hosts as a user; podman's runc works there.
	for runtime in crun runc; do
		if podman --runtime "$runtime" run --rm --network none localhost/bench-busybox true >/dev/null 2>&1; then
			cmds+=("podman --runtime $runtime run --rm --network none localhost/bench-busybox true")
			names+=("podman run --rm busybox true ($runtime)")
			podman_note=" podman $(podman version -f '{{.Client.Version}}' 2>/dev/null) with $runtime."
			break
		fi
	done
fi

echo "## Container start ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME"))"
echo
echo "Rootless, --network none on both sides, same busybox image, hyperfine -N, $runs runs after 5 warm-ups.$podman_note"
echo
args=()
for i in "${!cmds[@]}"; do
	args+=(-n "${names[$i]}" "${cmds[$i]}")
done
hyperfine -N --warmup 5 --runs "$runs" --style none --export-markdown "$work/run.md" "${args[@]}" >/dev/null
cat "$work/run.md"
echo
hyperfine -N --warmup 5 --runs "$runs" --style none --export-markdown "$work/cli.md" \
	-n "wren --help" "$wren --help" -n "wren version" "$wren version" >/dev/null
cat "$work/cli.md"
echo
init=$(GODEBUG=inittrace=1 "$wren" --help 2>&1 >/dev/null | awk '/^init/ {ms += $5} END {printf "%.1f", ms}')
echo "Package init of wren (GODEBUG=inittrace=1, sum of clock times): $init ms."
if command -v podman >/dev/null; then
	podman rmi localhost/bench-busybox >/dev/null 2>&1 || true
fi
