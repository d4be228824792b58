using Cairn.Models;
using Cairn.Models.MLNet;

namespace Cairn.Serving.Models;

/// <summary>A loaded model under the name clients address it by, with the registry version it came from (when known).</summary>
public sealed class ServedModel : IDisposable
{
    public ServedModel(string name, string? version, string source, LoadedModel model, TimeSpan loadTime)
    {
        Name = name;
        Version = version;
        Source = source;
        Model = model;
        LoadTime = loadTime;
        Interface = ModelInterface.Of(model);
    }

    public string Name { get; }

    /// <summary>The registered model version, or null when the model was not loaded through the registry.</summary>
    public string? Version { get; }

    /// <summary>The URI or folder it was loaded from.</summary>
    public string Source { get; }

    public LoadedModel Model { get; }

    public TimeSpan LoadTime { get; }

    public ModelInterface Interface { get; }

    /// <summary>Open Inference Protocol platform: <c>&lt;project&gt;_&lt;format&gt;</c>.</summary>
    public string Platform => Model.Flavor == MlNetFlavor.Name ? "mlnet_zip" : "onnx_onnxv1";

    public void Dispose() => Model.Dispose();
}
