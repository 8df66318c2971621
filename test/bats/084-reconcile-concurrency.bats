#!/usr/bin/env bats
# No daemon means no one to fix up after a crash: the next command reconciles.
# And many wren processes at once must not corrupt anything (issue 2).

load helpers

setup_file() {
	export RC_IMAGE=rc-busybox
	import_busybox "$RC_IMAGE"
}

teardown_file() {
	rm_images "$RC_IMAGE"
}

setup() {
	name=rc-$BATS_TEST_NUMBER
}

teardown() {
	local i
	rm_containers "$name" "$name-same"
	for i in $(seq 20); do rm_containers "$name-p$i"; done
}

@test "kill -9 of a monitor: ps shows the container exited, rm works" {
	wren run -d --name "$name" "$RC_IMAGE" sleep 1000 >/dev/null
	local pid monitor
	pid=$(wren inspect -f '{{.State.Pid}}' "$name")
	monitor=$(ps -o ppid= -p "$pid" | tr -d ' ')
	[ -n "$monitor" ]
	kill -9 "$monitor" "$pid"
	sleep 0.3
	run -0 wren ps -a --filter "name=^$name\$" --format '{{.State}}'
	assert_output exited
	run -0 wren ps --filter "name=^$name\$" -q
	[ -z "$output" ]
	run -0 wren rm "$name"
}

@test "20 containers started in parallel all appear, with distinct names" {
	local i pids=()
	for i in $(seq 20); do
		wren run -d --name "$name-p$i" "$RC_IMAGE" sleep 100 >/dev/null &
		pids+=($!)
	done
	# Only these: a bare wait would also wait for bats' own timeout watchdog.
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run -0 wren ps --filter "name=^$name-p" --format '{{.Names}}'
	[ "${#lines[@]}" -eq 20 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 20 ]
}

@test "two concurrent run --name of the same name: exactly one wins" {
	local a b
	wren run -d --name "$name-same" "$RC_IMAGE" sleep 100 >"$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	wren run -d --name "$name-same" "$RC_IMAGE" sleep 100 >"$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	local ok=0
	wait "$a" && ok=$((ok + 1))
	wait "$b" && ok=$((ok + 1))
	[ "$ok" -eq 1 ]
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | grep -q 'is already in use'
	run -0 wren ps -a --filter "name=^$name-same\$" -q
	[ "${#lines[@]}" -eq 1 ]
}
