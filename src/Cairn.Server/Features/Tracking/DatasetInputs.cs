using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

/// <summary>Checks one dataset input of runs/log-inputs against MLflow's field rules and limits.</summary>
internal static class DatasetInputs
{
    public static DatasetInput Validate(DatasetInputDto input)
    {
        var dataset = input.Dataset ?? throw CairnException.MissingParameter("dataset");
        var name = Require(dataset.Name, "dataset.name");
        var digest = Require(dataset.Digest, "dataset.digest");
        var sourceType = Require(dataset.SourceType, "dataset.source_type");
        var source = Require(dataset.Source, "dataset.source");
        TrackingValidation.CheckLength("Dataset name", name, TrackingLimits.MaxDatasetNameLength);
        TrackingValidation.CheckLength("Dataset digest", digest, TrackingLimits.MaxDatasetDigestLength);
        TrackingValidation.CheckLength("Dataset source_type", sourceType, TrackingLimits.MaxDatasetSourceTypeLength);
        TrackingValidation.CheckLength("Dataset source", source, TrackingLimits.MaxDatasetSourceLength);
        if (dataset.Schema is not null)
        {
            TrackingValidation.CheckLength("Dataset schema", dataset.Schema, TrackingLimits.MaxDatasetSchemaLength);
        }

        if (dataset.Profile is not null)
        {
            TrackingValidation.CheckLength("Dataset profile", dataset.Profile, TrackingLimits.MaxDatasetProfileLength);
        }

        var tags = new List<KeyValue>();
        foreach (var tag in input.Tags ?? [])
        {
            var key = Require(tag.Key, "tags.key");
            var value = tag.Value ?? "";
            TrackingValidation.CheckLength("Input tag key", key, TrackingLimits.MaxInputTagKeyLength);
            TrackingValidation.CheckLength("Input tag value", value, TrackingLimits.MaxInputTagValueLength);
            tags.Add(new KeyValue(key, value));
        }

        return new DatasetInput(new Dataset(name, digest, sourceType, source, dataset.Schema, dataset.Profile), TrackingValidation.LastTagWins(tags));
    }
}
