#!/usr/bin/env bats
# User-defined networks (issue 5 part B, SPEC S7): network create/ls/inspect/rm/
# prune, bridges in one rootless network namespace per user, DNS by name and alias,
# isolation between networks, --internal, connect/disconnect.

load helpers

setup_file() {
	export UNET_IMAGE=unet-busybox
	import_busybox "$UNET_IMAGE"
	export UDPECHO=$BATS_FILE_TMPDIR/udpecho
	build_udpecho "$UDPECHO"
}

teardown_file() {
	rm_images "$UNET_IMAGE"
}

setup() {
	name=unet-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name-a" "$name-b" "$name-c" "$name-d"
	local n
	for n in "$name" "$name-2" "$name-3" "$name-4"; do
		wren network rm -f "$n" >/dev/null 2>&1 || true
	done
	if [ -n "${server_pid:-}" ]; then
		kill "$server_pid" 2>/dev/null || true
	fi
}

# web NAME NETWORK [FLAGS…]: a detached busybox httpd on port 8080 serving its
# own hostname file, on NETWORK.
web() {
	local c=$1 n=$2
	shift 2
	wren run -d --name "$c" --network "$n" "$@" "$UNET_IMAGE" httpd -f -p 8080 -h /etc >/dev/null
}

# host_address: the host's first global IPv4 address (not loopback).
host_address() {
	ip -4 -o addr show scope global | awk '{ split($4, a, "/"); print a[1]; exit }'
}

# network_helpers: processes serving this run's rootless network namespace
# (pasta and the DNS holder).
network_helpers() {
	pgrep -f -- "${WREN_RUNROOT:?}/networks" | wc -l
}

@test "network create, ls, inspect and rm" {
	run -0 wren network create --label "team=$name" -o "com.example.x=1" "$name"
	assert_match '^[0-9a-f]{64}$'
	id=$output
	run -0 wren network ls
	assert_equal "NETWORK ID NAME DRIVER SCOPE" "$(squeeze <<<"${lines[0]}")"
	assert_match $'\n'"${id:0:12} +$name +bridge +local"
	# The predefined networks Docker clients expect.
	assert_match $'\n''[0-9a-f]{12} +bridge +bridge +local'
	assert_match $'\n''[0-9a-f]{12} +host +host +local'
	assert_match $'\n''[0-9a-f]{12} +none +null +local'
	run -0 wren network ls -q --filter "label=team=$name"
	assert_output "${id:0:12}"
	run -0 wren network ls -q --no-trunc --filter "name=$name" --filter driver=bridge
	assert_output "$id"
	run -0 wren network ls --format '{{.Name}} {{.Driver}} {{.Internal}} {{.Label "team"}}' --filter "id=${id:0:6}"
	assert_output "$name bridge false $name"
	run -0 wren network inspect "$name"
	assert_equal "$id" "$(jq -r '.[0].Id' <<<"$output")"
	assert_equal "local bridge default" "$(jq -r '.[0] | "\(.Scope) \(.Driver) \(.IPAM.Driver)"' <<<"$output")"
	# An automatic subnet from the pool, its first address the gateway.
	subnet=$(jq -r '.[0].IPAM.Config[0].Subnet' <<<"$output")
	assert_match '^10\.[0-9]+\.[0-9]+\.0/24$' "$subnet"
	assert_equal "${subnet%.0/24}.1" "$(jq -r '.[0].IPAM.Config[0].Gateway' <<<"$output")"
	assert_equal '{}' "$(jq -c '.[0].Containers' <<<"$output")"
	assert_equal '1' "$(jq -r '.[0].Options["com.example.x"]' <<<"$output")"
	run -0 wren network inspect -f '{{.Name}} {{.Internal}} {{.Labels.team}}' "${id:0:12}"
	assert_output "$name false $name"
	run -0 wren network rm "$name"
	assert_output "$name"
	run -125 --separate-stderr wren network inspect "$name"
	assert_equal "Error: network $name not found" "$stderr"
	run -0 wren network rm -f "$name"
}

