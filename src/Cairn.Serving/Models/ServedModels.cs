namespace Cairn.Serving.Models;

/// <summary>The models one server process answers for, by name.</summary>
public sealed class ServedModels : IDisposable
{
    private readonly Dictionary<string, ServedModel> _byName;

    public ServedModels(IReadOnlyList<ServedModel> models)
    {
        _byName = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!_byName.TryAdd(model.Name, model))
            {
                throw new ArgumentException($"Two models are named '{model.Name}'; give each a distinct name with -m name=<uri>.");
            }
        }

        All = models;
    }

    public IReadOnlyList<ServedModel> All { get; }

    public ServedModel? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The model by name and optional version; a version the served model does not carry finds nothing.</summary>
    public ServedModel? Find(string name, string? version) =>
        Find(name) is { } model && (version is null || model.Version == version) ? model : null;

    public void Dispose()
    {
        foreach (var model in All)
        {
            model.Dispose();
        }
    }
}
