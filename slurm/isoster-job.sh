# shellcheck shell=bash
# Shared by the sbatch templates of this folder (sourced, not run). Provides:
#   isoster_launch CMD...        run CMD on every task: srun inside a SLURM job, mpirun outside
#   isoster_resumable SCRIPT OUT CMD...
#                                run a campaign step (results file OUT) that drains on USR1 or
#                                TERM, adding --resume when OUT's journal exists; drained
#                                (exit 3) after the USR1 time-limit warning: resubmit SCRIPT
#                                with the same resources and arguments (isoster_script_args)
# Settings (environment; none needs an edit of the templates):
#   ISOSTER_BIN            the isoster executable (default: isoster on PATH)
#   ISOSTER_LAUNCH         replaces the launcher, e.g. "srun --mpi=pmix --overlap" (word-split)
#   ISOSTER_SRUN_MPI       srun's --mpi plugin (default pmix: Debian's Open MPI has PMIx only)
#   ISOSTER_CPU_BIND       srun's --cpu-bind (default cores)
#   ISOSTER_MAX_RESUBMIT   cap on resubmissions after a drain (default 10)
#   ISOSTER_ROUND          set on resubmission: how many times this job was resubmitted
# Outside SLURM (a workstation): mpirun with ISOSTER_NTASKS ranks (default: the cores / threads)
# and ISOSTER_THREADS threads each (default 1).

: "${ISOSTER_BIN:=isoster}"
: "${ISOSTER_MAX_RESUBMIT:=10}"
: "${ISOSTER_ROUND:=0}"

isoster_log() { echo "[isoster-job $(date -u +%H:%M:%S)] $*" >&2; }

# Tasks and threads per task: SLURM's allocation, or the workstation's defaults.
if [ -n "${SLURM_JOB_ID:-}" ]; then
  isoster_ntasks=${SLURM_NTASKS:-1}
  isoster_threads=${SLURM_CPUS_PER_TASK:-1}
else
  isoster_threads=${ISOSTER_THREADS:-1}
  # The cores this shell may use (nproc alone would report OMP_NUM_THREADS).
  cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
  isoster_ntasks=${ISOSTER_NTASKS:-$((cores / isoster_threads > 0 ? cores / isoster_threads : 1))}
fi
export OMP_NUM_THREADS=$isoster_threads OMP_PLACES=cores OMP_PROC_BIND=close
# Parallel file systems: HDF5's file locks fail or serialise there; isoster writes atomically.
export HDF5_USE_FILE_LOCKING=FALSE

# The launcher as a word list (isoster_launcher), so that a step runs as the launcher's own
# process, which the drain can signal.
isoster_launcher=()
if [ -n "${ISOSTER_LAUNCH:-}" ]; then
  read -r -a isoster_launcher <<< "$ISOSTER_LAUNCH"
elif [ -n "${SLURM_JOB_ID:-}" ]; then
  # Explicit --cpus-per-task: since Slurm 22.05 srun no longer inherits it from sbatch.
  isoster_launcher=(srun --mpi="${ISOSTER_SRUN_MPI:-pmix}" --ntasks="$isoster_ntasks"
    --cpus-per-task="$isoster_threads" --cpu-bind="${ISOSTER_CPU_BIND:-cores}")
else
  isoster_launcher=(mpirun --oversubscribe --bind-to none -n "$isoster_ntasks")
fi

isoster_launch() { "${isoster_launcher[@]}" "$@"; }

isoster_step_pid=
isoster_trapped=0
isoster_warned=0
isoster_script_args=()  # the template's own arguments, repeated on resubmission
# SLURM sends --signal=B:USR1@N to the batch shell only: pass it on to the campaign (the ranks
# drain on USR1). Only a drain after this warning resubmits the job: scancel (TERM alone) also
# drains the ranks, but then the job stays stopped.
isoster_forward_drain() {
  isoster_trapped=1
  isoster_warned=1
  isoster_log "drain requested: forwarding USR1 to the campaign"
  # The launcher (srun or mpirun) passes USR1 on to its tasks; scancel also reaches the steps of
  # this job when the launcher is some wrapper that does not.
  [ -n "$isoster_step_pid" ] && kill -USR1 "$isoster_step_pid" 2>/dev/null
  if [ -n "${SLURM_JOB_ID:-}" ]; then scancel --signal=USR1 "$SLURM_JOB_ID" 2>/dev/null; fi
  return 0
}

