using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Cairn.Serving.Hosting;

/// <summary>Writes a JSON body built with <see cref="Utf8JsonWriter"/> in one piece, with its length (no chunked encoding).</summary>
internal static class JsonResponse
{
    /// <summary>Quotes and apostrophes in messages stay readable; the body is JSON, never embedded in HTML.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return WriteAsync(context, status, buffer);
    }

    public static Task WriteAsync(HttpContext context, int status, ArrayBufferWriter<byte> body, string contentType = "application/json")
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory).AsTask();
    }

    public static Task WriteTextAsync(HttpContext context, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }
}
