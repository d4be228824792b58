using Cairn.Core.Artifacts;
using Cairn.Storage.Artifacts;

namespace Cairn.Storage.Tests.Artifacts;

public sealed class LocalArtifactStoreTests : ArtifactStoreContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cairn-artifact-tests", Guid.NewGuid().ToString("N"));

    public LocalArtifactStoreTests() => Store = new LocalArtifactStore(_root);

    protected override IArtifactStore Store { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
