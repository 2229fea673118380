#!/usr/bin/env python3
"""photutils' counterparts of `isoster forced` and `isoster model` (docs/benchmarks.md).

usage: python3 bench_photutils_forced_model.py IMAGE --x0 X --y0 Y

On IMAGE (synth_highsnr in the benchmark), timed separately:
  forced  50 fixed-geometry measurements, Ellipse(data, geometry).fit_isophote(sma,
          noniterate=True) at SMA 1..100 (linear), geometry (x0, y0, eps 0.2, PA 45 deg):
          photutils' way to measure without iterating;
  model   build_ellipse_model(data.shape, isolist) for the isolist of a default fit_image().
Prints one JSON line: photutils_version, forced_seconds, model_seconds, isophotes.
"""
import argparse
import json
import math
import time

import numpy as np
import photutils
from astropy.io import fits
from photutils.isophote import Ellipse, EllipseGeometry, build_ellipse_model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("image")
    p.add_argument("--x0", type=float, required=True)
    p.add_argument("--y0", type=float, required=True)
    a = p.parse_args()
    data = fits.getdata(a.image).astype(float)
    geom = EllipseGeometry(x0=a.x0, y0=a.y0, sma=10.0, eps=0.2, pa=math.radians(45.0))
    ell = Ellipse(data, geometry=geom)
    smas = 1.0 + np.arange(50) * 99.0 / 49
    t0 = time.perf_counter()
    for sma in smas:
        ell.fit_isophote(sma, noniterate=True)
    forced = time.perf_counter() - t0
    fitg = EllipseGeometry(x0=a.x0, y0=a.y0, sma=10.0, eps=0.2, pa=math.radians(90.0))
    isolist = Ellipse(data, geometry=fitg).fit_image()
    t0 = time.perf_counter()
    build_ellipse_model(data.shape, isolist)
    model = time.perf_counter() - t0
    print(json.dumps({"photutils_version": photutils.__version__, "forced_seconds": forced,
                      "model_seconds": model, "isophotes": len(isolist)}))


main()
