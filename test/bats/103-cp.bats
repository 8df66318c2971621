#!/usr/bin/env bats
# cp (issue 7, SPEC S4): both ways, tar streams with "-", owners with -a,
# modes, symlinks, names with spaces, docker's directory rules, and paths
# that try to leave the container's root.

load helpers

setup_file() {
	export CP_IMAGE=cp-busybox
	import_busybox "$CP_IMAGE"
}

teardown_file() {
	rm_images "$CP_IMAGE"
}

setup() {
	name=cp-$BATS_TEST_NUMBER
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host/tree/sub"
	echo one >"$host/tree/file with spaces"
	echo two >"$host/tree/sub/b"
	chmod 0751 "$host/tree/sub"
	chmod 0600 "$host/tree/file with spaces"
	ln -s sub/b "$host/tree/link"
}

teardown() {
	rm_containers "$name" "$name-2"
}

@test "a tree round-trips host → running container → host with modes, symlinks and spaces" {
	wren run -d --name "$name" "$CP_IMAGE" sleep 100 >/dev/null
	run -0 wren cp "$host/tree" "$name:/tree"
	assert_output ""
	run -0 wren exec "$name" sh -c 'cat "/tree/file with spaces"; readlink /tree/link; cat /tree/link; stat -c "%a %u:%g" /tree/sub "/tree/file with spaces"'
	assert_output "one
sub/b
two
751 0:0
600 0:0"
	run -0 wren cp "$name:/tree" "$host/back"
	run -0 diff -r "$host/tree" "$host/back"
	[ "$(readlink "$host/back/link")" = sub/b ]
	[ "$(stat -c %a "$host/back/sub")" = 751 ]
}

@test "docker's directory rules: into an existing directory, contents with /., a file to a new name" {
	wren create --name "$name" "$CP_IMAGE" true >/dev/null
	wren cp "$host/tree" "$name:/tmp"
	wren cp "$host/tree/." "$name:/tmp/flat"
	wren cp "$host/tree/sub/b" "$name:/tmp/renamed"
	run -0 --separate-stderr wren cp "$name:/tmp" -
	run -0 sh -c "wren cp '$name:/tmp' - | tar -tf - | sort"
	assert_output "tmp/
tmp/flat/
tmp/flat/file with spaces
tmp/flat/link
tmp/flat/sub/
tmp/flat/sub/b
tmp/renamed
tmp/tree/
tmp/tree/file with spaces
tmp/tree/link
tmp/tree/sub/
tmp/tree/sub/b"
	run -125 --separate-stderr wren cp "$host/tree/sub/b" "$name:/nodir/"
	assert_one_error
}

@test "cp -a keeps owners through a tar stream; without -a they are the container's root" {
	wren run -d --name "$name" "$CP_IMAGE" sh -c 'mkdir /data && touch /data/f && chown 123:456 /data && chown 7:8 /data/f && chmod 0640 /data/f && sleep 100' >/dev/null
	wren create --name "$name-2" "$CP_IMAGE" true >/dev/null
	for _ in $(seq 50); do wren exec "$name" test -e /data/f && break; sleep 0.1; done
	wren cp "$name:/data" - | wren cp -a - "$name-2:/"
	run -0 sh -c "wren cp '$name-2:/data' - | tar -tvnf - | awk '{ print \$1, \$2, \$NF }'"
	assert_output "drwxr-xr-x 123/456 data/
-rw-r----- 7/8 data/f"
	wren cp "$name:/data" - | wren cp - "$name-2:/tmp"
	run -0 sh -c "wren cp '$name-2:/tmp/data/f' - | tar -tvnf - | awk '{ print \$2 }'"
	assert_output "0/0"
}

@test "cp -L follows a symbolic link; without it the link is copied" {
	wren create --name "$name" "$CP_IMAGE" true >/dev/null
	wren cp "$host/tree" "$name:/tree"
	wren cp "$name:/tree/link" "$host/nofollow"
	[ -L "$host/nofollow" ]
	wren cp -L "$name:/tree/link" "$host/follow"
	[ ! -L "$host/follow" ]
	run cat "$host/follow"
	assert_output two
}

@test "'..' and symbolic links cannot leave the container's root" {
	wren run -d --name "$name" "$CP_IMAGE" sh -c 'ln -s ../../../../../.. /up && ln -s / /abs && sleep 100' >/dev/null
	for _ in $(seq 50); do wren exec "$name" test -L /abs && break; sleep 0.1; done
	# /tmp exists in the container too: a marker that escaped would land on the host's.
	local marker=/tmp/wren-cp-escape-$$-$name
	rm -f "$marker" "$marker-2" "$marker-3"
	wren cp "$host/tree/sub/b" "$name:/../../../../..$marker"
	[ ! -e "$marker" ]
	wren exec "$name" test -f "$marker"
	wren cp "$host/tree/sub/b" "$name:/up$marker-2"
	[ ! -e "$marker-2" ]
	wren exec "$name" test -f "$marker-2"
	wren cp "$host/tree/sub/b" "$name:/abs$marker-3"
	[ ! -e "$marker-3" ]
	# Reading through the links reads the container's files, not the host's.
	run -0 sh -c "wren cp '$name:/up/etc/passwd' - | tar -xOf -"
	assert_match '^root:x:0:0:root:/root:/bin/sh'
	[ "$(wren cp "$name:/up$host/tree/sub/b" - 2>/dev/null | wc -c)" -eq 0 ]
}

@test "bad input: no container side, a missing source, a missing container: one error, exit 125" {
	run -125 --separate-stderr wren cp "$host/tree" "$host/other"
	assert_one_error
	[ ! -e "$host/other" ]
	run -125 --separate-stderr wren cp cp-no-such-container:/etc "$host/x"
	assert_one_error
	wren create --name "$name" "$CP_IMAGE" true >/dev/null
	run -125 --separate-stderr wren cp "$name:/no/such" "$host/x"
	assert_one_error
	assert_match 'Could not find the file /no/such' "$stderr"
	[ ! -e "$host/x" ]
}
