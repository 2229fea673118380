#!/usr/bin/env bash
# Writes every kind of output isoster makes, from the bundled images and from mocks, into one
# folder, so that two builds (before and after a change that must not change results) can be
# compared bitwise with scripts/compare_snapshots.py:
#
#   bash scripts/snapshot_outputs.sh OLD_BUILD /tmp/snap-old
#   bash scripts/snapshot_outputs.sh build /tmp/snap-new
#   /usr/bin/python3 scripts/compare_snapshots.py /tmp/snap-old /tmp/snap-new
#
# Covered: fit tables (both conventions, every integrator, clipping, harmonics, eccentric and
# simultaneous modes, variance maps, fixed parameters, maxsma/maxrit, FITS/ECSV/CSV, multiband
# cubes), forced tables (template, fixed geometry, --no-gradient), model and residual images,
# 400 mock cutouts, and campaign files (cutouts on 1 and 2 ranks, a tile, forced mode, shards
# and their merge). MOCKS=N changes the number of mock cutouts (default 400).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "$1")
out=$(realpath -m "$2")
mocks=${MOCKS:-400}
iso=$build/src/isoster
[ -x "$iso" ] || { echo "error: no isoster binary in $build/src" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"/{fit,forced,model,mock,campaign}
cd "$out"
data=$root/tests/data
ex=$root/examples/data
export OMP_NUM_THREADS=1
fit() { "$iso" fit --quiet --threads 1 "$@"; }

# Fits of the IRAF reference images and the real galaxies, in both conventions.
for c in iraf photutils; do
  # photutils has no object locator: M51 needs its centre there.
  m51=()
  [ $c = photutils ] && m51=(--x0 256.5 --y0 257.5)
  fit "$data/synth_highsnr.fits" -o fit/synth_highsnr.$c.fits --compat $c --x0 256 --y0 256 \
    --pa 90
  fit "$data/synth.fits" -o fit/synth.$c.fits --compat $c --x0 256 --y0 256 --pa 90
  fit "$ex/M51.fits" "${m51[@]}" -o fit/M51.$c.fits --compat $c --harmonics 3,4,5,6
  fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.$c.fits --compat $c --harmonics 3,4,6,8
  fit "$ex/eso243-49.fits" --plane 1 -o fit/eso243-49.$c.fits --compat $c
  for integ in nearest mean median; do
    fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.$c.$integ.fits --compat $c \
      --integrator $integ --nclip 2 --sclip 2.5
  done
  fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.$c.eccentric.fits --compat $c \
    --sampling eccentric
  fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.$c.isofit.fits --compat $c \
    --simultaneous-harmonics --harmonics 3,4,5
  fit "$ex/eso243-49.fits" --plane 0 -o fit/eso243-49.$c.limits.fits --compat $c \
    --maxsma 60 --maxrit 40 --minsma 2 --linear-step --step 1.5 --no-fluxes
  fit "$ex/M51.fits" "${m51[@]}" -o fit/M51.$c.held.fits --compat $c --fix-center --fix-pa --maxsma 80 \
    --usclip 2 --lsclip 4 --nclip 3 --conver 0.03 --minit 6 --maxit 30 --fflag 0.4
done
fit "$ex/M51.fits" -o fit/M51.iraf.wander.fits --wander 0.2 --soft --maxgerr 0.3 --eps 0 \
  --grad-ref0 -0.1
fit "$ex/M51.fits" -o fit/M51.iraf.nolocator.fits --olthresh 0 --x0 250 --y0 255
fit "$ex/M51.fits" -o fit/M51.iraf.norecenter.fits --no-recenter --keep-center --x0 240 \
  --y0 240 --olthresh 30
fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.ecsv --format ecsv
fit "$ex/ngc3610.fits" --plane 1 -o fit/ngc3610.csv --format csv
fit "$ex/ngc3610.fits" --reference-plane 1 --all-planes -o fit/ngc3610.bands.fits
# A variance map: the image itself plus a floor (Poisson-like), as FITS written by astropy.
/usr/bin/python3 - "$ex/ngc3610.fits" <<'PY'
import sys
import numpy as np
from astropy.io import fits
cube = fits.getdata(sys.argv[1]).astype(np.float32)
var = np.abs(cube) * 0.01 + 1e-4
fits.writeto("fit/var.fits", var.astype(np.float32), overwrite=True)
mask = np.zeros(var.shape[1:], dtype=np.uint8)
mask[100:110, 60:90] = 1
fits.writeto("fit/mask.fits", mask, overwrite=True)
PY
fit "$ex/ngc3610.fits" --plane 1 --variance fit/var.fits -o fit/ngc3610.var.fits --harmonics 3,4,5
fit "$ex/ngc3610.fits" --plane 1 --weight fit/var.fits -o fit/ngc3610.weight.fits
fit "$ex/ngc3610.fits" --plane 1 --mask fit/mask.fits -o fit/ngc3610.mask.fits
printf 'sma0 = 12\neps = 0.3\npa = 40\nintegrator = mean\nnclip = 1\n' > fit/params.ini
fit "$ex/ngc3610.fits" --plane 2 --config fit/params.ini -o fit/ngc3610.ini.fits

# Forced photometry.
for c in iraf photutils; do
  "$iso" forced "$ex/ngc3610.fits" --plane 0 --template fit/ngc3610.$c.fits --compat $c \
    -o forced/ngc3610.$c.fits --threads 1 --harmonics 3,4,5 >/dev/null
  "$iso" forced "$ex/ngc3610.fits" --plane 2 --template fit/ngc3610.$c.fits --compat $c \
    --no-gradient -o forced/ngc3610.$c.nograd.fits --threads 2 >/dev/null
  "$iso" forced "$data/synth.fits" --geometry 256,256,0.2,45 --sma-range 0,300,2.5 \
    --compat $c -o forced/synth.$c.geometry.fits --threads 2 >/dev/null
done
"$iso" forced "$ex/ngc3610.fits" --plane 1 --template fit/ngc3610.var.fits \
  --variance fit/var.fits -o forced/ngc3610.var.fits --threads 1 >/dev/null
"$iso" forced "$ex/ngc3610.fits" --plane 1 --geometry 127,128,0.3,30 \
  --sma-list 0,1,3,10,40,120,200 --integrator median -o forced/ngc3610.median.ecsv \
  --format ecsv >/dev/null

# Model images.
for t in synth_highsnr.iraf ngc3610.iraf ngc3610.photutils M51.iraf; do
  case $t in
  synth*) like=$data/synth_highsnr.fits; plane=() ;;
  ngc*) like=$ex/ngc3610.fits; plane=(--plane 1) ;;
  M51*) like=$ex/M51.fits; plane=() ;;
  esac
  "$iso" model fit/$t.fits --like "$like" "${plane[@]}" -o model/$t.fits \
    --residual model/$t.res.fits --threads 2 >/dev/null
  "$iso" model fit/$t.fits --like "$like" "${plane[@]}" -o model/$t.harm.fits --harmonics \
    --threads 1 >/dev/null
