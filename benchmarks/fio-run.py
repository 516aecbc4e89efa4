#!/usr/bin/env python3
"""Runs fio (the arguments, which must include --output-format=json) and prints "iops mbps cpu_s_per_Mop".

CPU is that of the whole fio process tree (getrusage of the waited-for child: every thread, so glibc's AIO
threads and io_uring's io-wq workers count, as they do for the JVM rows of the comparison scripts), over the
whole run, divided by every operation of the run. Used by compare.sh and seed-vs-fio.sh.
"""
import json
import resource
import subprocess
import sys

before = resource.getrusage(resource.RUSAGE_CHILDREN)
out = subprocess.run(["fio"] + sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                     check=True).stdout.decode()
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
job = json.loads(out[out.index("{"):])["jobs"][0]  # synchronous engines print a note before the JSON
io = job["write"] if job["write"]["io_bytes"] > 0 else job["read"]
secs = job["job_runtime"] / 1000.0
ops = io["total_ios"]
print("%.0f %.1f %.2f" % (ops / secs, io["bw_bytes"] / 1e6, cpu / (ops / 1e6)))
