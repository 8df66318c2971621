#!/usr/bin/env bats
# Restart policies, healthchecks and --init, enacted by wren-monitor (issue 2).

load helpers

setup_file() {
	export RHI_IMAGE=rhi-busybox
	import_busybox "$RHI_IMAGE"
}

teardown_file() {
	rm_images "$RHI_IMAGE"
}

setup() {
	name=rhi-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

# wait_for TEMPLATE VALUE: polls inspect until TEMPLATE renders VALUE (10 s).
wait_for() {
	local i
	for i in $(seq 100); do
		[ "$(wren inspect -f "$1" "$name" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "inspect $1 never became $2: $(wren inspect -f "$1" "$name")" >&2
	return 1
}

@test "on-failure:2 restarts twice, then the container stays exited" {
	wren run -d --name "$name" --restart on-failure:2 "$RHI_IMAGE" sh -c 'echo ran; exit 5' >/dev/null
	wait_for '{{.State.Status}} {{.RestartCount}}' "exited 2"
	run -0 wren inspect -f '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}' "$name"
	assert_output "5 on-failure"
	run -0 wren logs "$name"
	assert_output "$(printf 'ran\nran\nran')"
}

@test "always restarts until stopped; stop ends it for good" {
	wren run -d --name "$name" --restart always "$RHI_IMAGE" sh -c 'sleep 0.2; exit 1' >/dev/null
	sleep 1.5
	local count
	count=$(wren inspect -f '{{.RestartCount}}' "$name")
	[ "$count" -ge 1 ]
	run -0 wren stop -t 1 "$name"
	wait_for '{{.State.Status}}' exited
	count=$(wren inspect -f '{{.RestartCount}}' "$name")
	sleep 1
	run -0 wren inspect -f '{{.State.Status}} {{.RestartCount}}' "$name"
	assert_output "exited $count"
}

@test "no restart policy by default, an invalid one is refused" {
	wren run -d --name "$name" "$RHI_IMAGE" sh -c 'exit 3' >/dev/null
	wait_for '{{.State.Status}}' exited
	run -0 wren inspect -f '{{.RestartCount}}' "$name"
	assert_output 0
	run -125 --separate-stderr wren run -d --restart sometimes "$RHI_IMAGE" true
	assert_one_error
	run -125 --separate-stderr wren run -d --restart always:3 "$RHI_IMAGE" true
	assert_one_error
}

@test "health: starting, unhealthy after retries, healthy when the check passes" {
	wren run -d --name "$name" --health-cmd 'test -e /tmp/ok' --health-interval 200ms \
		--health-retries 2 "$RHI_IMAGE" sleep 100 >/dev/null
	run -0 wren ps --filter "name=^$name\$" --format '{{.Status}}'
	assert_match '\(health: starting\)$'
	wait_for '{{.State.Health.Status}}' unhealthy
	# Every probe so far failed; later healthy ones would push these out of the log.
	run -0 wren inspect -f '{{(index .State.Health.Log 0).ExitCode}}' "$name"
	assert_output 1
	run -1 wren healthcheck run "$name"
	assert_output unhealthy
	wren exec "$name" touch /tmp/ok
	wait_for '{{.State.Health.Status}}' healthy
	run -0 wren ps --filter "name=^$name\$" --format '{{.Status}}'
	assert_match '\(healthy\)$'
	run -0 wren healthcheck run "$name"
	assert_output healthy
}

@test "--no-healthcheck and a container without a check" {
	wren run -d --name "$name" --no-healthcheck "$RHI_IMAGE" sleep 100 >/dev/null
	run -125 --separate-stderr wren healthcheck run "$name"
	assert_one_error
	assert_match 'no defined healthcheck' "$stderr"
}

@test "--init: PID 1 is wren-init, signals reach the command, exit codes pass" {
	run -0 wren run --rm --init "$RHI_IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	assert_output "/dev/init -- sh -c cat /proc/1/cmdline | tr \"\\0\" \" \" "
	run -7 wren run --rm --init "$RHI_IMAGE" sh -c 'exit 7'
	wren run -d --init --name "$name" "$RHI_IMAGE" sleep 100 >/dev/null
	SECONDS=0
	wren stop "$name" >/dev/null
	[ "$SECONDS" -lt 5 ]
	run -0 wren inspect -f '{{.State.ExitCode}}' "$name"
	assert_output 143
}
