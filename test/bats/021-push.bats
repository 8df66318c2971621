#!/usr/bin/env bats
# push to a registry, and the pull that brings it back (issue 3, SPEC S3).
# WREN_TEST_REGISTRY is a plain-HTTP registry on 127.0.0.1 holding busybox:latest.

load helpers

setup() {
	reg=${WREN_TEST_REGISTRY:?}
	src=$reg/busybox:latest
	# Each run pushes under its own repository, so runs as user and root do not meet.
	dst=$reg/push-$BATS_TEST_NUMBER-$(id -u)/busybox
}

teardown() {
	rm_images "$dst:v1" "$dst:v2" "$src"
}

@test "push prints Docker's lines; rmi and pull back give the same image" {
	wren pull -q --tls-verify=false "$src"
	wren tag "$src" "$dst:v1"
	run --separate-stderr -0 wren push "$dst:v1"
	assert_equal "The push refers to repository [$dst]" "${lines[0]}"
	# The registry may hold the blob already under busybox: docker says so too.
	assert_match "^[0-9a-f]{12}: (Pushed|Layer already exists)$" "${lines[1]}"
	assert_match "^v1: digest: sha256:[0-9a-f]{64} size: [0-9]+$" "${lines[-1]}"
	pushed=$(awk '{ print $3 }' <<<"${lines[-1]}")
	# The pushed-to repository has a digest now, beside the pulled one.
	run -0 wren image inspect --format '{{json .RepoDigests}}' "$dst:v1"
	assert_match "\"$dst@$pushed\""
	assert_match "\"$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST\""
	# A second push finds every layer there.
	run --separate-stderr -0 wren push "$dst:v1"
	assert_match "^[0-9a-f]{12}: Layer already exists$" "${lines[1]}"
	wren rmi "$dst:v1" "$src" >/dev/null
	run -0 wren pull -q "$dst:v1"
	run -0 wren image inspect --format '{{.Id}}' "$dst:v1"
	assert_output "$WREN_TEST_BUSYBOX_ID"
}

@test "push -a pushes every tag of the repository" {
	import_busybox "$dst:v1"
	wren tag "$dst:v1" "$dst:v2"
	run --separate-stderr -0 wren push -a "$dst"
	assert_match $'(^|\n)v1: digest: sha256:'
	assert_match $'(^|\n)v2: digest: sha256:'
	run -0 skopeo inspect --tls-verify=false "docker://$dst:v2"
}

@test "push of an image that is not here: exit 125, one line" {
	run --separate-stderr -125 wren push "$dst:nothing"
	assert_one_error
	assert_match "does not exist locally" "$stderr"
}

@test "push to a registry that is not there: exit 125, one line" {
	import_busybox "$dst:v1"
	wren tag "$dst:v1" "127.0.0.1:1/push/busybox:v1"
	run --separate-stderr -125 wren push -q "127.0.0.1:1/push/busybox:v1"
	wren rmi "127.0.0.1:1/push/busybox:v1" >/dev/null
	assert_one_error
	assert_match "connection refused" "$stderr"
}

@test "ten concurrent pulls make one image without error" {
	local i pids=()
	for i in $(seq 10); do
		wren pull -q --tls-verify=false "$src" >"$BATS_TEST_TMPDIR/pull.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { cat "$BATS_TEST_TMPDIR/pull.$((i + 1))" >&2; return 1; }
	done
	run -0 wren images -q --no-trunc "$reg/busybox"
	assert_output "$WREN_TEST_BUSYBOX_ID"
}
