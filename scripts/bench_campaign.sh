#!/usr/bin/env bash
# Campaign throughput and dispatch capacity (docs/benchmarks.md).
# usage: bash scripts/bench_campaign.sh [BUILD_DIR] [COUNT] [WORK_DIR]
#   COUNT mock 256x256 cutouts (default 10000) are written once to WORK_DIR/mock (default
#   /tmp/isoster-bench), then fitted end to end (read, fit, write) as 1x1, 1x2 and 2x1
#   ranks x threads; then the master's dispatch rate with no-op fits on 1,000,000 catalog rows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
count=${2:-10000}
work=${3:-/tmp/isoster-bench}
isoster=$build/src/isoster
py=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
mkdir -p "$work"
cd "$work"
if [ ! -f "mock-$count/catalog.csv" ]; then
  echo "writing $count mock cutouts to $work/mock-$count ..." >&2
  "$isoster" mock --count "$count" --size 256 --seed 11 --out-dir "mock-$count" >/dev/null
fi
echo "| ranks x threads | cores used | wall s | galaxies/s | per core | read s | fit s | merge s | peak RSS per rank MB | bytes per galaxy |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for spec in 1:1 1:2 2:1; do
  n=${spec%:*} t=${spec#*:}
  out=r-$n-$t.h5
  rm -rf "$out" "$out.journal"
  sync
  start=$(date +%s.%N)
  mpirun --bind-to none -n "$n" /usr/bin/time -f "rss %M" "$isoster" campaign \
    --catalog "mock-$count/catalog.csv" --output "$out" --threads "$t" --progress 0 2> log-$n-$t
  end=$(date +%s.%N)
  "$py" - "$out" "log-$n-$t" "$start" "$end" "$n" "$t" "$count" <<'PY'
import os, re, sys
import h5py
out, log, start, end, n, t, count = sys.argv[1:]
wall = float(end) - float(start)
text = open(log).read()
rss = [int(x) / 1024 for x in re.findall(r"rss (\d+)", text)]
merge = float(re.search(r"merge ([0-9.]+) s", text).group(1))
with h5py.File(out, "r") as f:
    read = f["run/READ_TIME"][:].sum()
    fit = f["run/FIT_TIME"][:].sum() - read
    assert (f["galaxies/STATUS"][:] == 0).sum() > 0.9 * int(count)
cores = int(n) * int(t)
rate = int(count) / wall
print(f"| {n} x {t} | {cores} | {wall:.1f} | {rate:.0f} | {rate / cores:.0f} | {read:.1f} | "
      f"{fit:.1f} | {merge:.2f} | {' / '.join(f'{r:.0f}' for r in rss)} | "
      f"{os.path.getsize(out) / int(count):.0f} |")
PY
done
# Dispatch capacity: a catalog of 1,000,000 rows (never read), no-op fits on 2 ranks.
if [ ! -f noop.csv ]; then
  "$py" -c "
import sys
with open('noop.csv', 'w') as f:
    f.write('id,image\n')
    for k in range(1000000): f.write(f'g{k},none.fits\n')"
fi
for n in 2 4; do
  for b in 256 1; do
    mpirun --bind-to none -n "$n" "$isoster" campaign --catalog noop.csv --output noop.h5 \
      --threads 1 --dispatch-benchmark --batch-max "$b" 2>&1 | grep "no-op" |
      sed "s/^/$n ranks, batches of at most $b: /"
  done
done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
