#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, as root, to build, run and test wren:
# Debian packages, device modes, the build and the install to /usr/local/bin.
# Safe to run again; prints nothing unless a step fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log=$(mktemp /tmp/wren-setup.XXXXXX.log)
trap 'rm -f "$log"' EXIT

die() { echo "hack/setup.sh: $*" >&2; exit 1; }

# step NAME CMD...: runs CMD with its output in the log, shown only on failure.
step() {
	local name=$1; shift
	if ! "$@" >>"$log" 2>&1; then
		echo "hack/setup.sh: $name failed:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0): it installs packages and changes device modes"
command -v apt-get >/dev/null || die "apt-get not found: this script sets up Debian 12"

# What wren needs at run time, what its build links against, and what its tests use.
packages=(
	uidmap fuse-overlayfs passt slirp4netns            # rootless: id maps, layers, network
	gcc make pkg-config libseccomp-dev libsqlite3-dev  # cgo build with the seccomp and libsqlite3 tags
	libc6-dev                                          # also the static UDP echo of test/bats/110-network.bats
	busybox-static                                     # the offline demo and test image
	bats docker-registry skopeo jq expect tmux         # integration tests
	apache2-utils openssl                              # integration tests: htpasswd and a test CA
	systemd                                            # API tests: systemd-socket-activate, systemd-analyze
	hyperfine iperf3                                   # bench/ (iperf3: bench/network.sh)
	git ca-certificates
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	step "apt-get update" apt-get update -q
	step "apt-get install ${missing[*]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Go is not taken from Debian (bookworm's is too old for go.mod); the machine brings it.
if ! command -v go >/dev/null; then
	[ -x /usr/local/go/bin/go ] || die "Go not found: install Go >= $(sed -n 's/^go //p' "$repo/go.mod") to /usr/local/go (https://go.dev/dl/)"
	export PATH=$PATH:/usr/local/go/bin
fi
want=$(sed -n 's/^go //p' "$repo/go.mod")
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" != "$want" ]; then
	die "Go $have is older than go.mod's $want: install a newer Go to /usr/local/go"
fi

# Rootless fuse-overlayfs and pasta/slirp4netns open these devices as the user;
# most distributions ship them 0666, some VMs 0600. The udev rule keeps the mode
# after a reboot where udev runs.
for dev in /dev/fuse /dev/net/tun; do
	[ -e "$dev" ] || die "$dev is missing (load the fuse and tun modules)"
	chmod 0666 "$dev"
done
if [ -d /etc/udev/rules.d ]; then
	rule='KERNEL=="fuse", MODE="0666"
KERNEL=="tun", MODE="0666"'
	if [ "$(cat /etc/udev/rules.d/70-wren.rules 2>/dev/null)" != "$rule" ]; then
		printf '%s\n' "$rule" >/etc/udev/rules.d/70-wren.rules
	fi
fi

# Unprivileged user namespaces must be allowed (Debian's own kernels have a switch).
if [ -w /proc/sys/kernel/unprivileged_userns_clone ] &&
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
fi
[ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] || die "user.max_user_namespaces is 0: set it with sysctl"

# install depends on build: one go build, with the Makefile's tags.
step "make install" make -C "$repo" install
# Under sudo, leave bin/ to the user, whose own `make build` writes there next.
if [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
	chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$repo/bin"
fi
