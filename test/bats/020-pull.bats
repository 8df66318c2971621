#!/usr/bin/env bats
# Images from a registry: pull, images, image inspect, tag, rmi (issue 8 §2, SPEC S3).
# WREN_TEST_REGISTRY is a plain-HTTP registry on 127.0.0.1 holding busybox:latest.

load helpers

setup() {
	reg=${WREN_TEST_REGISTRY:?}
	ref=$reg/busybox:latest
	tag=pull-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$tag"
	rm_images "$tag:v1" "$tag:v2" "$ref"
}

@test "pull from the registry prints Docker's lines" {
	run --separate-stderr -0 wren pull --tls-verify=false "$reg/busybox"
	assert_match $'(^|\n)Digest: '"$WREN_TEST_BUSYBOX_DIGEST"$'\n'
	assert_match $'(^|\n)Status: Downloaded newer image for '"$ref"$'\n'
	assert_equal "$ref" "${lines[-1]}"
}

@test "a second pull says the image is up to date" {
	wren pull -q --tls-verify=false "$ref"
	run --separate-stderr -0 wren pull --tls-verify=false "$ref"
	assert_match $'(^|\n)Status: Image is up to date for '"$ref"$'\n'
	assert_equal "$ref" "${lines[-1]}"
}

@test "pull -q prints only the reference" {
	run --separate-stderr -0 wren pull -q --tls-verify=false "$ref"
	assert_output "$ref"
}

@test "pull by digest" {
	run --separate-stderr -0 wren pull --tls-verify=false "$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST"
	assert_equal "$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST" "${lines[-1]}"
	run -0 wren image inspect "$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
}

@test "an insecure registry declared in registries.conf needs no flag" {
	cat >"$BATS_TEST_TMPDIR/registries.conf" <<-CONF
		[[registry]]
		location = "$reg"
		insecure = true
	CONF
	CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf run --separate-stderr -0 wren pull "$ref"
	assert_equal "$ref" "${lines[-1]}"
}

@test "images lists a pulled image with Docker's columns" {
	wren pull -q --tls-verify=false "$ref"
	run -0 wren images
	assert_equal "REPOSITORY TAG IMAGE ID CREATED SIZE" "$(squeeze <<<"${lines[0]}")"
	local row
	row=$(grep -F "$reg/busybox " <<<"$output" | squeeze)
	assert_match "^$reg/busybox latest ${WREN_TEST_BUSYBOX_ID:7:12} .+ [0-9.]+ ?[kMG]?B$" "$row"
}

@test "images -q and --format" {
	wren pull -q --tls-verify=false "$ref"
	run -0 wren images -q
	assert_match "(^|"$'\n'")${WREN_TEST_BUSYBOX_ID:7:12}($|"$'\n'")"
	run -0 wren images --no-trunc -q
	assert_match "(^|"$'\n'")$WREN_TEST_BUSYBOX_ID($|"$'\n'")"
	run -0 wren images --format '{{.Repository}}:{{.Tag}}'
	assert_match "(^|"$'\n'")$ref($|"$'\n'")"
	run -0 wren image ls --format '{{ .ID }}' "$reg/busybox"
	assert_output "${WREN_TEST_BUSYBOX_ID:7:12}"
}

@test "image inspect prints Docker's JSON shape" {
	wren pull -q --tls-verify=false "$ref"
	run --separate-stderr -0 wren image inspect "$ref"
	local j=$output
	assert_equal array "$(jq -r type <<<"$j")"
	assert_equal 1 "$(jq length <<<"$j")"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$j")"
	assert_equal "[\"$ref\"]" "$(jq -c '.[0].RepoTags' <<<"$j")"
	assert_equal "[\"$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST\"]" "$(jq -c '.[0].RepoDigests' <<<"$j")"
	assert_equal '["sh"]' "$(jq -c '.[0].Config.Cmd' <<<"$j")"
	assert_equal '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]' "$(jq -c '.[0].Config.Env' <<<"$j")"
	assert_equal linux "$(jq -r '.[0].Os' <<<"$j")"
	assert_equal amd64 "$(jq -r '.[0].Architecture' <<<"$j")"
	assert_equal 2024-01-01T00:00:00Z "$(jq -r '.[0].Created' <<<"$j")"
	assert_equal "{\"Type\":\"layers\",\"Layers\":[\"$WREN_TEST_BUSYBOX_DIFFID\"]}" "$(jq -c '.[0].RootFS' <<<"$j")"
	assert_equal true "$(jq '.[0].Size > 1000000' <<<"$j")"
	# The ID is the config's digest, so inspect by ID and by prefix find it too.
	run -0 wren image inspect "${WREN_TEST_BUSYBOX_ID#sha256:}"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
	run -0 wren image inspect "${WREN_TEST_BUSYBOX_ID:7:12}"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
	run -0 wren image inspect --format '{{.Id}}' "$ref"
	assert_output "$WREN_TEST_BUSYBOX_ID"
}

