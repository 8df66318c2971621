#!/usr/bin/env bats
# wren system service (issue 14, SPEC S9): the Docker Engine API on a unix
# socket, a socket handed over by systemd, or TCP with mutual TLS, driven by
# the real docker CLI; version negotiation, events, idle exit and stopping.

load helpers

setup_file() {
	export API_IMAGE=api-busybox
	import_busybox "$API_IMAGE"
}

teardown_file() {
	rm_images "$API_IMAGE"
}

setup() {
	command -v docker >/dev/null || skip "the docker CLI is not on PATH"
	name=api-$BATS_TEST_NUMBER
	sock=$BATS_TEST_TMPDIR/api.sock
	export DOCKER_HOST=unix://$sock
	# The CLI's own config and contexts stay out of the user's.
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
	api_pid=
}

teardown() {
	rm_containers "$name"
	# A client first: a stop waits for its stream.
	[ -z "${other_pid:-}" ] || { kill "$other_pid" 2>/dev/null || true; wait "$other_pid" 2>/dev/null || true; }
	if [ -n "$api_pid" ]; then
		kill "$api_pid" 2>/dev/null || true
		wait "$api_pid" 2>/dev/null || true
	fi
}

# start_api ARG…: starts wren system service ARG… in the background, its
# output in $BATS_TEST_TMPDIR/api.log; api_pid is the service's own pid (the
# binary itself, which re-executes in place into the user namespace).
start_api() {
	"$WREN_BINARY" system service "$@" >"$BATS_TEST_TMPDIR/api.log" 2>&1 3>&- &
	api_pid=$!
}

# wait_socket PATH: until a server answers on PATH (10 s at most).
wait_socket() {
	local _
	for _ in $(seq 100); do
		if [ -S "$1" ] && docker -H "unix://$1" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$api_pid" 2>/dev/null || { cat "$BATS_TEST_TMPDIR/api.log" >&2; return 1; }
		sleep 0.1
	done
	echo "no server on $1" >&2
	cat "$BATS_TEST_TMPDIR/api.log" >&2
	return 1
}

# wait_exit PID SECONDS: until PID has exited; its status is in exit_status.
wait_exit() {
	local _
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		echo "pid $1 still runs after $2 s" >&2
		return 1
	fi
	exit_status=0
	wait "$1" || exit_status=$?
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
	done
}

@test "docker version, info and system df through the socket" {
	start_api "unix://$sock"
	wait_socket "$sock"
	run -0 docker version --format '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}'
	assert_output "1.51 1.24 linux"
	run -0 docker version --format '{{.Server.Version}}'
	# A number: testcontainers-java compares it with 1.6.0.
	assert_match '^[0-9]+\.[0-9]+\.[0-9]+$'
	local version=$output
	run -0 docker info --format '{{.ServerVersion}} {{.Swarm.LocalNodeState}} {{.OSType}} {{.IndexServerAddress}}'
	assert_output "$version inactive linux https://index.docker.io/v1/"
	run -0 docker info --format '{{.Images}} {{.NCPU}} {{.DockerRootDir}}'
	assert_equal "$(wren info --format '{{.Images}} {{.NCPU}}') $WREN_ROOT" "$output"
	run -0 docker system df
	assert_match '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE'
	# The same count as wren's own system df: build-cache images included, which images -q leaves out.
	assert_match $'\nImages +'"$(wren system df --format '{{.Type}} {{.TotalCount}}' | awk '$1 == "Images" { print $2 }')"' +0 '
	assert_match $'\nBuild Cache +0 +0 +0B +0B'
	# The service answers the socket with mode 0600.
	run -0 stat -c %a "$sock"
	assert_output 600
}

