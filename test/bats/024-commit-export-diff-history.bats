#!/usr/bin/env bats
# commit, export, diff and an image's history (issue 3, SPEC S3).

load helpers

setup() {
	tag=hist-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$tag-c" "$tag-d"
	rm_images "$tag:a" "$tag:b" "$tag:c" "${WREN_TEST_REGISTRY:?}/busybox:latest"
	rm -rf "${BATS_TEST_TMPDIR:?}/save"
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

@test "commit a change, run the new image and see it; -m, -a in history" {
	import_busybox "$tag:a"
	wren run --name "$tag-c" "$tag:a" sh -c 'echo committed > /greeting; rm /bin/ls'
	run -0 wren commit -m "msg $tag" -a "someone" "$tag-c" "$tag:b"
	assert_match '^sha256:[0-9a-f]{64}$'
	run -0 wren run --rm "$tag:b" cat /greeting
	assert_output committed
	run -1 wren run --rm "$tag:b" test -e /bin/ls
	run -0 wren history --format '{{.Comment}}' "$tag:b"
	assert_equal "msg $tag" "${lines[0]}"
	run -0 wren image inspect --format '{{.Author}}' "$tag:b"
	assert_output someone
}

@test "commit leaves /etc/hosts, resolv.conf and hostname out of the image" {
	import_busybox "$tag:a"
	wren run --name "$tag-c" -h "$tag" "$tag:a" sh -c 'echo x > /etc/motd'
	wren container commit "$tag-c" "$tag:b" >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/save"
	wren save -o "$BATS_TEST_TMPDIR/save/img.tar" "$tag:b"
	cd "$BATS_TEST_TMPDIR/save" && tar xf img.tar
	top=$(jq -r '.[0].Layers[-1]' manifest.json)
	run -0 tar tf "$top"
	assert_match 'etc/motd'
	refute_match 'etc/(hosts|resolv.conf|hostname)'
}

@test "commit -c CMD and ENV; the container's own command is kept otherwise" {
	import_busybox "$tag:a"
	wren create --name "$tag-c" -e FOO=bar "$tag:a" sh -c 'echo $FOO'
	wren commit "$tag-c" "$tag:b" >/dev/null
	run -0 wren run --rm "$tag:b"
	assert_output bar
	wren commit -c 'CMD ["echo", "from-change"]' -c 'ENV BAZ=1' "$tag-c" "$tag:c" >/dev/null
	run -0 wren run --rm "$tag:c"
	assert_output from-change
	run -0 wren run --rm "$tag:c" sh -c 'echo $BAZ$FOO'
	assert_output 1bar
}

@test "export | import round trip runs; export -o" {
	import_busybox "$tag:a"
	wren run --name "$tag-c" "$tag:a" sh -c 'echo exported > /marker'
	wren export "$tag-c" | wren import - "$tag:b" >/dev/null
	run -0 wren run --rm "$tag:b" cat /marker
	assert_output exported
	wren container export -o "$BATS_TEST_TMPDIR/c.tar" "$tag-c"
	run -0 tar tf "$BATS_TEST_TMPDIR/c.tar"
	assert_match 'marker'
	run --separate-stderr -125 wren export -o "$BATS_TEST_TMPDIR/c.tar" "$tag-nothing"
	assert_one_error
}

@test "diff prints A, C and D lines sorted by path, without the injected files" {
	import_busybox "$tag:a"
	wren run --name "$tag-c" "$tag:a" sh -c 'mkdir /new && touch /new/f && rm /bin/ls && echo x >> /etc/passwd'
	run -0 wren diff "$tag-c"
	refute_match 'hosts|resolv.conf|hostname'
	# Whether /etc itself shows as changed depends on the storage driver.
	run -0 bash -c "'$WREN_BINARY' diff '$tag-c' | grep -vx 'C /etc'"
	assert_output "C /bin
D /bin/ls
C /etc/passwd
A /new
A /new/f"
	run --separate-stderr -125 wren container diff "$tag-nothing"
	assert_one_error
}

@test "commit of a missing container: exit 125, one line, no image" {
	run --separate-stderr -125 wren commit "$tag-nothing" "$tag:b"
	assert_one_error
	run -125 wren image inspect "$tag:b"
}

@test "image prune removes dangling images, -a unused ones, never one a container uses" {
	import_busybox "$tag:a"
	import_busybox "$tag:b"
	dangling=$(wren import "$WREN_TEST_ROOTFS")
	wren create --name "$tag-c" "$tag:b" true >/dev/null
	run -0 wren image prune -f
	assert_equal "Deleted Images:" "${lines[0]}"
	assert_match "deleted: $dangling"
	assert_match 'Total reclaimed space: '
	run -0 wren image prune -a -f --filter "label=nothing-$tag"
	assert_output 'Total reclaimed space: 0B'
	run -0 wren image prune -a -f
	assert_match "untagged: $tag:a"
	run -0 wren image inspect "$tag:b"
	run -125 wren image inspect "$tag:a"
	run --separate-stderr -125 wren image prune -f --filter bogus=1
	assert_one_error
}
