#!/usr/bin/env bash
# bench/trace.sh: where the time of one `wren run --rm --network none busybox true`
# goes, rootless: WREN_TRACE=1 marks of each step (wren, wren in the user
# namespace, wren-monitor), medians over BENCH_RUNS runs, measured from just
# before wren is executed. `bench/trace.sh --record` appends it to bench/RESULTS.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/trace.sh" "$@"

runs=${BENCH_RUNS:-30}
wren=${WREN:-$repo/bin/wren}
bench_store
for _ in 1 2 3; do "$wren" run --rm --network none bench-busybox true; done
marks=$work/marks
: >"$marks"
for i in $(seq "$runs"); do
	# EPOCHREALTIME is bash's clock in microseconds: the origin is the exec itself.
	t=${EPOCHREALTIME/./}
	WREN_TRACE=1 WREN_TRACE_START=${t}000 "$wren" run --rm --network none bench-busybox true 2>&1 >/dev/null |
		awk -v run="$i" '$1 == "wren-trace" { $1 = ""; ms = $2; $2 = ""; proc = $3; $3 = ""; sub(/^ +/, ""); print run "\t" ms "\t" proc "\t" $0 }' >>"$marks"
done

bench_header "Where a start's time goes (WREN_TRACE=1)"
echo "Rootless \`wren run --rm --network none busybox true\`, $runs runs; each row is the median time"
echo "since wren was executed at which the step is reached, and the median of the step's own share."
echo
echo "| step | process | at [ms] | step [ms] |"
echo "|:---|:---|---:|---:|"
# Per run, a mark's share is its time minus the previous mark's; the n-th
# occurrence of a step name in a run is its own row (main comes twice as a user).
awk -F'\t' '
	{ key = $4; n = ++seen[$1 SUBSEP key]; if (n > 1) key = key " (" n ")"
	  if (!(key in order)) { order[key] = ++rows; name[rows] = key; proc[rows] = $3 }
	  at[key] = at[key] " " $2; share[key] = share[key] " " ($2 - (($1 in last) ? last[$1] : 0)); last[$1] = $2 }
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END { for (r = 1; r <= rows; r++) printf "| %s | %s | %.1f | %.1f |\n", name[r], proc[r], median(at[name[r]]), median(share[name[r]]) }
' "$marks"
