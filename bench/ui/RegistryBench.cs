using System.Diagnostics;
using System.Globalization;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Server;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The registry list page with many registered models (issue 9: 1,000 models paint in under 500 ms). Starts the real server,
/// seeds N models (two versions, an alias and a tag each) through its registry store, then measures the store call the page
/// makes ("server") and chromium from navigation to the last row on screen ("paint", cold and warm cache, see PaintBench), for the default page
/// of 100 models and for all of them on one page, against the empty page as a baseline.
/// </summary>
internal static class RegistryBench
{
    private const int Repeats = 20;

    public static async Task RunAsync(int modelCount, string backend, string folder)
    {
        Console.WriteLine($"registry list: {modelCount:N0} registered models; backend {Cairn.Storage.BackendStoreUri.Redact(backend)}");
        var app = CairnApp.Create(["--Server:Port=0", $"--Storage:BackendStoreUri={backend}", $"--Artifacts:Destination={folder}/artifacts", "--Logging:LogLevel:Default=Warning"]);
        var address = await app.StartCairnAsync();
        var registry = app.Services.GetRequiredService<IModelRegistryStore>();
        var seedClock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) - 1) < modelCount)
            {
                var name = $"model-{i:00000}";
                await registry.CreateModelAsync(name, $"Model number {i} of the registry list bench", [new KeyValue("team", $"team-{i % 7}")], Actor.Unknown, CancellationToken.None);
                for (var v = 0; v < 2; v++)
                {
                    await registry.CreateVersionAsync(new NewModelVersion(name, $"mlflow-artifacts:/bench/{i}/{v}", $"mlflow-artifacts:/bench/{i}/{v}", null, "", "", []),
                        Actor.Unknown, CancellationToken.None);
                }

                await registry.SetAliasAsync(name, "champion", 2, Actor.Unknown, CancellationToken.None);
            }
        }));
        Console.WriteLine($"seeded in {seedClock.Elapsed.TotalSeconds:0} s");

        var timings = new Timings(Repeats);
        Task Measure(string name, string target, Func<Task> action) => timings.Measure(name, target, action);

        var byName = new[] { new OrderTerm(FilterEntity.Attribute, RegistrySearch.Name, true) };
        foreach (var size in new[] { 100, Math.Min(modelCount, RegistryValidation.MaxSearchModels) })
        {
            await Measure($"model list, server ({size:N0} models)", "—", () =>
                registry.SearchModelsAsync(new RegistryQuery([], byName, size, 0), CancellationToken.None));
        }

        // Baseline in the same run: the same page with a search that matches nothing (the page shell and its Blazor circuit
        // without rows), besides PaintBench's page without Blazor. What the rows add is the difference.
        await using var paint = await PaintBench.StartAsync(address, Repeats);
        await paint.MeasureBaselineAsync();
        await paint.MeasureAsync("model list, baseline (empty search, no rows)", "—", "/models?q=matches-no-model", ".empty");
        foreach (var size in new[] { 100, Math.Min(modelCount, RegistryValidation.MaxSearchModels) })
        {
            var url = size == 100 ? "/models" : $"/models?size={size.ToString(CultureInfo.InvariantCulture)}";
            await paint.MeasureAsync($"model list ({size:N0} rows of {modelCount:N0} models)", "< 500 ms", url,
                $"table[aria-label='Registered models'] tbody tr:nth-child({size})");
        }

        await app.StopAsync();
        timings.PrintTable();

        paint.PrintTables();
    }
}
