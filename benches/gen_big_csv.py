#!/usr/bin/env python3
"""Write the benchmark CSV: N rows (default 10 million) of `sample,diameter`, subgroups of
five rows, diameters ~ N(74.0, 0.01) with 5 decimals (about 163 MB for 10 million rows).
Usage: gen_big_csv.py OUT [N]. Pure Python + random (no numpy needed); seed fixed."""
import random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
rng = random.Random(20240301)
gauss = rng.gauss
with open(out, "w", buffering=1 << 22) as f:
    f.write("sample,diameter\n")
    chunk = []
    for i in range(n):
        chunk.append(f"{i // 5 + 1},{gauss(74.0, 0.01):.5f}\n")
        if len(chunk) == 100_000:
            f.write("".join(chunk))
            chunk.clear()
    f.write("".join(chunk))
