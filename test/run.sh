#!/usr/bin/env bash
# test/run.sh: wren's integration tests, as a user would meet wren. As root it
# makes two unprivileged test users (one with a subuid/subgid range, one without),
# builds a busybox image offline, serves it from a registry on 127.0.0.1, puts a
# registries.conf drop-in with one alias of its own in
# /etc/containers/registries.conf.d (as Debian's shortnames.conf is), and runs
# test/bats as the user with a range, as root, and (060, 092) as the user without
# a range, each with its own WREN_ROOT and WREN_RUNROOT. Everything it starts is
# stopped by PID on exit. Exit status: 0 only if every test passed.
# Usage: test/run.sh [BATS_FILE…]   (default: every file in test/bats)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "test/run.sh: $*" >&2; exit 1; }
# shellcheck source=test/lib/registry.sh
. "$repo/test/lib/registry.sh"

if [ "$(id -u)" -ne 0 ]; then
	# Making users and writing /etc/subuid needs root; the tests themselves drop it.
	if command -v sudo >/dev/null && { [ -t 0 ] || sudo -n true 2>/dev/null; }; then
		echo "test/run.sh: sudo, to create the test users" >&2
		exec sudo env PATH="$PATH" BUILDTAGS="${BUILDTAGS:-}" WREN_BINARY="${WREN_BINARY:-}" "$0" "$@"
	fi
	die "needs root to create its test users: sudo make test-integration"
fi

for tool in bats skopeo docker-registry jq expect runuser useradd usermod ss gzip htpasswd openssl; do
	command -v "$tool" >/dev/null || die "$tool not found: run hack/setup.sh first"
done
wren_src=${WREN_BINARY:-$repo/bin/wren}
[ -x "$wren_src" ] || die "$wren_src not found: make build first"
buildtags=${BUILDTAGS:-containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_zfs libsqlite3 seccomp containers_image_docker_daemon_stub runc_nocriu}

user_ranged=wrentest
user_single=wrentest-single
# Per test; a hung test fails alone instead of eating the whole run's time.
test_timeout=${WREN_TEST_TIMEOUT:-120}

# Two runs at once would share the test users and their pause processes.
exec 9>/run/wren-test.lock
if ! flock -n 9; then
	echo "test/run.sh: another run holds /run/wren-test.lock; waiting up to ${WREN_TEST_LOCK_WAIT:-1800}s" >&2
	flock -w "${WREN_TEST_LOCK_WAIT:-1800}" 9 || die "another test/run.sh is still running (lock /run/wren-test.lock)"
fi
# Nothing started below may hold the lock: a leaked process would block the next run.
nolock() { "$@" 9>&-; }

work=$(mktemp -d /var/tmp/wren-test.XXXXXX)
chmod 0755 "$work"
registry_pid=
auth_registry_pid=
started=$SECONDS
# A system registries.conf drop-in, as Debian's containers-common installs
# shortnames.conf, with one alias only the tests use; and the directories made
# for it, to remove again.
dropin_dir=/etc/containers/registries.conf.d
dropin=$dropin_dir/wren-test-shortnames.conf
dropin_alias=wren-test-dropin
dropin_target=127.0.0.1:1/wren-test/dropin
dropin_made=()

# pause_pid USER: the live pause process wren recorded for USER, if any. The
# recorded user-namespace inode guards against a reused pid.
pause_pid() {
	local uid file pid userino _
	uid=$(id -u "$1" 2>/dev/null) || return 0
	file=/run/user/$uid/wren/pause.pid
	[ -r "$file" ] || return 0
	read -r pid userino _ <"$file" || return 0
	[ -n "$pid" ] && [ "$(stat -L -c %i "/proc/$pid/ns/user" 2>/dev/null)" = "$userino" ] && echo "$pid"
	return 0
}

# stop_user USER: ends what wren left running for USER: its pause process, and
# any process still owned by the test user (a leak worth reporting).
stop_user() {
	local uid pid pids
	uid=$(id -u "$1" 2>/dev/null) || return 0
	pid=$(pause_pid "$1")
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
	# Zombies are already dead; their parent is gone or will reap them.
	pids=$(ps -u "$uid" -o pid=,stat= | awk '$2 !~ /^Z/ { print $1 }' || true)
	if [ -n "$pids" ]; then
		echo "test/run.sh: processes of $1 left behind:" >&2
		# shellcheck disable=SC2086 # one pid a word
		ps -o pid,args -p "$(echo $pids | tr ' ' ,)" >&2 || true
		for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
	fi
	rm -rf "/run/user/$uid/wren"
}