@test "network create with a subnet, gateway, range and --internal" {
	run -0 wren network create --subnet 10.123.0.0/16 --gateway 10.123.0.254 --ip-range 10.123.7.0/24 --internal "$name"
	run -0 wren network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}} {{.Internal}}' "$name"
	assert_output "10.123.0.0/16 10.123.0.254 10.123.7.0/24 true"
	run -0 wren network ls --format '{{.Name}} {{.Internal}}' --filter "name=$name"
	assert_output "$name true"
	# Two automatic subnets never overlap.
	run -0 wren network create "$name-2"
	run -0 wren network create "$name-3"
	a=$(wren network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$name-2")
	b=$(wren network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$name-3")
	[ "$a" != "$b" ]
	# Docker's MTU option; a bridge's interfaces have pasta's 65520 otherwise.
	run -0 wren network create -o com.docker.network.driver.mtu=1400 "$name-4"
	run -0 wren run --rm --network "$name-4" "$UNET_IMAGE" cat /sys/class/net/eth0/mtu
	assert_output 1400
	run -0 wren run --rm --network "$name-2" "$UNET_IMAGE" cat /sys/class/net/eth0/mtu
	assert_output 65520
	wren network rm "$name-4" >/dev/null
}

@test "network create refuses bad input with one error and makes nothing" {
	run -0 wren network create --subnet 10.124.0.0/16 "$name"
	before=$(wren network ls -q --no-trunc | sort)
	run -125 --separate-stderr wren network create --subnet 10.124.5.0/24 "$name-2"
	assert_one_error
	assert_match 'overlaps' "$stderr"
	run -125 --separate-stderr wren network create "$name"
	assert_one_error
	assert_equal "Error: network with name $name already exists" "$stderr"
	run -125 --separate-stderr wren network create --subnet 10.1.2.3/24 "$name-2"
	assert_one_error
	assert_equal "Error: invalid subnet 10.1.2.3/24: it should be 10.1.2.0/24" "$stderr"
	run -125 --separate-stderr wren network create --subnet banana "$name-2"
	assert_one_error
	run -125 --separate-stderr wren network create --subnet 10.125.0.0/16 --gateway 10.126.0.1 "$name-2"
	assert_one_error
	assert_equal "Error: no matching subnet for gateway 10.126.0.1" "$stderr"
	for d in macvlan ipvlan overlay; do
		run -125 --separate-stderr wren network create -d "$d" "$name-2"
		assert_one_error
		assert_match "needs root" "$stderr"
	done
	run -125 --separate-stderr wren network create -d nosuch "$name-2"
	assert_one_error
	run -125 --separate-stderr wren network create "bad name"
	assert_one_error
	run -125 --separate-stderr wren network create -o com.docker.network.driver.mtu=9 "$name-2"
	assert_one_error
	assert_equal "$before" "$(wren network ls -q --no-trunc | sort)"
}

@test "network rm refuses the predefined networks and reports missing ones" {
	for n in bridge host none; do
		run -125 --separate-stderr wren network rm "$n"
		assert_one_error
		assert_equal "Error: $n is a pre-defined network and cannot be removed" "$stderr"
	done
	run -125 --separate-stderr wren network rm "$name-missing"
	assert_equal "Error: network $name-missing not found" "$stderr"
}

@test "network prune removes unused networks, keeps filtered-out ones" {
	run -0 wren network create --label "keep=$name" "$name"
	run -0 wren network create "$name-2"
	run -0 wren network prune -f --filter "label!=keep"
	assert_match "^Deleted Networks:"
	assert_match $'\n'"$name-2($|"$'\n'")"
	refute_match $'\n'"$name($|"$'\n'")"
	run -0 wren network ls --format '{{.Name}}' --filter "name=$name"
	assert_output "$name"
	run -0 wren network prune -f --filter "until=1h"
	refute_match "$name"
	run -0 wren network prune -f
	assert_match $'\n'"$name($|"$'\n'")"
	run -0 wren network ls -q --filter "name=$name"
	assert_output ""
	run -125 --separate-stderr wren network prune -f --filter bogus=1
	assert_one_error
}

@test "network events: create and destroy" {
	since=$(date +%s)
	run -0 wren network create "$name"
	id=$output
	run -0 wren network rm "$name"
	run -0 wren events --since "$since" --until "$(($(date +%s) + 1))" --filter type=network --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}'
	output=$(grep " $name\$" <<<"$output")
	assert_output "create $id $name
destroy $id $name"
}

