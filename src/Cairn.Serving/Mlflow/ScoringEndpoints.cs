using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cairn.Models.Data;
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

namespace Cairn.Serving.Mlflow;

/// <summary>
/// MLflow's scoring protocol (<c>mlflow models serve</c>): /ping, /health, /version and /invocations. With one model,
/// /invocations scores it; with several, each is at /models/{name}/invocations (also open with one model).
/// </summary>
internal static class ScoringEndpoints
{
    /// <summary>The MLflow version whose scoring protocol this follows; /version answers it, as MLflow's server does.</summary>
    public const string MlflowVersion = "2.12.2";

    public const string Protocol = "mlflow";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapScoringEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.ServiceProvider.GetRequiredService<ServedModels>();
        var metrics = app.ServiceProvider.GetRequiredService<ServingMetrics>();
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn.Serving");

        // Models are loaded before the server listens, so answering at all means loaded.
        app.MapGet("/ping", context => JsonResponse.WriteTextAsync(context, StatusCodes.Status200OK, "\n", "application/json"));
        app.MapGet("/health", context => JsonResponse.WriteTextAsync(context, StatusCodes.Status200OK, "\n", "application/json"));
        app.MapGet("/version", context => JsonResponse.WriteTextAsync(context, StatusCodes.Status200OK, MlflowVersion, "application/json"));
        app.MapPost("/invocations", context => InvokeAsync(context, null, models, metrics, logger));
        app.MapPost("/models/{name}/invocations", context => InvokeAsync(context, (string)context.Request.RouteValues["name"]!, models, metrics, logger));
        return app;
    }

    private static async Task InvokeAsync(HttpContext context, string? name, ServedModels models, ServingMetrics metrics, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var model = models.Acquire(name);
        if (model is null)
        {
            await (name is null
                ? ErrorAsync(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                    $"This server serves {models.All.Count} models ({string.Join(", ", models.All.Select(m => m.Name))}); POST to /models/{{name}}/invocations.")
                : ErrorAsync(context, StatusCodes.Status404NotFound, "RESOURCE_DOES_NOT_EXIST", $"No model named '{name}' is served here."));
            return;
        }

        try
        {
            context.Items[PayloadLogMiddleware.ModelItem] = model;
            var status = await ScoreAsync(context, model, logger);
            metrics.Observe(model, Protocol, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            model.Release();
        }
    }

    private static async Task<int> ScoreAsync(HttpContext context, ServedModel model, ILogger logger)
    {
        var (kind, refusal) = ContentTypes.Check(context.Request.ContentType);
        if (kind is null)
        {
            await JsonResponse.WriteTextAsync(context, StatusCodes.Status415UnsupportedMediaType, refusal!);
            return StatusCodes.Status415UnsupportedMediaType;
        }

        try
        {
            var body = new ArrayBufferWriter<byte>(256);
            if (kind == ContentTypes.Kind.Json)
            {
                using var json = await PooledBody.ReadAsync(context.Request, context.RequestAborted);
                await ScoreJsonAsync(context, body, json, model);
            }
            else
            {
                using var document = await ReadCsvAsync(context, model);
                await ScoreAsync(context, body, ScoringRequestReader.Read(document.RootElement), model);
            }

            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, body);
            return StatusCodes.Status200OK;
        }
        catch (JsonException error)
        {
            return await ErrorAsync(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"Invalid input. The body is not valid JSON: {error.Message}");
        }
        catch (InputException error)
        {
            return await ErrorAsync(context, StatusCodes.Status400BadRequest, error.IsSchemaError ? "INVALID_PARAMETER_VALUE" : "BAD_REQUEST",
                error.IsSchemaError ? $"Failed to enforce schema of data with the model signature. Error: {error.Message}" : error.Message);
        }
        catch (BadHttpRequestException error)
        {
            return await ErrorAsync(context, error.StatusCode, "BAD_REQUEST", error.Message);
        }
        catch (ModelFailedException error)
        {
            // MLflow answers a model that raised with 400 BAD_REQUEST; the input passed validation but the model refused it.
            ServingLog.PredictFailed(logger, model.Name, error.InnerException!);
            return await ErrorAsync(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                $"Encountered an unexpected error while evaluating the model. Verify that the input is compatible with the model for inference. {error.Message}");
        }
    }

    /// <summary>The streaming reader takes the common numeric payloads; the document reader everything else.</summary>
    private static async Task ScoreJsonAsync(HttpContext context, ArrayBufferWriter<byte> body, PooledBody json, ServedModel model)
    {
        if (ScoringRequestStream.TryReadTensor(json.Span, model) is { } tensor)
        {
            var outputs = await ModelInvoker.PredictAsync(model, [tensor]);
            using var writer = new Utf8JsonWriter(body, JsonResponse.Options);
            PredictionsWriter.Write(writer, outputs, null);
        }
        else if (ScoringRequestStream.TryReadFrame(json.Span, model) is { } frame)
        {
            var output = await PredictFrameAsync(context, model, frame);
            using var writer = new Utf8JsonWriter(body, JsonResponse.Options);
            PredictionsWriter.Write(writer, output);
        }
        else
        {
            using var document = JsonDocument.Parse(json.Memory, DocumentOptions);
            await ScoreAsync(context, body, ScoringRequestReader.Read(document.RootElement), model);
        }
    }

    private static async Task ScoreAsync(HttpContext context, ArrayBufferWriter<byte> body, ScoringInput input, ServedModel model)
    {
        if (model.Interface.IsColumnBased)
        {
            var output = await PredictFrameAsync(context, model, ColumnBinder.Bind(input, model.Model.Signature.Inputs.Columns));
            using var writer = new Utf8JsonWriter(body, JsonResponse.Options);
            PredictionsWriter.Write(writer, output);
        }
        else
        {
            var outputs = await ModelInvoker.PredictAsync(model, TensorBinder.Bind(input, model.Interface.Inputs));
            using var writer = new Utf8JsonWriter(body, JsonResponse.Options);
            PredictionsWriter.Write(writer, outputs, input is ColumnsInput { IsDataFrame: true } frame ? frame.RowCount : null);
        }
    }

    /// <summary>Predicts, keeping the rows and predictions for the payload log.</summary>
    private static async Task<Frame> PredictFrameAsync(HttpContext context, ServedModel model, Frame input)
    {
        var output = await ModelInvoker.PredictAsync(model, input);
        context.Items[PayloadLogMiddleware.FramesItem] = new PayloadFrames(input, output);
        return output;
    }

    private static async Task<JsonDocument> ReadCsvAsync(HttpContext context, ServedModel model)
    {
        if (!model.Interface.IsColumnBased)
        {
            throw new InputException("CSV input is not supported for models with a tensor-based signature; send JSON (instances or inputs).", isSchemaError: true);
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return CsvInput.ToSplit(text, model.Model.Signature.Inputs.Columns);
    }

    private static async Task<int> ErrorAsync(HttpContext context, int status, string code, string message)
    {
        await JsonResponse.WriteAsync(context, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error_code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        });
        return status;
    }
}
