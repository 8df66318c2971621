#!/usr/bin/env bash
# bench/network.sh: rootless networking. iperf3 throughput from a container to a
# server on the host's loopback through the default network (the bridge of the
# rootless namespace: TCP to host.containers.internal is relayed by wren), with
# a pasta of the container's own (its tap; its loopback splice with
# --network pasta:-T,PORT) and with slirp4netns, and through published ports
# (host to container), against plain host loopback; and the start time each
# network adds over --network none. Prints a markdown section; --record appends
# it to bench/RESULTS.md.
#
# iperf3 is Debian's dynamically linked binary: it runs in the busybox image
# with the host's /usr/bin/iperf3 and library directories bound in read-only.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/network.sh" "$@"

runs=${BENCH_RUNS:-30}
secs=${BENCH_SECONDS:-5}
wren=${WREN:-$repo/bin/wren}
for tool in hyperfine iperf3; do
	command -v "$tool" >/dev/null || { echo "bench/network.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
bench_store

iperf_mounts=(-v /usr/bin/iperf3:/usr/bin/iperf3:ro -v /usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro
	-v /usr/lib64:/lib64:ro)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# gbits JSON: the receiver's rate in Gbit/s from iperf3 -J output.
gbits() {
	python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
server_port=$(free_port)
iperf3 -s -B 127.0.0.1 -p "$server_port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; "$wren" rm -f bench-iperf >/dev/null 2>&1 || true; bench_remove_store' EXIT
sleep 0.5

loopback=$(iperf3 -J -t "$secs" -c 127.0.0.1 -p "$server_port" | gbits)
relay=$("$wren" run --rm "${iperf_mounts[@]}" bench-busybox iperf3 -J -t "$secs" -c host.containers.internal -p "$server_port" | gbits)
tap=$("$wren" run --rm --network pasta "${iperf_mounts[@]}" bench-busybox iperf3 -J -t "$secs" -c host.containers.internal -p "$server_port" | gbits)
splice=$("$wren" run --rm --network "pasta:-T,$server_port" "${iperf_mounts[@]}" bench-busybox iperf3 -J -t "$secs" -c 127.0.0.1 -p "$server_port" | gbits)
slirp=$("$wren" run --rm --network slirp4netns "${iperf_mounts[@]}" bench-busybox iperf3 -J -t "$secs" -c 10.0.2.2 -p "$server_port" | gbits)

published() {
	local port
	port=$(free_port)
	"$wren" run -d --name bench-iperf "$@" -p "127.0.0.1:$port:5201" "${iperf_mounts[@]}" bench-busybox iperf3 -s >/dev/null
	for _ in $(seq 50); do
		iperf3 -J -t "$secs" -c 127.0.0.1 -p "$port" 2>/dev/null | gbits 2>/dev/null && break
		sleep 0.1
	done
	"$wren" rm -f bench-iperf >/dev/null
}
pub=$(published)
pub_pasta=$(published --network pasta)
pub_slirp=$(published --network slirp4netns)

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
bench_header "Networking"
echo "Load average when it started: $load (other sessions' builds and tests share the 2 cores)."
echo
echo "Rootless; iperf3 -t $secs, one TCP stream, container to a server on the host's 127.0.0.1 (published port: host to container); passt $(dpkg-query -W -f='${Version}' passt 2>/dev/null), slirp4netns $(slirp4netns --version | awk 'NR==1 {print $3}')."
echo
echo "| Path | Gbit/s | × host loopback |"
echo "|:---|---:|---:|"
echo "| host loopback (no container) | $loopback | 1.00 |"
echo "| default network, to host.containers.internal (bridge, wren's relay) | $relay | $(ratio "$relay" "$loopback") |"
echo "| published port, host to container (default network, wren's forwarder) | $pub | $(ratio "$pub" "$loopback") |"
echo "| --network pasta, to host.containers.internal (pasta tap) | $tap | $(ratio "$tap" "$loopback") |"
echo "| --network pasta:-T,PORT to 127.0.0.1 (pasta splice) | $splice | $(ratio "$splice" "$loopback") |"
echo "| published port, host to container (--network pasta) | $pub_pasta | $(ratio "$pub_pasta" "$loopback") |"
echo "| --network slirp4netns, to 10.0.2.2 | $slirp | $(ratio "$slirp" "$loopback") |"
echo "| published port, host to container (slirp4netns) | $pub_slirp | $(ratio "$pub_slirp" "$loopback") |"
echo
echo "Default path against slirp4netns: $(ratio "$relay" "$slirp")×."
echo
"$wren" run --rm bench-busybox true
hyperfine -N --warmup 5 --runs "$runs" --style none --export-markdown "$work/start.md" \
	-n "wren run --rm --network none busybox true" "$wren run --rm --network none bench-busybox true" \
	-n "wren run --rm busybox true (default network: bridge)" "$wren run --rm bench-busybox true" \
	-n "wren run --rm --network pasta busybox true" "$wren run --rm --network pasta bench-busybox true" \
	-n "wren run --rm --network slirp4netns busybox true" "$wren run --rm --network slirp4netns bench-busybox true" >/dev/null
echo "Start time, hyperfine -N, $runs runs after 5 warm-ups:"
echo
cat "$work/start.md"
