#!/usr/bin/env bash
# HttpFileServer over HTTPS, ChunkedAioFile (default) vs Netty's blocking ChunkedFile (--chunked-file), in one run:
#   1. throughput on page-cache-hot 1 MiB files (wrk, several connections, random file per request);
#   2. p99 latency of small requests (a second wrk) while large page-cache-cold files stream on other
#      connections of the same event loop -- where ChunkedFile's blocking reads stall everything on the loop.
# The cold files are evicted from the page cache (posix_fadvise DONTNEED) before each cold run; if that fails,
# the cold rows are marked "(caches not dropped)" and mean little. A virtual machine's disk is often
# cached by its host, so "cold" reads would still take microseconds: where the blkio cgroup controller (v1) or
# io.max (v2) can be used (root), the server runs in a cgroup that throttles reads from the bench directory's
# disk to $COLD_MBPS MB/s (default 40), i.e. a slow disk, real block-layer delays; rows say which.
# Each server runs with ONE event loop (--threads 1) so both modes use a loop the same way; wrk talks to
# 127.0.0.1 only. The hot case is measured SIDE BY SIDE: both servers run at once, each loaded by its own wrk
# (CONNS/2 connections each) over the same seconds, so both see the same machine (this VM's speed swings by
# more than 30% from minute to minute, which made modes measured one after the other incomparable); with the two
# loops and two clients sharing the cores, each server's rate follows its CPU cost per request. The two swap
# ports every round. The cold case runs one mode at a time (the other server idle): it measures latency under
# one server's cold transfers. ROUNDS (default 3) rounds: about 1.5 minutes a round.
#
# Usage: benchmarks/http-vs-chunkedfile.sh [seconds per run, default 10]
# Env: BENCH_DIR (default /tmp/nettyaio-http-bench: must be on a real disk, not tmpfs, for the cold case),
#      CONNS (hot-case connections in all, half per server, default 16), ENGINE (AioEngine for ChunkedAioFile, default auto),
#      ROUNDS (default 3), COLD_MBPS (read throttle for the cold case, default 40), WARMUP (seconds of the hot
#      workload run before it is measured, default 12; then 5 s more on new connections).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
DIR=${BENCH_DIR:-/tmp/nettyaio-http-bench}
CONNS=${CONNS:-16}
ENGINE=${ENGINE:-auto}
COLD_MBPS=${COLD_MBPS:-40}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-12}
PORT=18443
PORT2=18444
HOT_FILES=64          # x 1 MiB
COLD_FILES=24         # x 128 MiB, zero-filled (real blocks on disk)

if ! command -v wrk >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi
mkdir -p "$DIR/hot" "$DIR/cold"
for i in $(seq 0 $((HOT_FILES - 1))); do
  [ -f "$DIR/hot/f$i.bin" ] || head -c $((1 << 20)) /dev/urandom > "$DIR/hot/f$i.bin"
done
for i in $(seq 0 $((COLD_FILES - 1))); do
  [ -f "$DIR/cold/f$i.bin" ] || dd if=/dev/zero of="$DIR/cold/f$i.bin" bs=1M count=128 status=none
