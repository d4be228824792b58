"""Optuna 3.1's TPE suggestions, trial by trial, for the exactness tests of Cairn's TPE (TpeOptunaTraceTests).

Run with Debian's python3-optuna 3.1.0 (numpy 1.24):

    /usr/bin/python3 bench/tuning/optuna_trace.py branin > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-branin.csv
    /usr/bin/python3 bench/tuning/optuna_trace.py mixed > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-mixed.csv
    /usr/bin/python3 bench/tuning/optuna_trace.py conditional > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-conditional.csv
    /usr/bin/python3 bench/tuning/optuna_trace.py pruned > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-pruned.csv
    /usr/bin/python3 bench/tuning/optuna_trace.py multivariate-branin > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-multivariate-branin.csv
    /usr/bin/python3 bench/tuning/optuna_trace.py multivariate-mixed > tests/Cairn.Tuning.Tests/Data/optuna31-tpe-multivariate-mixed.csv

branin: the same function, parameter names, order and box as Cairn's Branin benchmark (x0 in [-5, 10], x1 in
[0, 15]), seeds 0 (100 trials), 1 and 2 (50 each). mixed: one parameter of each kind (log float, stepped float, int,
log int, categorical), seeds 0 and 1, 40 trials. conditional: a categorical choosing which of three parameters
exists (a float, a stepped int, a log float), seeds 0 and 3, 40 trials. pruned: Branin reporting 2·value at step 0
and 1.5·value at step 1, pruned after step 0 when x0 > 5 and after step 1 when x1 > 11, seed 0, 50 trials.
multivariate-branin (seeds 0 and 1, 50 trials) and multivariate-mixed (seed 0, 40 trials): the same with
multivariate=True. TPESampler(seed=s) with its defaults otherwise. One
row per trial: seed, trial, then the parameters in suggestion order (categories as their index; empty when the trial
has no such parameter) and the value, as repr so every bit survives.
"""
import math
import sys

import optuna


def branin(trial: optuna.Trial) -> float:
    x0, x1 = trial.suggest_float("x0", -5, 10), trial.suggest_float("x1", 0, 15)
    a, r, s = 1.0, 6.0, 10.0
    b, c, t = 5.1 / (4 * math.pi * math.pi), 5 / math.pi, 1 / (8 * math.pi)
    term = x1 - b * x0 * x0 + c * x0 - r
    return a * term * term + s * (1 - t) * math.cos(x0) + s


KINDS = ["a", "b", "c"]


def mixed(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1, log=True)
    drop = trial.suggest_float("drop", 0, 0.5, step=0.1)
    units = trial.suggest_int("units", 1, 12)
    layers = trial.suggest_int("layers", 1, 64, log=True)
    kind = trial.suggest_categorical("kind", KINDS)
    u = math.log(lr) + 5.0
    return u * u + 10 * (drop - 0.2) * (drop - 0.2) + (units - 7) * (units - 7) / 10 + abs(layers - 8) / 8 + [0.3, 0.0, 0.6][KINDS.index(kind)]


def conditional(trial: optuna.Trial) -> float:
    kind = trial.suggest_categorical("kind", KINDS)
    if kind == "a":
        x = trial.suggest_float("x", -3, 3)
        return x * x + 0.5
    if kind == "b":
        k = trial.suggest_int("k", 0, 8, step=2)
        return abs(k - 4) / 4
    z = trial.suggest_float("z", 0.01, 100, log=True)
    return abs(math.log(z) - 1)


def pruned(trial: optuna.Trial) -> float:
    value = branin(trial)
    trial.report(2 * value, 0)
    if trial.params["x0"] > 5:
        raise optuna.TrialPruned()
    trial.report(1.5 * value, 1)
    if trial.params["x1"] > 11:
        raise optuna.TrialPruned()
    return value


STUDIES = {
    "branin": (branin, ["x0", "x1"], {0: 100, 1: 50, 2: 50}),
    "mixed": (mixed, ["lr", "drop", "units", "layers", "kind"], {0: 40, 1: 40}),
    "conditional": (conditional, ["kind", "x", "k", "z"], {0: 40, 3: 40}),
    "pruned": (pruned, ["x0", "x1"], {0: 50}),
    "multivariate-branin": (branin, ["x0", "x1"], {0: 50, 1: 50}),
    "multivariate-mixed": (mixed, ["lr", "drop", "units", "layers", "kind"], {0: 40}),
}


def main() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert optuna.__version__ == "3.1.0", optuna.__version__
    which = sys.argv[1] if len(sys.argv) > 1 else "branin"
    objective, names, seeds = STUDIES[which]
    multivariate = which.startswith("multivariate")
    print(",".join(["seed", "trial", *names, "value"]))
    for seed, trials in seeds.items():
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=multivariate, warn_independent_sampling=False)
        study = optuna.create_study(sampler=sampler)
        study.optimize(objective, n_trials=trials)
        for t in study.trials:
            values = [KINDS.index(t.params[n]) if n == "kind" else t.params.get(n, "") for n in names]
            print(",".join([str(seed), str(t.number), *(repr(v) if v != "" else "" for v in values), repr(t.value)]))


if __name__ == "__main__":
    main()
