#!/usr/bin/env bash
# isoster qa: the PNG exists, has the stated size (1400 x 1000) and is not blank; a missing table
# is one line on stderr and exit 1, with no figure written.
set -euo pipefail
build=$(realpath "$1")
data=$(realpath "$2")
isoster=$build/src/isoster
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$isoster" fit "$data/synth.fits" --x0 256 --y0 256 -o fit.fits -q
"$isoster" qa fit.fits --image "$data/synth.fits" -o qa.png >/dev/null
/usr/bin/python3 - <<'PY'
import matplotlib.image as im
a = im.imread("qa.png")
assert a.shape[:2] == (1000, 1400), a.shape
assert a.var() > 1e-3, a.var()
PY
rc=0
"$isoster" qa none.fits --image "$data/synth.fits" -o bad.png 2> err.log || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < err.log)" = 1 ] && [ ! -e bad.png ] || { cat err.log; exit 1; }
echo "ok: qa"
