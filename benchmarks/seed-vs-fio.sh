#!/usr/bin/env bash
# Side-by-side, in one run on one page-cache-hot 64 MiB file: 4 KiB random reads at queue depth 32 through
# the seed layer (Aio + AioRead on one event loop, glibc POSIX AIO) vs fio --ioengine=posixaio.
# Usage: benchmarks/seed-vs-fio.sh [seconds per run, default 10]   (installs fio from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
DIR=${BENCH_DIR:-$PWD/benchmarks/target/data}
FILE=$DIR/hot-64m.bin
mkdir -p "$DIR"

if ! command -v fio >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq fio) >/dev/null
fi
[ -f "$FILE" ] || head -c $((64 << 20)) /dev/urandom > "$FILE"
cat "$FILE" > /dev/null   # page-cache hot

mvn -B -q -DskipTests install -pl benchmarks -am
mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" >/dev/null
CP=$(cat "$DIR/cp.txt"):benchmarks/target/classes

fio_iops() {
  fio --name=seed --filename="$FILE" --ioengine=posixaio --iodepth=32 --rw=randread --bs=4k \
      --size=64M --runtime="$SECS" --time_based --direct=0 --output-format=json 2>/dev/null |
    python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print("%.0f %.2f" % (j["read"]["iops"], j["usr_cpu"]/100*j["elapsed"] + j["sys_cpu"]/100*j["elapsed"]))'
}

printf '%-34s %12s %10s %14s\n' "4 KiB randread QD32, hot 64 MiB" "IOPS" "vs fio" "CPU s / Mop"
read -r FIO FIOCPU < <(fio_iops)
printf '%-34s %12s %10s %14s\n' "fio posixaio" "$FIO" "1.00" "$(python3 -c "print('%.1f' % ($FIOCPU/($FIO*$SECS/1e6)))")"
for loop in epoll nio io_uring; do
  read -r OPS S IOPS CPU < <(java -cp "$CP" io.github.nettyaio.benchmarks.AioRandomRead "$FILE" 4096 32 "$SECS" "$loop")
  printf '%-34s %12s %10s %14s\n' "netty-aio Aio+AioRead ($loop loop)" "$IOPS" \
    "$(python3 -c "print('%.2f' % ($IOPS/$FIO))")" "$(python3 -c "print('%.1f' % ($CPU/($OPS/1e6)))")"
done
