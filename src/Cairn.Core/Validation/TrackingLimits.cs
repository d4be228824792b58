namespace Cairn.Core.Validation;

/// <summary>MLflow's documented limits; clients split their own batches to fit them.</summary>
public static class TrackingLimits
{
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxRunTagValueLength = 8000;
    public const int MaxExperimentTagKeyLength = 250;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxRunNameLength = 250;
    public const int MaxUserIdLength = 256;
    public const int MaxArtifactLocationLength = 2048;
    public const int MaxBatchMetrics = 1000;
    public const int MaxBatchParams = 100;
    public const int MaxBatchTags = 100;
    public const int MaxBatchTotal = 1000;
    public const int MaxBatchBodyBytes = 1_000_000;
    public const int MaxSearchResults = 50_000;
    public const int DefaultSearchRunsResults = 1000;
    public const int MaxExperimentIdsPerSearch = 1000;
    public const int MaxDatasetNameLength = 500;
    public const int MaxDatasetDigestLength = 36;
    public const int MaxDatasetSourceLength = 65_535;
    public const int MaxDatasetSchemaLength = 1_048_575;
    public const int MaxDatasetProfileLength = 16_777_215;
    public const int MaxDatasetSourceTypeLength = 36;
    public const int MaxInputTagKeyLength = 255;
    public const int MaxInputTagValueLength = 500;
    public const int MaxDatasetsPerRequest = 1000;
    public const int MaxBulkRunIds = 100;
    public const int MaxBulkIntervalResults = 2500;
    public const int MaxBulkPointsPerRun = 25_000;
    public const int MaxHistoryPage = 1_000_000;
}
