#!/usr/bin/env bats
# --userns (issue 6, SPEC S8): host is wren's own user namespace (the default);
# keep-id puts the user at their own uid inside a namespace of the container's
# own; auto gives each container a range of the subordinate ids no other one
# uses; --uidmap/--gidmap give the maps outright. Host ids are read from outside.

load helpers

setup() {
	img=userns-modes-$BATS_TEST_NUMBER
	ctr=userns-modes-$BATS_TEST_NUMBER
	import_busybox "$img"
	bind=$BATS_TEST_TMPDIR/bind
	mkdir -p "$bind"
}

teardown() {
	rm_containers "$ctr" "$ctr-a" "$ctr-b"
	wren volume rm -f "$ctr-vol" >/dev/null 2>&1 || true
	rm_images "$img"
}

# ranged: a user with a subordinate range, which keep-id and auto need.
ranged() {
	rootless && ! single_id
}

# host_uid_of_root CONTAINER: the host uid that root inside a running container is.
host_uid_of_root() {
	local pid
	pid=$(wren inspect -f '{{.State.Pid}}' "$1")
	awk '$1 == 0 { print $2 }' "/proc/$pid/uid_map"
}

@test "--userns=host is the default and is shown by inspect" {
	run --separate-stderr -0 wren create --name "$ctr" --userns=host "$img" true
	run --separate-stderr -0 wren inspect -f '{{.HostConfig.UsernsMode}}' "$ctr"
	assert_output host
	run --separate-stderr -0 wren run --rm --userns=host "$img" readlink /proc/self/ns/user
	if rootless; then
		assert_output "$(readlink "/proc/$(pause_pid)/ns/user")"
	else
		assert_output "$(readlink /proc/self/ns/user)"
	fi
}

@test "keep-id: the user's uid and gid inside, a passwd entry, HOME" {
	ranged || skip "keep-id needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run --rm --userns=keep-id "$img" sh -c 'id -u; id -g; echo "$HOME"'
	assert_equal "$(id -u)" "${lines[0]}"
	assert_equal "$(id -g)" "${lines[1]}"
	assert_equal "$(getent passwd "$(id -u)" | cut -d: -f6)" "${lines[2]}"
	run --separate-stderr -0 wren run --rm --userns=keep-id "$img" grep "^$(id -un):" /etc/passwd
	assert_match "^$(id -un):\*:$(id -u):$(id -g):"
	run --separate-stderr -0 wren run --rm --userns=keep-id "$img" grep "^$(id -un):" /etc/group
	assert_match ":$(id -g):"
	# The image's files keep their owners: root's are root's inside.
	run --separate-stderr -0 wren run --rm --userns=keep-id "$img" stat -c '%u:%g' /bin
	assert_output 0:0
}

@test "keep-id: what the container writes in a bind mount is the user's on the host" {
	ranged || skip "keep-id needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run --rm --userns=keep-id -v "$bind:/data" "$img" sh -c 'echo hi >/data/f; mkdir /data/d'
	assert_equal "$(id -u):$(id -g)" "$(stat -c %u:%g "$bind/f")"
	assert_equal "$(id -u):$(id -g)" "$(stat -c %u:%g "$bind/d")"
	# And the user's own files are theirs inside.
	run --separate-stderr -0 wren run --rm --userns=keep-id -v "$bind:/data" "$img" stat -c %u /data/f
	assert_output "$(id -u)"
}

@test "keep-id:uid=,gid= puts the user at those ids; -u still wins" {
	ranged || skip "keep-id needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run --rm --userns=keep-id:uid=1234,gid=2345 -v "$bind:/data" "$img" sh -c 'id -u; id -g; touch /data/g'
	assert_equal 1234 "${lines[0]}"
	assert_equal 2345 "${lines[1]}"
	assert_equal "$(id -u):$(id -g)" "$(stat -c %u:%g "$bind/g")"
	run --separate-stderr -0 wren run --rm --userns=keep-id -u 0 "$img" id -u
	assert_output 0
	run --separate-stderr -0 wren create --name "$ctr" --userns=keep-id "$img" true
	run --separate-stderr -0 wren inspect -f '{{.HostConfig.UsernsMode}}' "$ctr"
	assert_output keep-id
}

@test "keep-id: the user is themselves on the host; exec runs as the user too" {
	ranged || skip "keep-id needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run -d --name "$ctr" --userns=keep-id "$img" sleep 60
	local pid
	pid=$(wren inspect -f '{{.State.Pid}}' "$ctr")
	run -0 awk -v u="$(id -u)" '$1 == u { print $2, $3 }' "/proc/$pid/uid_map"
	assert_output "$(id -u) 1"
	run --separate-stderr -0 wren exec "$ctr" id -u
	assert_output "$(id -u)"
}

