"""Optuna 3.1's TPE suggestions on Branin, trial by trial, for the exactness test of Cairn's TPE.

Run with Debian's python3-optuna 3.1.0 (numpy 1.24):

    /usr/bin/python3 bench/tuning/optuna_trace.py > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-branin.csv

Same function, parameter names, order and box as Cairn's Branin benchmark (x0 in [-5, 10], x1 in [0, 15]),
TPESampler(seed=s) with its defaults. Columns: seed, trial, x0, x1, value (repr, so every bit survives).
"""
import math
import sys

import optuna

SEEDS = {0: 100, 1: 50, 2: 50}


def branin(x0: float, x1: float) -> float:
    a, r, s = 1.0, 6.0, 10.0
    b, c, t = 5.1 / (4 * math.pi * math.pi), 5 / math.pi, 1 / (8 * math.pi)
    term = x1 - b * x0 * x0 + c * x0 - r
    return a * term * term + s * (1 - t) * math.cos(x0) + s


def main() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert optuna.__version__ == "3.1.0", optuna.__version__
    print("seed,trial,x0,x1,value")
    for seed, trials in SEEDS.items():
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(lambda t: branin(t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)), n_trials=trials)
        for t in study.trials:
            print(f"{seed},{t.number},{t.params['x0']!r},{t.params['x1']!r},{t.value!r}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
