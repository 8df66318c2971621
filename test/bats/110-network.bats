#!/usr/bin/env bats
# Networking without root (issue 5 part A, SPEC S7): the default network (the
# bridge in the rootless namespace, whose pasta gives it egress), a pasta or
# slirp4netns of the container's own, published ports, --network none|host|
# container:X, the helpers' lifetime, and bad port specs.

load helpers

setup_file() {
	export NET_IMAGE=net-busybox
	import_busybox "$NET_IMAGE"
	export UDPECHO=$BATS_FILE_TMPDIR/udpecho
	build_udpecho "$UDPECHO"
}

teardown_file() {
	rm_images "$NET_IMAGE"
}

teardown() {
	rm_containers "${BATS_TEST_NAME}" "${BATS_TEST_NAME}-2" $(seq -f "${BATS_TEST_NAME}-%g" 1 10)
	if [ -n "${server_pid:-}" ]; then
		kill "$server_pid" 2>/dev/null || true
	fi
}

# helpers_of_this_run: pasta and slirp4netns processes of containers' own
# (--network pasta|slirp4netns) serving this test run's namespaces.
helpers_of_this_run() {
	pgrep -f -- "${WREN_RUNROOT:?}/netns/" | wc -l
}

# shared_helpers: the rootless namespace's pasta and DNS holder.
shared_helpers() {
	pgrep -f -- "${WREN_RUNROOT:?}/networks" | wc -l
}

# web NAME ARGS…: a detached httpd container serving "hello-NAME" on port 80.
web() {
	local name=$1
	shift
	wren run -d --name "$name" "$@" "$NET_IMAGE" sh -c \
		"mkdir -p /www && echo hello-$name >/www/index.html && exec httpd -f -p 80 -h /www" >/dev/null
}

@test "default network: egress to the host's loopback through host.containers.internal" {
	host_server
	run -0 wren run --rm --name "$BATS_TEST_NAME" "$NET_IMAGE" sh -c \
		"wget -qO- http://host.containers.internal:$server_port/ && wget -qO- http://host.docker.internal:$server_port/"
	assert_output $'from-host\nfrom-host'
	# The container has an interface of its own besides lo, and its hosts file names the host.
	run -0 wren run --rm "$NET_IMAGE" sh -c 'ls /sys/class/net | sort | tr "\n" " "; grep -c host.containers.internal /etc/hosts'
	assert_match '^eth0 lo 1$|^tap0 lo 1$'
	# The nameserver is the network's forwarder, never the host's loopback.
	run -0 wren run --rm "$NET_IMAGE" cat /etc/resolv.conf
	refute_match 'nameserver 127\.'
	assert_match 'nameserver '
	[ "$(helpers_of_this_run)" -eq 0 ]
}

@test "default network: DNS resolves what the host resolves" {
	getent hosts deb.debian.org >/dev/null || skip "the host itself resolves no names here"
	run -0 wren run --rm "$NET_IMAGE" nslookup deb.debian.org
	assert_match 'Address'
}

@test "-p publishes a tcp port; port, ps and inspect show it" {
	port=$(free_port)
	web "$BATS_TEST_NAME" -p "$port:80" --expose 8443
	run -0 http_get "$port"
	assert_output "hello-$BATS_TEST_NAME"
	run -0 wren port "$BATS_TEST_NAME"
	assert_output "80/tcp -> 0.0.0.0:$port"
	run -0 wren port "$BATS_TEST_NAME" 80/tcp
	assert_output "0.0.0.0:$port"
	run -125 --separate-stderr wren port "$BATS_TEST_NAME" 81
	assert_one_error
	run -0 wren ps --filter "name=^$BATS_TEST_NAME\$" --format '{{.Ports}}'
	assert_output "0.0.0.0:$port->80/tcp, 8443/tcp"
	run -0 wren inspect -f '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{.HostConfig.NetworkMode}}' "$BATS_TEST_NAME"
	assert_output "{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"$port\"}],\"8443/tcp\":null} {\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port\"}]} bridge"
	run -0 wren inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}{{end}}' "$BATS_TEST_NAME"
	assert_match '^bridge [0-9.]+$'
	# Stopped, it publishes nothing.
	wren stop -t 0 "$BATS_TEST_NAME" >/dev/null
	run -0 wren port "$BATS_TEST_NAME"
	assert_output ""
	[ "$(helpers_of_this_run)" -eq 0 ]
	# Started again, the same port is published again.
	wren start "$BATS_TEST_NAME" >/dev/null
	run -0 http_get "$port"
	assert_output "hello-$BATS_TEST_NAME"
}

