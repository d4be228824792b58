using System.Text.Json;
using Cairn.Serving.Data;
using Cairn.Serving.Models;

namespace Cairn.Serving.Oip;

/// <summary>One input tensor of an inference request, checked and converted to the element type it declares.</summary>
internal sealed record InferInput(TensorMetadata Meta, long[] Shape, Array Data);

/// <summary>An Open Inference Protocol inference request, validated against the model's inputs and outputs.</summary>
internal sealed record InferRequest(string? Id, IReadOnlyList<InferInput> Inputs, IReadOnlyList<string>? Outputs)
{
    private static readonly HashSet<string> EmptyNames = [];

    /// <summary>Outputs to return as binary tensor data (the binary tensor data extension); empty: all as JSON.</summary>
    public IReadOnlySet<string> BinaryOutputs { get; init; } = EmptyNames;

    /// <summary>The request's <c>parameters.binary_data_output</c>: every output as binary tensor data.</summary>
    public bool AllOutputsBinary { get; init; }

    public bool IsBinaryOutput(string name) => AllOutputsBinary || BinaryOutputs.Contains(name);

    /// <summary>
    /// Applies the protocol's rules; every violation is an <see cref="InputException"/> naming the input. With
    /// <paramref name="binary"/> (the bytes after the JSON header), inputs may carry their data there instead.
    /// </summary>
    public static InferRequest Read(JsonElement body, ServedModel model, BinarySection? binary = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InputException("The request must be a JSON object with an \"inputs\" list.");
        }

        string? id = null;
        if (body.TryGetProperty("id", out var idJson))
        {
            id = idJson.ValueKind == JsonValueKind.String ? idJson.GetString() : throw new InputException("\"id\" must be a string.");
        }

        if (!body.TryGetProperty("inputs", out var inputsJson) || inputsJson.ValueKind != JsonValueKind.Array || inputsJson.GetArrayLength() == 0)
        {
            throw new InputException("The request needs a non-empty \"inputs\" list.");
        }

