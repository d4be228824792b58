using Cairn.Models.Data;

namespace Cairn.Quality.Explain;

/// <summary>Row selection and row mixing on frames, keeping every column's own type.</summary>
internal static class FrameRows
{
    public static Frame Slice(Frame frame, int start, int count) =>
        Select(frame, Enumerable.Range(start, count).ToArray());

    public static Frame Select(Frame frame, IReadOnlyList<int> rows) =>
        new(frame.Columns.Select(c =>
        {
            var values = Array.CreateInstance(c.Values.GetType().GetElementType()!, rows.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                values.SetValue(c.Values.GetValue(rows[i]), i);
            }

            return new Column(c.Name, c.Type, values, c.IsArray);
        }).ToList());

    /// <summary>Only the named columns, in that order.</summary>
    public static Frame Columns(Frame frame, IReadOnlyList<string> names) => new(names.Select(n => frame[n]).ToList());

    /// <summary>
    /// For each coalition mask, one block of background-size rows: column j takes row <paramref name="row"/>'s value
    /// where <c>take[j]</c> is true for the mask, else the background row's value.
    /// </summary>
    public static Frame Coalitions(Frame data, int row, Frame background, IReadOnlyList<bool[]> masks, int[] featureOfMask)
    {
        int b = background.RowCount, n = masks.Count * b;
        var columns = new List<Column>(data.Columns.Count);
        for (int j = 0; j < data.Columns.Count; j++)
        {
            var source = data.Columns[j];
            var back = background.Columns[j];
            var values = Array.CreateInstance(source.Values.GetType().GetElementType()!, n);
            var own = source.Values.GetValue(row);
            int maskIndex = Array.IndexOf(featureOfMask, j);
            for (int m = 0; m < masks.Count; m++)
            {
                bool fromRow = maskIndex < 0 || masks[m][maskIndex];
                for (int k = 0; k < b; k++)
                {
                    values.SetValue(fromRow ? own : back.Values.GetValue(k), m * b + k);
                }
            }

            columns.Add(new Column(source.Name, source.Type, values, source.IsArray));
        }

        return new Frame(columns);
    }

    /// <summary>The rows with one column set to <paramref name="value"/> in every row.</summary>
    public static Frame WithValue(Frame rows, string column, object value) =>
        new(rows.Columns.Select(c =>
        {
            if (c.Name != column)
            {
                return c;
            }

            var values = Array.CreateInstance(c.Values.GetType().GetElementType()!, rows.RowCount);
            var converted = c.Type switch
            {
                DataType.String => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                _ => Convert.ChangeType(value, c.Type.ClrType(), System.Globalization.CultureInfo.InvariantCulture),
            };
            for (int i = 0; i < rows.RowCount; i++)
            {
                values.SetValue(converted, i);
            }

            return new Column(c.Name, c.Type, values, c.IsArray);
        }).ToList());

    /// <summary>A cell as a double for plots (NaN for text or missing).</summary>
    public static double Number(Column column, int row) => column.Values.GetValue(row) switch
    {
        float f => f,
        double d => d,
        int i => i,
        long l => l,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };
}
