using System.Collections.Concurrent;
using System.Text;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Package;
using Cairn.Training.Datasets;
using Cairn.Training.Jobs;
using Microsoft.ML;

namespace Cairn.Quality.Tests.Explain;

/// <summary>
/// Real ML.NET models trained the way <c>cairn train</c> trains them (same spec reader, data typing and pipeline), saved as
/// model packages in temporary folders. Each (data, trainer) pair is trained once per test process.
/// </summary>
internal static class TrainedModels
{
    public const string Boston = "/usr/lib/python3/dist-packages/sklearn/datasets/data/boston_house_prices.csv";

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Cache = new();
    private static readonly Lazy<string> CreditFile = new(() => WriteCredit(3000, 7));
    private static readonly Lazy<string> BiasedCreditFile = new(() => WriteCredit(3000, 7, bias: 1));

    /// <summary>The synthetic credit data (3,000 rows, seed 7, no bias, no drift) as a CSV file.</summary>
    public static string CreditCsvPath => CreditFile.Value;

    public static string WriteCredit(int rows, int seed, double bias = 0)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cairn-explain-data-").FullName, "credit.csv");
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        CreditCsv.Write(CreditApplicants.Generate(new CreditApplicantOptions { Rows = rows, Seed = seed, Bias = bias }), writer);
        return path;
    }

    /// <summary>A binary model of <c>approved</c> on the credit data.</summary>
    /// <param name="biased">Train on the same applicants generated with <c>--bias 1</c> (women's approval log-odds lowered by 2).</param>
    public static Task<string> CreditAsync(string trainer, string hyperparameters, bool biased = false) => GetAsync($"""
        name: credit
        experiment: credit
        task: binary
        data:
          path: {(biased ? BiasedCreditFile.Value : CreditCsvPath)}
          label: approved
          features: [age, income, debt_to_income, credit_history_years, num_late_payments, employment_years, loan_amount,
                     {"{"}name: home_ownership, type: categorical{"}"}, {"{"}name: gender, type: categorical{"}"}]
        split: {"{"}validation_fraction: 0.2, seed: 1{"}"}
        trainer:
          name: {trainer}
          hyperparameters: {hyperparameters}
        """);

    /// <summary>A multiclass model of <c>home_ownership</c> (own, mortgage, rent) on the credit data.</summary>
    public static Task<string> HomeOwnershipAsync(string trainer, string hyperparameters) => GetAsync($"""
        name: home
        experiment: home
        task: multiclass
        data:
          path: {CreditCsvPath}
          label: home_ownership
          features: [age, income, debt_to_income, credit_history_years, num_late_payments, employment_years, loan_amount,
                     {"{"}name: gender, type: categorical{"}"}]
        split: {"{"}validation_fraction: 0.2, seed: 1{"}"}
        trainer:
          name: {trainer}
          hyperparameters: {hyperparameters}
        """);

    /// <summary>A regression model of MEDV on scikit-learn's Boston housing data.</summary>
    public static Task<string> BostonAsync(string trainer, string hyperparameters) => GetAsync($"""
        name: boston
        experiment: boston
        task: regression
        data:
          path: {Boston}
          skip_rows: 1
          label: MEDV
        split: {"{"}validation_fraction: 0.2, seed: 11{"}"}
        trainer:
          name: {trainer}
          hyperparameters: {hyperparameters}
        """);

    public static async Task<(MlNetModel Model, Frame Inputs, Column Label)> LoadAsync(Task<string> directory)
    {
        var folder = await directory;
        var model = (MlNetModel)await ModelPackage.LoadAsync(folder);
        var spec = TrainingSpecReader.ReadFile(Path.Combine(folder, "job.yaml"));
        var (_, table) = await TrainingJob.LoadTableAsync(spec);
        var inputs = new Frame(table.Frame.Columns.Where(c => c.Name != table.Label).ToList());
        return (model, inputs, table.Frame[table.Label]);
    }

    private static Task<string> GetAsync(string yaml) => Cache.GetOrAdd(yaml, y => new Lazy<Task<string>>(() => TrainAsync(y))).Value;

    private static async Task<string> TrainAsync(string yaml)
    {
        var directory = Directory.CreateTempSubdirectory("cairn-explain-model-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "job.yaml"), yaml);
        var spec = TrainingSpecReader.Parse(yaml, directory);
        var (_, table) = await TrainingJob.LoadTableAsync(spec);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(FrameDataView.Create(table.Frame));
        var model = PipelineBuilder.Build(ml, spec, table).Fit(data);
        var example = new Frame(table.Frame.Head(5).Columns.Where(c => c.Name != table.Label).ToList());
        var flavor = MlNetFlavor.Save(model, data.Schema, directory);
        var signature = MlNetFlavor.InferSignature(model, data.Schema, table.Label, example.Columns.Select(c => c.Name).ToList());
        await ModelPackage.CompleteAsync(directory, new Dictionary<string, IReadOnlyDictionary<string, object?>> { [MlNetFlavor.Name] = flavor },
            new ModelPackage.Details(signature), TimeProvider.System, example);
        return directory;
    }
}
