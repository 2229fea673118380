"""Every citation of the specification resolves to a section of docs/algorithm.md.

usage: python3 spec_citations.py REPOSITORY_ROOT

Code and documents cite the spec as "spec 3.2", "spec §3.2", "spec 1.1-1.2", "spec section 5"
or "spec 2"; docs/algorithm.md refers to its own sections as "§3.2", and other documents as
"algorithm.md §3.2". Each cited number must be a heading of docs/algorithm.md ("## 3. Title" or
"### 3.2 Title"). Exit 1, with one line per unresolved citation, otherwise 0.
"""
import os
import re
import sys

root = sys.argv[1]
SPEC = os.path.join(root, "docs", "algorithm.md")
DIRS = ["src", "include", "tests", "bench", "scripts", "python", "docs", "jobs", "slurm", "cmake"]
FILES = ["README.md", "CMakeLists.txt", "CHANGELOG.md"]
SUFFIXES = (".cpp", ".hpp", ".h", ".cu", ".cuh", ".py", ".sh", ".md", ".txt", ".cmake", ".sbatch",
            ".ini", ".in")

NUMBER = r"\d+(?:\.\d+)?"
CITE = re.compile(r"\bspec(?:ification)?\s+(?:section\s+)?§?(" + NUMBER + r")(?:\s*[-–]\s*(" +
                  NUMBER + r"))?")
SELF = re.compile(r"§(" + NUMBER + r")")
OTHER_DOC = re.compile(r"algorithm\.md\s*§(" + NUMBER + r")")

sections = set()
with open(SPEC, encoding="utf-8") as f:
    for line in f:
        m = re.match(r"^## (\d+)\. ", line) or re.match(r"^### (\d+\.\d+) ", line)
        if m:
            sections.add(m.group(1))
if len(sections) < 20:
    sys.exit(f"{SPEC}: only {len(sections)} numbered sections found")


def cited(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            for m in CITE.finditer(line):
                for g in m.groups():
                    if g:
                        yield lineno, g
            pattern = SELF if os.path.abspath(path) == os.path.abspath(SPEC) else OTHER_DOC
            for m in pattern.finditer(line):
                yield lineno, m.group(1)


paths = [os.path.join(root, f) for f in FILES if os.path.exists(os.path.join(root, f))]
for d in DIRS:
    for dirpath, _, names in os.walk(os.path.join(root, d)):
        paths += [os.path.join(dirpath, n) for n in names if n.endswith(SUFFIXES)]

bad = total = 0
for p in sorted(paths):
    for lineno, number in cited(p):
        total += 1
        if number not in sections:
            bad += 1
            print(f"{os.path.relpath(p, root)}:{lineno}: spec {number} is not a section of "
                  "docs/algorithm.md")
print(f"{total} citations, {len(sections)} sections, {bad} unresolved")
sys.exit(1 if bad or total < 50 else 0)
