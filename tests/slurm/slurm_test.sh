#!/usr/bin/env bash
# The sbatch templates of slurm/ submitted for real to a single-host SLURM on 127.0.0.1
# (ctest label slurm). Each case starts its own slurmctld + slurmd under a temporary folder and
# stops them by PID on exit, whatever happens.
# usage: slurm_test.sh CASE BUILD_DIR
#   lint        bash -n and shellcheck on every template and helper; sbatch --test-only of each
#   hybrid      slurm/campaign.sbatch (2 ranks x 1 thread, 1 x 2) equals a plain mpirun run
#   launcher    a launcher that is not MPI-aware (N one-rank copies) is refused, nothing written
#   gpu         slurm/campaign-gpu.sbatch: one stand-in GPU per rank, chosen by local rank
#   array       slurm/submit-shards.sh: job array + merge equal the mpirun run; a failed element
#               is named by the merge, resubmitted, and the merge then succeeds
#   drain       USR1 (scancel --signal=USR1 --batch, as SLURM's --signal=B:USR1 sends it) drains
#               a campaign and a shard; each resubmits itself with --resume until complete, the
#               merge waits for the resubmitted shard
#   timelimit   a real --time=1 with --signal=B:USR1@50: drained and resubmitted until complete
#   workstation the templates run outside SLURM (mpirun), as jobs/ documents
#   guide       the Python example of docs/hpc-guide.md (h5py, pandas) runs on a campaign's file
set -euo pipefail
case_name=$1
build=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
slurm=$root/slurm
export ISOSTER_BIN=$build/src/isoster
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
export PMIX_MCA_gds=hash OMP_NUM_THREADS=1
# shellcheck source=tests/slurm/slurm_local.sh
. "$here/slurm_local.sh"

