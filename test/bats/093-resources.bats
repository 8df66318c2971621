#!/usr/bin/env bats
# Resource flags (issue 6, SPEC S8): --memory, --memory-reservation,
# --memory-swap, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit,
# --blkio-weight. Applied as root; rootless on cgroups v1 or without a delegated
# cgroup v2 subtree, one warning and the container still runs.

load helpers

setup_file() {
	export RES_IMAGE=res-busybox
	import_busybox "$RES_IMAGE"
}

teardown_file() {
	rm_images "$RES_IMAGE"
}

setup() {
	name=res-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

# limits_apply: true when this user's limits reach a cgroup (root, or a
# delegated cgroup v2 subtree).
limits_apply() {
	! rootless && return 0
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
		[ -s "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/cgroup.controllers" ]
}

@test "resources: every flag is accepted and the container runs" {
	run --separate-stderr wren run --name "$name" -m 64m --memory-reservation 32m --memory-swap 128m \
		--cpus 0.5 -c 512 --cpuset-cpus 0 --pids-limit 50 "$RES_IMAGE" echo ran
	[ "$status" -eq 0 ]
	assert_output ran
	if ! limits_apply; then
		[ "${#stderr_lines[@]}" -eq 1 ]
		assert_match "^WARNING: Resource limits are .*ignored" "$stderr"
	fi
}

@test "resources: inspect shows the limits in HostConfig" {
	wren create --name "$name" -m 64m --cpus 1.5 -c 256 --cpuset-cpus 0 --pids-limit 20 --memory-swap -1 "$RES_IMAGE" true 2>/dev/null
	run wren inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.MemorySwap}}' "$name"
	assert_output "67108864 1500000000 256 0 20 -1"
}

@test "resources: --memory and --pids-limit reach the container's cgroup" {
	limits_apply || skip "limits are ignored for this user"
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v1 layout only"
	id=$(wren run -d --name "$name" -m 64m --pids-limit 10 --cpus 0.5 "$RES_IMAGE" sleep 60)
	run wren exec "$name" cat /proc/self/cgroup
	assert_match "memory:/wren/$id" "$output"
	assert_equal "$(cat "/sys/fs/cgroup/memory/wren/$id/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "/sys/fs/cgroup/pids/wren/$id/pids.max")" 10
	assert_equal "$(cat "/sys/fs/cgroup/cpu/wren/$id/cpu.cfs_quota_us")" 50000
}

@test "resources: no flags, no warning" {
	run --separate-stderr wren run --name "$name" "$RES_IMAGE" true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "resources: bad values are refused with exit 125 and nothing made" {
	for args in "-m lots" "-m 1m" "--memory-reservation 1g -m 64m" "--memory-swap 64m" \
		"-m 128m --memory-swap 64m" "--cpus two" "--cpus 100000" "--cpuset-cpus 0-a" \
		"--cpuset-cpus 4096" "--blkio-weight 5" "--cpu-shares -1"; do
		# shellcheck disable=SC2086 # the flags split on purpose
		run -125 --separate-stderr wren run --name "$name" $args "$RES_IMAGE" true
		assert_one_error
		run -125 wren inspect "$name"
	done
}

@test "resources: a container the OOM killer ends is OOMKilled, with an oom event" {
	limits_apply || skip "no memory limit applies for this user: OOMKilled is never set (cgroups v1 rootless)"
	run --separate-stderr -137 wren run --name "$name" -m 8m "$RES_IMAGE" sh -c 'x=a; while :; do x="$x$x"; done'
	run -0 wren inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "$name"
	assert_output "true 137"
	run -0 wren events --since 1m --until 0s --filter event=oom --filter container="$name"
	assert_match "container oom "
	# Detached, through its monitor, too; a clean exit is not an OOM.
	rm_containers "$name"
	wren run -d --name "$name" -m 8m "$RES_IMAGE" sh -c 'x=a; while :; do x="$x$x"; done' >/dev/null
	run -0 wren wait "$name"
	assert_output 137
	run -0 wren inspect -f '{{.State.OOMKilled}}' "$name"
	assert_output true
	rm_containers "$name"
	run -0 wren run --name "$name" -m 64m "$RES_IMAGE" true
	run -0 wren inspect -f '{{.State.OOMKilled}}' "$name"
	assert_output false
}
