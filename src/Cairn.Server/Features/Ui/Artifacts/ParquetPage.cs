using System.Globalization;
using Cairn.Core.Artifacts;
using Parquet;
using Parquet.Schema;

namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>
/// One page of a Parquet artifact. The footer says how many rows each row group holds, so only the row groups that
/// overlap the page are read (and of those only their column chunks, through the store's seekable stream).
/// </summary>
internal sealed record ParquetPage(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows, long FirstRow, long TotalRows, int RowGroups, int RowGroupsRead)
{
    public const int RowsPerPage = 50;

    public static async Task<ParquetPage?> ReadAsync(IArtifactStore store, ArtifactPath path, long page, CancellationToken cancellationToken)
    {
        var file = await store.OpenReadAsync(path, cancellationToken);
        if (file is null)
        {
            return null;
        }

        await using (file)
        {
            await using var reader = await ParquetReader.CreateAsync(file.Content, cancellationToken: cancellationToken);
            var fields = reader.Schema.GetDataFields();
            var counts = Enumerable.Range(0, reader.RowGroupCount).Select(i => RowCount(reader, i)).ToArray();
            var totalRows = counts.Sum();
            var firstRow = Math.Clamp(page * RowsPerPage, 0, Math.Max(0, totalRows - 1));
            var lastRow = Math.Min(totalRows, firstRow + RowsPerPage);
            var rows = new List<string?[]>();
            var groupStart = 0L;
            var groupsRead = 0;
            for (var g = 0; g < counts.Length && groupStart < lastRow; g++)
            {
                var groupEnd = groupStart + counts[g];
                if (groupEnd > firstRow)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    groupsRead++;
                    var from = (int)(Math.Max(firstRow, groupStart) - groupStart);
                    var to = (int)(Math.Min(lastRow, groupEnd) - groupStart);
                    var columns = new List<string?[]>();
                    foreach (var field in fields)
                    {
                        columns.Add(await ReadTextAsync(group, field, (int)counts[g], from, to, cancellationToken));
                    }

                    for (var r = 0; r < to - from; r++)
                    {
                        rows.Add([.. columns.Select(c => c[r])]);
                    }
                }

                groupStart = groupEnd;
            }

            return new ParquetPage([.. fields.Select(f => f.Name)], rows, firstRow, totalRows, counts.Length, groupsRead);
        }
    }

    private static string? Format<T>(T value) => value switch
    {
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString(),
    };

    /// <summary>A row group's size comes from the footer already in memory; opening its reader reads no data.</summary>
    private static long RowCount(ParquetReader reader, int index)
    {
        using var group = reader.OpenRowGroupReader(index);
        return group.RowCount;
    }

    /// <summary>Cells <paramref name="from"/>..<paramref name="to"/> of one column chunk as text.</summary>
    private static async Task<string?[]> ReadTextAsync(ParquetRowGroupReader group, DataField field, int rows, int from, int to, CancellationToken cancellationToken)
    {
        if (field.IsArray || field.Path.Length > 1)
        {
            return [.. Enumerable.Repeat<string?>("(nested)", to - from)];
        }

        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return values[from..to];
        }

        return type switch
        {
            _ when type == typeof(double) => await ReadAsync<double>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(float) => await ReadAsync<float>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(int) => await ReadAsync<int>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(long) => await ReadAsync<long>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(short) => await ReadAsync<short>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(byte) => await ReadAsync<byte>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(sbyte) => await ReadAsync<sbyte>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(bool) => await ReadAsync<bool>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(decimal) => await ReadAsync<decimal>(group, field, rows, from, to, cancellationToken),
            _ when type == typeof(DateTime) => await ReadAsync<DateTime>(group, field, rows, from, to, cancellationToken),
            _ => [.. Enumerable.Repeat<string?>($"({type.Name})", to - from)],
        };
    }

    private static async Task<string?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, int from, int to, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return [.. values[from..to].Select(v => v is { } x ? Format(x) : null)];
        }

        var plain = new T[rows];
        await group.ReadAsync(field, plain.AsMemory(), null, cancellationToken);
        return [.. plain[from..to].Select(v => Format(v))];
    }
}