# Debian's SLURM daemons and clients, and shellcheck, if this machine lacks them.
need=()
for p in slurmctld slurmd slurm-client shellcheck python3-pandas; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
up=0
cleanup() {
  local rc=$?
  if [ "$up" = 1 ]; then
    if [ "$rc" != 0 ]; then
      echo "--- job outputs" >&2
      tail -n 20 "$work"/jobs/*.out >&2 2>/dev/null || true
      echo "--- slurmctld.log" >&2
      tail -n 15 "$work/slurm/log/slurmctld.log" >&2 2>/dev/null || true
      squeue >&2 2>/dev/null || true
    fi
    # Jobs still queued would outlive the daemons' restart in another case: cancel them.
    mapfile -t queued < <(squeue -h -o %i 2>/dev/null)
    [ ${#queued[@]} -eq 0 ] || scancel "${queued[@]}" >/dev/null 2>&1 || true
    slurm_down "$work/slurm"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same() {  # the science datasets of two results files
  h5diff -q "$1" "$2" /galaxies /galaxies || fail "/galaxies differ: $1 $2"
  h5diff -q "$1" "$2" /isophotes /isophotes || fail "/isophotes differ: $1 $2"
}
start_slurm() {
  slurm_up "$work/slurm" || fail "SLURM did not start"
  up=1
}
# Submits and waits; prints the job id. Jobs run in $work/jobs (their output files land there).
submit() {
  local jid
  jid=$(cd "$work/jobs" && sbatch --parsable "$@") || fail "sbatch $*"
  echo "${jid%%;*}"
}
state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
exit_code() { scontrol show job "$1" | sed -n 's/.*ExitCode=\([0-9]*\):.*/\1/p' | head -n 1; }
wait_all() {  # every job of the queue, not only the one submitted: resubmissions
  local start=$SECONDS
  while squeue -h | grep -q .; do
    [ $((SECONDS - start)) -lt "${1:-300}" ] || fail "jobs still queued after ${1:-300} s"
    sleep 0.2
  done
}
reference() {  # CATALOG OUT: the plain mpirun run the templates must equal
  mpirun --bind-to none -n 2 "$ISOSTER_BIN" campaign --catalog "$1" --output "$2" --threads 1 -q
}
# A mock survey, and a catalog that repeats its galaxies (longer campaigns, known results).
mkdir -p "$work/jobs"
cd "$work"
"$ISOSTER_BIN" mock --count 24 --size 96 --seed 11 --out-dir m >/dev/null
repeat_catalog() {  # ROWS OUT: row i is mock galaxy i % 24 under the id g<i>
  awk -F, -v n="$1" 'NR == 1 { print; next } { r[NR - 2] = $0 }
    END { for (i = 0; i < n; i++) { s = r[i % 24]; sub(/^[^,]*/, "g" i, s); print s } }' \
    m/catalog.csv > "$2"
}
# Every galaxy g<i> of a repeated catalog has the rows of mock galaxy i % 24 in REF.
check_repeated() {  # RESULTS REF
  "$py" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
out, ref = (h5py.File(p, "r") for p in sys.argv[1:3])
g, gr = out["galaxies"], ref["galaxies"]
n = len(g["ID"])
assert all(s.decode() == f"g{i}" for i, s in enumerate(g["ID"][:])), "ids out of order"
assert (g["STATUS"][:] == 0).all(), "failed galaxies"
count, offset = g["COUNT"][:], g["OFFSET"][:]
k = np.arange(n) % 24
assert np.array_equal(count, gr["COUNT"][:][k]), "isophote counts differ"
# Row r of galaxy i corresponds to row OFFSET_ref[i % 24] + (r - OFFSET[i]) of the reference.
owner = np.repeat(np.arange(n), count)
rows = gr["OFFSET"][:][k][owner] + (np.arange(count.sum()) - np.repeat(offset, count))
assert np.array_equal(offset, np.cumsum(count) - count), "offsets are not contiguous"
for name in ("INTENS", "ELLIP", "PA", "X0", "NITER", "STOP"):
    a, b = out["isophotes"][name][:], ref["isophotes"][name][:][rows]
    assert np.array_equal(a, b, equal_nan=True), f"{name} differs"
print(f"{n} galaxies equal to their reference")
PY
}

case $case_name in
lint)
  for f in "$slurm"/*.sbatch "$slurm"/*.sh "$here"/*.sh "$root"/jobs/*/*.sh; do
    bash -n "$f" || fail "bash -n $f"
  done
  # The templates at every severity; the test and job scripts at warnings and above.
  (cd "$root" && shellcheck -x slurm/*.sbatch slurm/*.sh) || fail "shellcheck slurm/"
  (cd "$root" && shellcheck -x -S warning tests/slurm/*.sh jobs/*/*.sh) || fail "shellcheck tests"
  start_slurm
  for t in campaign campaign-gpu; do
    (cd "$work/jobs" && ISOSTER_CATALOG=c ISOSTER_OUTPUT=o sbatch --test-only -n 2 -c 1 \
      "$slurm/$t.sbatch") 2>&1 | grep -q "to start at" || fail "sbatch --test-only $t"
  done
  (cd "$work/jobs" && sbatch --test-only --array=0-3%2 -c 1 "$slurm/shard.sbatch") 2>&1 |
    grep -q "to start at" || fail "sbatch --test-only shard"
  (cd "$work/jobs" && sbatch --test-only "$slurm/merge.sbatch") 2>&1 | grep -q "to start at" ||
    fail "sbatch --test-only merge"
  ;;
hybrid)
  reference "$work/m/catalog.csv" ref.h5
  start_slurm
  export ISOSTER_CATALOG=$work/m/catalog.csv
  a=$(ISOSTER_OUTPUT=$work/a.h5 submit -N 1 --ntasks-per-node=2 -c 1 "$slurm/campaign.sbatch" --quiet)
  b=$(ISOSTER_OUTPUT=$work/b.h5 submit -n 1 -c 2 "$slurm/campaign.sbatch" --quiet)
  wait_all 120
  for j in "$a" "$b"; do [ "$(state "$j")" = COMPLETED ] || fail "job $j: $(state "$j")"; done
  same ref.h5 a.h5
  same ref.h5 b.h5
  grep -q "2 tasks x 1 threads" "jobs/isoster-$a.out" || fail "job $a layout"
  grep -q "1 tasks x 2 threads" "jobs/isoster-$b.out" || fail "job $b layout"
  h5dump -a /ranks a.h5 | grep -q '(0): 2$' || fail "a.h5 was not written by 2 ranks"
  h5dump -a /threads b.h5 | grep -q '(0): 2$' || fail "b.h5 was not written with 2 threads"
  # The bundled examples' job definition, submitted as docs/hpc-guide.md shows.
  (cd "$root" && bash jobs/examples/run.sh "$work/ex-ref.h5" >/dev/null) || fail "jobs/examples"
  e=$(ISOSTER_CATALOG=$root/jobs/examples/catalog.csv ISOSTER_CONFIG=$root/jobs/examples/campaign.ini \
    ISOSTER_OUTPUT=$work/ex.h5 submit -n 2 -c 1 "$slurm/campaign.sbatch" --quiet)
  wait_all 120
  [ "$(state "$e")" = COMPLETED ] || fail "examples job $e: $(state "$e")"
  same ex-ref.h5 ex.h5
  ;;
