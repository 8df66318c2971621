# shellcheck shell=bash
# test/lib/registry.sh: a docker-registry on 127.0.0.1 for tests and benchmarks,
# sourced by test/run.sh and bench/pull.sh.

# registry_config DIR [EXTRA_YAML]: writes DIR/config.yml: storage under DIR/data
# with deletes allowed, on 127.0.0.1 port 0 (the kernel picks a free one), quiet
# logs; EXTRA_YAML (indented for the http: block, then top-level keys) is
# appended, e.g. tls and auth.
registry_config() {
	local dir=$1 extra=${2:-}
	mkdir -p "$dir"
	cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
$extra
YAML
}

# start_registry DIR: serves DIR/config.yml, logging to DIR/log, and sets
# started_pid and started_port (read back from the listening socket). On
# failure it prints the registry's log, stops it, and returns 1.
start_registry() {
	local dir=$1
	# fd 9 is test/run.sh's lock: the registry must not hold it.
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 9>&- &
	started_pid=$!
	started_port=
	for _ in $(seq 50); do
		started_port=$(ss -ltnpH 2>/dev/null | awk -v p="pid=$started_pid," 'index($0, p) { sub(/.*:/, "", $4); print $4; exit }')
		[ -n "$started_port" ] && return 0
		if ! kill -0 "$started_pid" 2>/dev/null; then
			echo "docker-registry ($dir) exited:" >&2
			cat "$dir/log" >&2
			return 1
		fi
		sleep 0.1
	done
	kill "$started_pid" 2>/dev/null || true
	echo "docker-registry ($dir) did not listen:" >&2
	cat "$dir/log" >&2
	return 1
}
