#!/usr/bin/env bats
# system df and system prune (issue 7, SPEC S4). Each test has a root of its
# own, so the numbers are exactly what it put there.

load helpers

setup() {
	name=dfp-$BATS_TEST_NUMBER
	export WREN_ROOT=$BATS_TEST_TMPDIR/root WREN_RUNROOT=$BATS_TEST_TMPDIR/runroot
	import_busybox "$name-img"
}

teardown() {
	rm_containers "$name" "$name-run" "$name-vol"
	rm_images "$name-img"
}

@test "system df: docker's table, numbers that match what is on disk" {
	run -0 wren system df
	assert_match '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE'
	run -0 wren system df --format '{{.Type}}|{{.TotalCount}}|{{.Active}}'
	assert_output "Images|1|0
Containers|0|0
Local Volumes|0|0
Build Cache|0|0"
	local tarsize
	tarsize=$(wren image inspect -f '{{.Size}}' "$name-img")
	run -0 wren system df --format '{{.Type}} {{.Size}} {{.Reclaimable}}'
	assert_match "^Images [0-9.]+[kM]B [0-9.]+[kM]B \(100%\)"
	# 1000 KiB written in a stopped container: its layer, all reclaimable.
	wren run --name "$name" "$name-img" dd if=/dev/zero of=/big bs=1024 count=1000 2>/dev/null
	wren run -d --name "$name-run" "$name-img" sleep 100 >/dev/null
	run -0 wren system df --format '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}'
	assert_match "Containers\|2\|1\|1.02MB\|1.02MB \(100%\)"
	assert_match "Images\|1\|1\|"
	run -0 wren system df -v
	assert_match "Images space usage:"
	assert_match "$name-img +latest"
	assert_match "1.02MB .*Exited \(0\).* $name"
	[ "$tarsize" -gt 0 ]
}

@test "system prune -f: stopped containers, unused networks and dangling images go, running ones and named images stay" {
	wren network create "$name-net" >/dev/null
	wren create --name "$name" "$name-img" true >/dev/null
	wren run -d --name "$name-run" "$name-img" sleep 100 >/dev/null
	local dangling
	dangling=$(wren import "$WREN_TEST_ROOTFS")
	run -0 wren system prune -f
	assert_match "Deleted Containers:"
	assert_match $'Deleted Networks:\n'"$name-net"
	assert_match "deleted: $dangling"
	assert_match "Total reclaimed space: "
	run -0 wren ps -a --format '{{.Names}}'
	assert_output "$name-run"
	run -0 wren images -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "system prune -a --volumes: unused images and anonymous volumes too" {
	wren create --name "$name-vol" -v /anon "$name-img" true >/dev/null
	run -0 wren system df --format '{{.Type}}|{{.TotalCount}}'
	assert_match "Local Volumes\|1"
	run -0 wren system prune -a --volumes -f
	assert_match "Deleted Volumes:"
	assert_match "untagged: $name-img:latest"
	run -0 wren system df --format '{{.Type}}|{{.TotalCount}}|{{.Size}}'
	assert_output "Images|0|0B
Containers|0|0B
Local Volumes|0|0B
Build Cache|0|0B"
}

@test "system prune without -f asks, and 'no' changes nothing" {
	wren create --name "$name" "$name-img" true >/dev/null
	run -0 sh -c "echo n | wren system prune"
	assert_match "Are you sure you want to continue"
	run -0 wren ps -a --format '{{.Names}}'
	assert_output "$name"
}
