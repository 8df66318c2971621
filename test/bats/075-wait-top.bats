#!/usr/bin/env bats
# wren wait and wren top (issue 2, SPEC S4).

load helpers

setup_file() {
	export WT_IMAGE=wt-busybox
	import_busybox "$WT_IMAGE"
}

teardown_file() {
	rm_images "$WT_IMAGE"
}

setup() {
	name=wt-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2"
}

@test "wait on an exited container prints its code at once" {
	run -7 wren run --name "$name" "$WT_IMAGE" sh -c 'exit 7'
	run -0 timeout 10 wren wait "$name"
	assert_output 7
}

@test "wait blocks until each container exits, printing codes in order" {
	wren run -d --name "$name" "$WT_IMAGE" sh -c 'sleep 2; exit 5' >/dev/null
	wren run -d --name "$name-2" "$WT_IMAGE" sh -c 'sleep 1; exit 0' >/dev/null
	local start=$SECONDS
	run -0 timeout 20 wren wait "$name" "$name-2"
	assert_output "5"$'\n'"0"
	[ $((SECONDS - start)) -ge 1 ]
	assert_equal exited "$(wren inspect -f '{{.State.Status}}' "$name")"
}

@test "wait reads the code of a --rm container before it is removed" {
	local id
	id=$(wren run -d --rm --name "$name" "$WT_IMAGE" sh -c 'sleep 1; exit 9')
	run -0 timeout 20 wren wait "$id"
	assert_output 9
}

@test "wait returns 137 for a container killed by stop" {
	wren run -d --name "$name" "$WT_IMAGE" sleep 300 >/dev/null
	timeout 20 wren wait "$name" >"$BATS_TEST_TMPDIR/code" &
	local waiter=$!
	sleep 0.5
	wren stop -t 0 "$name" >/dev/null
	wait "$waiter"
	assert_equal 137 "$(cat "$BATS_TEST_TMPDIR/code")"
}

@test "wait on an unknown container: exit 125, the others still printed" {
	run --separate-stderr -125 wren wait wt-no-such-container
	assert_one_error
	run -3 wren run --name "$name" "$WT_IMAGE" sh -c 'exit 3'
	run --separate-stderr -125 wren wait "$name" wt-no-such-container
	assert_output 3
}

@test "top lists the container's processes with ps -ef's columns" {
	wren run -d --name "$name" "$WT_IMAGE" sh -c 'sleep 300 & sleep 301' >/dev/null
	sleep 0.5
	run -0 wren top "$name"
	assert_equal "UID PID PPID C STIME TTY TIME CMD" "$(squeeze <<<"${lines[0]}")"
	assert_match 'sleep 300'
	assert_match 'sleep 301'
	# busybox sh execs its last command: the container is the two sleeps.
	[ "${#lines[@]}" -eq 3 ]
	local pid
	pid=$(wren inspect -f '{{.State.Pid}}' "$name")
	assert_match $'\n'"[^ ]+ +$pid +[0-9]+ .* sleep 301"
}

@test "top passes its other arguments to ps" {
	wren run -d --name "$name" "$WT_IMAGE" sleep 300 >/dev/null
	sleep 0.3
	run -0 wren top "$name" -o pid,comm
	assert_equal "PID COMMAND" "$(squeeze <<<"${lines[0]}")"
	assert_equal "$(wren inspect -f '{{.State.Pid}}' "$name") sleep" "$(squeeze <<<"${lines[1]}")"
	[ "${#lines[@]}" -eq 2 ]
}

@test "top of a stopped or unknown container, or without a PID column: exit 125" {
	wren create --name "$name" "$WT_IMAGE" true >/dev/null
	run --separate-stderr -125 wren top "$name"
	assert_one_error
	run --separate-stderr -125 wren top wt-no-such-container
	assert_one_error
	wren run -d --name "$name-2" "$WT_IMAGE" sleep 300 >/dev/null
	run --separate-stderr -125 wren top "$name-2" -o comm
	assert_one_error
}
