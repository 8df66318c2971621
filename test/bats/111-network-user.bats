#!/usr/bin/env bats
# User-defined networks (issue 5 part B, SPEC S7): network create/ls/inspect/rm/
# prune, bridges in one rootless network namespace per user, DNS by name and alias,
# isolation between networks, --internal, connect/disconnect.

load helpers

setup() {
	name=net-$BATS_TEST_NUMBER
}

teardown() {
	local n
	for n in "$name" "$name-2" "$name-3"; do
		wren network rm -f "$n" >/dev/null 2>&1 || true
	done
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
