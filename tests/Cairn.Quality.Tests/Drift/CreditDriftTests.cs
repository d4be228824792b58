using System.Text;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;
using Cairn.Training.Datasets;

namespace Cairn.Quality.Tests.Drift;

/// <summary>
/// The synthetic credit data (seeded) with injected drift: income moves down and debt-to-income up by the drift in
/// standard deviations, and loan_amount (a share of income) follows income. Those are flagged and nothing else; data
/// from the same generator without drift (another seed) flags nothing.
/// </summary>
public sealed class CreditDriftTests
{
    private static readonly string[] Injected = ["debt_to_income", "income", "loan_amount"];

    internal static string WriteCredit(string folder, string name, int rows, int seed, double drift = 0)
    {
        var path = Path.Combine(folder, name);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        CreditCsv.Write(CreditApplicants.Generate(new CreditApplicantOptions { Rows = rows, Seed = seed, Drift = drift }), writer);
        return path;
    }

    private static async Task<DriftReport> CompareAsync(string baselinePath, string currentPath)
    {
        var baseline = await BaselineBuilder.FromFileAsync(baselinePath, "approved", cancellationToken: TestContext.Current.CancellationToken);
        var current = await ColumnarReader.ReadAsync(currentPath, baseline.Kinds(), TestContext.Current.CancellationToken);
        return DriftCalculator.Compare(baseline, current);
    }

    [Fact]
    public async Task LargeSamples_DistanceDefaults_FindTheInjectedDriftAndNothingOnCleanData()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-credit-drift").FullName;
        var train = WriteCredit(folder, "train.csv", 5000, seed: 1);
        var drifted = await CompareAsync(train, WriteCredit(folder, "drifted.csv", 5000, seed: 2, drift: 1));
        var clean = await CompareAsync(train, WriteCredit(folder, "clean.csv", 5000, seed: 3));

        Assert.Equal(9, drifted.Columns.Count);
        Assert.Equal(Injected, drifted.Columns.Where(c => c.Drifted).Select(c => c.Column).Order(StringComparer.Ordinal));
        Assert.All(drifted.Columns.Where(c => c.Type == "numeric" && c.Column != "num_late_payments"), c => Assert.Equal("wasserstein", c.Method));
        Assert.Equal("jensenshannon", drifted.Columns.Single(c => c.Column == "gender").Method);
        Assert.True(drifted.Columns.Single(c => c.Column == "income").Statistic > 0.8);
        // Approval depends on income and debt-to-income: the label drifts too (target drift, not in the share).
        Assert.True(drifted.Label!.Drifted);
        Assert.Equal(3.0 / 9, drifted.Summary.Share, 12);

        Assert.Empty(clean.Columns.Where(c => c.Drifted).Select(c => c.Column));
        Assert.False(clean.Label!.Drifted);
        Assert.False(clean.Summary.DatasetDrift);
        Assert.All(clean.Columns, c => Assert.True(c.Metrics["psi"] < 0.02, $"{c.Column} psi {c.Metrics["psi"]}"));
    }

    [Fact]
    public async Task SmallSamples_PValueDefaults_FlagTheInjectedDrift()
    {
        // n_R ≤ 1000: KS for continuous columns, chi-square for the 3 home-ownership values, Z for gender.
        var folder = Directory.CreateTempSubdirectory("cairn-credit-drift-small").FullName;
        var train = WriteCredit(folder, "train.csv", 800, seed: 11);
        var drifted = await CompareAsync(train, WriteCredit(folder, "drifted.csv", 800, seed: 12, drift: 1));

        Assert.Equal("ks", drifted.Columns.Single(c => c.Column == "income").Method);
        Assert.Equal("chisquare", drifted.Columns.Single(c => c.Column == "home_ownership").Method);
        Assert.Equal("z", drifted.Columns.Single(c => c.Column == "gender").Method);
        Assert.Subset(drifted.Columns.Where(c => c.Drifted).Select(c => c.Column).ToHashSet(), Injected.ToHashSet());
        Assert.All(drifted.Columns.Where(c => Injected.Contains(c.Column)), c => Assert.True(c.PValue < 1e-6, $"{c.Column} p {c.PValue}"));
    }
}
