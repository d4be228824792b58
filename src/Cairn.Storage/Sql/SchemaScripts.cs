using System.Globalization;

namespace Cairn.Storage;

/// <summary>
/// Versioned schema scripts embedded in the assembly (<c>Migrations/&lt;Provider&gt;/NNNN_name.sql</c>) and the rule every
/// provider applies: an empty database is migrated at start, an older one only on request, a newer one is refused.
/// </summary>
internal static class SchemaScripts
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Load(string provider)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var marker = $".Migrations.{provider}.";
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal)))
        {
            var fileName = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            var version = int.Parse(fileName[..4], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add((version, Path.GetFileNameWithoutExtension(fileName), reader.ReadToEnd()));
        }

        return scripts.OrderBy(s => s.Item1).ToList();
    }

    /// <summary>
    /// Throws when the database at <paramref name="current"/> may not be migrated to the latest of
    /// <paramref name="scripts"/> now. Pending scripts that change nothing on this database (only comments: a change the
    /// other database needed, numbered on both to keep versions in step) are applied without asking for an upgrade.
    /// </summary>
    public static void CheckVersion(int current, IReadOnlyList<(int Version, string Name, string Sql)> scripts, bool upgradeExisting)
    {
        var latest = scripts[^1].Version;
        var pendingChangeNothing = scripts.Where(s => s.Version > current).All(s => ChangesNothing(s.Sql));
        CheckVersion(current, latest, upgradeExisting || pendingChangeNothing);
    }

    /// <summary>True for a script of comments and blank lines only.</summary>
    public static bool ChangesNothing(string sql) =>
        sql.Split('\n').Select(line => line.Trim()).All(line => line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal));

    /// <summary>Throws when the database at <paramref name="current"/> may not be migrated to <paramref name="latest"/> now.</summary>
    private static void CheckVersion(int current, int latest, bool upgradeExisting)
    {
        if (current > latest)
        {
            throw new SchemaVersionException(
                $"The database schema is version {current}, newer than this Cairn knows ({latest}). Upgrade Cairn.");
        }

        if (current > 0 && current < latest && !upgradeExisting)
        {
            throw new SchemaVersionException(
                $"The database schema is version {current} and this Cairn needs {latest}. Back up the database, then run 'cairn db upgrade'.");
        }
    }
}
