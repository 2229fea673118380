"""One line per galaxy of a campaign results file (docs/output-format.md).

usage: python3 scripts/campaign_summary.py RESULTS.h5
"""
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as f:
    gal, iso = f["galaxies"], f["isophotes"]
    for k, gid in enumerate(gal["ID"][:]):
        gid = gid.decode()
        if gal["STATUS"][k] != 0:
            print(f"{gid}: status {gal['STATUS'][k]}: {gal['MESSAGE'][k].decode()}")
            continue
        rows = slice(gal["OFFSET"][k], gal["OFFSET"][k] + gal["COUNT"][k])
        sma, stop = iso["SMA"][rows], iso["STOP"][rows]
        codes, counts = np.unique(stop[sma > 0], return_counts=True)
        stops = " ".join(f"{c}:{n}" for c, n in zip(codes, counts))
        print(f"{gid}: {gal['COUNT'][k]} isophotes to sma {sma.max():.2f} px, centre "
              f"({iso['X0'][rows][-1]:.2f}, {iso['Y0'][rows][-1]:.2f}), stop codes {stops}, "
              f"fit {f['run/FIT_TIME'][k] * 1e3:.1f} ms on rank {f['run/RANK'][k]}")
    print(f"{f.attrs['galaxies']} galaxies, {f.attrs['isophotes']} isophotes, "
          f"{f.attrs['ranks']} ranks x {f.attrs['threads']} threads -> {sys.argv[1]}")
