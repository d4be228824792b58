using System.Diagnostics;
using System.Threading.Channels;
using Cairn.Models;

namespace Cairn.Serving.Batch;

public sealed record BatchPredictionOptions
{
    /// <summary>Rows read, predicted and written at a time: memory grows with this, never with the file.</summary>
    public int ChunkRows { get; init; } = 10_000;

    /// <summary>For tensor models: the file columns that form each row's feature vector, in order.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Input columns copied to the output beside the predictions.</summary>
    public IReadOnlyList<string>? Keep { get; init; }

    /// <summary>Stop once more rows than this have failed (null: never stop for row errors).</summary>
    public long? MaxErrors { get; init; }
}

public sealed record BatchProgress(long RowsRead, long RowsFailed, long BytesRead, long BytesTotal);

public sealed record BatchPredictionResult(long RowsRead, long RowsPredicted, long RowsFailed, TimeSpan Elapsed, IReadOnlyList<RowError> FirstErrors);

/// <summary>Too many rows failed; the output holds the rows predicted before the stop.</summary>
public sealed class TooManyRowErrorsException(long failed, RowError last)
    : Exception($"Stopped after {failed} rows failed; the last, row {last.Row}: {last.Message}");

/// <summary>
/// Predicts every row of a CSV or Parquet file into a CSV or Parquet file, a chunk at a time: one task reads and
/// parses while another predicts and writes, so the two overlap and memory stays at a few chunks. Rows that cannot be
/// read or predicted go to the error report (row number and reason) instead of stopping the job.
/// </summary>
public static class BatchPrediction
{
    /// <summary>Chunks predicted at once: one per core, so a slow model keeps every core busy.</summary>
    private static readonly int Parallelism = Math.Max(2, Environment.ProcessorCount);

    public static async Task<BatchPredictionResult> RunAsync(
        LoadedModel model,
        IChunkReader reader,
        IPredictionWriter writer,
        TextWriter? errorReport,
        BatchPredictionOptions options,
        IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkRows, 1);
        var plan = BatchInputPlan.For(model, reader.Columns, options.Features, options.Keep);
        var started = Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chunks = Channel.CreateBounded<InputChunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAllAsync(reader, plan, options.ChunkRows, chunks.Writer, stop.Token), stop.Token);

        long read = 0, predicted = 0, failed = 0;
        var firstErrors = new List<RowError>();
        errorReport?.WriteLine("row,error");
        var pending = new Queue<Task<(InputChunk Chunk, OutputChunk Output)>>();
        async Task WriteOldestAsync()
        {
            var (chunk, output) = await pending.Dequeue();
            await writer.WriteAsync(output, plan.Keep, stop.Token);
            read += chunk.RowCount;
            predicted += output.Rows.Length;
            failed += output.Errors.Count;
            foreach (var error in output.Errors)
            {
                errorReport?.WriteLine($"{error.Row},{CsvPredictionWriter.Quote(error.Message)}");
                if (firstErrors.Count < 10)
                {
                    firstErrors.Add(error);
                }
            }

            var (bytesRead, bytesTotal) = reader.Position;
            progress?.Report(new BatchProgress(read, failed, bytesRead, bytesTotal));
            if (options.MaxErrors is { } max && failed > max)
            {
                throw new TooManyRowErrorsException(failed, output.Errors[^1]);
            }
        }

        try
        {
            // Chunks are predicted side by side (a model call is the costly part) and written in input order.
            await foreach (var chunk in chunks.Reader.ReadAllAsync(stop.Token))
            {
                pending.Enqueue(Task.Run(() => (chunk, ChunkPredictor.Predict(model, plan, chunk)), stop.Token));
                if (pending.Count >= Parallelism)
                {
                    await WriteOldestAsync();
                }
            }

            while (pending.Count > 0)
            {
                await WriteOldestAsync();
            }

            await reading;
            await writer.CompleteAsync(stop.Token);
            var total = reader.Position.Total;
            progress?.Report(new BatchProgress(read, failed, total, total));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(reading);
            await Task.WhenAny(Task.WhenAll(pending));
            errorReport?.Flush();
        }

        return new BatchPredictionResult(read, predicted, failed, Stopwatch.GetElapsedTime(started), firstErrors);
    }

    /// <summary>Opens a reader by the file's extension: .csv, or .parquet/.pq.</summary>
    public static async Task<IChunkReader> OpenReaderAsync(string path, CancellationToken cancellationToken) =>
        FormatOf(path) == "parquet" ? await ParquetChunkReader.OpenAsync(path, cancellationToken) : CsvChunkReader.Open(path);

    /// <summary>A writer for <paramref name="format"/> ("csv" or "parquet", see <see cref="FormatOf"/>) at <paramref name="path"/>.</summary>
    public static IPredictionWriter CreateWriter(string path, string format) =>
        format == "parquet" ? new ParquetPredictionWriter(path) : new CsvPredictionWriter(path);

    /// <summary>"csv" or "parquet"; throws <see cref="ArgumentException"/> for any other extension.</summary>
    public static string FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".parquet" or ".pq" => "parquet",
        _ => throw new ArgumentException($"'{path}': batch prediction reads and writes .csv and .parquet files."),
    };

    private static async Task ReadAllAsync(IChunkReader reader, BatchInputPlan plan, int chunkRows, ChannelWriter<InputChunk> chunks, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadAsync(plan, chunkRows, cancellationToken) is { } chunk)
            {
                await chunks.WriteAsync(chunk, cancellationToken);
            }

            chunks.Complete();
        }
        catch (Exception error)
        {
            chunks.Complete(error);
        }
    }
}
