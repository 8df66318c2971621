#!/usr/bin/env bats
# search: a registry's v2 catalog when the term names a registry, Docker Hub's
# search API otherwise (offline here); docker's columns, --limit, --filter,
# --format, --no-trunc (issue 3, SPEC S3).

load helpers

setup() {
	reg=${WREN_TEST_REGISTRY:?}
	areg=${WREN_TEST_AUTH_REGISTRY:?}
	# Unique per test and user: the registries are shared by the whole run.
	repo=search-$BATS_TEST_NUMBER-$(id -u)
	authfile=$BATS_TEST_TMPDIR/auth.json
	tls=(--tls-verify --cert-dir "${WREN_TEST_AUTH_CERTS:?}")
}

teardown() {
	rm_images "$reg/$repo/app:v1" "$reg/$repo/tool:v1" "$areg/$repo/app:v1"
}

# push_as REF…: pushes the busybox image under each REF.
push_as() {
	local r
	import_busybox "$1"
	for r in "$@"; do
		wren tag "$1" "$r"
		wren push -q "${push_flags[@]}" "$r" >/dev/null
	done
}

@test "search a registry's catalog: docker's columns, the term filters" {
	push_flags=()
	push_as "$reg/$repo/app:v1" "$reg/$repo/tool:v1"
	run --separate-stderr -0 wren search "$reg/$repo"
	assert_equal "NAME DESCRIPTION STARS OFFICIAL" "$(squeeze <<<"${lines[0]}")"
	assert_equal "$reg/$repo/app 0" "$(squeeze <<<"${lines[1]}")"
	assert_equal "$reg/$repo/tool 0" "$(squeeze <<<"${lines[2]}")"
	assert_equal 3 "${#lines[@]}"
	run --separate-stderr -0 wren search --format '{{.Name}}' "$reg/$repo/to"
	assert_output "$reg/$repo/tool"
	run --separate-stderr -0 wren search --limit 1 --format '{{.Name}} {{.StarCount}} [{{.IsOfficial}}]' "$reg/$repo"
	assert_output "$reg/$repo/app 0 []"
	run --separate-stderr -0 wren search --no-trunc --filter is-official=false --format '{{.Name}}' "$reg/$repo"
	assert_output "$reg/$repo/app"$'\n'"$reg/$repo/tool"
	# Catalog entries have no stars and are not official.
	run --separate-stderr -0 wren search --filter stars=1 --format '{{.Name}}' "$reg/$repo"
	assert_output ""
	run --separate-stderr -0 wren search --filter is-official=true "$reg/$repo"
	assert_equal "NAME DESCRIPTION STARS OFFICIAL" "$(squeeze <<<"$output")"
	run --separate-stderr -0 wren search --format json "$reg/$repo/app"
	assert_equal "$reg/$repo/app" "$(jq -r .Name <<<"$output")"
}

@test "search the TLS registry with credentials; without them one error line" {
	wren login "${tls[@]}" --authfile "$authfile" -u "$WREN_TEST_AUTH_USER" --password-stdin "$areg" <<<"$WREN_TEST_AUTH_PASSWORD" >/dev/null
	push_flags=("${tls[@]}" --authfile "$authfile")
	push_as "$areg/$repo/app:v1"
	run --separate-stderr -0 wren search "${tls[@]}" --authfile "$authfile" --format '{{.Name}}' "$areg/$repo"
	assert_output "$areg/$repo/app"
	run --separate-stderr -125 wren search "${tls[@]}" --authfile "$BATS_TEST_TMPDIR/none.json" "$areg/$repo"
	assert_one_error
	assert_match "$areg" "$stderr"
}

@test "a term without a registry asks Docker Hub: offline here, one error line" {
	run --separate-stderr -125 wren search busybox
	assert_one_error
	assert_match 'docker\.io' "$stderr"
}

@test "bad --limit and --filter: exit 125, one line" {
	run --separate-stderr -125 wren search --limit 101 "$reg/$repo"
	assert_equal "Error: limit 101 is outside the range of [1, 100]" "$stderr"
	run --separate-stderr -125 wren search --filter colour=red "$reg/$repo"
	assert_equal "Error: invalid filter 'colour'" "$stderr"
	run --separate-stderr -125 wren search --filter stars=many "$reg/$repo"
	assert_equal "Error: invalid filter 'stars=many'" "$stderr"
}
