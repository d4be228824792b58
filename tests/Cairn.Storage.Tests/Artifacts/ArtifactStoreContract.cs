using System.Security.Cryptography;
using System.Text;
using Cairn.Core;
using Cairn.Core.Artifacts;

namespace Cairn.Storage.Tests.Artifacts;

/// <summary>
/// What every artifact store must do, run against each implementation: the endpoints rely on exactly these
/// semantics (whole files only, missing paths list empty, deletes of missing paths succeed).
/// </summary>
public abstract partial class ArtifactStoreContract
{
    protected abstract IArtifactStore Store { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ArtifactPath P(string path) => ArtifactPath.Parse(path);

    protected Task WriteTextAsync(string path, string text) =>
        Store.WriteAsync(P(path), new MemoryStream(Encoding.UTF8.GetBytes(text)), Token);

    protected async Task<string?> ReadTextAsync(string path)
    {
        var file = await Store.OpenReadAsync(P(path), Token);
        if (file is null)
        {
            return null;
        }

        await using (file)
        {
            using var reader = new StreamReader(file.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync(Token);
        }
    }

    /// <summary>Entries without their times, which differ per store and per run.</summary>
    private async Task<ArtifactEntry[]> ListAsync(ArtifactPath directory, CancellationToken cancellationToken) =>
        (await Store.ListAsync(directory, cancellationToken)).Select(e => e with { LastModified = null }).ToArray();

    private async Task<string[]> NamesAsync(string directory) =>
        (await ListAsync(P(directory), Token)).Select(e => e.IsDirectory ? e.Name + "/" : e.Name).ToArray();

    [Fact]
    public async Task Write_ThenRead_ReturnsTheBytesAndLength()
    {
        await WriteTextAsync("run/artifacts/notes.txt", "hello artifacts");

        var file = await Store.OpenReadAsync(P("run/artifacts/notes.txt"), Token);
        Assert.NotNull(file);
        await using (file)
        {
            Assert.Equal(15, file.Length);
        }

        Assert.Equal("hello artifacts", await ReadTextAsync("run/artifacts/notes.txt"));
    }

    [Fact]
    public async Task Write_EmptyFile_ReadsBackEmpty()
    {
        await Store.WriteAsync(P("empty.bin"), new MemoryStream(), Token);

        Assert.Equal("", await ReadTextAsync("empty.bin"));
        Assert.Equal([new ArtifactEntry("empty.bin", false, 0)], await ListAsync(ArtifactPath.Root, Token));
    }

    [Fact]
    public async Task Write_OverAnExistingFile_ReplacesIt()
    {
        await WriteTextAsync("model/MLmodel", "first version, longer");
        await WriteTextAsync("model/MLmodel", "second");

        Assert.Equal("second", await ReadTextAsync("model/MLmodel"));
        Assert.Equal([new ArtifactEntry("MLmodel", false, 6)], await ListAsync(P("model"), Token));
    }

    [Fact]
    public async Task Write_WhereADirectoryExists_IsRefused()
    {
        await WriteTextAsync("data/part-0.csv", "a,b");

        var error = await Assert.ThrowsAsync<CairnException>(() => WriteTextAsync("data", "x"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal("a,b", await ReadTextAsync("data/part-0.csv"));
    }

    [Fact]
    public async Task Write_ToTheRoot_IsRefused()
    {
        var error = await Assert.ThrowsAsync<CairnException>(() => Store.WriteAsync(ArtifactPath.Root, new MemoryStream([1]), Token));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task Write_WhenTheBodyFailsMidway_LeavesNoFileAndKeepsTheOldOne()
    {
        await WriteTextAsync("keep/weights.bin", "old");

        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(P("keep/weights.bin"), new PatternStream(1000, failAfter: 500), Token));
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(P("keep/new.bin"), new PatternStream(1000, failAfter: 500), Token));

        Assert.Equal("old", await ReadTextAsync("keep/weights.bin"));
        Assert.Null(await Store.OpenReadAsync(P("keep/new.bin"), Token));
        Assert.Equal(["weights.bin"], await NamesAsync("keep"));
    }

    [Fact]
    public async Task Write_LargeBodyFailingAfterSeveralParts_LeavesNothingVisible()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(P("big/partial.bin"), new PatternStream(40L << 20, failAfter: 20L << 20), Token));

        Assert.Null(await Store.OpenReadAsync(P("big/partial.bin"), Token));
        Assert.Empty(await ListAsync(P("big"), Token));
    }

    [Fact]
    public async Task Write_LargeFile_StreamsThroughAndReadsBackIdentical()
    {
        const long size = (40L << 20) + 12345;
        await Store.WriteAsync(P("big/model.onnx"), new PatternStream(size), Token);

        var file = await Store.OpenReadAsync(P("big/model.onnx"), Token);
        Assert.NotNull(file);
        await using (file)
        {
            Assert.Equal(size, file.Length);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await file.Content.ReadAsync(buffer, Token)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            Assert.Equal(PatternStream.Hash(size), hash.GetHashAndReset());
        }

        Assert.Equal([new ArtifactEntry("model.onnx", false, size)], await ListAsync(P("big"), Token));
    }

    [Fact]
    public async Task Read_AfterSeeking_ReturnsTheRequestedRange()
    {
        var bytes = PatternStream.Bytes(100_000);
        await Store.WriteAsync(P("range/data.bin"), new MemoryStream(bytes), Token);

        var file = await Store.OpenReadAsync(P("range/data.bin"), Token);
        Assert.NotNull(file);
        await using (file)
        {
            Assert.True(file.Content.CanSeek);
            file.Content.Seek(70_000, SeekOrigin.Begin);
            var slice = new byte[1000];
            await file.Content.ReadExactlyAsync(slice, Token);
            Assert.Equal(bytes[70_000..71_000], slice);

            file.Content.Seek(10, SeekOrigin.Begin);
            await file.Content.ReadExactlyAsync(slice.AsMemory(0, 10), Token);
            Assert.Equal(bytes[10..20], slice[..10]);

            file.Content.Seek(-5, SeekOrigin.End);
            var tail = new byte[10];
            var read = await file.Content.ReadAtLeastAsync(tail, 10, throwOnEndOfStream: false, Token);
            Assert.Equal(5, read);
            Assert.Equal(bytes[^5..], tail[..5]);
        }
    }

    [Fact]
    public async Task Read_MissingPathDirectoryOrRoot_ReturnsNull()
    {
        await WriteTextAsync("dir/file.txt", "x");

        Assert.Null(await Store.OpenReadAsync(P("nothing/here.txt"), Token));
        Assert.Null(await Store.OpenReadAsync(P("dir"), Token));
        Assert.Null(await Store.OpenReadAsync(ArtifactPath.Root, Token));
    }

    [Fact]
    public async Task List_ShowsOneLevel_SortedWithSizes()
    {
        await WriteTextAsync("run/model/MLmodel", "flavors");
        await WriteTextAsync("run/model/data/weights.bin", "0123456789");
        await WriteTextAsync("run/metrics.json", "{}");
        await WriteTextAsync("run/b.txt", "b");
        await WriteTextAsync("runner/other.txt", "not a child of run");

        var entries = await ListAsync(P("run"), Token);

        Assert.Equal(
            [new ArtifactEntry("b.txt", false, 1), new ArtifactEntry("metrics.json", false, 2), new ArtifactEntry("model", true, null)],
            entries);
        Assert.Equal(["MLmodel", "data/"], await NamesAsync("run/model"));
        Assert.Equal(["weights.bin"], await NamesAsync("run/model/data"));
        Assert.Equal(["run/", "runner/"], await NamesAsync(""));
    }

    [Fact]
    public async Task List_GivesFilesTheirLastWriteTime()
    {
        var before = TimeProvider.System.GetUtcNow().AddMinutes(-2);
        await WriteTextAsync("timed/a.txt", "a");
        await WriteTextAsync("timed/sub/b.txt", "b");

        var entries = await Store.ListAsync(P("timed"), Token);

        var file = Assert.Single(entries, e => !e.IsDirectory);
        Assert.InRange(file.LastModified!.Value, before, TimeProvider.System.GetUtcNow().AddMinutes(2));
        Assert.Null(Assert.Single(entries, e => e.IsDirectory).LastModified);
    }

    [Fact]
    public async Task List_MissingDirectoryOrAFile_IsEmpty()
    {
        await WriteTextAsync("a/file.txt", "x");

        Assert.Empty(await ListAsync(P("no/such/dir"), Token));
        Assert.Empty(await ListAsync(P("a/file.txt"), Token));
    }

    [Fact]
    public async Task Copy_File_CreatesAnIndependentCopy()
    {
        await WriteTextAsync("src/model.pkl", "weights");

        await Store.CopyAsync(P("src/model.pkl"), P("models/abc/model.pkl"), Token);
        await WriteTextAsync("src/model.pkl", "changed later");

        Assert.Equal("weights", await ReadTextAsync("models/abc/model.pkl"));
    }

    [Fact]
    public async Task Copy_Tree_CopiesEveryNestedFile()
    {
        await WriteTextAsync("1/run/artifacts/model/MLmodel", "m");
        await WriteTextAsync("1/run/artifacts/model/data/a.bin", "aa");
        await WriteTextAsync("1/run/artifacts/model/data/deep/b.bin", "bbb");
        await WriteTextAsync("1/run/artifacts/other.txt", "not copied");

        await Store.CopyAsync(P("1/run/artifacts/model"), P("models/v1"), Token);

        Assert.Equal(["MLmodel", "data/"], await NamesAsync("models/v1"));
        Assert.Equal("aa", await ReadTextAsync("models/v1/data/a.bin"));
        Assert.Equal("bbb", await ReadTextAsync("models/v1/data/deep/b.bin"));
        Assert.Equal("m", await ReadTextAsync("1/run/artifacts/model/MLmodel"));
    }

    [Fact]
    public async Task Copy_MissingSource_CopiesNothing()
    {
        await Store.CopyAsync(P("no/such/thing"), P("dest"), Token);

        Assert.Empty(await ListAsync(P("dest"), Token));
    }

    [Fact]
    public async Task Delete_File_RemovesOnlyIt()
    {
        await WriteTextAsync("d/a.txt", "a");
        await WriteTextAsync("d/ab.txt", "ab");

        await Store.DeleteAsync(P("d/a.txt"), Token);

        Assert.Null(await Store.OpenReadAsync(P("d/a.txt"), Token));
        Assert.Equal(["ab.txt"], await NamesAsync("d"));
    }

    [Fact]
    public async Task Delete_Tree_RemovesEverythingBelowButNotSiblingsWithACommonPrefix()
    {
        await WriteTextAsync("exp/run1/artifacts/a.txt", "a");
        await WriteTextAsync("exp/run1/artifacts/deep/b.txt", "b");
        await WriteTextAsync("exp/run10/artifacts/c.txt", "c");

        await Store.DeleteAsync(P("exp/run1"), Token);

        Assert.Equal(["run10/"], await NamesAsync("exp"));
        Assert.Null(await Store.OpenReadAsync(P("exp/run1/artifacts/deep/b.txt"), Token));
        Assert.Equal("c", await ReadTextAsync("exp/run10/artifacts/c.txt"));
    }

    [Fact]
    public async Task Delete_MissingPath_Succeeds()
    {
        await Store.DeleteAsync(P("never/written"), Token);
    }

    [Fact]
    public async Task Delete_Root_IsRefused()
    {
        var error = await Assert.ThrowsAsync<CairnException>(() => Store.DeleteAsync(ArtifactPath.Root, Token));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }
}
