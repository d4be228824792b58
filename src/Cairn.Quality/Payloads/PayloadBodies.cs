using System.Text.Json;

namespace Cairn.Quality.Payloads;

/// <summary>
/// Turns logged request and response bodies into rows of named cells. Requests: MLflow's <c>dataframe_split</c>,
/// <c>dataframe_records</c>, <c>instances</c> and <c>inputs</c> (records or columns), CSV text, and Open Inference Protocol
/// inputs with one value per row. Responses: MLflow's <c>predictions</c> (a list, records or named columns) and OIP outputs.
/// A body without column names (a bare tensor) gives null: its rows cannot be matched with a baseline's columns.
/// </summary>
internal static class PayloadBodies
{
    public const string SinglePrediction = "prediction";

    public static List<List<KeyValuePair<string, string?>>>? MlflowRequest(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (body.TryGetProperty("dataframe_split", out var split))
        {
            return Split(split);
        }

        if (body.TryGetProperty("dataframe_records", out var records))
        {
            return Records(records);
        }

        if (body.TryGetProperty("instances", out var instances) || body.TryGetProperty("inputs", out instances))
        {
            return instances.ValueKind switch
            {
                JsonValueKind.Array when instances.GetArrayLength() > 0 && instances[0].ValueKind == JsonValueKind.Object => Records(instances),
                JsonValueKind.Object => NamedColumns(instances),
                _ => null,
            };
        }

        return null;
    }

    public static List<List<KeyValuePair<string, string?>>>? OipRequest(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("inputs", out var inputs) ? OipTensors(inputs) : null;

    /// <summary>MLflow's <c>predictions</c>, row by row; <paramref name="rows"/> is the request's row count.</summary>
    public static List<List<KeyValuePair<string, string?>>>? MlflowResponse(JsonElement body, int rows)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("predictions", out var predictions))
        {
            return null;
        }

        List<List<KeyValuePair<string, string?>>>? result = predictions.ValueKind switch
        {
            JsonValueKind.Array when predictions.GetArrayLength() > 0 && predictions[0].ValueKind == JsonValueKind.Object => Records(predictions),
            JsonValueKind.Array => predictions.EnumerateArray().Select(p => new List<KeyValuePair<string, string?>> { new(SinglePrediction, Cell(p)) }).ToList(),
            JsonValueKind.Object => NamedColumns(predictions),
            _ => null,
        };
        return result?.Count == rows ? result : null;
    }

    public static List<List<KeyValuePair<string, string?>>>? OipResponse(JsonElement body, int rows)
    {
        var result = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("outputs", out var outputs) ? OipTensors(outputs, rows) : null;
        return result?.Count == rows ? result : null;
    }

    /// <summary>CSV text (header row, comma-separated, RFC 4180 quotes), as MLflow's scoring server takes it.</summary>
    public static List<List<KeyValuePair<string, string?>>>? Csv(string text)
    {
        var records = CsvRecords(text);
        if (records.Count == 0)
        {
            return null;
        }

        var header = records[0];
        var rows = new List<List<KeyValuePair<string, string?>>>();
        foreach (var record in records.Skip(1).Where(r => !(r.Count == 1 && r[0].Length == 0)))
        {
            if (record.Count != header.Count)
            {
                return null;
            }

            rows.Add(header.Select((name, i) => new KeyValuePair<string, string?>(name.Trim(), record[i])).ToList());
        }

        return rows;
    }

    /// <summary>A JSON value as a text cell: numbers as written, booleans as <c>true</c>/<c>false</c>, null as missing.</summary>
    public static string? Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static List<List<KeyValuePair<string, string?>>>? Split(JsonElement split)
    {
        if (split.ValueKind != JsonValueKind.Object || !split.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array
            || !split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = columns.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText()).ToList();
        var rows = new List<List<KeyValuePair<string, string?>>>();
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != names.Count)
            {
                return null;
            }

            rows.Add(row.EnumerateArray().Select((cell, i) => new KeyValuePair<string, string?>(names[i], Cell(cell))).ToList());
        }

        return rows;
    }

    private static List<List<KeyValuePair<string, string?>>>? Records(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array || records.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object))
        {
            return null;
        }

        return records.EnumerateArray().Select(r => r.EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name, Cell(p.Value))).ToList()).ToList();
    }

    /// <summary><c>{"a": [1, 2], "b": [3, 4]}</c>: one list per column, all of one length; or one row of scalars.</summary>
    private static List<List<KeyValuePair<string, string?>>>? NamedColumns(JsonElement columns)
    {
        var properties = columns.EnumerateObject().ToList();
        if (properties.Count == 0)
        {
            return null;
        }

        if (properties.All(p => p.Value.ValueKind != JsonValueKind.Array))
        {
            return [properties.Select(p => new KeyValuePair<string, string?>(p.Name, Cell(p.Value))).ToList()];
        }

        if (properties.Any(p => p.Value.ValueKind != JsonValueKind.Array) || properties.Select(p => p.Value.GetArrayLength()).Distinct().Count() != 1)
        {
            return null;
        }

        var rows = Enumerable.Range(0, properties[0].Value.GetArrayLength()).Select(_ => new List<KeyValuePair<string, string?>>()).ToList();
        foreach (var property in properties)
        {
            int r = 0;
            foreach (var cell in property.Value.EnumerateArray())
            {
                rows[r++].Add(new(property.Name, Cell(cell)));
            }
        }

        return rows;
    }

    /// <summary>OIP tensors with one value per row (shape [n] or [n, 1]); a wider tensor has no per-column names and is left out.</summary>
    private static List<List<KeyValuePair<string, string?>>>? OipTensors(JsonElement tensors, int? rows = null)
    {
        if (tensors.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        List<List<KeyValuePair<string, string?>>>? result = null;
        foreach (var tensor in tensors.EnumerateArray())
        {
            if (tensor.ValueKind != JsonValueKind.Object || !tensor.TryGetProperty("name", out var name) || !tensor.TryGetProperty("data", out var data))
            {
                return null;
            }

            var values = new List<string?>();
            Flatten(data, values);
            int n = rows ?? (tensor.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0
                && shape[0].TryGetInt32(out int first) ? first : values.Count);
            if (values.Count != n)
            {
                continue;
            }

            result ??= Enumerable.Range(0, n).Select(_ => new List<KeyValuePair<string, string?>>()).ToList();
            if (result.Count != n)
            {
                return null;
            }

            for (int r = 0; r < n; r++)
            {
                result[r].Add(new(name.GetString() ?? "", values[r]));
            }
        }

        return result;
    }

    private static void Flatten(JsonElement data, List<string?> values)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            values.Add(Cell(data));
            return;
        }

        foreach (var item in data.EnumerateArray())
        {
            Flatten(item, values);
        }
    }

    private static List<List<string>> CsvRecords(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
