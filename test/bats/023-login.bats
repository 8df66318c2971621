#!/usr/bin/env bats
# login and logout against a TLS registry with htpasswd auth whose CA is in a
# certs.d directory (issue 3, SPEC S3). test/run.sh sets WREN_TEST_AUTH_REGISTRY,
# WREN_TEST_AUTH_CERTS, WREN_TEST_AUTH_USER and WREN_TEST_AUTH_PASSWORD.

load helpers

setup() {
	areg=${WREN_TEST_AUTH_REGISTRY:?}
	certs=${WREN_TEST_AUTH_CERTS:?}
	user=${WREN_TEST_AUTH_USER:?}
	pass=${WREN_TEST_AUTH_PASSWORD:?}
	authfile=$BATS_TEST_TMPDIR/auth.json
	ref=$areg/login-$BATS_TEST_NUMBER-$(id -u)/busybox:v1
	tls=(--tls-verify --cert-dir "$certs")
}

teardown() {
	rm_images "$ref"
}

@test "a wrong password: exit 125, one line, nothing stored" {
	run --separate-stderr -125 wren login "${tls[@]}" --authfile "$authfile" -u "$user" --password-stdin "$areg" <<<"wrong"
	assert_one_error
	assert_match "incorrect username or password" "$stderr"
	[ ! -e "$authfile" ]
}

@test "without the CA the certificate is refused" {
	run --separate-stderr -125 wren login --tls-verify --authfile "$authfile" -u "$user" --password-stdin "$areg" <<<"$pass"
	assert_one_error
	assert_match "certificate" "$stderr"
	[ ! -e "$authfile" ]
}

@test "login --password-stdin, push, rmi, pull back, logout" {
	run --separate-stderr -0 wren login "${tls[@]}" --authfile "$authfile" -u "$user" --password-stdin "$areg" <<<"$pass"
	assert_output "Login Succeeded"
	assert_equal "$(printf '%s:%s' "$user" "$pass" | base64)" "$(jq -r --arg r "$areg" '.auths[$r].auth' "$authfile")"
	import_busybox "$ref"
	local id
	id=$(wren image inspect --format '{{.Id}}' "$ref")
	run --separate-stderr -0 wren push "${tls[@]}" --authfile "$authfile" "$ref"
	wren rmi "$ref" >/dev/null
	run --separate-stderr -0 wren pull -q "${tls[@]}" --authfile "$authfile" "$ref"
	run -0 wren image inspect --format '{{.Id}}' "$ref"
	assert_output "$id"
	run -0 wren logout --authfile "$authfile" "$areg"
	assert_output "Removing login credentials for $areg"
	wren rmi "$ref" >/dev/null
	run --separate-stderr -125 wren pull -q "${tls[@]}" --authfile "$authfile" "$ref"
	assert_one_error
}

@test "login -p warns; the default file is \$XDG_RUNTIME_DIR/containers/auth.json" {
	rootless || skip "root's default auth file is the machine's own"
	run --separate-stderr -0 wren login "${tls[@]}" -u "$user" -p "$pass" "$areg"
	assert_output "Login Succeeded"
	assert_match "WARNING! Using --password via the CLI is insecure" "$stderr"
	jq -e --arg r "$areg" '.auths[$r]' "$XDG_RUNTIME_DIR/containers/auth.json" >/dev/null
	run -0 wren logout "$areg"
	run -0 wren logout "$areg"
	assert_output "Not logged in to $areg"
}

@test "credentials in docker's config.json are used" {
	mkdir -p "$BATS_TEST_TMPDIR/docker"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$areg" "$(printf '%s:%s' "$user" "$pass" | base64)" >"$BATS_TEST_TMPDIR/docker/config.json"
	import_busybox "$ref"
	DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker run --separate-stderr -0 wren push -q "${tls[@]}" "$ref"
}

@test "login prompts for the password on a terminal" {
	run -0 expect -c "
		set timeout 20
		spawn $WREN_BINARY login ${tls[*]} --authfile $authfile $areg
		expect \"Username: \"
		send \"$user\\r\"
		expect \"Password: \"
		send \"$pass\\r\"
		expect \"Login Succeeded\"
		expect eof
		catch wait result
		exit [lindex \$result 3]
	"
	jq -e --arg r "$areg" '.auths[$r]' "$authfile" >/dev/null
}

@test "login without a terminal or a password: exit 125" {
	run --separate-stderr -125 wren login "${tls[@]}" --authfile "$authfile" -u "$user" "$areg" </dev/null
	assert_one_error
	assert_match "non TTY" "$stderr"
}
