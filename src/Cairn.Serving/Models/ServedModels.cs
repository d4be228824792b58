namespace Cairn.Serving.Models;

/// <summary>
/// The models one server process answers for, by name. The set is an immutable snapshot replaced in one write, so a
/// request sees either the old or the new model, never a mix; <see cref="Acquire"/> leases the model so a replaced
/// one is released only after the requests using it have finished.
/// </summary>
public sealed class ServedModels : IDisposable
{
    private readonly Lock _gate = new();
    private volatile Snapshot _current;

    public ServedModels(IReadOnlyList<ServedModel> models)
    {
        var byName = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!byName.TryAdd(model.Name, model))
            {
                throw new ArgumentException($"Two models are named '{model.Name}'; give each a distinct name with -m name=<uri>.");
            }
        }

        _current = new Snapshot(byName, models);
    }

    public IReadOnlyList<ServedModel> All => _current.All;

    public ServedModel? Find(string name) => _current.ByName.GetValueOrDefault(name);

    /// <summary>The model by name and optional version; a version the served model does not carry finds nothing.</summary>
    public ServedModel? Find(string name, string? version) =>
        Find(name) is { } model && (version is null || model.Version == version) ? model : null;

    /// <summary>
    /// Finds and leases a model (the only one when <paramref name="name"/> is null and one is served); the caller must
    /// <see cref="ServedModel.Release"/> it. Null when there is no such model.
    /// </summary>
    public ServedModel? Acquire(string? name, string? version = null)
    {
        while (true)
        {
            var snapshot = _current;
            var model = name is null ? (snapshot.All.Count == 1 ? snapshot.All[0] : null)
                : snapshot.ByName.GetValueOrDefault(name) is { } found && (version is null || found.Version == version) ? found : null;
            if (model is null || model.TryAcquire())
            {
                return model;
            }

            // Replaced and released between the read and the lease: the next snapshot holds its successor.
        }
    }

    /// <summary>Puts <paramref name="replacement"/> in the place of the model of the same name; returns the model it replaced.</summary>
    public ServedModel Replace(ServedModel replacement)
    {
        lock (_gate)
        {
            var snapshot = _current;
            var old = snapshot.ByName.GetValueOrDefault(replacement.Name)
                ?? throw new ArgumentException($"No model named '{replacement.Name}' is served.");
            var byName = new Dictionary<string, ServedModel>(snapshot.ByName, StringComparer.Ordinal) { [replacement.Name] = replacement };
            _current = new Snapshot(byName, snapshot.All.Select(m => ReferenceEquals(m, old) ? replacement : m).ToList());
            return old;
        }
    }

    public void Dispose()
    {
        foreach (var model in All)
        {
            model.Dispose();
        }
    }

    private sealed record Snapshot(Dictionary<string, ServedModel> ByName, IReadOnlyList<ServedModel> All);
}
