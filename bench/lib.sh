# bench/lib.sh: what every benchmark script shares. Source it first thing.
#
# bench_as_user SCRIPT ARGS…: as root, runs SCRIPT again as the unprivileged user
# $BENCH_USER (created with subordinate ids if missing), because the rootless path
# is the one that matters, prints its output and, with --record, appends it to
# bench/RESULTS.md; then exits. As a user it returns and the script goes on.
bench_as_user() {
	local script=$1
	shift
	[ "$(id -u)" -eq 0 ] && [ -z "${BENCH_AS_ROOT:-}" ] || return 0
	local user=${BENCH_USER:-wrenbench} record=false uid out home
	[ "${1:-}" = --record ] && record=true
	if ! id "$user" >/dev/null 2>&1; then
		useradd -m -s /bin/bash "$user"
		grep -q "^$user:" /etc/subuid || echo "$user:400000:65536" >>/etc/subuid
		grep -q "^$user:" /etc/subgid || echo "$user:400000:65536" >>/etc/subgid
	fi
	uid=$(id -u "$user")
	home=$(getent passwd "$user" | cut -d: -f6)
	install -d -o "$user" -m 0700 "/run/user/$uid"
	out=$(mktemp)
	chmod 644 "$out"
	runuser -u "$user" -- env -i PATH="$PATH" HOME="$home" XDG_RUNTIME_DIR="/run/user/$uid" \
		BENCH_RUNS="${BENCH_RUNS:-}" BENCH_COUNTS="${BENCH_COUNTS:-}" WREN="${WREN:-$repo/bin/wren}" \
		bash "$script" >"$out"
	cat "$out"
	if $record; then
		{ echo; cat "$out"; } >>"$repo/bench/RESULTS.md"
	fi
	rm -f "$out"
	exit 0
}

# bench_store: an isolated wren store for this run, removed on exit (through the
# user namespace, since it holds files of subordinate ids), and a busybox image
# in it named bench-busybox. Sets work, WREN_ROOT, WREN_RUNROOT.
bench_store() {
	work=$(mktemp -d)
	export WREN_ROOT=$work/root WREN_RUNROOT=$XDG_RUNTIME_DIR/wren-bench-$$
	trap bench_remove_store EXIT
	"$repo/hack/mkrootfs.sh" "$work/busybox.tar"
	"$wren" import "$work/busybox.tar" bench-busybox >/dev/null
}

# bench_remove_store: removes what bench_store made: the rootless network
# namespace that lingers after the last container first, then the store, through
# the user namespace since it holds files of subordinate ids.
bench_remove_store() {
	"$wren" network prune -f >/dev/null 2>&1 || true
	"$wren" unshare rm -rf "$WREN_ROOT" "$WREN_RUNROOT" 2>/dev/null || true
	rm -rf "$work"
}

# bench_podman_runtime: the OCI runtime podman can use here (crun refuses cgroups
# v1 hybrid hosts as a user; runc works), or nothing when podman cannot run.
bench_podman_runtime() {
	command -v podman >/dev/null || return 0
	podman image exists localhost/bench-busybox 2>/dev/null ||
		podman import "$work/busybox.tar" localhost/bench-busybox >/dev/null 2>&1
	local runtime
	for runtime in crun runc; do
		if podman --runtime "$runtime" run --rm --network none localhost/bench-busybox true >/dev/null 2>&1; then
			echo "$runtime"
			return 0
		fi
	done
}

# bench_header TITLE: the section heading with date and machine.
bench_header() {
	echo "## $1 ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME"))"
	echo
}
