using System.Globalization;
using Cairn.Models.Data;
using Parquet;
using Parquet.Schema;

namespace Cairn.Serving.Batch;

/// <summary>
/// One Parquet column of a row group, held as numbers, text or timestamps, and converted cell by cell to the type
/// the model wants (an integer column feeds a float input, say). Nulls become NaN for float inputs and errors otherwise.
/// </summary>
internal sealed class ParquetCells
{
    private double[]? _numbers;
    private bool[]? _nulls;
    private string?[]? _strings;
    private DateTime?[]? _dates;

    private ParquetCells()
    {
    }

    public static async Task<ParquetCells> ReadAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var cells = new ParquetCells();
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            cells._strings = new string?[rows];
            await group.ReadAsync(field, cells._strings.AsMemory(), null, cancellationToken);
        }
        else if (type == typeof(DateTime))
        {
            cells._dates = new DateTime?[rows];
            await group.ReadAsync(field, cells._dates.AsMemory(), null, cancellationToken);
        }
        else if (type == typeof(double)) { await cells.ReadNumbersAsync<double>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(float)) { await cells.ReadNumbersAsync<float>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(int)) { await cells.ReadNumbersAsync<int>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(long)) { await cells.ReadNumbersAsync<long>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(short)) { await cells.ReadNumbersAsync<short>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(sbyte)) { await cells.ReadNumbersAsync<sbyte>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(byte)) { await cells.ReadNumbersAsync<byte>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(ushort)) { await cells.ReadNumbersAsync<ushort>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(uint)) { await cells.ReadNumbersAsync<uint>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(ulong)) { await cells.ReadNumbersAsync<ulong>(group, field, rows, v => v, cancellationToken); }
        else if (type == typeof(decimal)) { await cells.ReadNumbersAsync<decimal>(group, field, rows, v => (double)v, cancellationToken); }
        else if (type == typeof(bool)) { await cells.ReadNumbersAsync<bool>(group, field, rows, v => v ? 1 : 0, cancellationToken); }
        else
        {
            throw new InvalidDataException($"Parquet column '{field.Name}' holds {type.Name} values, which batch prediction cannot read.");
        }

        return cells;
    }

    /// <summary>Cell <paramref name="row"/> as text, for columns copied to the output.</summary>
    public string? Text(int row) =>
        _strings is not null ? _strings[row]
        : _dates is not null ? _dates[row]?.ToString("O", CultureInfo.InvariantCulture)
        : _nulls![row] ? null : _numbers![row].ToString("R", CultureInfo.InvariantCulture);

    public bool TryStore(int row, DataType type, Array target, int index, out string? error)
    {
        if (_strings is not null)
        {
            return CellParser.TryParse(_strings[row], type, target, index, out error);
        }

        if (_dates is not null)
        {
            if (type == DataType.DateTime && _dates[row] is { } date)
            {
                ((DateTime[])target)[index] = date;
                error = null;
                return true;
            }

            error = _dates[row] is null ? $"a {type.WireName()} is missing" : $"a timestamp is not a {type.WireName()}";
            return false;
        }

        var value = _numbers![row];
        error = null;
        if (_nulls![row])
        {
            switch (type)
            {
                case DataType.Float: ((float[])target)[index] = float.NaN; return true;
                case DataType.Double: ((double[])target)[index] = double.NaN; return true;
                default: error = $"a {type.WireName()} is missing"; return false;
            }
        }

        switch (type)
        {
            case DataType.Float: ((float[])target)[index] = (float)value; return true;
            case DataType.Double: ((double[])target)[index] = value; return true;
            case DataType.Integer when value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue: ((int[])target)[index] = (int)value; return true;
            case DataType.Long when value == Math.Floor(value) && Math.Abs(value) < 9.2e18: ((long[])target)[index] = (long)value; return true;
            case DataType.Boolean when value is 0 or 1: ((bool[])target)[index] = value == 1; return true;
            case DataType.String: ((string?[])target)[index] = value.ToString("R", CultureInfo.InvariantCulture); return true;
            default:
                error = $"{value.ToString("R", CultureInfo.InvariantCulture)} is not a {type.WireName()}";
                return false;
        }
    }

    private async Task ReadNumbersAsync<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, double> toDouble, CancellationToken cancellationToken)
        where T : struct
    {
        _numbers = new double[rows];
        _nulls = new bool[rows];
        if (field.IsNullable)
        {
            var values = new T?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                if (values[i] is { } v)
                {
                    _numbers[i] = toDouble(v);
                }
                else
                {
                    _nulls[i] = true;
                }
            }
        }
        else
        {
            var values = new T[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                _numbers[i] = toDouble(values[i]);
            }
        }
    }
}
