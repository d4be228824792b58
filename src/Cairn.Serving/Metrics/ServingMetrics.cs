using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Cairn.Serving.Batching;
using Cairn.Serving.Models;

namespace Cairn.Serving.Metrics;

/// <summary>
/// Request counts, errors and latency per model, version and protocol, plus model load times, in Prometheus' text
/// format. Kept by hand: a few counters and one histogram do not need a metrics library on the hot path.
/// </summary>
public sealed class ServingMetrics(ServedModels models)
{
    private static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Model, string Version, string Protocol), Series> _series = new();

    public void Observe(ServedModel model, string protocol, int status, double seconds) =>
        _series.GetOrAdd((model.Name, model.Version ?? "", protocol), _ => new Series()).Observe(status, seconds);

    public string Render()
    {
        var text = new StringBuilder();
        var ordered = _series.OrderBy(s => s.Key.Model, StringComparer.Ordinal).ThenBy(s => s.Key.Protocol, StringComparer.Ordinal).ToList();

        text.Append("# HELP cairn_serving_requests_total Prediction requests answered, by status code.\n# TYPE cairn_serving_requests_total counter\n");
        foreach (var (key, series) in ordered)
        {
            foreach (var (status, count) in series.ByStatus.OrderBy(s => s.Key))
            {
                text.Append("cairn_serving_requests_total{").Append(Labels(key)).Append(",status=\"").Append(status).Append("\"} ").Append(count.Value).Append('\n');
            }
        }

        text.Append("# HELP cairn_serving_request_errors_total Prediction requests answered with a 4xx or 5xx status.\n# TYPE cairn_serving_request_errors_total counter\n");
        foreach (var (key, series) in ordered)
        {
            text.Append("cairn_serving_request_errors_total{").Append(Labels(key)).Append("} ").Append(series.ByStatus.Where(s => s.Key >= 400).Sum(s => s.Value.Value)).Append('\n');
        }

        text.Append("# HELP cairn_serving_request_duration_seconds Time from reading a prediction request to writing its answer.\n# TYPE cairn_serving_request_duration_seconds histogram\n");
        foreach (var (key, series) in ordered)
        {
            var labels = Labels(key);
            long cumulative = 0;
            for (var i = 0; i <= Bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Buckets[i]);
                var le = i < Bounds.Length ? Bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                text.Append("cairn_serving_request_duration_seconds_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ").Append(cumulative).Append('\n');
            }

            text.Append("cairn_serving_request_duration_seconds_sum{").Append(labels).Append("} ")
                .Append((Interlocked.Read(ref series.SumTicks) / (double)TimeSpan.TicksPerSecond).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append("cairn_serving_request_duration_seconds_count{").Append(labels).Append("} ").Append(cumulative).Append('\n');
        }

        text.Append("# HELP cairn_serving_batch_size Rows per model call when dynamic batching is on.\n# TYPE cairn_serving_batch_size histogram\n");
        foreach (var model in models.All.Where(m => m.Batches is not null))
        {
            var labels = $"model=\"{Escape(model.Name)}\",version=\"{Escape(model.Version ?? "")}\"";
            var cumulative = model.Batches!.Cumulative();
            for (var i = 0; i < cumulative.Length; i++)
            {
                var le = i < BatchStatistics.Bounds.Length ? BatchStatistics.Bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                text.Append("cairn_serving_batch_size_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ").Append(cumulative[i]).Append('\n');
            }

            text.Append("cairn_serving_batch_size_sum{").Append(labels).Append("} ").Append(model.Batches.Rows).Append('\n');
            text.Append("cairn_serving_batch_size_count{").Append(labels).Append("} ").Append(cumulative[^1]).Append('\n');
        }

        text.Append("# HELP cairn_serving_model_load_seconds Time taken to resolve, download and load the model.\n# TYPE cairn_serving_model_load_seconds gauge\n");
        foreach (var model in models.All)
        {
            text.Append("cairn_serving_model_load_seconds{model=\"").Append(Escape(model.Name)).Append("\",version=\"").Append(Escape(model.Version ?? "")).Append("\"} ")
                .Append(model.LoadTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP cairn_serving_model_ready Whether the model answers predictions.\n# TYPE cairn_serving_model_ready gauge\n");
        foreach (var model in models.All)
        {
            text.Append("cairn_serving_model_ready{model=\"").Append(Escape(model.Name)).Append("\",version=\"").Append(Escape(model.Version ?? "")).Append("\"} 1\n");
        }

        return text.ToString();
    }

    private static string Labels((string Model, string Version, string Protocol) key) =>
        $"model=\"{Escape(key.Model)}\",version=\"{Escape(key.Version)}\",protocol=\"{key.Protocol}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Series
    {
        public readonly long[] Buckets = new long[Bounds.Length + 1];
        public readonly ConcurrentDictionary<int, StrongBox> ByStatus = new();
        public long SumTicks;

        public void Observe(int status, double seconds)
        {
            var bucket = Array.BinarySearch(Bounds, seconds);
            Interlocked.Increment(ref Buckets[bucket < 0 ? ~bucket : bucket]);
            Interlocked.Add(ref SumTicks, (long)(seconds * TimeSpan.TicksPerSecond));
            Interlocked.Increment(ref ByStatus.GetOrAdd(status, _ => new StrongBox()).Value);
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
