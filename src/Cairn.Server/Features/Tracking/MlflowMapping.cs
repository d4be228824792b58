using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Tracking;

/// <summary>Domain → MLflow wire shapes. Empty lists become null so they are omitted, as MLflow does.</summary>
internal static class MlflowMapping
{
    public static ExperimentDto ToDto(this Experiment e) => new(
        e.Id.ToString(), e.Name, e.ArtifactLocation, e.LifecycleStage.WireName(), e.LastUpdateTime, e.CreationTime, ToDtos(e.Tags));

    public static RunInfoDto ToDto(this RunInfo info) => new(
        info.RunId.Value, info.RunId.Value, info.RunName, info.ExperimentId.ToString(), info.UserId, info.Status,
        info.StartTime, info.EndTime, info.ArtifactUri, info.LifecycleStage.WireName());

    public static RunDto ToDto(this Run run) => new(
        run.Info.ToDto(),
        new RunDataDto(
            run.Data.Metrics.Count == 0 ? null : run.Data.Metrics.Select(ToDto).ToList(),
            ToDtos(run.Data.Params),
            ToDtos(run.Data.Tags)),
        new RunInputsDto(
            run.Inputs.Count == 0 ? null : run.Inputs.Select(ToDto).ToList(),
            run.ModelInputs.Count == 0 ? null : run.ModelInputs.Select(m => new ModelInputDto(m)).ToList()),
        run.Outputs is { Count: > 0 } outputs ? new RunOutputsDto(outputs.Select(o => new ModelOutputDto(o.ModelId, o.Step)).ToList()) : null);

    public static MetricDto ToDto(this Metric m) => new(m.Key, m.Value, m.Timestamp, m.Step);

    public static MetricWithRunIdDto ToDto(this MetricWithRunId m) =>
        new(m.Metric.Key, m.Metric.Value, m.Metric.Timestamp, m.Metric.Step, m.RunId.Value);

    private static DatasetInputDto ToDto(DatasetInput input) => new(
        ToDtos(input.Tags),
        new DatasetDto(input.Dataset.Name, input.Dataset.Digest, input.Dataset.SourceType, input.Dataset.Source,
            input.Dataset.Schema, input.Dataset.Profile));

    private static List<KeyValueDto>? ToDtos(IReadOnlyList<KeyValue> items) =>
        items.Count == 0 ? null : items.Select(t => new KeyValueDto(t.Key, t.Value)).ToList();
}
