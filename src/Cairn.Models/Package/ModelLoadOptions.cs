namespace Cairn.Models.Package;

/// <summary>How a model is loaded; the defaults suit one caller predicting batches.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>The defaults.</summary>
    public static readonly ModelLoadOptions Default = new();

    /// <summary>
    /// Threads ONNX Runtime may use inside one prediction (null: one per core). A server answering many small requests at
    /// once wants 1, so requests run side by side instead of each spinning up every core.
    /// </summary>
    public int? OnnxIntraOpThreads { get; init; }
}
