// Regret tables for the samplers on the benchmark functions, the 200-seed random-search check against the exact
// reference values, and TPE suggestion latency with 1,000 finished trials and 10 parameters.
//
//   dotnet run --project bench/tuning -c Release -- [regret|tpe-variants|tpe-seeds|gp-variants|random200|latency|gp-latency|all] [samplers,comma,separated] [functions,comma,separated]
using System.Diagnostics;
using System.Globalization;
using Cairn.Tuning.Benchmarks;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var what = args.Length > 0 ? args[0] : "all";

if (what is "regret" or "all")
{
    Console.WriteLine("| function | sampler | median @50 [IQR] | median @100 [IQR] | seeds < 0.1 @100 | wall time (20 runs) |");
    Console.WriteLine("|---|---|---|---|---|---|");
    var samplers = new (string Name, Func<int, ISampler> Make)[]
    {
        ("random", s => new RandomSampler(s)), ("sobol", s => new SobolSampler(s)), ("tpe", s => new TpeSampler(s)),
        ("mtpe", s => new TpeSampler(s, new TpeOptions { Multivariate = true })), ("gp", s => new GpSampler(s)),
    };
    var chosen = args.Length > 1 ? args[1].Split(',') : samplers.Select(s => s.Name).ToArray();
    var functions = args.Length > 2 ? args[2].Split(',') : BenchmarkFunction.All.Select(f => f.Name).ToArray();
    var total = Stopwatch.StartNew();
    foreach (var function in BenchmarkFunction.All.Where(f => functions.Contains(f.Name)))
    {
        foreach (var (name, make) in samplers.Where(s => chosen.Contains(s.Name)))
        {
            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, 20).Select(seed => Task.Run(() => RegretRun.RunAsync(function, make(seed), 100))));
            Console.WriteLine($"| {function.Name} | {name} | {Cell(runs, 49)} | {Cell(runs, 99)} | {runs.Count(r => r[99] < 0.1)}/20 | {clock.Elapsed.TotalSeconds:F0} s |");
        }
    }

    Console.Error.WriteLine($"regret tables took {total.Elapsed.TotalSeconds:F0} s");
}

if (what is "tpe-variants")
{
    // TPE settings against the Branin and Hartmann-6 targets, on seeds 0-19 (the targets' seeds) and 0-99.
    var variants = new (string Name, TpeOptions Options)[]
    {
        ("defaults", new TpeOptions()),
        ("consider_endpoints", new TpeOptions { ConsiderEndpoints = true }),
        ("prior_weight 0.5", new TpeOptions { PriorWeight = 0.5 }),
        ("prior_weight 2", new TpeOptions { PriorWeight = 2 }),
        ("no magic clip", new TpeOptions { ConsiderMagicClip = false }),
        ("n_startup 5", new TpeOptions { StartupTrials = 5 }),
        ("n_startup 20", new TpeOptions { StartupTrials = 20 }),
        ("n_ei_candidates 48", new TpeOptions { EiCandidates = 48 }),
        ("multivariate", new TpeOptions { Multivariate = true }),
        ("normalised kernels", new TpeOptions { NormalizedKernels = true }),
        ("Optuna 5 (multivariate + normalised kernels)", new TpeOptions { Multivariate = true, NormalizedKernels = true }),
    };
    var only = args.Length > 1 ? args[1].Split(',') : null;
    variants = [.. variants.Where(v => only is null || only.Contains(v.Name))];
    Console.WriteLine("| TPE setting | function | seeds 0-19 @50 / @100 | seeds 0-99 @50 / @100 |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var (name, options) in variants)
    {
        foreach (var function in new[] { BenchmarkFunction.Branin, BenchmarkFunction.Hartmann6 })
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 100).Select(seed => Task.Run(() => RegretRun.RunAsync(function, new TpeSampler(seed, options), 100))));
            var first = runs.Take(20).ToArray();
            Console.WriteLine($"| {name} | {function.Name} | {RegretRun.Median(first.Select(r => r[49])):G3} / {RegretRun.Median(first.Select(r => r[99])):G3} | " +
                $"{RegretRun.Median(runs.Select(r => r[49])):G3} / {RegretRun.Median(runs.Select(r => r[99])):G3} |");
        }
    }
}

if (what is "tpe-seeds")
{
    // Per-seed regrets at 50 and 100 (seed, r50, r100), to compare whole distributions with another implementation's.
    var function = BenchmarkFunction.All.Single(f => f.Name == (args.Length > 1 ? args[1] : "branin"));
    var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
    var runs = await Task.WhenAll(Enumerable.Range(0, count).Select(seed => Task.Run(() => RegretRun.RunAsync(function, new TpeSampler(seed), 100))));
    for (var seed = 0; seed < count; seed++)
    {
        Console.WriteLine($"{seed} {runs[seed][49]:R} {runs[seed][99]:R}");
    }

    for (var block = 0; block + 20 <= count; block += 20)
    {
        var seeds = runs.Skip(block).Take(20).ToList();
        Console.Error.WriteLine($"seeds {block}-{block + 19}: median @50 {RegretRun.Median(seeds.Select(r => r[49])):G3}, @100 {RegretRun.Median(seeds.Select(r => r[99])):G3}");
    }
}

