using Cairn.Models;
using Cairn.Models.Data;

namespace Cairn.Serving.Batch;

/// <summary>
/// Predicts the readable rows of a chunk in one model call. When the call fails, the rows are retried one by one so
/// a single row the model rejects is reported and the rest are still predicted.
/// </summary>
internal static class ChunkPredictor
{
    public static OutputChunk Predict(LoadedModel model, BatchInputPlan plan, InputChunk chunk)
    {
        var good = Enumerable.Range(0, chunk.RowCount).Where(r => !chunk.Failed[r]).ToArray();
        if (good.Length == 0)
        {
            return new OutputChunk([], [], plan.Keep.Select(_ => Array.Empty<string?>()).ToList(), chunk.Errors);
        }

        List<OutputColumn> columns;
        try
        {
            columns = Call(model, plan, chunk, good);
        }
        catch (Exception error) when (IsModelError(error) && good.Length > 1)
        {
            (good, columns) = OneByOne(model, plan, chunk, good);
        }
        catch (Exception error) when (IsModelError(error))
        {
            chunk.Fail(good[0], $"the model failed: {error.Message}");
            good = [];
            columns = [];
        }

        var rows = good.Select(r => chunk.FirstRow + r).ToArray();
        var kept = chunk.Kept.Select(values => good.Select(r => values[r]).ToArray()).ToList();
        chunk.Errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new OutputChunk(rows, columns, kept, chunk.Errors);
    }

    private static (int[] Good, List<OutputColumn> Columns) OneByOne(LoadedModel model, BatchInputPlan plan, InputChunk chunk, int[] rows)
    {
        var predicted = new List<int>();
        var parts = new List<List<OutputColumn>>();
        foreach (var row in rows)
        {
            try
            {
                parts.Add(Call(model, plan, chunk, [row]));
                predicted.Add(row);
            }
            catch (Exception error) when (IsModelError(error))
            {
                chunk.Fail(row, $"the model failed: {error.Message}");
            }
        }

        if (parts.Count == 0)
        {
            return ([], []);
        }

        var columns = parts[0].Select((column, c) =>
        {
            var values = Array.CreateInstance(column.Type.ClrType(), parts.Count);
            for (var p = 0; p < parts.Count; p++)
            {
                values.SetValue(parts[p][c].Values.GetValue(0), p);
            }

            return column with { Values = values };
        }).ToList();
        return ([.. predicted], columns);
    }

    private static List<OutputColumn> Call(LoadedModel model, BatchInputPlan plan, InputChunk chunk, int[] rows)
    {
        if (!plan.IsTensor)
        {
            var frame = new Frame(plan.Fields.Select((f, i) => new Column(f.Name, f.Type, Select(chunk.Fields[i], rows, chunk.RowCount))).ToList());
            return OutputColumns.From(model.Predict(frame));
        }

        var width = plan.Fields.Count;
        Array data = plan.Fields[0].Type switch
        {
            DataType.Float => Interleave<float>(chunk.Fields, rows),
            DataType.Double => Interleave<double>(chunk.Fields, rows),
            DataType.Long => Interleave<long>(chunk.Fields, rows),
            _ => Interleave<int>(chunk.Fields, rows),
        };

        var tensor = new Tensor(plan.TensorName!, plan.TensorDtype!, [rows.Length, width], data);
        return OutputColumns.From(model.Predict([tensor]), rows.Length);
    }

    /// <summary>Row-major [rows, fields] from one array per field.</summary>
    private static T[] Interleave<T>(Array[] fields, int[] rows)
    {
        var width = fields.Length;
        var data = new T[rows.Length * width];
        for (var f = 0; f < width; f++)
        {
            var source = (T[])fields[f];
            for (var r = 0; r < rows.Length; r++)
            {
                data[(r * width) + f] = source[rows[r]];
            }
        }

        return data;
    }

    /// <summary>The chunk's values for <paramref name="rows"/>; the array itself when that is every row.</summary>
    private static Array Select(Array values, int[] rows, int rowCount)
    {
        if (rows.Length == values.Length && rows.Length == rowCount)
        {
            return values;
        }

        var selected = Array.CreateInstance(values.GetType().GetElementType()!, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            Array.Copy(values, rows[r], selected, r, 1);
        }

        return selected;
    }

    private static bool IsModelError(Exception error) => error is not (OperationCanceledException or OutOfMemoryException);
}
