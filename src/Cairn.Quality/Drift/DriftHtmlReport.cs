using System.Globalization;
using Cairn.Quality.Reports;

namespace Cairn.Quality.Drift;

/// <summary>The drift report as one self-contained HTML page: verdict, per-column table, and a histogram per column on the frozen bins.</summary>
public static class DriftHtmlReport
{
    public static HtmlReport Build(DriftReport report, string title = "Data drift report")
    {
        var html = new HtmlReport(title);
        var s = report.Summary;
        html.Verdict(
            s.DatasetDrift
                ? $"Dataset drift: {s.ColumnsDrifted} of {s.ColumnsChecked} columns drifted ({Percent(s.Share)}), at or above the drift share {Percent(s.DriftShare)}."
                : $"No dataset drift: {s.ColumnsDrifted} of {s.ColumnsChecked} columns drifted ({Percent(s.Share)}), below the drift share {Percent(s.DriftShare)}.",
            s.DatasetDrift);
        html.Facts(
        [
            ("Baseline", $"{report.Baseline.Path ?? "(in memory)"}: {report.Baseline.Rows:N0} rows" +
                (report.Baseline.CreatedAt is { } created ? $", created {created.ToString("u", CultureInfo.InvariantCulture)}" : "") +
                (report.Baseline.Digest is { } digest ? $", digest {digest}" : "")),
            ("Current", $"{report.Current.Path ?? "(in memory)"}: {report.Current.Rows:N0} rows"),
            ("Generated", report.CreatedAt.ToString("u", CultureInfo.InvariantCulture)),
            ("Columns drifted", $"{s.ColumnsDrifted} of {s.ColumnsChecked}"),
            ("Bins", "frozen when the baseline was created; values outside the baseline range are counted in two open bins"),
            .. PayloadFacts(report.Payloads),
        ]);

        html.Heading("Columns");
        Table(html, report.Columns);
        if (report.Label is { } label)
        {
            html.Heading("Label (target drift)");
            html.Paragraph($"The label column '{label.Column}' is compared like a feature but does not count towards the dataset verdict.");
            Table(html, [label]);
        }

        if (report.Prediction is { } prediction)
        {
            html.Heading("Predictions (prediction drift)");
            html.Paragraph($"The model's '{prediction.Column}' output, as logged, compared with the baseline's label; it does not count towards the dataset verdict.");
            Table(html, [prediction]);
        }

        if (report.ExtraColumns.Count > 0)
        {
            html.Paragraph($"Columns in the current data but not in the baseline (not compared): {string.Join(", ", report.ExtraColumns)}.");
        }

        var notes = report.Columns.Append(report.Label).Append(report.Prediction).OfType<ColumnDrift>().SelectMany(c => c.Notes.Select(n => (c.Column, Note: n))).ToList();
        if (notes.Count > 0)
        {
            html.Heading("Notes");
            html.Table(["column", "note"], notes.Select(n => (IReadOnlyList<string>)[n.Column, n.Note]));
        }

        html.Heading("Distributions on the frozen bins");
        foreach (var column in report.Columns.Append(report.Label).Append(report.Prediction).OfType<ColumnDrift>())
        {
            html.Heading(column.Column, 3);
            html.Figure(DriftHistogramPlot.Render(column),
                $"{column.Column}: baseline ({column.ReferenceCount:N0} values) and current ({column.CurrentCount:N0} values) as shares of rows; " +
                (column.Histogram.Kind == DriftHistogram.BinsKind ? "dashed lines are the baseline's frozen bin edges." : "one pair of bars per category."));
        }

        return html;
    }

    private static void Table(HtmlReport html, IReadOnlyList<ColumnDrift> columns) =>
        html.Table(
            ["column", "type", "method", "statistic", "p-value", "threshold", "drift rule", "drifted", "missing (baseline → current)", "psi", "jensenshannon"],
            columns.Select(c => (IReadOnlyList<string>)
            [
                c.Column, c.Type, c.Method, DriftHistogramPlot.Format(c.Statistic), c.PValue is { } p ? DriftHistogramPlot.Format(p) : "—",
                c.Threshold.ToString("G6", CultureInfo.InvariantCulture), c.Rule, c.Drifted ? "yes" : "no",
                $"{Percent(c.ReferenceMissingRate)} → {Percent(c.CurrentMissingRate)}",
                DriftHistogramPlot.Format(c.Metrics.GetValueOrDefault("psi")), DriftHistogramPlot.Format(c.Metrics.GetValueOrDefault("jensenshannon")),
            ]),
            row => columns[row].Drifted);

    private static IEnumerable<(string, string)> PayloadFacts(PayloadSummary? payloads)
    {
        if (payloads is null)
        {
            yield break;
        }

        static string Time(DateTimeOffset? time) => time?.ToString("u", CultureInfo.InvariantCulture) ?? "open";
        yield return ("Payload logs", $"model {payloads.Model}" + (payloads.Versions.Count > 0 ? $" (versions {string.Join(", ", payloads.Versions)})" : "")
            + $"; window {Time(payloads.Since)} to {Time(payloads.Until)}; first record {Time(payloads.First)}, last {Time(payloads.Last)}");
        yield return ("Payload records", $"{payloads.Records:N0} records in {payloads.Files:N0} files gave {payloads.Rows:N0} rows; skipped: "
            + $"{payloads.FailedRequests:N0} failed requests, {payloads.UnreadableRequests:N0} requests without column names; "
            + $"{payloads.UnreadableResponses:N0} responses not matched to their rows");
    }

    private static string Percent(double share) => share.ToString("0.##%", CultureInfo.InvariantCulture);
}
