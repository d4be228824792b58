using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Cairn.Serving.Data;
using Cairn.Serving.Hosting;
using Cairn.Serving.Metrics;
using Cairn.Serving.Models;
using Cairn.Serving.Payloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Serving.Oip;

/// <summary>Open Inference Protocol v2 over REST: health, server and model metadata, readiness and inference.</summary>
internal static class InferenceEndpoints
{
    public const string Protocol = "oip";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.ServiceProvider.GetRequiredService<ServedModels>();
        var metrics = app.ServiceProvider.GetRequiredService<ServingMetrics>();
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn.Serving");
        var version = typeof(InferenceEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        app.MapGet("/v2", context => JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", "cairn");
            w.WriteString("version", version);
            w.WriteStartArray("extensions");
            w.WriteStringValue(BinaryTensorData.Extension);
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        app.MapGet("/v2/health/live", context => Flag(context, "live", true));
        app.MapGet("/v2/health/ready", context => Flag(context, "ready", true));

        var group = app.MapGroup("/v2/models/{name}");
        foreach (var prefix in new[] { "", "/versions/{version}" })
        {
            group.MapGet(prefix, context => WithModel(context, models, model => MetadataAsync(context, model)));
            group.MapGet(prefix + "/ready", context => WithModel(context, models, model => JsonResponse.WriteAsync(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", model.Name);
                w.WriteBoolean("ready", true);
                w.WriteEndObject();
            })));
            group.MapPost(prefix + "/infer", context => WithModel(context, models, model => InferAsync(context, model, metrics, logger)));
        }

        return app;
    }

    private static Task Flag(HttpContext context, string name, bool value) => JsonResponse.WriteAsync(context, value ? 200 : 503, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean(name, value);
        w.WriteEndObject();
    });

    private static async Task WithModel(HttpContext context, ServedModels models, Func<ServedModel, Task> handle)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        var version = context.Request.RouteValues["version"] as string;
        var model = models.Acquire(name, version);
        if (model is not null)
        {
            try
            {
                context.Items[PayloadLogMiddleware.ModelItem] = model;
                await handle(model);
            }
            finally
            {
                model.Release();
            }

            return;
        }

        await ErrorAsync(context, 404, models.Find(name) is null
            ? $"Model '{name}' is not served here."
            : $"Model '{name}' has no version '{version}' here; it serves {(models.Find(name)!.Version is { } v ? $"version {v}" : "an unversioned model")}.");
    }

    private static Task MetadataAsync(HttpContext context, ServedModel model) => JsonResponse.WriteAsync(context, 200, w =>
    {
        w.WriteStartObject();
        w.WriteString("name", model.Name);
        if (model.Version is not null)
        {
            w.WriteStartArray("versions");
            w.WriteStringValue(model.Version);
            w.WriteEndArray();
        }

        w.WriteString("platform", model.Platform);
        WriteTensors(w, "inputs", model.Interface.Inputs);
        WriteTensors(w, "outputs", model.Interface.Outputs);
        w.WriteEndObject();
    });

    private static void WriteTensors(Utf8JsonWriter w, string property, IReadOnlyList<TensorMetadata> tensors)
    {
        w.WriteStartArray(property);
        foreach (var tensor in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", tensor.Name);
            w.WriteString("datatype", tensor.Type.OipName());
            w.WriteStartArray("shape");
            foreach (var dimension in tensor.Shape)
            {
                w.WriteNumberValue(dimension);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static async Task InferAsync(HttpContext context, ServedModel model, ServingMetrics metrics, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var status = await RunAsync(context, model, logger);
        metrics.Observe(model, Protocol, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<int> RunAsync(HttpContext context, ServedModel model, ILogger logger)
    {
        try
        {
            using var body = await PooledBody.ReadAsync(context.Request, context.RequestAborted);
            var request = Read(context.Request, body, model);
            var outputs = await InferRunner.RunAsync(model, request, (input, output) => context.Items[PayloadLogMiddleware.FramesItem] = new PayloadFrames(input, output));
            await WriteResponseAsync(context, model, request, outputs);
            return 200;
        }
        catch (JsonException error)
        {
            return await ErrorAsync(context, 400, $"The body is not valid JSON: {error.Message}");
        }
        catch (InputException error)
        {
            return await ErrorAsync(context, 400, error.Message);
        }
        catch (BadHttpRequestException error)
        {
            return await ErrorAsync(context, error.StatusCode, error.Message);
        }
        catch (Exception error) when (error is ModelFailedException or NotSupportedException)
        {
            ServingLog.PredictFailed(logger, model.Name, error.InnerException ?? error);
            return await ErrorAsync(context, 500, error.Message);
        }
    }

    /// <summary>
    /// A JSON request goes the streaming way, falling back to the document reader for what that does not take; a
    /// request with binary tensor data has its (small) JSON header read as a document.
    /// </summary>
    private static InferRequest Read(HttpRequest http, PooledBody body, ServedModel model)
    {
        if (BinaryTensorData.HeaderLength(http, body.Length) is { } headerLength)
        {
            using var header = JsonDocument.Parse(body.Memory[..headerLength], DocumentOptions);
            return InferRequest.Read(header.RootElement, model, new BinarySection(body.Memory[headerLength..]));
        }

        if (InferRequestStream.TryRead(body.Span, model) is { } request)
        {
            return request;
        }

        using var document = JsonDocument.Parse(body.Memory, DocumentOptions);
        return InferRequest.Read(document.RootElement, model);
    }

    /// <summary>JSON, or with binary outputs the JSON header followed by their raw bytes in output order.</summary>
    private static Task WriteResponseAsync(HttpContext context, ServedModel model, InferRequest request, List<InferOutput> outputs)
    {
        var blobs = outputs.Select(o => request.IsBinaryOutput(o.Name) ? RawTensor.ToBytes(o.Data) : null).ToList();
        var body = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(body, JsonResponse.Options))
        {
            WriteResponse(w, model, request.Id, outputs, blobs);
        }

        if (blobs.All(b => b is null))
        {
            return JsonResponse.WriteAsync(context, 200, body);
        }

        var headerLength = body.WrittenCount;
        foreach (var blob in blobs.OfType<byte[]>())
        {
            body.Write(blob);
        }

        context.Response.Headers[BinaryTensorData.HeaderName] = headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return JsonResponse.WriteAsync(context, 200, body, BinaryTensorData.ContentType);
    }

    private static void WriteResponse(Utf8JsonWriter w, ServedModel model, string? id, List<InferOutput> outputs, List<byte[]?> blobs)
    {
        w.WriteStartObject();
        w.WriteString("model_name", model.Name);
        if (model.Version is not null)
        {
            w.WriteString("model_version", model.Version);
        }

        if (id is not null)
        {
            w.WriteString("id", id);
        }

        w.WriteStartArray("outputs");
        for (var o = 0; o < outputs.Count; o++)
        {
            var output = outputs[o];
            w.WriteStartObject();
            w.WriteString("name", output.Name);
            w.WriteString("datatype", output.Type.OipName());
            w.WriteStartArray("shape");
            foreach (var dimension in output.Shape)
            {
                w.WriteNumberValue(dimension);
            }

            w.WriteEndArray();
            if (blobs[o] is { } blob)
            {
                w.WriteStartObject("parameters");
                w.WriteNumber("binary_data_size", blob.Length);
                w.WriteEndObject();
            }
            else
            {
                w.WritePropertyName("data");
                ValueJson.WriteRange(w, output.Data, 0, output.Data.Length);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static async Task<int> ErrorAsync(HttpContext context, int status, string message)
    {
        await JsonResponse.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });
        return status;
    }
}
