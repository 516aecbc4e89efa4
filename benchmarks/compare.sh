#!/usr/bin/env bash
# AioFile's engines vs fio and the JDK, all measured in this one run on the same files, printed as one table.
#
# Workloads (rows of the table are grouped by workload):
#   1. 4 KiB random reads, O_DIRECT, QD1        1 GiB file on disk ($BENCH_DIR)
#   2. 4 KiB random reads, O_DIRECT, QD32       same file
#   3. 4 KiB random reads, page-cache-hot, QD32 64 MiB file in $BENCH_HOT_DIR (tmpfs: the page cache itself)
#  3b. the same on a 64 MiB file in $BENCH_DIR, read once beforehand so the disk file system's page cache holds it.
#      Both kinds of hot file matter, and io_uring treats them differently: a file system that supports
#      non-blocking buffered reads (ext4, xfs, btrfs) has cached pages read inline, inside io_uring_enter; tmpfs
#      doesn't support it here (kernel 6.x), so io_uring hands every tmpfs read to its io-wq worker threads.
#   4. 128 KiB sequential reads, hot, QD4       same 64 MiB file
#   5. 4 KiB random writes, QD32 batches, each batch followed by syncData (fdatasync)   64 MiB file on disk
# Implementations: AioFile with IO_URING on an io_uring loop, IO_URING from an NIO loop (shared ring; buffered
# reads the page cache can serve are done on the NIO loop with preadv2(RWF_NOWAIT), the rest on the ring), the
# same with those inline reads off (-Dio.github.nettyaio.inlineCachedReads=false: every read crosses to the ring
# thread and back), POSIX_AIO (epoll loop), BLOCKING (epoll loop); fio with io_uring, posixaio and psync (same file, block size,
# queue depth; psync is synchronous, so QD1 whatever the row says); FileChannel positional I/O on one thread
# (QD1); AsynchronousFileChannel on the JDK's default pool and on a 2-thread pool.
# Columns: IOPS, MB/s (10^6 bytes), CPU seconds per million operations (all threads of the process: from
# /proc/self/stat for the JVM rows, after a 1 s warm-up; getrusage of the fio process for fio rows), and IOPS
# relative to fio io_uring in the same workload.
#
# Each (workload, implementation) is measured ROUNDS times, the rounds interleaved, and the median printed.
#
# Usage: benchmarks/compare.sh [seconds per run, default 5] [rounds, default 1]
# Environment: BENCH_DIR (default /var/tmp/nettyaio-bench: must be a real disk for O_DIRECT),
#              BENCH_HOT_DIR (default /dev/shm/nettyaio-bench), ONLY (a regex: run only matching workloads),
#              IMPLS (a regex: run only matching implementations), PIN (a CPU list for taskset: every run, fio
#              and JVM alike, is confined to those CPUs; e.g. PIN=0 on a VM whose disk interrupts all go to
#              CPU 1, where the scheduler otherwise tends to wake the submitting thread next to the interrupt
#              and the row measures that placement: see /proc/interrupts).
# Installs fio from Debian if missing. Never part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${2:-1}
DIR=${BENCH_DIR:-/var/tmp/nettyaio-bench}
HOT=${BENCH_HOT_DIR:-/dev/shm/nettyaio-bench}
ONLY=${ONLY:-.}
IMPLS=${IMPLS:-.}
PINNED=${PIN:+taskset -c $PIN}
mkdir -p "$DIR" "$HOT"

if ! command -v fio >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq fio) >/dev/null
fi

BIG=$DIR/direct-1g.bin
WR=$DIR/write-64m.bin
HOTF=$HOT/hot-64m.bin
HOTD=$DIR/hot-64m.bin
# Real data everywhere: a fallocated file's unwritten extents would be "read" without touching the disk.
[ -f "$BIG" ] && [ "$(stat -c %s "$BIG")" -eq $((1 << 30)) ] || dd if=/dev/urandom of="$BIG" bs=1M count=1024 status=none
[ -f "$WR" ] && [ "$(stat -c %s "$WR")" -eq $((64 << 20)) ] || dd if=/dev/urandom of="$WR" bs=1M count=64 status=none
[ -f "$HOTF" ] && [ "$(stat -c %s "$HOTF")" -eq $((64 << 20)) ] || dd if=/dev/urandom of="$HOTF" bs=1M count=64 status=none
[ -f "$HOTD" ] && [ "$(stat -c %s "$HOTD")" -eq $((64 << 20)) ] || dd if=/dev/urandom of="$HOTD" bs=1M count=64 status=none
cat "$HOTF" "$HOTD" > /dev/null
sync

# package, not install: the class path points into the modules' target/ (nothing is written to ~/.m2); every
# module of the reactor writes the file in turn, the benchmarks module (last) last.
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -pl benchmarks -am >/dev/null
CP=$(cat "$DIR/cp.txt"):benchmarks/target/classes

#          name                                kind      block   qd direct   file
WORKLOADS=("4K randread O_DIRECT QD1 1GiB|randread|4096|1|direct|$BIG"
           "4K randread O_DIRECT QD32 1GiB|randread|4096|32|direct|$BIG"
           "4K randread hot QD32 64MiB|randread|4096|32|buffered|$HOTF"
           "4K randread hot QD32 64MiB disk fs|randread|4096|32|buffered|$HOTD"
           "128K seqread hot QD4 64MiB|seqread|131072|4|buffered|$HOTF"
           "4K randwrite QD32 + syncData|randwrite|4096|32|buffered|$WR")
