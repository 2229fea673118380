#!/usr/bin/env bash
# Installs the Debian packages isoster needs to build and test (Debian 12). Skips apt entirely when
# everything is already installed. With --tests, also what the tests alone need: a single-host
# SLURM (daemons and clients), shellcheck and pandas.
# Usage: bash scripts/install-deps.sh [--tests]
set -euo pipefail

packages=(build-essential cmake pkg-config libcfitsio-dev libeigen3-dev
          libboost-program-options-dev libgtest-dev libbenchmark-dev
          libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
          python3-h5py python3-astropy python3-numpy python3-matplotlib)
if [ "${1:-}" = "--tests" ]; then
  packages+=(slurmctld slurmd slurm-client shellcheck python3-pandas)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
  "${missing[@]}"
