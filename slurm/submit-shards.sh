#!/bin/bash
# Submits a sharded campaign: a job array of N elements (slurm/shard.sbatch) and the merge job
# (slurm/merge.sbatch) that runs after all of them. Prints the two job ids.
#
#   ISOSTER_CATALOG=cat.csv ISOSTER_OUTPUT_DIR=out ISOSTER_OUTPUT=out/results.h5 \
#     slurm/submit-shards.sh N [sbatch options for the elements...] [-- campaign options...]
#
# ISOSTER_ARRAY_MAX (default 20) caps the elements running at once; ISOSTER_SHARD_JOB_NAME
# (default isoster-shard-<basename of ISOSTER_OUTPUT_DIR>) names them. Site options (-p, -A, -t,
# -c...) go before `--`; they apply to the elements and to the merge job alike.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:?usage: submit-shards.sh N [sbatch options] [-- campaign options]}
shift
sbatch_opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sbatch_opts+=("$1")
  shift
done
[ $# -gt 0 ] && shift
: "${ISOSTER_CATALOG:?}" "${ISOSTER_OUTPUT_DIR:?}" "${ISOSTER_OUTPUT:?}"
# One name per campaign: the merge job looks for the shards' resubmitted jobs by it.
name=${ISOSTER_SHARD_JOB_NAME:-isoster-shard-$(basename "$ISOSTER_OUTPUT_DIR")}
export ISOSTER_SHARDS=$n ISOSTER_SHARD_JOB_NAME=$name
array=$(sbatch --parsable --array="0-$((n - 1))%${ISOSTER_ARRAY_MAX:-20}" --job-name="$name" \
  "${sbatch_opts[@]}" "$here/shard.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:$array" "${sbatch_opts[@]}" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
