# shellcheck shell=bash
# A single-host SLURM on 127.0.0.1 for the tests, every file under one folder (sourced).
#   slurm_up DIR     writes DIR/etc/slurm.conf, exports SLURM_CONF, starts slurmctld and slurmd,
#                    waits until the node is idle. auth/none: no munge daemon to manage.
#   slurm_down DIR   stops the daemons by the PIDs in their pid files, whatever their state.
#   slurm_wait JOBID [SECONDS]  polls squeue until the job (or every task of an array) has left
#                    the queue; fails after SECONDS (default 300).
# The node has a GRES of 2 stand-in GPUs (plain files as device files) so that GPU templates can be scheduled.

slurm_up() {
  local t
  t=$(realpath "$1")
  mkdir -p "$t"/{etc,state,spool/localhost,log,run}
  rm -rf "${t:?}/state"/*
  chmod 755 "$t"
  export SLURM_CONF=$t/etc/slurm.conf  # before any Slurm command: no DNS lookups off the machine
  local n
  n=$(nproc --all)
  cat > "$SLURM_CONF" <<CONF
ClusterName=isoster-test
SlurmctldHost=localhost
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool/%n
SlurmctldPidFile=$t/run/slurmctld.pid
SlurmdPidFile=$t/run/slurmd-%n.pid
SlurmctldLogFile=$t/log/slurmctld.log
SlurmdLogFile=$t/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MailProg=/bin/true
MpiDefault=pmix
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=10
GresTypes=gpu
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$n Boards=1 SocketsPerBoard=1 CoresPerSocket=$n ThreadsPerCore=1 RealMemory=8000 Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  # Two stand-in GPU device files: SLURM schedules and binds them like real ones.
  mkdir -p "$t/dev"
  touch "$t/dev/gpu0" "$t/dev/gpu1"
  printf 'AutoDetect=off\nNodeName=localhost Name=gpu File=%s/dev/gpu[0-1]\n' "$t" > "$t/etc/gres.conf"
  slurmctld -f "$SLURM_CONF" || return 1
  slurmd -f "$SLURM_CONF" -N localhost || return 1
  local _
  for _ in $(seq 1 120); do
    sinfo -h -n localhost -o %t 2>/dev/null | grep -qx idle && return 0
    sleep 0.25
  done
  echo "slurm_up: the node did not become idle" >&2
  return 1
}

slurm_down() {
  local t pf p _
  t=$(realpath "$1")
  for pf in "$t/run/slurmd-localhost.pid" "$t/run/slurmctld.pid"; do
    [ -f "$pf" ] || continue
    p=$(cat "$pf")
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p"
      for _ in $(seq 1 40); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.25
      done
      kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    fi
    rm -f "$pf"
  done
}

slurm_wait() {
  local jid=$1 limit=${2:-300} start=$SECONDS
  while squeue -h -j "$jid" 2>/dev/null | grep -q .; do
    if [ $((SECONDS - start)) -gt "$limit" ]; then
      echo "slurm_wait: job $jid still queued after $limit s" >&2
      squeue >&2
      return 1
    fi
    sleep 0.2
  done
}
