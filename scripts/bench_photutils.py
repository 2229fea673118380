#!/usr/bin/env python3
"""Fit one image with photutils.isophote (benchmark helper for bench_compare.sh).

usage: python bench_photutils.py IMAGE [--plane K] --x0 X --y0 Y [--sma0 10]
           [--eps 0.2] [--pa-deg 90] [--repeat N] [--out table.ecsv]

Loads IMAGE with astropy (a cube: plane K along the first numpy axis), builds
EllipseGeometry(x0, y0, sma0, eps, pa) with pa converted to radians
counter-clockwise from +x, and runs Ellipse(data, geometry=...).fit_image() with
photutils' defaults; NaN pixels are left as they are.  Prints one JSON line:
photutils_version, image, isophotes, fit_seconds (median over --repeat runs,
timed around fit_image only).  The whole-process time is measured by the caller.
Uses only API common to photutils 1.6 and 3.x: 3.x renames fit_image's nclip
to n_clip (so fit_image gets no keywords) and deprecates a positional geometry.
"""
import argparse
import json
import math
import statistics
import time

import numpy as np
import photutils
from astropy.io import fits
from photutils.isophote import Ellipse, EllipseGeometry


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("image")
    p.add_argument("--plane", type=int, default=0)
    p.add_argument("--x0", type=float, required=True)
    p.add_argument("--y0", type=float, required=True)
    p.add_argument("--sma0", type=float, default=10.0)
    p.add_argument("--eps", type=float, default=0.2)
    p.add_argument("--pa-deg", type=float, default=90.0)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--out")
    a = p.parse_args()

    data = fits.getdata(a.image)
    if data.ndim == 3:
        data = data[a.plane]
    data = np.asarray(data, dtype=np.float64)

    times = []
    isolist = None
    for _ in range(max(1, a.repeat)):
        geometry = EllipseGeometry(a.x0, a.y0, a.sma0, a.eps, math.radians(a.pa_deg))
        ellipse = Ellipse(data, geometry=geometry)
        t0 = time.perf_counter()
        isolist = ellipse.fit_image()
        times.append(time.perf_counter() - t0)

    if a.out:
        isolist.to_table().write(a.out, overwrite=True)
    print(json.dumps({
        "photutils_version": photutils.__version__,
        "image": a.image,
        "isophotes": len(isolist),
        "fit_seconds": statistics.median(times),
    }))


if __name__ == "__main__":
    main()
