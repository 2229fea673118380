#!/usr/bin/env bash
# End-to-end tests of `isoster campaign` under mpirun (ctest label mpi).
# usage: campaign_test.sh CASE BUILD_DIR
#   ranks      1/2/3/4 ranks x 1/2 threads give identical /galaxies and /isophotes
#   badrows    bad catalog rows are recorded with their status, the campaign goes on
#   kill9      SIGKILL of every process mid-run, then --resume: equals the uninterrupted run
#   drain      SIGUSR1 (SLURM's warning) and SIGTERM drain: exit 3, resumable, then equal
#   malformed  malformed catalogs and changed configurations are refused before any work
#   tile       many rows on one large image (tile mode): results independent of the rank count
#   forced     forced photometry on templates, split into ranges over ranks and stitched back
#   variance   weighted fits from the catalog's variance column
#   reader     the file reads with h5py as docs/output-format.md describes
#   shards     --shard K/N files joined by isoster merge equal the unsharded run; unfinished,
#              foreign and duplicate shards are refused; --expect-ranks refuses a wrong world
set -euo pipefail
case_name=$1
build=$(realpath "$2")
isoster=$build/src/isoster
here=$(cd "$(dirname "$0")" && pwd)
# Debian's interpreter: python3-h5py and python3-astropy are installed for it.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
export OMP_NUM_THREADS=1
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
run() { mpirun --bind-to none -n "$1" "$isoster" campaign "${@:2}"; }
same() {  # same science datasets in two result files
  h5diff -q "$1" "$2" /galaxies /galaxies || fail "/galaxies differ: $1 $2"
  h5diff -q "$1" "$2" /isophotes /isophotes || fail "/isophotes differ: $1 $2"
}
# Every process of an mpirun job: mpirun itself and its children (the ranks), by PID.
job_pids() { echo "$1"; ps -o pid= --ppid "$1" 2>/dev/null || true; }

case $case_name in
ranks)
  "$isoster" mock --count 24 --size 96 --seed 5 --out-dir m >/dev/null
  run 1 --catalog m/catalog.csv --output ref.h5 --threads 1 --quiet
  for spec in 2:1 3:1 4:1 1:2 2:2; do
    n=${spec%:*} t=${spec#*:}
    run "$n" --catalog m/catalog.csv --output "r$n-$t.h5" --threads "$t" --quiet
    same ref.h5 "r$n-$t.h5"
    h5dump -a /ranks "r$n-$t.h5" | grep -q "(0): $n\$" || fail "ranks attribute of r$n-$t.h5"
  done
  # More ranks than galaxies: some ranks write nothing (empty selections in the collective writes).
  "$isoster" mock --count 3 --size 64 --seed 6 --out-dir small >/dev/null
  run 1 --catalog small/catalog.csv --output s1.h5 --threads 1 --quiet
  run 4 --catalog small/catalog.csv --output s4.h5 --threads 1 --quiet
  same s1.h5 s4.h5
  # A plain run without mpirun is a one-rank world.
  "$isoster" campaign --catalog m/catalog.csv --output plain.h5 --threads 1 --quiet
  same ref.h5 plain.h5
  ;;
badrows)
  "$isoster" mock --count 3 --size 64 --seed 2 --out-dir m >/dev/null
  printf 'SIMPLE  =                    T\n' > m/corrupt.fits
  "$py" - <<'PY'
import numpy as np
from astropy.io import fits
fits.writeto('m/nan.fits', np.full((40, 40), np.nan, dtype=np.float32), overwrite=True)
PY
  cat > m/bad.csv <<'CSV'
id,image,x,y,eps
good0,cutouts/gal-000000.fits,32,32,
missing,cutouts/none.fits,32,32,
corrupt,corrupt.fits,,,
nan,nan.fits,,,
outside,cutouts/gal-000001.fits,500,20,
badeps,cutouts/gal-000001.fits,32,32,1.5
good0,cutouts/gal-000002.fits,32,32,
good2,cutouts/gal-000002.fits,31,32,
CSV
  run 2 --catalog m/bad.csv --output bad.h5 --threads 1 --quiet || fail "campaign with bad rows exited $?"
  "$py" - <<'PY'
