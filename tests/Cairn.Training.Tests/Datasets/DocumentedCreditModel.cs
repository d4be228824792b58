using Cairn.Training.Datasets;

namespace Cairn.Training.Tests.Datasets;

/// <summary>
/// The approval model exactly as docs/datasets/credit.md writes it, typed in again here so that the generator is
/// checked against the document rather than against itself.
/// </summary>
internal static class DocumentedCreditModel
{
    public static double Probability(CreditApplicant a, double bias)
    {
        double z = 0.5
            + 1.0 * (a.Income - 55000) / 15000
            - 1.2 * (a.DebtToIncome - 0.30) / 0.10
            + 0.6 * (a.CreditHistoryYears - 13) / 8
            - 0.7 * a.NumLatePayments
            + 0.3 * (a.EmploymentYears - 5) / 5
            - 0.8 * (a.LoanAmount / a.Income - 0.325) / 0.16
            + (a.HomeOwnership == "own" ? 0.3 : a.HomeOwnership == "mortgage" ? 0.2 : 0)
            - (a.Gender == "female" ? 2.0 * bias : 0);
        return 1 / (1 + Math.Exp(-z));
    }
}
