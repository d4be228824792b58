using System.Text.Json;
using Cairn.Serving.Data;
using Cairn.Serving.Models;

namespace Cairn.Serving.Oip;

/// <summary>
/// The fast path for JSON inference requests: one pass of a <see cref="Utf8JsonReader"/> over the body, each input's
/// <c>data</c> read straight into a typed array of its datatype, with no document or boxed values in between.
/// It accepts what <see cref="InferRequest.Read"/> accepts and returns null for anything else (an error, a binary
/// input, an unusual layout), so the document path stays the one place that words the errors.
/// </summary>
internal static class InferRequestStream
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    public static InferRequest? TryRead(ReadOnlySpan<byte> body, ServedModel model)
    {
        try
        {
            return Read(body, model);
        }
        catch (Exception error) when (error is JsonException or InputException or InvalidOperationException)
        {
            return null;
        }
    }

    private static InferRequest? Read(ReadOnlySpan<byte> body, ServedModel model)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? id = null;
        List<InferInput>? inputs = null;
        List<string>? outputs = null;
        var binaryOutputs = new HashSet<string>(StringComparer.Ordinal);
        bool? allBinary = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (id is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                if (inputs is not null || (inputs = ReadInputs(ref reader, body, model)) is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                if (outputs is not null || (outputs = ReadOutputs(ref reader, binaryOutputs)) is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                if (allBinary is not null || (allBinary = ReadFlag(ref reader, "binary_data_output"u8)) is null)
                {
                    return null;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || inputs is null)
        {
            return null;
        }

        return InferRequest.Complete(id, inputs, outputs, model) with { BinaryOutputs = binaryOutputs, AllOutputsBinary = allBinary ?? false };
    }

    private static List<InferInput>? ReadInputs(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ServedModel model)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var inputs = new List<InferInput>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (ReadInput(ref reader, body, model) is not { } input)
            {
                return null;
            }

            inputs.Add(input);
        }

        return reader.TokenType == JsonTokenType.EndArray && inputs.Count > 0 ? inputs : null;
    }

    private static InferInput? ReadInput(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ServedModel model)
    {
        string? name = null;
        string? datatypeName = null;
        long[]? shape = null;
        Array? data = null;
        var deferred = (Start: -1L, End: -1L);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                if (name is not null || (name = ReadString(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                if (datatypeName is not null || (datatypeName = ReadString(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape is not null || (shape = ReadShape(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                if (data is not null || deferred.Start >= 0 || !reader.Read())
                {
                    return null;
                }

                if (name is not null && datatypeName is not null)
                {
                    if ((data = ReadData(ref reader, model, name, datatypeName, shape, body.Length)) is null)
                    {
                        return null;
                    }
                }
                else
                {
                    // Name or datatype come later: read the data once they are known.
                    deferred.Start = reader.TokenStartIndex;
                    reader.Skip();
                    deferred.End = reader.BytesConsumed;
                }
            }
            else
            {
                // Binary data sizes and other parameters go the document way.
                if (reader.ValueTextEquals("parameters"u8))
                {
                    return null;
                }

                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || name is null || datatypeName is null || shape is null)
        {
            return null;
        }

        if (data is null && deferred.Start >= 0)
        {
            var later = new Utf8JsonReader(body[(int)deferred.Start..(int)deferred.End], Options);
            data = later.Read() ? ReadData(ref later, model, name, datatypeName, shape, body.Length) : null;
        }

        return data is null ? null : InferRequest.FromParts(model, name, datatypeName, shape, _ => data);
    }

    private static Array? ReadData(ref Utf8JsonReader reader, ServedModel model, string name, string datatypeName, long[]? shape, int bodyLength)
    {
        if (model.Interface.FindInput(name) is not { } meta || ElementTypes.FromOipName(datatypeName) is not { } datatype || datatype != meta.Type)
        {
            return null;
        }

        // A JSON element takes at least two bytes, so the body bounds what a shape may ask to be allocated.
        var count = shape?.Aggregate(1L, (a, b) => a * b) ?? 1024;
        using var leaves = LeafBuilder.ForTensor(datatype, (int)Math.Clamp(count, 0, bodyLength / 2));
        return leaves is not null && JsonLeaves.TryRead(ref reader, leaves, shape: null) ? leaves.ToArray() : null;
    }

    private static string? ReadString(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    private static long[]? ReadShape(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var shape = new List<long>(4);
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out var dimension) || dimension < 0)
            {
                return null;
            }

            shape.Add(dimension);
        }

        return reader.TokenType == JsonTokenType.EndArray ? [.. shape] : null;
    }

    private static List<string>? ReadOutputs(ref Utf8JsonReader reader, HashSet<string> binary)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var names = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? name = null;
            bool? isBinary = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    if (name is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }

                    name = reader.GetString();
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    if (isBinary is not null || (isBinary = ReadFlag(ref reader, "binary_data"u8)) is null)
                    {
                        return null;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (name is null)
            {
                return null;
            }

            names.Add(name);
            if (isBinary == true)
            {
                binary.Add(name);
            }
        }

        return reader.TokenType == JsonTokenType.EndArray ? names : null;
    }

    /// <summary>A parameters object's boolean <paramref name="key"/> (false when absent); null when it is not a boolean.</summary>
    private static bool? ReadFlag(ref Utf8JsonReader reader, ReadOnlySpan<byte> key)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        bool? flag = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals(key);
            reader.Read();
            if (!isKey)
            {
                reader.Skip();
                continue;
            }

            if (flag is not null || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
            {
                return null;
            }

            flag = reader.TokenType == JsonTokenType.True;
        }

        return reader.TokenType == JsonTokenType.EndObject ? flag ?? false : null;
    }
}
