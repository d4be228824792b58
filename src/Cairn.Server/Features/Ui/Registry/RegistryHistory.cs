using System.Globalization;
using Cairn.Core.Registry;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>
/// One stretch during which a version held an alias or sat in a stage. <see cref="From"/> is null when the trail starts
/// after the version already held it; <see cref="Until"/> is null while it still does.
/// </summary>
public sealed record Holding(long Version, long? From, string? MovedBy, long? Until, string? EndedBy, string? EndReason)
{
    public bool IsCurrent => Until is null;
}

/// <summary>The history of one alias or stage, oldest holding first.</summary>
public sealed record HistoryTrack(string Name, IReadOnlyList<Holding> Holdings)
{
    public IEnumerable<Holding> Current => Holdings.Where(h => h.IsCurrent);
}

/// <summary>
/// Rebuilds who held each alias and stage, and when, from the audit trail alone: <c>set_alias</c> and
/// <c>transition_stage</c> record the version before and after, and deleting an alias or a version ends what it held.
/// </summary>
internal static class RegistryHistory
{
    public static IReadOnlyList<HistoryTrack> Aliases(IEnumerable<AuditEvent> events)
    {
        var tracks = new Tracks();
        foreach (var e in Chronological(events))
        {
            switch (e.Action)
            {
                case AuditActions.SetAlias when e.Subject is { } alias && Number(e.After) is { } version:
                    if (tracks.Open(alias).FirstOrDefault() is { } held && held.Version == version)
                    {
                        break;
                    }

                    if (tracks.Open(alias).Count == 0 && Number(e.Before) is { } earlier)
                    {
                        tracks.Start(alias, earlier, null, null);
                    }

                    tracks.EndAll(alias, e, $"moved to v{version}");
                    tracks.Start(alias, version, e.Timestamp, e.Actor);
                    break;
                case AuditActions.DeleteAlias when e.Subject is { } alias:
                    if (tracks.Open(alias).Count == 0 && Number(e.Before) is { } last)
                    {
                        tracks.Start(alias, last, null, null);
                    }

                    tracks.EndAll(alias, e, "alias deleted");
                    break;
                case AuditActions.DeleteVersion when e.Version is { } deleted:
                    tracks.EndVersion(deleted, e, "version deleted");
                    break;
            }
        }

        return tracks.Build();
    }

    /// <summary>Stages other than None; several versions may sit in one stage at once.</summary>
    public static IReadOnlyList<HistoryTrack> Stages(IEnumerable<AuditEvent> events)
    {
        var tracks = new Tracks();
        foreach (var e in Chronological(events))
        {
            switch (e.Action)
            {
                case AuditActions.TransitionStage when e.Version is { } version && e.After is { } stage:
                    var before = e.Before ?? ModelStages.None;
                    if (before == stage)
                    {
                        break;
                    }

                    if (before != ModelStages.None)
                    {
                        if (!tracks.Open(before).Any(h => h.Version == version))
                        {
                            tracks.Start(before, version, null, null);
                        }

                        tracks.EndVersion(version, e, $"moved to {stage}", before);
                    }

                    if (stage != ModelStages.None)
                    {
                        tracks.Start(stage, version, e.Timestamp, e.Actor);
                    }

                    break;
                case AuditActions.DeleteVersion when e.Version is { } deleted:
                    tracks.EndVersion(deleted, e, "version deleted");
                    break;
            }
        }

        return tracks.Build();
    }

    private static IEnumerable<AuditEvent> Chronological(IEnumerable<AuditEvent> events) => events.OrderBy(e => e.Timestamp).ThenBy(e => e.Id);

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>Holdings by track name, in the order the names first appear.</summary>
    private sealed class Tracks
    {
        private readonly Dictionary<string, List<Holding>> _byName = new(StringComparer.Ordinal);

        public List<Holding> Open(string name) => [.. Get(name).Where(h => h.IsCurrent)];

        public void Start(string name, long version, long? from, string? actor) => Get(name).Add(new Holding(version, from, actor, null, null, null));

        public void EndAll(string name, AuditEvent e, string reason) => End(Get(name), _ => true, e, reason);

        public void EndVersion(long version, AuditEvent e, string reason, string? only = null)
        {
            foreach (var (name, holdings) in _byName)
            {
                if (only is null || name == only)
                {
                    End(holdings, h => h.Version == version, e, reason);
                }
            }
        }

        private static void End(List<Holding> holdings, Func<Holding, bool> which, AuditEvent e, string reason)
        {
            for (var i = 0; i < holdings.Count; i++)
            {
                if (holdings[i].IsCurrent && which(holdings[i]))
                {
                    holdings[i] = holdings[i] with { Until = e.Timestamp, EndedBy = e.Actor, EndReason = reason };
                }
            }
        }

        private List<Holding> Get(string name)
        {
            if (!_byName.TryGetValue(name, out var holdings))
            {
                _byName[name] = holdings = [];
            }

            return holdings;
        }

        public IReadOnlyList<HistoryTrack> Build() => [.. _byName.Select(p => new HistoryTrack(p.Key, p.Value))];
    }
}

/// <summary>A request to point an alias (or move a stage) back at an earlier version.</summary>
public sealed record RollBack(string Track, long Version);