import h5py
f = h5py.File('bad.h5', 'r')
g = f['galaxies']
status = list(g['STATUS'][:])
ids = [s.decode() for s in g['ID'][:]]
assert ids == ['good0', 'missing', 'corrupt', 'nan', 'outside', 'badeps', 'good0', 'good2'], ids
assert status == [0, 1, 1, 4, 3, 2, 7, 0], status
msgs = [m.decode() for m in g['MESSAGE'][:]]
assert all(msgs[k] for k in (1, 2, 3, 4, 5, 6)) and not msgs[0], msgs
assert g['COUNT'][0] > 0 and g['COUNT'][1] == 0 and g['OFFSET'][1] == -1
print('statuses', status)
PY
  ;;
kill9)
  "$isoster" mock --count 400 --size 128 --seed 7 --out-dir m >/dev/null
  run 1 --catalog m/catalog.csv --output ref.h5 --threads 2 --quiet
  mpirun --bind-to none -n 2 "$isoster" campaign --catalog m/catalog.csv --output out.h5 \
    --threads 1 --quiet &
  job=$!
  pids+=("$job")
  for _ in $(seq 1 100); do  # until some work is journaled
    [ -n "$(find out.h5.journal -name 'rank-*' -size +20k 2>/dev/null)" ] && break
    sleep 0.05
  done
  kill -KILL $(job_pids "$job") 2>/dev/null || true
  wait "$job" 2>/dev/null || true
  [ ! -e out.h5 ] || fail "killed run left a results file"
  [ -d out.h5.journal ] || fail "no journal after the kill"
  run 2 --catalog m/catalog.csv --output out.h5 --threads 1 --resume 2> resume.log ||
    fail "resume exited $?"
  grep -q "already done" resume.log || fail "resume redid everything: $(cat resume.log)"
  cat resume.log
  same ref.h5 out.h5
  [ ! -d out.h5.journal ] || fail "journal left after the merge"
  ;;
drain)
  "$isoster" mock --count 400 --size 128 --seed 8 --out-dir m >/dev/null
  run 1 --catalog m/catalog.csv --output ref.h5 --threads 2 --quiet
  for sig in USR1 TERM; do
    rm -rf out.h5 out.h5.journal
    mpirun --bind-to none -n 2 "$isoster" campaign --catalog m/catalog.csv --output out.h5 \
      --threads 1 --quiet &
    job=$!
    pids+=("$job")
    for _ in $(seq 1 100); do
      [ -n "$(find out.h5.journal -name 'rank-*' -size +20k 2>/dev/null)" ] && break
      sleep 0.05
    done
    # SIGUSR1 through mpirun (it forwards it); SIGTERM to the ranks themselves (mpirun would
    # report 1 whatever the ranks do).
    if [ "$sig" = USR1 ]; then kill -USR1 "$job"; else kill -TERM $(ps -o pid= --ppid "$job"); fi
    rc=0
    wait "$job" || rc=$?
    if [ "$sig" = USR1 ]; then [ "$rc" = 3 ] || fail "drain by $sig exited $rc, not 3"; fi
    [ -f out.h5.journal/drained ] || fail "no drained marker after $sig"
    [ ! -e out.h5 ] || fail "drained run wrote a results file"
    run 2 --catalog m/catalog.csv --output out.h5 --threads 1 --resume --quiet ||
      fail "resume after $sig exited $?"
    same ref.h5 out.h5
  done
  ;;