if (what is "gp-variants")
{
    // GP-BO settings on one function (default hartmann6), 20 seeds from the given first one (default 0), median regret at 50
    // and at the budget (default 50).
    var variants = new (string Name, GpOptions Options)[]
    {
        ("defaults", new GpOptions()),
        ("no kernel prior", new GpOptions { KernelPrior = false }),
        ("minimum noise 1e-6", new GpOptions { MinimumNoise = 1e-6 }),
        ("5 local searches", new GpOptions { LocalSearches = 5 }),
        ("20 local searches", new GpOptions { LocalSearches = 20 }),
        ("start-up 10", new GpOptions { StartupTrials = 10 }),
        ("no fit restarts", new GpOptions { FitRestarts = 0 }),
        ("5 fit restarts", new GpOptions { FitRestarts = 5 }),
        ("2048 Sobol candidates", new GpOptions { CandidatesPerColumn = 342 }),
        ("no local candidates", new GpOptions { LocalCandidates = 0 }),
    };
    var only = args.Length > 1 && args[1] != "all" ? args[1].Split(',') : null;
    var function = BenchmarkFunction.All.Single(f => f.Name == (args.Length > 2 ? args[2] : "hartmann6"));
    var budget = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 50;
    var firstSeed = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
    Console.WriteLine($"| GP setting | function | median @50 [IQR] | median @{budget} [IQR] | seeds < 0.1 @{budget} | wall time (20 runs) |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (name, options) in variants.Where(v => only is null || only.Contains(v.Name)))
    {
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(firstSeed, 20).Select(seed => Task.Run(() => RegretRun.RunAsync(function, new GpSampler(seed, options), budget))));
        Console.WriteLine($"| {name} | {function.Name} | {Cell(runs, 49)} | {Cell(runs, budget - 1)} | {runs.Count(r => r[budget - 1] < 0.1)}/20 | {clock.Elapsed.TotalSeconds:F0} s |");
    }
}

if (what is "gp-latency")
{
    // GP-BO suggestion time with 200 complete trials (reference §6.4.8: < 1 s). The history is 200 uniform random points
    // (a GP's cost depends on the number of trials, not on where they are); each timed ask is told before the next.
    foreach (var function in new[] { BenchmarkFunction.Branin, BenchmarkFunction.Hartmann6 })
    {
        var history = new Study(Direction.Minimize, new RandomSampler(1));
        await history.OptimizeAsync((t, _) => ValueTask.FromResult(function.Evaluate(function.Domain.Select((r, i) => t.SuggestFloat("x" + i, r.Low, r.High)).ToArray())),
            new OptimizeOptions { MaxTrials = 200 });
        var study = Study.Restore(Direction.Minimize, new GpSampler(1), null, history.Trials);
        // Wall time, and the process's CPU time (the suggestion runs on one thread), which a shared machine inflates less.
        var (timings, cpu) = (new List<double>(), new List<double>());
        using var process = Process.GetCurrentProcess();
        for (var n = 0; n < 20; n++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var trial = study.Ask();
            var x = function.Domain.Select((r, i) => trial.SuggestFloat("x" + i, r.Low, r.High)).ToArray();
            timings.Add(clock.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            study.Tell(trial.Number, function.Evaluate(x));
        }

        Console.WriteLine($"GP-BO, {function.Name} ({function.Dimensions} parameters), trials 200-219: suggestion wall p50 {RegretRun.Median(timings):F0} ms, " +
            $"p95 {RegretRun.PercentileOf(timings, 95):F0} ms; CPU p50 {RegretRun.Median(cpu):F0} ms, p95 {RegretRun.PercentileOf(cpu, 95):F0} ms");
    }
}

if (what is "random200" or "all")
{
    // Exact medians of best-of-100 regret for uniform random search (reference §5.2), with the allowed bands.
    foreach (var (function, exact, band) in new[] { (BenchmarkFunction.Branin, 0.358, 0.30), (BenchmarkFunction.Hartmann6, 1.29, 0.12) })
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 200).Select(seed => Task.Run(() => RegretRun.RunAsync(function, new RandomSampler(seed), 100))));
        var median = RegretRun.Median(runs.Select(r => r[99]));
        var ok = Math.Abs(median / exact - 1) <= band;
        Console.WriteLine($"random search, {function.Name}, 200 seeds x 100: median regret {median:G4} (exact {exact}, band ±{band:P0}) {(ok ? "PASS" : "FAIL")}");
    }
}

if (what is "latency" or "all")
{
    var study = new Study(Direction.Minimize, new TpeSampler(1));
    var random = new Random(1);
    var timings = new List<double>();
    for (var n = 0; n < 1100; n++)
    {
        var trial = study.Ask();
        var clock = Stopwatch.StartNew();
        var value = Enumerable.Range(0, 10).Sum(i => Math.Pow(trial.SuggestFloat($"p{i}", 0, 1) - 0.3, 2));
        if (n >= 1000)
        {
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        study.Tell(trial.Number, value + 0.01 * random.NextDouble());
    }

    Console.WriteLine($"TPE, 10 parameters, trials 1,000-1,099: suggestion of all 10 parameters p50 {RegretRun.Median(timings):F1} ms, p95 {RegretRun.PercentileOf(timings, 95):F1} ms");
}

static string Cell(double[][] runs, int index)
{
    var values = runs.Select(r => r[index]).ToList();
    return $"{RegretRun.Median(values):G3} [{RegretRun.PercentileOf(values, 25):G2}–{RegretRun.PercentileOf(values, 75):G2}]";
}
