#!/usr/bin/env bats
# wren run: output, exit codes, stdin, the image's config and Docker's flags
# (issue 8 §3–4, SPEC S4). Runs on an image imported from the busybox rootfs.

load helpers

setup_file() {
	export RUN_IMAGE=run-busybox
	wren import "$WREN_TEST_ROOTFS" "$RUN_IMAGE" >/dev/null
}

teardown_file() {
	rm_images "$RUN_IMAGE"
}

setup() {
	name=run-$BATS_TEST_NUMBER
	img=run-img-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name" "$name-2"
	rm_images "$img" "${WREN_TEST_REGISTRY:-none}/busybox:latest"
}

# import_with CHANGE…: imports the rootfs as $img with `-c CHANGE` for each argument.
import_with() {
	local args=() c
	for c in "$@"; do args+=(-c "$c"); done
	wren import "${args[@]}" "$WREN_TEST_ROOTFS" "$img" >/dev/null
}

@test "run --rm IMAGE echo hi prints hi" {
	run --separate-stderr -0 wren run --rm "$RUN_IMAGE" echo hi
	assert_output hi
	assert_equal "" "$stderr"
}

@test "stdout and stderr stay apart" {
	run --separate-stderr -0 wren run --rm "$RUN_IMAGE" sh -c 'echo out; echo err >&2'
	assert_output out
	assert_equal err "$stderr"
}

@test "all output arrives before wren exits" {
	run -0 bash -c "wren run --rm $RUN_IMAGE seq 1 100000 | wc -l"
	assert_output 100000
}

@test "the container's exit code is wren's" {
	run -3 wren run --rm "$RUN_IMAGE" sh -c 'exit 3'
	run -0 wren run --rm "$RUN_IMAGE" true
	run -1 wren run --rm "$RUN_IMAGE" false
	run -255 wren run --rm "$RUN_IMAGE" sh -c 'exit 255'
}

@test "a container killed by a signal exits 128+signal" {
	# A signal from inside cannot kill the namespace's pid 1; wren kill can.
	wren run --rm --name "$name" "$RUN_IMAGE" sleep 60 &
	local pid=$! killed=no rc=0
	for _ in $(seq 100); do
		wren kill "$name" >/dev/null 2>&1 && { killed=yes; break; }
		sleep 0.1
	done
	# Not through `run`: its subshell cannot wait for this shell's child.
	wait "$pid" || rc=$?
	assert_equal yes "$killed"
	assert_equal 137 "$rc"
	# A child killed by a signal: the shell's 128+N passes through unchanged.
	run -143 wren run --rm "$RUN_IMAGE" sh -c 'sh -c "kill -TERM \$\$"; exit $?'
}

@test "a missing command: exit 127, one line naming it" {
	run --separate-stderr -127 wren run --rm "$RUN_IMAGE" no-such-command
	assert_one_error
	assert_match 'no-such-command' "$stderr"
	run --separate-stderr -127 wren run --rm "$RUN_IMAGE" /no/such/path
	assert_one_error
}

@test "a file that is not executable: exit 126" {
	run --separate-stderr -126 wren run --rm "$RUN_IMAGE" /etc/passwd
	assert_one_error
	run --separate-stderr -126 wren run --rm "$RUN_IMAGE" /tmp
	assert_one_error
}

@test "wren's own errors: exit 125, one line" {
	run --separate-stderr -125 wren run --rm --pull=never run-no-such-image echo hi
	assert_one_error
	run --separate-stderr -125 wren run --rm
	assert_one_error
	run --separate-stderr -125 wren run --rm --pull=sometimes "$RUN_IMAGE" true
	assert_one_error
	run --separate-stderr -125 wren run --rm -u no-such-user "$RUN_IMAGE" true
	assert_one_error
	assert_match 'no-such-user' "$stderr"
}

@test "-i passes a pipe to the container's stdin" {
	run -0 bash -c "echo piped | wren run --rm -i $RUN_IMAGE cat"
	assert_output piped
	run -0 bash -c "seq 1 5000 | wren run --rm -i $RUN_IMAGE wc -l"
	assert_output 5000
}

