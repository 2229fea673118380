#!/usr/bin/env python3
"""Compare an isoster table (--compat photutils) with a photutils.isophote table.

usage: compare_photutils.py ISOSTER.fits PHOTUTILS.ecsv
The photutils table is what scripts/bench_photutils.py --out writes (photutils' own to_table()).
Rows are matched by SMA; prints the largest differences and the rows whose counts or stop codes
differ.
"""
import sys

import numpy as np
from astropy.io import fits
from astropy.table import Table


def main():
    ours = fits.getdata(sys.argv[1], "ISOPHOTES")
    ph = Table.read(sys.argv[2], format="ascii.ecsv")
    cols = {c.lower(): c for c in ph.colnames}
    def col(name, *alts):
        for n in (name,) + alts:
            if n in cols:
                return np.asarray(ph[cols[n]], dtype=float)
        raise KeyError(name)
    sma = col("sma")
    intens = col("intens")
    eps = col("ellipticity")
    pa = col("pa")  # degrees in photutils' table
    x0, y0 = col("x0"), col("y0")
    ndata = col("ndata", "n_data")
    stop = col("stop_code")
    worst = dict(intens=0.0, eps=0.0, pa=0.0, centre=0.0)
    matched = nd_same = stop_same = 0
    for k in range(len(sma)):
        if sma[k] == 0:
            continue
        d = np.abs(ours["SMA"] - sma[k])
        j = int(np.argmin(d))
        if d[j] > 1e-6 * max(1.0, sma[k]):
            print(f"photutils row sma={sma[k]:.3f} has no isoster row")
            continue
        o = ours[j]
        matched += 1
        worst["intens"] = max(worst["intens"], abs(o["INTENS"] / intens[k] - 1))
        worst["eps"] = max(worst["eps"], abs(o["ELLIP"] - eps[k]))
        dpa = (o["PA"] - pa[k] + 90) % 180 - 90
        if eps[k] > 0.05:
            worst["pa"] = max(worst["pa"], abs(dpa))
        worst["centre"] = max(worst["centre"], abs(o["X0"] - x0[k]), abs(o["Y0"] - y0[k]))
        nd_same += int(o["NDATA"]) == int(ndata[k])
        stop_same += int(o["STOP"]) == int(stop[k])
        if int(o["STOP"]) != int(stop[k]) or int(o["NDATA"]) != int(ndata[k]):
            print(f"sma {sma[k]:8.3f}: ndata {o['NDATA']}/{int(ndata[k])} stop {o['STOP']}/{int(stop[k])}"
                  f" niter {o['NITER']}")
    print(f"rows: isoster {len(ours)}, photutils {len(sma)}; matched {matched} (sma > 0); "
          f"NDATA equal on {nd_same}, STOP equal on {stop_same}")
    print("max |dI/I| {intens:.2e}, max |d eps| {eps:.2e}, max |d PA| {pa:.3f} deg, "
          "max |d centre| {centre:.4f} px".format(**worst))


if __name__ == "__main__":
    main()
