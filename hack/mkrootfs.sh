#!/usr/bin/env bash
# mkrootfs.sh OUT.tar: writes a minimal busybox root filesystem as a tar, made
# offline from the busybox-static binary, for `wren import` (the README's demo and
# the integration tests). Works as any user; as root the tar also carries a home
# directory owned by uid 1000, which tests of -u rely on.
set -euo pipefail

out=${1:?usage: mkrootfs.sh OUT.tar}
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkrootfs.sh: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
# A dynamically linked busybox would need the host's libraries inside the image.
if "$busybox" ldd "$busybox" >/dev/null 2>&1 || ldd "$busybox" 2>/dev/null | grep -q '=>'; then
	echo "mkrootfs.sh: $busybox is not static (apt-get install busybox-static)" >&2
	exit 1
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
r=$dir/rootfs
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,root,home/tester,tmp,var/tmp,proc,sys,dev,run}
chmod 1777 "$r/tmp" "$r/var/tmp"
chmod 0700 "$r/root"
cp "$busybox" "$r/bin/busybox"
chmod 0755 "$r/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] || [ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
done

cat >"$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$r/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
users:x:100:tester
tester:x:1000:
nogroup:x:65534:
GROUP
# Empty on purpose: the engine provides these three per container.
: >"$r/etc/hosts"
: >"$r/etc/resolv.conf"
: >"$r/etc/hostname"

owner=(--owner=0 --group=0)
if [ "$(id -u)" -eq 0 ]; then
	chown 1000:1000 "$r/home/tester"
	owner=()
fi
# Fixed order and times: the same busybox gives the same tar, hence the same layer digest.
tar -C "$r" --sort=name --mtime=@0 --numeric-owner "${owner[@]}" -cf "$out" .