@test "tag adds a name to the same image" {
	wren pull -q --tls-verify=false "$ref"
	run -0 wren tag "$ref" "$tag:v1"
	assert_output ""
	run -0 wren image inspect "$tag:v1"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
	run -0 wren images --format '{{.Repository}} {{.Tag}} {{.ID}}'
	assert_match "(^|"$'\n'")$tag v1 ${WREN_TEST_BUSYBOX_ID:7:12}($|"$'\n'")"
	# Docker's management form and an image ID as the source.
	run -0 wren image tag "${WREN_TEST_BUSYBOX_ID:7:12}" "$tag:v2"
	run -0 wren image inspect "$tag:v2"
	assert_equal "$WREN_TEST_BUSYBOX_ID" "$(jq -r '.[0].Id' <<<"$output")"
	# The repository digest stays the pulled repository's, as with Docker.
	run -0 wren image inspect --format '{{json .RepoDigests}}' "$tag:v1"
	assert_output "[\"$reg/busybox@$WREN_TEST_BUSYBOX_DIGEST\"]"
	run -0 wren images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}'
	assert_match "(^|"$'\n'")$tag:v1 <none>($|"$'\n'")"
	assert_match "(^|"$'\n'")$ref $WREN_TEST_BUSYBOX_DIGEST($|"$'\n'")"
}

@test "tag of a missing image: exit 125" {
	run --separate-stderr -125 wren tag "$tag-missing:v9" "$tag:v1"
	assert_one_error
	assert_match "$tag-missing" "$stderr"
}

@test "rmi untags, then deletes with the last name" {
	wren pull -q --tls-verify=false "$ref"
	wren tag "$ref" "$tag:v1"
	run --separate-stderr -0 wren rmi "$tag:v1"
	assert_output "Untagged: $tag:v1"
	run -0 wren image inspect "$ref"
	run --separate-stderr -0 wren rmi "$ref"
	assert_match $'(^|\n)Untagged: '"$ref"$'($|\n)'
	assert_match $'(^|\n)Deleted: '"$WREN_TEST_BUSYBOX_ID"$'($|\n)'
	run --separate-stderr -125 wren image inspect "$ref"
	assert_match '^Error: .*[Nn]o such image' "${stderr_lines[0]}"
	run -0 wren images -q
	refute_match "${WREN_TEST_BUSYBOX_ID:7:12}"
}

@test "rmi -f of a repository's last tag untags it and its digest, and keeps the image under its other names" {
	wren pull -q --tls-verify=false "$ref"
	wren tag "$ref" "$tag:v1"
	# As docker's daemon: the repository's digest goes with its last tag.
	run --separate-stderr -0 wren rmi -f "$ref"
	assert_output "Untagged: $ref
Untagged: $reg/busybox@$WREN_TEST_BUSYBOX_DIGEST"
	run -0 wren image inspect --format '{{.Id}} {{json .RepoTags}} {{json .RepoDigests}}' "$tag:v1"
	assert_output "$WREN_TEST_BUSYBOX_ID [\"$tag:v1\"] []"
	run --separate-stderr -0 wren rmi "$tag:v1"
	assert_output "Untagged: $tag:v1
Deleted: $WREN_TEST_BUSYBOX_ID"
}

