#!/usr/bin/env python3
"""Writes a training CSV for the serving bench's FastTree model: 30 float features f0..f29 and a binary label from a
noisy linear rule. Plain Python (no numpy).

    make_training_data.py <file> [rows]
"""
import random
import sys


def main(path, rows):
    rng = random.Random(7)
    weights = [rng.gauss(0, 1) for _ in range(30)]
    with open(path, "w") as f:
        f.write(",".join([f"f{i}" for i in range(30)] + ["label"]) + "\n")
        for _ in range(rows):
            x = [rng.gauss(0, 1) for _ in range(30)]
            label = 1 if sum(w * v for w, v in zip(weights, x)) + rng.gauss(0, 1) > 0 else 0
            f.write(",".join(f"{v:.6g}" for v in x) + f",{label}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
