using Cairn.Models.Data;

namespace Cairn.Serving.Batching;

/// <summary>Tensors merge along their first dimension when names, types and inner dimensions agree; outputs split the same way.</summary>
internal sealed class TensorBatchShape : IBatchShape<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>
{
    public static readonly TensorBatchShape Instance = new();

    public int Rows(IReadOnlyList<Tensor> input) => input.Count == 0 || input[0].Shape.Length == 0 ? 1 : (int)input[0].Shape[0];

    public bool CanMerge(IReadOnlyList<Tensor> first, IReadOnlyList<Tensor> other)
    {
        if (first.Count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < first.Count; i++)
        {
            var (a, b) = (first[i], other[i]);
            if (a.Name != b.Name || a.Dtype != b.Dtype || a.Data.GetType() != b.Data.GetType() || a.Shape.Length == 0
                || a.Shape.Length != b.Shape.Length || !a.Shape.AsSpan(1).SequenceEqual(b.Shape.AsSpan(1)) || a.Shape[0] != Rows(first) || b.Shape[0] != Rows(other))
            {
                return false;
            }
        }

        return true;
    }

    public IReadOnlyList<Tensor> Merge(IReadOnlyList<IReadOnlyList<Tensor>> inputs) =>
        inputs[0].Select((tensor, t) =>
        {
            var total = inputs.Sum(input => input[t].Data.Length);
            var data = Array.CreateInstance(tensor.Data.GetType().GetElementType()!, total);
            var offset = 0;
            foreach (var input in inputs)
            {
                Array.Copy(input[t].Data, 0, data, offset, input[t].Data.Length);
                offset += input[t].Data.Length;
            }

            return new Tensor(tensor.Name, tensor.Dtype, [inputs.Sum(input => input[t].Shape[0]), .. tensor.Shape.AsSpan(1)], data);
        }).ToList();

    public IReadOnlyList<IReadOnlyList<Tensor>>? Split(IReadOnlyList<Tensor> output, IReadOnlyList<int> rows)
    {
        var total = rows.Sum();
        if (output.Any(t => t.Shape.Length == 0 || t.Shape[0] != total))
        {
            return null;
        }

        var parts = new List<IReadOnlyList<Tensor>>(rows.Count);
        var offset = 0;
        foreach (var count in rows)
        {
            var start = offset;
            parts.Add(output.Select(tensor =>
            {
                var inner = total == 0 ? 0 : tensor.Data.Length / total;
                var data = Array.CreateInstance(tensor.Data.GetType().GetElementType()!, count * inner);
                Array.Copy(tensor.Data, start * inner, data, 0, count * inner);
                return new Tensor(tensor.Name, tensor.Dtype, [count, .. tensor.Shape.AsSpan(1)], data);
            }).ToList());
            offset += count;
        }

        return parts;
    }
}
