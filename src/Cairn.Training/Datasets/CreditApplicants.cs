namespace Cairn.Training.Datasets;

/// <summary>
/// Seeded synthetic credit-card applicants. Every row draws the same number of random values whatever the bias and
/// drift, so two data sets with one seed differ only by the documented effect of those knobs.
/// </summary>
public static class CreditApplicants
{
    private static readonly string[] HomeOwnership = ["rent", "mortgage", "own"];
    private static readonly double[] HomeOwnershipCumulative = [0.40, 0.85, 1.0];

    public static IEnumerable<CreditApplicant> Generate(CreditApplicantOptions options)
    {
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        return Rows(options);
    }

    private static IEnumerable<CreditApplicant> Rows(CreditApplicantOptions options)
    {
        var random = new Random(options.Seed);
        for (int row = 0; row < options.Rows; row++)
        {
            yield return Next(random, options);
        }
    }

    private static CreditApplicant Next(Random random, CreditApplicantOptions options)
    {
        string gender = random.NextDouble() < 0.5 ? CreditModel.DisadvantagedGroup : CreditModel.AdvantagedGroup;
        int age = (int)Math.Clamp(Math.Round(Normal(random, CreditModel.AgeMean, CreditModel.AgeSd)), CreditModel.AgeMin, CreditModel.AgeMax);
        double incomeMean = CreditModel.IncomeMean - options.Drift * CreditModel.IncomeSd;
        double income = Math.Round(Math.Max(CreditModel.IncomeFloor, Normal(random, incomeMean, CreditModel.IncomeSd)));
        double dtiMean = CreditModel.DebtToIncomeMean + options.Drift * CreditModel.DebtToIncomeSd;
        double debtToIncome = Math.Round(Math.Clamp(Normal(random, dtiMean, CreditModel.DebtToIncomeSd), 0, CreditModel.DebtToIncomeMax), 4);
        double creditHistory = Math.Round((age - CreditModel.AgeMin) * (0.2 + 0.8 * random.NextDouble()), 1);
        int latePayments = Poisson(random, CreditModel.LatePaymentsRate);
        double employment = Math.Round(Math.Min(age - CreditModel.AgeMin, -CreditModel.EmploymentYearsMean * Math.Log(1 - random.NextDouble())), 1);
        double loan = Math.Round(income * (0.05 + 0.55 * random.NextDouble()) / 100) * 100;
        double draw = random.NextDouble();
        string home = HomeOwnership[Array.FindIndex(HomeOwnershipCumulative, c => draw < c)];
        var applicant = new CreditApplicant(age, income, debtToIncome, creditHistory, latePayments, employment, Math.Max(100, loan), home, gender, false);
        return applicant with { Approved = random.NextDouble() < CreditModel.ApprovalProbability(applicant, options.Bias) };
    }

    /// <summary>Box–Muller; always two uniforms per draw, so the stream stays aligned across options.</summary>
    private static double Normal(Random random, double mean, double sd)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Knuth's method; fine for the small rate used here.</summary>
    private static int Poisson(Random random, double rate)
    {
        double limit = Math.Exp(-rate), product = random.NextDouble();
        int count = 0;
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }
}