@test "rmi by ID: several tags are a conflict; -f untags them all and deletes" {
	wren pull -q --tls-verify=false "$ref"
	wren tag "$ref" "$tag:v1"
	wren tag "$ref" "$tag:v2"
	local id=${WREN_TEST_BUSYBOX_ID#sha256:}
	run --separate-stderr -125 wren rmi "${id:0:12}"
	assert_one_error
	assert_equal "Error: conflict: unable to delete ${id:0:12} (must be forced) - image is referenced in multiple repositories" "$stderr"
	run -0 wren image inspect "$tag:v2"
	run --separate-stderr -0 wren rmi -f "${id:0:12}"
	assert_match $'(^|\n)Untagged: '"$tag:v1"$'\n'
	assert_match $'(^|\n)Untagged: '"$tag:v2"$'\n'
	assert_match $'(^|\n)Untagged: '"$ref"$'\n'
	assert_equal "Deleted: $WREN_TEST_BUSYBOX_ID" "${lines[-1]}"
	run -125 wren image inspect "${id:0:12}"
}

@test "rmi of a missing image: exit 125, one line" {
	run --separate-stderr -125 wren rmi "$tag-missing:v9"
	assert_one_error
	assert_match '[Nn]o such image' "$stderr"
}

@test "rmi refuses an image a container uses; rmi -f removes it" {
	wren pull -q --tls-verify=false "$ref"
	wren run --name "$tag" "$ref" true
	run --separate-stderr -125 wren rmi "$ref"
	assert_one_error
	run -0 wren image inspect "$ref"
	rm_containers "$tag"
	run -0 wren rmi -f "$ref"
	run -125 wren image inspect "$ref"
}

@test "malformed references: exit 125 and one Error line" {
	local bad
	for bad in UPPER/Case a::b "" "busybox:" "$reg/busybox@sha256:zz"; do
		run --separate-stderr -125 wren pull --tls-verify=false "$bad"
		assert_one_error || { echo "reference: '$bad'" >&2; return 1; }
		assert_match '[Rr]eference' "$stderr"
	done
}

@test "scratch cannot be pulled" {
	run --separate-stderr -125 wren pull scratch
	assert_one_error
	assert_match scratch "$stderr"
}

@test "unreachable registry: exit 125, one line, nothing left behind" {
	run --separate-stderr -125 wren pull --tls-verify=false 127.0.0.1:1/busybox:latest
	assert_one_error
	assert_match '127\.0\.0\.1:1' "$stderr"
	run -0 wren images --format '{{.Repository}}'
	refute_match '127\.0\.0\.1:1/'
}

@test "an image missing from the registry: exit 125" {
	run --separate-stderr -125 wren pull --tls-verify=false "$reg/no-such-image:latest"
	assert_one_error
	assert_match "$reg/no-such-image" "$stderr"
	run --separate-stderr -125 wren pull --tls-verify=false "$reg/busybox:no-such-tag"
	assert_one_error
	assert_match "no-such-tag" "$stderr"
}

@test "image pull is the same command" {
	run --separate-stderr -0 wren image pull -q --tls-verify=false "$ref"
	assert_output "$ref"
	run -0 wren image rm "$ref"
}

@test "pull -a pulls every tag; a tag or digest with -a is refused" {
	wren pull -q "$ref" >/dev/null
	wren tag "$ref" "$reg/$tag:one"
	wren tag "$ref" "$reg/$tag:two"
	wren push -q "$reg/$tag:one" >/dev/null
	wren push -q "$reg/$tag:two" >/dev/null
	wren rmi "$reg/$tag:one" "$reg/$tag:two" >/dev/null
	run --separate-stderr -0 wren pull --all-tags "$reg/$tag"
	assert_match $'(^|\n)one: Pulling from '"$tag"$'\n'
	assert_match $'(^|\n)two: Pulling from '"$tag"$'\n'
	assert_match $'(^|\n)Status: Downloaded newer image for '"$reg/$tag"$'\n'
	assert_equal "$reg/$tag" "${lines[-1]}"
	run -0 wren images --format '{{.Tag}}' "$reg/$tag"
	assert_output $'one\ntwo'
	run --separate-stderr -0 wren pull -a -q "$reg/$tag"
	assert_output "$reg/$tag"
	run --separate-stderr -125 wren pull -a "$reg/$tag:one"
	assert_one_error
	assert_equal "Error: tag can't be used with --all-tags/-a" "$stderr"
	run --separate-stderr -125 wren pull -a "$reg/$tag@$WREN_TEST_BUSYBOX_DIGEST"
	assert_equal "Error: tag can't be used with --all-tags/-a" "$stderr"
	wren rmi "$reg/$tag:one" "$reg/$tag:two" >/dev/null
}

# push_multiarch REPO: pushes REPO:latest as an OCI index of two images, the
# busybox one for linux/amd64 and a copy of it whose config says linux/arm64/v8;
# prints the two image IDs, amd64 first.
push_multiarch() {
	local repo=$1 d=$BATS_TEST_TMPDIR/multi
	local man cfg armcfg armman index
	mkdir -p "$d/layout"
	wren save --format oci-archive -o "$d/oci.tar" "$ref"
	tar -xf "$d/oci.tar" -C "$d/layout"
	blob() { echo "$d/layout/blobs/sha256/${1#sha256:}"; }
	# put FILE: stores FILE as a blob, prints "DIGEST SIZE".
	put() {
		local sum
		sum=$(sha256sum "$1" | cut -d' ' -f1)
		cp "$1" "$d/layout/blobs/sha256/$sum"
		echo "sha256:$sum $(stat -c %s "$1")"
	}
	man=$(jq -r '.manifests[0].digest' "$d/layout/index.json")
	cfg=$(jq -r .config.digest "$(blob "$man")")
	jq -c '.architecture = "arm64" | .variant = "v8"' "$(blob "$cfg")" >"$d/armcfg.json"
	read -r armcfg armcfgsize < <(put "$d/armcfg.json")
	jq -c --arg d "$armcfg" --argjson s "$armcfgsize" '.config.digest = $d | .config.size = $s' "$(blob "$man")" >"$d/armman.json"
	read -r armman armmansize < <(put "$d/armman.json")
	jq -nc --arg a "$man" --argjson asize "$(stat -c %s "$(blob "$man")")" --arg b "$armman" --argjson bsize "$armmansize" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [
			{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $a, size: $asize, platform: {os: "linux", architecture: "amd64"}},
			{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $b, size: $bsize, platform: {os: "linux", architecture: "arm64", variant: "v8"}}
		]}' >"$d/index.json"
	read -r index indexsize < <(put "$d/index.json")
	jq -nc --arg i "$index" --argjson s "$indexsize" '{schemaVersion: 2, manifests: [
		{mediaType: "application/vnd.oci.image.index.v1+json", digest: $i, size: $s, annotations: {"org.opencontainers.image.ref.name": "multi"}}]}' \
		>"$d/layout/index.json"
	echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$d/policy.json"
	skopeo copy --quiet --policy "$d/policy.json" --multi-arch all --dest-tls-verify=false \
		"oci:$d/layout:multi" "docker://$repo:latest" >&2
	echo "$cfg $armcfg"
}