cleanup() {
	local rc=$?
	# Clean up as far as possible, whatever fails on the way.
	set +e +o pipefail
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait "$registry_pid" 2>/dev/null || true
	fi
	if [ -n "$auth_registry_pid" ]; then
		kill "$auth_registry_pid" 2>/dev/null || true
		wait "$auth_registry_pid" 2>/dev/null || true
	fi
	stop_user "$user_ranged"
	stop_user "$user_single"
	rm -f "$dropin"
	for d in "${dropin_made[@]}"; do rmdir "$d" 2>/dev/null || true; done
	# Root's containers and layers mount in the host's namespace.
	findmnt -rn -o TARGET | grep "^$work/" | sort -r | while read -r m; do umount -l "$m" || true; done
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# next_subid FILE: the first id above every range in FILE, and at least 100000
# as useradd would pick.
next_subid() {
	awk -F: 'BEGIN { n = 100000 } NF >= 3 && $2 + $3 > n { n = $2 + $3 } END { print n }' "$1"
}

# ensure_user NAME ranged|single: the user, its runtime directory, and a subuid
# and subgid range of 65536 ids or none at all.
ensure_user() {
	local name=$1 mode=$2 uid start
	id -u "$name" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$name"
	uid=$(id -u "$name")
	touch /etc/subuid /etc/subgid
	if [ "$mode" = ranged ]; then
		if ! grep -q "^$name:" /etc/subuid; then
			start=$(next_subid /etc/subuid)
			usermod --add-subuids "$start-$((start + 65535))" "$name"
		fi
		if ! grep -q "^$name:" /etc/subgid; then
			start=$(next_subid /etc/subgid)
			usermod --add-subgids "$start-$((start + 65535))" "$name"
		fi
	else
		sed -i -e "/^$name:/d" -e "/^$uid:/d" /etc/subuid /etc/subgid
	fi
	stop_user "$name"
	install -d -o "$name" -g "$(id -g "$name")" -m 0700 "/run/user/$uid"
}

step() { printf '== %s (%ds)\n' "$*" "$((SECONDS - started))"; }

step "test users"
ensure_user "$user_ranged" ranged
ensure_user "$user_single" single

step "busybox image"
mkdir -p "$work/bin" "$work/bats"
install -m 0755 "$wren_src" "$work/bin/wren"
# wren looks for its helpers (wren-monitor, wren-init) beside itself.
for helper in "$(dirname "$wren_src")"/wren-*; do
	[ ! -x "$helper" ] || install -m 0755 "$helper" "$work/bin/"
done
# The tests run as other users, who may not be able to read the checkout.
cp -r "$repo/test/bats/." "$work/bats/"
# The build tests' Dockerfiles and contexts, found beside the bats files.
cp -r "$repo/test/build" "$work/build"
chmod -R a+rX "$work/bats" "$work/build"
"$repo/hack/mkrootfs.sh" "$work/busybox.tar"
chmod 0644 "$work/busybox.tar"
read -r image_id diff_id < <("$repo/test/lib/mkoci.sh" "$work/busybox.tar" "$work/oci")

step "registry on 127.0.0.1"
registry_config "$work/registry"
start_registry "$work/registry" || die "the registry did not start"
registry_pid=$started_pid
registry=127.0.0.1:$started_port
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/policy.json"
skopeo copy --quiet --policy "$work/policy.json" --format v2s2 --dest-tls-verify=false \
	"oci:$work/oci:latest" "docker://$registry/busybox:latest"
manifest_digest=$(skopeo inspect --tls-verify=false "docker://$registry/busybox:latest" | jq -r .Digest)
pushed_id=$(skopeo inspect --tls-verify=false --raw "docker://$registry/busybox:latest" | jq -r .config.digest)
[ "$pushed_id" = "$image_id" ] || die "pushed config $pushed_id, built $image_id"
echo "   $registry/busybox:latest $manifest_digest (image $image_id)"

step "system registries.conf drop-in $dropin"
for d in /etc/containers "$dropin_dir"; do
	[ -d "$d" ] || { mkdir -m 0755 "$d" && dropin_made=("$d" "${dropin_made[@]}"); }
done
printf '# wren test/run.sh: removed when the run ends.\n[aliases]\n"%s" = "%s"\n' "$dropin_alias" "$dropin_target" >"$dropin"
chmod 0644 "$dropin"

step "TLS registry with htpasswd auth on 127.0.0.1"
# A CA made here signs the registry's certificate; the CA goes in a certs.d
# style directory the tests pass with --cert-dir. User wren, password from the run.
auth=$work/auth-registry
mkdir -p "$auth/certs"
auth_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
htpasswd -Bbn wren "$auth_password" >"$auth/htpasswd"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=wren test CA" \
	-keyout "$auth/ca.key" -out "$auth/certs/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$auth/server.key" -out "$auth/server.csr" 2>/dev/null
openssl x509 -req -in "$auth/server.csr" -CA "$auth/certs/ca.crt" -CAkey "$auth/ca.key" -CAcreateserial -days 1 \
	-extfile <(printf 'subjectAltName=IP:127.0.0.1\n') -out "$auth/server.crt" 2>/dev/null
registry_config "$auth" "  tls:
    certificate: $auth/server.crt
    key: $auth/server.key
auth:
  htpasswd:
    realm: wren-test
    path: $auth/htpasswd"
start_registry "$auth" || die "the TLS registry did not start"
auth_registry_pid=$started_pid
auth_port=$started_port
chmod -R a+rX "$auth/certs"
auth_registry=127.0.0.1:$auth_port
echo "   $auth_registry (TLS, htpasswd user wren)"

# run_bats NAME USER FILE...: runs bats files as USER (root: none) with an
# isolated root and run root; TAP output goes to stdout and $work/NAME.tap.
failed=()
run_bats() {
	local name=$1 user=$2; shift 2
	local dir=$work/$name home uid
	mkdir -p "$dir/root" "$dir/runroot" "$dir/tmp"
	local env=(
		PATH="$work/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		LANG=C.UTF-8 TERM=xterm
		TMPDIR="$dir/tmp"
		WREN_ROOT="$dir/root" WREN_RUNROOT="$dir/runroot"
		WREN_BINARY="$work/bin/wren"
		WREN_TEST_REGISTRY="$registry"
		WREN_TEST_ROOTFS="$work/busybox.tar"
		WREN_TEST_BUSYBOX_ID="$image_id"
		WREN_TEST_BUSYBOX_DIFFID="$diff_id"
		WREN_TEST_BUSYBOX_DIGEST="$manifest_digest"
		WREN_TEST_AUTH_REGISTRY="$auth_registry"
		WREN_TEST_AUTH_CERTS="$auth/certs"
		WREN_TEST_AUTH_USER=wren
		WREN_TEST_AUTH_PASSWORD="$auth_password"
		WREN_TEST_DROPIN="$dropin"
		WREN_TEST_DROPIN_ALIAS="$dropin_alias"
		WREN_TEST_DROPIN_TARGET="$dropin_target"
		BATS_TEST_TIMEOUT="$test_timeout"
		# The rootless network namespace outlives its last container briefly.
		WREN_NETWORK_LINGER=5s
	)
	local as=()
	if [ "$user" = root ]; then
		env+=(HOME=/root USER=root LOGNAME=root)
	else
		uid=$(id -u "$user")
		home=$(getent passwd "$user" | cut -d: -f6)
		chown -R "$user:$(id -g "$user")" "$dir"
		env+=(HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="/run/user/$uid")
		as=(runuser -u "$user" --)
	fi
	step "bats as $user: $*"
	local rc=0
	(cd "$dir/tmp" && nolock "${as[@]}" env -i "${env[@]}" timeout -k 10 900 bats --tap --timing "$@") </dev/null 2>&1 |
		tee "$work/$name.tap" || rc=$?
	[ "$rc" -eq 0 ] || failed+=("bats as $user ($name)")
	# The lingering network namespace is no leak: it goes at once.
	(cd "$dir/tmp" && "${as[@]}" env -i "${env[@]}" "$work/bin/wren" network prune -f >/dev/null 2>&1) || true
	[ "$user" = root ] || stop_user "$user"
}

# Arguments pick bats files (e.g. 030-run.bats); none means all of them.
files=()
for f in "$@"; do
	f=$work/bats/$(basename "$f")
	[ -f "$f" ] || die "no such bats file: $f"
	files+=("$f")
done
[ ${#files[@]} -gt 0 ] || files=("$work/bats")
run_bats user "$user_ranged" "${files[@]}"
run_bats root root "${files[@]}"
# The files that check single-id mode also run as the user without a range.
single_files=()
for f in 060-userns.bats 092-doctor.bats; do
	if [ $# -eq 0 ] || [[ " $* " == *$f* ]]; then
		single_files+=("$work/bats/$f")
	fi
done
[ ${#single_files[@]} -eq 0 ] || run_bats single "$user_single" "${single_files[@]}"

# Go tests that need a real user namespace and store carry the "integration"
# build tag; they are built here as root and run as the test user.
mapfile -t gopkgs < <(cd "$repo" && grep -rl --include='*_test.go' '^//go:build.*integration' . | xargs -r -n1 dirname | sort -u)
if [ ${#gopkgs[@]} -gt 0 ]; then
	mkdir -p "$work/gotest" "$work/user/gotmp"
	chown "$user_ranged" "$work/user/gotmp"
	for pkg in "${gopkgs[@]}"; do
		bin=$work/gotest/$(echo "${pkg#./}" | tr / _).test
		step "go integration tests: $pkg"
		(cd "$repo" && go test -c -tags "$buildtags integration" -o "$bin" "$pkg") || { failed+=("go test -c $pkg"); continue; }
		chmod 0755 "$bin"
		uid=$(id -u "$user_ranged")
		(cd "$work/user/gotmp" && nolock runuser -u "$user_ranged" -- env -i \
			PATH="$work/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME="$(getent passwd "$user_ranged" | cut -d: -f6)" \
			USER="$user_ranged" TMPDIR="$work/user/gotmp" XDG_RUNTIME_DIR="/run/user/$uid" \
			WREN_ROOT="$work/user/goroot" WREN_RUNROOT="$work/user/gorunroot" WREN_BINARY="$work/bin/wren" \
			WREN_TEST_REGISTRY="$registry" WREN_TEST_ROOTFS="$work/busybox.tar" WREN_NETWORK_LINGER=0 \
			timeout -k 10 600 "$bin" -test.count=1) </dev/null || failed+=("go integration tests $pkg")
	done
	stop_user "$user_ranged"
fi

step "done"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'test/run.sh: FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "test/run.sh: all integration tests passed"
