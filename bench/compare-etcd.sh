#!/usr/bin/env bash
# Cairn vs etcd, side by side in one run (docs/benchmarks.md, "Cairn vs etcd (KV)").
#
# Starts a 3-member etcd (Debian's etcd-server, installed when missing) and a 3-node Cairn on 127.0.0.1, both fsyncing
# as they do by default, and drives both with the same load through the same load runner (`cairn bench kv`; etcd via
# `Cairn.Benchmarks etcd bench kv`, the dotnet-etcd client): 256-byte values over 1,000 keys, writes then linearizable
# reads, at 1, 16 and 64 concurrent closed-loop clients, each run BENCH_DURATION seconds, Cairn and etcd alternating,
# after an untimed warm-up of each cluster (Cairn's JIT compiles its hot paths; etcd is compiled ahead of time).
# Prints a table, one ratio line per level and operation (`ratio cairn/etcd writes 64 clients: 3.10`, Cairn's ops/s
# over etcd's), and the raw fsync latency of the disk the data lives on, measured in the same run (before the clusters
# start and after they stop), with the one-client write aim: p50 within 1.5 x (fsync p50 + one round trip).
#
# Environment: BENCH_DURATION (seconds per run, default 10), BENCH_CLIENTS (default "1 16 64"),
# BENCH_VALUE_SIZE (bytes, default 256), BENCH_WARMUP (seconds of untimed mixed load per cluster, default 10; 0: none),
# CAIRN_SERVER_FLAGS (extra `cairn server` flags, e.g. "--snapshot-count 100000"; default none: the defaults users get),
# BENCH_KEEP_LOGS=1 (copy the node logs to ./.cairn/bench-logs before cleanup),
# BENCH_LEADER=1|2|3 (before the runs, hand both clusters' leadership to member 1, 2 or 3 — `cairn leader transfer`,
# `etcdctl move-leader` — so that both sides' clients take the same path: a single client talks to member 1, so
# BENCH_LEADER=2 measures writes through a follower on both sides and BENCH_LEADER=1 writes at the leader; default:
# wherever the elections put them). Either way the report names each cluster's leader.
# Every process it starts is stopped and the temporary directory removed on exit, Ctrl+C included.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${BENCH_DURATION:-10}
levels=${BENCH_CLIENTS:-"1 16 64"}
value_size=${BENCH_VALUE_SIZE:-256}
warmup=${BENCH_WARMUP:-10}
read -r -a cairn_server_flags <<<"${CAIRN_SERVER_FLAGS:-}"
etcd_client_ports=(23791 23792 23793)
etcd_peer_ports=(23801 23802 23803)
cairn_client_ports=(7301 7302 7303)
cairn_peer_ports=(7401 7402 7403)

