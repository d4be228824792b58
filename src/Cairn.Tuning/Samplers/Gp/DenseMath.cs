using System.Runtime.Intrinsics;

namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// The inner loops of the GP's linear algebra over contiguous rows. Four lanes of 256-bit vectors with separate
/// multiplies and adds (no fused multiply-add) and a fixed order of the final sums, so results are bit-identical on
/// every machine, with or without vector hardware: samplers must stay deterministic given seed and history.
/// </summary>
internal static class DenseMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        var sum = 0.0;
        if (n >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                acc0 += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
                acc1 += Vector256.Create(a.Slice(i + 4, 4)) * Vector256.Create(b.Slice(i + 4, 4));
            }

            var acc = acc0 + acc1;
            sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y −= c·x.</summary>
    public static void SubtractScaled(Span<double> y, double c, ReadOnlySpan<double> x)
    {
        var n = y.Length;
        var i = 0;
        var scale = Vector256.Create(c);
        for (; i + 4 <= n; i += 4)
        {
            (Vector256.Create((ReadOnlySpan<double>)y.Slice(i, 4)) - scale * Vector256.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4));
        }

        for (; i < n; i++)
        {
            y[i] -= c * x[i];
        }
    }
}
