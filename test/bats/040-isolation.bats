#!/usr/bin/env bats
# Isolation from the start (issue 8 §5, SPEC S8): namespaces, pivot_root, /proc
# and /sys, /dev, Docker's default capabilities, seccomp, no_new_privs.

load helpers

setup_file() {
	export ISO_IMAGE=iso-busybox
	wren import "$WREN_TEST_ROOTFS" "$ISO_IMAGE" >/dev/null
}

teardown_file() {
	rm_images "$ISO_IMAGE"
}

setup() {
	name=iso-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

# in_container CMD…: runs CMD in a fresh container with the network off.
in_container() {
	wren run --rm --network none "$ISO_IMAGE" "$@"
}

@test "the command is pid 1 and alone in its pid namespace" {
	run -0 bash -c "wren run --rm --network none $ISO_IMAGE cat /proc/1/cmdline | tr '\\0' ' '"
	assert_output "cat /proc/1/cmdline "
	run -0 in_container ps -o pid,comm
	assert_equal "PID COMMAND" "$(squeeze <<<"${lines[0]}")"
	assert_equal "1 ps" "$(squeeze <<<"${lines[1]}")"
	assert_equal 2 "${#lines[@]}"
}

@test "pid, mount, uts, ipc and cgroup namespaces are the container's own" {
	local ns
	for ns in pid mnt uts ipc; do
		run -0 in_container readlink "/proc/self/ns/$ns"
		assert_match "^$ns:\[[0-9]+\]$"
		[ "$output" != "$(readlink "/proc/self/ns/$ns")" ] || { echo "$ns namespace is the host's" >&2; return 1; }
	done
}

@test "the user namespace maps the caller as root" {
	rootless || skip "as root wren needs no user namespace"
	run -0 in_container sh -c 'id -u; cat /proc/self/uid_map'
	assert_equal 0 "${lines[0]}"
	assert_equal "0 $(id -u) 1" "$(squeeze <<<"${lines[1]}")"
}

@test "the hostname is private" {
	local before
	before=$(hostname)
	run -0 wren run --rm --hostname "$name" "$ISO_IMAGE" hostname
	assert_output "$name"
	assert_equal "$before" "$(hostname)"
	# Without CAP_SYS_ADMIN (Docker's default) the container cannot change it.
	run -1 wren run --rm --hostname "$name" "$ISO_IMAGE" hostname changed-inside
	assert_equal "$before" "$(hostname)"
}

@test "the root is the image's, not the host's (pivot_root)" {
	run -0 in_container sh -c "test -e '$WREN_TEST_ROOTFS' && echo host-visible; test -e /bin/busybox && echo image"
	assert_output image
}

@test "/proc/sys and /sys are read-only" {
	run -0 in_container awk '$5 == "/proc/sys" || $5 == "/sys" { split($6, o, ","); print $5, o[1] }' /proc/self/mountinfo
	assert_match $'(^|\n)/proc/sys ro($|\n)'
	assert_match $'(^|\n)/sys ro($|\n)'
	run in_container sh -c 'echo x > /proc/sys/kernel/domainname'
	[ "$status" -ne 0 ]
	assert_match 'Read-only file system'
}

@test "sensitive /proc paths are masked" {
	local p masked=()
	# Docker masks those the kernel has; this one may lack /proc/kcore.
	for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ ! -e "$p" ] || masked+=("$p")
	done
	[ ${#masked[@]} -gt 0 ]
	run -0 in_container sh -c 'cat "$@" | wc -c' sh "${masked[@]}"
	assert_output 0
	run -0 in_container awk '{ print $5 }' /proc/self/mountinfo
	for p in "${masked[@]}"; do
		assert_match "(^|"$'\n'")$p($|"$'\n'")" || { echo "$p is not masked" >&2; return 1; }
	done
	if [ -d /sys/firmware ]; then
		run -0 in_container ls -A /sys/firmware
		assert_output ""
	fi
}

@test "/dev is minimal, with devpts, shm and mqueue" {
	run -0 in_container ls -A /dev
	local allowed=" console core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	local d
	for d in $output; do
		[[ $allowed == *" $d "* ]] || { echo "unexpected /dev/$d" >&2; return 1; }
	done
	for d in null zero full random urandom tty ptmx pts shm mqueue fd stdin stdout stderr; do
		assert_match "(^|"$'\n'")$d($|"$'\n'")" || { echo "missing /dev/$d" >&2; return 1; }
	done
	# mountinfo: mount point is field 5; the type follows the "-" after the optional fields.
	run -0 in_container awk '{ for (i = 7; i < NF; i++) if ($i == "-") { print $5, $(i + 1); break } }' /proc/self/mountinfo
	assert_match $'(^|\n)/dev/pts devpts($|\n)'
	assert_match $'(^|\n)/dev/shm tmpfs($|\n)'
	assert_match $'(^|\n)/dev/mqueue mqueue($|\n)'
	run -0 in_container sh -c 'echo ok > /dev/null && head -c 4 /dev/zero | wc -c'
	assert_output 4
}

@test "Docker's default capabilities, no more" {
	run -0 in_container grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	assert_equal "CapInh: 0000000000000000" "$(squeeze <<<"${lines[0]}")"
	assert_equal "CapPrm: 00000000a80425fb" "$(squeeze <<<"${lines[1]}")"
	assert_equal "CapEff: 00000000a80425fb" "$(squeeze <<<"${lines[2]}")"
	assert_equal "CapBnd: 00000000a80425fb" "$(squeeze <<<"${lines[3]}")"
	assert_equal "CapAmb: 0000000000000000" "$(squeeze <<<"${lines[4]}")"
}

@test "a non-root user gets no capabilities" {
	single_id && skip "a single-id user has only uid 0 in its namespace"
	run -0 wren run --rm --network none -u 1000 "$ISO_IMAGE" grep -E '^CapEff:' /proc/self/status
	assert_equal "CapEff: 0000000000000000" "$(squeeze <<<"$output")"
}

@test "seccomp filters and no_new_privs are on" {
	run -0 in_container grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
	assert_match $'(^|\n)NoNewPrivs:[ \t]+1($|\n)'
	assert_match $'(^|\n)Seccomp:[ \t]+2($|\n)'
}

@test "the seccomp profile refuses what Docker's refuses" {
	# Without CAP_SYS_ADMIN, Docker's profile refuses unshare(2), which the kernel alone
	# would allow for a new user namespace.
	run -1 in_container unshare -U true
	assert_match 'Operation not permitted'
	run -0 in_container sh -c 'echo allowed'
	assert_output allowed
}

@test "--network none has only lo" {
	run -0 wren run --rm --network none "$ISO_IMAGE" awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev
	assert_output lo
}

@test "--network host sees the host's interfaces" {
	local want
	want=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort)
	run -0 wren run --rm --network host "$ISO_IMAGE" awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev
	assert_equal "$want" "$(sort <<<"$output")"
	run -0 wren run --rm --network host "$ISO_IMAGE" readlink /proc/self/ns/net
	assert_output "$(readlink /proc/self/ns/net)"
}

@test "a container cannot see the host's processes" {
	sleep 300 &
	local pid=$!
	run -1 in_container kill -0 "$pid"
	kill "$pid"
	assert_match 'No such process'
	run -0 in_container kill -0 1
}