done

# Mock cutouts and a tile, fitted one by one.
"$iso" mock --count "$mocks" --seed 7 --out-dir mock/m >/dev/null
"$iso" fit mock/m/cutouts/*.fits --output-dir mock/fits --quiet --threads 2
"$iso" mock --count 40 --tile 1024x1024 --seed 3 --out-dir mock/t >/dev/null

# Campaigns (results files; /run holds timings and is not compared).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
camp() { mpirun --bind-to none -n "$1" "$iso" campaign --quiet "${@:2}"; }
camp 1 --catalog mock/m/catalog.csv --output campaign/mock.1.h5 --threads 1
camp 2 --catalog mock/m/catalog.csv --output campaign/mock.2.h5 --threads 1 --compat photutils
camp 2 --catalog mock/t/catalog.csv --output campaign/tile.h5 --threads 1
camp 2 --catalog "$root/jobs/examples/catalog.csv" --config "$root/jobs/examples/campaign.ini" \
  --output campaign/examples.h5 --threads 1
{
  echo "id,image,plane,template"
  echo "g1,$ex/ngc3610.fits,0,../fit/ngc3610.iraf.fits"
  echo "g2,$ex/ngc3610.fits,2,../fit/ngc3610.iraf.fits"
  echo "e1,$ex/eso243-49.fits,0,../fit/eso243-49.iraf.fits"
} > campaign/forced.csv
camp 2 --catalog campaign/forced.csv --output campaign/forced.h5 --threads 1 \
  --forced-part-rows 16
for k in 0 1 2; do
  camp 1 --catalog mock/m/catalog.csv --output campaign/shard$k.h5 --threads 1 --shard $k/3
done
mpirun --bind-to none -n 2 "$iso" merge --quiet --output campaign/merged.h5 \
  campaign/shard0.h5 campaign/shard1.h5 campaign/shard2.h5
echo "snapshot of $("$iso" --version) in $out: $(find . -type f | wc -l) files"
