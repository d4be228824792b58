namespace Cairn.Training.Datasets;

/// <summary>
/// The documented data-generating model of the credit data set (docs/datasets/credit.md): feature distributions
/// and the logistic model of approval. Change a number here and the document must change with it.
/// </summary>
public static class CreditModel
{
    public const double IncomeMean = 55_000, IncomeSd = 15_000, IncomeFloor = 10_000;
    public const double DebtToIncomeMean = 0.30, DebtToIncomeSd = 0.10, DebtToIncomeMax = 1.5;
    public const double AgeMean = 40, AgeSd = 12;
    public const int AgeMin = 18, AgeMax = 80;
    public const double LatePaymentsRate = 0.8, EmploymentYearsMean = 6;

    public const double Intercept = 0.5;
    public const double IncomeWeight = 1.0;
    public const double DebtToIncomeWeight = -1.2;
    public const double CreditHistoryWeight = 0.6, CreditHistoryCenter = 13, CreditHistoryScale = 8;
    public const double LatePaymentWeight = -0.7;
    public const double EmploymentWeight = 0.3, EmploymentCenter = 5, EmploymentScale = 5;
    public const double LoanToIncomeWeight = -0.8, LoanToIncomeCenter = 0.325, LoanToIncomeScale = 0.16;
    public const double OwnWeight = 0.3, MortgageWeight = 0.2;

    /// <summary>At bias 1 the disadvantaged group's approval log-odds are this much lower.</summary>
    public const double BiasLogOdds = 2.0;
    public const string DisadvantagedGroup = "female";
    public const string AdvantagedGroup = "male";

    /// <summary>Approval log-odds of an applicant's features (the Approved field is ignored).</summary>
    public static double LogOdds(CreditApplicant a, double bias)
    {
        double z = Intercept
            + IncomeWeight * (a.Income - IncomeMean) / IncomeSd
            + DebtToIncomeWeight * (a.DebtToIncome - DebtToIncomeMean) / DebtToIncomeSd
            + CreditHistoryWeight * (a.CreditHistoryYears - CreditHistoryCenter) / CreditHistoryScale
            + LatePaymentWeight * a.NumLatePayments
            + EmploymentWeight * (a.EmploymentYears - EmploymentCenter) / EmploymentScale
            + LoanToIncomeWeight * (a.LoanAmount / a.Income - LoanToIncomeCenter) / LoanToIncomeScale
            + a.HomeOwnership switch { "own" => OwnWeight, "mortgage" => MortgageWeight, _ => 0 };
        return a.Gender == DisadvantagedGroup ? z - BiasLogOdds * bias : z;
    }

    public static double ApprovalProbability(CreditApplicant applicant, double bias) => 1 / (1 + Math.Exp(-LogOdds(applicant, bias)));
}
