using System.Text.Json;
using Cairn.Serving.Data;

namespace Cairn.Serving.Mlflow;

/// <summary>Reads MLflow's JSON scoring body: an object with exactly one of the four format keys, plus optional params.</summary>
internal static class ScoringRequestReader
{
    public static readonly string[] FormatKeys = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    private static readonly string Expected =
        "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}";

    // A shared JSON null for record rows that lack a column; the document lives as long as the process.
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement;

    public static ScoringInput Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InputException($"Invalid input. {Expected}. Received a JSON {body.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var keys = FormatKeys.Where(k => body.TryGetProperty(k, out _)).ToList();
        if (keys.Count != 1)
        {
            var chat = new[] { "messages", "prompt", "input" }.Any(k => body.TryGetProperty(k, out _));
            throw new InputException(chat
                ? "Invalid input. Chat, completion and embedding payloads are for language models; this model takes "
                    + "dataframe_split, dataframe_records, instances or inputs."
                : $"Invalid input. {Expected}. Received {(keys.Count == 0 ? "none of them" : string.Join(" and ", keys.Select(k => $"'{k}'")))}.");
        }

        if (body.TryGetProperty("signature_name", out _))
        {
            throw new InputException("Invalid input. 'signature_name' is not supported: a model has one signature.");
        }

        var value = body.GetProperty(keys[0]);
        return keys[0] switch
        {
            "dataframe_split" => Split(value),
            "dataframe_records" => Records(value),
            "instances" => Instances(value),
            _ => Inputs(value),
        };
    }

    private static ScoringInput Split(JsonElement split)
    {
        if (split.ValueKind != JsonValueKind.Object || !split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new InputException("Invalid input. dataframe_split must be {\"columns\": [...], \"data\": [[...], ...]}.");
        }

        if (!split.TryGetProperty("columns", out var columnsJson))
        {
            // pandas numbers unnamed columns; the signature then decides what the positions mean.
            return new ArrayInput(data);
        }

        if (columnsJson.ValueKind != JsonValueKind.Array || columnsJson.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            throw new InputException("Invalid input. dataframe_split 'columns' must be a list of column names.");
        }

        var names = columnsJson.EnumerateArray().Select(c => c.GetString()!).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new InputException("Invalid input. dataframe_split 'columns' names a column twice.");
        }

        var rowCount = data.GetArrayLength();
        var values = names.Select(_ => new JsonElement[rowCount]).ToList();
        var r = 0;
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != names.Count)
            {
                throw new InputException($"Invalid input. dataframe_split row {r} must be a list of {names.Count} values, one per column.");
            }

            var c = 0;
            foreach (var cell in row.EnumerateArray())
            {
                values[c++][r] = cell;
            }

            r++;
        }

        return new ColumnsInput(names, values, rowCount, IsDataFrame: true);
    }

    private static ColumnsInput Records(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array || records.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object))
        {
            throw new InputException("Invalid input. dataframe_records must be a list of objects, one per row.");
        }

        return RowsOfObjects(records, isDataFrame: true);
    }

    private static ScoringInput Instances(JsonElement instances)
    {
        if (instances.ValueKind == JsonValueKind.Object)
        {
            return Inputs(instances);
        }

        if (instances.ValueKind != JsonValueKind.Array)
        {
            throw new InputException("Invalid input. instances must be a list of rows or of objects.");
        }

        var objects = instances.EnumerateArray().Count(i => i.ValueKind == JsonValueKind.Object);
        if (objects == 0)
        {
            return new ArrayInput(instances);
        }

        if (objects != instances.GetArrayLength())
        {
            throw new InputException("Invalid input. instances mixes objects and other values.");
        }

        return RowsOfObjects(instances, isDataFrame: false);
    }

    private static ScoringInput Inputs(JsonElement inputs) => inputs.ValueKind switch
    {
        JsonValueKind.Array => new ArrayInput(inputs),
        JsonValueKind.Object => new NamedArraysInput(inputs.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList()),
        _ => throw new InputException("Invalid input. inputs must be a list (one array) or an object of named arrays."),
    };

    /// <summary>Columns in the order keys first appear; a row that lacks a key has null there.</summary>
    private static ColumnsInput RowsOfObjects(JsonElement rows, bool isDataFrame)
    {
        var rowCount = rows.GetArrayLength();
        var names = new List<string>();
        var values = new List<JsonElement[]>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            foreach (var property in row.EnumerateObject())
            {
                if (!index.TryGetValue(property.Name, out var c))
                {
                    c = names.Count;
                    index[property.Name] = c;
                    names.Add(property.Name);
                    var column = new JsonElement[rowCount];
                    Array.Fill(column, Null);
                    values.Add(column);
                }

                values[c][r] = property.Value;
            }

            r++;
        }

        return new ColumnsInput(names, values, rowCount, isDataFrame);
    }
}
