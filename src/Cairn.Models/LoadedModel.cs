using Cairn.Models.Data;
using Cairn.Models.Package;

namespace Cairn.Models;

/// <summary>A model loaded from a package, ready to predict. Safe to call from several threads at once.</summary>
public abstract class LoadedModel : IDisposable
{
    protected LoadedModel(MlModelFile metadata, string directory)
    {
        Metadata = metadata;
        Directory = directory;
    }

    /// <summary>The package's MLmodel file.</summary>
    public MlModelFile Metadata { get; }

    /// <summary>The local directory the model was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The flavor used to load it (<c>mlnet</c> or <c>onnx</c>).</summary>
    public abstract string Flavor { get; }

    /// <summary>What the model takes and returns (from the package, or read from the model itself when the package has none).</summary>
    public abstract ModelSignature Signature { get; }

    /// <summary>Predicts from rows given as columns; returns one output row per input row.</summary>
    public abstract Frame Predict(Frame input);

    /// <summary>Predicts from named tensors.</summary>
    public abstract IReadOnlyList<Tensor> Predict(IReadOnlyList<Tensor> inputs);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
