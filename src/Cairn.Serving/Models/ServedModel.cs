using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Serving.Batching;

namespace Cairn.Serving.Models;

/// <summary>A loaded model under the name clients address it by, with the registry version it came from (when known).</summary>
public sealed class ServedModel : IDisposable
{
    private int _leases; // requests using the model; -1 once released
    private volatile bool _retired;
    private int _disposed;

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

    /// <summary>Rows per model call when batching is on, else null.</summary>
    public BatchStatistics? Batches { get; private set; }

    /// <summary>True once replaced; it is released when its last request ends.</summary>
    public bool IsRetired => _retired;

    internal Batcher<Frame, Frame>? FrameBatcher { get; private set; }

    internal Batcher<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>? TensorBatcher { get; private set; }

    /// <summary>Routes predictions through a batcher of the kind this model takes (frames or tensors).</summary>
    internal void EnableBatching(BatchingOptions options)
    {
        if (!options.Enabled || Batches is not null)
        {
            return;
        }

        Batches = new BatchStatistics();
        if (Interface.IsColumnBased)
        {
            FrameBatcher = new Batcher<Frame, Frame>(FrameBatchShape.Instance, input => ModelInvoker.Predict(this, input), options, Batches);
        }
        else
        {
            TensorBatcher = new Batcher<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>(TensorBatchShape.Instance, input => ModelInvoker.Predict(this, input), options, Batches);
        }
    }

    /// <summary>Leases the model for one request; false once it has been retired and released.</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var leases = Volatile.Read(ref _leases);
            if (leases < 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _leases, leases + 1, leases) == leases)
            {
                return true;
            }
        }
    }

    /// <summary>Ends a lease; the last lease on a retired model releases it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && _retired)
        {
            DisposeWhenIdle();
        }
    }

    /// <summary>Marks a replaced model for release once no request holds it.</summary>
    internal void Retire()
    {
        _retired = true;
        DisposeWhenIdle();
    }

    private void DisposeWhenIdle()
    {
        if (Interlocked.CompareExchange(ref _leases, -1, 0) == 0)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        FrameBatcher?.Dispose();
        TensorBatcher?.Dispose();
        Model.Dispose();
    }
}
