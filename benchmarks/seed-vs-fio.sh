#!/usr/bin/env bash
# Side-by-side, in one run on one page-cache-hot 64 MiB file: 4 KiB random reads at queue depth 32 through
# the seed layer (Aio + AioRead on one event loop, glibc POSIX AIO) vs fio --ioengine=posixaio.
# Each row is measured ROUNDS times, interleaved (fio, then each loop type, then again), and the median is
# printed, because a 2-core machine is noisy; every individual number is printed too.
#
# Usage: benchmarks/seed-vs-fio.sh [seconds per run, default 5] [rounds, default 3]
# The file lives in $BENCH_DIR (default /dev/shm/nettyaio-bench: tmpfs, i.e. the page cache itself; on this
# machine's ext4 root even cached 4 KiB reads ran at ~12k IOPS for fio's psync engine, which measures the
# disk layer rather than AIO). Installs fio from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${2:-3}
DIR=${BENCH_DIR:-/dev/shm/nettyaio-bench}
FILE=$DIR/hot-64m.bin
mkdir -p "$DIR"

if ! command -v fio >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq fio) >/dev/null
fi
[ -f "$FILE" ] || head -c $((64 << 20)) /dev/urandom > "$FILE"
cat "$FILE" > /dev/null

# package, not install: the class path points into the modules' target/ (nothing is written to ~/.m2); every
# module of the reactor writes the file in turn, the benchmarks module (last) last.
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -pl benchmarks -am >/dev/null
CP=$(cat "$DIR/cp.txt"):benchmarks/target/classes

declare -A IOPS CPU
run_fio() { # "iops cpu_s_per_Mop"; CPU of fio's whole process tree, as for the JVM rows (see fio-run.py)
  python3 benchmarks/fio-run.py --name=seed --filename="$FILE" --ioengine=posixaio --iodepth=32 --rw=randread \
      --bs=4k --size=64M --runtime="$SECS" --time_based --direct=0 --output-format=json | cut -d' ' -f1,3
}
run_ours() {
  java -cp "$CP" io.github.nettyaio.benchmarks.AioRandomRead "$FILE" 4096 32 "$SECS" "$1" |
    python3 -c 'import sys; o,s,i,c=map(float,sys.stdin.read().split()); print("%.0f %.3f" % (i, c/(o/1e6)))'
}
ROWS=("fio posixaio" "Aio+AioRead, epoll loop" "Aio+AioRead, nio loop" "Aio+AioRead, io_uring loop")
for r in $(seq "$ROUNDS"); do
  read -r i c < <(run_fio); IOPS["fio posixaio"]+="$i "; CPU["fio posixaio"]+="$c "
  for loop in epoll nio io_uring; do
    read -r i c < <(run_ours "$loop"); IOPS["Aio+AioRead, $loop loop"]+="$i "; CPU["Aio+AioRead, $loop loop"]+="$c "
  done
done
median() { python3 -c 'import sys,statistics; print("%.1f" % statistics.median(map(float,sys.argv[1:])))' $1; }
FIO=$(median "${IOPS[fio posixaio]}")
printf '%-30s %10s %8s %12s   %s\n' "4K randread QD32 hot 64MiB" "IOPS(med)" "vs fio" "CPU s/Mop" "all runs (IOPS)"
for row in "${ROWS[@]}"; do
  m=$(median "${IOPS[$row]}")
  printf '%-30s %10.0f %8.2f %12s   %s\n' "$row" "$m" "$(python3 -c "print($m/$FIO)")" "$(median "${CPU[$row]}")" "${IOPS[$row]}"
done
