using System.Globalization;
using System.Text;
using Cairn.Training.Data;

namespace Cairn.Quality.Drift;

/// <summary>A problem with the input files or columns (missing file, missing column, mismatched type); the CLI exits 2.</summary>
public sealed class DriftInputException(string message) : Exception(message);

/// <summary>
/// Reads a CSV (comma-separated, header row, RFC 4180 quotes) or Parquet file into a <see cref="ColumnarTable"/>.
/// With <c>kinds</c> each named column is typed as given (a non-number in a numeric column is an error naming the column
/// and row); without, a column is numeric when every non-missing value parses as a number. CSV rows are parsed in
/// parallel batches straight into column arrays; numbers take a fast exact path (≤ 15 significant digits, no exponent:
/// one integer divided by a power of ten, correctly rounded) and fall back to <see cref="double.TryParse(string?, out double)"/>.
/// </summary>
public static class ColumnarReader
{
    private const int BatchRows = 16_384;

    public static async Task<ColumnarTable> ReadAsync(string path, IReadOnlyDictionary<string, ColumnKind>? kinds = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new DriftInputException($"'{path}' does not exist.");
        }

        try
        {
            if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                return FromRaw(await ParquetTable.ReadAsync(path, cancellationToken), kinds, path);
            }

            return ReadCsv(path, kinds ?? InferCsvKinds(path));
        }
        catch (Exception error) when (error is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            throw new DriftInputException($"'{path}' cannot be read: {error.Message}");
        }
    }

    /// <summary>Types rows of text cells (as <see cref="ParquetTable"/> and <see cref="CsvTable"/> give them).</summary>
    public static ColumnarTable FromRaw(RawTable raw, IReadOnlyDictionary<string, ColumnKind>? kinds, string source)
    {
        var columns = new List<DataColumn>();
        for (int c = 0; c < raw.Columns.Count; c++)
        {
            var name = raw.Columns[c];
            ColumnKind kind;
            if (kinds is null)
            {
                kind = raw.Rows.All(row => row[c] is not { } v || MissingValues.IsMissing(v) || TryParseNumber(v, out _)) ? ColumnKind.Numeric : ColumnKind.Categorical;
            }
            else if (!kinds.TryGetValue(name, out kind))
            {
                continue;
            }

            if (kind == ColumnKind.Numeric)
            {
                var values = new double[raw.Rows.Count];
                for (int r = 0; r < values.Length; r++)
                {
                    values[r] = ParseCell(raw.Rows[r][c], name, r + 1, source);
                }

                columns.Add(new NumericColumn(name, values));
            }
            else
            {
                columns.Add(CategoricalColumn.FromValues(name, raw.Rows.Select(row => row[c]).ToList()));
            }
        }

        return new ColumnarTable(columns);
    }

    private static double ParseCell(string? text, string column, int row, string source)
    {
        if (text is null || MissingValues.IsMissing(text))
        {
            return double.NaN;
        }

        if (TryParseNumber(text, out double value))
        {
            return double.IsFinite(value) ? value : double.NaN;
        }

        throw new DriftInputException($"'{source}' column '{column}' row {row} has '{text}', which is not a number, but the column is numeric in the baseline.");
    }

    /// <summary>Parses a number in invariant culture; "inf", "-inf" and "Infinity" are infinities.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        if (TryParseSimpleDecimal(text, out value))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var unsigned = text.Length > 0 && text[0] is '+' or '-' ? text[1..] : text;
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        return false;
    }

    private static readonly double[] PowersOfTen = [.. Enumerable.Range(0, 23).Select(i => Math.Pow(10, i))];

    /// <summary>
    /// [sign] digits [. digits] with at most 15 significant digits: mantissa and 10^k are exact doubles, so one IEEE
    /// division gives the correctly rounded value (Clinger's fast path).
    /// </summary>
    private static bool TryParseSimpleDecimal(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i = 1;
        }

        long mantissa = 0;
        int digits = 0, fraction = 0;
        bool seenDigit = false, seenPoint = false;
        for (; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch is >= '0' and <= '9')
            {
                seenDigit = true;
                if (mantissa != 0 || ch != '0')
                {
                    digits++;
                }

                if (digits > 15)
                {
                    return false;
                }

                mantissa = mantissa * 10 + (ch - '0');
                if (seenPoint)
                {
                    fraction++;
                }
            }
            else if (ch == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                return false;
            }
        }

        if (!seenDigit || fraction > 22)
        {
            return false;
        }

        value = fraction == 0 ? mantissa : mantissa / PowersOfTen[fraction];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>A first pass that only decides each column's kind.</summary>
    private static Dictionary<string, ColumnKind> InferCsvKinds(string path)
    {
        using var reader = OpenText(path);
        var header = ReadHeader(reader, path);
        var numeric = Enumerable.Repeat(true, header.Length).ToArray();
        int remaining = header.Length;
        var fields = new List<string>();
        var bounds = new (int Start, int Length)[header.Length];
        int row = 0;
        while (remaining > 0 && ReadRecord(reader) is { } line)
        {
            row++;
            if (line.Length == 0)
            {
                continue;
            }

            bool quoted = line.Contains('"');
            int count;
            if (quoted)
            {
                Split(line, fields);
                count = fields.Count;
            }
            else
            {
                count = SplitPlain(line, bounds);
            }

            CheckWidth(count, header.Length, row, path);
            for (int c = 0; c < header.Length; c++)
            {
                if (!numeric[c])
                {
                    continue;
                }

                ReadOnlySpan<char> field = quoted ? fields[c] : line.AsSpan(bounds[c].Start, bounds[c].Length);
                if (!MissingValues.IsMissing(field) && !TryParseNumber(field, out _))
                {
                    numeric[c] = false;
                    remaining--;
                }
            }
        }

        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            kinds.TryAdd(header[c], numeric[c] ? ColumnKind.Numeric : ColumnKind.Categorical);
        }

        return kinds;
    }

    private static ColumnarTable ReadCsv(string path, IReadOnlyDictionary<string, ColumnKind> kinds)
    {
        using var reader = OpenText(path);
        var headerRecord = ReadRecord(reader);
        if (headerRecord is null || headerRecord.Trim().Length == 0)
        {
            throw new DriftInputException($"'{path}' is empty: it has no header row.");
        }

        var headerFields = new List<string>();
        Split(headerRecord, headerFields);
        var header = headerFields.Select(f => f.Trim()).ToArray();
        int width = header.Length;

        // The columns to keep, by position (a name given twice keeps its first position).
        var keep = new List<(int Index, string Name, ColumnKind Kind)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < width; c++)
        {
            if (kinds.TryGetValue(header[c], out var kind) && seen.Add(header[c]))
            {
                keep.Add((c, header[c], kind));
            }
        }

        var blocks = new BlockReader(reader, firstLine: 2 + CountNewlines(headerRecord));
        var numbers = new double[]?[keep.Count];
        var codes = new int[]?[keep.Count];
        var dictionaries = keep.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        var categories = keep.Select(_ => new List<string>()).ToArray();
        int capacity = 0, rows = 0;

        // Reading and finding records is serial; parsing is parallel, into the column arrays. The next block is read
        // while the previous one is parsed. Records are spans of a reused buffer: no string per line.
        var block = blocks.Next(new Block());
        var spare = new Block();
        long fileLength = new FileInfo(path).Length;
        while (block is not null)
        {
            if (rows + block.Records.Count > capacity)
            {
                // First block: estimate the rows from its average record length; later: grow.
                long estimate = capacity == 0
                    ? (long)(fileLength / Math.Max(1.0, (double)block.Consumed / Math.Max(1, block.Records.Count)) * 1.05) + 1024
                    : (long)(rows + block.Records.Count) * 2;
                capacity = (int)Math.Clamp(estimate, rows + block.Records.Count, Array.MaxLength);
                for (int k = 0; k < keep.Count; k++)
                {
                    if (keep[k].Kind == ColumnKind.Numeric)
                    {
                        numbers[k] = Grow(numbers[k], rows, capacity);
                    }
                    else
                    {
                        codes[k] = Grow(codes[k], rows, capacity);
                    }
                }
            }

            var current = block;
            int offset = rows;
            var parsing = Task.Run(() => ParseBlock(current, offset, width, keep, numbers, codes, dictionaries, categories, path));
            var next = blocks.Next(spare);
            parsing.GetAwaiter().GetResult();
            rows += current.Records.Count;
            spare = current;
            block = next;
        }

        var columns = new List<DataColumn>();
        for (int k = 0; k < keep.Count; k++)
        {
            columns.Add(keep[k].Kind == ColumnKind.Numeric
                ? new NumericColumn(keep[k].Name, numbers[k] ?? [], rows)
                : new CategoricalColumn(keep[k].Name, codes[k] ?? [], categories[k], rows));
        }

        return new ColumnarTable(columns);
    }

    private static T[] Grow<T>(T[]? array, int used, int capacity)
    {
        // Every row is written before it is read, so the memory need not be cleared.
        var grown = GC.AllocateUninitializedArray<T>(capacity);
        array?.AsSpan(0, used).CopyTo(grown);
        return grown;
    }

    /// <summary>A buffer of characters and the complete CSV records in it (start, length, line number, has quotes).</summary>
    private sealed class Block
    {
        public char[] Buffer = new char[BlockChars];
        public int Consumed;
        public readonly List<(int Start, int Length, int Line, bool Quoted)> Records = new(1 << 15);
    }

    private const int BlockChars = 1 << 22;

    /// <summary>
    /// Cuts the text after the header into blocks of whole records: a record ends at a newline outside quotes; the
    /// partial record at the end of a block is carried into the next. Empty lines are skipped.
    /// </summary>
    private sealed class BlockReader(StreamReader reader, int firstLine)
    {
        private char[] _pending = new char[1024];
        private int _pendingLength;
        private bool _end;
        private int _line = firstLine;

        public Block? Next(Block block)
        {
            while (true)
            {
                if (block.Buffer.Length < _pendingLength + BlockChars / 2)
                {
                    block.Buffer = new char[_pendingLength + BlockChars];
                }

                _pending.AsSpan(0, _pendingLength).CopyTo(block.Buffer);
                int length = _pendingLength;
                while (!_end && length < block.Buffer.Length)
                {
                    int read = reader.Read(block.Buffer, length, block.Buffer.Length - length);
                    if (read == 0)
                    {
                        _end = true;
                    }

                    length += read;
                }

                block.Records.Clear();
                int consumed = FindRecords(block, length);
                block.Consumed = consumed;
                _pendingLength = length - consumed;
                if (_pending.Length < _pendingLength)
                {
                    _pending = new char[Math.Max(_pendingLength, _pending.Length * 2)];
                }

                block.Buffer.AsSpan(consumed, _pendingLength).CopyTo(_pending);
                if (block.Records.Count > 0)
                {
                    return block;
                }

                if (_end && _pendingLength == 0)
                {
                    return null;
                }

                // A record longer than the buffer: read on with a bigger one.
                block.Buffer = new char[block.Buffer.Length * 2];
            }
        }

        private int FindRecords(Block block, int length)
        {
            var text = block.Buffer.AsSpan(0, length);
            int start = 0;
            if (!text.Contains('"'))
            {
                while (text[start..].IndexOf('\n') is var newline and >= 0)
                {
                    Add(block, start, start + newline, false, 0);
                    start += newline + 1;
                }
            }
            else
            {
                bool inQuotes = false, quoted = false;
                int newlines = 0;
                for (int i = 0; i < length; i++)
                {
                    char c = text[i];
                    if (c == '"')
                    {
                        inQuotes = !inQuotes;
                        quoted = true;
                    }
                    else if (c == '\n')
                    {
                        if (inQuotes)
                        {
                            newlines++;
                            continue;
                        }

                        Add(block, start, i, quoted, newlines);
                        start = i + 1;
                        quoted = false;
                        newlines = 0;
                    }
                }
            }

            if (_end && start < length)
            {
                // The last record has no newline after it.
                var rest = text[start..];
                Add(block, start, length, rest.Contains('"'), rest.Count('\n'));
                start = length;
            }

            return start;
        }

        private void Add(Block block, int start, int end, bool quoted, int newlines)
        {
            int line = _line;
            _line += 1 + newlines;
            if (end > start && block.Buffer[end - 1] == '\r')
            {
                end--;
            }

            if (end > start)
            {
                block.Records.Add((start, end - start, line, quoted));
            }
        }
    }

    /// <summary>
    /// Parses one block: numbers in parallel chunks straight into their rows; categories per chunk into a local
    /// dictionary, then mapped to the column's codes in order, so codes follow first appearance as in a serial read.
    /// </summary>
    private static void ParseBlock(Block block, int offset, int width, List<(int Index, string Name, ColumnKind Kind)> keep,
        double[]?[] numbers, int[]?[] codes, Dictionary<string, int>[] dictionaries, List<string>[] categories, string path)
    {
        var records = block.Records;
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 2, records.Count / 512));
        int chunkSize = (records.Count + chunks - 1) / chunks;
        var localCategories = new List<string>[chunks][];
        var errors = new string?[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            int start = chunk * chunkSize, end = Math.Min(records.Count, start + chunkSize);
            var local = keep.Select(_ => new List<string>()).ToArray();
            var lookups = keep.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
            var alternates = lookups.Select(d => d.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
            localCategories[chunk] = local;
            var bounds = new (int Start, int Length)[width];
            var quotedFields = new List<string>();
            for (int r = start; r < end && errors[chunk] is null; r++)
            {
                var (recordStart, recordLength, line, quoted) = records[r];
                var text = block.Buffer.AsSpan(recordStart, recordLength);
                int count;
                if (quoted)
                {
                    Split(new string(text), quotedFields);
                    count = quotedFields.Count;
                }
                else
                {
                    count = SplitPlain(text, bounds);
                }

                if (count != width)
                {
                    errors[chunk] = $"'{path}' line {line} has {count} fields; the header has {width}.";
                    break;
                }

                for (int k = 0; k < keep.Count; k++)
                {
                    int c = keep[k].Index;
                    ReadOnlySpan<char> field = quoted ? quotedFields[c] : text.Slice(bounds[c].Start, bounds[c].Length);
                    if (numbers[k] is { } target)
                    {
                        if (MissingValues.IsMissing(field))
                        {
                            target[offset + r] = double.NaN;
                        }
                        else if (TryParseNumber(field, out double value))
                        {
                            target[offset + r] = double.IsFinite(value) ? value : double.NaN;
                        }
                        else
                        {
                            errors[chunk] = $"'{path}' column '{keep[k].Name}' line {line} has '{field.ToString()}', which is not a number, but the column is numeric in the baseline.";
                            break;
                        }
                    }
                    else
                    {
                        if (MissingValues.IsMissing(field))
                        {
                            codes[k]![offset + r] = -1;
                            continue;
                        }

                        if (!alternates[k].TryGetValue(field, out int code))
                        {
                            code = local[k].Count;
                            var value = field.ToString();
                            lookups[k][value] = code;
                            local[k].Add(value);
                        }

                        codes[k]![offset + r] = code;
                    }
                }
            }
        });

        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new DriftInputException(error);
        }

        for (int k = 0; k < keep.Count; k++)
        {
            if (codes[k] is not { } target)
            {
                continue;
            }

            for (int chunk = 0; chunk < chunks; chunk++)
            {
                var local = localCategories[chunk][k];
                var map = new int[local.Count];
                for (int i = 0; i < local.Count; i++)
                {
                    if (!dictionaries[k].TryGetValue(local[i], out int global))
                    {
                        global = categories[k].Count;
                        dictionaries[k][local[i]] = global;
                        categories[k].Add(local[i]);
                    }

                    map[i] = global;
                }

                int start = chunk * chunkSize, end = Math.Min(records.Count, start + chunkSize);
                for (int r = start; r < end; r++)
                {
                    int code = target[offset + r];
                    if (code >= 0)
                    {
                        target[offset + r] = map[code];
                    }
                }
            }
        }
    }

    private static StreamReader OpenText(string path) =>
        new(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });

    private static string[] ReadHeader(StreamReader reader, string path)
    {
        var line = ReadRecord(reader);
        if (line is null || line.Trim().Length == 0)
        {
            throw new DriftInputException($"'{path}' is empty: it has no header row.");
        }

        var fields = new List<string>();
        Split(line, fields);
        return fields.Select(f => f.Trim()).ToArray();
    }

    private static void CheckWidth(int count, int width, int row, string path)
    {
        if (count != width)
        {
            throw new DriftInputException($"'{path}' data row {row} has {count} fields; the header has {width}.");
        }
    }

    /// <summary>One CSV record: a line, joined with the next ones while a quoted field is open.</summary>
    private static string? ReadRecord(StreamReader reader)
    {
        var line = reader.ReadLine();
        if (line is null || !line.Contains('"'))
        {
            return line;
        }

        var record = new StringBuilder(line);
        while (QuoteCount(record) % 2 == 1 && reader.ReadLine() is { } next)
        {
            record.Append('\n').Append(next);
        }

        return record.ToString();
    }

    private static int QuoteCount(StringBuilder text)
    {
        int count = 0;
        foreach (var chunk in text.GetChunks())
        {
            count += chunk.Span.Count('"');
        }

        return count;
    }

    private static int CountNewlines(string record) => record.AsSpan().Count('\n');

    /// <summary>Field bounds of a line without quotes; returns the field count (more than bounds can hold is still counted).</summary>
    private static int SplitPlain(ReadOnlySpan<char> span, Span<(int Start, int Length)> bounds)
    {
        int count = 0, start = 0;
        while (true)
        {
            int comma = span[start..].IndexOf(',');
            int end = comma < 0 ? span.Length : start + comma;
            if (count < bounds.Length)
            {
                bounds[count] = (start, end - start);
            }

            count++;
            if (comma < 0)
            {
                return count;
            }

            start = end + 1;
        }
    }

    /// <summary>RFC 4180 fields of one record (quoted fields may hold commas, doubled quotes and newlines).</summary>
    private static void Split(string record, List<string> fields)
    {
        fields.Clear();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < record.Length; i++)
        {
            char c = record[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < record.Length && record[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
    }
}
