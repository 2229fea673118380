"""Reading campaign results from Python: the example of docs/output-format.md, run by the tests.

usage: python3 read_results.py RESULTS.h5
"""
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as f:
    gal = f["galaxies"]
    iso = f["isophotes"]
    print("isoster", f.attrs["isoster_version"], "-", f.attrs["galaxies"], "galaxies,",
          f.attrs["isophotes"], "isophotes on", f.attrs["ranks"], "ranks")
    ids = [s.decode() for s in gal["ID"][:]]
    status = gal["STATUS"][:]
    # One galaxy: its OFFSET and COUNT select its rows in every /isophotes column.
    k = ids.index("mock1")
    rows = slice(gal["OFFSET"][k], gal["OFFSET"][k] + gal["COUNT"][k])
    sma, intens, eps = iso["SMA"][rows], iso["INTENS"][rows], iso["ELLIP"][rows]
    print(f"{ids[k]}: status {status[k]}, {len(sma)} isophotes, "
          f"I(sma={sma[-1]:.1f}) = {intens[-1]:.3g}")
    # All galaxies at once: GALAXY is the row in /galaxies of each isophote.
    galaxy = iso["GALAXY"][:]
    assert np.all(np.diff(galaxy) >= 0), "isophotes are in catalog order"
    assert np.all(np.diff(sma) > 0), "ascending SMA within a galaxy"
    assert np.array_equal(np.bincount(galaxy, minlength=len(ids)), gal["COUNT"][:])
    assert np.all(status == 0)
    assert abs(np.median(eps[len(eps) // 2:]) - 0) < 0.7
    try:
        import pandas as pd  # optional: a table of every isophote with its galaxy's id
        df = pd.DataFrame({name: iso[name][:] for name in ("GALAXY", "SMA", "INTENS", "ELLIP")})
        df["ID"] = np.array(ids)[df["GALAXY"]]
        print(df.groupby("ID")["SMA"].max().head(3).to_string())
    except ImportError:
        pass