@test "containers on a user network reach each other by name, alias and short ID" {
	run -0 wren network create "$name"
	web "$name-a" "$name" --network-alias web --network-alias www
	id=$(wren inspect -f '{{.Id}}' "$name-a")
	run -0 wren run --rm --network "$name" "$UNET_IMAGE" sh -c \
		"wget -qO- http://$name-a:8080/hostname && wget -qO- http://web:8080/hostname && wget -qO- http://WWW:8080/hostname && wget -qO- http://${id:0:12}:8080/hostname"
	assert_output "${id:0:12}
${id:0:12}
${id:0:12}
${id:0:12}"
	run -0 wren run --rm --network "$name" "$UNET_IMAGE" ping -c 1 -W 5 web
	assert_match "1 packets received"
	# Both ways, between two detached containers.
	web "$name-b" "$name"
	run -0 wren exec "$name-a" wget -qO- "http://$name-b:8080/hostname"
	assert_output "$(wren inspect -f '{{.Id}}' "$name-b" | cut -c1-12)"
	# Names the network does not know are forwarded, and fail without internet: not ours.
	run -0 wren exec "$name-a" cat /etc/resolv.conf
	gw=$(wren network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$name")
	assert_match "nameserver $gw"
}

@test "network inspect lists the containers; container inspect shows the endpoint" {
	run -0 wren network create --subnet 10.131.0.0/24 "$name"
	web "$name-a" "$name" --ip 10.131.0.50
	id=$(wren inspect -f '{{.Id}}' "$name-a")
	run -0 wren network inspect "$name"
	assert_equal "$name-a 10.131.0.50/24 02:42:0a:83:00:32" \
		"$(jq -r ".[0].Containers[\"$id\"] | \"\(.Name) \(.IPv4Address) \(.MacAddress)\"" <<<"$output")"
	assert_match '"EndpointID": "[0-9a-f]{64}"'
	run -0 wren inspect -f "{{range \$k, \$v := .NetworkSettings.Networks}}{{\$k}} {{\$v.IPAddress}} {{\$v.Gateway}}{{end}}" "$name-a"
	assert_output "$name 10.131.0.50 10.131.0.1"
	run -0 wren exec "$name-a" ip addr show eth0
	assert_match "inet 10.131.0.50/24"
	# The same --ip twice is refused before the second container starts.
	run -125 --separate-stderr wren run -d --name "$name-b" --network "$name" --ip 10.131.0.50 "$UNET_IMAGE" sleep 60
	assert_match "10.131.0.50" "$stderr"
	run -0 wren ps -a -q --filter "name=$name-b"
	[ -z "$output" ] || [ "$(wren inspect -f '{{.State.Running}}' "$name-b")" = false ]
}

@test "containers on different networks cannot reach each other" {
	run -0 wren network create "$name"
	run -0 wren network create "$name-2"
	web "$name-a" "$name"
	ip=$(wren inspect -f "{{(index .NetworkSettings.Networks \"$name\").IPAddress}}" "$name-a")
	run -0 wren run --rm --init --network "$name" "$UNET_IMAGE" sh -c "timeout 3 wget -qO- http://$ip:8080/hostname"
	run wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 3 wget -qO- http://$ip:8080/hostname"
	[ "$status" -ne 0 ]
	# Nor by name: the other network's DNS does not know it.
	run wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 5 nslookup $name-a"
	[ "$status" -ne 0 ]
}

@test "egress from a user network; --internal has none" {
	host_server
	run -0 wren network create "$name"
	run -0 wren network create --internal "$name-2"
	run -0 wren run --rm --init --network "$name" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://host.containers.internal:$server_port/"
	assert_output "from-host"
	# The internal network has no host.containers.internal, and its address,
	# which reaches the host from the other network, is not reachable from it.
	run -0 wren run --rm --network "$name" "$UNET_IMAGE" grep host.containers.internal /etc/hosts
	hostaddr=$(cut -f1 <<<"$output")
	run -0 wren run --rm --init --network "$name" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://$hostaddr:$server_port/"
	run -1 wren run --rm --network "$name-2" "$UNET_IMAGE" grep host.containers.internal /etc/hosts
	run wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 3 wget -qO- http://$hostaddr:$server_port/"
	[ "$status" -ne 0 ]
	# The internal network still resolves its own containers.
	web "$name-a" "$name-2"
	run -0 wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://$name-a:8080/hostname"
}

@test "network connect and disconnect a running container" {
	run -0 wren network create "$name"
	run -0 wren network create "$name-2"
	web "$name-a" "$name"
	since=$(date +%s)
	run -0 wren network connect --alias joined "$name-2" "$name-a"
	run -0 wren exec "$name-a" sh -c 'ls /sys/class/net | sort | tr "\n" " "'
	assert_output "eth0 eth1 lo "
	run -0 wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://joined:8080/hostname"
	run -0 wren network inspect -f '{{len .Containers}}' "$name-2"
	assert_output "1"
	run -125 --separate-stderr wren network connect "$name-2" "$name-a"
	assert_one_error
	run -0 wren network disconnect "$name-2" "$name-a"
	run wren run --rm --init --network "$name-2" "$UNET_IMAGE" sh -c "timeout 3 wget -qO- http://joined:8080/hostname"
	[ "$status" -ne 0 ]
	run -0 wren exec "$name-a" sh -c 'ls /sys/class/net | sort | tr "\n" " "'
	assert_output "eth0 lo "
	run -125 --separate-stderr wren network disconnect "$name-2" "$name-a"
	assert_one_error
	run -0 wren events --since "$since" --until "$(($(date +%s) + 1))" --filter type=network --format '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.container}}'
	assert_match "connect $name-2 [0-9a-f]{64}"
	assert_match "disconnect $name-2 [0-9a-f]{64}"
}

@test "network rm refuses a network in use; bad --network, --ip and connect refused" {
	run -0 wren network create "$name"
	web "$name-a" "$name"
	run -125 --separate-stderr wren network rm "$name"
	assert_one_error
	assert_match "has active endpoints" "$stderr"
	wren stop -t 0 "$name-a" >/dev/null
	run -125 --separate-stderr wren run --rm --name "$name-b" --network "$name-missing" "$UNET_IMAGE" true
	assert_one_error
	assert_equal "Error: network $name-missing not found" "$stderr"
	run -125 --separate-stderr wren run --rm --name "$name-b" --network "$name" --ip 10.250.0.9 "$UNET_IMAGE" true
	assert_one_error
	run -125 --separate-stderr wren network connect "$name-missing" "$name-a"
	assert_one_error
	run -125 --separate-stderr wren network connect "$name" "$name-missing"
	assert_one_error
	run -0 wren ps -a -q --filter "name=$name-b"
	assert_output ""
	# A stopped container does not hold its network (as with Docker), and
	# cannot start without it.
	run -0 wren network rm "$name"
	run -125 --separate-stderr wren start "$name-a"
	assert_one_error
	assert_match "network $name not found" "$stderr"
}

@test "no network helper outlives the last container" {
	run -0 wren network create "$name"
	web "$name-a" "$name"
	web "$name-b" "$name"
	[ "$(network_helpers)" -ge 2 ]
	WREN_NETWORK_LINGER=0 wren rm -f "$name-a" "$name-b"
	for _ in $(seq 50); do
		[ "$(network_helpers)" -eq 0 ] && break
		sleep 0.1
	done
	run -0 network_helpers
	assert_output "0"
	[ ! -e "$WREN_RUNROOT/networks/rootless-netns" ]
}

@test "published ports of a container on a user network" {
	run -0 wren network create "$name"
	port=$((20000 + RANDOM % 30000))
	web "$name-a" "$name" --network-alias web -p "127.0.0.1:$port:8080"
	id=$(wren inspect -f '{{.Id}}' "$name-a")
	run -0 wren port "$name-a"
	assert_output "8080/tcp -> 127.0.0.1:$port"
	run -0 busybox wget -qO- "http://127.0.0.1:$port/hostname"
	assert_output "${id:0:12}"
	# The network's own names still resolve inside it.
	run -0 wren run --rm --init --network "$name" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://web:8080/hostname"
	assert_output "${id:0:12}"
	run -0 wren rm -f "$name-a"
	# An internal network publishes nothing.
	run -0 wren network create --internal "$name-2"
	run -125 --separate-stderr wren create --network "$name-2" -p 8080 "$UNET_IMAGE" true
	assert_one_error
}

@test "a user network container's tcp and udp ports, from loopback and the host's address, served by its monitor" {
	run -0 wren network create "$name"
	port=$(free_port)
	uport=$(free_port)
	wren run -d --name "$name-a" --network "$name" -p "$port:8080" -p "$uport:5353/udp" -v "$UDPECHO:/udpecho:ro" \
		"$UNET_IMAGE" sh -c 'httpd -p 8080 -h /etc; exec /udpecho 5353' >/dev/null
	id=$(wren inspect -f '{{.Id}}' "$name-a")
	run -0 wren port "$name-a"
	assert_match "8080/tcp -> 0.0.0.0:$port"
	assert_match "5353/udp -> 0.0.0.0:$uport"
	run -0 http_get "$port" /hostname
	assert_output "${id:0:12}"
	run -0 udp_echo "$uport"
	assert_output ping-udp
	addr=$(host_address)
	if [ -n "$addr" ]; then
		run -0 http_get "$port" /hostname "$addr"
		assert_output "${id:0:12}"
		run -0 udp_echo "$uport" "$addr"
		assert_output ping-udp
		# Published on that address alone.
		port3=$(free_port)
		web "$name-c" "$name" -p "$addr:$port3:8080"
		run -0 wren port "$name-c"
		assert_output "8080/tcp -> $addr:$port3"
		id3=$(wren inspect -f '{{.Id}}' "$name-c")
		run -0 http_get "$port3" /hostname "$addr"
		assert_output "${id3:0:12}"
		run -1 busybox wget -qO- "http://127.0.0.1:$port3/hostname"
	fi
	# The container's monitor holds the host sockets: no pasta of its own.
	run -0 ss -Hltnp "sport = :$port"
	assert_match '"wren-monitor"'
	run -1 pgrep -f -- "pasta.*$id"
	# The ports are free as soon as rm -f returns: a new container takes them.
	run -0 wren rm -f "$name-a"
	wren run -d --name "$name-b" --network "$name" -p "$port:8080" -p "$uport:5353/udp" -v "$UDPECHO:/udpecho:ro" \
		"$UNET_IMAGE" sh -c 'httpd -p 8080 -h /etc; exec /udpecho 5353' >/dev/null
	id=$(wren inspect -f '{{.Id}}' "$name-b")
	run -0 http_get "$port" /hostname
	assert_output "${id:0:12}"
	run -0 udp_echo "$uport"
}

@test "restarts keep a user network container's published port working" {
	run -0 wren network create "$name"
	port=$(free_port)
	web "$name-a" "$name" --init -p "127.0.0.1:$port:8080"
	run -0 http_get "$port" /hostname
	run -0 wren restart "$name-a"
	run -0 http_get "$port" /hostname
	run -0 wren stop "$name-a"
	run -1 busybox wget -qO- "http://127.0.0.1:$port/hostname"
	run -0 wren start "$name-a"
	run -0 http_get "$port" /hostname
	# The restart policy restarts the container within its monitor, which
	# keeps the port.
	port2=$(free_port)
	wren run -d --name "$name-b" --network "$name" --restart always -p "127.0.0.1:$port2:8080" \
		"$UNET_IMAGE" sh -c 'httpd -p 8080 -h /etc; sleep 1' >/dev/null
	for _ in $(seq 100); do
		[ "$(wren inspect -f '{{.RestartCount}}' "$name-b")" -ge 2 ] && break
		sleep 0.1
	done
	run -0 wren inspect -f '{{.RestartCount}}' "$name-b"
	[ "$output" -ge 2 ]
	run -0 http_get "$port2" /hostname
}

@test "TCP to host.containers.internal from a user network goes through the host relay, not pasta" {
	host_server
	run -0 wren network create "$name"
	# A connection held open: the host sees who made its end on the loopback.
	wren run -d --name "$name-a" --network "$name" "$UNET_IMAGE" \
		sh -c "sleep 30 | nc host.containers.internal $server_port" >/dev/null
	for _ in $(seq 100); do
		[ -n "$(ss -Htnp state established "dport = :$server_port")" ] && break
		sleep 0.05
	done
	run -0 ss -Htnp state established "dport = :$server_port"
	assert_match '"wren"'
	refute_match 'pasta'
	run -0 wren run --rm --init --network "$name" "$UNET_IMAGE" sh -c "timeout 5 wget -qO- http://host.containers.internal:$server_port/"
	assert_output "from-host"
}
