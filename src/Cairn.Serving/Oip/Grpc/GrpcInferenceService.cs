using System.Diagnostics;
using Cairn.Serving.Data;
using Cairn.Serving.Metrics;
using Cairn.Serving.Models;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Cairn.Serving.Oip.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>). Requests are checked by the same
/// rules as REST and predictions go through the same batcher; errors map to INVALID_ARGUMENT, NOT_FOUND and INTERNAL.
/// </summary>
internal sealed class GrpcInferenceService(ServedModels models, ServingMetrics metrics, ILogger<GrpcInferenceService> logger)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string Protocol = "oip-grpc";

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = true });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "cairn", Version = typeof(GrpcInferenceService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = Find(request.Name, request.Version) is not null });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = Find(request.Name, request.Version) ?? throw NotFound(request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Platform };
        if (model.Version is not null)
        {
            response.Versions.Add(model.Version);
        }

        response.Inputs.AddRange(model.Interface.Inputs.Select(Metadata));
        response.Outputs.AddRange(model.Interface.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var model = models.Acquire(request.ModelName, Blank(request.ModelVersion)) ?? throw NotFound(request.ModelName, request.ModelVersion);
        var status = 200;
        try
        {
            var parsed = Read(request, model);
            var outputs = await InferRunner.RunAsync(model, parsed);
            var response = new ModelInferResponse { ModelName = model.Name, ModelVersion = model.Version ?? string.Empty, Id = request.Id };
            var raw = request.RawInputContents.Count > 0;
            foreach (var output in outputs)
            {
                var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Type.OipName(), Shape = { output.Shape } };
                if (raw)
                {
                    response.RawOutputContents.Add(GrpcTensors.ToRaw(output.Data));
                }
                else
                {
                    tensor.Contents = GrpcTensors.ToContents(output.Data);
                }

                response.Outputs.Add(tensor);
            }

            return response;
        }
        catch (InputException error)
        {
            status = 400;
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
        catch (Exception error) when (error is ModelFailedException or NotSupportedException)
        {
            status = 500;
            ServingLog.PredictFailed(logger, model.Name, error.InnerException ?? error);
            throw new RpcException(new Status(StatusCode.Internal, error.Message));
        }
        finally
        {
            metrics.Observe(model, Protocol, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
            model.Release();
        }
    }

    private static InferRequest Read(ModelInferRequest request, ServedModel model)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            throw new InputException($"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs; give one per input, in order.");
        }

        if (raw.Count > 0 && request.Inputs.Any(i => i.Contents is not null))
        {
            throw new InputException("An input sets contents while raw_input_contents is used; use one or the other.");
        }

        var inputs = request.Inputs.Select((input, i) => InferRequest.FromParts(model, input.Name, input.Datatype, [.. input.Shape],
            type => raw.Count > 0 ? GrpcTensors.FromRaw(raw[i], type, input.Name) : GrpcTensors.FromContents(input.Contents, type, input.Name))).ToList();
        if (inputs.Count == 0)
        {
            throw new InputException("The request needs at least one input.");
        }

        var outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => o.Name).ToList();
        return InferRequest.Complete(Blank(request.Id), inputs, outputs, model);
    }

    private ServedModel? Find(string name, string version) => models.Find(name, Blank(version));

    private static string? Blank(string text) => text.Length == 0 ? null : text;

    private RpcException NotFound(string name, string version) => new(new Status(StatusCode.NotFound, models.Find(name) is null
        ? $"Model '{name}' is not served here."
        : $"Model '{name}' has no version '{version}' here."));

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(TensorMetadata tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Type.OipName(), Shape = { tensor.Shape } };
}
