#!/usr/bin/env bats
# wren logs (issue 2, SPEC S4): json-file, k8s-file and none drivers, rotation,
# --tail, -t, --since, --until, --details, -f.

load helpers

setup_file() {
	export LOGS_IMAGE=logs-busybox
	import_busybox "$LOGS_IMAGE"
}

teardown_file() {
	rm_images "$LOGS_IMAGE"
}

setup() {
	name=logs-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2"
}

# run_detached NAME ARGS…: run -d, then wait for the container to end.
run_detached() {
	local n=$1
	shift
	wren run -d --name "$n" "$@" >/dev/null
	wren wait "$n" >/dev/null
}

@test "stdout and stderr come back apart, in order" {
	run_detached "$name" "$LOGS_IMAGE" sh -c 'echo out1; echo err1 >&2; echo out2'
	run --separate-stderr -0 wren logs "$name"
	assert_output "out1"$'\n'"out2"
	assert_equal err1 "$stderr"
}

@test "the log file is docker's json-file: one {log,stream,time} object a line" {
	run_detached "$name" "$LOGS_IMAGE" sh -c 'echo "a \"quoted\" line"; echo err >&2'
	local path
	path=$(wren inspect -f '{{.LogPath}}' "$name")
	assert_match "/$(wren inspect -f '{{.Id}}' "$name")-json.log\$" "$path"
	# Two pipes: which stream the monitor reads first is not fixed.
	run -0 bash -c "jq -c '[.log, .stream]' '$path' | sort"
	assert_output '["a \"quoted\" line\n","stdout"]'$'\n''["err\n","stderr"]'
	run -0 jq -r .time "$path"
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z'$'\n'
}

@test "a partial last line is kept" {
	run_detached "$name" "$LOGS_IMAGE" printf 'one\ntwo'
	run -0 bash -c "wren logs $name | od -c | head -1"
	assert_match 'o   n   e  \\n   t   w   o'
	run -0 wren logs "$name"
	assert_output "one"$'\n'"two"
}

@test "--tail, -t, --details" {
	run_detached "$name" "$LOGS_IMAGE" sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
	run -0 wren logs --tail 2 "$name"
	assert_output "line4"$'\n'"line5"
	run -0 wren logs -n 1 "$name"
	assert_output "line5"
	run -0 wren logs --tail 0 "$name"
	assert_output ""
	run -0 wren logs --tail all "$name"
	[ "${#lines[@]}" -eq 5 ]
	run -0 wren logs -t --tail 1 "$name"
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z line5$'
	run -0 wren logs --details --tail 1 "$name"
	assert_output " line5"
	run --separate-stderr -125 wren logs --tail many "$name"
	assert_one_error
}

@test "--since and --until: RFC 3339, Unix time and durations" {
	run_detached "$name" "$LOGS_IMAGE" sh -c 'echo early; sleep 2; echo late'
	local late_ts
	late_ts=$(wren logs -t "$name" | awk '/late/ {print $1}')
	run -0 wren logs --since "$late_ts" "$name"
	assert_output late
	run -0 wren logs --until "$late_ts" "$name"
	assert_output "early"$'\n'"late"
	run -0 wren logs --since 1h "$name"
	assert_output "early"$'\n'"late"
	run -0 wren logs --until 1h "$name"
	assert_output ""
	run -0 wren logs --since "$(($(date +%s) + 3600))" "$name"
	assert_output ""
	run -0 wren logs --since 0 "$name"
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr -125 wren logs --since yesterday "$name"
	assert_one_error
}

@test "-f follows a running container and ends when it exits" {
	wren run -d --name "$name" "$LOGS_IMAGE" sh -c 'echo first; sleep 2; echo second; sleep 1' >/dev/null
	run -0 timeout 20 wren logs -f "$name"
	assert_output "first"$'\n'"second"
}

@test "-f --tail 1 on a running container, then new lines" {
	wren run -d --name "$name" "$LOGS_IMAGE" sh -c 'echo a; echo b; sleep 2; echo c' >/dev/null
	sleep 1
	run -0 timeout 20 wren logs -f --tail 1 "$name"
	assert_output "b"$'\n'"c"
}

@test "k8s-file driver: podman's line format, read back by logs" {
	# stdout and stderr are two pipes read apart: the pauses fix the order of the lines.
	run_detached "$name" --log-driver k8s-file "$LOGS_IMAGE" sh -c 'echo hi; sleep 0.1; echo oops >&2; sleep 0.1; printf part'
	local path
	path=$(wren inspect -f '{{.LogPath}}' "$name")
	assert_match "/$(wren inspect -f '{{.Id}}' "$name").log\$" "$path"
	assert_equal k8s-file "$(wren inspect -f '{{.HostConfig.LogConfig.Type}}' "$name")"
	run -0 cat "$path"
	assert_match '^[0-9T:.-]+Z stdout F hi'$'\n''[0-9T:.-]+Z stderr F oops'$'\n''[0-9T:.-]+Z stdout P part$'
	run --separate-stderr -0 wren logs "$name"
	assert_output "hi"$'\n'"part"
	assert_equal oops "$stderr"
}

@test "none driver: nothing written, logs says so" {
	run_detached "$name" --log-driver none "$LOGS_IMAGE" echo hi
	assert_equal "" "$(wren inspect -f '{{.LogPath}}' "$name")"
	run --separate-stderr -125 wren logs "$name"
	assert_one_error
	assert_match 'does not support reading' "$stderr"
}

@test "max-size and max-file rotate the log as docker does" {
	run_detached "$name" --log-opt max-size=2k --log-opt max-file=3 "$LOGS_IMAGE" \
		sh -c 'i=0; while [ $i -lt 300 ]; do echo "line $i"; i=$((i+1)); done'
	local path
	path=$(wren inspect -f '{{.LogPath}}' "$name")
	[ -f "$path" ] && [ -f "$path.1" ] && [ -f "$path.2" ]
	[ ! -e "$path.3" ]
	local f
	for f in "$path" "$path.1" "$path.2"; do
		[ "$(stat -c %s "$f")" -le 2048 ] || { echo "$f over 2k" >&2; return 1; }
	done
	assert_equal '{"max-file":"3","max-size":"2k"}' "$(wren inspect -f '{{json .HostConfig.LogConfig.Config}}' "$name")"
	run -0 wren logs --tail 1 "$name"
	assert_output "line 299"
	# What is kept is the newest lines, without a gap.
	run -0 wren logs "$name"
	local first=${lines[0]#line }
	[ "${#lines[@]}" -eq $((300 - first)) ]
}

@test "a foreground container's output is logged too" {
	run -0 wren run --name "$name" "$LOGS_IMAGE" sh -c 'echo fg-out; echo fg-err >&2'
	run --separate-stderr -0 wren logs "$name"
	assert_output fg-out
	assert_equal fg-err "$stderr"
}

@test "bad input: unknown driver or option, unknown container: exit 125, nothing made" {
	run --separate-stderr -125 wren run --name "$name" --log-driver bogus "$LOGS_IMAGE" true
	assert_one_error
	run --separate-stderr -125 wren create --name "$name" --log-opt max-size=lots "$LOGS_IMAGE" true
	assert_one_error
	run --separate-stderr -125 wren create --name "$name" --log-opt colour=blue "$LOGS_IMAGE" true
	assert_one_error
	run -0 wren ps -aq --filter "name=^$name\$"
	assert_output ""
	run --separate-stderr -125 wren logs logs-no-such-container
	assert_one_error
}
