"""Optuna 3.1's per-seed TPE regrets on Branin, in the format of `Cairn.Bench.Tuning.dll tpe-seeds branin N`.

    /usr/bin/python3 bench/tuning/optuna_seeds.py 100 > optuna-seeds.txt

One line per seed: seed, regret after 50 and after 100 evaluations (best value − 0.397887, as repr).
TPESampler(seed=s) defaults, same function, parameter names and box as Cairn's benchmark (see optuna_trace.py).
"""
import sys

import optuna

from optuna_trace import branin

MINIMUM = 0.397887


def main() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    for seed in range(count):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(branin, n_trials=100)
        values = [t.value for t in study.trials]
        print(seed, repr(max(0.0, min(values[:50]) - MINIMUM)), repr(max(0.0, min(values) - MINIMUM)), flush=True)


if __name__ == "__main__":
    main()
