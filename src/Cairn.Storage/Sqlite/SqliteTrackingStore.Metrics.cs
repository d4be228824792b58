using Cairn.Core.Tracking;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    public Task<Page<Metric>> GetMetricHistoryAsync(MetricHistoryQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricHistoryAsync(query, cancellationToken);

    public Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(BulkIntervalQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricHistoryBulkIntervalAsync(query, cancellationToken);

    public Task<(long First, long Last)?> GetMetricStepRangeAsync(RunId runId, string key, CancellationToken cancellationToken) =>
        _reads.GetMetricStepRangeAsync(runId, key, cancellationToken);

    public Task<IReadOnlyList<MetricStepBucket>> GetMetricBucketsAsync(MetricBucketQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricBucketsAsync(query, cancellationToken);

    public Task VisitMetricHistoriesAsync(IReadOnlyList<MetricRangeQuery> queries, Action<int, Metric> visit, CancellationToken cancellationToken) =>
        _reads.VisitMetricHistoriesAsync(queries, visit, cancellationToken);

    public Task<IReadOnlyList<IReadOnlyList<MetricStepBucket>>> GetMetricBucketsAsync(IReadOnlyList<MetricBucketQuery> queries, CancellationToken cancellationToken) =>
        _reads.GetMetricBucketsAsync(queries, cancellationToken);
}
