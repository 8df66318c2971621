#!/usr/bin/env bats
# Volumes and mounts (issue 6, SPEC S6): volume create/ls/inspect/rm/prune, -v,
# --mount, --tmpfs, --volumes-from, anonymous volumes, seeding, ownership.

load helpers

setup_file() {
	export VOL_IMAGE=vol-busybox
	import_busybox "$VOL_IMAGE"
}

teardown_file() {
	rm_images "$VOL_IMAGE"
}

setup() {
	name=vol-$BATS_TEST_NUMBER
	hostdir=$BATS_TEST_TMPDIR/host
	mkdir -p "$hostdir"
}

teardown() {
	rm_containers "$name" "$name-2"
	local v
	for v in "$name" "$name-2" "$name-seed" "$name-empty"; do
		wren volume rm -f "$v" >/dev/null 2>&1 || true
	done
}

# anon_volumes: how many anonymous volumes exist.
anon_volumes() {
	wren volume ls -q --filter label=com.docker.volume.anonymous | wc -l
}

@test "volume create, ls, inspect and rm" {
	run -0 wren volume create --label "team=$name" -o type=tmpfs -o device=tmpfs -o o=size=1m "$name"
	assert_output "$name"
	# Creating it again returns the same volume, as Docker does.
	run -0 wren volume create "$name"
	assert_output "$name"
	run -0 wren volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels.team}} {{.Options.o}} {{.Mountpoint}}' "$name"
	assert_output "$name local local $name size=1m $WREN_ROOT/volumes/$name/_data"
	run -0 wren volume inspect "$name"
	assert_equal "$name" "$(jq -r '.[0].Name' <<<"$output")"
	assert_match '"CreatedAt": "[0-9]{4}-'
	run -0 wren volume ls
	assert_equal "DRIVER VOLUME NAME" "$(squeeze <<<"${lines[0]}")"
	assert_match $'\n'"local +$name($|"$'\n'")"
	run -0 wren volume ls -q --filter "label=team=$name"
	assert_output "$name"
	run -0 wren volume ls -q --filter "name=$name" --filter dangling=true
	assert_output "$name"
	run -0 wren volume ls --format '{{.Name}}:{{.Driver}}' --filter "name=$name"
	assert_output "$name:local"
	run -0 wren volume rm "$name"
	assert_output "$name"
	run -125 --separate-stderr wren volume inspect "$name"
	run -0 wren volume rm -f "$name"
}

@test "a volume without a name gets 64 hex digits" {
	run -0 wren volume create
	assert_match '^[0-9a-f]{64}$'
	run -0 wren volume rm "$output"
}

@test "bad volume names and options are refused and nothing is made" {
	local before
	before=$(wren volume ls -q | wc -l)
	run -125 --separate-stderr wren volume create a/b
	assert_one_error
	assert_match 'invalid characters for a local volume name' "$stderr"
	run -125 --separate-stderr wren volume create -o size=1 "$name"
	assert_one_error
	run -125 --separate-stderr wren volume create -d nfs "$name"
	assert_one_error
	assert_equal "$before" "$(wren volume ls -q | wc -l)"
}

@test "a named volume keeps its data across containers" {
	run -0 wren run --rm -v "$name:/data" "$VOL_IMAGE" sh -c 'echo kept > /data/f'
	run -0 wren run --rm -v "$name:/data" "$VOL_IMAGE" cat /data/f
	assert_output kept
	run -0 wren volume inspect -f '{{.Labels}}' "$name"
	assert_output 'map[]'
	# --rm removes anonymous volumes only: the named one stays.
	run -0 wren volume ls -q --filter "name=$name"
	assert_output "$name"
}

@test "a new volume is seeded with the image's content; nocopy and a used volume are not" {
	run -0 wren run --rm -v "$name-seed:/etc" "$VOL_IMAGE" cat /etc/passwd
	assert_match '^root:x:0:0'
	run -0 wren run --rm --mount "type=volume,src=$name-empty,dst=/etc,volume-nocopy" "$VOL_IMAGE" ls /etc
	# Only the files wren binds in (hosts, hostname, resolv.conf).
	refute_match 'passwd'
	run -0 wren run --rm -v "$name-seed:/srv" "$VOL_IMAGE" ls /srv/passwd
}

@test "read-only binds and volumes refuse writes" {
	echo data >"$hostdir/f"
	run -0 wren run --rm -v "$hostdir:/h:ro" "$VOL_IMAGE" cat /h/f
	assert_output data
	run -1 wren run --rm -v "$hostdir:/h:ro" "$VOL_IMAGE" touch /h/g
	assert_match 'Read-only file system'
	run -1 wren run --rm --mount "type=bind,src=$hostdir,dst=/h,readonly" "$VOL_IMAGE" touch /h/g
	run -1 wren run --rm -v "$name:/v:ro" "$VOL_IMAGE" touch /v/g
	[ ! -e "$hostdir/g" ]
}

@test "a file written by root in the container belongs to the caller on the host" {
	run -0 wren run --rm -v "$hostdir:/h" "$VOL_IMAGE" sh -c 'echo x > /h/byroot'
	assert_equal "$(id -u):$(id -g)" "$(stat -c %u:%g "$hostdir/byroot")"
}