        var inputs = inputsJson.EnumerateArray().Select(input => ReadInput(input, model, binary)).ToList();
        binary?.CheckAllTaken();
        var (outputs, binaryOutputs) = ReadOutputs(body);
        return Complete(id, inputs, outputs, model) with
        {
            BinaryOutputs = binaryOutputs,
            AllOutputsBinary = body.TryGetProperty("parameters", out var parameters) && BinaryTensorData.Flag(parameters, "binary_data_output", "the request's parameters"),
        };
    }

    /// <summary>
    /// One input given by parts (the gRPC path), under the same rules as JSON: a known name, the model's datatype, a
    /// shape whose product is the element count. <paramref name="data"/> reads the elements once the datatype is known.
    /// </summary>
    public static InferInput FromParts(ServedModel model, string name, string datatypeName, long[] shape, Func<ElementType, Array> data)
    {
        var (meta, datatype) = Resolve(model, name, datatypeName.Length == 0 ? null : datatypeName);
        if (shape.Any(d => d < 0))
        {
            throw new InputException($"Input '{name}' has an invalid shape: dimensions must be non-negative integers.");
        }

        var values = data(datatype);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (values.Length != count)
        {
            throw new InputException($"Input '{name}' has shape [{string.Join(", ", shape)}], which holds {count} elements, but its data has {values.Length}.");
        }

        CheckShape(meta, shape);
        return new InferInput(meta, shape, values);
    }

    /// <summary>Checks the inputs as a whole (no input twice, none missing) and makes the request.</summary>
    public static InferRequest Complete(string? id, IReadOnlyList<InferInput> inputs, IReadOnlyList<string>? outputs, ServedModel model)
    {
        var twice = inputs.GroupBy(i => i.Meta.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new InputException($"Input '{twice.Key}' is given twice.");
        }

        var missing = model.Interface.Inputs.Where(m => m.Column is not { Required: false } && inputs.All(i => !ReferenceEquals(i.Meta, m))).Select(m => $"'{m.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"Missing input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} for model '{model.Name}'.");
        }

        var unknown = outputs?.FirstOrDefault(o => model.Interface.Outputs.Count > 0 && model.Interface.Outputs.All(m => m.Name != o));
        if (unknown is not null)
        {
            throw new InputException($"Unknown output '{unknown}'; model '{model.Name}' returns {string.Join(", ", model.Interface.Outputs.Select(o => $"'{o.Name}'"))}.");
        }

        return new InferRequest(id, inputs, outputs);
    }

    /// <summary>The model's input by name, and the declared datatype, which must be the input's.</summary>
    private static (TensorMetadata Meta, ElementType Type) Resolve(ServedModel model, string name, string? datatypeName)
    {
        var meta = model.Interface.FindInput(name)
            ?? throw new InputException($"Unknown input '{name}'; model '{model.Name}' takes {string.Join(", ", model.Interface.Inputs.Select(i => $"'{i.Name}'"))}.");
        var datatype = ElementTypes.FromOipName(datatypeName)
            ?? throw new InputException($"Input '{name}' has {(datatypeName is null ? "no datatype" : $"unknown datatype '{datatypeName}'")}.");
        if (datatype != meta.Type)
        {
            throw new InputException($"Input '{name}' has datatype {datatype.OipName()}; model '{model.Name}' takes {meta.Type.OipName()}.");
        }

        return (meta, datatype);
    }

    private static InferInput ReadInput(JsonElement input, ServedModel model, BinarySection? binary)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("name", out var nameJson) || nameJson.ValueKind != JsonValueKind.String)
        {
            throw new InputException("Every input needs a \"name\" string.");
        }

        var name = nameJson.GetString()!;
        var datatypeName = input.TryGetProperty("datatype", out var datatypeJson) && datatypeJson.ValueKind == JsonValueKind.String ? datatypeJson.GetString() : null;
        var (meta, datatype) = Resolve(model, name, datatypeName);

        var shape = ReadShape(input, name);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (BinaryTensorData.Size(input, name) is { } size)
        {
            if (input.TryGetProperty("data", out _))
            {
                throw new InputException($"Input '{name}' has both \"data\" and parameters.binary_data_size; give one of them.");
            }

            var values = BinaryTensorData.ReadInput(binary, size, datatype, shape, name);
            CheckShape(meta, shape);
            return new InferInput(meta, shape, values);
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw new InputException($"Input '{name}' has no \"data\".");
        }

        var leaves = TensorJson.Flatten(data);
        if (leaves.Count != count)
        {
            throw new InputException($"Input '{name}' has shape [{string.Join(", ", shape)}], which holds {count} elements, but its data has {leaves.Count}.");
        }

        CheckShape(meta, shape);
        return new InferInput(meta, shape, TensorJson.ToArray(leaves, datatype, name, datatype.OipName()));
    }

    private static long[] ReadShape(JsonElement input, string name)
    {
        if (!input.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
        {
            throw new InputException($"Input '{name}' needs a \"shape\" list.");
        }

        var shape = new long[shapeJson.GetArrayLength()];
        var i = 0;
        foreach (var dimension in shapeJson.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out shape[i]) || shape[i] < 0)
            {
                throw new InputException($"Input '{name}' has an invalid shape: dimensions must be non-negative integers.");
            }

            i++;
        }

        return shape;
    }

    /// <summary>A column takes [rows] or [rows, 1] (an array column [rows, width]); a tensor takes its signature's shape.</summary>
    private static void CheckShape(TensorMetadata meta, long[] shape)
    {
        if (meta.Column is { } column)
        {
            var fits = column.IsArray ? shape.Length == 2 : shape.Length == 1 || (shape.Length == 2 && shape[1] == 1);
            if (!fits)
            {
                throw new InputException($"Input '{meta.Name}' is a column and needs shape {(column.IsArray ? "[rows, width]" : "[rows] or [rows, 1]")}, got [{string.Join(", ", shape)}].");
            }

            return;
        }

        var expected = meta.Shape;
        var ok = expected.Length == shape.Length;
        for (var i = 0; ok && i < shape.Length; i++)
        {
            ok = expected[i] < 0 || expected[i] == shape[i];
        }

        if (!ok)
        {
            throw new InputException($"Input '{meta.Name}' needs shape [{string.Join(", ", expected)}], got [{string.Join(", ", shape)}].");
        }
    }

    private static (List<string>? Names, HashSet<string> Binary) ReadOutputs(JsonElement body)
    {
        var binary = new HashSet<string>(StringComparer.Ordinal);
        if (!body.TryGetProperty("outputs", out var outputsJson))
        {
            return (null, binary);
        }

        if (outputsJson.ValueKind != JsonValueKind.Array)
        {
            throw new InputException("\"outputs\" must be a list of {\"name\": …} objects.");
        }

        var names = new List<string>();
        foreach (var output in outputsJson.EnumerateArray())
        {
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new InputException("Every requested output needs a \"name\" string.");
            }

            names.Add(name.GetString()!);
            if (output.TryGetProperty("parameters", out var parameters) && BinaryTensorData.Flag(parameters, "binary_data", $"output '{name.GetString()}'"))
            {
                binary.Add(name.GetString()!);
            }
        }

        return (names, binary);
    }
}
