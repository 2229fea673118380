#!/usr/bin/env python3
"""Compare an isoster table with an IRAF `ellipse` table (docs/algorithm.md, section 9).

usage: compare_iraf.py ISOSTER.fits IRAF_TABLE.fits [--verbose]
Prints one line per failing row and a summary; exit status 1 on any hard-gate failure.
"""
import sys

import numpy as np
from astropy.io import fits


def main():
    ours = fits.getdata(sys.argv[1], "ISOPHOTES")
    ref = fits.getdata(sys.argv[2], 1)
    verbose = "--verbose" in sys.argv
    fails = 0
    matched = 0
    ndata_bad = 0
    stop_eq = 0
    used = set()
    for r in ref:
        sma = float(r["SMA"])
        d = np.abs(ours["SMA"] - sma)
        k = int(np.argmin(d))
        if d[k] > 1e-4 * max(1.0, sma):
            print(f"unmatched reference row sma={sma}")
            fails += 1
            continue
        used.add(k)
        o = ours[k]
        if sma == 0:
            continue
        matched += 1
        x0, y0 = r["X0"] - 1, r["Y0"] - 1
        pa_ref = (r["PA"] + 90) % 180
        dpa = (o["PA"] - pa_ref + 90) % 180 - 90
        di = abs(o["INTENS"] - r["INTENS"]) / abs(r["INTENS"])
        de = abs(o["ELLIP"] - r["ELLIP"]) / abs(r["ELLIP"])
        big = sma > 3
        ok = (abs(o["X0"] - x0) <= 0.21 and abs(o["Y0"] - y0) <= 0.21 and
              di <= (0.01 if big else 0.05) and de <= (0.01 if big else 0.2) and
              abs(dpa) <= (1 if big else 20))
        if abs(int(o["NDATA"]) - int(r["NDATA"])) > 1:
            ndata_bad += 1
        if int(o["STOP"]) == int(r["STOP"]):
            stop_eq += 1
        if not ok:
            fails += 1
        if verbose or not ok or int(o["STOP"]) != int(r["STOP"]) or int(o["NDATA"]) != int(r["NDATA"]):
            print(f"sma {sma:8.3f} dI {di:.2e} dE {de:.2e} dPA {dpa:+.3f} dx {o['X0']-x0:+.4f} "
                  f"dy {o['Y0']-y0:+.4f} ndata {o['NDATA']}/{r['NDATA']} nflag {o['NFLAG']}/{r['NFLAG']} "
                  f"stop {o['STOP']}/{r['STOP']} niter {o['NITER']}/{r['NITER']} grad {o['GRAD']:.4g}/{r['GRAD']:.4g}"
                  + ("" if ok else "  FAIL"))
    extra = len(ours) - len(used)
    print(f"matched {matched} rows (SMA > 0), {fails} failing, {extra} extra rows, "
          f"NDATA off by >1 on {ndata_bad}, STOP equal on {stop_eq}")
    return 1 if fails or extra or ndata_bad else 0


if __name__ == "__main__":
    sys.exit(main())
