#!/usr/bin/env bats
# wren attach (issue 2, SPEC S4): output, exit code, detach keys in a terminal.

load helpers

setup_file() {
	export ATT_IMAGE=attach-busybox
	import_busybox "$ATT_IMAGE"
}

teardown_file() {
	rm_images "$ATT_IMAGE"
}

setup() {
	name=attach-$BATS_TEST_NUMBER
	session=wren-attach-$$-$BATS_TEST_NUMBER
}

teardown() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm_containers "$name"
}

@test "attach streams output from now on and ends with the exit code" {
	wren run -d --name "$name" "$ATT_IMAGE" sh -c 'sleep 1; echo late; echo err >&2; exit 2' >/dev/null
	run -2 --separate-stderr wren attach "$name"
	assert_output late
	assert_equal err "$stderr"
}

@test "attach to a stopped container is refused" {
	wren run --name "$name" "$ATT_IMAGE" true
	run -125 --separate-stderr wren attach "$name"
	assert_one_error
}

@test "-t: attach, type, detach with ctrl-p ctrl-q; the container keeps running" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	wren run -dit --name "$name" "$ATT_IMAGE" sh >/dev/null
	tmux new-session -d -s "$session" -x 80 -y 24 \
		"$WREN_BINARY attach $name; echo ATTACH-EXIT=\$?; sleep 30"
	sleep 1
	tmux send-keys -t "$session" 'echo typed-$((6*7)); stty size' Enter
	sleep 0.7
	tmux send-keys -t "$session" C-p C-q
	sleep 1
	run -0 tmux capture-pane -t "$session" -p
	assert_match 'typed-42'
	assert_match '24 80'
	assert_match 'ATTACH-EXIT=0'
	run -0 wren inspect -f '{{.State.Status}}' "$name"
	assert_output running
}

@test "--detach-keys: a custom sequence detaches, a bad one is refused" {
	wren run -dit --name "$name" "$ATT_IMAGE" sh >/dev/null
	run -125 --separate-stderr wren attach --detach-keys ctrl-1 "$name"
	assert_one_error
}

@test "--sig-proxy: a signal to wren attach reaches the container" {
	wren run -d --name "$name" "$ATT_IMAGE" sh -c 'trap "echo got-usr1; exit 9" USR1; while true; do echo tick; sleep 0.1; done' >/dev/null
	# The binary itself, not the wren function: $! must be wren's pid.
	"$WREN_BINARY" attach "$name" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! i
	# Output arriving means wren attach is attached, its signal handler in place.
	for i in $(seq 100); do
		grep -q tick "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	kill -USR1 "$pid"
	# Not through run: its subshell is not the job's parent and cannot wait for it.
	local rc=0
	wait "$pid" || rc=$?
	assert_equal 9 "$rc"
	assert_equal got-usr1 "$(tail -n 1 "$BATS_TEST_TMPDIR/out")"
}
