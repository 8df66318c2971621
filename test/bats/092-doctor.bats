#!/usr/bin/env bats
# wren doctor (issue 6, SPEC S2): every rootless prerequisite checked from the
# host, one "OK|WARN|FAIL  check: detail" line each with its fix; exit 1 only on FAIL.

load helpers

@test "doctor: passes on this machine, one line a check, a fix under each WARN" {
	run --separate-stderr wren doctor
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	! grep -q '^FAIL' <<<"$output"
	local line prev=
	for line in "${lines[@]}"; do
		if [[ $line == "      fix: "* ]]; then
			[[ $prev == WARN* || $prev == FAIL* ]]
		else
			[[ $line =~ ^(OK|WARN|FAIL)\ +[^:]+:\ .+ ]]
		fi
		prev=$line
	done
	grep -qE '^(OK|WARN) +storage driver: ' <<<"$output"
	grep -qE '^(OK|WARN) +cgroups: ' <<<"$output"
	grep -qE '^(OK|WARN) +network helper: ' <<<"$output"
}

@test "doctor: --format json is an array of check, status, detail, fix" {
	run --separate-stderr wren doctor --format json
	[ "$status" -eq 0 ]
	jq -e 'type == "array" and length > 3 and all(.[]; has("check") and has("status") and has("detail"))' <<<"$output"
	jq -e 'all(.[]; .status == "OK" or (.fix | length > 0))' <<<"$output"
	run wren system doctor -f '{{len .}}'
	[ "$status" -eq 0 ]
	[ "$output" -gt 3 ]
}

@test "doctor: the user checks match who runs it" {
	run -0 wren doctor --format json
	if ! rootless; then
		jq -e '.[] | select(.check == "rootless prerequisites") | .status == "OK" and (.detail | test("do not apply"))' <<<"$output"
		jq -e 'all(.[]; .check != "subuid")' <<<"$output"
	elif single_id; then
		# Single-id mode works, so no range is a warning with the usermod fix.
		jq -e '.[] | select(.check == "subuid") | .status == "WARN" and (.fix | test("usermod --add-subuids"))' <<<"$output"
	else
		jq -e '.[] | select(.check == "subuid") | .status == "OK"' <<<"$output"
		jq -e '.[] | select(.check == "newuidmap") | .status == "OK"' <<<"$output"
	fi
}

@test "doctor: works while wren's pause process is up, seeing the host" {
	wren images >/dev/null
	run -0 wren doctor --format json
	rootless || skip "root has no pause process"
	jq -e --arg v "$(cat /proc/sys/user/max_user_namespaces)" \
		'.[] | select(.check == "user namespaces") | .detail | endswith($v)' <<<"$output"
}

@test "doctor: takes no arguments" {
	run -125 --separate-stderr wren doctor extra
	assert_one_error
}

@test "doctor: an XDG_RUNTIME_DIR that does not exist is a FAIL with its fix, exit 1" {
	rootless || skip "root has no XDG_RUNTIME_DIR"
	run --separate-stderr -1 env XDG_RUNTIME_DIR=/nonexistent/run "$WREN_BINARY" doctor
	[ -z "$stderr" ]
	assert_match '(^|'$'\n'')FAIL +runtime directory: XDG_RUNTIME_DIR is /nonexistent/run'
	assert_match "fix: .*install -d -o $(id -un) -m 0700 /run/user/$(id -u)"
	[ ! -e /nonexistent/run ]
	run -0 wren doctor --format json
	jq -e '.[] | select(.check == "runtime directory") | .status == "OK"' <<<"$output"
}
