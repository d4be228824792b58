using System.Net;
using System.Text;
using Cairn.Server.Tests.Infrastructure;
using Parquet;
using Parquet.Schema;

namespace Cairn.Ui.Tests;

/// <summary>Artifacts for the artifact pages: small files through the MLflow artifact API, huge ones straight onto the server's disk.</summary>
internal static class ArtifactSeed
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task PutAsync(MlflowHttp client, string experimentId, string runId, string path, byte[] content)
    {
        using var response = await client.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/{path}",
            new ByteArrayContent(content), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static Task PutTextAsync(MlflowHttp client, string experimentId, string runId, string path, string text) =>
        PutAsync(client, experimentId, runId, path, Encoding.UTF8.GetBytes(text));

    /// <summary>The file's place in the server's local artifact folder, for files too big to upload quickly.</summary>
    public static string DiskPath(CairnServer server, string experimentId, string runId, string path)
    {
        var full = Path.Combine(server.ArtifactRoot, experimentId, runId, "artifacts", path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Numbered lines ("line 0000001 …") up to <paramref name="bytes"/>.</summary>
    public static async Task<int> WriteLinesAsync(string file, long bytes)
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        var line = 0;
        long written = 0;
        while (written < bytes)
        {
            var text = $"line {line:0000000} the quick brown fox jumps over the lazy dog {line % 97}";
            await writer.WriteLineAsync(text);
            written += text.Length + 1;
            line++;
        }

        return line;
    }

    /// <summary>A Parquet file of <paramref name="groups"/> row groups of <paramref name="rowsPerGroup"/> rows: id, name, score.</summary>
    public static async Task<byte[]> ParquetAsync(int groups, int rowsPerGroup)
    {
        var id = new DataField<long>("id");
        var name = new DataField<string>("name");
        var score = new DataField<double?>("score");
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, name, score), file, cancellationToken: Cancel))
        {
            for (var g = 0; g < groups; g++)
            {
                var rows = Enumerable.Range(g * rowsPerGroup, rowsPerGroup).ToArray();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<long>(id, (ReadOnlyMemory<long>)rows.Select(r => (long)r).ToArray(), null, null, Cancel);
                await group.WriteAsync(name, rows.Select(r => $"row-{r}").ToArray(), null);
                await group.WriteAsync<double>(score, (ReadOnlyMemory<double?>)rows.Select(r => r % 10 == 0 ? (double?)null : r / 2.0).ToArray(), null, null, Cancel);
            }
        }

        return file.ToArray();
    }
}
