#!/usr/bin/env bats
# wren exec (issue 2, SPEC S4): exit codes, -i, -e, -u, -w, -d, stopped containers.

load helpers

setup_file() {
	export EXEC_IMAGE=exec-busybox
	import_busybox "$EXEC_IMAGE"
}

teardown_file() {
	rm_images "$EXEC_IMAGE"
}

setup() {
	name=exec-$BATS_TEST_NUMBER
	wren run -d --name "$name" "$EXEC_IMAGE" sleep 1000 >/dev/null
}

teardown() {
	rm_containers "$name"
}

@test "exec runs in the container's namespaces and passes its exit code" {
	run -4 wren exec "$name" sh -c 'echo in; cat /proc/1/cmdline | tr "\0" " "; exit 4'
	assert_output "$(printf 'in\nsleep 1000 ')"
	run -0 wren exec "$name" hostname
	assert_output "$(wren inspect -f '{{.Config.Hostname}}' "$name")"
}

@test "exec -i reads stdin; -e, -u and -w apply" {
	run -0 bash -c "echo piped | $WREN_BINARY exec -i $name cat"
	assert_output piped
	run -0 wren exec -e FOO=bar -u 1000 -w /tmp "$name" sh -c 'echo $FOO $(id -u) $(pwd)'
	assert_output "bar 1000 /tmp"
}

@test "exec of a missing command is 127, of a non-executable file 126" {
	run -127 --separate-stderr wren exec "$name" nosuchcommand
	assert_one_error
	run -126 --separate-stderr wren exec "$name" /etc/passwd
	assert_one_error
}

@test "exec -d returns at once and the command runs" {
	run -0 wren exec -d "$name" sh -c 'sleep 0.2; touch /tmp/done'
	[ -z "$output" ]
	sleep 1
	run -0 wren exec "$name" ls /tmp/done
}

@test "exec into a stopped container is refused" {
	wren stop -t 0 "$name" >/dev/null
	run -125 --separate-stderr wren exec "$name" true
	assert_one_error
	assert_match 'is not running' "$stderr"
}

@test "exec into an unknown container" {
	run -125 --separate-stderr wren exec nosuch-container-xyz true
	assert_one_error
	assert_match 'No such container' "$stderr"
}
