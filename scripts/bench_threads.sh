#!/usr/bin/env bash
# Benchmark isoster's image-level threading: one process fitting many images.
#
# usage: bash scripts/bench_threads.sh [BUILD_DIR] [COPIES]   (defaults: build, 16)
#
# Links COPIES images (tests/data/synth_highsnr.fits and examples/data/M51.fits,
# alternating) into a temp dir and times, from process start to exit (median of 3),
#   isoster fit <all> --output-dir OUT --threads T --x0 256 --y0 256 --pa 90
# for T = 1 and 2.  Prints images/s and the speed-up as a Markdown table, then
# checks that both runs wrote identical tables (column by column, so header
# keywords such as DATE or CHECKSUM do not count).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build}")
copies=${2:-16}
isoster=$build/src/isoster
[[ -x $isoster ]] || { echo "error: isoster binary not found at $isoster (build it first)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
srcs=("$root/tests/data/synth_highsnr.fits" "$root/examples/data/M51.fits")
for ((i = 0; i < copies; i++)); do
  s=${srcs[i % 2]}
  ln -s "$s" "$tmp/in/$(printf '%03d' "$i")_$(basename "$s")"
done

/usr/bin/python3 - "$isoster" "$tmp" <<'EOF'
import glob, os, statistics, subprocess, sys, time
import numpy as np
from astropy.io import fits

isoster, tmp = sys.argv[1], sys.argv[2]
imgs = sorted(glob.glob(f"{tmp}/in/*.fits"))
res = {}
for threads in (1, 2):
    out = f"{tmp}/out{threads}"
    cmd = [isoster, "fit", *imgs, "--output-dir", out, "--threads", str(threads),
           "--x0", "256", "--y0", "256", "--pa", "90"]
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        ts.append(time.perf_counter() - t0)
        if r.returncode:
            sys.exit(f"error: isoster --threads {threads} failed: {r.stderr.strip()[-500:]}")
    res[threads] = statistics.median(ts)

print("| threads | images | process s | images/s | speed-up |")
print("|---:|---:|---:|---:|---:|")
for t, s in res.items():
    print(f"| {t} | {len(imgs)} | {s:.3f} | {len(imgs) / s:.1f} | {res[1] / s:.2f} |")

def first_difference():
    names = sorted(os.listdir(f"{tmp}/out1"))
    if names != sorted(os.listdir(f"{tmp}/out2")) or len(names) != len(imgs):
        return "different sets of output files"
    for n in names:
        a = fits.getdata(f"{tmp}/out1/{n}", "ISOPHOTES")
        b = fits.getdata(f"{tmp}/out2/{n}", "ISOPHOTES")
        if a.dtype.names != b.dtype.names or len(a) != len(b):
            return f"{n}: columns or row counts differ"
        for c in a.dtype.names:
            x, y = np.asarray(a[c]), np.asarray(b[c])
            same = (x == y) | (np.isnan(x) & np.isnan(y)) if x.dtype.kind == "f" else x == y
            if not same.all():
                k = int(np.argmin(same))
                return f"{n}: column {c} row {k}: {x[k]!r} vs {y[k]!r}"
    return None

d = first_difference()
print()
print("Output tables, --threads 1 vs 2: " + ("identical" if d is None else f"differ, first at {d}"))
EOF
echo "Median of 3 whole-process runs; CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); $("$isoster" --version 2>&1 | head -1)"
