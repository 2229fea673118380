#!/usr/bin/env bash
# The bundled example galaxies as a campaign on this workstation: mpirun through the same
# template a cluster uses (slurm/campaign.sbatch, which falls back to mpirun outside SLURM).
#   bash jobs/examples/run.sh [RESULTS.h5]        (default out/examples.h5)
# On a cluster, from the repository root:
#   ISOSTER_CATALOG=$PWD/jobs/examples/catalog.csv ISOSTER_CONFIG=$PWD/jobs/examples/campaign.ini \
#   ISOSTER_OUTPUT=$PWD/out/examples.h5 sbatch -n 2 -c 1 slurm/campaign.sbatch
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(realpath -m "${1:-$root/out/examples.h5}")
mkdir -p "$(dirname "$out")"
: "${ISOSTER_BIN:=$root/build/src/isoster}"
export ISOSTER_BIN ISOSTER_CATALOG=$here/catalog.csv ISOSTER_CONFIG=$here/campaign.ini
export ISOSTER_OUTPUT=$out ISOSTER_NTASKS=${ISOSTER_NTASKS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # harmless when not root
rm -rf "$out" "$out.journal"
bash "$root/slurm/campaign.sbatch" --quiet
echo "$out"
