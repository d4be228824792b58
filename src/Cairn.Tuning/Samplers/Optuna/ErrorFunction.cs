namespace Cairn.Tuning.Samplers.Optuna;

/// <summary>
/// erf and erfc as the C library computes them (Sun's fdlibm, which glibc's is derived from, so Python's
/// <c>math.erf</c>/<c>math.erfc</c>), and Optuna 3.1's NumPy port of erf, which drops fdlibm's split of x² in the
/// exponent. Optuna's truncated normal uses both; matching each keeps its quantiles to the last bits.
/// </summary>
internal static class ErrorFunction
{
    private const double Erx = 8.45062911510467529297e-01, Efx = 1.28379167095512586316e-01;
    private const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01, Pp2 = -2.84817495755985104766e-02;
    private const double Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    private const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02, Qq3 = 5.08130628187576562776e-03;
    private const double Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;
    private const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01, Pa2 = -3.72207876035701323847e-01;
    private const double Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01, Pa5 = 3.54783043256182359371e-02;
    private const double Pa6 = -2.16637559486879084300e-03;
    private const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01, Qa3 = 7.18286544141962662868e-02;
    private const double Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02, Qa6 = 1.19844998467991074170e-02;
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01, Ra2 = -1.05586262253232909814e01;
    private const double Ra3 = -6.23753324503260060396e01, Ra4 = -1.62396669462573470355e02, Ra5 = -1.84605092906711035994e02;
    private const double Ra6 = -8.12874355063065934246e01, Ra7 = -9.81432934416914548592e00;
    private const double Sa1 = 1.96512716674392571292e01, Sa2 = 1.37657754143519042600e02, Sa3 = 4.34565877475229228821e02;
    private const double Sa4 = 6.45387271733267880336e02, Sa5 = 4.29008140027567833386e02, Sa6 = 1.08635005541779435134e02;
    private const double Sa7 = 6.57024977031928170135e00, Sa8 = -6.04244152148580987438e-02;
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01, Rb2 = -1.77579549177547519889e01;
    private const double Rb3 = -1.60636384855821916062e02, Rb4 = -6.37566443368389627722e02, Rb5 = -1.02509513161107724954e03;
    private const double Rb6 = -4.83519191608651397019e02;
    private const double Sb1 = 3.03380607434824582924e01, Sb2 = 3.25792512996573918826e02, Sb3 = 1.53672958608443695994e03;
    private const double Sb4 = 3.19985821950859553908e03, Sb5 = 2.55305040643316442583e03, Sb6 = 4.74528541206955367215e02;
    private const double Sb7 = -2.24409524465858183362e01;
    private const double Tiny = 3.725290298461914e-09; // 2^-28

    // About 1/0.35: where fdlibm switches tail fits, given as the high word it compares (erf and erfc differ by one).
    private static readonly double ErfTailSplit = BitConverter.Int64BitsToDouble(0x4006DB6E00000000);
    private static readonly double ErfcTailSplit = BitConverter.Int64BitsToDouble(0x4006DB6D00000000);

    /// <summary>The C library's erf.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        var a = Math.Abs(x);
        if (a < 0.84375)
        {
            return a < Tiny ? x + Efx * x : x + x * SmallRatio(x * x);
        }

        if (a < 1.25)
        {
            var p = NearOneRatio(a - 1);
            return x >= 0 ? Erx + p : -Erx - p;
        }

        if (a >= 6)
        {
            return x >= 0 ? 1 : -1;
        }

        var r = TailFactor(a, a < ErfTailSplit, splitSquare: true);
        return x >= 0 ? 1 - r / a : r / a - 1;
    }

    /// <summary>The C library's erfc.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        var a = Math.Abs(x);
        if (a < 0.84375)
        {
            if (a < 1.3877787807814457e-17)
            {
                return 1 - x;
            }

            var y = SmallRatio(x * x);
            return x < 0.25 ? 1 - (x + x * y) : 0.5 - (x * y + (x - 0.5));
        }

        if (a < 1.25)
        {
            var p = NearOneRatio(a - 1);
            return x >= 0 ? 1 - Erx - p : 1 + (Erx + p);
        }

        if (a >= 28)
        {
            return x > 0 ? 0 : 2;
        }

        if (x < 0 && a >= 6)
        {
            return 2;
        }

        var r = TailFactor(a, a < ErfcTailSplit, splitSquare: true) / a;
        return x > 0 ? r : 2 - r;
    }

    /// <summary>Optuna 3.1's vectorised erf (its <c>_erf.erf</c>): fdlibm's erf without the split of x².</summary>
    public static double OptunaErf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        var a = Math.Abs(x);
        if (a < Tiny)
        {
            return x + Efx * x;
        }

        if (a < 0.84375)
        {
            return x + x * SmallRatio(x * x);
        }

        if (a < 1.25)
        {
            return (Erx + NearOneRatio(a - 1)) * Math.Sign(x);
        }

        if (a >= 6)
        {
            return Math.Sign(x);
        }

        return (1 - TailFactor(a, a < 1 / 0.35, splitSquare: false) / a) * Math.Sign(x);
    }

    private static double SmallRatio(double z) =>
        (Pp0 + z * (Pp1 + z * (Pp2 + z * (Pp3 + z * Pp4)))) / (1 + z * (Qq1 + z * (Qq2 + z * (Qq3 + z * (Qq4 + z * Qq5)))));

    private static double NearOneRatio(double s) =>
        (Pa0 + s * (Pa1 + s * (Pa2 + s * (Pa3 + s * (Pa4 + s * (Pa5 + s * Pa6)))))) /
        (1 + s * (Qa1 + s * (Qa2 + s * (Qa3 + s * (Qa4 + s * (Qa5 + s * Qa6))))));

    /// <summary>exp(−x² − 0.5625 + R/S) for 1.25 ≤ x &lt; 28; fdlibm takes x² as z² + (z − x)(z + x) with z = x cut to 32 bits.</summary>
    private static double TailFactor(double x, bool nearer, bool splitSquare)
    {
        var s = 1 / (x * x);
        double r, q;
        if (nearer)
        {
            r = Ra0 + s * (Ra1 + s * (Ra2 + s * (Ra3 + s * (Ra4 + s * (Ra5 + s * (Ra6 + s * Ra7))))));
            q = 1 + s * (Sa1 + s * (Sa2 + s * (Sa3 + s * (Sa4 + s * (Sa5 + s * (Sa6 + s * (Sa7 + s * Sa8)))))));
        }
        else
        {
            r = Rb0 + s * (Rb1 + s * (Rb2 + s * (Rb3 + s * (Rb4 + s * (Rb5 + s * Rb6)))));
            q = 1 + s * (Sb1 + s * (Sb2 + s * (Sb3 + s * (Sb4 + s * (Sb5 + s * (Sb6 + s * Sb7))))));
        }

        if (!splitSquare)
        {
            return Math.Exp(-x * x - 0.5625) * Math.Exp(r / q);
        }

        var z = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(x) & unchecked((long)0xffffffff00000000UL));
        return Math.Exp(-z * z - 0.5625) * Math.Exp((z - x) * (z + x) + r / q);
    }
}
