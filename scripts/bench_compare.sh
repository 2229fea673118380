#!/usr/bin/env bash
# Benchmark isoster against photutils.isophote, whole-process wall time.
#
# usage: bash scripts/bench_compare.sh [BUILD_DIR] [REPEATS]   (defaults: build, 3)
#        BENCH_ONLY=synth_highsnr bash scripts/bench_compare.sh   (images whose path
#        contains the given text only)
#
# Measured per image, median of REPEATS runs, from process start to exit
# (interpreter start, imports, FITS I/O and the fit included):
#   isoster    BUILD_DIR/src/isoster fit IMG -o OUT --x0 --y0 --sma0 10 --eps 0.2
#              --pa 90 --threads 1 [--plane 1]
#   photutils  Debian python3-photutils (1.6) under /usr/bin/python3, and the
#              current release installed in ./.venv-bench, both through
#              scripts/bench_photutils.py (which also reports fit_image time alone).
# Missing Debian packages and the venv are installed on first use.
# Prints a Markdown table plus the CPU model and date.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build}")
repeats=${2:-3}
isoster=$build/src/isoster
[[ -x $isoster ]] || { echo "error: isoster binary not found at $isoster (build it first)" >&2; exit 1; }
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

missing=()
for p in python3-photutils python3-astropy python3-scipy python3-venv; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]} ..." >&2
  { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } >"$tmp/apt.log" 2>&1 ||
    { echo "error: apt-get install ${missing[*]} failed" >&2; exit 1; }
fi
venv=$root/.venv-bench
if ! "$venv/bin/python" -c 'import photutils.isophote, astropy, scipy' >/dev/null 2>&1; then
  echo "creating $venv (pip install photutils astropy numpy scipy) ..." >&2
  { /usr/bin/python3 -m venv "$venv" && "$venv/bin/pip" install -q photutils astropy numpy scipy; } >"$tmp/pip.log" 2>&1 ||
    { echo "error: creating $venv failed" >&2; exit 1; }
fi

/usr/bin/python3 - "$isoster" "$repeats" "$tmp" "$venv/bin/python" "${BENCH_ONLY:-}" <<'EOF'
import json, statistics, subprocess, sys, time
from astropy.io import fits

isoster, repeats, tmp, venv_py, only = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
images = [("tests/data/synth_highsnr.fits", None, 256, 256), ("tests/data/synth.fits", None, 256, 256),
          ("examples/data/M51.fits", None, 256, 256), ("examples/data/ngc3610.fits", 1, 128, 128),
          ("examples/data/eso243-49.fits", 1, 128, 128)]
images = [i for i in images if only in i[0]]
pys = ["/usr/bin/python3", venv_py]

def run(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode:
        sys.exit(f"error: {' '.join(cmd)} failed: {r.stderr.strip()[-500:]}")
    return dt, r.stdout

vers = []
for py in pys:  # warm the interpreters' imports (page cache, .pyc) outside the timings
    vers.append(run([py, "-c", "import photutils.isophote, astropy.io.fits, scipy.optimize, photutils; print(photutils.__version__)"])[1].strip())

rows = []
for img, plane, x0, y0 in images:
    pl = [] if plane is None else ["--plane", str(plane)]
    common = ["--x0", str(x0), "--y0", str(y0), "--sma0", "10", "--eps", "0.2"]
    out = f"{tmp}/isoster.fits"
    iso_t, py_t, py_fit, py_n = [], [[], []], [[], []], [0, 0]
    for _ in range(repeats):  # interleaved so that drift affects all three alike
        iso_t.append(run([isoster, "fit", img, "-o", out, *common, "--pa", "90", "--threads", "1", *pl])[0])
        for k, py in enumerate(pys):
            dt, so = run([py, "scripts/bench_photutils.py", img, *pl, *common, "--pa-deg", "90"])
            js = json.loads(so.strip().splitlines()[-1])
            py_t[k].append(dt); py_fit[k].append(js["fit_seconds"]); py_n[k] = js["isophotes"]
    iso_n = len(fits.getdata(out, "ISOPHOTES"))
    name = img.rsplit("/", 1)[1] + ("" if plane is None else f" [plane {plane}]")
    med = statistics.median
    rows.append((name, med(iso_t), iso_n, [med(t) for t in py_t], [med(f) for f in py_fit], py_n))

a, b = vers
print(f"| image | isoster process ms | isoster rows | photutils {a} process s (rows) | photutils {b} process s (rows) "
      f"| ratio {a}/isoster | ratio {b}/isoster | photutils {a} fit s | photutils {b} fit s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, it, iN, pt, pf, pn in rows:
    print(f"| {name} | {it*1e3:.1f} | {iN} | {pt[0]:.2f} ({pn[0]}) | {pt[1]:.2f} ({pn[1]}) "
          f"| {pt[0]/it:.3g} | {pt[1]/it:.3g} | {pf[0]:.2f} | {pf[1]:.2f} |")
EOF
echo
echo "Median of $repeats whole-process runs per cell (isoster --threads 1; photutils fit s: fit_image() alone)."
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); $("$isoster" --version 2>&1 | head -1)"