launcher)
  start_slurm
  export ISOSTER_CATALOG=$work/m/catalog.csv ISOSTER_OUTPUT=$work/x.h5
  # A launcher that starts N independent one-rank worlds (an MPI that falls back to singletons):
  # each copy must refuse before touching any file, instead of fitting the catalog N times.
  # Each task forgets it runs under SLURM, so Open MPI starts it as a singleton.
  printf '#!/bin/bash\nunset "${!SLURM_@}" "${!PMIX_@}" "${!OMPI_@}"\nexec "$@"\n' > singleton.sh
  chmod +x singleton.sh
  j=$(ISOSTER_LAUNCH="srun --mpi=none $work/singleton.sh" submit -n 2 -c 1 "$slurm/campaign.sbatch")
  wait_all 120
  [ "$(state "$j")" = FAILED ] && [ "$(exit_code "$j")" = 1 ] || fail "job $j: $(state "$j")"
  [ "$(grep -c "expect-ranks 2 but this MPI world has 1 rank" "jobs/isoster-$j.out")" = 2 ] ||
    fail "not refused by both copies"
  [ ! -e x.h5 ] && [ ! -e x.h5.journal ] || fail "a refused campaign left files"
  # srun without PMIx: Open MPI itself refuses to start; the job fails, nothing is written.
  j=$(ISOSTER_LAUNCH="srun --mpi=none" submit -n 2 -c 1 "$slurm/campaign.sbatch")
  wait_all 120
  [ "$(state "$j")" = FAILED ] || fail "job $j: $(state "$j")"
  [ ! -e x.h5 ] && [ ! -e x.h5.journal ] || fail "a failed launch left files"
  ;;
gpu)
  reference "$work/m/catalog.csv" ref.h5
  start_slurm
  j=$(ISOSTER_CATALOG=$work/m/catalog.csv ISOSTER_OUTPUT=$work/g.h5 \
    submit -n 2 -c 1 "$slurm/campaign-gpu.sbatch" --quiet)
  wait_all 120
  [ "$(state "$j")" = COMPLETED ] || fail "job $j: $(state "$j")"
  same ref.h5 g.h5
  out=jobs/isoster-gpu-$j.out
  grep -q "local rank 0, GPUs 0 1: GPU 0" "$out" && grep -q "local rank 1, GPUs 0 1: GPU 1" "$out" ||
    fail "GPU selection: $(grep GPU "$out")"
  ;;
