#!/usr/bin/env bash
# mkoci.sh ROOTFS.tar DIR: writes an OCI image layout in DIR (tag "latest") with
# ROOTFS.tar as its one layer and busybox's usual config, so that skopeo can push
# it to the test registry offline. Prints "CONFIG_DIGEST DIFF_ID": the image ID a
# pull must report and the layer a pull must list in RootFS.Layers.
set -euo pipefail

rootfs=${1:?usage: mkoci.sh ROOTFS.tar DIR}
dir=${2:?usage: mkoci.sh ROOTFS.tar DIR}
mkdir -p "$dir/blobs/sha256"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
# blob FILE: moves FILE into the blob store, prints its digest.
blob() {
	local d
	d=$(sha "$1")
	mv "$1" "$dir/blobs/sha256/$d"
	echo "$d"
}

diff_id=$(sha "$rootfs")
gzip -n -c "$rootfs" >"$dir/layer.tmp"
layer_size=$(size "$dir/layer.tmp")
layer=$(blob "$dir/layer.tmp")

jq -cn --arg diff "sha256:$diff_id" '{
	architecture: "amd64",
	os: "linux",
	created: "2024-01-01T00:00:00Z",
	config: {
		Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		Cmd: ["sh"]
	},
	rootfs: {type: "layers", diff_ids: [$diff]},
	history: [{created: "2024-01-01T00:00:00Z", created_by: "mkoci.sh: busybox-static rootfs"}]
}' >"$dir/config.tmp"
config_size=$(size "$dir/config.tmp")
config=$(blob "$dir/config.tmp")

jq -cn --arg config "sha256:$config" --argjson csize "$config_size" \
	--arg layer "sha256:$layer" --argjson lsize "$layer_size" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $csize},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer, size: $lsize}]
}' >"$dir/manifest.tmp"
manifest_size=$(size "$dir/manifest.tmp")
manifest=$(blob "$dir/manifest.tmp")

jq -cn --arg m "sha256:$manifest" --argjson size "$manifest_size" '{
	schemaVersion: 2,
	manifests: [{
		mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $size,
		annotations: {"org.opencontainers.image.ref.name": "latest"}
	}]
}' >"$dir/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"

echo "sha256:$config sha256:$diff_id"