@test "--platform picks that platform's image from an index; one it lacks is an error" {
	wren pull -q "$ref" >/dev/null
	local amd arm
	read -r amd arm < <(push_multiarch "$reg/$tag")
	[ -n "$arm" ]
	run --separate-stderr -0 wren pull --platform linux/arm64 "$reg/$tag"
	assert_equal "$reg/$tag:latest" "${lines[-1]}"
	run -0 wren image inspect --format '{{.Id}} {{.Os}}/{{.Architecture}}' "$reg/$tag"
	assert_output "$arm linux/arm64"
	# This machine's platform by default (and by name): the amd64 image.
	run --separate-stderr -0 wren pull "$reg/$tag"
	run -0 wren image inspect --format '{{.Id}} {{.Os}}/{{.Architecture}}' "$reg/$tag"
	assert_output "$amd linux/amd64"
	run --separate-stderr -125 wren pull -q --platform linux/s390x "$reg/$tag"
	assert_one_error
	assert_equal "Error: no matching manifest for linux/s390x in the manifest list entries" "$stderr"
	# A single-platform image that is not for the platform asked for.
	run --separate-stderr -125 wren pull -q --platform linux/arm64 "$ref"
	assert_one_error
	assert_match 'does not match the specified platform: wanted linux/arm64, actual: linux/amd64' "$stderr"
	rm_images "$arm" "$amd"
}