array)
  reference "$work/m/catalog.csv" ref.h5
  start_slurm
  export ISOSTER_CATALOG=$work/m/catalog.csv ISOSTER_OUTPUT_DIR=$work/shards
  export ISOSTER_OUTPUT=$work/merged.h5 ISOSTER_ARRAY_MAX=2
  read -r arr mrg < <(cd jobs && "$slurm/submit-shards.sh" 4 -c 1 -- --quiet)
  wait_all 180
  [ "$(state "$mrg")" = COMPLETED ] || fail "merge job $mrg: $(state "$mrg")"
  same ref.h5 merged.h5
  [ "$(ls jobs/isoster-shard-"$arr"_*.out | wc -l)" = 4 ] || fail "not 4 array elements"
  # A failed element: shard 2 meets the journal of a campaign with another configuration.
  rm -rf shards merged.h5
  mkdir -p shards/shard-2.h5.journal
  printf 'isoster-campaign-journal 1\nconfig_sha=0\n' > shards/shard-2.h5.journal/manifest
  read -r arr mrg < <(cd jobs && "$slurm/submit-shards.sh" 4 -c 1 -- --quiet)
  wait_all 180
  [ "$(state "$mrg")" = FAILED ] && [ "$(exit_code "$mrg")" = 3 ] || fail "merge: $(state "$mrg")"
  grep -q "shard-2.h5: interrupted" "jobs/isoster-merge-$mrg.out" || fail "shard 2 not named"
  [ ! -e merged.h5 ] || fail "an incomplete merge wrote the file"
  # The documented recovery: fix the cause, resubmit that index, then the merge.
  rm -rf shards/shard-2.h5.journal
  e=$(ISOSTER_SHARDS=4 submit --array=2 -c 1 --job-name=isoster-shard "$slurm/shard.sbatch" --quiet)
  ISOSTER_SHARDS=4 submit --dependency="afterany:$e" "$slurm/merge.sbatch" >/dev/null
  wait_all 120
  same ref.h5 merged.h5
  # The mock survey's job definition, submitted as a sharded campaign.
  (cd jobs && ISOSTER_SUBMIT=1 ISOSTER_SHARDS=3 bash "$root/jobs/mock-survey/run.sh" \
    "$work/survey" 30 -c 1 >/dev/null) || fail "jobs/mock-survey submission"
  wait_all 180
  "$py" "$root/jobs/mock-survey/check_truth.py" survey/results.h5 survey/truth.csv ||
    fail "mock survey under SLURM"
  ;;
drain)
  # Long enough to be caught mid-run: 3000 rows in batches of at most 16.
  repeat_catalog 3000 m/big.csv
  reference "$work/m/catalog.csv" ref.h5
  start_slurm
  signal_when_running() {  # JOB JOURNAL_DIR: USR1 to the batch shell once a batch is journaled
    local _
    for _ in $(seq 1 300); do
      [ -n "$(find "$2" -name 'rank-*' -size +0 2>/dev/null)" ] && break
      sleep 0.05
    done
    scancel --signal=USR1 --batch "$1" || fail "scancel --signal=USR1 --batch $1"
  }
  j=$(ISOSTER_CATALOG=$work/m/big.csv ISOSTER_OUTPUT=$work/big.h5 \
    submit -n 2 -c 1 "$slurm/campaign.sbatch" --quiet --batch-max 16)
  signal_when_running "$j" big.h5.journal
  wait_all 180
  [ "$(exit_code "$j")" = 3 ] || fail "job $j exited $(exit_code "$j"), not 3 (drained)"
  grep -q "drained; resubmitted as job" "jobs/isoster-$j.out" || fail "job $j not resubmitted"
  grep -q "round 1: 2 tasks x 1 threads (resume)" jobs/isoster-*.out || fail "no resumed round"
  [ -f big.h5 ] && [ ! -e big.h5.journal ] || fail "the resubmitted campaign did not complete"
  check_repeated big.h5 ref.h5
  # scancel (TERM to the shell and the ranks): the ranks drain, the job is not resubmitted.
  j=$(ISOSTER_CATALOG=$work/m/big.csv ISOSTER_OUTPUT=$work/stop.h5 \
    submit -n 2 -c 1 "$slurm/campaign.sbatch" --quiet --batch-max 16)
  for _ in $(seq 1 300); do
    [ -n "$(find stop.h5.journal -name 'rank-*' -size +0 2>/dev/null)" ] && break
    sleep 0.05
  done
  scancel "$j"
  wait_all 60
  grep -q "not resubmitted" "jobs/isoster-$j.out" || fail "cancelled job $j: $(cat "jobs/isoster-$j.out")"
  [ -f stop.h5.journal/drained ] && [ ! -e stop.h5 ] || fail "cancelled job $j did not drain"
  # A shard drained: it resubmits itself (an array of one), and the merge job, finding the shard
  # unfinished and its job queued, resubmits itself after it.
  export ISOSTER_CATALOG=$work/m/big.csv ISOSTER_OUTPUT_DIR=$work/shards
  export ISOSTER_OUTPUT=$work/merged.h5 ISOSTER_ARRAY_MAX=1
  # Each element takes both CPUs, so the resubmitted shard 0 waits for shard 1, and the merge
  # (submitted earlier, higher priority) starts first and must defer itself.
  read -r arr mrg < <(cd jobs && "$slurm/submit-shards.sh" 2 -c 2 -- --quiet --batch-max 16)
  signal_when_running "${arr}_0" shards/shard-0.h5.journal
  wait_all 240
  grep -q "drained; resubmitted as job" "jobs/isoster-shard-${arr}_0.out" || fail "shard 0"
  grep -q "merge resubmitted as job" "jobs/isoster-merge-$mrg.out" || fail "merge not deferred"
  check_repeated merged.h5 ref.h5
  ;;
