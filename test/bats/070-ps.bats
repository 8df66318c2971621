#!/usr/bin/env bats
# wren ps / container ls (issue 2, SPEC S4): docker's columns, STATUS strings,
# -a -q -n -l -s --no-trunc, filters and --format.

load helpers

setup_file() {
	export PS_IMAGE=ps-busybox
	import_busybox "$PS_IMAGE"
}

teardown_file() {
	rm_images "$PS_IMAGE"
}

setup() {
	name=ps-$BATS_TEST_NUMBER
}

teardown() {
	local i
	rm_containers "$name" "$name-2" "$name-3"
	for i in $(seq 20); do rm_containers "$name-p$i"; done
}

@test "an exited container: ps -a shows docker's row, ps does not" {
	run -3 wren run --name "$name" "$PS_IMAGE" sh -c 'echo hello world; exit 3'
	run -0 wren ps -a --no-trunc --filter "name=^$name\$"
	assert_equal "CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES" "$(squeeze <<<"${lines[0]}")"
	[ "${#lines[@]}" -eq 2 ]
	local id
	id=$(wren inspect -f '{{.Id}}' "$name")
	assert_match "^$id +$PS_IMAGE +\"sh -c 'echo hello world; exit 3'\" +(Less than a second|1 second|[0-9]+ seconds) ago +Exited \(3\) (Less than a second|[0-9]+ seconds) ago +$name\$" "${lines[1]}"
	run -0 wren ps --filter "name=^$name\$"
	[ "${#lines[@]}" -eq 1 ]
}

@test "COMMAND is quoted and truncated to 20 characters; IDs to 12" {
	run -0 wren run --name "$name" "$PS_IMAGE" sh -c 'echo hello world'
	run -0 wren ps -a --filter "name=^$name\$" --format '{{.Command}}|{{.ID}}'
	assert_match "^\"sh -c 'echo hello w…\"\|[0-9a-f]{12}\$"
	run -0 wren ps -a --filter "name=^$name\$" --format '{{.Command}}' --no-trunc
	assert_output "\"sh -c 'echo hello world'\""
}

@test "STATUS: Created, Up, Exited; -q, --no-trunc" {
	local id
	id=$(wren create --name "$name" "$PS_IMAGE" true)
	assert_match '^[0-9a-f]{64}$' "$id"
	run -0 wren ps -a --filter "id=$id" --format '{{.Status}}|{{.State}}'
	assert_output "Created|created"
	run -0 wren ps -aq --filter "name=^$name\$"
	assert_output "${id:0:12}"
	run -0 wren ps -aq --no-trunc --filter "name=^$name\$"
	assert_output "$id"

	run -0 wren run -d --name "$name-2" "$PS_IMAGE" sleep 300
	run -0 wren ps --filter "name=^$name-2\$" --format '{{.Status}}|{{.State}}'
	assert_match '^Up (Less than a second|[0-9]+ seconds)\|running$'
	run -0 wren stop -t 0 "$name-2"
	run -0 wren ps -a --filter "name=^$name-2\$" --format '{{.Status}}'
	assert_match '^Exited \(137\) (Less than a second|[0-9]+ seconds) ago$'
}

@test "ps lists newest first; -n and -l include every state" {
	wren run --name "$name" "$PS_IMAGE" true
	wren create --name "$name-2" "$PS_IMAGE" true >/dev/null
	wren run --name "$name-3" "$PS_IMAGE" true
	run -0 wren ps -a --filter "name=^$name" --format '{{.Names}}'
	assert_output "$name-3"$'\n'"$name-2"$'\n'"$name"
	run -0 wren ps -l --format '{{.Names}}'
	assert_output "$name-3"
	run -0 wren ps -n 2 --format '{{.Names}}'
	assert_output "$name-3"$'\n'"$name-2"
}