@test "docker events: the past between --since and --until, and new events as they come" {
	start_api "unix://$sock"
	wait_socket "$sock"
	local since
	since=$(date +%s)
	wren create --name "$name" --label api.test=yes "$API_IMAGE" true >/dev/null
	wren rm "$name" >/dev/null
	# The docker CLI sends --until in whole seconds, as Docker's daemon
	# reads it: the events must be a second old to come before it.
	sleep 1.1
	run -0 docker events --since "$since" --until 0s --filter "container=$name" --format '{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "api.test"}}'
	assert_output "create $name yes
destroy $name yes"
	run -0 docker events --since "$since" --until 0s --filter type=image --filter "container=$name"
	assert_output ""

	docker events --filter "container=$name" --format '{{.Action}}' >"$BATS_TEST_TMPDIR/follow" 2>&1 &
	other_pid=$!
	sleep 0.5
	wren create --name "$name" "$API_IMAGE" true >/dev/null
	for _ in $(seq 50); do
		grep -q create "$BATS_TEST_TMPDIR/follow" && break
		sleep 0.1
	done
	run cat "$BATS_TEST_TMPDIR/follow"
	assert_output "create"
}

@test "a client's API version too new or too old is refused with Docker's text" {
	start_api "unix://$sock"
	wait_socket "$sock"
	DOCKER_API_VERSION=1.99 run -1 --separate-stderr docker version --format '{{.Server.Version}}'
	assert_match "client version 1.99 is too new. Maximum supported API version is 1.51" "$stderr"
	DOCKER_API_VERSION=1.23 run -1 --separate-stderr docker version --format '{{.Server.Version}}'
	assert_match "client version 1.23 is too old. Minimum supported API version is 1.24" "$stderr"
	DOCKER_API_VERSION=1.24 run -0 docker version --format '{{.Server.APIVersion}}'
	assert_output "1.51"
}

@test "SIGTERM stops the service: exit 0, socket gone; a dead server's socket is replaced, a live one's is not" {
	start_api "unix://$sock"
	wait_socket "$sock"
	# A second service on a live socket is refused.
	run -125 --separate-stderr wren system service "unix://$sock"
	assert_one_error
	assert_match "another server is listening on $sock" "$stderr"
	kill -TERM "$api_pid"
	wait_exit "$api_pid" 15
	api_pid=
	assert_equal 0 "$exit_status"
	[ ! -e "$sock" ]

	# A killed server leaves its socket file; the next one takes it over.
	start_api "unix://$sock"
	wait_socket "$sock"
	kill -KILL "$api_pid"
	wait "$api_pid" || true
	api_pid=
	[ -S "$sock" ]
	start_api "unix://$sock"
	wait_socket "$sock"
	run -0 docker version --format '{{.Server.APIVersion}}'
	assert_output "1.51"
}

@test "the default socket is docker.sock in wren's runtime directory, 0600 in a 0700 directory" {
	rootless || skip "root's default socket is the machine's /run/wren/docker.sock"
	local def=$XDG_RUNTIME_DIR/wren/docker.sock
	[ ! -e "$def" ] || skip "a service already listens on $def"
	start_api
	wait_socket "$def"
	run -0 stat -c %a "$def"
	assert_output 600
	run -0 stat -c %a "$XDG_RUNTIME_DIR/wren"
	assert_output 700
	DOCKER_HOST=unix://$def run -0 docker info --format '{{.ServerVersion}}'
	kill -TERM "$api_pid"
	wait_exit "$api_pid" 15
	api_pid=
	[ ! -e "$def" ]
}

@test "wren info and wren system service --help say where the socket is and what DOCKER_HOST to set" {
	local def
	if rootless; then def=unix://$XDG_RUNTIME_DIR/wren/docker.sock; else def=unix:///run/wren/docker.sock; fi
	run -0 wren info
	assert_match $'\n'" API Socket: $def \(wren system service; export DOCKER_HOST=$def\)"$'(\n|$)'
	# The lines before it stay.
	assert_match $'\n'" Docker Root Dir: "
	run -0 wren system service --help
	assert_match "default: $def"
	assert_match "export DOCKER_HOST=$def"
	assert_match "DOCKER_BUILDKIT=0"
}

