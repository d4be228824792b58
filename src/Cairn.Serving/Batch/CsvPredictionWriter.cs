using System.Globalization;
using System.Text;

namespace Cairn.Serving.Batch;

/// <summary>Predictions as CSV: numbers in invariant culture, round-trip precision; text quoted when it must be.</summary>
public sealed class CsvPredictionWriter(string path) : IPredictionWriter
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    private readonly char[] _buffer = new char[64];
    private string[]? _names;

    public Task WriteAsync(OutputChunk chunk, IReadOnlyList<string> keptNames, CancellationToken cancellationToken)
    {
        var names = OutputLayout.Names(chunk, keptNames);
        if (chunk.Rows.Length == 0)
        {
            return Task.CompletedTask;
        }

        OutputLayout.CheckSame(_names, names);
        if (_names is null)
        {
            _names = names;
            _writer.WriteLine(string.Join(",", names.Select(Quote)));
        }

        for (var r = 0; r < chunk.Rows.Length; r++)
        {
            WriteNumber(chunk.Rows[r]);
            foreach (var kept in chunk.Kept)
            {
                _writer.Write(',');
                _writer.Write(Quote(kept[r] ?? string.Empty));
            }

            foreach (var column in chunk.Columns)
            {
                _writer.Write(',');
                WriteCell(column.Values, r);
            }

            _writer.Write('\n');
        }

        return Task.CompletedTask;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_names is null)
        {
            await _writer.WriteLineAsync(OutputLayout.RowColumn);
        }

        await _writer.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private void WriteCell(Array values, int row)
    {
        switch (values)
        {
            case float[] f when float.IsFinite(f[row]): WriteNumber(f[row]); break;
            case float[] f: _writer.Write(float.IsNaN(f[row]) ? "" : f[row] > 0 ? "inf" : "-inf"); break;
            case double[] d when double.IsFinite(d[row]): WriteNumber(d[row]); break;
            case double[] d: _writer.Write(double.IsNaN(d[row]) ? "" : d[row] > 0 ? "inf" : "-inf"); break;
            case int[] i: WriteNumber(i[row]); break;
            case long[] l: WriteNumber(l[row]); break;
            case uint[] u: WriteNumber(u[row]); break;
            case bool[] b: _writer.Write(b[row] ? "true" : "false"); break;
            case DateTime[] t: _writer.Write(t[row].ToString("O", CultureInfo.InvariantCulture)); break;
            case byte[][] bytes: _writer.Write(Convert.ToBase64String(bytes[row])); break;
            default: _writer.Write(Quote(Convert.ToString(values.GetValue(row), CultureInfo.InvariantCulture) ?? string.Empty)); break;
        }
    }

    private void WriteNumber<T>(T value)
        where T : ISpanFormattable
    {
        if (value.TryFormat(_buffer, out var written, default, CultureInfo.InvariantCulture))
        {
            _writer.Write(_buffer, 0, written);
        }
        else
        {
            _writer.Write(value.ToString(null, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    internal static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
