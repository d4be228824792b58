using Cairn.Client;
using Cairn.Serving.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cairn.Serving.Models;

/// <summary>
/// Hot swap: polls the registry for models served by alias, stage or "latest", and when the version they point at
/// changes, loads the new version beside the old one and swaps it in. Requests in flight finish on the old model,
/// which is released after the last of them; a version that fails to load leaves the old one serving.
/// </summary>
internal sealed class ModelWatcher(ServedModels models, CairnClient registry, IOptions<ServingOptions> options, ILogger<ModelWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);
        if (interval <= TimeSpan.Zero || !models.All.Any(m => ServedModelLoader.Follows(m.Source)))
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var model in models.All.Where(m => ServedModelLoader.Follows(m.Source)))
            {
                await CheckAsync(model, stoppingToken);
            }
        }
    }

    private async Task CheckAsync(ServedModel current, CancellationToken cancellationToken)
    {
        try
        {
            var (_, version) = await ServedModelLoader.PinAsync(registry, current.Source, cancellationToken);
            if (version is null || version == current.Version)
            {
                return;
            }

            var replacement = await ServedModelLoader.LoadAsync(registry, new ModelSource(current.Name, current.Source), cancellationToken);
            replacement.EnableBatching(options.Value.BatchingFor(current.Name));
            var old = models.Replace(replacement);
            old.Retire();
            ServingLog.ModelSwapped(logger, current.Name, old.Version ?? "-", replacement.Version ?? "-", current.Source, replacement.LoadTime.TotalSeconds);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ServingLog.SwapFailed(logger, current.Name, current.Source, error);
        }
    }
}
