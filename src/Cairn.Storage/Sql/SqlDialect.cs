using System.Text;
using System.Text.Json;
using Cairn.Core.Search;

namespace Cairn.Storage.Sql;

/// <summary>
/// The few places where SQLite and PostgreSQL SQL differ in generated queries: case-sensitive LIKE, lists
/// travelling as one parameter, and where NULLs sort. Everything else the stores generate is common SQL.
/// </summary>
internal abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect Postgres = new PostgresDialect();

    /// <summary>A string comparison of <paramref name="column"/> against a parameter, for =, !=, LIKE and ILIKE.</summary>
    public string Compare(string column, Comparator op, string value, SqlParameters parameters) => op switch
    {
        Comparator.Equal => $"{column} = {parameters.Add(value)}",
        Comparator.NotEqual => $"{column} != {parameters.Add(value)}",
        Comparator.Like => Like(column, value, parameters),
        Comparator.ILike => ILike(column, value, parameters),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static string NumberCompare(string column, Comparator op, double value, SqlParameters parameters) =>
        $"{column} {op.ToText()} {parameters.Add(value)}";

    /// <summary><c>column IN (…)</c> or <c>NOT IN</c>, with the whole list as one parameter.</summary>
    public abstract string InList(string column, Comparator op, IEnumerable<string> values, SqlParameters parameters);

    /// <summary>
    /// <c>column IN (ids)</c>, with the ids as one parameter; one id is a plain equality, which PostgreSQL can walk an
    /// index in order for (it sorts instead for <c>= ANY(array)</c>, even of one element).
    /// </summary>
    public string InIds(string column, IEnumerable<long> ids, SqlParameters parameters)
    {
        var list = ids as IReadOnlyList<long> ?? ids.ToList();
        return list.Count == 1 ? $"{column} = {parameters.Add(list[0])}" : InIdList(column, list, parameters);
    }

    protected abstract string InIdList(string column, IReadOnlyList<long> ids, SqlParameters parameters);

    /// <summary>
    /// A table of rows sent as parameters, to join against: a FROM item named <paramref name="alias"/> with the column
    /// <c>i</c> (the row's index, from 0) and one column per entry of <paramref name="columns"/>, each a <c>long[]</c> or
    /// <c>string[]</c> of the same length. Lets one statement serve many (run, key, range) lookups.
    /// </summary>
    public abstract string Rows(string alias, SqlParameters parameters, params (string Name, Array Values)[] columns);

    /// <summary>An ORDER BY direction; NULLs sort first ascending and last descending on both databases.</summary>
    public abstract string Direction(bool ascending);

    /// <summary>
    /// A FROM item of metric points with the columns of the <c>metrics</c> table (<c>run_key, key, step, timestamp,
    /// value, is_nan</c>). When a read wants only steps in [<paramref name="firstStep"/>, <paramref name="lastStep"/>]
    /// (parameter names), PostgreSQL's packed blocks outside that range are skipped before they are unpacked.
    /// </summary>
    public abstract string MetricPoints(string? firstStep = null, string? lastStep = null);

    /// <summary>A SELECT of the lowest and highest step of metric <paramref name="key"/> of run <paramref name="runKey"/> (NULLs when none).</summary>
    public abstract string MetricStepRange(string runKey, string key);

    /// <summary>Case-sensitive LIKE.</summary>
    protected abstract string Like(string column, string pattern, SqlParameters parameters);

    protected abstract string ILike(string column, string pattern, SqlParameters parameters);

    private sealed class SqliteDialect : SqlDialect
    {
        public override string InList(string column, Comparator op, IEnumerable<string> values, SqlParameters parameters) =>
            $"{column} {(op == Comparator.NotIn ? "NOT IN" : "IN")} (SELECT value FROM json_each({parameters.Add(JsonSerializer.Serialize(values.ToArray(), StorageJsonContext.Default.StringArray))}))";

        protected override string InIdList(string column, IReadOnlyList<long> ids, SqlParameters parameters) =>
            $"{column} IN (SELECT value FROM json_each({parameters.Add(JsonIds(ids))}))";

        public override string Direction(bool ascending) => ascending ? "ASC" : "DESC";

        // The rows travel as one JSON array of arrays; json_each numbers them.
        public override string Rows(string alias, SqlParameters parameters, params (string Name, Array Values)[] columns)
        {
            var buffer = new System.IO.MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                for (var row = 0; row < columns[0].Values.Length; row++)
                {
                    json.WriteStartArray();
                    foreach (var (_, values) in columns)
                    {
                        if (values is long[] numbers)
                        {
                            json.WriteNumberValue(numbers[row]);
                        }
                        else
                        {
                            json.WriteStringValue(((string[])values)[row]);
                        }
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
            }

            var select = string.Join(", ", columns.Select((c, i) => $"json_extract(j.value, '$[{i}]') AS {c.Name}"));
            return $"(SELECT j.key AS i, {select} FROM json_each({parameters.Add(Encoding.UTF8.GetString(buffer.ToArray()))}) j) AS {alias}";
        }

        public override string MetricPoints(string? firstStep = null, string? lastStep = null) => "metrics";

        // Two single-aggregate subqueries, so each is one probe of the primary key's end.
        public override string MetricStepRange(string runKey, string key) =>
            $"SELECT (SELECT MIN(step) FROM metrics WHERE run_key = {runKey} AND key = {key}), (SELECT MAX(step) FROM metrics WHERE run_key = {runKey} AND key = {key})";

        // SQLite's LIKE ignores ASCII case, so a case-sensitive LIKE is compiled to GLOB.
        protected override string Like(string column, string pattern, SqlParameters parameters) =>
            $"{column} GLOB {parameters.Add(LikeToGlob(pattern))}";

        protected override string ILike(string column, string pattern, SqlParameters parameters) =>
            $"lower({column}) LIKE lower({parameters.Add(pattern)})";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string InList(string column, Comparator op, IEnumerable<string> values, SqlParameters parameters)
        {
            var test = $"{column} = ANY({parameters.Add(values.ToArray())})";
            return op == Comparator.NotIn ? $"NOT ({test})" : test;
        }

        protected override string InIdList(string column, IReadOnlyList<long> ids, SqlParameters parameters) =>
            $"{column} = ANY({parameters.Add(ids.ToArray())})";

        public override string Direction(bool ascending) => ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST";

        // One typed array per column, zipped by unnest; ordinality numbers the rows from 1.
        public override string Rows(string alias, SqlParameters parameters, params (string Name, Array Values)[] columns)
        {
            var arrays = string.Join(", ", columns.Select(c => parameters.Add(c.Values)));
            var names = string.Join(", ", columns.Select(c => c.Name));
            return $"(SELECT u.o - 1 AS i, {names} FROM unnest({arrays}) WITH ORDINALITY AS u({names}, o)) AS {alias}";
        }

        // The metrics view's unpacking (migration 0008), with the step range also tested on whole blocks. The outer
        // query's run_key and key conditions reach the blocks' index through the subquery.
        public override string MetricPoints(string? firstStep = null, string? lastStep = null) => $"""
            (SELECT b.run_key, b.key, p.step, p.timestamp,
                CASE WHEN p.value = 'NaN'::float8 THEN 0 ELSE p.value END AS value,
                CASE WHEN p.value = 'NaN'::float8 THEN 1 ELSE 0 END::bigint AS is_nan
            FROM metric_blocks b CROSS JOIN LATERAL unnest(b.point_steps, b.point_times, b.point_values) AS p(step, timestamp, value)
            {(firstStep is null || lastStep is null ? "" : $"WHERE b.last_step >= {firstStep} AND b.first_step <= {lastStep}")}) AS metrics
            """;

        // The highest last step is one probe of the blocks' index end; the lowest first step reads the key's index entries.
        public override string MetricStepRange(string runKey, string key) =>
            $"SELECT MIN(first_step), MAX(last_step) FROM metric_blocks WHERE run_key = {runKey} AND key = {key}";

        // ESCAPE '' makes a backslash an ordinary character, as it is in SQLite's GLOB and LIKE.
        protected override string Like(string column, string pattern, SqlParameters parameters) =>
            $"{column} LIKE {parameters.Add(pattern)} ESCAPE ''";

        // lower() of a "C"-collated column folds ASCII only, as SQLite's does.
        protected override string ILike(string column, string pattern, SqlParameters parameters) =>
            $"lower({column}) LIKE lower({parameters.Add(pattern)}) ESCAPE ''";
    }

    /// <summary>Ids as a JSON array, so a whole page of keys travels as one parameter into <c>json_each</c>.</summary>
    public static string JsonIds(IEnumerable<long> ids) => "[" + string.Join(",", ids) + "]";

    /// <summary>Translates a LIKE pattern (<c>%</c>, <c>_</c>) into a GLOB pattern with GLOB's own metacharacters escaped.</summary>
    public static string LikeToGlob(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StorageJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
