using System.Text;
using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Serving.Data;
using Parquet;
using Parquet.Schema;

namespace Cairn.Serving.Payloads;

/// <summary>One open Parquet payload file: records wait in memory until a row group is written.</summary>
internal sealed class ParquetPayloadFile(string path, string model, DateTime hour, PayloadLayout layout)
{
    private readonly List<PayloadRecord> _pending = [];
    private readonly ParquetSchema _schema = layout.Schema();
    private FileStream? _stream;
    private ParquetWriter? _writer;

    public string Model { get; } = model;

    public DateTime Hour { get; } = hour;

    public int PendingRows { get; private set; }

    public void Add(PayloadRecord record)
    {
        _pending.Add(record);
        PendingRows += layout.IsColumnar ? record.Frames!.Output.RowCount : 1;
    }

    public async Task FlushAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        if (_writer is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            _writer = await ParquetWriter.CreateAsync(_schema, _stream);
        }

        using (var group = _writer.CreateRowGroup())
        {
            var fields = _schema.GetDataFields();
            var rows = PendingRows;
            await group.WriteAsync(fields[0], (ReadOnlyMemory<DateTime>)Fill(rows, r => r.Time.UtcDateTime));
            await group.WriteAsync(fields[1], Fill(rows, r => r.Model), null);
            await group.WriteAsync(fields[2], Fill(rows, r => r.Version)!, null);
            await group.WriteAsync(fields[3], Fill(rows, r => r.RequestId), null);
            if (layout.IsColumnar)
            {
                await group.WriteAsync(fields[4], (ReadOnlyMemory<int>)RowIndexes(rows));
                var f = 5;
                foreach (var column in layout.Inputs)
                {
                    await WriteColumnAsync(group, fields[f++], column, rows, r => r.Frames!.Input);
                }

                foreach (var column in layout.Outputs)
                {
                    await WriteColumnAsync(group, fields[f++], column, rows, r => r.Frames!.Output);
                }
            }
            else
            {
                await group.WriteAsync(fields[4], _pending.Select(r => Text(r.Request, r.RequestContentType)).ToArray()!, null);
                await group.WriteAsync(fields[5], _pending.Select(r => Text(r.Response, "application/json")).ToArray()!, null);
            }
        }

        _pending.Clear();
        PendingRows = 0;
    }

    /// <summary>Writes what is pending, the footer, and gives the file its final name.</summary>
    public async Task CloseAsync()
    {
        await FlushAsync();
        if (_writer is null)
        {
            return;
        }

        await _writer.DisposeAsync();
        await _stream!.DisposeAsync();
        File.Move(path + ".tmp", path, overwrite: false);
    }

    /// <summary>One value per logged row: each record's value repeated for the rows it scored.</summary>
    private T[] Fill<T>(int rows, Func<PayloadRecord, T> value)
    {
        var values = new T[rows];
        var offset = 0;
        foreach (var record in _pending)
        {
            var count = layout.IsColumnar ? record.Frames!.Output.RowCount : 1;
            Array.Fill(values, value(record), offset, count);
            offset += count;
        }

        return values;
    }

    private int[] RowIndexes(int rows)
    {
        var values = new int[rows];
        var offset = 0;
        foreach (var record in _pending)
        {
            for (var r = 0; r < record.Frames!.Output.RowCount; r++)
            {
                values[offset++] = r;
            }
        }

        return values;
    }

    private Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, PayloadColumn column, int rows, Func<PayloadRecord, Frame> frame)
    {
        var sources = _pending.Select(r => frame(r)[column.Source]).ToList();
        if (column.IsJson)
        {
            return group.WriteAsync(field, sources.SelectMany(c => Enumerable.Range(0, c.Length).Select(i => Json(c.Values, i))).ToArray(), null);
        }

        return column.Type switch
        {
            DataType.Float => group.WriteAsync(field, (ReadOnlyMemory<float>)Concat<float>(sources, rows)),
            DataType.Double => group.WriteAsync(field, (ReadOnlyMemory<double>)Concat<double>(sources, rows)),
            DataType.Integer => group.WriteAsync(field, (ReadOnlyMemory<int>)Concat<int>(sources, rows)),
            DataType.Long => group.WriteAsync(field, (ReadOnlyMemory<long>)Concat<long>(sources, rows)),
            DataType.Boolean => group.WriteAsync(field, (ReadOnlyMemory<bool>)Concat<bool>(sources, rows)),
            _ => group.WriteAsync(field, Concat<string>(sources, rows), null),
        };
    }

    private static T[] Concat<T>(List<Column> columns, int rows)
    {
        var values = new T[rows];
        var offset = 0;
        foreach (var column in columns)
        {
            var source = (T[])column.Values;
            source.CopyTo(values, offset);
            offset += source.Length;
        }

        return values;
    }

    private static string Json(Array values, int index)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ValueJson.WriteElement(writer, values, index);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Text(byte[] body, string? contentType) =>
        contentType?.Contains("octet-stream", StringComparison.OrdinalIgnoreCase) == true ? null : Encoding.UTF8.GetString(body);
}
