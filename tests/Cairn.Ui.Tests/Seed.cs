using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Ui.Tests;

/// <summary>Test data written through the MLflow REST API, as any client would.</summary>
internal static class Seed
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public static async Task<string> RunAsync(MlflowHttp client, string experimentId, string name, long startTime = 1_700_000_000_000)
        => await client.CreateRunAsync(experimentId, startTime, runName: name);

    public static async Task LogAsync(MlflowHttp client, string runId, IEnumerable<(string Key, double Value, long Step)> metrics,
        IEnumerable<(string Key, string Value)>? parameters = null)
    {
        foreach (var chunk in metrics.Chunk(1_000))
        {
            await client.OkAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics = chunk.Select(m => new { key = m.Key, value = m.Value, timestamp = 1_700_000_000_000 + m.Step * 10, step = m.Step }).ToArray(),
            });
        }

        if (parameters is not null)
        {
            await client.OkAsync("runs/log-batch", new { run_id = runId, @params = parameters.Select(p => new { key = p.Key, value = p.Value }).ToArray() });
        }
    }
}