# The job's resources, repeated on resubmission: options given on the original sbatch command
# line are not part of the script, and a resubmitted job must get the same allocation.
isoster_resubmit() {  # SCRIPT ARGS...
  local script=$1 opts=() limit
  shift
  opts+=(--parsable --dependency="afterany:$SLURM_JOB_ID" --job-name="$SLURM_JOB_NAME")
  opts+=(--ntasks="$SLURM_NTASKS" --nodes="${SLURM_JOB_NUM_NODES:-1}")
  [ -n "${SLURM_NTASKS_PER_NODE:-}" ] && opts+=(--ntasks-per-node="${SLURM_NTASKS_PER_NODE%%(*}")
  [ -n "${SLURM_CPUS_PER_TASK:-}" ] && opts+=(--cpus-per-task="$SLURM_CPUS_PER_TASK")
  [ -n "${SLURM_JOB_PARTITION:-}" ] && opts+=(--partition="$SLURM_JOB_PARTITION")
  [ -n "${SLURM_JOB_ACCOUNT:-}" ] && opts+=(--account="$SLURM_JOB_ACCOUNT")
  limit=$(squeue -h -j "$SLURM_JOB_ID" -o %l 2>/dev/null || true)
  case $limit in "" | UNLIMITED | INVALID) ;; *) opts+=(--time="$limit") ;; esac
  [ -n "${SLURM_ARRAY_TASK_ID:-}" ] && opts+=(--array="$SLURM_ARRAY_TASK_ID")
  opts+=(--export="ALL,ISOSTER_ROUND=$((ISOSTER_ROUND + 1)),ISOSTER_SCRIPT=$script")
  sbatch "${opts[@]}" "$script" "$@"
}

# Runs one campaign step (CMD...) whose results file is OUT; resumes when OUT's journal exists.
# Returns the step's exit status, after resubmitting the job if it drained (3).
isoster_resumable() {  # SCRIPT OUT CMD... (SCRIPT: this template's real path, for resubmission)
  local script=$1 out=$2 resume=() rc next
  shift 2
  [ -d "$out.journal" ] && resume=(--resume)
  trap isoster_forward_drain USR1
  # At the time limit SLURM sends TERM to the shell and the ranks alike: the ranks drain; the
  # shell must live on to resubmit.
  trap 'isoster_trapped=1; isoster_log "TERM received: the ranks drain"' TERM
  isoster_log "round $ISOSTER_ROUND: $isoster_ntasks tasks x $isoster_threads threads${resume:+ (resume)}"
  "${isoster_launcher[@]}" "$@" "${resume[@]}" &
  isoster_step_pid=$!
  rc=0
  isoster_trapped=0
  wait "$isoster_step_pid" || rc=$?
  # A trapped signal ends `wait` early (status > 128) whatever the step does: wait again, which
  # also returns the status of a step that has ended meanwhile.
  while [ "$rc" -gt 128 ] && [ "$isoster_trapped" = 1 ]; do
    isoster_trapped=0
    rc=0
    wait "$isoster_step_pid" || rc=$?
  done
  trap - USR1 TERM
  if [ "$rc" -eq 3 ]; then
    if [ -z "${SLURM_JOB_ID:-}" ]; then
      isoster_log "drained; run the same command again to resume"
    elif [ "$isoster_warned" != 1 ]; then
      isoster_log "drained without the time-limit warning (scancel, stop file): not resubmitted;" \
        "submit the job again to resume"
    elif [ "$ISOSTER_ROUND" -lt "$ISOSTER_MAX_RESUBMIT" ]; then
      next=$(isoster_resubmit "$script" "${isoster_script_args[@]}")
      isoster_log "drained; resubmitted as job $next (round $((ISOSTER_ROUND + 1)))"
    else
      isoster_log "drained; not resubmitted: ISOSTER_MAX_RESUBMIT=$ISOSTER_MAX_RESUBMIT reached"
    fi
  fi
  return "$rc"
}
