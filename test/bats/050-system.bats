#!/usr/bin/env bats
# wren version and wren info (issue 8 §6, SPEC S1). Field names are docker info's
# (--format '{{.Driver}}'), plus what a rootless engine adds (GraphRoot, UIDMap).

load helpers

setup() {
	img=sys-$BATS_TEST_NUMBER
}

teardown() {
	rm_images "$img"
}

host_cgroup_version() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then echo 2; else echo 1; fi
}

@test "version: Client section; -f and json agree with --version" {
	run -0 wren version
	assert_equal "Client:" "${lines[0]}"
	local v
	v=$(wren version -f '{{.Client.Version}}')
	[ -n "$v" ]
	run -0 wren --version
	assert_match "^wren version $v([ ,]|$)"
	run -0 wren version --format json
	assert_equal "$v" "$(jq -r .Client.Version <<<"$output")"
	assert_equal "linux" "$(jq -r .Client.Os <<<"$output")"
}

@test "info: store driver, backing filesystem, graph root, cgroup version" {
	run -0 wren info
	assert_match $'(^|\n) *Storage Driver: (overlay|fuse-overlayfs|vfs)\n'
	assert_match $'\n *Backing Filesystem: [a-z0-9]+\n'
	assert_match $'\n *Cgroup Version: '"$(host_cgroup_version)"$'\n'
	assert_match "$WREN_ROOT/storage"
	assert_match $'\n *Kernel Version: '"$(uname -r)"$'\n'
}

@test "info -f takes docker info's field names" {
	run -0 wren info -f '{{.Driver}}'
	assert_match '^(overlay|vfs)$'
	run -0 wren info --format '{{ .CgroupVersion }}'
	assert_output "$(host_cgroup_version)"
	run -0 wren info -f '{{.DockerRootDir}}'
	assert_output "$WREN_ROOT"
	run -0 wren info -f '{{.GraphRoot}}'
	assert_output "$WREN_ROOT/storage"
	run -0 wren info -f '{{.OSType}}/{{.Architecture}}'
	assert_output "linux/$(uname -m)"
	run -0 wren info -f '{{json .SecurityOptions}}'
	assert_equal true "$(jq 'index("name=seccomp,profile=builtin") != null' <<<"$output")"
	if rootless; then
		assert_equal true "$(jq 'index("name=rootless") != null' <<<"$output")"
	fi
}

@test "info --format json is one JSON object" {
	run --separate-stderr -0 wren info --format json
	assert_equal object "$(jq -r type <<<"$output")"
	assert_equal "$WREN_ROOT/storage" "$(jq -r .GraphRoot <<<"$output")"
	[ -n "$(jq -r '.DefaultRuntime // empty' <<<"$output")" ]
}

@test "info counts images" {
	local before
	before=$(wren info -f '{{.Images}}')
	import_busybox "$img"
	run -0 wren info -f '{{.Images}}'
	assert_output "$((before + 1))"
}

@test "info shows the rootless id mappings" {
	rootless || skip "root runs without a user namespace"
	run -0 wren info -f '{{json .UIDMap}}'
	local uidmap=$output
	assert_equal "{\"Inside\":0,\"Outside\":$(id -u),\"Size\":1}" "$(jq -c '.[0]' <<<"$uidmap")"
	if single_id; then
		assert_equal 1 "$(jq length <<<"$uidmap")"
	else
		local start count
		read -r start count < <(subid_range /etc/subuid)
		assert_equal "{\"Inside\":1,\"Outside\":$start,\"Size\":$count}" "$(jq -c '.[1]' <<<"$uidmap")"
		run -0 wren info
		assert_match "$start"
		read -r start count < <(subid_range /etc/subgid)
		run -0 wren info -f '{{json .GIDMap}}'
		assert_equal "{\"Inside\":1,\"Outside\":$start,\"Size\":$count}" "$(jq -c '.[1]' <<<"$output")"
	fi
}

@test "info and version with a bad template: exit 125" {
	run --separate-stderr -125 wren info -f '{{.NoSuchField}}'
	assert_one_error
	assert_match NoSuchField "$stderr"
	run --separate-stderr -125 wren version -f '{{'
	assert_one_error
	assert_match template "$stderr"
}
