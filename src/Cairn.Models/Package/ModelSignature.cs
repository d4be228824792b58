using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Models.Data;

namespace Cairn.Models.Package;

/// <summary>
/// One input or output column of a column-based signature. <c>Type</c> is the scalar type, or the item type of an array
/// column; it is null for composite types (object, map), which are kept verbatim in <c>RawType</c>.
/// </summary>
public sealed record ColumnSpec(string? Name, DataType? Type, bool Required = true, bool IsArray = false, JsonObject? RawType = null);

/// <summary>One input or output of a tensor-based signature; -1 in <see cref="Shape"/> marks a variable dimension.</summary>
public sealed record TensorSpec(string? Name, string Dtype, long[] Shape);

/// <summary>A signature's inputs or outputs: column specs or tensor specs, never both.</summary>
public sealed record SignatureSchema(IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<TensorSpec> Tensors)
{
    public bool IsTensorBased => Tensors.Count > 0;

    public static SignatureSchema Of(params ColumnSpec[] columns) => new(columns, []);

    public static SignatureSchema Of(params TensorSpec[] tensors) => new([], tensors);

    /// <summary>MLflow's JSON text for the schema (a JSON array), with Python's separators.</summary>
    public string ToJson()
    {
        var items = IsTensorBased
            ? Tensors.Select(t =>
            {
                var spec = $"{{\"type\": \"tensor\", \"tensor-spec\": {{\"dtype\": {Quote(t.Dtype)}, \"shape\": [{string.Join(", ", t.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]}}";
                return t.Name is null ? spec + "}" : spec + $", \"name\": {Quote(t.Name)}}}";
            })
            : Columns.Select(c =>
            {
                var type = c.RawType is not null ? $"\"type\": {Quote(c.RawType["type"]?.GetValue<string>() ?? "object")}" + RawRest(c.RawType)
                    : c.IsArray ? $"\"type\": \"array\", \"items\": {{\"type\": {Quote(c.Type!.Value.WireName())}}}"
                    : $"\"type\": {Quote(c.Type!.Value.WireName())}";
                var name = c.Name is null ? "" : $", \"name\": {Quote(c.Name)}";
                return $"{{{type}{name}, \"required\": {(c.Required ? "true" : "false")}}}";
            });
        return "[" + string.Join(", ", items) + "]";
    }

    /// <summary>Reads MLflow's JSON text; throws <see cref="FormatException"/> with the reason.</summary>
    public static SignatureSchema Parse(string json)
    {
        JsonArray array;
        try
        {
            array = JsonNode.Parse(json) as JsonArray ?? throw new FormatException("A signature schema must be a JSON array.");
        }
        catch (JsonException error)
        {
            throw new FormatException($"A signature schema is not valid JSON: {error.Message}", error);
        }

        var columns = new List<ColumnSpec>();
        var tensors = new List<TensorSpec>();
        foreach (var item in array)
        {
            if (item is not JsonObject spec || spec["type"]?.GetValue<string>() is not { } type)
            {
                throw new FormatException("Every signature entry needs a \"type\".");
            }

            var name = spec["name"]?.GetValue<string>();
            if (type == "tensor")
            {
                var tensor = spec["tensor-spec"] as JsonObject ?? throw new FormatException("A tensor entry needs \"tensor-spec\".");
                var dtype = tensor["dtype"]?.GetValue<string>() ?? throw new FormatException("A tensor-spec needs \"dtype\".");
                var shape = (tensor["shape"] as JsonArray ?? []).Select(d => d!.GetValue<long>()).ToArray();
                tensors.Add(new TensorSpec(name, dtype, shape));
                continue;
            }

            var required = spec["required"]?.GetValue<bool>() ?? true;
            if (DataTypes.FromWireName(type) is { } scalar)
            {
                columns.Add(new ColumnSpec(name, scalar, required));
            }
            else if (type == "array" && spec["items"]?["type"]?.GetValue<string>() is { } itemType && DataTypes.FromWireName(itemType) is { } item2)
            {
                columns.Add(new ColumnSpec(name, item2, required, IsArray: true));
            }
            else
            {
                var raw = (JsonObject)spec.DeepClone();
                raw.Remove("name");
                raw.Remove("required");
                columns.Add(new ColumnSpec(name, null, required, RawType: raw));
            }
        }

        if (columns.Count > 0 && tensors.Count > 0)
        {
            throw new FormatException("A signature schema mixes column and tensor entries.");
        }

        return new SignatureSchema(columns, tensors);
    }

    private static string RawRest(JsonObject raw)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in raw.Where(p => p.Key != "type"))
        {
            builder.Append(", ").Append(Quote(key)).Append(": ").Append(PythonJson(value));
        }

        return builder.ToString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    /// <summary>JSON with Python's <c>json.dumps</c> separators (", " and ": "), as MLflow writes signatures.</summary>
    private static string PythonJson(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(", ", o.Select(p => Quote(p.Key) + ": " + PythonJson(p.Value))) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(PythonJson)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}

/// <summary>A model's signature: what it takes, what it returns, and optional inference params (kept as MLflow JSON).</summary>
public sealed record ModelSignature(SignatureSchema Inputs, SignatureSchema? Outputs, string? ParamsJson = null);