@test "without -i the container's stdin is empty" {
	run -0 bash -c "echo piped | wren run --rm $RUN_IMAGE cat"
	assert_output ""
}

@test "-e and --env-file set the environment; Docker's defaults are there" {
	export FROM_HOST=host-value
	cat >"$BATS_TEST_TMPDIR/env" <<-'ENV'
		# a comment, then a blank line

		FILE_A=1
		FILE_B=a b=c
		FROM_HOST
	ENV
	run -0 wren run --rm -e CLI_A=x -e 'CLI_B=y z' -e FROM_HOST -e UNSET_ON_HOST \
		--env-file "$BATS_TEST_TMPDIR/env" --hostname "$name" "$RUN_IMAGE" env
	local env=$output
	for kv in CLI_A=x 'CLI_B=y z' FILE_A=1 'FILE_B=a b=c' FROM_HOST=host-value HOME=/root \
		"HOSTNAME=$name" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; do
		assert_match "(^|"$'\n'")$kv($|"$'\n'")" "$env"
	done
	refute_match '(^|'$'\n'')UNSET_ON_HOST' "$env"
	refute_match '(^|'$'\n'')#' "$env"
}

@test "a missing --env-file: exit 125" {
	run --separate-stderr -125 wren run --rm --env-file "$BATS_TEST_TMPDIR/none" "$RUN_IMAGE" true
	assert_one_error
}

@test "-e overrides the image's ENV" {
	import_with 'ENV FOO=image BAR=kept'
	run -0 wren run --rm -e FOO=cli "$img" sh -c 'echo $FOO $BAR'
	assert_output "cli kept"
}

@test "-w sets the working directory, creating it" {
	run -0 wren run --rm -w /tmp "$RUN_IMAGE" pwd
	assert_output /tmp
	run -0 wren run --rm --workdir /new/dir "$RUN_IMAGE" pwd
	assert_output /new/dir
}

@test "the image's WORKDIR applies unless -w is given" {
	import_with 'WORKDIR /var'
	run -0 wren run --rm "$img" pwd
	assert_output /var
	run -0 wren run --rm -w /tmp "$img" pwd
	assert_output /tmp
}

@test "-u by uid, by name and with a group, resolved in the image's /etc/passwd" {
	single_id && skip "a single-id user has only uid 0 in its namespace"
	run -0 wren run --rm -u 1000 "$RUN_IMAGE" sh -c 'id -u; id -g; echo $HOME'
	assert_output $'1000\n1000\n/home/tester'
	run -0 wren run --rm -u tester "$RUN_IMAGE" sh -c 'id -un; id -g; id -G'
	assert_equal tester "${lines[0]}"
	assert_equal 1000 "${lines[1]}"
	assert_match '(^| )100( |$)' "${lines[2]}"
	run -0 wren run --rm -u tester:users "$RUN_IMAGE" sh -c 'id -u; id -g'
	assert_output $'1000\n100'
	run -0 wren run --rm --user 1000:100 "$RUN_IMAGE" sh -c 'id -u; id -g'
	assert_output $'1000\n100'
	# A uid without a passwd entry runs with gid 0 and HOME=/, as Docker does.
	run -0 wren run --rm -u 4242 "$RUN_IMAGE" sh -c 'id -u; id -g; echo $HOME'
	assert_output $'4242\n0\n/'
}

@test "the image's USER applies unless -u is given" {
	single_id && skip "a single-id user has only uid 0 in its namespace"
	import_with 'USER tester'
	run -0 wren run --rm "$img" id -u
	assert_output 1000
	run -0 wren run --rm -u root "$img" id -u
	assert_output 0
}