malformed)
  "$isoster" mock --count 2 --size 64 --seed 1 --out-dir m >/dev/null
  check_refused() {  # CATALOG_TEXT EXPECTED_MESSAGE_PART
    printf '%b' "$1" > m/c.csv
    rc=0
    run 2 --catalog m/c.csv --output x.h5 --quiet 2> err.log || rc=$?
    [ "$rc" = 1 ] || fail "catalog '$1' exited $rc"
    [ "$(grep -c error err.log)" -ge 1 ] && grep -q "$2" err.log || fail "message: $(cat err.log)"
    [ ! -e x.h5 ] && [ ! -e x.h5.journal ] || fail "refused catalog left files"
  }
  check_refused 'mock0,cutouts/gal-000000.fits\n' "unknown column 'mock0'"
  check_refused 'id,x,y\nmock0,1,2\n' "required columns"
  check_refused 'image\ncutouts/gal-000000.fits\n' "required columns"
  check_refused 'id,image,x,y\nmock0,cutouts/gal-000000.fits,abc,3\n' "is not a number"
  # --resume with another configuration or catalog is refused.
  mpirun --bind-to none -n 1 "$isoster" campaign --catalog m/catalog.csv --output r.h5 \
    --quiet --stop-file m/catalog.csv 2>/dev/null && fail "stop-file run did not drain" || true
  [ -f r.h5.journal/manifest ] || fail "no manifest"
  rc=0
  run 1 --catalog m/catalog.csv --output r.h5 --resume --maxit 60 2> err.log || rc=$?
  [ "$rc" = 1 ] && grep -q "configuration differs" err.log || fail "changed config: $rc $(cat err.log)"
  echo "id,image" > m/other.csv; echo "mock0,cutouts/gal-000000.fits" >> m/other.csv
  rc=0
  run 1 --catalog m/other.csv --output r.h5 --resume 2> err.log || rc=$?
  [ "$rc" = 1 ] && grep -q "catalog differs" err.log || fail "changed catalog: $rc $(cat err.log)"
  rc=0
  run 1 --catalog m/catalog.csv --output r.h5 2> err.log || rc=$?
  [ "$rc" = 1 ] && grep -q "unfinished campaign" err.log || fail "journal overwrite: $(cat err.log)"
  run 1 --catalog m/catalog.csv --output r.h5 --resume --quiet || fail "plain resume failed"
  [ -f r.h5 ] || fail "no results after resume"
  ;;
