#!/usr/bin/env bash
# The README's offline demo, as the current user: a busybox image made from the
# Debian busybox-static binary with `wren import`, run, and built upon with a
# Dockerfile. No registry, no internet.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wren=${WREN:-$(command -v wren || echo "$repo/bin/wren")}
[ -x "$wren" ] || { echo "demo.sh: wren not found: run sudo make setup (or make build)" >&2; exit 1; }

tar=$(mktemp "${TMPDIR:-/tmp}/wren-demo.XXXXXX.tar")
ctx=$(mktemp -d "${TMPDIR:-/tmp}/wren-demo.XXXXXX")
trap 'rm -rf "$tar" "$ctx"' EXIT
"$repo/hack/mkrootfs.sh" "$tar"

set -x
"$wren" import -c 'CMD ["sh"]' "$tar" wren-demo
# shellcheck disable=SC2016 # expanded by the container's shell
"$wren" run --rm wren-demo sh -c 'echo "hello from $(hostname), pid $$, as uid $(id -u) in a wren container"'
# shellcheck disable=SC2016 # expanded by the RUN step's shell
printf 'FROM wren-demo\nRUN echo "built by wren build on $(date -u +%%F)" > /built\nCMD ["cat", "/built"]\n' >"$ctx/Dockerfile"
"$wren" build -t wren-demo-built "$ctx"
"$wren" run --rm wren-demo-built
{ set +x; } 2>/dev/null
echo "Try: wren run -it --rm wren-demo   (remove the images with: wren rmi wren-demo-built wren-demo)"
