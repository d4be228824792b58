using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cairn.Core;
using Microsoft.Extensions.Primitives;

namespace Cairn.Server.Mlflow;

/// <summary>
/// Binds an MLflow request the way MLflow does: GET fields from the query string (repeated keys or
/// <c>key[]</c> for lists), other methods from a JSON body. Bodies are bounded before they are read.
/// </summary>
internal static class MlflowRequest
{
    public const int DefaultMaxBodyBytes = 32 * 1024 * 1024;

    public static async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, int maxBodyBytes = DefaultMaxBodyBytes)
    {
        var request = context.Request;
        byte[] json;
        if (HttpMethods.IsGet(request.Method))
        {
            json = QueryToJson(request.Query, typeInfo);
        }
        else
        {
            if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)) && !IsJson(request.ContentType))
            {
                throw CairnException.InvalidParameter(
                    $"Bad Request. Content-Type must be 'application/json'; got '{request.ContentType}'.");
            }

            json = await ReadBodyAsync(request, maxBodyBytes, context.RequestAborted);
        }

        return Deserialize(json, typeInfo);
    }

    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static async ValueTask<byte[]> ReadBodyAsync(HttpRequest request, int maxBodyBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBodyBytes)
        {
            throw TooLarge(request.ContentLength.Value, maxBodyBytes);
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBodyBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBodyBytes)
            {
                throw TooLarge(buffer.WrittenCount, maxBodyBytes);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static T Deserialize<T>(byte[] json, JsonTypeInfo<T> typeInfo)
    {
        var span = json.AsSpan().TrimStart(" \t\r\n"u8);
        if (span.IsEmpty)
        {
            span = "{}"u8.ToArray();
        }

        try
        {
            // Old clients double-encode: the body is a JSON string holding the JSON object.
            if (span[0] == (byte)'"')
            {
                var inner = JsonSerializer.Deserialize(span, Contracts.Mlflow.MlflowJsonContext.Wire.String) ?? "{}";
                span = Encoding.UTF8.GetBytes(inner.Length == 0 ? "{}" : inner);
            }

            if (span.TrimStart(" \t\r\n"u8) is not [(byte)'{', ..])
            {
                throw CairnException.InvalidParameter("Invalid request body: expected a JSON object.");
            }

            return JsonSerializer.Deserialize(span, typeInfo)
                ?? throw CairnException.InvalidParameter("Invalid request body: expected a JSON object.");
        }
        catch (JsonException exception)
        {
            // The serializer's own message names .NET types; say which field was wrong instead.
            throw CairnException.InvalidParameter(exception.Path is { Length: > 2 } path
                ? $"Invalid value for field '{path[2..]}' in the request body: wrong type or malformed JSON."
                : "Malformed JSON in the request body.");
        }
    }

    /// <summary>Turns query fields into the JSON object the body would have held, so one binder serves both.</summary>
    private static byte[] QueryToJson<T>(IQueryCollection query, JsonTypeInfo<T> typeInfo)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (rawKey, values) in query)
        {
            var bracket = rawKey.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? rawKey : rawKey[..bracket];
            if (!fields.TryGetValue(key, out var list))
            {
                fields[key] = list = [];
            }

            foreach (var value in (StringValues)values)
            {
                list.Add(value ?? "");
            }
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in typeInfo.Properties)
            {
                if (!fields.TryGetValue(property.Name, out var values) || values.Count == 0)
                {
                    continue;
                }

                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                writer.WritePropertyName(property.Name);
                if (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)))
                {
                    writer.WriteStartArray();
                    foreach (var value in values)
                    {
                        writer.WriteStringValue(value);
                    }

                    writer.WriteEndArray();
                }
                else if (type == typeof(bool))
                {
                    writer.WriteBooleanValue(bool.TryParse(values[0], out var flag)
                        ? flag
                        : throw CairnException.InvalidParameter($"Invalid value '{values[0]}' for parameter '{property.Name}': expected true or false."));
                }
                else
                {
                    writer.WriteStringValue(values[0]);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static CairnException TooLarge(long size, int limit) =>
        CairnException.InvalidParameter($"Request body of {size} bytes exceeds the limit of {limit} bytes for this endpoint.");
}
