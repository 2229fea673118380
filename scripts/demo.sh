#!/usr/bin/env bash
# The main job on the bundled examples: install, build, then fit every example galaxy as a campaign
# (jobs/examples/) with mpirun, one rank per core, into one HDF5 file, and print a one-line summary
# per galaxy. Usage: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release-native
# Open MPI refuses root unless told; oversubscription is harmless here; loopback only.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader OMPI_MCA_oob_tcp_if_include=lo
mkdir -p out/demo
mpirun -n "$(nproc)" ./build/src/isoster campaign --catalog jobs/examples/catalog.csv \
  --config jobs/examples/campaign.ini --output out/demo/examples.h5 --threads 1 --overwrite
/usr/bin/python3 scripts/campaign_summary.py out/demo/examples.h5
