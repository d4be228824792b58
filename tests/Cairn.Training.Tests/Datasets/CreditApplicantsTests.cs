using System.Globalization;
using Cairn.Training.Datasets;

namespace Cairn.Training.Tests.Datasets;

public sealed class CreditApplicantsTests
{
    private static string Csv(CreditApplicantOptions options)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        CreditCsv.Write(CreditApplicants.Generate(options), writer);
        return writer.ToString();
    }

    [Fact]
    public void SameSeed_GivesIdenticalBytes_AndAnotherSeedDoesNot()
    {
        var options = new CreditApplicantOptions { Rows = 500, Seed = 42, Bias = 0.3, Drift = 0.5 };

        Assert.Equal(Csv(options), Csv(options));
        Assert.NotEqual(Csv(options), Csv(options with { Seed = 43 }));
    }

    [Fact]
    public void Csv_HasTheHeaderAndInvariantNumbers()
    {
        var lines = Csv(new CreditApplicantOptions { Rows = 20, Seed = 1 }).Split('\n');

        Assert.Equal("age,income,debt_to_income,credit_history_years,num_late_payments,employment_years,loan_amount,home_ownership,gender,approved", lines[0]);
        Assert.Equal(22, lines.Length);
        Assert.Equal("", lines[^1]);
        foreach (var line in lines[1..^1])
        {
            var fields = line.Split(',');
            Assert.Equal(10, fields.Length);
            Assert.InRange(double.Parse(fields[2], CultureInfo.InvariantCulture), 0, 1.5);
            Assert.Contains(fields[7], new[] { "rent", "mortgage", "own" });
            Assert.Contains(fields[8], new[] { "female", "male" });
            Assert.Contains(fields[9], new[] { "true", "false" });
        }
    }

    [Fact]
    public void Generator_FollowsTheDocumentedApprovalModel()
    {
        var applicants = CreditApplicants.Generate(new CreditApplicantOptions { Rows = 20_000, Seed = 5, Bias = 0.7 }).ToList();

        double expected = applicants.Average(a => DocumentedCreditModel.Probability(a, 0.7));
        double observed = applicants.Average(a => a.Approved ? 1.0 : 0.0);

        Assert.Equal(expected, observed, 0.015);
        Assert.All(applicants.Take(200), a => Assert.Equal(DocumentedCreditModel.Probability(a, 0.7), CreditModel.ApprovalProbability(a, 0.7), 12));
    }

    [Fact]
    public void Bias_OpensTheDocumentedApprovalGapBetweenGenders()
    {
        const double bias = 0.6;
        var applicants = CreditApplicants.Generate(new CreditApplicantOptions { Rows = 20_000, Seed = 11, Bias = bias }).ToList();
        var female = applicants.Where(a => a.Gender == "female").ToList();
        var male = applicants.Where(a => a.Gender == "male").ToList();

        double expectedGap = male.Average(a => DocumentedCreditModel.Probability(a, bias)) - female.Average(a => DocumentedCreditModel.Probability(a, bias));
        double observedGap = male.Average(a => a.Approved ? 1.0 : 0.0) - female.Average(a => a.Approved ? 1.0 : 0.0);

        Assert.True(expectedGap > 0.15, $"the documented model predicts a gap of only {expectedGap:0.000}");
        Assert.Equal(expectedGap, observedGap, 0.025);
    }

    [Fact]
    public void WithoutBias_ApprovalRatesOfTheGendersAgree()
    {
        var applicants = CreditApplicants.Generate(new CreditApplicantOptions { Rows = 20_000, Seed = 11 }).ToList();

        double gap = applicants.Where(a => a.Gender == "male").Average(a => a.Approved ? 1.0 : 0.0)
            - applicants.Where(a => a.Gender == "female").Average(a => a.Approved ? 1.0 : 0.0);

        Assert.InRange(gap, -0.025, 0.025);
    }

    [Fact]
    public void Drift_MovesIncomeDownAndDebtToIncomeUpByTheDocumentedStandardDeviations()
    {
        const double drift = 1.5;
        var baseline = CreditApplicants.Generate(new CreditApplicantOptions { Rows = 20_000, Seed = 3 }).ToList();
        var drifted = CreditApplicants.Generate(new CreditApplicantOptions { Rows = 20_000, Seed = 3, Drift = drift }).ToList();

        // Documented: income SD 15,000 and debt-to-income SD 0.10.
        Assert.Equal(-drift * 15_000, drifted.Average(a => a.Income) - baseline.Average(a => a.Income), 15_000 * 0.05);
        Assert.Equal(drift * 0.10, drifted.Average(a => a.DebtToIncome) - baseline.Average(a => a.DebtToIncome), 0.10 * 0.05);
        Assert.Equal(baseline.Average(a => a.Age), drifted.Average(a => a.Age));
        Assert.True(drifted.Count(a => a.Approved) < baseline.Count(a => a.Approved));
    }

    [Theory]
    [InlineData(0, 0, 0, "rows")]
    [InlineData(10, 2, 0, "bias")]
    [InlineData(10, -0.1, 0, "bias")]
    [InlineData(10, 0, 6, "drift")]
    [InlineData(10, double.NaN, 0, "bias")]
    public void BadOptions_AreRefusedNamingTheOption(int rows, double bias, double drift, string option)
    {
        var error = Assert.Throws<ArgumentException>(() => CreditApplicants.Generate(new CreditApplicantOptions { Rows = rows, Bias = bias, Drift = drift }));
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }
}
