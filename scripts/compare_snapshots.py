"""Bitwise comparison of two output snapshots (scripts/snapshot_outputs.sh).

usage: /usr/bin/python3 scripts/compare_snapshots.py OLD_DIR NEW_DIR

Every file must exist in both folders and be equal byte for byte, except for what records the
build or the clock rather than the science:
  * FITS: the ISOREV header card (the git revision), CHECKSUM (it covers that card) and the time
    in DATASUM's comment;
  * ECSV: the ISOREV line of its header;
  * HDF5 (campaign results): /galaxies and /isophotes are compared dataset by dataset, bitwise,
    and every root attribute except git_revision, start_utc and end_utc; /run (ranks, timings)
    is not compared.
Exit 0 when equal, 1 with one line per difference otherwise.
"""
import os
import re
import sys

import h5py
import numpy as np

IGNORED_ATTRS = {"git_revision", "start_utc", "end_utc"}
def blank_fits(data):
    """The header cards that record the build or the clock blanked: ISOREV, CHECKSUM (which
    covers the header, hence ISOREV) and DATASUM's comment (a time; its value is compared)."""
    out = bytearray(data)
    for k in range(0, len(out) - 80 + 1, 80):
        key = bytes(out[k:k + 8])
        if key in (b"ISOREV  ", b"CHECKSUM"):
            out[k:k + 80] = b" " * 80
        elif key == b"DATASUM ":
            out[k + 30:k + 80] = b" " * 50
    return bytes(out)


def blank_text(data):
    return re.sub(rb"(?m)^.*ISOREV.*$", b"", data)


def compare_h5(a, b, rel, diffs):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for key in sorted(set(fa.attrs) | set(fb.attrs)):
            if key in IGNORED_ATTRS:
                continue
            if key not in fa.attrs or key not in fb.attrs:
                diffs.append(f"{rel}: attribute {key} only in one file")
            elif np.asarray(fa.attrs[key]).tobytes() != np.asarray(fb.attrs[key]).tobytes():
                diffs.append(f"{rel}: attribute {key} differs")
        for group in ("galaxies", "isophotes"):
            na, nb = set(fa[group]), set(fb[group])
            if na != nb:
                diffs.append(f"{rel}: /{group} columns differ: {sorted(na ^ nb)}")
            for name in sorted(na & nb):
                da, db = fa[group][name], fb[group][name]
                if da.dtype != db.dtype or da.shape != db.shape:
                    diffs.append(f"{rel}: /{group}/{name} type or shape differs")
                elif da[()].tobytes() != db[()].tobytes():
                    diffs.append(f"{rel}: /{group}/{name} differs")
                elif dict(da.attrs) != dict(db.attrs):
                    diffs.append(f"{rel}: /{group}/{name} attributes differ")


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def main():
    old, new = sys.argv[1], sys.argv[2]
    fo, fn = files(old), files(new)
    diffs = [f"{p}: only in {old}" for p in sorted(fo - fn)]
    diffs += [f"{p}: only in {new}" for p in sorted(fn - fo)]
    common = sorted(fo & fn)
    for rel in common:
        a, b = os.path.join(old, rel), os.path.join(new, rel)
        if rel.endswith(".h5"):
            compare_h5(a, b, rel, diffs)
            continue
        da, db = open(a, "rb").read(), open(b, "rb").read()
        if rel.endswith(".fits"):
            da, db = blank_fits(da), blank_fits(db)
        elif rel.endswith(".ecsv"):
            da, db = blank_text(da), blank_text(db)
        if da != db:
            diffs.append(f"{rel}: differs")
    for d in diffs:
        print(d)
    print(f"{len(common)} files compared, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