shards)
  "$isoster" mock --count 11 --size 64 --seed 9 --out-dir m >/dev/null
  tail -n 1 m/catalog.csv | sed 's/^mock10,/mock0,/' >> m/catalog.csv  # duplicate id (status 7)
  run 2 --catalog m/catalog.csv --output ref.h5 --threads 1 --quiet
  # 4 shards on different rank counts, merged on 1, 2 and 3 ranks in any input order.
  for k in 0 1 2 3; do
    run $((k % 3 + 1)) --catalog m/catalog.csv --output "s$k.h5" --shard "$k/4" --threads 1 --quiet
  done
  h5dump -a /first_row s2.h5 | grep -q '(0): 6$' || fail "first_row of shard 2"
  for n in 1 2 3; do
    mpirun --bind-to none -n "$n" "$isoster" merge -q -o "m$n.h5" s3.h5 s1.h5 s0.h5 s2.h5 ||
      fail "merge on $n ranks"
    same ref.h5 "m$n.h5"
  done
  "$py" -c "import h5py; f = h5py.File('m2.h5', 'r'); assert f['galaxies/STATUS'][11] == 7"
  # More shards than rows: empty shards merge too.
  for k in 0 1 2 3 4 5 6 7 8 9 10 11 12 13; do
    "$isoster" campaign --catalog m/catalog.csv --output "e$k.h5" --shard "$k/14" --threads 1 -q
  done
  "$isoster" merge -q -o e.h5 e*.h5 || fail "merge of 14 shards"
  same ref.h5 e.h5
  expect() {  # RC MESSAGE_PART COMMAND...
    local want=$1 part=$2 rc=0
    shift 2
    "$@" 2> err.log || rc=$?
    [ "$rc" = "$want" ] && grep -q -- "$part" err.log || fail "$*: rc $rc: $(cat err.log)"
  }
  # A drained shard: named, nothing written, exit 3; after --resume the merge succeeds.
  mv s2.h5 s2.done.h5
  touch stop
  expect 3 "drained" run 1 --catalog m/catalog.csv --output s2.h5 --shard 2/4 --stop-file stop
  expect 3 "s2.h5: drained" "$isoster" merge -o x.h5 s0.h5 s1.h5 s2.h5 s3.h5
  expect 3 "shard 2/4: no results file" "$isoster" merge -o x.h5 s0.h5 s1.h5 s3.h5
  [ ! -e x.h5 ] && [ ! -e x.h5.tmp ] || fail "an unfinished merge wrote a file"
  # Every shard unfinished (all drained at one time limit): still exit 3, each one named.
  expect 3 "s2.h5: drained" "$isoster" merge -o x.h5 s2.h5 never.h5
  grep -q "never.h5: no results file and no journal" err.log || fail "never.h5 not named"
  expect 1 "shard differs" run 1 --catalog m/catalog.csv --output s2.h5 --shard 1/4 --resume
  rm stop
  run 1 --catalog m/catalog.csv --output s2.h5 --shard 2/4 --resume --quiet || fail "resume"
  # A stale extra name among complete shards: a warning, and the merge goes on.
  "$isoster" merge -q -o x.h5 s0.h5 s1.h5 s2.h5 s3.h5 stale.h5 2> err.log || fail "merge after resume"
  grep -q "stale.h5 does not exist" err.log || fail "no warning for stale.h5"
  same ref.h5 x.h5
  h5dump -a /start_utc x.h5 | grep -q '"20' || fail "start_utc of the merged file"
  # An output folder that does not exist: one line, exit 1.
  expect 1 "HDF5: create" "$isoster" merge -o "$work/no/such/x.h5" s0.h5 s1.h5 s2.h5 s3.h5
  [ "$(wc -l < err.log)" = 1 ] || fail "not one line: $(cat err.log)"
  # Inputs that do not belong together.
  expect 1 "exists" "$isoster" merge -o x.h5 s0.h5 s1.h5 s2.h5 s3.h5
  expect 1 "both shard 1" "$isoster" merge -o y.h5 s0.h5 s1.h5 s1.h5 s3.h5
  expect 1 "not a shard" "$isoster" merge -o y.h5 s0.h5 ref.h5
  run 1 --catalog m/catalog.csv --output c.h5 --shard 1/4 --maxit 60 --quiet
  expect 1 "config_checksum" "$isoster" merge -o y.h5 s0.h5 c.h5 s2.h5 s3.h5
  echo "not hdf5" > junk.h5
  expect 1 "junk.h5: not an HDF5 file" "$isoster" merge -o y.h5 s0.h5 junk.h5
  expect 2 "--shard must be K/N" run 1 --catalog m/catalog.csv --output y.h5 --shard 4/4
  # --expect-ranks: a launcher that starts one-rank copies (or the wrong count) is refused.
  expect 1 "this MPI world has 2 ranks" run 2 --catalog m/catalog.csv --output y.h5 --expect-ranks 3
  expect 1 "MPI-aware" "$isoster" campaign --catalog m/catalog.csv --output y.h5 --expect-ranks 2
  [ ! -e y.h5 ] && [ ! -e y.h5.journal ] || fail "a refused run left files"
  ;;
tile)
  # One large image shared by all rows: each galaxy is fitted on its own box, read together
  # with the other boxes of its batch; the batches change with the rank count, the results not.
  "$isoster" mock --count 12 --tile 512x384 --seed 4 --out-dir t >/dev/null
  run 1 --catalog t/catalog.csv --output t1.h5 --threads 1 --maxsma 30 --quiet
  run 3 --catalog t/catalog.csv --output t3.h5 --threads 1 --maxsma 30 --quiet
  same t1.h5 t3.h5
  "$py" - <<'PY'
import h5py
f = h5py.File('t1.h5', 'r')
assert (f['galaxies/STATUS'][:] == 0).all()
assert (f['galaxies/COUNT'][:] > 20).all()
# Positions are the tile's: every galaxy's centre within 2 px of its catalog position.
g, iso = f['galaxies'], f['isophotes']
for k in range(len(g['ID'])):
    o = g['OFFSET'][k] + g['COUNT'][k] // 2
    assert abs(iso['X0'][o] - g['X'][k]) < 2 and abs(iso['Y0'][o] - g['Y'][k]) < 2, k
PY
  ;;
