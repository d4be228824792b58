using System.Text;
using Cairn.Training.Datasets;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Tests.Support;

/// <summary>The credit CSV as a user would train on it: written to disk, loaded by ML.NET's text loader.</summary>
public static class CreditData
{
    public static IDataView Load(MLContext ml, CreditApplicantOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-credit", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            CreditCsv.Write(CreditApplicants.Generate(options), writer);
        }

        // Materialised so the temporary file can go at once.
        var loader = ml.Data.CreateTextLoader(
        [
            new TextLoader.Column("age", DataKind.Single, 0),
            new TextLoader.Column("income", DataKind.Single, 1),
            new TextLoader.Column("debt_to_income", DataKind.Single, 2),
            new TextLoader.Column("credit_history_years", DataKind.Single, 3),
            new TextLoader.Column("num_late_payments", DataKind.Single, 4),
            new TextLoader.Column("employment_years", DataKind.Single, 5),
            new TextLoader.Column("loan_amount", DataKind.Single, 6),
            new TextLoader.Column("home_ownership", DataKind.String, 7),
            new TextLoader.Column("gender", DataKind.String, 8),
            new TextLoader.Column("approved", DataKind.Boolean, 9),
        ], separatorChar: ',', hasHeader: true);
        var data = ml.Data.Cache(loader.Load(path));
        _ = data.Preview(maxRows: int.MaxValue);
        File.Delete(path);
        return data;
    }

    /// <summary>The numeric feature columns, in file order.</summary>
    public static readonly string[] NumericColumns =
        ["age", "income", "debt_to_income", "credit_history_years", "num_late_payments", "employment_years", "loan_amount"];
}
