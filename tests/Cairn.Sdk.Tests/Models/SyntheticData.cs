using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Sdk.Tests.Models;

/// <summary>Seeded rows with a known rule: the label is x1 + 2·x2 − x3 &gt; 0, plus noise; x4 is irrelevant; "segment" is text.</summary>
internal static class SyntheticData
{
    public sealed class Row
    {
        public float X1 { get; set; }

        public float X2 { get; set; }

        public float X3 { get; set; }

        public float X4 { get; set; }

        public string Segment { get; set; } = "";

        public bool Label { get; set; }

        public string Kind { get; set; } = "";
    }

    public static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var row = new Row { X1 = Next(), X2 = Next(), X3 = Next(), X4 = Next(), Segment = random.Next(3) switch { 0 => "a", 1 => "b", _ => "c" } };
            var score = row.X1 + 2 * row.X2 - row.X3 + (Next() * 0.3f);
            row.Label = score > 0;
            row.Kind = score > 0.8 ? "high" : score < -0.8 ? "low" : "mid";
            return row;
        }).ToList();
    }

    public static IDataView Load(MLContext ml, int count, int seed) =>
        ml.Data.LoadFromEnumerable(Rows(count, seed), SchemaDefinition.Create(typeof(Row)));
}
