using System.Globalization;
using System.Text;
using Cairn.Core.Search;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>Collects the values of a generated query; user text only ever travels as a parameter.</summary>
internal sealed class SqlParameters
{
    private readonly List<(string Name, object Value)> _values = [];

    public string Add(object value)
    {
        var name = "$p" + _values.Count.ToString(CultureInfo.InvariantCulture);
        _values.Add((name, value));
        return name;
    }

    public void ApplyTo(SqliteCommand command)
    {
        foreach (var (name, value) in _values)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }
}

/// <summary>SQL LIKE semantics on SQLite: LIKE is case-sensitive (via GLOB), ILIKE case-insensitive.</summary>
internal static class SqlPatterns
{
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

    /// <summary>A string comparison of <paramref name="column"/> against a parameter, for =, !=, LIKE and ILIKE.</summary>
    public static string Compare(string column, Comparator op, string value, SqlParameters parameters) => op switch
    {
        Comparator.Equal => $"{column} = {parameters.Add(value)}",
        Comparator.NotEqual => $"{column} != {parameters.Add(value)}",
        Comparator.Like => $"{column} GLOB {parameters.Add(LikeToGlob(value))}",
        Comparator.ILike => $"lower({column}) LIKE lower({parameters.Add(value)})",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static string NumberCompare(string column, Comparator op, double value, SqlParameters parameters) =>
        $"{column} {op.ToText()} {parameters.Add(value)}";

    /// <summary><c>column IN (…)</c> or <c>NOT IN</c> with the whole list as one JSON parameter read by <c>json_each</c>.</summary>
    public static string InList(string column, Comparator op, IEnumerable<string> values, SqlParameters parameters) =>
        $"{column} {(op == Comparator.NotIn ? "NOT IN" : "IN")} (SELECT value FROM json_each({parameters.Add(System.Text.Json.JsonSerializer.Serialize(values.ToArray(), StorageJsonContext.Default.StringArray))}))";
}
