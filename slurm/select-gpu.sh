#!/bin/bash
# Runs on every task of a GPU step, then execs its arguments: the node-local rank picks one GPU
# among those this task may use, and the rank then sees only that one (CUDA_VISIBLE_DEVICES).
#   srun ... slurm/select-gpu.sh isoster campaign ...
# The GPUs: the list SLURM gives the task (CUDA_VISIBLE_DEVICES, SLURM_STEP_GPUS), else devices
# 0..SLURM_GPUS_ON_NODE-1 (sites without GPU binding), else those nvidia-smi lists, else GPU 0.
set -euo pipefail
list=${CUDA_VISIBLE_DEVICES:-${SLURM_STEP_GPUS:-${GPU_DEVICE_ORDINAL:-}}}
if [ -n "$list" ]; then
  IFS=, read -r -a gpus <<< "$list"
else
  n=${SLURM_GPUS_ON_NODE:-}
  if [ -z "$n" ] && command -v nvidia-smi >/dev/null; then
    n=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
  fi
  [ "${n:-0}" -gt 0 ] 2>/dev/null || n=1
  mapfile -t gpus < <(seq 0 $((n - 1)))
fi
local_rank=${SLURM_LOCALID:-${OMPI_COMM_WORLD_LOCAL_RANK:-0}}
export CUDA_VISIBLE_DEVICES=${gpus[$((local_rank % ${#gpus[@]}))]}
echo "[isoster-job] rank ${SLURM_PROCID:-${OMPI_COMM_WORLD_RANK:-0}} on $(hostname):" \
  "local rank $local_rank, GPUs ${gpus[*]}: GPU $CUDA_VISIBLE_DEVICES" >&2
exec "$@"
