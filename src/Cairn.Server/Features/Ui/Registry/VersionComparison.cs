using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>One row of a side-by-side comparison; a value is null when that side does not have the key.</summary>
public sealed record ComparedValue(string Key, string? A, string? B)
{
    public bool Differs => !string.Equals(A, B, StringComparison.Ordinal);

    public string Change => (A, B) switch
    {
        (null, not null) => "added",
        (not null, null) => "removed",
        _ when Differs => "changed",
        _ => "same",
    };
}

/// <summary>A metric of both source runs, with B − A when both have it.</summary>
public sealed record ComparedMetric(string Key, double? A, double? B)
{
    public double? Delta => A is { } a && B is { } b ? b - a : null;
}

/// <summary>Lines up two versions' source-run params, metrics and signatures by key.</summary>
internal static class VersionComparison
{
    public static List<ComparedValue> Params(Run? a, Run? b) =>
        Align(a?.Data.Params.ToDictionary(p => p.Key, p => p.Value) ?? [], b?.Data.Params.ToDictionary(p => p.Key, p => p.Value) ?? []);

    public static List<ComparedMetric> Metrics(Run? a, Run? b)
    {
        var left = Latest(a);
        var right = Latest(b);
        return [.. left.Keys.Union(right.Keys).Order(StringComparer.Ordinal)
            .Select(k => new ComparedMetric(k, left.TryGetValue(k, out var x) ? x : null, right.TryGetValue(k, out var y) ? y : null))];
    }

    /// <summary>Signature fields by name, the type (and "optional") as the value.</summary>
    public static List<ComparedValue> Signature(IReadOnlyList<SignatureField>? a, IReadOnlyList<SignatureField>? b) =>
        Align(Fields(a), Fields(b));

    private static Dictionary<string, string> Fields(IReadOnlyList<SignatureField>? fields) =>
        (fields ?? []).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Type + (g.First().Required ? "" : " (optional)"));

    private static Dictionary<string, double> Latest(Run? run) =>
        (run?.Data.Metrics ?? []).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.MaxBy(m => (m.Step, m.Timestamp)).Value);

    private static List<ComparedValue> Align(Dictionary<string, string> a, Dictionary<string, string> b) =>
        [.. a.Keys.Union(b.Keys).Order(StringComparer.Ordinal).Select(k => new ComparedValue(k, a.GetValueOrDefault(k), b.GetValueOrDefault(k)))];
}
