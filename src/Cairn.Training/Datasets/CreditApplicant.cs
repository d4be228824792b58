namespace Cairn.Training.Datasets;

/// <summary>One synthetic credit-card applicant; <see cref="Approved"/> is the label.</summary>
public sealed record CreditApplicant(
    int Age,
    double Income,
    double DebtToIncome,
    double CreditHistoryYears,
    int NumLatePayments,
    double EmploymentYears,
    double LoanAmount,
    string HomeOwnership,
    string Gender,
    bool Approved);
