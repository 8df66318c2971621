#!/usr/bin/env bats
# wren events (issue 7, SPEC S4): the per-user event log written by wren and
# its monitors, read with --since/--until, filters and --format, and followed.

load helpers

setup_file() {
	export EV_IMAGE=ev-busybox
	import_busybox "$EV_IMAGE"
}

teardown_file() {
	rm_images "$EV_IMAGE"
}

setup() {
	name=ev-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
	rm_images "$name-tag:v1"
	[ -z "${follower:-}" ] || kill "$follower" 2>/dev/null || true
}

@test "a run's events come in order: create, start, die, destroy" {
	local since
	since=$(date +%s)
	wren run --rm --name "$name" "$EV_IMAGE" sh -c 'exit 3' || true
	run -0 wren events --since "$since" --until 0s --filter "container=$name" --format '{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "exitCode"}}'
	assert_output "create $name 
start $name 
die $name 3
destroy $name "
}

@test "events --format json is docker's message, legacy status, id and from first" {
	local since id
	since=$(date +%s)
	id=$(wren create --name "$name" --label ev.test=yes "$EV_IMAGE" true)
	run -0 wren events --since "$since" --until 0s --filter "container=$name" --format json
	assert_match '^\{"status":"create","id":"'"$id"'","from":"'"$EV_IMAGE"'","Type":"container","Action":"create","Actor":\{"ID":"'"$id"'","Attributes":\{.*"ev.test":"yes".*\}\},"scope":"local","time":[0-9]+,"timeNano":[0-9]+\}$'
}

@test "events --format takes docker's legacy fields .Status, .ID and .From beside .Type, .Action, .Actor.ID, .Time, .TimeNano" {
	local since id
	since=$(date +%s)
	id=$(wren create --name "$name" "$EV_IMAGE" true)
	run -0 wren events --since "$since" --until 0s --filter "container=$name" --format '{{.Status}} {{.ID}} {{.From}}'
	assert_output "create $id $EV_IMAGE"
	run -0 wren events --since "$since" --until 0s --filter "container=$name" --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Time}} {{.TimeNano}}'
	assert_match "^container create $id [0-9]{10} [0-9]{19}\$"
	# Image events carry status and id; from is a container's.
	wren tag "$EV_IMAGE" "$name-tag:v1"
	run -0 wren events --since "$since" --until 0s --filter type=image --filter event=tag --filter "image=$name-tag:v1" --format '{{.Status}}|{{.ID}}|{{.From}}'
	assert_match "^tag\|sha256:[0-9a-f]{64}\|\$"
	wren rmi "$name-tag:v1" >/dev/null
	# A field no event has fails at once, before following.
	run -125 --separate-stderr wren events --format '{{.Bogus}}'
	assert_one_error
	assert_match 'Bogus' "$stderr"
}

@test "default lines name time, type, action, ID and sorted attributes" {
	local since id
	since=$(date +%s)
	id=$(wren create --name "$name" "$EV_IMAGE" true)
	run -0 wren events --since "$since" --until 0s --filter "container=$name"
	assert_match "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}[^ ]+ container create $id \(image=$EV_IMAGE, name=$name\)$"
}

@test "filters: type, event, container, image, label; unknown filter is an error" {
	local since
	since=$(date +%s)
	wren run -d --name "$name" --label ev.kind=a "$EV_IMAGE" sleep 100 >/dev/null
	wren kill "$name" >/dev/null
	wren wait "$name" >/dev/null || true
	run -0 wren events --since "$since" --until 0s --filter type=container --filter event=kill --filter "container=$name" --format '{{.Action}} {{.Actor.Attributes.signal}}'
	assert_output "kill 9"
	run -0 wren events --since "$since" --until 0s --filter "image=$EV_IMAGE" --filter label=ev.kind=a --filter event=start --format '{{.Action}}'
	assert_output "start"
	run -0 wren events --since "$since" --until 0s --filter label=ev.kind=b
	assert_output ""
	run -0 wren events --since "$since" --until 0s --filter type=image --filter "container=$name"
	assert_output ""
	run -125 --separate-stderr wren events --since "$since" --until 0s --filter bogus=1
	assert_one_error
	assert_match "invalid filter 'bogus'" "$stderr"
}

@test "--since and --until bound the events" {
	wren create --name "$name" "$EV_IMAGE" true >/dev/null
	sleep 1.1
	local mid
	mid=$(date +%s)
	wren rename "$name" "$name-b"
	wren rename "$name-b" "$name"
	run -0 wren events --since "$mid" --until 0s --filter "container=$name" --format '{{.Action}}'
	assert_output "rename"
	run -0 wren events --since 1m --until "$mid" --filter "container=$name" --format '{{.Action}}'
	assert_output "create"
}

@test "without --until, events follows new events" {
	# The binary itself, not the wren function: $! must be its pid.
	"$WREN_BINARY" events --filter "container=$name" --format '{{.Action}}' >"$BATS_TEST_TMPDIR/follow" &
	follower=$!
	sleep 0.5
	wren create --name "$name" "$EV_IMAGE" true >/dev/null
	wren rm "$name" >/dev/null
	for _ in $(seq 50); do
		grep -q destroy "$BATS_TEST_TMPDIR/follow" && break
		sleep 0.1
	done
	kill "$follower"
	wait "$follower" || true
	follower=
	run cat "$BATS_TEST_TMPDIR/follow"
	assert_output "create
destroy"
}

@test "image events: tag and untag" {
	local since
	since=$(date +%s)
	wren tag "$EV_IMAGE" "$name:two"
	wren rmi "$name:two" >/dev/null
	run -0 wren events --since "$since" --until 0s --filter type=image --format '{{.Action}} {{.Actor.Attributes.name}}'
	assert_output "tag $name:two
untag $name:two"
}

@test "volume events: create and destroy; image events: save and load" {
	local since vol=ev-vol-$BATS_TEST_NUMBER
	since=$(date +%s)
	wren volume create "$vol" >/dev/null
	wren volume rm "$vol" >/dev/null
	wren save -o "$BATS_TEST_TMPDIR/ev.tar" "$EV_IMAGE"
	wren rmi "$EV_IMAGE" >/dev/null
	wren load -i "$BATS_TEST_TMPDIR/ev.tar" >/dev/null
	run -0 wren events --since "$since" --until 0s --filter type=volume --format '{{.Action}} {{.Actor.ID}}'
	assert_output "create $vol
destroy $vol"
	run -0 wren events --since "$since" --until 0s --filter type=image --filter event=save --filter event=load --format '{{.Action}} {{.Actor.Attributes.name}}'
	assert_output "save $EV_IMAGE
load $EV_IMAGE:latest"
}
