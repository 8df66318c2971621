#!/usr/bin/env bats
# Short names through registries.conf: unqualified-search-registries, [aliases],
# short-name-mode; docker.io/library when registries.conf says nothing (issue 3,
# SPEC S3). Each test writes its own registries.conf and points
# CONTAINERS_REGISTRIES_CONF at it, so the user's and the system's files play no
# part, except the tests of which files are read: those give wren a HOME of their
# own, beside the system drop-in test/run.sh installs (WREN_TEST_DROPIN).

load helpers

setup() {
	reg=${WREN_TEST_REGISTRY:?}
	short=shortname-$BATS_TEST_NUMBER
	conf=$BATS_TEST_TMPDIR/registries.conf
	: >"$conf"
	export CONTAINERS_REGISTRIES_CONF=$conf
	# A repository only this test knows, so no other image answers to the short name.
	wren pull -q "$reg/busybox:latest" >/dev/null
	wren tag "$reg/busybox:latest" "$reg/$short:latest"
	wren push -q "$reg/$short:latest" >/dev/null
	wren rmi "$reg/$short:latest" "$reg/busybox:latest" >/dev/null
}

# as_user_conf ARGS…: runs wren as a user whose only registries.conf files are
# those under $home/.config/containers and the system's.
as_user_conf() {
	env -u CONTAINERS_REGISTRIES_CONF -u XDG_CONFIG_HOME HOME="$home" "$WREN_BINARY" "$@"
}

teardown() {
	rm_images "$short-other:v1" "$reg/$short:latest" "$reg/busybox:latest"
}

@test "a short name resolves through unqualified-search-registries" {
	printf 'unqualified-search-registries = ["%s"]\n' "$reg" >"$conf"
	run --separate-stderr -0 wren pull "$short"
	# podman's note, on stderr so that stdout stays docker's.
	assert_equal "Resolving \"$short\" using unqualified-search registries ($conf)" "$stderr"
	assert_match $'(^|\n)Status: Downloaded newer image for '"$reg/$short:latest"$'\n'
	assert_equal "$reg/$short:latest" "${lines[-1]}"
	# The short name finds the stored image again, as podman's does.
	run -0 wren image inspect --format '{{.Id}}' "$short"
	assert_output "$WREN_TEST_BUSYBOX_ID"
	run -0 wren run --rm "$short" echo resolved
	assert_output resolved
}

@test "an alias in registries.conf wins, keeping the tag" {
	cat >"$conf" <<-CONF
		unqualified-search-registries = ["127.0.0.1:1"]
		[aliases]
		"$short-alias" = "$reg/$short"
	CONF
	run --separate-stderr -0 wren pull "$short-alias:latest"
	assert_equal "Resolved \"$short-alias\" as an alias ($conf)" "$stderr"
	assert_equal "$reg/$short:latest" "${lines[-1]}"
}

@test "rmi -f of an aliased short name with another tag only untags it, as docker's rmi -f busybox does" {
	cat >"$conf" <<-CONF
		[aliases]
		"$short" = "$reg/$short"
	CONF
	wren pull -q "$short" >/dev/null
	wren tag "$short" "$short-other:v1"
	run --separate-stderr -0 wren rmi -f "$short"
	assert_equal 2 "${#lines[@]}"
	assert_equal "Untagged: $reg/$short:latest" "${lines[0]}"
	assert_match "^Untagged: $reg/$short@sha256:[0-9a-f]{64}\$" "${lines[1]}"
	run -0 wren image inspect --format '{{.Id}} {{json .RepoTags}}' "$short-other:v1"
	assert_output "$WREN_TEST_BUSYBOX_ID [\"$short-other:v1\"]"
	run --separate-stderr -0 wren rmi "$short-other:v1"
	assert_output "Untagged: $short-other:v1
Deleted: $WREN_TEST_BUSYBOX_ID"
}

@test "enforcing mode with several search registries and no terminal: one error naming them, nothing stored" {
	cat >"$conf" <<-CONF
		unqualified-search-registries = ["$reg", "127.0.0.1:1"]
		short-name-mode = "enforcing"
	CONF
	run --separate-stderr -125 wren pull -q "$short" </dev/null
	assert_one_error
	assert_match "$reg/$short:latest, 127\.0\.0\.1:1/$short:latest" "$stderr"
	assert_match 'fully qualified' "$stderr"
	run -0 wren images -q "$reg/$short"
	assert_output ""
}

