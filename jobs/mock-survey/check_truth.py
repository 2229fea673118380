"""Compares a mock survey's campaign results with the truth table of `isoster mock`.

For each galaxy: the median ellipticity and position angle of its isophotes between 0.5 and 2
effective radii, against the true eps and PA (PA only where eps > 0.1, modulo 180 degrees).
Prints the median absolute errors; exits 1 when a galaxy failed or the median |d eps| > 0.03.
usage: check_truth.py RESULTS.h5 TRUTH.csv
"""
import csv
import sys

import h5py
import numpy as np

results, truth_path = sys.argv[1:3]
truth = {row["id"]: row for row in csv.DictReader(open(truth_path))}
with h5py.File(results, "r") as f:
    gal, iso = f["galaxies"], f["isophotes"]
    ids = [s.decode() for s in gal["ID"][:]]
    status, offset, count = gal["STATUS"][:], gal["OFFSET"][:], gal["COUNT"][:]
    sma, ellip, pa = iso["SMA"][:], iso["ELLIP"][:], iso["PA"][:]
d_eps, d_pa = [], []
for k, gid in enumerate(ids):
    if status[k] != 0:
        sys.exit(f"{gid}: status {status[k]}")
    t = truth[gid]
    re, eps, pa_true = float(t["re"]), float(t["eps"]), float(t["pa"])
    rows = slice(offset[k], offset[k] + count[k])
    sel = (sma[rows] >= 0.5 * re) & (sma[rows] <= 2 * re)
    if not sel.any():
        continue
    d_eps.append(abs(np.median(ellip[rows][sel]) - eps))
    if eps > 0.1:
        d = (np.median(pa[rows][sel]) - pa_true + 90) % 180 - 90
        d_pa.append(abs(d))
med_eps, med_pa = np.median(d_eps), np.median(d_pa)
print(f"{len(ids)} galaxies: median |d eps| = {med_eps:.4f} ({len(d_eps)} measured), "
      f"median |d PA| = {med_pa:.2f} deg ({len(d_pa)} with eps > 0.1)")
sys.exit(0 if med_eps <= 0.03 else 1)
