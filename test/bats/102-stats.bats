#!/usr/bin/env bats
# stats (issue 7, SPEC S4): docker's columns; a busy container shows CPU and
# memory; the source of the numbers is named.

load helpers

setup_file() {
	export STATS_IMAGE=stats-busybox
	import_busybox "$STATS_IMAGE"
}

teardown_file() {
	rm_images "$STATS_IMAGE"
}

setup() {
	name=stats-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-idle"
}

@test "a busy container's CPU and memory are above zero with --no-stream" {
	wren run -d --name "$name" "$STATS_IMAGE" sh -c 'while :; do :; done' >/dev/null
	run -0 wren stats --no-stream "$name"
	assert_match '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS'
	run -0 wren stats --no-stream --format '{{.CPUPerc}} {{.MemUsage}} {{.PIDs}} {{.Source}}' "$name"
	assert_match '^[0-9.]+% [0-9.]+[KMG]?i?B / [0-9.]+[KMGT]i?B 1 (proc|cgroup2)$'
	local cpu mem
	cpu=${output%%%*}
	[ "${cpu%.*}" -gt 10 ]
	mem=$(echo "$output" | awk '{ print $2 }')
	[ "$mem" != "0B" ]
	run -0 wren stats --no-stream --format json "$name"
	assert_match '^\{"Container":"[0-9a-f]{12}","ID":"[0-9a-f]{12}","Name":"'"$name"'",.*"Source":"(proc|cgroup2)"\}$'
}

@test "stats lists running containers; --all adds stopped ones" {
	wren run -d --name "$name" "$STATS_IMAGE" sleep 100 >/dev/null
	wren create --name "$name-idle" "$STATS_IMAGE" true >/dev/null
	run -0 wren stats --no-stream --format '{{.Name}}'
	assert_match "(^|$'\n')$name($'\n'|$)"
	refute_match "$name-idle"
	run -0 wren stats --no-stream --all --format '{{.Name}} {{.CPUPerc}} {{.PIDs}}'
	assert_match "$name-idle 0.00% 0"
}

@test "stats of an unknown container is an error" {
	run -125 --separate-stderr wren stats --no-stream stats-no-such-container
	assert_one_error
}
