#!/usr/bin/env bats
# wren inspect and container inspect (issue 2, SPEC S4): docker's JSON shape,
# real paths, -f templates, --type, -s.

load helpers

setup_file() {
	export INSPECT_IMAGE=inspect-busybox
	import_busybox "$INSPECT_IMAGE"
}

teardown_file() {
	rm_images "$INSPECT_IMAGE"
}

# assert_nothing_found: after `run --separate-stderr`, docker's answer when no
# object was found: "[]" on stdout, one "Error: …" line on stderr.
assert_nothing_found() {
	assert_output "[]"
	output="" assert_one_error
}

setup() {
	name=inspect-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2"
}

@test "an exited container: docker's fields, a JSON array for jq" {
	run -3 wren run --name "$name" -e A=1 -l k=v -w /tmp --hostname "$name" "$INSPECT_IMAGE" sh -c 'exit 3'
	run -0 wren inspect "$name"
	local j=$output
	assert_equal 1 "$(jq length <<<"$j")"
	assert_match '^[0-9a-f]{64}$' "$(jq -r '.[0].Id' <<<"$j")"
	assert_equal "/$name" "$(jq -r '.[0].Name' <<<"$j")"
	assert_equal "sh" "$(jq -r '.[0].Path' <<<"$j")"
	assert_equal '["-c","exit 3"]' "$(jq -c '.[0].Args' <<<"$j")"
	assert_equal "exited" "$(jq -r '.[0].State.Status' <<<"$j")"
	assert_equal "false 3 0" "$(jq -r '.[0].State | "\(.Running) \(.ExitCode) \(.Pid)"' <<<"$j")"
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$(jq -r '.[0].State.FinishedAt' <<<"$j")"
	assert_match '^sha256:[0-9a-f]{64}$' "$(jq -r '.[0].Image' <<<"$j")"
	assert_equal "$(wren image inspect -f '{{.Id}}' "$INSPECT_IMAGE")" "$(jq -r '.[0].Image' <<<"$j")"
	assert_equal '["sh","-c","exit 3"]' "$(jq -c '.[0].Config.Cmd' <<<"$j")"
	assert_equal "$INSPECT_IMAGE" "$(jq -r '.[0].Config.Image' <<<"$j")"
	assert_equal "/tmp $name v" "$(jq -r '.[0].Config | "\(.WorkingDir) \(.Hostname) \(.Labels.k)"' <<<"$j")"
	jq -e '.[0].Config.Env | index("A=1")' <<<"$j" >/dev/null
	assert_equal "no json-file false" "$(jq -r '.[0].HostConfig | "\(.RestartPolicy.Name) \(.LogConfig.Type) \(.AutoRemove)"' <<<"$j")"
	jq -e '.[0].Mounts == [] and (.[0].NetworkSettings | has("Networks") and has("Ports") and has("SandboxKey"))' <<<"$j" >/dev/null
	jq -e '.[0] | has("RestartCount") and has("Driver") and has("Platform") and has("GraphDriver") and has("LogPath")' <<<"$j" >/dev/null
}

@test "paths are real for this user" {
	wren run --name "$name" "$INSPECT_IMAGE" true
	local p
	for p in HostsPath ResolvConfPath HostnamePath; do
		path=$(wren inspect -f "{{.$p}}" "$name")
		[ -f "$path" ] || { echo "$p: $path missing" >&2; return 1; }
		[ -O "$path" ] || { echo "$p: $path not mine" >&2; return 1; }
	done
	assert_match "^$WREN_ROOT/" "$(wren inspect -f '{{.LogPath}}' "$name")"
}

@test "a running container: State.Running, Pid, SandboxKey; the log path exists" {
	wren run -d --name "$name" "$INSPECT_IMAGE" sleep 300 >/dev/null
	run -0 wren inspect -f '{{.State.Status}} {{.State.Running}}' "$name"
	assert_output "running true"
	local pid
	pid=$(wren inspect -f '{{.State.Pid}}' "$name")
	[ "$pid" -gt 0 ]
	[ -d "/proc/$pid" ]
	assert_equal "/proc/$pid/ns/net" "$(wren inspect -f '{{.NetworkSettings.SandboxKey}}' "$name")"
	[ -f "$(wren inspect -f '{{.LogPath}}' "$name")" ]
}

@test "-f templates: json, range, index, nested fields" {
	wren create --name "$name" -e X=1 -e Y=2 -l a=b "$INSPECT_IMAGE" echo hi >/dev/null
	run -0 wren inspect -f '{{.State.Status}}' "$name"
	assert_output created
	run -0 wren inspect -f '{{json .Config.Cmd}}' "$name"
	assert_output '["echo","hi"]'
	run -0 wren inspect -f '{{range .Config.Env}}{{.}};{{end}}' "$name"
	assert_match '(^|;)X=1;Y=2;'
	run -0 wren inspect -f '{{index .Config.Labels "a"}}' "$name"
	assert_output b
	run -0 wren inspect -f json "$name"
	assert_equal created "$(jq -r '.[0].State.Status' <<<"$output")"
	run -0 wren container inspect -f '{{.Name}}' "$name"
	assert_output "/$name"
}

@test "several containers, image fallback and --type" {
	wren create --name "$name" "$INSPECT_IMAGE" true >/dev/null
	wren create --name "$name-2" "$INSPECT_IMAGE" true >/dev/null
	run -0 wren inspect -f '{{.Name}}' "$name" "$name-2"
	assert_output "/$name"$'\n'"/$name-2"
	local img
	img=$(wren image inspect -f '{{.Id}}' "$INSPECT_IMAGE")
	run -0 wren inspect -f '{{.Id}}' "$INSPECT_IMAGE"
	assert_output "$img"
	run -0 wren inspect --type image -f '{{.Id}}' "$INSPECT_IMAGE"
	assert_output "$img"
	# As docker: nothing found prints an empty array, and one error line.
	run --separate-stderr -125 wren inspect --type container "$INSPECT_IMAGE"
	assert_nothing_found
	run --separate-stderr -125 wren container inspect "$INSPECT_IMAGE"
	assert_nothing_found
}

@test "-s adds SizeRw and SizeRootFs" {
	wren run --name "$name" "$INSPECT_IMAGE" sh -c 'head -c 100000 /dev/zero > /f'
	run -0 wren inspect -s "$name"
	[ "$(jq '.[0].SizeRw' <<<"$output")" -ge 100000 ]
	[ "$(jq '.[0].SizeRootFs > .[0].SizeRw' <<<"$output")" = true ]
	run -0 wren inspect "$name"
	assert_equal null "$(jq '.[0].SizeRw' <<<"$output")"
}

@test "bad input: unknown object, bad template, bad --type: exit 125" {
	run --separate-stderr -125 wren inspect inspect-no-such-thing
	assert_nothing_found
	assert_match 'No such object: inspect-no-such-thing' "$stderr"
	wren create --name "$name" "$INSPECT_IMAGE" true >/dev/null
	run --separate-stderr -125 wren inspect -f '{{.State.Status' "$name"
	assert_one_error
	run --separate-stderr -125 wren inspect --type volume "$name"
	assert_one_error
	# What was found is printed; the exit says something was not.
	run -125 wren inspect -f '{{.Name}}' "$name" inspect-no-such-thing
	assert_match "^/$name"
}