forced)
  # Forced photometry on each galaxy's own fit: templates split into ranges of 8 rows over the
  # ranks and stitched back; each galaxy equals `isoster forced` on its template.
  "$isoster" mock --count 4 --size 128 --seed 9 --out-dir f >/dev/null
  echo "id,image,template" > f/forced.csv
  for k in 0 1 2 3; do
    "$isoster" fit "f/cutouts/gal-00000$k.fits" -o "f/t$k.fits" -q
    echo "g$k,cutouts/gal-00000$k.fits,t$k.fits" >> f/forced.csv
  done
  run 1 --catalog f/forced.csv --output f1.h5 --threads 1 --forced-part-rows 8 --quiet
  run 3 --catalog f/forced.csv --output f3.h5 --threads 1 --forced-part-rows 8 --quiet
  run 2 --catalog f/forced.csv --output f2.h5 --threads 1 --quiet
  # A bad value on a split forced galaxy: every range fails alike, the galaxy gets the status.
  { cat f/forced.csv; echo "g0,cutouts/gal-000000.fits,t0.fits"; } > f/dup.csv
  sed -i 's/^id,image,template$/id,image,template,eps/; 3s/$/,1.5/' f/dup.csv
  sed -i '2,$s/^\([^,]*,[^,]*,[^,]*\)$/\1,/' f/dup.csv
  run 2 --catalog f/dup.csv --output fd.h5 --threads 1 --forced-part-rows 8 --quiet ||
    fail "forced campaign with bad rows exited $?"
  "$py" -c "
import h5py; s = list(h5py.File('fd.h5', 'r')['galaxies/STATUS'][:])
assert s == [0, 2, 0, 0, 7], s"
  same f1.h5 f3.h5
  same f1.h5 f2.h5
  "$isoster" forced f/cutouts/gal-000002.fits --template f/t2.fits -o f/g2.fits >/dev/null
  "$py" - <<'PY'
import h5py, numpy as np
from astropy.io import fits
f = h5py.File('f1.h5', 'r')
g, iso = f['galaxies'], f['isophotes']
assert (g['STATUS'][:] == 0).all(), g['MESSAGE'][:]
t = fits.getdata('f/g2.fits', 'ISOPHOTES')
o, n = g['OFFSET'][2], g['COUNT'][2]
assert n == len(t) and n > 8, (n, len(t))
for c in t.columns.names:
    a, b = iso[c][o:o + n], np.asarray(t[c])
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == 'f'), c
assert (iso['NITER'][:] == 0).all()
PY
  ;;
variance)
  # Weighted fits from a catalog column: equal to isoster fit --variance; a map of another shape
  # is that galaxy's input error.
  "$isoster" mock --count 2 --size 96 --seed 12 --out-dir v >/dev/null
  "$py" -c "
import numpy as np
from astropy.io import fits
fits.writeto('v/var.fits', np.full((96, 96), 2.5, np.float32))
fits.writeto('v/small.fits', np.full((9, 9), 2.5, np.float32))"
  printf 'id,image,variance\ng0,cutouts/gal-000000.fits,var.fits\ng1,cutouts/gal-000001.fits,small.fits\n' \
    > v/cat.csv
  run 2 --catalog v/cat.csv --output v.h5 --threads 1 --quiet
  "$isoster" fit v/cutouts/gal-000000.fits --variance v/var.fits -o v/g0.fits -q
  "$py" - <<'PY'
import h5py, numpy as np
from astropy.io import fits
f = h5py.File('v.h5', 'r')
g, iso = f['galaxies'], f['isophotes']
assert list(g['STATUS'][:]) == [0, 1], list(g['STATUS'][:])
assert b'variance map of 9x9' in g['MESSAGE'][1], g['MESSAGE'][1]
t = fits.getdata('v/g0.fits', 'ISOPHOTES')
o, n = g['OFFSET'][0], g['COUNT'][0]
assert n == len(t)
for c in t.columns.names:
    a, b = iso[c][o:o + n], np.asarray(t[c])
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == 'f'), c
PY
  ;;
reader)
  "$isoster" mock --count 6 --size 96 --seed 4 --out-dir m >/dev/null
  run 2 --catalog m/catalog.csv --output results.h5 --threads 1 --quiet
  "$py" "$here/read_results.py" results.h5
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
