#!/usr/bin/env bats
# pause/unpause (issue 7, SPEC S4): a paused container's processes stop and
# resume; ps and inspect say so; exec is refused; stop still works.

load helpers

setup_file() {
	export PAUSE_IMAGE=pause-busybox
	import_busybox "$PAUSE_IMAGE"
}

teardown_file() {
	rm_images "$PAUSE_IMAGE"
}

setup() {
	name=pause-$BATS_TEST_NUMBER
}

teardown() {
	wren unpause "$name" >/dev/null 2>&1 || true
	rm_containers "$name"
}

# counter: the value the container's counter loop last wrote.
counter() {
	wren logs "$name" 2>/dev/null | tail -n 1
}

@test "a counter stops advancing while paused and resumes after" {
	wren run -d --name "$name" "$PAUSE_IMAGE" sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.05; done' >/dev/null
	sleep 0.5
	run -0 wren pause "$name"
	assert_output "$name"
	local a b c
	a=$(counter)
	sleep 0.7
	b=$(counter)
	assert_equal "$a" "$b"
	run -0 wren inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' "$name"
	assert_output "paused true true"
	run -0 wren inspect -f '{{index .Config.Labels "io.wren.paused-by"}}' "$name"
	assert_match '^(signals|freezer)$'
	run -0 wren ps --filter "name=^$name\$" --format '{{.Status}}'
	assert_match '^Up .* \(Paused\)$'
	run -0 wren unpause "$name"
	assert_output "$name"
	sleep 0.5
	c=$(counter)
	[ "$c" -gt "$b" ]
	run -0 wren inspect -f '{{.State.Status}} {{.State.Paused}}' "$name"
	assert_output "running false"
	run -0 wren inspect -f '{{index .Config.Labels "io.wren.paused-by"}}' "$name"
	assert_output ""
}

@test "exec and attach into a paused container are refused" {
	wren run -d --name "$name" "$PAUSE_IMAGE" sleep 100 >/dev/null
	wren pause "$name" >/dev/null
	run -125 --separate-stderr wren exec "$name" true
	assert_one_error
	assert_match "is paused" "$stderr"
	run -125 --separate-stderr wren attach "$name"
	assert_one_error
	assert_match "paused" "$stderr"
}

@test "stop of a paused container stops it" {
	wren run -d --name "$name" "$PAUSE_IMAGE" sh -c 'trap "exit 7" TERM; while true; do sleep 0.1; done' >/dev/null
	sleep 0.3
	wren pause "$name" >/dev/null
	SECONDS=0
	run -0 wren stop -t 5 "$name"
	[ "$SECONDS" -lt 5 ]
	run -0 wren inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}' "$name"
	assert_output "exited 7 false"
}

@test "pause of a stopped container, pause twice and unpause of a running one are errors" {
	wren create --name "$name" "$PAUSE_IMAGE" sleep 100 >/dev/null
	run -125 --separate-stderr wren pause "$name"
	assert_one_error
	assert_match "is not running" "$stderr"
	run -0 wren inspect -f '{{.State.Status}}' "$name"
	assert_output "created"
	wren start "$name" >/dev/null
	run -125 --separate-stderr wren unpause "$name"
	assert_one_error
	assert_match "is not paused" "$stderr"
	wren pause "$name" >/dev/null
	run -125 --separate-stderr wren pause "$name"
	assert_one_error
	assert_match "already paused" "$stderr"
	run -125 --separate-stderr wren pause pause-no-such-container
	assert_one_error
}

@test "pause and unpause are events" {
	local since
	since=$(date +%s)
	wren run -d --name "$name" "$PAUSE_IMAGE" sleep 100 >/dev/null
	wren pause "$name" >/dev/null
	wren unpause "$name" >/dev/null
	run -0 wren events --since "$since" --until 0s --filter "container=$name" --filter event=pause --filter event=unpause --format '{{.Action}}'
	assert_output "pause
unpause"
}
