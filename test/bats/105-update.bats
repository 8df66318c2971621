#!/usr/bin/env bats
# update (issue 7, SPEC S4): the restart policy reaches a running container's
# monitor; resource limits are recorded, with a warning where they cannot apply.

load helpers

setup_file() {
	export UPD_IMAGE=upd-busybox
	import_busybox "$UPD_IMAGE"
}

teardown_file() {
	rm_images "$UPD_IMAGE"
}

setup() {
	name=upd-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

@test "update --restart reaches the running container's monitor" {
	wren run -d --name "$name" "$UPD_IMAGE" sh -c 'sleep 1; exit 3' >/dev/null
	run -0 wren update --restart on-failure:2 "$name"
	assert_output "$name"
	run -0 wren inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$name"
	assert_output "on-failure 2"
	local n=
	for _ in $(seq 100); do
		n=$(wren inspect -f '{{.RestartCount}}' "$name")
		[ "$n" -ge 1 ] && break
		sleep 0.1
	done
	[ "$n" -ge 1 ]
}

@test "update of limits: recorded; rootless without a delegated cgroup, one warning" {
	wren create --name "$name" "$UPD_IMAGE" true >/dev/null
	run -0 --separate-stderr wren update --memory 64m --pids-limit 50 --restart always "$name"
	assert_output "$name"
	if rootless && [ ! -w /sys/fs/cgroup/cgroup.subtree_control ]; then
		[ "${#stderr_lines[@]}" -ge 1 ]
		assert_match 'WARNING' "$stderr"
	fi
	run -0 wren inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}' "$name"
	assert_output "67108864 50 always"
}

@test "update of a running container's limits rewrites its cgroup" {
	rootless && skip "limits reach no cgroup of a user's on cgroups v1; the delegated v2 path is unit-tested"
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v1 layout only"
	local id
	id=$(wren run -d --name "$name" -m 64m --pids-limit 10 --cpus 0.5 "$UPD_IMAGE" sleep 60)
	run -0 --separate-stderr wren update -m 32m --memory-swap 64m --pids-limit 20 --cpus 1 --cpu-shares 512 "$name"
	assert_equal "" "$stderr"
	assert_equal 33554432 "$(cat "/sys/fs/cgroup/memory/wren/$id/memory.limit_in_bytes")"
	assert_equal 67108864 "$(cat "/sys/fs/cgroup/memory/wren/$id/memory.memsw.limit_in_bytes")"
	assert_equal 20 "$(cat "/sys/fs/cgroup/pids/wren/$id/pids.max")"
	assert_equal 100000 "$(cat "/sys/fs/cgroup/cpu/wren/$id/cpu.cfs_quota_us")"
	assert_equal 512 "$(cat "/sys/fs/cgroup/cpu/wren/$id/cpu.shares")"
	# Raising the limit above the old memory+swap moves both, in the order v1 needs.
	run -0 --separate-stderr wren update -m 128m --memory-swap 256m "$name"
	assert_equal 134217728 "$(cat "/sys/fs/cgroup/memory/wren/$id/memory.limit_in_bytes")"
	run -0 wren inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' "$name"
	assert_output "134217728 20"
}

@test "bad input changes nothing: unknown policy, bad memory, --rm with a policy" {
	wren create --name "$name" --restart no "$UPD_IMAGE" true >/dev/null
	run -125 --separate-stderr wren update --restart sometimes "$name"
	assert_one_error
	run -125 --separate-stderr wren update --memory lots --restart always "$name"
	assert_one_error
	run -0 wren inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}}' "$name"
	assert_output "no 0"
	rm_containers "$name"
	wren run -d --rm --name "$name" "$UPD_IMAGE" sleep 100 >/dev/null
	run -125 --separate-stderr wren update --restart always "$name"
	assert_one_error
	assert_match 'AutoRemove' "$stderr"
}
