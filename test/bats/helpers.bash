# Shared by every test/bats file: `load helpers`. test/run.sh sets the environment:
# WREN_BINARY (also first on PATH as wren), WREN_ROOT and WREN_RUNROOT (isolated
# per run), WREN_TEST_REGISTRY (host:port of a plain-HTTP registry on 127.0.0.1
# holding busybox:latest), WREN_TEST_ROOTFS (a busybox rootfs tar) and the pushed
# image's WREN_TEST_BUSYBOX_ID, _DIFFID and _DIGEST; WREN_TEST_AUTH_REGISTRY (a TLS
# registry with htpasswd auth), WREN_TEST_AUTH_CERTS (its CA, a --cert-dir),
# WREN_TEST_AUTH_USER and WREN_TEST_AUTH_PASSWORD; WREN_TEST_DROPIN (a system
# registries.conf drop-in, as Debian's shortnames.conf) whose one alias maps
# WREN_TEST_DROPIN_ALIAS to WREN_TEST_DROPIN_TARGET (a registry that answers nothing).

# bats sets output, lines, status, stderr and stderr_lines in `run`.
# shellcheck disable=SC2154

bats_require_minimum_version 1.5.0

: "${WREN_BINARY:=wren}"
: "${WREN_TEST_ROOTFS:?run the tests through test/run.sh}"

# wren runs the binary under test; `run wren …` and `run -125 wren …` use it too.
wren() {
	"$WREN_BINARY" "$@"
}

# Debian's bats lacks bats-assert; these print what differed before failing.

# assert_output EXPECTED: $output is exactly EXPECTED.
assert_output() {
	if [ "$output" != "$1" ]; then
		printf 'expected output:\n%s\nactual output:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

# assert_match REGEX [TEXT]: TEXT ($output by default) matches the extended REGEX.
assert_match() {
	local text=${2-$output}
	if ! [[ $text =~ $1 ]]; then
		printf 'expected to match: %s\nactual:\n%s\n' "$1" "$text" >&2
		return 1
	fi
}

# refute_match REGEX [TEXT]: TEXT ($output by default) does not match REGEX.
refute_match() {
	local text=${2-$output}
	if [[ $text =~ $1 ]]; then
		printf 'expected not to match: %s\nactual:\n%s\n' "$1" "$text" >&2
		return 1
	fi
}

# assert_equal EXPECTED ACTUAL
assert_equal() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %s\nactual:   %s\n' "$1" "$2" >&2
		return 1
	fi
}

# assert_one_error: after `run --separate-stderr`, stderr is exactly one
# "Error: …" line (Docker's form) and stdout is empty.
assert_one_error() {
	if [ "${#stderr_lines[@]}" -ne 1 ] || [[ ${stderr_lines[0]} != "Error: "?* ]]; then
		printf 'expected one "Error: …" line on stderr, got:\n%s\n' "$stderr" >&2
		return 1
	fi
	if [ -n "$output" ]; then
		printf 'expected no stdout, got:\n%s\n' "$output" >&2
		return 1
	fi
}

# rootless: true when the tests run as an unprivileged user.
rootless() {
	[ "$(id -u)" -ne 0 ]
}

# single_id: true for a user without a subuid or subgid range.
single_id() {
	rootless || return 1
	! grep -qE "^($(id -un)|$(id -u)):" /etc/subuid 2>/dev/null ||
		! grep -qE "^($(id -un)|$(id -u)):" /etc/subgid 2>/dev/null
}

# subid_range FILE: "START COUNT" of this user's first range in FILE.
subid_range() {
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '$1 == n || $1 == u { print $2, $3; exit }' "$1"
}

# pause_file: where wren records its pause process (pid, user ns inode, mnt ns inode).
pause_file() {
	echo "${XDG_RUNTIME_DIR:?}/wren/pause.pid"
}

# pause_pid: the pid recorded in the pause file, if the file exists.
pause_pid() {
	local pid _
	read -r pid _ <"$(pause_file)" 2>/dev/null || return 0
	echo "$pid"
}

# import_busybox NAME: imports the busybox rootfs as image NAME.
import_busybox() {
	wren import "$WREN_TEST_ROOTFS" "$1" >/dev/null
}

# rm_containers NAME…: removes containers whatever their state; for teardown.
rm_containers() {
	local c
	for c in "$@"; do
		wren rm -f "$c" >/dev/null 2>&1 || true
	done
}

# rm_images REF…: removes images; for teardown.
rm_images() {
	local i
	for i in "$@"; do
		wren rmi -f "$i" >/dev/null 2>&1 || true
	done
}

# squeeze: the input with runs of blanks turned into one space, ends trimmed;
# table output compares without depending on column widths.
squeeze() {
	sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//'
}

# build_udpecho PATH: busybox's nc has no UDP; a tiny static UDP echo server
# (`PATH PORT`), to bind into containers.
build_udpecho() {
	cc -static -O2 -x c -o "$1" - <<'C'
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) return 1;
	for (;;) {
		char buf[2048];
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
		if (n > 0) sendto(s, buf, n, 0, (struct sockaddr *)&from, len);
	}
}
C
}

# udp_echo PORT [HOST]: sends ping-udp to HOST:PORT (127.0.0.1) and prints the
# reply, retried: the server in the container may not be up yet.
udp_echo() {
	local reply
	for _ in $(seq 20); do
		reply=$(exec 3<>"/dev/udp/${2:-127.0.0.1}/$1"; echo "ping-udp" >&3; timeout 0.5 head -c 9 <&3 2>/dev/null || true)
		if [ "$reply" = "ping-udp" ]; then
			echo "$reply"
			return 0
		fi
	done
	return 1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	return 1
}

# host_server: busybox httpd on 127.0.0.1:$server_port serving "from-host";
# the caller's teardown kills $server_pid.
host_server() {
	server_port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo from-host >"$BATS_TEST_TMPDIR/www/index.html"
	busybox httpd -f -p "127.0.0.1:$server_port" -h "$BATS_TEST_TMPDIR/www" &
	server_pid=$!
	wait_for_port "$server_port"
}

# wait_for_port PORT: until something accepts on 127.0.0.1:PORT (5 s at most).
wait_for_port() {
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}

# http_get PORT [PATH [HOST]]: GET from HOST:PORT (127.0.0.1), retried for
# 5 s: the host side listens before the server in the container does.
http_get() {
	local url="http://${3:-127.0.0.1}:$1${2:-/}"
	for _ in $(seq 50); do
		busybox wget -qO- "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	busybox wget -qO- "$url"
}