@test "permissive mode tries the search registries in order" {
	cat >"$conf" <<-CONF
		unqualified-search-registries = ["127.0.0.1:1", "$reg"]
		short-name-mode = "permissive"
	CONF
	run --separate-stderr -0 wren pull -q "$short"
	assert_output "$reg/$short:latest"
	# When none has it: one line with each registry's answer.
	run --separate-stderr -125 wren pull -q "$short-missing"
	assert_one_error
	assert_match "127\.0\.0\.1:1/$short-missing" "$stderr"
	assert_match "$reg/$short-missing" "$stderr"
}

@test "with nothing in registries.conf a short name means docker.io/library, as in docker" {
	: >"$conf"
	# No network to Docker Hub here: the error names where docker would look.
	run --separate-stderr -125 wren pull -q "$short"
	assert_one_error
	assert_match "docker\.io/library/$short" "$stderr"
	run -0 wren images -q "$reg/$short"
	assert_output ""
}

@test "on a terminal an ambiguous short name asks, and the choice is remembered as an alias" {
	# Root records aliases in /var/cache/containers, which a test must not touch.
	rootless || skip "the recorded alias of root lives outside the test's reach"
	cat >"$conf" <<-CONF
		unqualified-search-registries = ["$reg", "127.0.0.1:1"]
		short-name-mode = "enforcing"
	CONF
	local home=$BATS_TEST_TMPDIR/home
	mkdir -p "$home"
	run -0 env HOME="$home" XDG_CACHE_HOME="$home/.cache" expect -c "
		set timeout 60
		spawn $WREN_BINARY pull -q $short
		expect {Please select an image}
		send \"\\r\"
		expect eof
		catch wait result
		exit [lindex \$result 3]"
	assert_match "$reg/$short:latest"
	run -0 cat "$home/.cache/containers/short-name-aliases.conf"
	assert_match "\"?$short\"? = \"$reg/$short\""
	# Remembered: the same pull needs no terminal now.
	run --separate-stderr -0 env HOME="$home" XDG_CACHE_HOME="$home/.cache" "$WREN_BINARY" pull -q "$short" </dev/null
	assert_output "$reg/$short:latest"
}

@test "a user's own registries.conf alias wins over a system drop-in's, as podman 5 reads them; info names the files read" {
	# test/run.sh installs the system drop-in.
	[ -f "${WREN_TEST_DROPIN:?}" ]
	home=$BATS_TEST_TMPDIR/home
	local user=$home/.config/containers/registries.conf
	mkdir -p "$user.d"
	# The system drop-in sends the alias to a registry that answers nothing.
	printf '[aliases]\n"%s" = "%s"\n' "$WREN_TEST_DROPIN_ALIAS" "$reg/$short" >"$user"
	printf 'unqualified-search-registries = ["%s"]\n' "$reg" >"$user.d/50-search.conf"
	run --separate-stderr -0 as_user_conf pull "$WREN_TEST_DROPIN_ALIAS"
	assert_equal "Resolved \"$WREN_TEST_DROPIN_ALIAS\" as an alias ($user)" "$stderr"
	assert_equal "$reg/$short:latest" "${lines[-1]}"
	# The user's own drop-ins follow the user's file.
	run --separate-stderr -0 as_user_conf pull -q "$short"
	assert_output "$reg/$short:latest"
	run -0 as_user_conf info
	assert_match $'\n Registries Config:\n  '"$user"$'\n  '"$user.d/50-search.conf"$'\n'
	refute_match "$WREN_TEST_DROPIN"
	run -0 as_user_conf info -f '{{json .RegistriesConf}}'
	assert_output "[\"$user\",\"$user.d/50-search.conf\"]"
}

@test "without a user registries.conf the system drop-ins apply, and info names them" {
	# test/run.sh installs the system drop-in.
	[ -f "${WREN_TEST_DROPIN:?}" ]
	home=$BATS_TEST_TMPDIR/home
	mkdir -p "$home"
	run --separate-stderr -125 as_user_conf pull -q "$WREN_TEST_DROPIN_ALIAS"
	assert_one_error
	assert_match "${WREN_TEST_DROPIN_TARGET//./\\.}" "$stderr"
	run -0 as_user_conf info
	assert_match $'\n Registries Config:\n(  [^\n]*\n)*  '"$WREN_TEST_DROPIN"$'\n'
}