@test "auto: two containers get ranges that map to different host ids" {
	ranged || skip "auto needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run -d --name "$ctr-a" --userns=auto "$img" sleep 60
	run --separate-stderr -0 wren run -d --name "$ctr-b" --userns=auto:size=2000 "$img" sleep 60
	local a b start count
	a=$(host_uid_of_root "$ctr-a")
	b=$(host_uid_of_root "$ctr-b")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
	read -r start count < <(subid_range /etc/subuid)
	# Both inside the user's subordinate range, neither the user's own uid.
	[ "$a" -ge "$start" ] && [ "$a" -lt $((start + count)) ]
	[ "$b" -ge "$start" ] && [ "$b" -lt $((start + count)) ]
	# The sizes asked for, without overlap.
	local pid sa sb
	pid=$(wren inspect -f '{{.State.Pid}}' "$ctr-b")
	sb=$(awk '$1 == 0 { print $3 }' "/proc/$pid/uid_map")
	assert_equal 2000 "$sb"
	pid=$(wren inspect -f '{{.State.Pid}}' "$ctr-a")
	sa=$(awk '$1 == 0 { print $3 }' "/proc/$pid/uid_map")
	[ $((a + sa)) -le "$b" ] || [ $((b + sb)) -le "$a" ]
	# Root inside is root over the image's files, and exec joins the namespace.
	run --separate-stderr -0 wren exec "$ctr-a" sh -c 'id -u; stat -c %u /bin; cat /etc/hostname'
	assert_equal 0 "${lines[0]}"
	assert_equal 0 "${lines[1]}"
	run --separate-stderr -0 wren inspect -f '{{.HostConfig.UsernsMode}}' "$ctr-b"
	assert_output auto:size=2000
}

@test "auto: a new named volume belongs to the container's root" {
	ranged || skip "auto needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run --rm --userns=auto -v "$ctr-vol:/data" "$img" sh -c 'stat -c %u /data; echo hi >/data/f; cat /data/f'
	assert_equal 0 "${lines[0]}"
	assert_equal hi "${lines[1]}"
	# wren's own namespace still reaches it.
	run --separate-stderr -0 wren run --rm -v "$ctr-vol:/data" "$img" cat /data/f
	assert_output hi
}

@test "auto: the range is released by rm and given again" {
	ranged || skip "auto needs a rootless user with a subuid range"
	run --separate-stderr -0 wren run -d --name "$ctr-a" --userns=auto:size=5000 "$img" sleep 60
	local first
	first=$(host_uid_of_root "$ctr-a")
	run --separate-stderr -0 wren rm -f "$ctr-a"
	run --separate-stderr -0 wren run -d --name "$ctr-a" --userns=auto:size=5000 "$img" sleep 60
	assert_equal "$first" "$(host_uid_of_root "$ctr-a")"
}

@test "--uidmap/--gidmap: the maps given, the image's files owned accordingly" {
	single_id && skip "needs a subuid range"
	# Root inside is a subordinate id on the host, not the user.
	chmod 0777 "$bind"
	run --separate-stderr -0 wren run --rm --uidmap 0:100:500 --gidmap 0:200:500 -v "$bind:/data" "$img" \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin; touch /data/m'
	assert_equal "0 100 500" "$(squeeze <<<"${lines[0]}")"
	assert_equal "0 200 500" "$(squeeze <<<"${lines[1]}")"
	assert_equal 0:0 "${lines[2]}"
	local start=1
	rootless && read -r start _ < <(subid_range /etc/subuid)
	# Id 100 of wren's namespace is the 100th subordinate id on the host (root's is the host's).
	assert_equal "$((start + 99))" "$(stat -c %u "$bind/m")"
}

@test "bad --userns and --uidmap values: exit 125, one line, nothing made" {
	local v before
	before=$(wren ps -aq | wc -l)
	for v in bogus keep-id:foo=1 auto:size=x host:x; do
		run --separate-stderr -125 wren run --rm --userns="$v" "$img" true
		assert_one_error
		assert_match 'userns' "$stderr"
	done
	run --separate-stderr -125 wren run --rm --uidmap 0:1 "$img" true
	assert_one_error
	run --separate-stderr -125 wren run --rm --uidmap 0:1:10 --uidmap 5:100:10 "$img" true
	assert_one_error
	assert_match 'overlap' "$stderr"
	run --separate-stderr -125 wren run --rm --userns=auto --uidmap 0:1:10 "$img" true
	assert_one_error
	assert_equal "$before" "$(wren ps -aq | wc -l)"
}

@test "keep-id as root: exit 125, as podman" {
	rootless && skip "root only"
	run --separate-stderr -125 wren run --rm --userns=keep-id "$img" true
	assert_one_error
	assert_match 'rootless' "$stderr"
}
