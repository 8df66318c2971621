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
