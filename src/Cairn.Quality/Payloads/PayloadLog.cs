using System.Globalization;
using System.Text.Json;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;
using Cairn.Training.Data;

namespace Cairn.Quality.Payloads;

/// <summary>The predicted rows read from payload logs, with what was skipped and which models answered.</summary>
public sealed record PayloadBatch(
    string Path,
    PayloadWindow Window,
    IReadOnlyList<PayloadRow> Rows,
    PayloadReadStats Stats,
    IReadOnlyList<string> Versions,
    DateTimeOffset? First,
    DateTimeOffset? Last)
{
    public string? Model => Rows.Count > 0 ? Rows[0].Model : null;

    /// <summary>Output columns, in order of first appearance.</summary>
    public IReadOnlyList<string> OutputNames => Rows.SelectMany(r => r.Outputs.Select(o => o.Key)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Input columns, in order of first appearance.</summary>
    public IReadOnlyList<string> InputNames => Rows.SelectMany(r => r.Inputs.Select(o => o.Key)).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Reads a payload log (a folder as <c>cairn serve --payload-log</c> writes it, any folder below it, or one file) into
/// predicted rows for a time window, and types them against a baseline like any other batch of rows.
/// </summary>
public static class PayloadLog
{
    public static readonly IReadOnlyList<IPayloadFileReader> Readers = [new JsonlPayloadReader(), new ParquetPayloadReader()];

    /// <summary>A folder or a <c>.jsonl</c> file is read as a payload log; a single Parquet file only with a window.</summary>
    public static bool IsPayloadPath(string path, PayloadWindow window) =>
        Directory.Exists(path) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
        || (window != PayloadWindow.All && path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase));

    public static async Task<PayloadBatch> ReadAsync(string path, PayloadWindow window, CancellationToken cancellationToken = default)
    {
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => ReaderFor(f) is not null && MayOverlap(f, window)).Order(StringComparer.Ordinal)
            : File.Exists(path) ? [path]
            : throw new DriftInputException($"'{path}' does not exist.");
        var stats = new PayloadReadStats();
        var rows = new List<PayloadRow>();
        foreach (var file in files)
        {
            var reader = ReaderFor(file) ?? throw new DriftInputException($"'{file}' is not a payload file (.jsonl or .parquet).");
            stats.Files++;
            try
            {
                await foreach (var row in reader.ReadAsync(file, window, stats, cancellationToken))
                {
                    rows.Add(row);
                }
            }
            catch (Exception error) when (error is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
            {
                throw new DriftInputException($"'{file}' cannot be read: {error.Message}");
            }
        }

        if (rows.Count == 0)
        {
            throw new DriftInputException($"No predicted rows in '{path}'{Describe(window)}: {stats.Files} payload files, {stats.Records} records, "
                + $"{stats.FailedRequests} failed requests, {stats.UnreadableRequests} requests without column names.");
        }

        var models = rows.Select(r => r.Model).Distinct(StringComparer.Ordinal).ToList();
        if (models.Count > 1)
        {
            throw new DriftInputException($"'{path}' holds payloads of several models ({string.Join(", ", models)}): point --current at one model's folder.");
        }

        return new PayloadBatch(path, window, rows, stats, rows.Select(r => r.Version).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            rows.Min(r => r.Time), rows.Max(r => r.Time));
    }

    /// <summary>The input features, typed as the baseline has them (other columns are left out).</summary>
    public static ColumnarTable Inputs(PayloadBatch batch, Baseline baseline) =>
        ColumnarReader.FromRaw(Table(batch.InputNames, batch.Rows.Select(r => r.Inputs)), baseline.Kinds(), batch.Path);

    /// <summary>A time given as ISO 8601 (UTC unless it says otherwise), or as an age: <c>30m</c>, <c>24h</c>, <c>7d</c> before now.</summary>
    public static DateTimeOffset ParseTime(string text, TimeProvider time)
    {
        text = text.Trim();
        if (text.Length > 1 && char.IsAsciiLetter(text[^1]) && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && amount >= 0)
        {
            TimeSpan? age = char.ToLowerInvariant(text[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } span)
            {
                return time.GetUtcNow() - span;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
            : throw new DriftInputException($"'{text}' is not a time: use ISO 8601 (2026-11-23, 2026-11-23T14:00Z) or an age (90m, 24h, 7d).");
    }

    public static string Describe(PayloadWindow window) => (window.Since, window.Until) switch
    {
        (null, null) => "",
        ({ } since, null) => $" since {since.ToString("u", CultureInfo.InvariantCulture)}",
        (null, { } until) => $" until {until.ToString("u", CultureInfo.InvariantCulture)}",
        ({ } since, { } until) => $" from {since.ToString("u", CultureInfo.InvariantCulture)} until {until.ToString("u", CultureInfo.InvariantCulture)}",
    };

    internal static RawTable Table(IReadOnlyList<string> names, IEnumerable<IReadOnlyList<KeyValuePair<string, string?>>> rows)
    {
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var cells = rows.Select(row =>
        {
            var values = new string?[names.Count];
            foreach (var (name, value) in row)
            {
                if (index.TryGetValue(name, out int c))
                {
                    values[c] = value;
                }
            }

            return values;
        }).ToList();
        return new RawTable(names, cells);
    }

    private static IPayloadFileReader? ReaderFor(string file) => Readers.FirstOrDefault(r => r.CanRead(file));

    /// <summary>
    /// <c>…/yyyy-MM-dd/payloads-HH.jsonl</c> holds one UTC hour: a file of an hour outside the window is not opened. Files
    /// named otherwise are always read (their records are still filtered by time).
    /// </summary>
    internal static bool MayOverlap(string file, PayloadWindow window)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(file);
        var day = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(file));
        if (window == PayloadWindow.All || !name.StartsWith("payloads-", StringComparison.Ordinal)
            || !int.TryParse(name.AsSpan("payloads-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int hour) || hour is < 0 or > 23
            || !DateTime.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            return true;
        }

        var start = new DateTimeOffset(date.AddHours(hour), TimeSpan.Zero);
        return window.Overlaps(start, start.AddHours(1));
    }
}
