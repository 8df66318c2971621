#!/usr/bin/env bats
# wren import: an image from a rootfs tarball, offline (README's demo; issue 8 §2).

load helpers

setup() {
	img=imp-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$img"
	rm_images "$img" "$img:v2"
}

@test "import FILE NAME prints the image ID and the image lists" {
	run --separate-stderr -0 wren import "$WREN_TEST_ROOTFS" "$img"
	assert_match '^sha256:[0-9a-f]{64}$'
	local id=${output#sha256:}
	run -0 wren images --format '{{.Repository}} {{.Tag}} {{.ID}}'
	assert_match "(^|"$'\n'")$img latest ${id:0:12}($|"$'\n'")"
}

@test "import - NAME:TAG reads the tarball from stdin" {
	run --separate-stderr -0 wren import - "$img:v2" <"$WREN_TEST_ROOTFS"
	assert_match '^sha256:[0-9a-f]{64}$'
	run -0 wren image inspect "$img:v2"
	assert_equal "[\"$img:v2\"]" "$(jq -c '.[0].RepoTags' <<<"$output")"
}

@test "an imported image has the tarball as its one layer" {
	import_busybox "$img"
	run -0 wren image inspect "$img"
	assert_equal 1 "$(jq length <<<"$output")"
	assert_equal layers "$(jq -r '.[0].RootFS.Type' <<<"$output")"
	assert_equal "[\"$WREN_TEST_BUSYBOX_DIFFID\"]" "$(jq -c '.[0].RootFS.Layers' <<<"$output")"
	assert_equal linux "$(jq -r '.[0].Os' <<<"$output")"
	assert_match '^sha256:[0-9a-f]{64}$' "$(jq -r '.[0].Id' <<<"$output")"
	assert_equal "[\"$img:latest\"]" "$(jq -c '.[0].RepoTags' <<<"$output")"
	# A local image has no registry digest.
	assert_equal "[]" "$(jq -c '.[0].RepoDigests // []' <<<"$output")"
}

@test "the imported files run" {
	import_busybox "$img"
	run -0 wren run --rm "$img" head -n1 /etc/passwd
	assert_output "root:x:0:0:root:/root:/bin/sh"
}

@test "import -c sets the config and -m the comment" {
	run -0 wren import \
		-c 'ENV GREETING=hello' \
		-c 'WORKDIR /tmp' \
		-c 'USER tester' \
		-c 'LABEL org.example.k=v' \
		-c 'ENTRYPOINT ["/bin/echo", "ep"]' \
		-c 'CMD ["c1", "c2"]' \
		-m "imported by bats" \
		"$WREN_TEST_ROOTFS" "$img"
	run -0 wren image inspect "$img"
	local cfg
	cfg=$(jq -c '.[0].Config' <<<"$output")
	assert_equal '["/bin/echo","ep"]' "$(jq -c .Entrypoint <<<"$cfg")"
	assert_equal '["c1","c2"]' "$(jq -c .Cmd <<<"$cfg")"
	assert_equal /tmp "$(jq -r .WorkingDir <<<"$cfg")"
	assert_equal tester "$(jq -r .User <<<"$cfg")"
	assert_equal v "$(jq -r '.Labels["org.example.k"]' <<<"$cfg")"
	assert_equal true "$(jq '.Env | index("GREETING=hello") != null' <<<"$cfg")"
	assert_equal "imported by bats" "$(jq -r '.[0].Comment' <<<"$output")"
}

@test "import -c with shell forms wraps them in /bin/sh -c" {
	run -0 wren import -c 'CMD echo shell form' "$WREN_TEST_ROOTFS" "$img"
	run -0 wren image inspect "$img"
	assert_equal '["/bin/sh","-c","echo shell form"]' "$(jq -c '.[0].Config.Cmd' <<<"$output")"
}

@test "an image imported without CMD cannot run without a command" {
	import_busybox "$img"
	run --separate-stderr -125 wren run --rm "$img"
	assert_one_error
}

@test "import of a missing file: exit 125, one line, no image" {
	run --separate-stderr -125 wren import "$BATS_TEST_TMPDIR/no-such.tar" "$img"
	assert_one_error
	assert_match 'no-such\.tar' "$stderr"
	run -125 wren image inspect "$img"
}

@test "import of something that is not a tar: exit 125, no image" {
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/junk.tar"
	run --separate-stderr -125 wren import "$BATS_TEST_TMPDIR/junk.tar" "$img"
	assert_one_error
	assert_match 'tar' "$stderr"
	run -125 wren image inspect "$img"
}

@test "import -c with an unknown instruction: exit 125, no image" {
	run --separate-stderr -125 wren import -c 'BOGUS x' "$WREN_TEST_ROOTFS" "$img"
	assert_one_error
	assert_match 'BOGUS' "$stderr"
	run -125 wren image inspect "$img"
}

@test "import with a bad reference: exit 125" {
	run --separate-stderr -125 wren import "$WREN_TEST_ROOTFS" "UPPER/Case"
	assert_one_error
	assert_match 'reference' "$stderr"
}
