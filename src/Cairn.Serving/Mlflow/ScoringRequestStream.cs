using System.Runtime.CompilerServices;
using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Serving.Data;
using Cairn.Serving.Models;

namespace Cairn.Serving.Mlflow;

/// <summary>
/// The fast path for JSON scoring requests: one pass of a <see cref="Utf8JsonReader"/> from the body straight into
/// typed arrays. It takes the common numeric shapes (a tensor model's single input as <c>inputs</c> or
/// <c>instances</c>; a column model's numeric columns as <c>dataframe_split</c>, or as rows in <c>inputs</c> or
/// <c>instances</c>) and returns null for everything else, which then goes through <see cref="ScoringRequestReader"/>
/// and the binders, the one place that words errors.
/// </summary>
internal static class ScoringRequestStream
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    public static Tensor? TryReadTensor(ReadOnlySpan<byte> body, ServedModel model)
    {
        if (model.Interface.IsColumnBased || model.Interface.Inputs.Count != 1)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body, Options);
            if (!OnlyKey(ref reader, out var key) || key == "dataframe_split")
            {
                return null;
            }

            var meta = model.Interface.Inputs[0];
            using var leaves = LeafBuilder.ForTensor(meta.Type, body.Length / 2);
            var shape = new List<long>(2);
            if (leaves is null || !JsonLeaves.TryRead(ref reader, leaves, shape) || !AtEnd(ref reader))
            {
                return null;
            }

            long[] dims = [.. shape];
            TensorBinder.CheckShape(meta, dims);
            return new Tensor(meta.Name, meta.Type.NumpyName(), dims, leaves.ToArray());
        }
        catch (Exception error) when (error is JsonException or InputException or InvalidOperationException)
        {
            return null;
        }
    }

    public static Frame? TryReadFrame(ReadOnlySpan<byte> body, ServedModel model)
    {
        if (ColumnPlans.GetValue(model, ColumnPlan.Of) is not { } plan)
        {
            return null;
        }

        var specs = plan.Specs;
        var builders = new LeafBuilder?[specs.Length];
        try
        {
            var reader = new Utf8JsonReader(body, Options);
            if (!OnlyKey(ref reader, out var key))
            {
                return null;
            }

            // Column position in the payload → index into specs.
            var order = key == "dataframe_split" ? ReadSplitColumns(ref reader, specs) : plan.InOrder;
            if (order is null || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var rows = plan.GuessRows(body.Length);
            for (var c = 0; c < specs.Length; c++)
            {
                builders[c] = LeafBuilder.ForColumn(specs[c].Type!.Value, rows);
            }

            if (!ReadRows(ref reader, order, builders!) || !(key == "dataframe_split" ? EndOfSplit(ref reader) : AtEnd(ref reader)))
            {
                return null;
            }

            var columns = new Column[specs.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = new Column(specs[c].Name!, specs[c].Type!.Value, builders[c]!.ToArray());
            }

            return new Frame(columns);
        }
        catch (Exception error) when (error is JsonException or InputException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
        finally
        {
            foreach (var builder in builders)
            {
                builder?.Dispose();
            }
        }
    }

    private static readonly ConditionalWeakTable<ServedModel, ColumnPlan?> ColumnPlans = new();

    /// <summary>What the column path needs from a model's signature, worked out once per model rather than per request.</summary>
    private sealed class ColumnPlan
    {
        private ColumnPlan(ColumnSpec[] specs)
        {
            Specs = specs;
            InOrder = [.. Enumerable.Range(0, specs.Length)];
        }

        public ColumnSpec[] Specs { get; }

        /// <summary>Rows (<c>inputs</c>, <c>instances</c>) carry the columns in signature order.</summary>
        public int[] InOrder { get; }

        /// <summary>Null when the model takes something other than named scalar columns the fast path reads.</summary>
        public static ColumnPlan? Of(ServedModel model)
        {
            var specs = model.Model.Signature.Inputs.Columns;
            return !model.Interface.IsColumnBased || specs.Count == 0
                || specs.Any(s => s.Name is null || s.Type is null || s.IsArray || !LeafBuilder.ReadsColumn(s.Type.Value))
                ? null
                : new ColumnPlan([.. specs]);
        }

        /// <summary>
        /// Rows to size the column arrays for: one for a body that holds about a row (the common single-row call,
        /// whose arrays are then used without a copy), else an estimate from about eight bytes per value.
        /// </summary>
        public int GuessRows(int bodyLength) => bodyLength <= 64 * Specs.Length ? 1 : bodyLength / (8 * Specs.Length);
    }

    /// <summary>The body is an object whose first key is a format key; the reader is left on that key's value.</summary>
    private static bool OnlyKey(ref Utf8JsonReader reader, out string? key)
    {
        key = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }

        key = reader.GetString();
        return key is "inputs" or "instances" or "dataframe_split" && reader.Read();
    }

    /// <summary>After the value: the object ends and nothing follows (another key means the document path decides).</summary>
    private static bool AtEnd(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.EndObject && !reader.Read();

    /// <summary>
    /// dataframe_split's "columns" (before "data"), each naming a distinct signature column, every column present;
    /// leaves the reader on the "data" array.
    /// </summary>
    private static int[]? ReadSplitColumns(ref Utf8JsonReader reader, ColumnSpec[] specs)
    {
        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName
            || !reader.ValueTextEquals("columns"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var order = new List<int>(specs.Length);
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            var name = reader.GetString();
            var index = -1;
            for (var s = 0; s < specs.Length; s++)
            {
                index = specs[s].Name == name ? s : index;
            }

            if (index < 0 || order.Contains(index))
            {
                return null;
            }

            order.Add(index);
        }

        if (reader.TokenType != JsonTokenType.EndArray || order.Count != specs.Length
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("data"u8) || !reader.Read())
        {
            return null;
        }

        return [.. order];
    }

    /// <summary>A list of rows, each a list with one value per column; value i goes to column order[i].</summary>
    private static bool ReadRows(ref Utf8JsonReader reader, int[] order, LeafBuilder[] builders)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            for (var i = 0; i < order.Length; i++)
            {
                if (!reader.Read() || reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject or JsonTokenType.EndArray
                    || !builders[order[i]].TryAdd(ref reader))
                {
                    return false;
                }
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndArray && builders[0].Count > 0;
    }

    /// <summary>dataframe_split may carry "index" after "data" (pandas writes it); it is ignored, as the document path does.</summary>
    private static bool EndOfSplit(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("index"u8))
            {
                return false;
            }

            reader.Read();
            reader.Skip();
        }

        return reader.TokenType == JsonTokenType.EndObject && AtEnd(ref reader);
    }
}