@test "-p publishes a udp port" {
	port=$(free_port)
	wren run -d --name "$BATS_TEST_NAME" -p "127.0.0.1:$port:5353/udp" -v "$UDPECHO:/udpecho:ro" "$NET_IMAGE" /udpecho 5353 >/dev/null
	run -0 wren port "$BATS_TEST_NAME"
	assert_output "5353/udp -> 127.0.0.1:$port"
	run -0 udp_echo "$port"
	assert_output ping-udp
	# A pasta of the container's own forwards the same port on both sides
	# (Debian 12's pasta loses replies to a remapped udp port: see README).
	port=$(free_port)
	wren run -d --name "$BATS_TEST_NAME-2" --network pasta -p "$port:$port/udp" -v "$UDPECHO:/udpecho:ro" "$NET_IMAGE" /udpecho "$port" >/dev/null
	run -0 udp_echo "$port"
	assert_output ping-udp
}

@test "-P publishes the exposed ports on random host ports, ranges are grouped" {
	web "$BATS_TEST_NAME" -P --expose 80 --expose 7000-7001/udp
	run -0 wren port "$BATS_TEST_NAME" 80
	port=${output##*:}
	run -0 http_get "$port"
	assert_output "hello-$BATS_TEST_NAME"
	run -0 wren port "$BATS_TEST_NAME"
	[ "${#lines[@]}" -eq 3 ]
	p1=$(free_port)
	web "$BATS_TEST_NAME-2" -p "$p1-$((p1 + 1)):80-81"
	run -0 wren ps --filter "name=^$BATS_TEST_NAME-2\$" --format '{{.Ports}}'
	assert_output "0.0.0.0:$p1-$((p1 + 1))->80-81/tcp"
}

@test "a taken host port and a privileged one are clear errors before the start" {
	host_server
	run -125 --separate-stderr wren run -d --name "$BATS_TEST_NAME" -p "127.0.0.1:$server_port:80" "$NET_IMAGE" true
	assert_one_error
	assert_match "127.0.0.1:$server_port failed: port is already allocated" "$stderr"
	run -0 wren inspect -f '{{.State.Status}}' "$BATS_TEST_NAME"
	refute_match running
	[ "$(helpers_of_this_run)" -eq 0 ]
	if rootless && [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" -gt 80 ]; then
		run -125 --separate-stderr wren run --rm -p 80:80 "$NET_IMAGE" true
		assert_one_error
		assert_match 'net.ipv4.ip_unprivileged_port_start' "$stderr"
	fi
}

@test "bad port specs: one error, exit 125, nothing created" {
	before=$(wren ps -aq | wc -l)
	for spec in 99999:80 abc 80:80/sctp 8000-8002:80-81 1.2.3:80:80; do
		run -125 --separate-stderr wren run --name "$BATS_TEST_NAME" -p "$spec" "$NET_IMAGE" true
		assert_one_error
		assert_match "$spec" "$stderr"
	done
	run -125 --separate-stderr wren create --expose http "$NET_IMAGE" true
	assert_one_error
	assert_equal "$before" "$(wren ps -aq | wc -l)"
}

@test "--network container:X shares X's localhost" {
	wren run -d --name "$BATS_TEST_NAME" "$NET_IMAGE" sh -c \
		'mkdir /www && echo shared-lo >/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www' >/dev/null
	run -0 wren run --rm --network "container:$BATS_TEST_NAME" "$NET_IMAGE" sh -c \
		'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/ && exit; sleep 0.2; done; exit 1'
	assert_output "shared-lo"
	run -0 wren create --name "$BATS_TEST_NAME-2" --network "container:$BATS_TEST_NAME" "$NET_IMAGE" true
	run -0 wren inspect -f '{{.HostConfig.NetworkMode}}' "$BATS_TEST_NAME-2"
	assert_output "container:$(wren inspect -f '{{.Id}}' "$BATS_TEST_NAME")"
	run -125 --separate-stderr wren run --rm --network "container:$BATS_TEST_NAME" -p 8081:80 "$NET_IMAGE" true
	assert_one_error
	run -125 --separate-stderr wren run --rm --network container:no-such-container "$NET_IMAGE" true
	assert_one_error
}

@test "a container that joined another's network loses its interface when the other stops" {
	wren run -d --init --name "$BATS_TEST_NAME" "$NET_IMAGE" sleep 300 >/dev/null
	wren run -d --init --name "$BATS_TEST_NAME-2" --network "container:$BATS_TEST_NAME" "$NET_IMAGE" sleep 300 >/dev/null
	run -0 wren exec "$BATS_TEST_NAME-2" ls /sys/class/net
	assert_match eth0
	# As with Docker: the namespace lives on in the joiner, the network's interface does not.
	wren stop -t 0 "$BATS_TEST_NAME" >/dev/null
	for _ in $(seq 50); do
		[ "$(wren exec "$BATS_TEST_NAME-2" ls /sys/class/net)" = lo ] && break
		sleep 0.1
	done
	run -0 wren exec "$BATS_TEST_NAME-2" ls /sys/class/net
	assert_output lo
}

@test "rm -f of 10 networked containers leaves no helper process" {
	for i in $(seq 5); do
		wren run -d --name "$BATS_TEST_NAME-$i" --network pasta "$NET_IMAGE" sleep 300 >/dev/null
	done
	for i in $(seq 6 10); do
		wren run -d --name "$BATS_TEST_NAME-$i" -p 80 "$NET_IMAGE" sleep 300 >/dev/null
	done
	[ "$(helpers_of_this_run)" -eq 5 ]
	# The default network's containers share one pasta (and the DNS holder).
	[ "$(shared_helpers)" -eq 2 ]
	WREN_NETWORK_LINGER=0 wren rm -f $(seq -f "$BATS_TEST_NAME-%g" 1 10) >/dev/null
	[ "$(helpers_of_this_run)" -eq 0 ]
	[ "$(shared_helpers)" -eq 0 ]
	run -0 ls -A "$WREN_RUNROOT/netns"
	assert_output ""
}

@test "the default network's namespace lingers unused, then goes" {
	WREN_NETWORK_LINGER=1s wren network prune -f >/dev/null
	WREN_NETWORK_LINGER=1s wren run --rm --name "$BATS_TEST_NAME" "$NET_IMAGE" true
	# Right after the last container it is still up, for the next one.
	[ "$(shared_helpers)" -eq 2 ]
	for _ in $(seq 80); do
		[ "$(shared_helpers)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(shared_helpers)" -eq 0 ]
	[ ! -e "$WREN_RUNROOT/networks/rootless-netns" ]
	# network prune takes it down at once.
	wren run --rm --name "$BATS_TEST_NAME" "$NET_IMAGE" true
	[ "$(shared_helpers)" -eq 2 ]
	wren network prune -f >/dev/null
	[ "$(shared_helpers)" -eq 0 ]
	# A linger that is no duration is one error, and nothing is made.
	WREN_NETWORK_LINGER=soon run -125 --separate-stderr wren run --name "$BATS_TEST_NAME" "$NET_IMAGE" true
	assert_one_error
	assert_match 'WREN_NETWORK_LINGER="soon"' "$stderr"
	run -0 wren ps -aq --filter "name=^$BATS_TEST_NAME\$"
	assert_output ""
}

@test "a killed pasta of the rootless namespace is started again by the next container" {
	wren run -d --init --name "$BATS_TEST_NAME" "$NET_IMAGE" sleep 300 >/dev/null
	local ns=${WREN_RUNROOT:?}/networks/rootless-netns
	run -0 wren unshare nsenter --net="$ns" ip route
	assert_match '^default via '
	pkill -f -- "pasta .*$ns"
	for _ in $(seq 50); do
		pgrep -f -- "pasta .*$ns" >/dev/null || break
		sleep 0.1
	done
	# pasta's tap, and with it the namespace's way out, went with it.
	run -0 wren unshare nsenter --net="$ns" ip route
	refute_match '^default via '
	run -0 wren run --rm "$NET_IMAGE" true
	run -0 wren unshare nsenter --net="$ns" ip route
	assert_match '^default via '
	pgrep -f -- "pasta .*$ns" >/dev/null
}

@test "the default bridge: containers reach each other by address, not by name" {
	web "$BATS_TEST_NAME"
	ip=$(wren inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' "$BATS_TEST_NAME")
	run -0 wren run --rm --init "$NET_IMAGE" timeout 5 wget -qO- "http://$ip/"
	assert_output "hello-$BATS_TEST_NAME"
	# Docker's default bridge resolves no container names either.
	run wren run --rm --init "$NET_IMAGE" timeout 5 nslookup "$BATS_TEST_NAME"
	[ "$status" -ne 0 ]
	refute_match "Address: $ip"
	id=$(wren inspect -f '{{.Id}}' "$BATS_TEST_NAME")
	run -0 wren network inspect -f "{{(index .Containers \"$id\").Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}" bridge
	assert_output "$BATS_TEST_NAME 10.88.0.0/16"
	run -0 wren inspect -f '{{.NetworkSettings.Networks.bridge.Gateway}}' "$BATS_TEST_NAME"
	assert_output 10.88.0.1
}

@test "a container that exits on its own takes its helper along" {
	wren run -d --name "$BATS_TEST_NAME" --network pasta "$NET_IMAGE" sleep 0.3 >/dev/null
	wren wait "$BATS_TEST_NAME" >/dev/null
	for _ in $(seq 50); do
		[ "$(helpers_of_this_run)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(helpers_of_this_run)" -eq 0 ]
}

@test "--network slirp4netns: egress to the host's loopback and published ports" {
	command -v slirp4netns >/dev/null || skip "slirp4netns is not installed"
	host_server
	run -0 wren run --rm --network slirp4netns "$NET_IMAGE" sh -c \
		"grep host.containers.internal /etc/hosts; wget -qO- http://host.containers.internal:$server_port/"
	assert_output $'10.0.2.2\thost.containers.internal host.docker.internal\nfrom-host'
	port=$(free_port)
	web "$BATS_TEST_NAME" --network slirp4netns -p "$port:80"
	run -0 http_get "$port"
	assert_output "hello-$BATS_TEST_NAME"
	run -0 wren inspect -f '{{.HostConfig.NetworkMode}}' "$BATS_TEST_NAME"
	assert_output slirp4netns
}

@test "--network none and host, --dns*, --add-host, --hostname and --mac-address" {
	run -0 wren run --rm --network none "$NET_IMAGE" ls /sys/class/net
	assert_output lo
	run -0 wren run --rm --dns 192.0.2.53 --dns-search example.test --dns-option ndots:2 "$NET_IMAGE" cat /etc/resolv.conf
	assert_match 'search example.test'
	assert_match 'nameserver 192.0.2.53'
	assert_match 'options ndots:2'
	refute_match 'nameserver 169.254'
	run -0 wren run --rm --hostname box --add-host db:10.1.2.3 --add-host gw:host-gateway "$NET_IMAGE" sh -c 'hostname; grep -E "db|gw|box" /etc/hosts'
	assert_match '^box'
	assert_match $'10.1.2.3\tdb'
	assert_match $'[0-9.]+\tgw'
	run -0 wren run --rm --mac-address 02:42:ac:11:00:42 "$NET_IMAGE" sh -c 'cat /sys/class/net/*/address | grep -v 00:00:00:00:00:00'
	assert_output 02:42:ac:11:00:42
	run -125 --separate-stderr wren run --rm --mac-address nonsense "$NET_IMAGE" true
	assert_one_error
	run -125 --separate-stderr wren run --rm --network no-such-network "$NET_IMAGE" true
	assert_one_error
}
