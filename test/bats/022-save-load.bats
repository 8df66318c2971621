#!/usr/bin/env bats
# save and load: docker-archive and oci-archive, files and pipes (issue 3, SPEC S3).

load helpers

setup() {
	tag=save-$BATS_TEST_NUMBER
}

teardown() {
	rm_images "$tag:a" "$tag:b" "$tag:c"
}

@test "save -o, rmi, load -i: same ID and tags" {
	import_busybox "$tag:a"
	wren tag "$tag:a" "$tag:b"
	local id
	id=$(wren image inspect --format '{{.Id}}' "$tag:a")
	run -0 wren save -o "$BATS_TEST_TMPDIR/img.tar" "$tag:a" "$tag:b"
	assert_output ""
	run -0 tar -tf "$BATS_TEST_TMPDIR/img.tar"
	assert_match $'(^|\n)manifest.json(\n|$)'
	assert_match $'(^|\n)repositories(\n|$)'
	wren rmi "$tag:a" "$tag:b" >/dev/null
	run --separate-stderr -0 wren load -i "$BATS_TEST_TMPDIR/img.tar"
	assert_output $'Loaded image: '"$tag:a"$'\nLoaded image: '"$tag:b"
	run -0 wren image inspect --format '{{.Id}} {{json .RepoTags}}' "$tag:b"
	assert_output "$id [\"$tag:a\",\"$tag:b\"]"
}

@test "load of an image already stored tags it again; a tag held elsewhere moves" {
	import_busybox "$tag:a"
	local id
	id=$(wren image inspect --format '{{.Id}}' "$tag:a")
	wren save -o "$BATS_TEST_TMPDIR/img.tar" "$tag:a"
	# Twice over the image itself: nothing to copy, the same lines.
	run --separate-stderr -0 wren load -i "$BATS_TEST_TMPDIR/img.tar"
	assert_output "Loaded image: $tag:a"
	run --separate-stderr -0 wren load -i "$BATS_TEST_TMPDIR/img.tar"
	assert_output "Loaded image: $tag:a"
	# The image stays when only its tag is gone.
	wren tag "$tag:a" "$tag:b"
	wren rmi "$tag:a" >/dev/null
	run --separate-stderr -0 wren load -i "$BATS_TEST_TMPDIR/img.tar"
	assert_output "Loaded image: $tag:a"
	run -0 wren image inspect --format '{{.Id}} {{json .RepoTags}}' "$tag:a"
	assert_output "$id [\"$tag:a\",\"$tag:b\"]"
	wren rmi "$tag:b" >/dev/null
	# Over a tag that another image holds: docker's notice, the tag moves and
	# the other image is left dangling.
	wren rmi "$tag:a" >/dev/null
	import_busybox "$tag:a"
	local other
	other=$(wren image inspect --format '{{.Id}}' "$tag:a")
	[ "$other" != "$id" ]
	run --separate-stderr -0 wren load -i "$BATS_TEST_TMPDIR/img.tar"
	assert_output "The image $tag:a already exists, renaming the old one with ID $other to empty string"$'\n'"Loaded image: $tag:a"
	run -0 wren image inspect --format '{{.Id}}' "$tag:a"
	assert_output "$id"
	run -0 wren images -q --no-trunc --filter dangling=true
	assert_match "(^|"$'\n'")$other($|"$'\n'")"
	wren rmi "$other" >/dev/null
}

@test "save to stdout and load from stdin, an image by ID keeps no tag" {
	import_busybox "$tag:a"
	local id
	id=$(wren image inspect --format '{{.Id}}' "$tag:a")
	wren save "${id:7:12}" >"$BATS_TEST_TMPDIR/byid.tar"
	wren rmi "$tag:a" >/dev/null
	run --separate-stderr -0 wren load <"$BATS_TEST_TMPDIR/byid.tar"
	assert_output "Loaded image ID: $id"
	wren rmi "$id" >/dev/null
	# Through a pipe, gzipped.
	run -0 bash -c "gzip -c '$BATS_TEST_TMPDIR/byid.tar' | '$WREN_BINARY' load"
	assert_output "Loaded image ID: $id"
	wren rmi "$id" >/dev/null
}

@test "save --format oci-archive and load it back" {
	import_busybox "$tag:c"
	local id
	id=$(wren image inspect --format '{{.Id}}' "$tag:c")
	wren save --format oci-archive -o "$BATS_TEST_TMPDIR/oci.tar" "$tag:c"
	run -0 tar -tf "$BATS_TEST_TMPDIR/oci.tar"
	assert_match $'(^|\n)(\\./)?oci-layout(\n|$)'
	wren rmi "$tag:c" >/dev/null
	run -0 wren load -i "$BATS_TEST_TMPDIR/oci.tar"
	run -0 wren image inspect --format '{{.Id}}' "$id"
	assert_output "$id"
}

@test "a truncated or corrupt archive: exit 125, one line, no image left" {
	import_busybox "$tag:a"
	wren save -o "$BATS_TEST_TMPDIR/img.tar" "$tag:a"
	wren rmi "$tag:a" >/dev/null
	local before size
	before=$(wren images -a -q --no-trunc | sort)
	size=$(stat -c %s "$BATS_TEST_TMPDIR/img.tar")
	head -c $((size / 2)) "$BATS_TEST_TMPDIR/img.tar" >"$BATS_TEST_TMPDIR/cut.tar"
	run --separate-stderr -125 wren load -i "$BATS_TEST_TMPDIR/cut.tar"
	assert_one_error
	run --separate-stderr -125 wren load <"$BATS_TEST_TMPDIR/cut.tar"
	assert_one_error
	# Whole as a tar, but a layer's bytes changed: its digest no longer matches.
	mkdir "$BATS_TEST_TMPDIR/x"
	tar -xf "$BATS_TEST_TMPDIR/img.tar" -C "$BATS_TEST_TMPDIR/x"
	local layer
	layer=$(find "$BATS_TEST_TMPDIR/x" -type f -size +100k | head -n 1)
	[ -n "$layer" ]
	chmod u+w "$layer"
	printf 'corrupt' | dd of="$layer" bs=1 seek=50000 conv=notrunc status=none
	tar -C "$BATS_TEST_TMPDIR/x" -cf "$BATS_TEST_TMPDIR/corrupt.tar" .
	run --separate-stderr -125 wren load -i "$BATS_TEST_TMPDIR/corrupt.tar"
	assert_one_error
	echo 'not an archive' >"$BATS_TEST_TMPDIR/junk.tar"
	run --separate-stderr -125 wren load -i "$BATS_TEST_TMPDIR/junk.tar"
	assert_one_error
	assert_equal "$before" "$(wren images -a -q --no-trunc | sort)"
}

@test "save of a missing image: exit 125 and no file" {
	run --separate-stderr -125 wren save -o "$BATS_TEST_TMPDIR/none.tar" "$tag:nothing"
	assert_one_error
	[ ! -e "$BATS_TEST_TMPDIR/none.tar" ]
	run -0 find "$BATS_TEST_TMPDIR" -name '*.tmp-*'
	assert_output ""
}
