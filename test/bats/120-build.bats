#!/usr/bin/env bats
# wren build (issue 4, SPEC S5): the Dockerfiles of test/build, each built and
# checked by running or inspecting what it made. Every Dockerfile starts FROM
# buildbase, the busybox image this file imports.

load helpers

setup_file() {
	import_busybox buildbase
}

teardown_file() {
	rm_images buildbase
}

setup() {
	tag=build-$BATS_TEST_NUMBER
	ctx=$BATS_TEST_TMPDIR/ctx
}

teardown() {
	if [ -n "${httpd_pid:-}" ]; then
		kill "$httpd_pid" 2>/dev/null || true
	fi
	rm_images "$tag" "$tag:a" "$tag:b" "$tag-parent"
}

# corpus CASE: copies test/build/CASE to $ctx, where the test may change it.
corpus() {
	rm -rf "$ctx"
	cp -r "$BATS_TEST_DIRNAME/../build/$1" "$ctx"
}

# storage_containers: the containers the store holds (the build's own must be gone).
storage_containers() {
	wren unshare sh -c 'cat "$0"/storage/*-containers/containers.json' "$WREN_ROOT"
}

# assert_build_error PREFIX: after `run --separate-stderr`, stderr is one line
# starting with PREFIX (stdout has the steps that ran before the error).
assert_build_error() {
	if [ "${#stderr_lines[@]}" -ne 1 ]; then
		printf 'expected one error line, got:\n%s\n' "$stderr" >&2
		return 1
	fi
	assert_equal "$1" "${stderr:0:${#1}}"
}

# assert_nothing_left: no container record and no storage container.
assert_nothing_left() {
	run -0 wren ps -aq
	assert_output ""
	run -0 storage_containers
	assert_output "[]"
}

@test "every metadata instruction reaches the image config" {
	corpus instructions
	run -0 wren build -t "$tag" "$ctx"
	assert_match "Step 1/20 : FROM buildbase"
	assert_match "Step 20/20 : CMD \[\"one\", \"two\"\]"
	assert_match "Successfully tagged $tag:latest"
	run -0 wren image inspect --format '{{json .Config.Env}}|{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.StopSignal}}' "$tag"
	assert_output '["GREETING=hello","NAME=wren builder","LEGACY=legacy form value"]|app|/srv/data/sub|SIGUSR1'
	run -0 wren image inspect --format '{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{json .Config.ExposedPorts}}|{{json .Config.Volumes}}' "$tag"
	assert_output '["/bin/sh","-c","echo entry $0 $@","ep"]|["one","two"]|{"53/udp":{},"8080/tcp":{}}|{"/vol":{}}'
	run -0 wren image inspect --format '{{json .Config.Labels}}|{{json .Config.Healthcheck}}|{{json .Config.Shell}}' "$tag"
	assert_output '{"org.example.kind":"corpus","org.example.with space":"a b"}|{"Test":["CMD-SHELL","test -f /greeting"],"Interval":5000000000,"Timeout":3000000000,"Retries":2}|["/bin/sh","-e","-c"]'
	run -0 wren run --rm "$tag"
	assert_output "entry ep one two"
}

@test "RUN in both forms, WORKDIR made, COPY --chown and --chmod: files, owners and modes" {
	corpus instructions
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren run --rm --entrypoint sh "$tag" -c 'id; pwd; cat /greeting /exec /workdir'
	assert_output "uid=1234(app) gid=1234(app)
/srv/data/sub
hello wren builder
exec form
/srv/data/sub"
	run -0 wren run --rm --entrypoint stat "$tag" -c '%n %u:%g %a' /srv/data/sub/file.txt /opt/dir/a /opt/dir/nested/n
	assert_output "/srv/data/sub/file.txt 1234:1234 640
/opt/dir/a 1234:1234 644
/opt/dir/nested/n 1234:1234 644"
	run -0 wren run --rm --entrypoint readlink "$tag" /opt/dir/link
	assert_output "a"
}

@test "history shows each step's CREATED BY as docker's does" {
	corpus args
	wren build -q -t "$tag" --build-arg FROMCLI=cli "$ctx" >/dev/null
	run -0 wren history --no-trunc --format '{{.CreatedBy}}' "$tag"
	assert_equal '|3 FROMCLI=cli GLOBAL=global-default LOCAL=second-default /bin/sh -c echo "unset-after-stage: [$TAG_ARG]" > /scope' "${lines[0]}"
	assert_equal '/bin/sh -c #(nop) ARG LOCAL=second-default' "${lines[1]}"
	assert_equal '/bin/sh -c #(nop) ENV FROM_ENV=local-default-env' "${lines[3]}"
}

