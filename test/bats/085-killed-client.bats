#!/usr/bin/env bats
# A killed command leaves nothing behind (issue 19): a foreground --rm
# container whose wren is killed is still removed at its end, by its monitor,
# and so is the step container of a build killed during a RUN.

load helpers

setup_file() {
	export KC_IMAGE=killed-busybox
	import_busybox "$KC_IMAGE"
}

teardown_file() {
	rm_images "$KC_IMAGE"
}

setup() {
	name=killed-$BATS_TEST_NUMBER
	session=wren-killed-$$-$BATS_TEST_NUMBER
}

teardown() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm_containers "$name"
	rm_images "$name"
}

# running_id NAME: the full ID of container NAME once it runs (waits up to 10 s).
running_id() {
	local id i
	for i in $(seq 100); do
		id=$(wren ps -q --no-trunc --filter "name=^$1\$" --filter status=running)
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1
	done
	echo "container $1 never ran" >&2
	return 1
}

# assert_gone NAME ID: within 10 s, nothing of the container is left: no
# record, no process whose command line names it, no mount of its layer.
assert_gone() {
	local i
	for i in $(seq 100); do
		[ -z "$(wren ps -aq --filter "name=^$1\$")" ] && break
		sleep 0.1
	done
	run -0 wren ps -aq --filter "name=^$1\$"
	assert_output ""
	run -1 pgrep -f "$2"
	run -1 wren unshare grep -c "$2" /proc/self/mountinfo
}

@test "kill -9 of a foreground run --rm: the container ends its run and is removed" {
	"$WREN_BINARY" run --rm --name "$name" "$KC_IMAGE" sleep 2 >/dev/null 2>&1 3>&- &
	local client=$!
	local id
	id=$(running_id "$name")
	kill -9 "$client"
	wait "$client" || true
	# It still runs: docker's --rm belongs to the engine, not to the client.
	run -0 wren inspect -f '{{.State.Status}}' "$name"
	assert_output running
	assert_gone "$name" "$id"
	run -0 wren run --rm "$KC_IMAGE" echo next
	assert_output next
}

@test "kill -9 of run --rm -it in a terminal: the container is hung up and removed" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	tmux new-session -d -s "$session" -x 80 -y 24 "exec $WREN_BINARY run --rm -it --name $name $KC_IMAGE sh"
	local id client
	id=$(running_id "$name")
	client=$(tmux list-panes -t "$session" -F '#{pane_pid}')
	[ -n "$client" ]
	kill -9 "$client"
	assert_gone "$name" "$id"
}

# containers_total: every container record of this user's store, a build's
# hidden working containers included (system df counts them; ps does not).
containers_total() {
	wren system df --format '{{.Type}} {{.TotalCount}}' | awk '$1 == "Containers" { print $2 }'
}

@test "kill -9 of build during a RUN: its step container is hidden from ps, then removed" {
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN sleep 2\n' "$KC_IMAGE" >"$ctx/Dockerfile"
	"$WREN_BINARY" build -t "$name" "$ctx" >/dev/null 2>&1 3>&- &
	local client=$! i
	for i in $(seq 100); do
		[ "$(containers_total)" = 1 ] && break
		sleep 0.1
	done
	run -0 containers_total
	assert_output 1
	# Docker's intermediate containers are not the user's: ps -a leaves it out.
	run -0 wren ps -aq
	assert_output ""
	kill -9 "$client"
	wait "$client" || true
	for i in $(seq 100); do
		[ "$(containers_total)" = 0 ] && break
		sleep 0.1
	done
	run -0 containers_total
	assert_output 0
	run -1 pgrep -f "$WREN_ROOT/containers/"
	printf 'FROM %s\nRUN echo again\n' "$KC_IMAGE" >"$ctx/Dockerfile"
	run -0 wren build -q -t "$name" "$ctx"
	run -0 wren run --rm "$name" echo next
	assert_output next
}