@test "filters: status, exited, label, ancestor, before, since" {
	wren run --name "$name" -l "ps-test=$name" -l tier=a "$PS_IMAGE" true
	run -4 wren run --name "$name-2" -l "ps-test=$name" "$PS_IMAGE" sh -c 'exit 4'
	wren create --name "$name-3" -l "ps-test=$name" -l tier=b "$PS_IMAGE" true >/dev/null
	local sel="--filter label=ps-test=$name"
	run -0 wren ps $sel --filter status=exited --format '{{.Names}}'
	assert_output "$name-2"$'\n'"$name"
	run -0 wren ps $sel --filter status=created --format '{{.Names}}'
	assert_output "$name-3"
	run -0 wren ps -a $sel --filter exited=4 --format '{{.Names}}'
	assert_output "$name-2"
	run -0 wren ps -a $sel --filter label=tier --format '{{.Names}}'
	assert_output "$name-3"$'\n'"$name"
	run -0 wren ps -a $sel --filter label=tier=b --format '{{.Names}}'
	assert_output "$name-3"
	run -0 wren ps -a $sel --filter "ancestor=$PS_IMAGE" --format '{{.Names}}'
	[ "${#lines[@]}" -eq 3 ]
	run -0 wren ps -a $sel --filter "ancestor=$PS_IMAGE:latest" --format '{{.Names}}'
	[ "${#lines[@]}" -eq 3 ]
	run -0 wren ps -a $sel --filter ancestor=ps-no-such-image --format '{{.Names}}'
	assert_output ""
	run -0 wren ps -a $sel --filter "before=$name-2" --format '{{.Names}}'
	assert_output "$name"
	run -0 wren ps -a $sel --filter "since=$name-2" --format '{{.Names}}'
	assert_output "$name-3"
	run -0 wren ps -a $sel --filter "name=$name-[23]" --format '{{.Names}}'
	assert_output "$name-3"$'\n'"$name-2"
}

@test "--format: json lines, table templates, .Label and .Labels" {
	wren run --name "$name" -l a=1 -l b=2 "$PS_IMAGE" true
	run -0 wren ps -a --filter "name=^$name\$" --format json
	assert_equal "$name" "$(jq -r .Names <<<"$output")"
	assert_equal "exited" "$(jq -r .State <<<"$output")"
	assert_equal "a=1,b=2" "$(jq -r .Labels <<<"$output")"
	assert_equal "$PS_IMAGE" "$(jq -r .Image <<<"$output")"
	run -0 wren ps -a --filter "name=^$name\$" --format 'table {{.Names}}\t{{.Label "b"}}\t{{.State}}'
	assert_equal "NAMES LABEL STATE" "$(squeeze <<<"${lines[0]}")"
	assert_equal "$name 2 exited" "$(squeeze <<<"${lines[1]}")"
	run -0 wren container ls -a --filter "name=^$name\$" --format '{{ .Names }} {{.Networks}}'
	assert_output "$name bridge"
	run -0 wren container list -a --filter "name=^$name\$" -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "-s adds SIZE: the writable layer and the virtual size" {
	wren run --name "$name" "$PS_IMAGE" sh -c 'head -c 300000 /dev/zero > /big'
	run -0 wren ps -as --filter "name=^$name\$"
	assert_match 'SIZE$' "${lines[0]}"
	assert_match '  3[0-9][0-9]kB \(virtual [0-9.]+[kM]B\)$' "${lines[1]}"
}

@test "20 containers started in parallel with distinct names all appear" {
	local i pids=()
	for i in $(seq 20); do
		wren run -d --name "$name-p$i" "$PS_IMAGE" sleep 300 >/dev/null &
		pids+=($!)
	done
	# Not a bare wait: bats has children of its own (its test timeout).
	wait "${pids[@]}"
	run -0 wren ps --filter "name=^$name-p[0-9]+\$" --format '{{.Names}} {{.State}}'
	[ "${#lines[@]}" -eq 20 ]
	for i in $(seq 20); do
		assert_match "(^|"$'\n'")$name-p$i running($|"$'\n'")"
	done
}

@test "bad input: unknown filter, bad status, bad template: one line, exit 125" {
	run --separate-stderr -125 wren ps --filter bogus=1
	assert_one_error
	run --separate-stderr -125 wren ps --filter status=sleeping
	assert_one_error
	run --separate-stderr -125 wren ps --format '{{.Names'
	assert_one_error
	run --separate-stderr -125 wren ps -a --filter since=ps-no-such-container
	assert_one_error
	assert_match 'No such container' "$stderr"
}