done
head -c 1024 /dev/urandom > "$DIR/small.bin"
cat "$DIR"/hot/*.bin "$DIR/small.bin" > /dev/null

mvn -B -q -DskipTests package -pl netty-aio-examples -am
JAR=netty-aio-examples/target/netty-aio-examples.jar

# wrk scripts: a random file of a set per request, and a machine-readable summary line.
LUA=$DIR/lua; mkdir -p "$LUA"
summary='done = function(s, lat, req)
  io.write(string.format("RESULT %.1f %.1f %.2f %.2f %d\n", s.requests / (s.duration / 1e6),
    s.bytes / (s.duration / 1e6) / 1048576, lat:percentile(50) / 1000, lat:percentile(99) / 1000,
    s.errors.connect + s.errors.read + s.errors.write + s.errors.status + s.errors.timeout))
end'
for set in hot:$HOT_FILES cold:$COLD_FILES; do
  name=${set%%:*}; n=${set##*:}
  printf 'request = function() return wrk.format("GET", "/%s/f" .. math.random(0, %d) .. ".bin") end\n%s\n' \
    "$name" $((n - 1)) "$summary" > "$LUA/$name.lua"
done
echo "$summary" > "$LUA/small.lua"

# A cgroup that throttles reads from the bench directory's disk (blkio v1, or io.max on v2); empty if none.
CG=
THROTTLE="not throttled"
setup_throttle() {
  local src dev majmin
  src=$(findmnt -no SOURCE -T "$DIR" 2>/dev/null | head -1) || return 0
  dev=$(lsblk -dno PKNAME "$src" 2>/dev/null | head -1); [ -n "$dev" ] && src=/dev/$dev
  majmin=$(lsblk -dno MAJ:MIN "$src" 2>/dev/null | tr -d ' ') || return 0
  [ -n "$majmin" ] || return 0
  if [ -f /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device ]; then
    CG=/sys/fs/cgroup/blkio/nettyaio-bench
    mkdir -p "$CG" 2>/dev/null && echo "$majmin $((COLD_MBPS * 1000000))" > "$CG/blkio.throttle.read_bps_device" 2>/dev/null \
      && THROTTLE="reads throttled to $COLD_MBPS MB/s (blkio)" || CG=
  elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw io /sys/fs/cgroup/cgroup.controllers; then
    CG=/sys/fs/cgroup/nettyaio-bench
    echo +io > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
    mkdir -p "$CG" 2>/dev/null && echo "$majmin rbps=$((COLD_MBPS * 1000000))" > "$CG/io.max" 2>/dev/null \
      && THROTTLE="reads throttled to $COLD_MBPS MB/s (io.max)" || CG=
  fi
}
setup_throttle

SERVER_PIDS=()
start_server() {  # $1: extra flags, $2: port, $3: log
  java -jar "$JAR" --dir "$DIR" --http-port -1 --https-port "$2" --threads 1 --engine "$ENGINE" --quiet $1 \
    > "$3" 2>&1 &
  local pid=$!
  SERVER_PIDS+=("$pid")
  if [ -n "$CG" ]; then echo "$pid" > "$CG/cgroup.procs" 2>/dev/null || echo "$pid" > "$CG/tasks"; fi
  for _ in $(seq 100); do
    grep -q "https://" "$3" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$3"; echo "server did not start" >&2; exit 1
}
stop_servers() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
cleanup() { stop_servers; [ -n "$CG" ] && rmdir "$CG" 2>/dev/null; true; }
trap cleanup EXIT
result() { grep '^RESULT' | cut -d' ' -f2-; }
# Evicts only the cold set from the page cache (posix_fadvise DONTNEED on each file). Dropping every cache
# (/proc/sys/vm/drop_caches) would also evict the JVM's own jars and lib/modules, and the server would then stall
# on throttled page faults of its own code, whichever way it serves files.
drop_caches() {
  sync
  if python3 -c 'import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$DIR"/cold/*.bin 2>/dev/null
  then echo ""; else echo " (caches not dropped)"; fi
}

# ROUNDS rounds, both modes in each (hot side by side); every row printed, then the median of each column.
declare -A NOTE PORT_OF
ROWS=$DIR/rows.txt; : > "$ROWS"
HALF=$(( (CONNS + 1) / 2 ))
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then PORT_OF[ChunkedAioFile]=$PORT; PORT_OF[ChunkedFile]=$PORT2
  else PORT_OF[ChunkedAioFile]=$PORT2; PORT_OF[ChunkedFile]=$PORT; fi
  start_server "" "${PORT_OF[ChunkedAioFile]}" "$DIR/server-aio.log"
  start_server "--chunked-file" "${PORT_OF[ChunkedFile]}" "$DIR/server-cf.log"
  for mode in ChunkedAioFile ChunkedFile; do           # warm-up (JIT, TLS sessions)
    wrk -t1 -c4 -d2s "https://127.0.0.1:${PORT_OF[$mode]}/small.bin" > /dev/null
  done
  # Warm-up of the measured path itself: on 2 cores the JIT compiles the large-response path for about 10 s,
  # competing with servers and clients for the CPUs; measured before it settles, the hot row measured warm-up.
  # Then a second, short warm-up on new connections: the first connections' closing and the new handshakes take
  # paths the JIT hasn't seen, which load classes and deoptimise the hot methods; with -XX:+PrintCompilation,
  # the first 5 s after a 20 s warm-up still logged 564 compilations (219 methods made not entrant) and served 20%
  # fewer requests, the next 5 s 217, the 10 s after that 149 at full rate.
  declare -A HOT_PID
  for phase in warm rewarm measure; do
    for mode in ChunkedAioFile ChunkedFile; do
      if [ $phase = warm ]; then
        wrk -t1 -c"$HALF" -d"${WARMUP}s" -s "$LUA/hot.lua" "https://127.0.0.1:${PORT_OF[$mode]}" > /dev/null &
      elif [ $phase = rewarm ]; then
        wrk -t1 -c"$HALF" -d5s -s "$LUA/hot.lua" "https://127.0.0.1:${PORT_OF[$mode]}" > /dev/null &
      else
        wrk -t1 -c"$HALF" -d"${SECS}s" --latency -s "$LUA/hot.lua" "https://127.0.0.1:${PORT_OF[$mode]}" \
          | result > "$DIR/hot-$mode.txt" &
      fi
      HOT_PID[$mode]=$!
    done
    wait "${HOT_PID[ChunkedAioFile]}" "${HOT_PID[ChunkedFile]}"
  done
  for mode in ChunkedAioFile ChunkedFile; do
    port=${PORT_OF[$mode]}
    NOTE[$mode]=$(drop_caches)
    wrk -t1 -c4 -d"${SECS}s" --timeout 30s -s "$LUA/cold.lua" "https://127.0.0.1:$port" | result > "$DIR/cold-big.txt" &
    BIG=$!
    small=$(wrk -t1 -c4 -d"${SECS}s" --timeout 30s -s "$LUA/small.lua" "https://127.0.0.1:$port/small.bin" | result)
    wait $BIG
    echo "$mode $round $(cat "$DIR/hot-$mode.txt") $(cat "$DIR/cold-big.txt") $small" >> "$ROWS"
  done
  stop_servers
done

echo
echo "HttpFileServer over HTTPS, one event loop per server, ${SECS}s per run, $ROUNDS round(s) (hot: both servers at" \
  "once, $HALF connections each), $(nproc) cores;" \
  "engine $ENGINE; cold: $THROTTLE${NOTE[ChunkedAioFile]}"
python3 - "$ROWS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
# mode round | hot: req/s MiB/s p50 p99 err | big: req/s MiB/s p50 p99 err | small: req/s MiB/s p50 p99 err
cols = [("req/s", 2), ("MiB/s", 3), ("p50 ms", 4), ("p99 ms", 5), ("big MiB/s", 8), ("small p50", 14), ("small p99", 15)]
print("%-16s %5s | %9s %9s %8s %8s | %9s %10s %10s %6s" % (("mode", "round") + tuple(c for c, _ in cols) + ("errors",)))
def line(mode, rnd, vals, errs):
    print("%-16s %5s | %9s %9s %8s %8s | %9s %10s %10s %6s" % ((mode, rnd) + tuple(vals) + (errs,)))
for r in rows:
    line(r[0], r[1], [r[i] for _, i in cols], int(r[6]) + int(r[11]) + int(r[16]))
med = {}
for mode in ("ChunkedAioFile", "ChunkedFile"):
    rs = [r for r in rows if r[0] == mode]
    med[mode] = [statistics.median(float(r[i]) for r in rs) for _, i in cols]
    line(mode, "med", ["%.2f" % v for v in med[mode]], sum(int(r[6]) + int(r[11]) + int(r[16]) for r in rs))
a, f = med["ChunkedAioFile"], med["ChunkedFile"]
pairs = {}
for r in rows:
    pairs.setdefault(r[1], {})[r[0]] = float(r[2])
per_round = " ".join("%.2f" % (p["ChunkedAioFile"] / p["ChunkedFile"]) for _, p in sorted(pairs.items())
                     if len(p) == 2 and p["ChunkedFile"] > 0)
print("ChunkedAioFile / ChunkedFile: hot req/s %.2fx (per round: %s); cold small-request p99 %.3fx"
      % (a[0] / f[0] if f[0] else float("nan"), per_round, a[6] / f[6] if f[6] else float("nan")))
PY
