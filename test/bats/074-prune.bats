#!/usr/bin/env bats
# wren container prune (issue 2, SPEC S4): removes stopped containers, keeps
# running ones; -f, --filter until= and label=; docker's report.

load helpers

setup_file() {
	export PRUNE_IMAGE=prune-busybox
	import_busybox "$PRUNE_IMAGE"
}

teardown_file() {
	rm_images "$PRUNE_IMAGE"
}

setup() {
	name=prune-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2" "$name-3" "$name-4"
}

@test "prune removes exited and created containers, keeps running ones" {
	local exited created
	wren run --name "$name" -l "prune-test=$name" "$PRUNE_IMAGE" true
	exited=$(wren inspect -f '{{.Id}}' "$name")
	created=$(wren create --name "$name-2" -l "prune-test=$name" "$PRUNE_IMAGE" true)
	wren run -d --name "$name-3" -l "prune-test=$name" "$PRUNE_IMAGE" sleep 300 >/dev/null
	run -0 wren container prune -f --filter "label=prune-test=$name"
	assert_equal "Deleted Containers:" "${lines[0]}"
	assert_match "(^|"$'\n'")$exited($|"$'\n'")"
	assert_match "(^|"$'\n'")$created($|"$'\n'")"
	assert_match $'\n\nTotal reclaimed space: [0-9.]+[kMG]?B$'
	run -0 wren ps -a --filter "label=prune-test=$name" --format '{{.Names}}'
	assert_output "$name-3"
}

@test "the reclaimed space counts the writable layers" {
	wren run --name "$name" -l "prune-test=$name" "$PRUNE_IMAGE" sh -c 'head -c 500000 /dev/zero > /f'
	run -0 wren container prune -f --filter "label=prune-test=$name"
	assert_match 'Total reclaimed space: (5[0-9][0-9]kB|[0-9.]+MB)$'
}

@test "nothing to prune: only the total" {
	run -0 wren container prune -f --filter "label=prune-test=$name"
	assert_output "Total reclaimed space: 0B"
}

@test "--filter label=, label!= and until=" {
	wren create --name "$name" -l "prune-test=$name" -l keep=yes "$PRUNE_IMAGE" true >/dev/null
	wren create --name "$name-2" -l "prune-test=$name" "$PRUNE_IMAGE" true >/dev/null
	run -0 wren container prune -f --filter "label=prune-test=$name" --filter 'label!=keep'
	assert_match "$(wren ps -aq --no-trunc --filter "name=^$name-2\$" || true)"
	run -0 wren ps -a --filter "label=prune-test=$name" --format '{{.Names}}'
	assert_output "$name"
	# Created a moment ago: not before an hour ago.
	run -0 wren container prune -f --filter "label=prune-test=$name" --filter until=1h
	assert_output "Total reclaimed space: 0B"
	run -0 wren container prune -f --filter "label=prune-test=$name" --filter "until=$(($(date +%s) + 60))"
	assert_match '^Deleted Containers:'
	run -0 wren ps -a --filter "label=prune-test=$name" -q
	assert_output ""
}

@test "without -f it asks, and no keeps everything" {
	wren create --name "$name" -l "prune-test=$name" "$PRUNE_IMAGE" true >/dev/null
	run -0 bash -c "echo n | wren container prune --filter label=prune-test=$name"
	assert_match 'Are you sure you want to continue\? \[y/N\]'
	refute_match 'Deleted'
	run -0 wren ps -a --filter "label=prune-test=$name" --format '{{.Names}}'
	assert_output "$name"
	run -0 bash -c "echo y | wren container prune --filter label=prune-test=$name"
	assert_match 'Deleted Containers:'
	run -0 wren ps -a --filter "label=prune-test=$name" -q
	assert_output ""
}

@test "bad filters: exit 125, nothing removed" {
	wren create --name "$name" -l "prune-test=$name" "$PRUNE_IMAGE" true >/dev/null
	run --separate-stderr -125 wren container prune -f --filter bogus=1
	assert_one_error
	run --separate-stderr -125 wren container prune -f --filter until=someday
	assert_one_error
	run -0 wren ps -a --filter "label=prune-test=$name" --format '{{.Names}}'
	assert_output "$name"
}
