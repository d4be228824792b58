using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Runs;

/// <summary>
/// The runs table's selection: runs ticked one by one, or every run matching the filter (which may be far more than
/// the rows loaded so far). Unticking a row while all matching runs are selected narrows it to the loaded rows.
/// </summary>
public sealed class RunSelection
{
    private readonly HashSet<RunId> _ids = [];

    public bool AllMatching { get; private set; }

    public IReadOnlyCollection<RunId> Ids => _ids;

    public bool IsEmpty => !AllMatching && _ids.Count == 0;

    public bool Contains(RunId id) => AllMatching || _ids.Contains(id);

    public bool ContainsAll(IEnumerable<Run> rows) => AllMatching || rows.All(r => _ids.Contains(r.Info.RunId));

    public void Set(RunId id, bool selected, IEnumerable<Run> loaded)
    {
        if (AllMatching)
        {
            AllMatching = false;
            _ids.UnionWith(loaded.Select(r => r.Info.RunId));
        }

        if (selected)
        {
            _ids.Add(id);
        }
        else
        {
            _ids.Remove(id);
        }
    }

    public void SetLoaded(IEnumerable<Run> loaded, bool selected)
    {
        AllMatching = false;
        foreach (var run in loaded)
        {
            if (selected)
            {
                _ids.Add(run.Info.RunId);
            }
            else
            {
                _ids.Remove(run.Info.RunId);
            }
        }
    }

    public void SelectAllMatching()
    {
        _ids.Clear();
        AllMatching = true;
    }

    public void Clear()
    {
        _ids.Clear();
        AllMatching = false;
    }
}
