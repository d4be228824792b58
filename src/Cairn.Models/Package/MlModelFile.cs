using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Cairn.Models.Package;

/// <summary>
/// The <c>MLmodel</c> file of a model directory, in MLflow's YAML layout. Keys this type does not model are kept in
/// <see cref="Extra"/> and written back, so a file from any MLflow version survives a read and write unchanged in meaning.
/// </summary>
public sealed record MlModelFile
{
    public const string FileName = "MLmodel";

    /// <summary>Flavor name → its parameters (strings, numbers, booleans, lists, nested maps or null).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Flavors { get; init; }

    public string? ArtifactPath { get; init; }

    public string? RunId { get; init; }

    /// <summary>MLflow 3: the logged model this copy belongs to.</summary>
    public string? ModelId { get; init; }

    public required string ModelUuid { get; init; }

    public string? MlflowVersion { get; init; }

    /// <summary>Creation time in UTC; written as MLflow does (<c>YYYY-MM-DD HH:MM:SS.ffffff</c>).</summary>
    public required DateTimeOffset UtcTimeCreated { get; init; }

    public ModelSignature? Signature { get; init; }

    /// <summary>e.g. <c>{artifact_path: input_example.json, type: dataframe, pandas_orient: split}</c>.</summary>
    public IReadOnlyDictionary<string, object?>? SavedInputExampleInfo { get; init; }

    public long? ModelSizeBytes { get; init; }

    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }

    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();

    public static async Task<MlModelFile> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new ModelPackageException($"'{directory}' is not a model directory: it has no {FileName} file.");
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken));
    }

    public static MlModelFile Parse(string yaml)
    {
        Dictionary<string, object?> root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping
                ? throw new ModelPackageException("The MLmodel file is not a YAML mapping.")
                : YamlValues.ToMap(mapping);
        }
        catch (YamlException error)
        {
            throw new ModelPackageException($"The MLmodel file is not valid YAML: {error.Message}", error);
        }

        var flavors = root.GetValueOrDefault("flavors") as Dictionary<string, object?>
            ?? throw new ModelPackageException("The MLmodel file has no 'flavors' map.");
        ModelSignature? signature = null;
        if (root.GetValueOrDefault("signature") is Dictionary<string, object?> sig && sig.GetValueOrDefault("inputs") is string inputs)
        {
            try
            {
                signature = new ModelSignature(SignatureSchema.Parse(inputs),
                    sig.GetValueOrDefault("outputs") is string outputs ? SignatureSchema.Parse(outputs) : null,
                    sig.GetValueOrDefault("params") as string);
            }
            catch (FormatException error)
            {
                throw new ModelPackageException($"The MLmodel signature is invalid: {error.Message}", error);
            }
        }

        string? Text(string key) => root.GetValueOrDefault(key)?.ToString();
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "flavors", "artifact_path", "run_id", "model_id", "model_uuid", "mlflow_version", "utc_time_created", "signature",
            "saved_input_example_info", "model_size_bytes", "metadata",
        };
        return new MlModelFile
        {
            Flavors = flavors.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, object?>)(f.Value as Dictionary<string, object?> ?? [])),
            ArtifactPath = Text("artifact_path"),
            RunId = Text("run_id"),
            ModelId = Text("model_id"),
            ModelUuid = Text("model_uuid") ?? "",
            MlflowVersion = Text("mlflow_version"),
            UtcTimeCreated = ParseTime(Text("utc_time_created")),
            Signature = signature,
            SavedInputExampleInfo = root.GetValueOrDefault("saved_input_example_info") as Dictionary<string, object?>,
            ModelSizeBytes = long.TryParse(Text("model_size_bytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null,
            Metadata = root.GetValueOrDefault("metadata") as Dictionary<string, object?>,
            Extra = root.Where(p => !known.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value),
        };
    }

    public async Task WriteAsync(string directory, CancellationToken cancellationToken = default) =>
        await File.WriteAllTextAsync(Path.Combine(directory, FileName), ToYaml(), cancellationToken);

    /// <summary>YAML with keys sorted, as Python's <c>yaml.safe_dump</c> writes them.</summary>
    public string ToYaml()
    {
        var root = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Extra)
        {
            root[key] = value;
        }

        root["flavors"] = Flavors.ToDictionary(f => f.Key, f => (object?)new SortedDictionary<string, object?>(f.Value.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal));
        Put(root, "artifact_path", ArtifactPath);
        Put(root, "run_id", RunId);
        Put(root, "model_id", ModelId);
        root["model_uuid"] = ModelUuid;
        Put(root, "mlflow_version", MlflowVersion);
        root["utc_time_created"] = UtcTimeCreated.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        if (Signature is not null)
        {
            root["signature"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["inputs"] = Signature.Inputs.ToJson(),
                ["outputs"] = Signature.Outputs?.ToJson(),
                ["params"] = Signature.ParamsJson,
            };
        }

        Put(root, "saved_input_example_info", SavedInputExampleInfo is null ? null : new SortedDictionary<string, object?>(SavedInputExampleInfo.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal));
        Put(root, "model_size_bytes", ModelSizeBytes);
        Put(root, "metadata", Metadata);
        return new SerializerBuilder().WithQuotingNecessaryStrings().DisableAliases().Build().Serialize(root);
    }

    private static void Put(SortedDictionary<string, object?> root, string key, object? value)
    {
        if (value is not null)
        {
            root[key] = value;
        }
    }

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : DateTimeOffset.UnixEpoch;
}