@test "ARG: pre-FROM args in FROM, scoping, defaults, --build-arg, proxy args, unused warning" {
	corpus args
	run -0 wren build -t "$tag" --build-arg FROMCLI=cli-value --build-arg HTTP_PROXY=http://proxy.invalid:3128 --build-arg UNUSED=1 "$ctx"
	assert_match "\[Warning\] One or more build-args \[UNUSED\] were not consumed"
	run -0 wren run --rm "$tag" cat /args /scope
	assert_output "global=global-default local=local-default cli=cli-value proxy=http://proxy.invalid:3128
unset-after-stage: []"
	# Build args and proxies are not left in the image's environment or history.
	run -0 wren run --rm "$tag" env
	refute_match "PROXY|FROMCLI|GLOBAL"
	run -0 wren history --no-trunc "$tag"
	refute_match "proxy.invalid"
}

@test "multi-stage: COPY --from a stage by name and by index, scratch; only needed stages run" {
	corpus multistage
	run -0 wren build -t "$tag" "$ctx"
	refute_match "must not run"
	assert_match "Step 9/9 : CMD"
	run -0 wren run --rm "$tag"
	assert_output "built
builder-ran"
	run -0 wren build -t "$tag:a" --target builder "$ctx"
	assert_match "Step 2/2 : RUN echo built"
	refute_match "FROM scratch"
	run -0 wren run --rm "$tag:a" cat /artifact
	assert_output "built"
	run -125 --separate-stderr wren build --target nosuch "$ctx"
	assert_one_error
}

@test ".dockerignore: patterns, ! exceptions, the Dockerfile itself left out" {
	corpus dockerignore
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren run --rm "$tag" cat /list
	assert_output "./.dockerignore
./a.txt
./keep.log
./sub/b.txt"
}

@test "cache: a rebuild reuses every step; a changed file reruns only the steps after it; --no-cache" {
	corpus cache
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren build -t "$tag" "$ctx"
	assert_equal 5 "$(grep -c -- '---> Using cache' <<<"$output")"
	refute_match "Running in"
	echo changed >"$ctx/two.txt"
	run -0 wren build -t "$tag" "$ctx"
	assert_equal 3 "$(grep -c -- '---> Using cache' <<<"$output")"
	assert_match "Step 4/6 : RUN cat /one.txt > /copy-of-one
 ---> Using cache"
	assert_match "Step 5/6 : COPY two.txt /two.txt
 ---> [0-9a-f]{12}"
	run -0 wren run --rm "$tag" cat /copy-of-two
	assert_output "changed"
	run -0 wren build --no-cache -t "$tag" "$ctx"
	refute_match "Using cache"
}

@test "a failing RUN: exit 1, the line named, nothing tagged, no container left" {
	corpus fail
	run -1 --separate-stderr wren build -t "$tag" "$ctx"
	assert_match "failing"
	assert_equal "Error: Dockerfile:3: The command '/bin/sh -c echo failing; exit 3' returned a non-zero code: 3" "$stderr"
	refute_match "never"
	run -125 wren image inspect "$tag"
	assert_nothing_left
}

@test "bad Dockerfiles: one line-numbered error, exit 125, nothing left" {
	corpus bad
	local f
	declare -A want=(
		[unknown]="Error: unknown.Dockerfile:3: unknown instruction: FOO"
		[json]="Error: json.Dockerfile:2: SHELL requires the arguments to be in JSON form"
		[fromstage]="Error: fromstage.Dockerfile:2: no stage or image named \"nosuchstage\""
		[fromarg]="Error: fromarg.Dockerfile:2: base name (\${BASE}) should not be blank"
		[outside]="Error: outside.Dockerfile:2: forbidden path outside the build context: ../x"
	)
	for f in "${!want[@]}"; do
		run -125 --separate-stderr wren build -t "$tag" -f "$ctx/$f.Dockerfile" "$ctx/"
		assert_build_error "${want[$f]}"
	done
	run -125 --separate-stderr wren build -t "$tag" -f "$ctx/nothere" "$ctx"
	assert_one_error
	run -125 --separate-stderr wren build -t "$tag" "$ctx/no-such-dir"
	assert_one_error
	run -125 --separate-stderr wren build --platform linux/s390x-not-here "$ctx"
	assert_one_error
	run -125 wren image inspect "$tag"
	assert_nothing_left
}

