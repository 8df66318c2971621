#!/usr/bin/env bats
# image tree: an image's layers and the images that end on each, so shared
# layers show; --whatrequires: the images built on one (podman's command; issue 3).

load helpers

setup() {
	tag=tree-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$tag"
	rm_images "$tag:child" "$tag:base" "$tag:alias"
}

@test "image tree shows each layer and which images end on it" {
	import_busybox "$tag:base"
	wren tag "$tag:base" "$tag:alias"
	wren run --name "$tag" "$tag:base" sh -c 'echo hi >/added'
	wren commit "$tag" "$tag:child" >/dev/null
	local base child
	base=$(wren image inspect --format '{{.Id}}' "$tag:base")
	child=$(wren image inspect --format '{{.Id}}' "$tag:child")
	run --separate-stderr -0 wren image tree "$tag:child"
	assert_equal "Image ID: ${child:7:12}" "${lines[0]}"
	assert_equal "Tags:     [$tag:child]" "${lines[1]}"
	assert_match '^Size: +[0-9.]+[kMG]?B$' "${lines[2]}"
	assert_equal "Image Layers" "${lines[3]}"
	assert_match "^├── ID: [0-9a-f]{12} Size: +[0-9.]+[kMG]?B Top Layer of: \[$tag:alias $tag:base\]$" "${lines[4]}"
	assert_match "^└── ID: [0-9a-f]{12} Size: +[0-9.]+[kMG]?B Top Layer of: \[$tag:child\]$" "${lines[5]}"
	assert_equal 6 "${#lines[@]}"
	# The base's own tree is its one layer, the same ID as the child's first.
	local shared=${lines[4]:8:12}
	run --separate-stderr -0 wren image tree "${base:7:12}"
	assert_equal "└── ID: $shared" "${lines[4]:0:20}"
	assert_equal 5 "${#lines[@]}"
	# What is built on the base: the child's layer under the base's.
	run --separate-stderr -0 wren image tree --whatrequires "$tag:base"
	assert_match "^└── ID: $shared .*Top Layer of: \[$tag:alias $tag:base\]$" "${lines[4]}"
	assert_match "^    └── ID: [0-9a-f]{12} .*Top Layer of: \[$tag:child\]$" "${lines[5]}"
	assert_equal 6 "${#lines[@]}"
}

@test "image tree of a missing image: exit 125, one line" {
	run --separate-stderr -125 wren image tree "$tag:nothing"
	assert_one_error
	assert_match 'No such image' "$stderr"
}
