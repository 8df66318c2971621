#!/usr/bin/env bats
# The rootless bootstrap (issue 8, SPEC S2): one pause process per user holds the
# user and mount namespaces; later commands join it; it comes back when killed;
# the subuid range is mapped, or a single id with a warning when there is none.
# test/run.sh also runs this file as a user without a subuid range.

load helpers

setup() {
	rootless || skip "root needs no user namespace"
	img=userns-$BATS_TEST_NUMBER
}

teardown() {
	rootless || return 0
	rm_images "$img"
}

# kill_pause: ends the recorded pause process and waits until it is gone.
kill_pause() {
	local pid
	pid=$(pause_pid)
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "pause process $pid did not die" >&2
	return 1
}

@test "commands join one pause process" {
	run --separate-stderr -0 wren unshare readlink /proc/self/ns/user
	local first=$output pid
	pid=$(pause_pid)
	[ -n "$pid" ]
	kill -0 "$pid"
	assert_equal "$first" "$(readlink "/proc/$pid/ns/user")"
	[ "$first" != "$(readlink /proc/self/ns/user)" ]
	run --separate-stderr -0 wren unshare readlink /proc/self/ns/user
	assert_output "$first"
	run --separate-stderr -0 wren unshare readlink /proc/self/ns/mnt
	assert_output "$(readlink "/proc/$pid/ns/mnt")"
	assert_equal "$pid" "$(pause_pid)"
	# Image commands join it too.
	run --separate-stderr -0 wren images -q
	assert_equal "$pid" "$(pause_pid)"
	kill -0 "$pid"
}

@test "a killed pause process is recreated by the next command" {
	run --separate-stderr -0 wren unshare true
	local old
	old=$(pause_pid)
	kill_pause
	run --separate-stderr -0 wren unshare readlink /proc/self/ns/user
	local new
	new=$(pause_pid)
	[ -n "$new" ] && [ "$new" != "$old" ]
	kill -0 "$new"
	assert_output "$(readlink "/proc/$new/ns/user")"
}

@test "images survive the pause process" {
	import_busybox "$img"
	kill_pause
	run --separate-stderr -0 wren run --rm "$img" echo still-here
	assert_output still-here
}

@test "concurrent first commands make one pause process" {
	kill_pause
	local i pids=()
	for i in 1 2 3 4; do
		wren unshare readlink /proc/self/ns/user >"$BATS_TEST_TMPDIR/ns.$i" 2>/dev/null &
		pids+=($!)
	done
	# Only these: a bare wait would also wait for bats' own timeout watchdog.
	wait "${pids[@]}"
	run -0 sort -u "$BATS_TEST_TMPDIR"/ns.1 "$BATS_TEST_TMPDIR"/ns.2 "$BATS_TEST_TMPDIR"/ns.3 "$BATS_TEST_TMPDIR"/ns.4
	assert_equal 1 "${#lines[@]}"
	assert_equal "${lines[0]}" "$(readlink "/proc/$(pause_pid)/ns/user")"
}

@test "unshare: the caller is root over the subuid range" {
	single_id && skip "covered by the single-id test"
	local ustart ucount gstart gcount
	read -r ustart ucount < <(subid_range /etc/subuid)
	read -r gstart gcount < <(subid_range /etc/subgid)
	run --separate-stderr -0 wren unshare cat /proc/self/uid_map
	assert_equal 2 "${#lines[@]}"
	assert_equal "0 $(id -u) 1" "$(squeeze <<<"${lines[0]}")"
	assert_equal "1 $ustart $ucount" "$(squeeze <<<"${lines[1]}")"
	run --separate-stderr -0 wren unshare cat /proc/self/gid_map
	assert_equal "0 $(id -g) 1" "$(squeeze <<<"${lines[0]}")"
	assert_equal "1 $gstart $gcount" "$(squeeze <<<"${lines[1]}")"
	run --separate-stderr -0 wren unshare id -u
	assert_output 0
}

@test "unshare with no command runs a shell inside" {
	run -0 bash -c 'echo "id -u; readlink /proc/self/ns/user" | SHELL=/bin/sh wren unshare'
	assert_equal 0 "${lines[0]}"
	assert_equal "${lines[1]}" "$(readlink "/proc/$(pause_pid)/ns/user")"
}

@test "unshare passes the exit status through" {
	run -5 wren unshare sh -c 'exit 5'
}

@test "unshare sees the store" {
	import_busybox "$img"
	run --separate-stderr -0 wren unshare sh -c 'test -d "$0" && echo yes' "$WREN_ROOT/storage"
	assert_output yes
}

@test "a user without a subuid range works with one id and a warning" {
	single_id || skip "this user has a subuid range; test/run.sh runs this file as one without"
	kill_pause
	run --separate-stderr -0 wren unshare cat /proc/self/uid_map
	assert_equal "0 $(id -u) 1" "$(squeeze <<<"$output")"
	assert_match 'subuid' "$stderr"
	# Warned once, when the namespace is made; not on every command.
	run --separate-stderr -0 wren unshare id -u
	assert_output 0
	assert_equal "" "$stderr"
	# The rootfs has a directory owned by uid 1000; its chown is skipped, not fatal.
	import_busybox "$img"
	run --separate-stderr -0 wren run --rm "$img" echo single-id-runs
	assert_output single-id-runs
}

@test "keep-id and auto without a subuid range: exit 125, one line naming it" {
	single_id || skip "this user has a subuid range; test/run.sh runs this file as one without"
	import_busybox "$img"
	local mode
	for mode in keep-id auto; do
		run --separate-stderr -125 wren run --rm --userns=$mode "$img" true
		assert_one_error
		assert_match 'subuid' "$stderr"
	done
}

@test "no newuidmap on PATH: exit 125, one line naming it" {
	single_id && skip "a single-id user needs no newuidmap"
	kill_pause
	run --separate-stderr -125 env PATH=/nonexistent "$WREN_BINARY" images
	assert_one_error
	assert_match 'newuidmap' "$stderr"
	[ -z "$(pause_pid)" ] || ! kill -0 "$(pause_pid)" 2>/dev/null
}

@test "an XDG_RUNTIME_DIR that does not exist: exit 125, one line" {
	run --separate-stderr -125 env XDG_RUNTIME_DIR=/nonexistent/run "$WREN_BINARY" images
	assert_one_error
	assert_match '/nonexistent/run' "$stderr"
	[ ! -e /nonexistent/run ]
}