@test "context as a tar on stdin, a Dockerfile on stdin, -f -" {
	corpus cache
	run -0 bash -c 'tar -C "$1" -c . | "$WREN_BINARY" build -q -t "$2" -' _ "$ctx" "$tag:a"
	run -0 wren run --rm "$tag:a" cat /copy-of-two
	assert_output "two"
	run -0 bash -c 'printf "FROM buildbase\nRUN echo from-stdin > /x\n" | "$WREN_BINARY" build -q -t "$1" -' _ "$tag:b"
	run -0 wren run --rm "$tag:b" cat /x
	assert_output "from-stdin"
	run -0 bash -c 'printf "FROM buildbase\nCOPY one.txt /o\n" | "$WREN_BINARY" build -q -t "$1" -f - "$2"' _ "$tag" "$ctx"
	run -0 wren run --rm "$tag" cat /o
	assert_output "one"
}

@test "-q prints the ID only; --iidfile; several -t; --label" {
	corpus cache
	run -0 --separate-stderr wren build -q -t "$tag:a" -t "$tag:b" --label built.by=bats --iidfile "$BATS_TEST_TMPDIR/iid" "$ctx"
	assert_match '^sha256:[0-9a-f]{64}$'
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/iid")"
	run -0 wren image inspect --format '{{.Id}} {{index .Config.Labels "built.by"}}' "$tag:a"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/iid") bats" "$output"
	run -0 wren image inspect --format '{{.Id}}' "$tag:b"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/iid")" "$output"
}

@test "RUN and COPY heredocs" {
	corpus heredoc
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren run --rm "$tag" cat /heredoc /script /copied.txt
	assert_output "first line
second line
script /dev/pipes/EOT
copied by heredoc"
}

@test "RUN --mount: cache persists across builds, bind, secret, tmpfs; none stay in the image" {
	corpus mounts
	echo s3cret >"$BATS_TEST_TMPDIR/token"
	wren build -q -t "$tag" --secret "id=token,src=$BATS_TEST_TMPDIR/token" --build-arg RUNID=1 "$ctx" >/dev/null
	run -0 wren run --rm "$tag" cat /bound /secret-copy
	assert_output "bound-from-context
s3cret"
	run -0 wren run --rm "$tag" cat /cache-count
	local first=$output
	wren build -q -t "$tag" --secret "id=token,src=$BATS_TEST_TMPDIR/token" --build-arg RUNID=2 "$ctx" >/dev/null
	run -0 wren run --rm "$tag" cat /cache-count
	assert_equal "$((first + 1))" "$output"
	# What a bind mount shows is part of the step's cache key.
	echo changed >"$ctx/ctx.txt"
	run -0 wren build -t "$tag" --secret "id=token,src=$BATS_TEST_TMPDIR/token" --build-arg RUNID=2 "$ctx"
	assert_match "Step 4/7 : RUN --mount=type=bind[^
]*
 ---> Running in"
	run -0 wren run --rm "$tag" cat /bound
	assert_output "changed"
}

@test "ONBUILD triggers run in the child build, from its context" {
	corpus onbuild
	wren build -q -t "$tag-parent" -f "$ctx/Dockerfile.base" "$ctx" >/dev/null
	run -0 wren build -t "$tag" --build-arg PARENT="$tag-parent" "$ctx"
	assert_match "# Executing 2 build triggers"
	run -0 wren run --rm "$tag" cat /both
	assert_output "from-context
trigger-ran"
	run -0 wren image inspect --format '{{json .Config.OnBuild}}' "$tag"
	assert_output "null"
}

@test "ADD: a local file, a tar unpacked, a URL; a context URL to a tar or a Dockerfile" {
	corpus add
	local port=$((20000 + RANDOM % 20000))
	tar -C "$BATS_TEST_DIRNAME/../build/cache" -cf "$ctx/ctx.tar" .
	busybox httpd -f -p "127.0.0.1:$port" -h "$ctx" &
	httpd_pid=$!
	sleep 0.3
	wren build -q -t "$tag" --build-arg "URL=http://127.0.0.1:$port/plain.txt" "$ctx" >/dev/null
	run -0 wren run --rm "$tag" sh -c 'cat /added/plain.txt /unpacked/d/f; stat -c "%a" /downloaded/plain.txt'
	assert_output "plain
in-tar
644"
	wren build -q -t "$tag:a" "http://127.0.0.1:$port/ctx.tar" >/dev/null
	run -0 wren run --rm "$tag:a" cat /copy-of-one
	assert_output "one"
	printf 'FROM buildbase\nRUN echo from-url > /u\n' >"$ctx/Dockerfile.txt"
	wren build -q -t "$tag:b" "http://127.0.0.1:$port/Dockerfile.txt" >/dev/null
	run -0 wren run --rm "$tag:b" cat /u
	assert_output "from-url"
}