timelimit)
  # A real time limit: SLURM's warning comes at its own coarse times (seconds to ~30 s after
  # the start), so the campaign is long enough (~45 s of fits) to be caught at least once.
  repeat_catalog 36000 m/huge.csv
  mpirun --bind-to none -n 1 "$ISOSTER_BIN" campaign --catalog "$work/m/catalog.csv" --output ref.h5 -q
  start_slurm
  j=$(ISOSTER_CATALOG=$work/m/huge.csv ISOSTER_OUTPUT=$work/huge.h5 ISOSTER_MAX_RESUBMIT=6 \
    submit -n 2 -c 1 --time=1 --signal=B:USR1@50 "$slurm/campaign.sbatch" --quiet --batch-max 64)
  wait_all 420
  [ "$(exit_code "$j")" = 3 ] || fail "job $j exited $(exit_code "$j"): not drained by its limit"
  grep -q "drain requested" "jobs/isoster-$j.out" || fail "no drain in job $j"
  [ -f huge.h5 ] || fail "the campaign did not complete: $(tail -n 3 jobs/*.out)"
  echo "rounds: $(cat jobs/isoster-*.out | grep -c "round [0-9]*:")"
  check_repeated huge.h5 ref.h5
  ;;
workstation)
  reference "$work/m/catalog.csv" ref.h5
  # No SLURM: the same templates start mpirun; USR1 to the shell drains, a rerun resumes.
  ISOSTER_NTASKS=2 ISOSTER_CATALOG=$work/m/catalog.csv ISOSTER_OUTPUT=$work/w.h5 \
    bash "$slurm/campaign.sbatch" --quiet || fail "campaign.sbatch under mpirun"
  same ref.h5 w.h5
  repeat_catalog 3000 m/big.csv
  rc=0
  ISOSTER_NTASKS=2 ISOSTER_CATALOG=$work/m/big.csv ISOSTER_OUTPUT=$work/big.h5 \
    bash "$slurm/campaign.sbatch" --quiet --batch-max 16 2> ws.log &
  pid=$!
  for _ in $(seq 1 300); do
    [ -n "$(find big.h5.journal -name 'rank-*' -size +0 2>/dev/null)" ] && break
    sleep 0.05
  done
  kill -USR1 "$pid"
  wait "$pid" || rc=$?
  [ "$rc" = 3 ] && [ -f big.h5.journal/drained ] || fail "workstation drain: rc $rc $(cat ws.log)"
  ISOSTER_NTASKS=2 ISOSTER_CATALOG=$work/m/big.csv ISOSTER_OUTPUT=$work/big.h5 \
    bash "$slurm/campaign.sbatch" --quiet 2> ws2.log || fail "resume: $(cat ws2.log)"
  grep -q "(resume)" ws2.log || fail "the rerun did not resume"
  check_repeated big.h5 ref.h5
  # The ready-made job definitions run as documented.
  (cd "$root" && bash jobs/examples/run.sh "$work/examples.h5") || fail "jobs/examples"
  h5dump -a /galaxies "$work/examples.h5" | grep -q '(0): 4$' || fail "examples: not 4 galaxies"
  (cd "$root" && bash jobs/mock-survey/run.sh "$work/survey") || fail "jobs/mock-survey"
  [ -f "$work/survey/results.h5" ] || fail "mock survey: no results"
  ;;
guide)
  reference "$work/m/catalog.csv" results.h5
  # The Python example of docs/hpc-guide.md, verbatim, in this folder.
  awk '/^```python$/ { on = 1; next } /^```$/ { on = 0 } on' "$root/docs/hpc-guide.md" > example.py
  [ -s example.py ] || fail "no python example in docs/hpc-guide.md"
  "$py" example.py > example.out || fail "the hpc-guide example failed"
  grep -q "24 galaxies" example.out || fail "example output: $(cat example.out)"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS: $case_name"
