using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Onnx;

namespace Cairn.Models.Package;

/// <summary>Writes and loads model directories (an <c>MLmodel</c> file beside the flavors' files).</summary>
public static class ModelPackage
{
    /// <summary>What goes into the MLmodel file besides the flavors.</summary>
    public sealed record Details(ModelSignature? Signature, string? RunId = null, string? ModelId = null, string? ArtifactPath = null,
        IReadOnlyDictionary<string, object?>? Metadata = null);

    /// <summary>
    /// Completes a directory whose flavor files are written: adds the input example and the MLmodel file, and returns the metadata.
    /// </summary>
    public static async Task<MlModelFile> CompleteAsync(string directory, IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> flavors,
        Details details, TimeProvider time, Frame? frameExample = null, IReadOnlyList<Tensor>? tensorExample = null, CancellationToken cancellationToken = default)
    {
        var exampleInfo = frameExample is not null ? await InputExample.WriteAsync(frameExample, directory, cancellationToken)
            : tensorExample is not null ? await InputExample.WriteAsync(tensorExample, directory, cancellationToken)
            : null;
        var size = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var metadata = new MlModelFile
        {
            Flavors = flavors,
            ArtifactPath = details.ArtifactPath,
            RunId = details.RunId,
            ModelId = details.ModelId,
            ModelUuid = details.ModelId ?? Guid.NewGuid().ToString("N"),
            UtcTimeCreated = time.GetUtcNow(),
            Signature = details.Signature,
            SavedInputExampleInfo = exampleInfo,
            ModelSizeBytes = size,
            Metadata = details.Metadata,
        };
        await metadata.WriteAsync(directory, cancellationToken);
        return metadata;
    }

    /// <summary>Loads a local model directory with the first flavor this runtime supports (mlnet, then onnx).</summary>
    public static Task<LoadedModel> LoadAsync(string directory, CancellationToken cancellationToken = default) =>
        LoadAsync(directory, ModelLoadOptions.Default, cancellationToken);

    /// <summary>Loads a local model directory with the first flavor this runtime supports, with the given options.</summary>
    public static async Task<LoadedModel> LoadAsync(string directory, ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        var metadata = await MlModelFile.ReadAsync(directory, cancellationToken);
        if (metadata.Flavors.ContainsKey(MlNetFlavor.Name))
        {
            return MlNetModel.Load(metadata, directory);
        }

        if (metadata.Flavors.ContainsKey(OnnxFlavor.Name))
        {
            return OnnxModel.Load(metadata, directory, options);
        }

        throw new ModelPackageException(
            $"The model has flavors {string.Join(", ", metadata.Flavors.Keys)}; Cairn loads '{MlNetFlavor.Name}' and '{OnnxFlavor.Name}'.");
    }
}
