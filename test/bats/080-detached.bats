#!/usr/bin/env bats
# Detached containers owned by wren-monitor (issue 2, SPEC S4): run -d, start,
# stop, kill, restart, rm -f, --rm with -d, logs surviving stop/start.

load helpers

setup_file() {
	export DET_IMAGE=det-busybox
	import_busybox "$DET_IMAGE"
}

teardown_file() {
	rm_images "$DET_IMAGE"
}

setup() {
	name=det-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2"
}

@test "run -d prints the full ID and the container runs without wren" {
	run -0 wren run -d --name "$name" "$DET_IMAGE" sleep 100
	assert_match '^[0-9a-f]{64}$'
	local id=$output
	run -0 wren inspect -f '{{.State.Status}} {{.State.Running}} {{.Id}}' "$name"
	assert_output "running true $id"
	run -0 wren ps --filter "name=^$name\$" --format '{{.Status}}'
	assert_match '^Up '
}

@test "stop sends SIGTERM, then SIGKILL after the timeout: 137" {
	# sh as PID 1 ignores SIGTERM, as in Docker.
	wren run -d --name "$name" "$DET_IMAGE" sh -c 'while true; do sleep 0.1; done' >/dev/null
	SECONDS=0
	run -0 wren stop -t 1 "$name"
	assert_output "$name"
	[ "$SECONDS" -lt 5 ]
	run -0 wren inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name"
	assert_output "exited 137"
}

@test "stop of a container that handles SIGTERM is quick and keeps its code" {
	wren run -d --name "$name" "$DET_IMAGE" sh -c 'trap "exit 42" TERM; while true; do sleep 0.1; done' >/dev/null
	sleep 0.3
	run -0 wren stop "$name"
	run -0 wren inspect -f '{{.State.ExitCode}}' "$name"
	assert_output 42
}

@test "stop of a stopped container succeeds, as docker's does" {
	wren run --name "$name" "$DET_IMAGE" true
	run -0 wren stop "$name"
	assert_output "$name"
}

@test "kill -s sends the signal; kill of a stopped container is an error" {
	wren run -d --name "$name" "$DET_IMAGE" sh -c 'trap "exit 12" USR1; while true; do sleep 0.1; done' >/dev/null
	sleep 0.3
	run -0 wren kill -s USR1 "$name"
	run -0 wren wait "$name"
	assert_output 12
	run -125 --separate-stderr wren kill "$name"
	assert_one_error
	assert_match 'is not running' "$stderr"
	run -125 --separate-stderr wren kill -s NOSUCHSIG "$name"
	assert_one_error
}

@test "logs survive stop and start; the writable layer too" {
	wren run -d --name "$name" "$DET_IMAGE" sh -c 'echo run >> /state; cat /state | wc -l; sleep 100' >/dev/null
	sleep 0.5
	wren stop -t 0 "$name" >/dev/null
	run -0 wren start "$name"
	assert_output "$name"
	sleep 0.5
	run -0 wren logs "$name"
	assert_output "$(printf '1\n2')"
}

@test "restart gives a running container a new process" {
	wren run -d --name "$name" "$DET_IMAGE" sleep 100 >/dev/null
	local before after
	before=$(wren inspect -f '{{.State.Pid}}' "$name")
	run -0 wren restart -t 0 "$name"
	after=$(wren inspect -f '{{.State.Pid}} {{.State.Status}}' "$name")
	[ "$after" != "$before running" ]
	assert_match '^[0-9]+ running$' "$after"
}

@test "rm refuses a running container; rm -f kills and removes it" {
	wren run -d --name "$name" "$DET_IMAGE" sleep 100 >/dev/null
	run -125 --separate-stderr wren rm "$name"
	assert_one_error
	assert_match 'container is running' "$stderr"
	run -0 wren rm -f "$name"
	assert_output "$name"
	run -125 wren inspect "$name"
}

@test "run -d --rm: the container goes once it ends" {
	run -0 wren run -d --rm --name "$name" "$DET_IMAGE" sh -c 'exit 0'
	for _ in $(seq 50); do
		wren inspect "$name" >/dev/null 2>&1 || break
		sleep 0.1
	done
	run -125 wren inspect "$name"
}

@test "run -d of a command that does not exist: 127, container left exited" {
	run -127 --separate-stderr wren run -d --name "$name" "$DET_IMAGE" nosuchcommand
	assert_match 'executable file not found' "$stderr"
	run -0 wren inspect -f '{{.State.Status}}' "$name"
	assert_output exited
}

@test "start -a attaches from the first line and returns the exit code" {
	wren create --name "$name" "$DET_IMAGE" sh -c 'echo first; echo second >&2; exit 6' >/dev/null
	run -6 --separate-stderr wren start -a "$name"
	assert_output first
	assert_equal second "$stderr"
}

@test "start -ai passes stdin" {
	wren create -i --name "$name" "$DET_IMAGE" sh -c 'read x; echo "got $x"' >/dev/null
	run -0 bash -c "echo hello | $WREN_BINARY start -ai $name"
	assert_output "got hello"
}