@test "tcp:// needs mutual TLS: refused without it; --insecure-tcp serves with a warning" {
	local port
	port=$(free_port)
	run -125 --separate-stderr wren system service "tcp://127.0.0.1:$port"
	assert_one_error
	assert_match "without mutual TLS" "$stderr"
	assert_match "--insecure-tcp" "$stderr"
	run -125 --separate-stderr wren system service --tlsverify "unix://$sock"
	assert_one_error
	run -125 --separate-stderr wren system service "http://127.0.0.1:$port"
	assert_one_error
	assert_match "unsupported scheme" "$stderr"
	start_api --insecure-tcp "tcp://127.0.0.1:$port"
	for _ in $(seq 100); do
		docker -H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1 && break
		sleep 0.1
	done
	run -0 docker -H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}'
	assert_output "1.51"
	run grep -c "WARNING: serving the API on tcp://127.0.0.1:$port without TLS" "$BATS_TEST_TMPDIR/api.log"
	assert_output 1
}

@test "tcp:// with --tlsverify serves a client with the CA's certificate, and no other" {
	local d=$BATS_TEST_TMPDIR/tls port
	mkdir -p "$d/client" "$d/other"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=api test CA" -keyout "$d/ca-key.pem" -out "$d/ca.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/server-key.pem" -out "$d/server.csr" 2>/dev/null
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 1 \
		-extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') -out "$d/server.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout "$d/client/key.pem" -out "$d/client.csr" 2>/dev/null
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 1 \
		-extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$d/client/cert.pem" 2>/dev/null
	cp "$d/ca.pem" "$d/client/ca.pem"
	# A certificate from a CA the service does not trust.
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other" -keyout "$d/other/key.pem" -out "$d/other/cert.pem" 2>/dev/null
	cp "$d/ca.pem" "$d/other/ca.pem"
	port=$(free_port)
	start_api --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/server.pem" --tlskey "$d/server-key.pem" "tcp://127.0.0.1:$port"
	for _ in $(seq 100); do
		ss -Htln "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	run -0 docker --tlsverify --tlscacert "$d/client/ca.pem" --tlscert "$d/client/cert.pem" --tlskey "$d/client/key.pem" \
		-H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}'
	assert_output "1.51"
	run -1 docker --tlsverify --tlscacert "$d/other/ca.pem" --tlscert "$d/other/cert.pem" --tlskey "$d/other/key.pem" \
		-H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}'
	assert_match "certificate"
}

@test "socket activation: the service takes systemd's socket, answers, and exits after 5 idle seconds" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate (Debian's systemd) is not installed"
	# It listens, and on the first connection executes the service in its
	# own place with the socket as fd 3: api_pid is the service's pid. It
	# passes on only the environment it is told to.
	local pass=() v
	for v in XDG_RUNTIME_DIR WREN_ROOT WREN_RUNROOT TMPDIR WREN_NETWORK_LINGER; do
		[ -z "${!v:-}" ] || pass+=(-E "$v")
	done
	systemd-socket-activate "${pass[@]}" -l "$sock" "$WREN_BINARY" system service fd:// >"$BATS_TEST_TMPDIR/api.log" 2>&1 3>&- &
	api_pid=$!
	for _ in $(seq 50); do
		[ -S "$sock" ] && break
		sleep 0.1
	done
	run -0 docker version --format '{{.Server.APIVersion}}'
	assert_output "1.51"
	run -0 docker info --format '{{.DockerRootDir}}'
	assert_output "$WREN_ROOT"
	# Still the same socket, while connections come.
	run -0 docker system df --format '{{.Type}}'
	assert_match "Images"
	local idle_from=$SECONDS
	wait_exit "$api_pid" 15
	api_pid=
	assert_equal 0 "$exit_status"
	# Socket-activated, it waits 5 s by default (whole seconds here).
	[ $((SECONDS - idle_from)) -ge 4 ]
}

@test "fd:// without socket activation is an error" {
	run -125 --separate-stderr wren system service fd://
	assert_one_error
	assert_match "systemd passed no socket" "$stderr"
}

@test "--time N: the service exits 0 after N idle seconds, not while a client is connected" {
	start_api --time 1 "unix://$sock"
	wait_socket "$sock"
	# A follower holds a connection open for 3 s: the service stays.
	timeout 3 docker events >/dev/null 2>&1 || true
	kill -0 "$api_pid"
	wait_exit "$api_pid" 10
	api_pid=
	assert_equal 0 "$exit_status"
	[ ! -e "$sock" ]
	run -125 --separate-stderr wren system service --time -1 "unix://$sock"
	assert_one_error
}