@test "SOURCE_DATE_EPOCH: two builds without cache give the same image" {
	corpus cache
	run -0 wren build -q --no-cache --build-arg SOURCE_DATE_EPOCH=1700000000 -t "$tag:a" "$ctx"
	local first=$output
	run -0 wren build -q --no-cache --build-arg SOURCE_DATE_EPOCH=1700000000 -t "$tag:b" "$ctx"
	assert_equal "$first" "$output"
	run -0 wren image inspect --format '{{.Created}}' "$tag:a"
	assert_match "^2023-11-14T22:13:20"
}

@test "--network none: RUN sees only loopback" {
	printf 'FROM buildbase\nRUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " > /ifaces\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	wren build -q --network none -t "$tag" "$BATS_TEST_TMPDIR" >/dev/null
	run -0 wren run --rm "$tag" cat /ifaces
	assert_output "lo"
}

@test "build emits an image tag event per name; build and buildx build are the same command" {
	corpus cache
	local since
	since=$(date +%s)
	wren image build -q -t "$tag:a" "$ctx" >/dev/null
	wren buildx build -q -t "$tag:b" "$ctx" >/dev/null
	run -0 wren events --since "$since" --until 0s --filter type=image --filter event=tag --format '{{.Action}} {{.Actor.Attributes.name}}'
	output=$(grep "$tag" <<<"$output")
	assert_output "tag $tag:a
tag $tag:b"
}

@test "a signal stops the build: the RUN is killed, exit 125, no container left" {
	printf 'FROM buildbase\nRUN sleep 60\nRUN echo never\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	"$WREN_BINARY" build --no-cache -t "$tag" "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	for _ in $(seq 50); do
		grep -q "Running in" "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	sleep 0.3
	kill -TERM "$pid"
	local status=0
	wait "$pid" || status=$?
	assert_equal 125 "$status"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_match "Error: Dockerfile:2: build interrupted"
	refute_match "never"
	assert_nothing_left
}

@test "FROM --platform and --platform: the host's is accepted, another is an error" {
	printf 'FROM --platform=$BUILDPLATFORM buildbase\nRUN true\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	run -0 wren build -q --platform "linux/$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')" -t "$tag" "$BATS_TEST_TMPDIR"
	printf 'FROM --platform=linux/s390x buildbase\nRUN true\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	run -125 --separate-stderr wren build -t "$tag" "$BATS_TEST_TMPDIR"
	assert_build_error "Error: Dockerfile:1: platform \"linux/s390x\" is not supported here"
}

@test "FROM pulls a missing image with docker's pull lines; --pull pulls again" {
	printf 'ARG REG\nFROM ${REG}/busybox:latest\nRUN true\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	rm_images "${WREN_TEST_REGISTRY:?}/busybox:latest"
	run -0 wren build --build-arg "REG=$WREN_TEST_REGISTRY" -t "$tag" "$BATS_TEST_TMPDIR"
	assert_match "latest: Pulling from library/busybox|latest: Pulling from busybox"
	run -0 wren build --build-arg "REG=$WREN_TEST_REGISTRY" -t "$tag" "$BATS_TEST_TMPDIR"
	refute_match "Pulling from"
	assert_match "Using cache"
	run -0 wren build --pull --build-arg "REG=$WREN_TEST_REGISTRY" -t "$tag" "$BATS_TEST_TMPDIR"
	assert_match "Digest: sha256:"
	rm_images "$WREN_TEST_REGISTRY/busybox:latest"
}

@test "builder prune empties the build cache: the next build reruns every step" {
	corpus cache
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren builder prune -f
	assert_match "^Total reclaimed space: "
	run -0 wren build -t "$tag" "$ctx"
	refute_match "Using cache"
}

@test "COPY --from an image by name, onto scratch" {
	printf 'FROM scratch\nCOPY --from=buildbase /bin/busybox /bin/busybox\nCMD ["/bin/busybox", "echo", "from-image"]\n' >"$BATS_TEST_TMPDIR/Dockerfile"
	wren build -q -t "$tag" "$BATS_TEST_TMPDIR" >/dev/null
	run -0 wren run --rm "$tag"
	assert_output "from-image"
	run -0 wren image inspect --format '{{len .RootFS.Layers}}' "$tag"
	assert_output "1"
}

@test "WORKDIR is made, owned by the USER of the moment" {
	corpus workdir
	wren build -q -t "$tag" "$ctx" >/dev/null
	run -0 wren run --rm "$tag" stat -c '%U %n' /srv/app/work /srv/app/work/made-by-app /rootdir /rootdir/made-by-root
	assert_output "app /srv/app/work
app /srv/app/work/made-by-app
root /rootdir
root /rootdir/made-by-root"
}
