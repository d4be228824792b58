using System.Globalization;
using System.Text.Json;
using Cairn.Serving.Data;
using Microsoft.AspNetCore.Http;

namespace Cairn.Serving.Oip;

/// <summary>
/// The bytes after the JSON header of a request that uses the binary tensor data extension. Inputs with
/// <c>parameters.binary_data_size</c> take their bytes from it in the order the inputs are listed.
/// </summary>
internal sealed class BinarySection(ReadOnlyMemory<byte> bytes)
{
    private ReadOnlyMemory<byte> _rest = bytes;

    public int Length { get; } = bytes.Length;

    public ReadOnlySpan<byte> Take(long size, string name)
    {
        if (size > _rest.Length)
        {
            throw new InputException($"Input '{name}' has binary_data_size {size}, but only {_rest.Length} bytes of binary data are left after the JSON header.");
        }

        var taken = _rest.Span[..(int)size];
        _rest = _rest[(int)size..];
        return taken;
    }

    /// <summary>Every byte after the header must belong to an input; extra bytes mean the sizes and the body disagree.</summary>
    public void CheckAllTaken()
    {
        if (!_rest.IsEmpty)
        {
            throw new InputException($"The body has {Length} bytes of binary data after the JSON header, but the inputs' binary_data_size values add up to {Length - _rest.Length}.");
        }
    }
}

/// <summary>
/// The binary tensor data extension of the Open Inference Protocol over REST (as KServe and Triton define it): the
/// <c>Inference-Header-Content-Length</c> header says how many bytes of the body are the JSON request; raw tensor data
/// follows (see <see cref="RawTensor"/>). Outputs asked for with <c>parameters.binary_data</c> (or every output, with
/// the request's <c>parameters.binary_data_output</c>) come back the same way.
/// </summary>
internal static class BinaryTensorData
{
    public const string HeaderName = "Inference-Header-Content-Length";

    public const string Extension = "binary_tensor_data";

    public const string ContentType = "application/octet-stream";

    /// <summary>The JSON header's length from the request header, or null when the request is JSON alone.</summary>
    public static int? HeaderLength(HttpRequest request, int bodyLength)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return null;
        }

        var text = values.ToString();
        if (values.Count != 1 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > bodyLength)
        {
            throw new InputException($"{HeaderName} must be one whole number of bytes, at most the body's {bodyLength}; got '{text}'.");
        }

        return length;
    }

    /// <summary>An input's <c>parameters.binary_data_size</c>, or null when its data is JSON.</summary>
    public static long? Size(JsonElement input, string name)
    {
        if (!input.TryGetProperty("parameters", out var parameters))
        {
            return null;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new InputException($"Input '{name}' has \"parameters\" that are not an object.");
        }

        if (!parameters.TryGetProperty("binary_data_size", out var size))
        {
            return null;
        }

        return size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0
            ? bytes
            : throw new InputException($"Input '{name}' has binary_data_size {InputException.Describe(size)}; it must be a non-negative integer.");
    }

    /// <summary>A boolean parameter (<c>binary_data</c>, <c>binary_data_output</c>); absent is false.</summary>
    public static bool Flag(JsonElement parameters, string key, string owner)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new InputException($"\"parameters\" of {owner} must be an object.");
        }

        if (!parameters.TryGetProperty(key, out var flag))
        {
            return false;
        }

        return flag.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? flag.GetBoolean()
            : throw new InputException($"{key} in {owner} must be true or false, not {InputException.Describe(flag)}.");
    }

    /// <summary>
    /// An input's elements from the binary section: the size must be exactly what the shape and datatype take
    /// (for BYTES, the length-prefixed elements must fill it and number as many as the shape says).
    /// </summary>
    public static Array ReadInput(BinarySection? binary, long size, ElementType datatype, long[] shape, string name)
    {
        if (binary is null)
        {
            throw new InputException($"Input '{name}' has binary_data_size, but the request has no {HeaderName} header to say where the JSON ends and the binary data begins.");
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (RawTensor.ElementSize(datatype) is { } elementSize && count * elementSize != size)
        {
            throw new InputException($"Input '{name}' has shape [{string.Join(", ", shape)}] of {datatype.OipName()}, which takes {count * elementSize} bytes, but its binary_data_size is {size}.");
        }

        var values = RawTensor.Read(binary.Take(size, name), datatype, name);
        if (values.Length != count)
        {
            throw new InputException($"Input '{name}' has shape [{string.Join(", ", shape)}], which holds {count} elements, but its binary data has {values.Length}.");
        }

        return values;
    }
}
