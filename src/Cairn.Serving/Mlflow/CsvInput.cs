using System.Globalization;
using System.Text;
using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Serving.Data;

namespace Cairn.Serving.Mlflow;

/// <summary>
/// A <c>text/csv</c> body (a header row, then rows, RFC 4180 quoting) as a <c>dataframe_split</c> document. Cells of
/// string-typed signature columns stay text; other cells become numbers or booleans when they read as such, as
/// <c>pandas.read_csv</c> infers them, and empty cells become null.
/// </summary>
internal static class CsvInput
{
    public static JsonDocument ToSplit(string text, IReadOnlyList<ColumnSpec> specs)
    {
        var records = Parse(text);
        if (records.Count == 0)
        {
            throw new InputException("Invalid input. The CSV body is empty; it needs a header row.");
        }

        var header = records[0];
        var textColumns = header.Select(name => specs.FirstOrDefault(s => s.Name == name)?.Type is DataType.String or DataType.Binary or DataType.DateTime).ToArray();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("dataframe_split");
            writer.WriteStartArray("columns");
            foreach (var name in header)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("data");
            for (var r = 1; r < records.Count; r++)
            {
                var row = records[r];
                if (row.Count != header.Count)
                {
                    throw new InputException($"Invalid input. CSV row {r} has {row.Count} fields; the header has {header.Count}.");
                }

                writer.WriteStartArray();
                for (var c = 0; c < row.Count; c++)
                {
                    WriteCell(writer, row[c], textColumns[c]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.ToArray());
    }

    private static void WriteCell(Utf8JsonWriter writer, string cell, bool isText)
    {
        if (isText)
        {
            writer.WriteStringValue(cell);
        }
        else if (cell.Length == 0)
        {
            writer.WriteNullValue();
        }
        else if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else if (bool.TryParse(cell, out var flag))
        {
            writer.WriteBooleanValue(flag);
        }
        else
        {
            writer.WriteStringValue(cell);
        }
    }

    /// <summary>RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes; blank lines are skipped.</summary>
    private static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"':
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    break;
                default:
                    field.Append(ch);
                    any = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new InputException("Invalid input. The CSV body ends inside a quoted field.");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (any || field.Length > 0)
            {
                record.Add(field.ToString());
                records.Add(record);
            }

            record = [];
            field.Clear();
            any = false;
        }
    }
}
