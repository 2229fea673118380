#!/usr/bin/env bash
# A mock survey made by `isoster mock` (N Sersic cutouts with their truth table, seed fixed),
# fitted as a campaign; then the recovered ellipticities are compared with the truth.
#   bash jobs/mock-survey/run.sh [DIR] [N]         (default out/mock-survey, 200 galaxies)
# Workstation: mpirun through slurm/campaign.sbatch. On a cluster, the same survey as a sharded
# campaign (ISOSTER_SHARDS shards, default 8, + merge), from the repository root, with any sbatch
# options for the array elements after N:
#   ISOSTER_SUBMIT=1 bash jobs/mock-survey/run.sh /scratch/me/survey 100000 -p compute -c 16
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$(realpath -m "${1:-$root/out/mock-survey}")
n=${2:-200}
shift $(($# < 2 ? $# : 2))
: "${ISOSTER_BIN:=$root/build/src/isoster}"
export ISOSTER_BIN ISOSTER_CATALOG=$dir/catalog.csv ISOSTER_CONFIG=$here/campaign.ini
"$ISOSTER_BIN" mock --count "$n" --size 128 --seed 2026 --out-dir "$dir" >/dev/null
if [ -n "${ISOSTER_SUBMIT:-}" ]; then
  export ISOSTER_OUTPUT_DIR=$dir/shards ISOSTER_OUTPUT=$dir/results.h5
  exec "$root/slurm/submit-shards.sh" "${ISOSTER_SHARDS:-8}" "$@"
fi
export ISOSTER_OUTPUT=$dir/results.h5 ISOSTER_NTASKS=${ISOSTER_NTASKS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$ISOSTER_OUTPUT" "$ISOSTER_OUTPUT.journal"
bash "$root/slurm/campaign.sbatch" --quiet
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$here/check_truth.py" "$dir/results.h5" "$dir/truth.csv"
