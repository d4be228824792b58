using System.Text;

namespace Cairn.Serving.Batch;

/// <summary>
/// Streams a CSV file (a header row, then RFC 4180 rows: quoted fields may hold commas, doubled quotes and line
/// breaks) into typed chunks. Unquoted cells are parsed straight from the line, so numbers cost no allocation.
/// </summary>
public sealed class CsvChunkReader : IChunkReader
{
    private readonly StreamReader _reader;
    private readonly List<Field> _fields = [];
    private readonly StringBuilder _quoted = new();
    private long _nextRow = 1;
    private BatchInputPlan? _plan;
    private int[] _fieldOf = [];
    private int[] _keptOf = [];

    private CsvChunkReader(StreamReader reader, IReadOnlyList<string> columns)
    {
        _reader = reader;
        Columns = columns;
    }

    public IReadOnlyList<string> Columns { get; }

    public (long Read, long Total) Position => (_reader.BaseStream.Position, _reader.BaseStream.Length);

    /// <summary>Opens the file and reads its header; throws <see cref="InvalidDataException"/> when there is none.</summary>
    public static CsvChunkReader Open(string path)
    {
        var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        try
        {
            var header = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty; a CSV input needs a header row.");
            var fields = new List<Field>();
            var builder = new StringBuilder();
            var line = Split(reader, header, fields, builder);
            var names = fields.Select(f => f.Text(line).Trim().ToString()).ToList();
            var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidDataException($"The CSV header names column '{duplicate.Key}' twice.");
            }

            return new CsvChunkReader(reader, names);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public ValueTask<InputChunk?> ReadAsync(BatchInputPlan plan, int maxRows, CancellationToken cancellationToken)
    {
        Bind(plan);
        InputChunk? chunk = null;
        while (chunk is null || chunk.RowCount < maxRows)
        {
            var first = _reader.ReadLine();
            if (first is null)
            {
                break;
            }

            if (first.Length == 0)
            {
                continue; // A blank line (often the last one) is no row.
            }

            cancellationToken.ThrowIfCancellationRequested();
            chunk ??= new InputChunk(plan, _nextRow, maxRows);
            var line = Split(_reader, first, _fields, _quoted);
            Store(chunk, plan, line);
            chunk.RowCount++;
            _nextRow++;
        }

        return ValueTask.FromResult(chunk);
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Store(InputChunk chunk, BatchInputPlan plan, string line)
    {
        int row = chunk.RowCount;
        if (_fields.Count != Columns.Count)
        {
            chunk.Fail(row, $"the row has {_fields.Count} fields; the header has {Columns.Count}");
            return;
        }

        for (var c = 0; c < _fields.Count; c++)
        {
            if (_fieldOf[c] is var f and >= 0)
            {
                var field = plan.Fields[f];
                if (!CellParser.TryParse(_fields[c].Text(line), field.Type, chunk.Fields[f], row, out var error))
                {
                    chunk.Fail(row, $"column '{field.Name}': {error}");
                    return;
                }
            }

            if (_keptOf[c] is var k and >= 0)
            {
                chunk.Kept[k][row] = _fields[c].Text(line).ToString();
            }
        }
    }

    private void Bind(BatchInputPlan plan)
    {
        if (ReferenceEquals(plan, _plan))
        {
            return;
        }

        _plan = plan;
        _fieldOf = Columns.Select(c => IndexOf(plan.Fields.Select(f => f.Name), c)).ToArray();
        _keptOf = Columns.Select(c => IndexOf(plan.Keep, c)).ToArray();
    }

    private static int IndexOf(IEnumerable<string> names, string name)
    {
        var index = 0;
        foreach (var candidate in names)
        {
            if (candidate == name)
            {
                return index;
            }

            index++;
        }

        return -1;
    }

    /// <summary>Splits a record into fields; a quoted field left open continues on the next line. Returns the record's text.</summary>
    private static string Split(StreamReader reader, string line, List<Field> fields, StringBuilder quoted)
    {
        fields.Clear();
        var position = 0;
        while (true)
        {
            if (position < line.Length && line[position] == '"')
            {
                quoted.Clear();
                position++;
                while (true)
                {
                    var close = line.IndexOf('"', position);
                    if (close < 0)
                    {
                        quoted.Append(line, position, line.Length - position).Append('\n');
                        Detach(fields, line);
                        line = reader.ReadLine() ?? throw new InvalidDataException("The CSV ends inside a quoted field.");
                        position = 0;
                        continue;
                    }

                    quoted.Append(line, position, close - position);
                    if (close + 1 < line.Length && line[close + 1] == '"')
                    {
                        quoted.Append('"');
                        position = close + 2;
                        continue;
                    }

                    position = close + 1;
                    break;
                }

                fields.Add(new Field(0, 0, quoted.ToString()));
                var comma = line.IndexOf(',', position);
                if (comma < 0)
                {
                    return line;
                }

                position = comma + 1;
            }
            else
            {
                var comma = line.IndexOf(',', position);
                if (comma < 0)
                {
                    fields.Add(new Field(position, line.Length - position, null));
                    return line;
                }

                fields.Add(new Field(position, comma - position, null));
                position = comma + 1;
            }
        }
    }

    /// <summary>Copies cells that point into <paramref name="line"/> before the record moves on to its next line.</summary>
    private static void Detach(List<Field> fields, string line)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Unquoted is null)
            {
                fields[i] = new Field(0, 0, line.Substring(fields[i].Start, fields[i].Length));
            }
        }
    }

    /// <summary>A cell: a range of the line, or (for a quoted cell) its unescaped text.</summary>
    private readonly record struct Field(int Start, int Length, string? Unquoted)
    {
        public ReadOnlySpan<char> Text(string line) => Unquoted is null ? line.AsSpan(Start, Length) : Unquoted.AsSpan();
    }
}
