using System.Data.Common;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// A run search read as columns (parallel coordinates over 10,000 runs): the matching run keys, then one pass over
/// <c>params</c> and one over <c>latest_metrics</c> for the wanted keys, each value put straight into its column.
/// </summary>
internal sealed partial class TrackingReads
{
    public Task<RunColumns> GetRunColumnsAsync(RunColumnQuery query, CancellationToken cancellationToken)
    {
        if (query.ExperimentIds.Count == 0 || query.MaxResults < 1)
        {
            return Task.FromResult(new RunColumns([], [], [], [], false));
        }

        return source.ReadAsync(async (connection, transaction) =>
        {
            var search = new RunQuery(query.ExperimentIds, query.Filter, [], query.ViewType, query.MaxResults, 0);
            var parameters = new SqlParameters();
            var sql = RunSearchSql.Build(search, Dialect, parameters, "r.run_key, r.run_uuid, r.name");
            var runs = await SqlReads.ListAsync(connection, transaction, sql, parameters,
                reader => (Key: reader.GetInt64(0), Id: new RunId(reader.GetString(1)), Name: reader.GetString(2)), cancellationToken);
            var truncated = runs.Count > query.MaxResults;
            if (truncated)
            {
                runs.RemoveAt(runs.Count - 1);
            }

            var index = new Dictionary<long, int>(runs.Count);
            for (var i = 0; i < runs.Count; i++)
            {
                index[runs[i].Key] = i;
            }

            var keys = runs.Select(r => r.Key).ToList();
            var paramColumns = new ColumnSet<string?>(query.ParamKeys, runs.Count);
            var metricColumns = new ColumnSet<double?>(query.MetricKeys, runs.Count);
            if (runs.Count > 0 && paramColumns.Wanted)
            {
                await ForEachRowAsync(connection, transaction, "SELECT run_key, key, value FROM params", keys, query.ParamKeys, reader =>
                {
                    if (paramColumns.For(reader.GetString(1)) is { } column)
                    {
                        column[index[reader.GetInt64(0)]] = reader.GetString(2);
                    }
                }, cancellationToken);
            }

            if (runs.Count > 0 && metricColumns.Wanted)
            {
                await ForEachRowAsync(connection, transaction, "SELECT run_key, key, value, is_nan FROM latest_metrics", keys, query.MetricKeys, reader =>
                {
                    if (metricColumns.For(reader.GetString(1)) is { } column)
                    {
                        column[index[reader.GetInt64(0)]] = StoredMetrics.FromStored(reader.GetDouble(2), reader.GetInt64(3));
                    }
                }, cancellationToken);
            }

            return new RunColumns([.. runs.Select(r => r.Id)], [.. runs.Select(r => r.Name)],
                [.. paramColumns.Ordered().Select(c => new ParamColumn(c.Key, c.Values))],
                [.. metricColumns.Ordered().Select(c => new MetricColumn(c.Key, c.Values))], truncated);
        }, cancellationToken);
    }

    /// <summary>The rows of <paramref name="select"/> for these runs, narrowed in SQL to the wanted keys when some are named.</summary>
    private async Task ForEachRowAsync(DbConnection connection, DbTransaction transaction, string select, List<long> runKeys,
        IReadOnlyList<string>? wanted, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"{select} WHERE {Dialect.InIds("run_key", runKeys, parameters)}"
            + (wanted is null ? "" : $" AND {Dialect.InList("key", Comparator.In, wanted.Distinct(), parameters)}");
        await using var command = SqlReads.Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    /// <summary>The columns of one table: the named keys, or every key met when none are named.</summary>
    private sealed class ColumnSet<T>(IReadOnlyList<string>? keys, int rows)
    {
        private readonly Dictionary<string, T[]> _columns = keys?.Distinct().ToDictionary(k => k, _ => new T[rows], StringComparer.Ordinal)
            ?? new Dictionary<string, T[]>(StringComparer.Ordinal);

        /// <summary>False when an empty key list was named: the table need not be read.</summary>
        public bool Wanted => keys is null || keys.Count > 0;

        public T[]? For(string key)
        {
            if (_columns.TryGetValue(key, out var column))
            {
                return column;
            }

            return keys is null ? _columns[key] = new T[rows] : null;
        }

        public IEnumerable<(string Key, T[] Values)> Ordered() =>
            _columns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value));
    }
}
