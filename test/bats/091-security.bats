#!/usr/bin/env bats
# Security flags (issue 6, SPEC S8): capabilities, --privileged, seccomp
# profiles, no-new-privileges, --read-only, --sysctl, --ulimit, --group-add,
# --device, --shm-size, --oom-score-adj and the errors for what cannot apply.

load helpers

setup_file() {
	export SEC_IMAGE=sec-busybox
	import_busybox "$SEC_IMAGE"
}

teardown_file() {
	rm_images "$SEC_IMAGE"
}

setup() {
	name=sec-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

# all_caps: CapEff of a container with every capability: all the kernel has in
# a user namespace, wren's own bounding set as root.
all_caps() {
	if rootless; then
		printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1))
	else
		awk '$1 == "CapBnd:" { print $2 }' /proc/self/status
	fi
}

# capeff FLAGS…: CapEff inside a container run with FLAGS.
capeff() {
	wren run --rm --network none "$@" "$SEC_IMAGE" awk '$1 == "CapEff:" { print $2 }' /proc/self/status
}

@test "--cap-drop and --cap-add change CapEff, in any spelling" {
	run -0 capeff --cap-drop chown
	assert_output 00000000a80425fa
	run -0 capeff --cap-drop CAP_CHOWN --cap-drop Kill
	assert_output 00000000a80425da
	run -0 capeff --cap-drop ALL --cap-add sys_admin
	assert_output 0000000000200000
	run -0 capeff --cap-drop all
	assert_output 0000000000000000
	run -0 capeff --cap-add ALL
	assert_output "$(all_caps)"
}

@test "--cap-drop chown makes chown fail" {
	run -0 wren run --rm --network none "$SEC_IMAGE" chown 1:1 /tmp
	run -1 wren run --rm --network none --cap-drop chown "$SEC_IMAGE" chown 1:1 /tmp
	assert_match 'Operation not permitted'
}

@test "an unknown capability is refused and nothing is made" {
	run -125 --separate-stderr wren run --name "$name" --cap-add CAP_FLY "$SEC_IMAGE" true
	assert_one_error
	assert_match 'unknown capability: "CAP_FLY"' "$stderr"
	run -125 wren inspect "$name"
}

@test "a seccomp profile that denies mkdir makes mkdir fail" {
	local profile=$BATS_TEST_TMPDIR/nomkdir.json
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' >"$profile"
	run -1 wren run --rm --network none --security-opt "seccomp=$profile" "$SEC_IMAGE" mkdir /made
	assert_match 'Operation not permitted'
	run -0 wren run --rm --network none --security-opt "seccomp=$profile" "$SEC_IMAGE" touch /file
	echo '{not json' >"$profile"
	run -125 --separate-stderr wren run --rm --name "$name" --security-opt "seccomp=$profile" "$SEC_IMAGE" true
	assert_one_error
	run -125 wren inspect "$name"
}

@test "seccomp=unconfined and no-new-privileges=false" {
	run -0 wren run --rm --network none --security-opt seccomp=unconfined --security-opt no-new-privileges=false "$SEC_IMAGE" grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
	assert_match $'NoNewPrivs:[ \t]+0'
	assert_match $'Seccomp:[ \t]+0'
}

@test "--privileged: every capability, no seccomp, no masked paths, writable /proc/sys" {
	run -0 wren run --rm --network none --privileged "$SEC_IMAGE" sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; awk '"'"'$5 == "/proc/kcore" || $5 == "/proc/keys"'"'"' /proc/self/mountinfo | wc -l'
	assert_match "CapEff:[[:space:]]+$(all_caps)"
	assert_match $'Seccomp:[ \t]+0'
	assert_match $'\n0$'
}

@test "--read-only: the root refuses writes; /tmp, /var/tmp and /run are tmpfs" {
	run -1 wren run --rm --network none --read-only "$SEC_IMAGE" touch /etc/x
	assert_match 'Read-only file system'
	run -0 wren run --rm --network none --read-only "$SEC_IMAGE" sh -c 'touch /tmp/a /var/tmp/a /run/a && echo ok'
	assert_output ok
	run -1 wren run --rm --network none --read-only --read-only-tmpfs=false "$SEC_IMAGE" touch /tmp/a
}