IMPL_LIST=("fio io_uring" "fio posixaio" "fio psync"
           "IO_URING, io_uring loop" "IO_URING, NIO loop (shared ring)" "IO_URING, NIO loop, ring only"
           "POSIX_AIO, epoll loop"
           "BLOCKING, epoll loop" "FileChannel (1 thread)" "AsynchronousFileChannel default"
           "AsynchronousFileChannel 2 threads")

# Prints "iops mbps cpu_s_per_Mop" for one fio run (CPU of fio's whole process tree: see fio-run.py).
run_fio() { # engine kind block qd direct file
  local rw=$2 extra=()
  case "$2" in
    seqread) rw=read ;;
    randwrite) extra=(--fdatasync="$4") ;;
  esac
  $PINNED python3 benchmarks/fio-run.py --name=cmp --filename="$6" --ioengine="$1" --iodepth="$4" --rw="$rw" --bs="$3" \
      --direct="$([ "$5" = direct ] && echo 1 || echo 0)" --runtime="$SECS" --time_based \
      --norandommap --randrepeat=0 "${extra[@]}" --output-format=json
}

# Prints "iops mbps cpu_s_per_Mop" for one FileBench run.
run_java() { # impl kind block qd direct file
  $PINNED java ${JOPTS:-} -XX:+UseParallelGC -Xmx1g -cp "$CP" io.github.nettyaio.benchmarks.FileBench "$1" "$2" "$3" "$4" "$5" "$6" "$SECS" 1 |
    python3 -c 'import sys; o,s,i,m,c=map(float,sys.stdin.read().split()); print("%.0f %.1f %.2f" % (i, m, c/(o/1e6)))'
}

run_impl() { # impl-name kind block qd direct file
  local name=$1; shift
  case "$name" in
    "fio io_uring") run_fio io_uring "$@" ;;
    "fio posixaio") run_fio posixaio "$@" ;;
    "fio psync") run_fio psync "$@" ;;
    "IO_URING, io_uring loop") run_java aio:IO_URING:io_uring "$@" ;;
    "IO_URING, NIO loop (shared ring)") run_java aio:IO_URING:nio "$@" ;;
    "IO_URING, NIO loop, ring only") JOPTS=-Dio.github.nettyaio.inlineCachedReads=false run_java aio:IO_URING:nio "$@" ;;
    "POSIX_AIO, epoll loop") run_java aio:POSIX_AIO:epoll "$@" ;;
    "BLOCKING, epoll loop") run_java aio:BLOCKING:epoll "$@" ;;
    "FileChannel (1 thread)") run_java jdk-fc "$@" ;;
    "AsynchronousFileChannel default") run_java jdk-afc "$@" ;;
    "AsynchronousFileChannel 2 threads") run_java jdk-afc2 "$@" ;;
  esac
}

declare -A RES
for r in $(seq "$ROUNDS"); do
  for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r wname kind block qd direct file <<<"$w"
    [[ "$wname" =~ $ONLY ]] || continue
    for impl in "${IMPL_LIST[@]}"; do
      [[ "$impl" =~ $IMPLS ]] || continue
      if out=$(run_impl "$impl" "$kind" "$block" "$qd" "$direct" "$file"); then
        RES["$wname|$impl"]+="$out;"
      else
        RES["$wname|$impl"]+="fail;"
      fi
      echo "round $r: $wname / $impl: $out" >&2
    done
  done
done

{
  for key in "${!RES[@]}"; do printf '%s\t%s\n' "$key" "${RES[$key]}"; done
} | python3 -c '
import statistics, sys
rows = {}
for line in sys.stdin:
    key, vals = line.rstrip("\n").split("\t")
    w, impl = key.split("|")
    runs = [tuple(map(float, v.split())) for v in vals.strip(";").split(";") if v and v != "fail"]
    rows.setdefault(w, {})[impl] = runs
order_w = sys.argv[1].split("|")
order_i = sys.argv[2].split("|")
print("%-34s %-34s %10s %9s %11s %9s  %s" % ("workload", "implementation", "IOPS", "MB/s", "CPU s/Mop", "vs fio_u", "runs (IOPS)"))
for w in order_w:
    if w not in rows:
        continue
    ref = rows[w].get("fio io_uring")
    ref_iops = statistics.median(r[0] for r in ref) if ref else None
    for i in order_i:
        runs = rows[w].get(i)
        if runs is None:
            continue
        if not runs:
            print("%-34s %-34s %10s" % (w, i, "failed"))
            continue
        iops = statistics.median(r[0] for r in runs)
        mbps = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        ratio = "%.2f" % (iops / ref_iops) if ref_iops else "-"
        print("%-34s %-34s %10.0f %9.1f %11.2f %9s  %s" % (w, i, iops, mbps, cpu, ratio, " ".join("%.0f" % r[0] for r in runs)))
    print()
' "$(IFS='|'; for w in "${WORKLOADS[@]}"; do echo -n "${w%%|*}|"; done | sed 's/|$//')" "$(IFS='|'; echo "${IMPL_LIST[*]}")"
