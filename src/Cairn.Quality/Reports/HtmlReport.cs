using System.Globalization;
using System.Net;
using System.Text;

namespace Cairn.Quality.Reports;

/// <summary>
/// A self-contained HTML report: one file with inline CSS and inline SVG figures, nothing fetched when it is
/// opened, so it renders offline and can be logged as a run artifact. Text is always HTML-escaped; figures are
/// SVG documents produced by Cairn's own plot code and are embedded as they are.
/// </summary>
public sealed class HtmlReport(string title)
{
    private readonly StringBuilder _body = new();

    public string Title { get; } = title;

    public HtmlReport Heading(string text, int level = 2)
    {
        level = Math.Clamp(level, 2, 4);
        _body.Append(CultureInfo.InvariantCulture, $"<h{level}>{Escape(text)}</h{level}>\n");
        return this;
    }

    public HtmlReport Paragraph(string text, string? cssClass = null)
    {
        _body.Append(cssClass is null ? "<p>" : $"<p class=\"{Escape(cssClass)}\">").Append(Escape(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A verdict line, styled as good (nothing to act on) or bad (something to act on).</summary>
    public HtmlReport Verdict(string text, bool flagged) =>
        Paragraph(text, flagged ? "verdict flagged" : "verdict ok");

    /// <summary>Two-column facts table (name, value).</summary>
    public HtmlReport Facts(IEnumerable<(string Name, string Value)> facts)
    {
        _body.Append("<table class=\"facts\">\n");
        foreach (var (name, value) in facts)
        {
            _body.Append("<tr><th>").Append(Escape(name)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>\n");
        }

        _body.Append("</table>\n");
        return this;
    }

    /// <summary>A data table; rows flagged by <paramref name="isFlagged"/> are highlighted.</summary>
    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, Func<int, bool>? isFlagged = null)
    {
        _body.Append("<table class=\"data\">\n<thead><tr>");
        foreach (var cell in header)
        {
            _body.Append("<th>").Append(Escape(cell)).Append("</th>");
        }

        _body.Append("</tr></thead>\n<tbody>\n");
        int index = 0;
        foreach (var row in rows)
        {
            _body.Append(isFlagged?.Invoke(index) == true ? "<tr class=\"flagged\">" : "<tr>");
            foreach (var cell in row)
            {
                _body.Append("<td>").Append(Escape(cell)).Append("</td>");
            }

            _body.Append("</tr>\n");
            index++;
        }

        _body.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>An inline SVG figure (the text of an SVG document) with an optional caption.</summary>
    public HtmlReport Figure(string svg, string? caption = null)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        _body.Append("<figure>\n").Append(start >= 0 ? svg[start..].TrimEnd() : Escape(svg)).Append('\n');
        if (caption is not null)
        {
            _body.Append("<figcaption>").Append(Escape(caption)).Append("</figcaption>\n");
        }

        _body.Append("</figure>\n");
        return this;
    }

    public string Render()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Escape(Title)).Append("</h1>\n")
            .Append(_body)
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    public Task SaveAsync(string path, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, Render(), new UTF8Encoding(false), cancellationToken);

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
        h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
        th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
        td { font-variant-numeric: tabular-nums; }
        tr.flagged td { background: #fde8e8; }
        .verdict { font-weight: bold; padding: 0.5rem 0.8rem; border-radius: 4px; }
        .verdict.ok { background: #e6f4ea; } .verdict.flagged { background: #fde8e8; }
        figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { color: #555; font-size: 0.85rem; }

        """;
}
