#!/usr/bin/env bats
# An image's history (issue 3, SPEC S3). commit, export and diff are still to come.

load helpers

setup() {
	tag=hist-$BATS_TEST_NUMBER
}

teardown() {
	rm_images "$tag:a" "${WREN_TEST_REGISTRY:?}/busybox:latest"
}

@test "history prints Docker's columns, the image's ID on the newest row" {
	wren pull -q --tls-verify=false "$WREN_TEST_REGISTRY/busybox:latest"
	run --separate-stderr -0 wren history "$WREN_TEST_REGISTRY/busybox:latest"
	assert_equal "IMAGE CREATED CREATED BY SIZE COMMENT" "$(squeeze <<<"${lines[0]}")"
	assert_match "^${WREN_TEST_BUSYBOX_ID:7:12} " "${lines[1]}"
	run -0 wren history -q --no-trunc "$WREN_TEST_REGISTRY/busybox:latest"
	assert_output "$WREN_TEST_BUSYBOX_ID"
}

@test "history of an import shows its message; --format and --no-trunc" {
	wren import -m "made by $tag" "$WREN_TEST_ROOTFS" "$tag:a" >/dev/null
	run -0 wren history --format '{{.Comment}}|{{.CreatedBy}}' "$tag:a"
	assert_output "made by $tag|"
	run -0 wren history -H=false --format '{{.Size}}' "$tag:a"
	assert_match '^[0-9]+$'
}

@test "history of a missing image: exit 125, one line" {
	run --separate-stderr -125 wren history "$tag:nothing"
	assert_one_error
}
