#!/usr/bin/env bash
# bench/build.sh: wren build, rootless, against podman build on the same busybox
# image: the 3-step Dockerfile without cache, its cached rebuild, and a 20-step
# Dockerfile without and with cache. Prints a markdown section;
# `bench/build.sh --record` appends it to bench/RESULTS.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/build.sh" "$@"

runs=${BENCH_RUNS:-15}
wren=${WREN:-$repo/bin/wren}
command -v hyperfine >/dev/null || { echo "bench/build.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
bench_store

# The issue's 3-step Dockerfile, and 20 steps of every kind.
mkdir -p "$work/three" "$work/twenty"
echo payload >"$work/three/file.txt"
printf 'FROM bench-busybox\nRUN echo hi > /file && mkdir /d\nCOPY file.txt /d/\n' >"$work/three/Dockerfile"
cp "$work/three/file.txt" "$work/twenty/"
{
	echo "FROM bench-busybox"
	echo "ARG V=1"
	echo "ENV A=1 B=2"
	echo "LABEL bench=yes"
	echo "WORKDIR /app"
	echo "RUN echo one > one"
	echo "COPY file.txt ."
	echo "ENV C=3"
	echo "RUN echo two > two && ls"
	echo "EXPOSE 8080"
	echo "USER root"
	echo "RUN cat one two > both"
	echo "COPY file.txt /opt/"
	echo "VOLUME /data"
	echo "STOPSIGNAL SIGTERM"
	echo "HEALTHCHECK CMD true"
	echo "RUN echo \$V > v"
	echo "ENTRYPOINT [\"/bin/sh\", \"-c\"]"
	echo "CMD [\"cat /app/both\"]"
	echo "LABEL done=yes"
} >"$work/twenty/Dockerfile"

"$wren" build -q -t bench-three "$work/three" >/dev/null
"$wren" build -q -t bench-twenty "$work/twenty" >/dev/null
wargs=(-n "wren build --no-cache (3 steps)" "$wren build -q --no-cache -t bench-three $work/three"
	-n "wren build, cached (3 steps)" "$wren build -q -t bench-three $work/three"
	-n "wren build --no-cache (20 steps)" "$wren build -q --no-cache -t bench-twenty $work/twenty"
	-n "wren build, cached (20 steps)" "$wren build -q -t bench-twenty $work/twenty")
pargs=()
note=""
runtime=$(bench_podman_runtime)
if [ -n "$runtime" ]; then
	sed 's|FROM bench-busybox|FROM localhost/bench-busybox|' "$work/three/Dockerfile" >"$work/three/Podmanfile"
	sed 's|FROM bench-busybox|FROM localhost/bench-busybox|' "$work/twenty/Dockerfile" >"$work/twenty/Podmanfile"
	podman --runtime "$runtime" build -q -f "$work/three/Podmanfile" -t bench-three "$work/three" >/dev/null
	podman --runtime "$runtime" build -q -f "$work/twenty/Podmanfile" -t bench-twenty "$work/twenty" >/dev/null
	pargs=(-n "podman build --no-cache (3 steps, $runtime)" "podman --runtime $runtime build -q --no-cache -f $work/three/Podmanfile -t bench-three $work/three"
		-n "podman build, cached (3 steps, $runtime)" "podman --runtime $runtime build -q -f $work/three/Podmanfile -t bench-three $work/three"
		-n "podman build --no-cache (20 steps, $runtime)" "podman --runtime $runtime build -q --no-cache -f $work/twenty/Podmanfile -t bench-twenty $work/twenty"
		-n "podman build, cached (20 steps, $runtime)" "podman --runtime $runtime build -q -f $work/twenty/Podmanfile -t bench-twenty $work/twenty")
	note=" podman $(podman version -f '{{.Client.Version}}' 2>/dev/null) with $runtime, its default isolation."
fi

bench_header "Build"
pruns=$((runs < 5 ? runs : 5))
echo "Rootless, hyperfine -N, $runs runs (podman: $pruns) after 2 warm-ups; default network for RUN on both sides. 3 steps: FROM busybox; RUN echo hi > /file && mkdir /d; COPY a file. 20 steps: every kind of instruction, 6 of them RUN or COPY.$note Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
hyperfine -N --warmup 2 --runs "$runs" --style none --export-markdown "$work/build.md" "${wargs[@]}" >/dev/null
cat "$work/build.md"
if [ ${#pargs[@]} -gt 0 ]; then
	echo
	hyperfine -N --warmup 1 --runs "$pruns" --style none --export-markdown "$work/podman.md" "${pargs[@]}" >/dev/null
	cat "$work/podman.md"
fi
if [ -n "$runtime" ]; then
	podman rmi -f bench-three bench-twenty >/dev/null 2>&1 || true
fi
