#!/usr/bin/env bats
# Container names (issue 2, SPEC S4): generated names, --name clashes, even
# concurrent ones, rename, and lookups by name, ID and prefix.

load helpers

setup_file() {
	export NAMES_IMAGE=names-busybox
	import_busybox "$NAMES_IMAGE"
}

teardown_file() {
	rm_images "$NAMES_IMAGE"
}

setup() {
	name=names-$BATS_TEST_NUMBER
	ids=()
}

teardown() {
	rm_containers "$name" "$name-2" "$name-new" "${ids[@]}"
}

@test "a container without --name gets docker's adjective_surname" {
	local id
	id=$(wren create "$NAMES_IMAGE" true)
	ids+=("$id")
	run -0 wren inspect -f '{{.Name}}' "$id"
	assert_match '^/[a-z]+_[a-z]+$'
	run -0 wren ps -a --filter "id=$id" --format '{{.Names}}'
	assert_match '^[a-z]+_[a-z]+$'
}

@test "a taken name is a clear error and nothing is made" {
	wren create --name "$name" "$NAMES_IMAGE" true >/dev/null
	run --separate-stderr -125 wren create --name "$name" "$NAMES_IMAGE" true
	assert_one_error
	assert_match "\"/$name\" is already in use" "$stderr"
	run --separate-stderr -125 wren run --name "$name" "$NAMES_IMAGE" true
	assert_one_error
	run -0 wren ps -aq --filter "name=^$name\$"
	[ "${#lines[@]}" -eq 1 ]
}

@test "two concurrent run --name with one name: exactly one wins" {
	local i pids=()
	for i in 1 2 3 4; do
		wren run --name "$name" "$NAMES_IMAGE" true >/dev/null 2>&1 &
		pids+=($!)
	done
	# Not a bare wait: bats has children of its own (its test timeout).
	wait "${pids[@]}" || true
	run -0 wren ps -aq --filter "name=^$name\$"
	[ "${#lines[@]}" -eq 1 ]
}

@test "an invalid name is refused" {
	run --separate-stderr -125 wren create --name "bad name" "$NAMES_IMAGE" true
	assert_one_error
	run --separate-stderr -125 wren create --name "-x" "$NAMES_IMAGE" true
	assert_one_error
}

@test "lookup by name, /name, full ID and unique prefix" {
	local id
	id=$(wren create --name "$name" "$NAMES_IMAGE" true)
	for ref in "$name" "/$name" "$id" "${id:0:12}" "${id:0:5}"; do
		run -0 wren inspect -f '{{.Id}}' "$ref"
		assert_output "$id"
	done
}

@test "rename: the new name works, the old one is gone, running or not" {
	local id
	id=$(wren create --name "$name" "$NAMES_IMAGE" true)
	run -0 wren rename "$name" "$name-new"
	assert_output ""
	assert_equal "/$name-new" "$(wren inspect -f '{{.Name}}' "$id")"
	run -125 wren inspect "$name"
	# The old name can be used again.
	wren create --name "$name" "$NAMES_IMAGE" true >/dev/null
	wren rm "$name-new" >/dev/null

	wren run -d --name "$name-2" "$NAMES_IMAGE" sleep 300 >/dev/null
	run -0 wren rename "$name-2" "$name-new"
	run -0 wren ps --filter "name=^$name-new\$" --format '{{.Names}} {{.State}}'
	assert_output "$name-new running"
}

@test "rename to a taken, invalid or the same name: exit 125, nothing changed" {
	wren create --name "$name" "$NAMES_IMAGE" true >/dev/null
	wren create --name "$name-2" "$NAMES_IMAGE" true >/dev/null
	run --separate-stderr -125 wren rename "$name" "$name-2"
	assert_one_error
	assert_match 'already in use' "$stderr"
	run --separate-stderr -125 wren rename "$name" "bad name"
	assert_one_error
	run --separate-stderr -125 wren rename "$name" "$name"
	assert_one_error
	run --separate-stderr -125 wren rename names-no-such-container "$name-new"
	assert_one_error
	run -0 wren ps -a --filter "name=^$name(-2)?\$" --format '{{.Names}}'
	assert_output "$name-2"$'\n'"$name"
}

@test "concurrent renames to one name: exactly one wins" {
	wren create --name "$name" "$NAMES_IMAGE" true >/dev/null
	wren create --name "$name-2" "$NAMES_IMAGE" true >/dev/null
	local pids=()
	wren rename "$name" "$name-new" 2>/dev/null &
	pids+=($!)
	wren rename "$name-2" "$name-new" 2>/dev/null &
	pids+=($!)
	wait "${pids[0]}" || true
	wait "${pids[1]}" || true
	run -0 wren ps -a --filter "name=^$name" --format '{{.Names}}'
	[ "${#lines[@]}" -eq 2 ]
	assert_match "(^|"$'\n'")$name-new($|"$'\n'")"
	run -0 wren ps -aq --filter "name=^$name-new\$"
	[ "${#lines[@]}" -eq 1 ]
}
