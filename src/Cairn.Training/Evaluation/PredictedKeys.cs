using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Cairn.Training.Evaluation;

/// <summary>
/// Pipelines often end with <c>MapKeyToValue("PredictedLabel")</c> so predictions read as class names; evaluation needs
/// the key back. The label's key values give the mapping, in the label's own key order.
/// </summary>
internal static class PredictedKeys
{
    public static IDataView Restore(MLContext ml, IDataView scored, ScoredColumns columns)
    {
        var predicted = scored.Schema.GetColumnOrNull(columns.PredictedLabel);
        var label = scored.Schema.GetColumnOrNull(columns.Label);
        if (predicted is not { } p || p.Type is KeyDataViewType || label is not { Type: KeyDataViewType } l)
        {
            return scored;
        }

        var keyValues = l.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type as VectorDataViewType;
        if (keyValues?.ItemType.RawType != p.Type.RawType)
        {
            return scored;
        }

        IDataView keyData = p.Type.RawType == typeof(ReadOnlyMemory<char>) ? KeyData<ReadOnlyMemory<char>>(ml, l)
            : p.Type.RawType == typeof(float) ? KeyData<float>(ml, l)
            : p.Type.RawType == typeof(double) ? KeyData<double>(ml, l)
            : p.Type.RawType == typeof(bool) ? KeyData<bool>(ml, l)
            : p.Type.RawType == typeof(int) ? KeyData<int>(ml, l)
            : KeyData<long>(ml, l);
        return ml.Transforms.Conversion.MapValueToKey(columns.PredictedLabel, columns.PredictedLabel,
            keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence, keyData: keyData).Fit(scored).Transform(scored);
    }

    private static IDataView KeyData<T>(MLContext ml, DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.GetKeyValues(ref values);
        return ml.Data.LoadFromEnumerable(values.DenseValues().Select(v => new KeyRow<T> { Value = v }).ToList());
    }

    private sealed class KeyRow<T>
    {
        public T Value { get; set; } = default!;
    }
}
