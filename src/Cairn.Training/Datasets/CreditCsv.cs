using System.Globalization;

namespace Cairn.Training.Datasets;

/// <summary>Writes applicants as CSV with a header, in invariant culture and with "\n" line ends on every platform.</summary>
public static class CreditCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "age", "income", "debt_to_income", "credit_history_years", "num_late_payments", "employment_years",
        "loan_amount", "home_ownership", "gender", "approved",
    ];

    public static void Write(IEnumerable<CreditApplicant> applicants, TextWriter writer)
    {
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        foreach (var a in applicants)
        {
            writer.Write(string.Join(
                ',',
                a.Age.ToString(CultureInfo.InvariantCulture),
                a.Income.ToString("0", CultureInfo.InvariantCulture),
                a.DebtToIncome.ToString("0.####", CultureInfo.InvariantCulture),
                a.CreditHistoryYears.ToString("0.#", CultureInfo.InvariantCulture),
                a.NumLatePayments.ToString(CultureInfo.InvariantCulture),
                a.EmploymentYears.ToString("0.#", CultureInfo.InvariantCulture),
                a.LoanAmount.ToString("0", CultureInfo.InvariantCulture),
                a.HomeOwnership,
                a.Gender,
                a.Approved ? "true" : "false"));
            writer.Write('\n');
        }
    }
}