@test "--sysctl sets namespaced sysctls and refuses the others" {
	run -0 wren run --rm --network none --sysctl kernel.shmmax=123456 --sysctl net.ipv4.ip_forward=1 "$SEC_IMAGE" cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward
	assert_output $'123456\n1'
	run -125 --separate-stderr wren run --rm --sysctl kernel.hostname=x "$SEC_IMAGE" true
	assert_one_error
	run -125 --separate-stderr wren run --rm --network host --sysctl net.ipv4.ip_forward=1 "$SEC_IMAGE" true
	assert_one_error
}

@test "--ulimit, --oom-score-adj, --shm-size, --group-add" {
	run -0 wren run --rm --network none --ulimit nofile=512:1024 --oom-score-adj 300 --shm-size 2m --group-add daemon "$SEC_IMAGE" \
		sh -c 'ulimit -Sn; ulimit -Hn; cat /proc/self/oom_score_adj; df -k /dev/shm | awk "NR == 2 { print \$2 }"; id -G'
	assert_output $'512\n1024\n300\n2048\n0 1'
	run -125 --separate-stderr wren run --rm --ulimit nofile "$SEC_IMAGE" true
	assert_one_error
}

@test "--device gives a host device" {
	run -0 wren run --rm --network none --device /dev/null:/dev/mynull "$SEC_IMAGE" sh -c 'test -c /dev/mynull && echo x > /dev/mynull && echo ok'
	assert_output ok
	run -125 --separate-stderr wren run --rm --device /dev/nonexistent "$SEC_IMAGE" true
	assert_one_error
}

@test "security options that cannot apply here are refused clearly" {
	local opt
	for opt in "--security-opt label=bogus:x" "--security-opt label=type:" "--security-opt apparmor=no-such-profile" "--security-opt bogus"; do
		# shellcheck disable=SC2086 # the flags
		run -125 --separate-stderr wren run --rm $opt "$SEC_IMAGE" true
		assert_one_error || { echo "for $opt" >&2; return 1; }
	done
	run -0 wren run --rm --network none --security-opt label=disable --security-opt apparmor=unconfined --userns host "$SEC_IMAGE" true
}

@test "SELinux label options and z/Z where SELinux is off: accepted, recorded, no effect" {
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	local dir=$BATS_TEST_TMPDIR/labelled
	mkdir -p "$dir"
	run --separate-stderr -0 wren run --name "$name" --security-opt label=type:container_t \
		--security-opt label=level:s0:c1,c2 --security-opt label=nested -v "$dir:/z:z" -v "$dir:/Z:Z" \
		--mount type=bind,src="$dir",dst=/m,relabel=shared "$SEC_IMAGE" sh -c 'echo hi >/Z/f; cat /z/f /m/f; cat /proc/self/attr/current 2>/dev/null || true'
	assert_equal hi "${lines[0]}"
	assert_equal hi "${lines[1]}"
	run --separate-stderr -0 wren inspect -f '{{json .HostConfig.SecurityOpt}} [{{.ProcessLabel}}] [{{.MountLabel}}]' "$name"
	assert_output '["label=type:container_t","label=level:s0:c1,c2","label=nested"] [] []'
	run --separate-stderr -0 wren rm "$name"
	run --separate-stderr -0 wren run --name "$name" --security-opt label=disable "$SEC_IMAGE" true
	run --separate-stderr -0 wren inspect -f '{{json .HostConfig.SecurityOpt}}' "$name"
	assert_output '["label=disable"]'
	# info lists what is in force: seccomp, no SELinux.
	run --separate-stderr -0 wren info -f '{{json .SecurityOptions}}'
	assert_match 'name=seccomp,profile=builtin'
	refute_match 'selinux'
}