@test ":U gives the bind's files to the container's user" {
	single_id && skip "a single-id user has only uid 0 in its namespace"
	touch "$hostdir/f"
	run -0 wren run --rm -u 1000:1000 -v "$hostdir:/h:U" "$VOL_IMAGE" sh -c 'touch /h/new && stat -c %u:%g /h /h/f /h/new'
	assert_output $'1000:1000\n1000:1000\n1000:1000'
	# Back to the caller, so that teardown can remove them.
	run -0 wren run --rm -v "$hostdir:/h" "$VOL_IMAGE" chown -R 0:0 /h
}

@test "tmpfs is empty again after a restart" {
	run -0 wren run -d --name "$name" --tmpfs /scratch:size=1m --mount type=tmpfs,dst=/t2,tmpfs-mode=1777 "$VOL_IMAGE" sleep 100
	run -0 wren exec "$name" sh -c 'echo x > /scratch/f && stat -c %a /t2 && awk '"'"'$2 == "/scratch" { print $3 }'"'"' /proc/mounts'
	assert_output $'1777\ntmpfs'
	run -0 wren stop -t 0 "$name"
	run -0 wren start "$name"
	run -1 wren exec "$name" cat /scratch/f
}

@test "--volumes-from shares volumes and binds, :ro makes them read-only" {
	echo shared >"$hostdir/f"
	run -0 wren create --name "$name" -v "$name:/v" -v "$hostdir:/h" -v /anon "$VOL_IMAGE" true
	run -0 wren run --rm --name "$name-2" --volumes-from "$name" "$VOL_IMAGE" sh -c 'echo w > /v/f && echo a > /anon/f && cat /h/f'
	assert_output shared
	run -0 wren run --rm --volumes-from "$name:ro" "$VOL_IMAGE" sh -c 'cat /v/f /anon/f; touch /v/g 2>/dev/null || echo refused'
	assert_output $'w\na\nrefused'
}

@test "anonymous volumes: -v /path and --mount without source; rm -v and --rm remove them" {
	local before
	before=$(anon_volumes)
	run -0 wren run --name "$name" -v /a1 --mount type=volume,dst=/a2 "$VOL_IMAGE" sh -c 'touch /a1/f /a2/f'
	assert_equal $((before + 2)) "$(anon_volumes)"
	run -0 wren inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} {{len .Name}} {{.RW}}{{println}}{{end}}' "$name"
	assert_output $'volume /a1 64 true\nvolume /a2 64 true'
	run -0 wren rm -v "$name"
	assert_equal "$before" "$(anon_volumes)"
	run -0 wren run --rm -v /a1 "$VOL_IMAGE" true
	assert_equal "$before" "$(anon_volumes)"
	# Without -v they stay, for prune.
	run -0 wren run --name "$name" -v /a1 "$VOL_IMAGE" true
	run -0 wren rm "$name"
	assert_equal $((before + 1)) "$(anon_volumes)"
	run -0 wren volume prune -f
	assert_match 'Deleted Volumes:'
	assert_match 'Total reclaimed space: '
	assert_equal 0 "$(anon_volumes)"
}

@test "inspect shows binds and volumes in Docker's shape" {
	run -0 wren create --name "$name" -v "$name:/v:ro" -v "$hostdir:/h" "$VOL_IMAGE" true
	run -0 wren inspect -f '{{json .Mounts}}' "$name"
	assert_equal volume "$(jq -r '.[0].Type' <<<"$output")"
	assert_equal "$name" "$(jq -r '.[0].Name' <<<"$output")"
	assert_equal "$WREN_ROOT/volumes/$name/_data" "$(jq -r '.[0].Source' <<<"$output")"
	assert_equal "false local ro" "$(jq -r '.[0] | "\(.RW) \(.Driver) \(.Mode)"' <<<"$output")"
	assert_equal "bind $hostdir /h true rprivate" "$(jq -r '.[1] | "\(.Type) \(.Source) \(.Destination) \(.RW) \(.Propagation)"' <<<"$output")"
}

@test "a volume in use cannot be removed; prune -a leaves it" {
	run -0 wren create --name "$name" -v "$name:/v" "$VOL_IMAGE" true
	run -125 --separate-stderr wren volume rm "$name"
	assert_one_error
	assert_match "remove $name: volume is in use - \[[0-9a-f]{64}\]" "$stderr"
	run -0 wren volume prune -af
	run -0 wren volume ls -q --filter "name=$name"
	assert_output "$name"
	run -0 wren volume ls -q --filter dangling=false --filter "name=$name"
	assert_output "$name"
	run -0 wren rm "$name"
	run -0 wren volume rm "$name"
}

@test "bad mounts: one error, exit 125, nothing made" {
	local before_v before_c spec
	before_v=$(wren volume ls -q | wc -l)
	before_c=$(wren ps -aq | wc -l)
	for spec in "-v rel/path:/x" "-v ./x:/x" "-v $hostdir/missing:/x" "-v $name:/x:bogus" "-v $name:relative" \
		"--mount type=bind,src=$hostdir,dst=/x,color=red" "--mount type=tmpfs,dst=/x,tmpfs-size=lots" \
		"--tmpfs /x:weird" "--mount type=nfs,dst=/x" "--volumes-from $name-none" "-v $name:/x -v $hostdir:/x"; do
		# shellcheck disable=SC2086 # the spec is flags
		run -125 --separate-stderr wren run --rm --name "$name" $spec "$VOL_IMAGE" true
		assert_one_error || { echo "for $spec" >&2; return 1; }
	done
	assert_equal "$before_v" "$(wren volume ls -q | wc -l)"
	assert_equal "$before_c" "$(wren ps -aq | wc -l)"
}
