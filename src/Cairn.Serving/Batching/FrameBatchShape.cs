using Cairn.Models.Data;

namespace Cairn.Serving.Batching;

/// <summary>Frames merge by stacking rows of identical column sets; outputs split by row ranges.</summary>
internal sealed class FrameBatchShape : IBatchShape<Frame, Frame>
{
    public static readonly FrameBatchShape Instance = new();

    public int Rows(Frame input) => input.RowCount;

    public bool CanMerge(Frame first, Frame other)
    {
        if (first.Columns.Count != other.Columns.Count)
        {
            return false;
        }

        for (var i = 0; i < first.Columns.Count; i++)
        {
            var (a, b) = (first.Columns[i], other.Columns[i]);
            if (a.Name != b.Name || a.Type != b.Type || a.IsArray != b.IsArray || a.Values.GetType() != b.Values.GetType())
            {
                return false;
            }
        }

        return true;
    }

    public Frame Merge(IReadOnlyList<Frame> inputs)
    {
        var total = inputs.Sum(f => f.RowCount);
        return new Frame(inputs[0].Columns.Select((column, c) =>
        {
            var values = Array.CreateInstance(column.Values.GetType().GetElementType()!, total);
            var offset = 0;
            foreach (var frame in inputs)
            {
                Array.Copy(frame.Columns[c].Values, 0, values, offset, frame.RowCount);
                offset += frame.RowCount;
            }

            return new Column(column.Name, column.Type, values, column.IsArray);
        }).ToList());
    }

    public IReadOnlyList<Frame>? Split(Frame output, IReadOnlyList<int> rows)
    {
        if (output.RowCount != rows.Sum())
        {
            return null;
        }

        var parts = new List<Frame>(rows.Count);
        var offset = 0;
        foreach (var count in rows)
        {
            parts.Add(new Frame(output.Columns.Select(column =>
            {
                var values = Array.CreateInstance(column.Values.GetType().GetElementType()!, count);
                Array.Copy(column.Values, offset, values, 0, count);
                return new Column(column.Name, column.Type, values, column.IsArray);
            }).ToList()));
            offset += count;
        }

        return parts;
    }
}