say() { printf '%s\n' "compare-etcd: $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------------------
need_packages=()
command -v etcd >/dev/null 2>&1 || need_packages+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need_packages+=(etcd-client)
command -v jq >/dev/null 2>&1 || need_packages+=(jq)
command -v curl >/dev/null 2>&1 || need_packages+=(curl)
if [ ${#need_packages[@]} -gt 0 ]; then
  say "installing ${need_packages[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_packages[@]}" >/dev/null; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_packages[@]}" >/dev/null
  fi
fi

# --- cleanup -----------------------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-vs-etcd.XXXXXX")
pids=()
stop_servers() {
  # SIGTERM first; whatever still runs 10 s later gets SIGKILL (and is named, since a server should stop on SIGTERM).
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-60)...) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_servers
  if [ "${BENCH_KEEP_LOGS:-0}" = 1 ] && [ -d "$work/logs" ]; then
    mkdir -p "$top/.cairn/bench-logs" && cp "$work"/logs/* "$top/.cairn/bench-logs/" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/logs"

# --- build -------------------------------------------------------------------------------------------------------------
# ./cairn builds the CLI on first use; the servers run from a private copy, so a rebuild by someone else mid-run cannot
# replace their files. The etcd side runs the same load runner from bench/Cairn.Benchmarks.
say "building the cairn CLI and bench/Cairn.Benchmarks (Release)"
"$top/cairn" --help >/dev/null
cp -r "$top/.cairn/bin" "$work/cairn-bin"
cairn=(dotnet "$work/cairn-bin/cairn.dll")
if ! dotnet build "$top/bench/Cairn.Benchmarks/Cairn.Benchmarks.csproj" -c Release -o "$work/bench-bin" -nologo -v q >"$work/logs/bench-build.log" 2>&1; then
  cat "$work/logs/bench-build.log" >&2
  exit 1
fi
bench=(dotnet "$work/bench-bin/Cairn.Benchmarks.dll")

# --- fsync: the disk's raw limit, before the clusters start ------------------------------------------------------------
say "measuring raw fsync latency in $work"
fsync_before=$("${bench[@]}" fsync-probe "$work/fsync" 1000)
rm -rf "$work/fsync"

# --- clusters ----------------------------------------------------------------------------------------------------------
etcd_cluster=""
cairn_cluster=""
for i in 0 1 2; do
  etcd_cluster+="${etcd_cluster:+,}e$((i + 1))=http://127.0.0.1:${etcd_peer_ports[$i]}"
  cairn_cluster+="${cairn_cluster:+,}n$((i + 1))=http://127.0.0.1:${cairn_peer_ports[$i]}"
done
etcd_endpoints=$(printf 'http://127.0.0.1:%s,' "${etcd_client_ports[@]}")
etcd_endpoints=${etcd_endpoints%,}
cairn_endpoints=$(printf 'http://127.0.0.1:%s,' "${cairn_client_ports[@]}")
cairn_endpoints=${cairn_endpoints%,}

say "starting etcd $(etcd --version | head -1 | awk '{print $3}') on $etcd_endpoints"
for i in 0 1 2; do
  name="e$((i + 1))"
  etcd --name "$name" --data-dir "$work/etcd/$name" \
    --listen-client-urls "http://127.0.0.1:${etcd_client_ports[$i]}" --advertise-client-urls "http://127.0.0.1:${etcd_client_ports[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" \
    --initial-cluster "$etcd_cluster" --initial-cluster-state new --initial-cluster-token cairn-bench \
    --logger zap --log-outputs stderr --log-level warn >"$work/logs/$name.log" 2>&1 &
  pids+=($!)
done

say "starting cairn on $cairn_endpoints"
for i in 0 1 2; do
  name="n$((i + 1))"
  "${cairn[@]}" server --name "$name" --data-dir "$work/cairn/$name" \
    --listen-client-urls "http://127.0.0.1:${cairn_client_ports[$i]}" --listen-peer-urls "http://127.0.0.1:${cairn_peer_ports[$i]}" \
    --initial-cluster "$cairn_cluster" --initial-cluster-state new "${cairn_server_flags[@]}" >"$work/logs/$name.log" 2>&1 &
  pids+=($!)
done

wait_until() { # seconds, description, command...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "$what not ready after the wait; logs:"
      tail -n 20 "$work"/logs/*.log >&2
      exit 1
    fi
    sleep 0.2
  done
}
cairn_ready() { for port in "${cairn_client_ports[@]}"; do curl -sf "http://127.0.0.1:$port/readyz" || return 1; done; }
wait_until 60 "etcd" env ETCDCTL_API=3 etcdctl --endpoints "$etcd_endpoints" endpoint health
wait_until 60 "cairn" cairn_ready
say "both clusters are up"

# Which member leads each cluster (1-based), and moving it, so that a one-client run compares the same path.
etcd_leader() {
  local line i=1
  for port in "${etcd_client_ports[@]}"; do
    line=$(ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$port" endpoint status -w simple)
    if [ "$(awk -F', ' '{ print $5 }' <<<"$line")" = true ]; then echo "$i"; return; fi
    i=$((i + 1))
  done
}
cairn_leader() { "${cairn[@]}" status --endpoints "$cairn_endpoints" -o json | jq -r '[.[] | .leader | select(. != null)][0] // "?"' | tr -d n; }
leads() { [ "$("$1"_leader)" = "$2" ]; } # cairn|etcd member
if [ -n "${BENCH_LEADER:-}" ]; then
  target=$((BENCH_LEADER - 1))
  say "handing leadership to member $BENCH_LEADER on both sides"
  if ! leads cairn "$BENCH_LEADER"; then
    "${cairn[@]}" leader transfer "n$BENCH_LEADER" --endpoints "$cairn_endpoints" >/dev/null
  fi
  etcd_target_id=$(ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:${etcd_client_ports[$target]}" endpoint status -w simple | awk -F', ' '{ print $2 }')
  current=$(etcd_leader)
  if [ "$current" != "$BENCH_LEADER" ]; then
    ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:${etcd_client_ports[$((current - 1))]}" move-leader "$etcd_target_id" >/dev/null
  fi
  wait_until 30 "cairn leadership on n$BENCH_LEADER" leads cairn "$BENCH_LEADER"
  wait_until 30 "etcd leadership on e$BENCH_LEADER" leads etcd "$BENCH_LEADER"
fi
leaders_before="cairn n$(cairn_leader), etcd e$(etcd_leader)"

# --- runs --------------------------------------------------------------------------------------------------------------
results="$work/results"
mkdir -p "$results"
run() { # target op clients [consistency]
  local target=$1 op=$2 clients=$3 consistency=${4:-linearizable} out="$results/$1-$2-$3${4:+-$4}.json"
  local flags=(bench kv --clients "$clients" --value-size "$value_size" --duration "${BENCH_RUN_DURATION:-$duration}" --op "$op" --consistency "$consistency" -o json)
  if [ "$target" = cairn ]; then
    "${cairn[@]}" "${flags[@]}" --endpoints "$cairn_endpoints" >"$out"
  else
    "${bench[@]}" etcd "${flags[@]}" --endpoints "$etcd_endpoints" >"$out"
  fi
}
if [ "$warmup" -gt 0 ]; then
  for target in cairn etcd; do
    say "$target warm-up: mixed, 16 clients, ${warmup} s (not reported)"
    BENCH_RUN_DURATION=$warmup run "$target" mixed 16 >/dev/null
  done
fi
for op in put get; do
  for clients in $levels; do
    for target in cairn etcd; do
      say "$target $op, $clients clients, ${duration} s"
      run "$target" "$op" "$clients"
    done
  done
done

# One HTTP round trip with no consensus in it (a stale read from one client), for the one-client write latency aim.
say "cairn stale get, 1 client, ${duration} s (round-trip reference)"
run cairn get 1 stale

leaders_after="cairn n$(cairn_leader), etcd e$(etcd_leader)"

# --- fsync again, with the clusters stopped ----------------------------------------------------------------------------
stop_servers
say "measuring raw fsync latency again"
fsync_after=$("${bench[@]}" fsync-probe "$work/fsync" 1000)
rm -rf "$work/fsync"

# --- report ------------------------------------------------------------------------------------------------------------
field() { jq -r ".$2" "$results/$1.json"; }
echo
echo "Cairn vs etcd $(etcd --version | head -1 | awk '{print $3}'): 3 nodes each on 127.0.0.1, ${value_size}-byte values, ${duration} s per run, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "leaders before the runs: $leaders_before; after: $leaders_after (client i talks to member 1 + i mod 3)"
echo
echo "| operation | clients | cairn ops/s | cairn p50 ms | cairn p99 ms | cairn errors | etcd ops/s | etcd p50 ms | etcd p99 ms | etcd errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for op in put get; do
  label=$([ "$op" = put ] && echo writes || echo "linearizable reads")
  for clients in $levels; do
    c="cairn-$op-$clients" e="etcd-$op-$clients"
    printf '| %s | %s | %.0f | %.2f | %.2f | %s | %.0f | %.2f | %.2f | %s |\n' "$label" "$clients" \
      "$(field "$c" opsPerSecond)" "$(field "$c" p50Ms)" "$(field "$c" p99Ms)" "$(field "$c" errors)" \
      "$(field "$e" opsPerSecond)" "$(field "$e" p50Ms)" "$(field "$e" p99Ms)" "$(field "$e" errors)"
  done
done
echo
for op in put get; do
  label=$([ "$op" = put ] && echo writes || echo reads)
  for clients in $levels; do
    ratio=$(jq -rn --slurpfile c "$results/cairn-$op-$clients.json" --slurpfile e "$results/etcd-$op-$clients.json" \
      'if $e[0].opsPerSecond > 0 then ($c[0].opsPerSecond / $e[0].opsPerSecond) else 0 end')
    printf 'ratio cairn/etcd %s %s clients: %.2f\n' "$label" "$clients" "$ratio"
  done
done
echo
echo "fsync (same disk, same run), before the clusters started:"
echo "$fsync_before"
echo "and after they stopped:"
echo "$fsync_after"
# Both WALs append to preallocated segments and use fdatasync, so that line is the floor for one durable write.
fsync_p50=$(awk '/preallocated file/ { for (i = 1; i < NF; i++) if ($i == "p50") print $(i + 1) }' <<<"$fsync_before"$'\n'"$fsync_after" | sort -n | tail -1)
round_trip_p50=$(field cairn-get-1-stale p50Ms)
first_level=${levels%% *}
if [ -f "$results/cairn-put-$first_level.json" ] && [ "$first_level" = 1 ]; then
  awk -v f="$fsync_p50" -v r="$round_trip_p50" -v w="$(field cairn-put-1 p50Ms)" 'BEGIN {
    printf "round trip (cairn stale read, 1 client): p50 %.3f ms\n", r
    printf "one-client write p50 %.3f ms vs 1.5 x (fsync p50 %.3f [preallocated, the larger of the two probes] + round trip %.3f) = %.3f ms: %s\n", w, f, r, 1.5 * (f + r), (w <= 1.5 * (f + r)) ? "within" : "over"
  }'
fi
