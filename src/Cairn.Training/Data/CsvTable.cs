using System.Text;

namespace Cairn.Training.Data;

/// <summary>A CSV file read as text columns (RFC 4180 quoting; CRLF or LF line ends).</summary>
public static class CsvTable
{
    public static RawTable Read(string path, char separator, bool header, int skipRows, IReadOnlyList<string>? names)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        for (var i = 0; i < skipRows && reader.ReadLine() is not null; i++)
        {
            // Leading lines before the table (e.g. a count line) are skipped as whole lines.
        }

        var records = new List<string[]>();
        var line = 1 + skipRows;
        while (ReadRecord(reader, separator, ref line) is { } record)
        {
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            records.Add(record);
        }

        string[] columns;
        if (header)
        {
            if (records.Count == 0)
            {
                throw new FormatException($"'{path}' is empty: it has no header row.");
            }

            columns = records[0].Select(c => c.Trim()).ToArray();
            records.RemoveAt(0);
            if (names is not null)
            {
                if (names.Count != columns.Length)
                {
                    throw new FormatException($"data.columns names {names.Count} columns, but the header of '{path}' has {columns.Length}.");
                }

                columns = [.. names];
            }
        }
        else
        {
            columns = [.. names!];
        }

        for (var r = 0; r < records.Count; r++)
        {
            if (records[r].Length != columns.Length)
            {
                throw new FormatException($"'{path}' row {r + 1} has {records[r].Length} fields; the table has {columns.Length} columns.");
            }
        }

        return new RawTable(columns, records);
    }

    private static string[]? ReadRecord(TextReader reader, char separator, ref int line)
    {
        var first = reader.Peek();
        if (first < 0)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                fields.Add(field.ToString());
                return [.. fields];
            }

            var c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                line++;
                fields.Add(field.ToString());
                return [.. fields];
            }
            else
            {
                field.Append(c);
            }
        }
    }
}

/// <summary>Rows of text values under column names, before typing.</summary>
public sealed record RawTable(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows);
