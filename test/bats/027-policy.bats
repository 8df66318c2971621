#!/usr/bin/env bats
# Signature policy: the user's ~/.config/containers/policy.json is honoured by
# pull (issue 3, SPEC S3). Each test runs wren with HOME set to a directory of
# its own holding the policy.json it writes, so no real home is touched.

load helpers

setup() {
	reg=${WREN_TEST_REGISTRY:?}
	ref=$reg/busybox:latest
	home=$BATS_TEST_TMPDIR/home
	mkdir -p "$home/.config/containers"
}

teardown() {
	rm_images "$ref"
}

# policy JSON: writes the test's policy.json.
policy() {
	echo "$1" >"$home/.config/containers/policy.json"
}

@test "a policy that rejects the registry: exit 125, one line, nothing stored" {
	policy '{"default":[{"type":"insecureAcceptAnything"}],"transports":{"docker":{"'"$reg"'":[{"type":"reject"}]}}}'
	run --separate-stderr -125 env HOME="$home" "$WREN_BINARY" pull "$ref"
	assert_equal 1 "${#stderr_lines[@]}"
	assert_match "^Error: .*rejected by policy" "$stderr"
	run -0 wren images -q "$reg/busybox"
	assert_output ""
	# Also when the image is already stored: the policy decides, not the store.
	wren pull -q "$ref" >/dev/null
	run --separate-stderr -125 env HOME="$home" "$WREN_BINARY" pull -q "$ref"
	assert_one_error
	assert_match "rejected by policy" "$stderr"
}

@test "a reject for another scope leaves this registry alone" {
	policy '{"default":[{"type":"insecureAcceptAnything"}],"transports":{"docker":{"127.0.0.1:1":[{"type":"reject"}]}}}'
	run --separate-stderr -0 env HOME="$home" "$WREN_BINARY" pull -q "$ref"
	assert_output "$ref"
}

@test "a default of reject refuses every registry; a broken policy.json is one error" {
	policy '{"default":[{"type":"reject"}]}'
	run --separate-stderr -125 env HOME="$home" "$WREN_BINARY" pull -q "$ref"
	assert_one_error
	assert_match "rejected by policy" "$stderr"
	policy '{"default": ['
	run --separate-stderr -125 env HOME="$home" "$WREN_BINARY" pull -q "$ref"
	assert_one_error
	assert_match "policy" "$stderr"
	run -0 wren images -q "$reg/busybox"
	assert_output ""
}
