using System.Collections.Concurrent;
using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Faults;

/// <summary>
/// Numbered log-batch requests and what became of each: acknowledged (200), refused with a 503, or lost with the
/// connection. Each batch is its own metric key with <see cref="PointsPerBatch"/> points and its own param, so what
/// was stored can be checked batch by batch: an acknowledged batch exactly once, any other whole or not at all.
/// </summary>
internal sealed class IngestLedger(string runId)
{
    public const int PointsPerBatch = 100;

    private readonly ConcurrentDictionary<int, Outcome> _outcomes = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private int _next;

    public int Acknowledged => _outcomes.Values.Count(o => o == Outcome.Acknowledged);

    public int Refused => _outcomes.Values.Count(o => o == Outcome.Refused);

    /// <summary>Replies that are neither 200 nor a clear 503 (a 500 or a 503 without a message), for the failure text.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Sends the next batch through <paramref name="server"/> and records its outcome.</summary>
    public async Task<Outcome> SendAsync(MlflowHttp server)
    {
        var batch = Interlocked.Increment(ref _next);
        Outcome outcome;
        try
        {
            var reply = await server.PostAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics = Enumerable.Range(0, PointsPerBatch).Select(step => new { key = Key(batch), value = (double)step, timestamp = 1L, step = (long)step }),
                @params = new[] { new { key = Key(batch), value = "sent" } },
            });
            outcome = reply.Status switch
            {
                HttpStatusCode.OK => Outcome.Acknowledged,
                HttpStatusCode.ServiceUnavailable when reply.ErrorCode == "TEMPORARILY_UNAVAILABLE"
                    && reply.Body?["message"]?.GetValue<string>().Contains("PostgreSQL", StringComparison.Ordinal) == true => Outcome.Refused,
                _ => RecordUnexpected(batch, $"{(int)reply.Status} {reply.Text}"),
            };
        }
        catch (HttpRequestException)
        {
            // The server went away mid-request: the batch may or may not have been stored.
            outcome = Outcome.Lost;
        }

        _outcomes[batch] = outcome;
        return outcome;
    }

    private Outcome RecordUnexpected(int batch, string reply)
    {
        _unexpected.Enqueue($"batch {batch}: {reply}");
        return Outcome.Unexpected;
    }

    /// <summary>
    /// Reads every batch back through <paramref name="server"/>: acknowledged ones must be there exactly once (all
    /// points, each step once, and the param); any other must be all there or not at all (no partial writes).
    /// </summary>
    public async Task VerifyAsync(MlflowHttp server)
    {
        var run = await server.GetRunAsync(runId);
        var storedParams = run["data"]!["params"]?.AsArray().Select(p => p!["key"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (batch, outcome) in _outcomes.OrderBy(o => o.Key))
        {
            var history = (await server.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key={Key(batch)}")).Json["metrics"]?.AsArray() ?? [];
            var steps = history.Select(m => m!["step"]!.GetValue<long>()).Order().ToList();
            var whole = steps.SequenceEqual(Enumerable.Range(0, PointsPerBatch).Select(s => (long)s));
            var hasParam = storedParams.Contains(Key(batch));
            if (outcome == Outcome.Acknowledged)
            {
                Assert.True(whole && hasParam, $"acknowledged batch {batch} reads back {steps.Count} points (param stored: {hasParam})");
            }
            else
            {
                Assert.True((whole && hasParam) || (steps.Count == 0 && !hasParam),
                    $"batch {batch} ({outcome}) was stored in part: {steps.Count} points, param stored: {hasParam}");
            }
        }
    }

    private static string Key(int batch) => $"b{batch}";

    public enum Outcome
    {
        Acknowledged,
        Refused,
        Lost,
        Unexpected,
    }
}
