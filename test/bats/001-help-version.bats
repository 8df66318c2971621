#!/usr/bin/env bats
# The CLI itself: help, version, unknown commands and flags (SPEC S1).

load helpers

@test "wren --help lists the Foundation's commands" {
	run -0 wren --help
	assert_match 'Usage:'
	for c in pull images import tag rmi image run version info unshare; do
		assert_match $'\n'"  $c " || { echo "missing command: $c" >&2; return 1; }
	done
}

@test "wren with no command prints help and exits 0" {
	run -0 wren
	assert_match 'Usage:'
}

@test "wren --version prints one line" {
	run -0 wren --version
	assert_match '^wren version [^ ]+'
	assert_equal 1 "${#lines[@]}"
}

@test "wren version has a Client section" {
	run -0 wren version
	assert_equal "Client:" "${lines[0]}"
	assert_match $'\n'' *Version: +[^ ]+'
	assert_match $'\n'' *Go version: +go1\.'
	assert_match $'\n'' *OS/Arch: +linux/(amd64|arm64)'
}

@test "wren version -f prints a template field" {
	run -0 wren version -f '{{.Client.Version}}'
	assert_equal 1 "${#lines[@]}"
	assert_match '^[^ {}]+$'
	run -0 wren version --format '{{ .Client.Os }}'
	assert_output linux
}

@test "unknown command: exit 125, one Error line" {
	run --separate-stderr -125 wren no-such-command
	assert_match '^Error: .*no-such-command' "${stderr_lines[0]}"
}

@test "unknown flag: exit 125, names the flag" {
	run --separate-stderr -125 wren run --no-such-flag busybox true
	assert_match '^Error: .*no-such-flag' "${stderr_lines[0]}"
	run --separate-stderr -125 wren pull --no-such-flag busybox
	assert_match '^Error: .*no-such-flag' "${stderr_lines[0]}"
}

@test "wren COMMAND --help documents Docker's flags" {
	run -0 wren run --help
	for f in --rm --interactive --tty --env --env-file --workdir --user --entrypoint --name --hostname --network; do
		assert_match "$f" || { echo "run --help lacks $f" >&2; return 1; }
	done
	run -0 wren pull --help
	assert_match '--tls-verify'
	run -0 wren import --help
	assert_match '--change'
}

@test "management forms exist beside Docker's top-level aliases" {
	local c
	# Help of an unknown command would be the root's: check it is the command's own.
	for c in "image ls" "image rm" "image pull" "image inspect" "image tag" "image import" \
		"container run" "container rm" "system info"; do
		# shellcheck disable=SC2086 # "image ls" is two words
		run -0 wren $c --help
		assert_match "Usage:"$'\n'"  wren $c " || { echo "no help for: wren $c" >&2; return 1; }
	done
}