@test "ENTRYPOINT and CMD: arguments replace CMD, --entrypoint drops it" {
	import_with 'ENTRYPOINT ["/bin/echo", "ep"]' 'CMD ["c1", "c2"]'
	run -0 wren run --rm "$img"
	assert_output "ep c1 c2"
	run -0 wren run --rm "$img" x y
	assert_output "ep x y"
	run -0 wren run --rm --entrypoint /bin/echo "$img"
	assert_output ""
	run -0 wren run --rm --entrypoint /bin/echo "$img" z
	assert_output z
}

@test "CMD alone: arguments replace it" {
	import_with 'CMD ["/bin/echo", "from-cmd"]'
	run -0 wren run --rm "$img"
	assert_output from-cmd
	run -0 wren run --rm "$img" /bin/echo other
	assert_output other
}

@test "shell forms run under /bin/sh -c; a shell ENTRYPOINT ignores arguments" {
	import_with 'ENTRYPOINT echo from-shell-entrypoint'
	run -0 wren run --rm "$img" ignored args
	assert_output from-shell-entrypoint
	rm_images "$img"
	import_with 'CMD echo $HOME'
	run -0 wren run --rm "$img"
	assert_output /root
}

@test "--entrypoint on an image without one" {
	run -0 wren run --rm --entrypoint /bin/sh "$RUN_IMAGE" -c 'echo via-entrypoint'
	assert_output via-entrypoint
}

@test "--hostname sets the hostname and /etc/hostname" {
	run -0 wren run --rm --hostname "$name" "$RUN_IMAGE" sh -c 'hostname; cat /etc/hostname'
	assert_output "$name"$'\n'"$name"
}

@test "the default hostname is the short container ID" {
	run -0 wren run --rm "$RUN_IMAGE" hostname
	assert_match '^[0-9a-f]{12}$'
}

@test "/etc/hosts and /etc/resolv.conf are provided per container" {
	run -0 wren run --rm --network none --add-host "db.$name:10.1.2.3" "$RUN_IMAGE" cat /etc/hosts
	assert_match $'(^|\n)127\\.0\\.0\\.1[ \t]+localhost'
	assert_match $'(^|\n)10\\.1\\.2\\.3[ \t]+db\\.'"$name"$'($|\n)'
	run -0 wren run --rm "$RUN_IMAGE" cat /etc/resolv.conf
	assert_match $'(^|\n)nameserver [0-9a-f.:]+'
	run -0 wren run --rm --network host "$RUN_IMAGE" cat /etc/resolv.conf
	assert_output "$(cat /etc/resolv.conf)"
}

@test "--rm leaves no container; without it the name stays taken" {
	run -0 wren run --rm --name "$name" "$RUN_IMAGE" true
	run -0 wren run --rm --name "$name" "$RUN_IMAGE" true
	run -0 wren run --name "$name" "$RUN_IMAGE" true
	run --separate-stderr -125 wren run --name "$name" "$RUN_IMAGE" true
	assert_one_error
	assert_match "$name" "$stderr"
	run -0 wren rm "$name"
	run -0 wren run --rm --name "$name" "$RUN_IMAGE" true
}

@test "--rm removes the container also when the command is not found" {
	run -127 wren run --rm --name "$name" "$RUN_IMAGE" no-such-command
	run -0 wren run --rm --name "$name" "$RUN_IMAGE" true
}

@test "a missing image is pulled first; its progress goes to stderr" {
	run --separate-stderr -0 wren run --rm --tls-verify=false "$WREN_TEST_REGISTRY/busybox" echo pulled
	assert_output pulled
	assert_match "$WREN_TEST_REGISTRY/busybox" "$stderr"
	run -0 wren image inspect "$WREN_TEST_REGISTRY/busybox:latest"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
}

@test "an image from the registry runs with its CMD" {
	wren pull -q --tls-verify=false "$WREN_TEST_REGISTRY/busybox" >/dev/null
	run -0 bash -c "echo 'echo from-default-cmd' | wren run --rm -i $WREN_TEST_REGISTRY/busybox"
	assert_output from-default-cmd
}

@test "arguments after the image are the command's, even when they look like flags" {
	run -0 wren run --rm "$RUN_IMAGE" echo --rm -e x
	assert_output "--rm -e x"
}
