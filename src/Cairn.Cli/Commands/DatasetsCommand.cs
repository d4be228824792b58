using System.CommandLine;
using System.Globalization;
using System.Text;
using Cairn.Training.Datasets;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn datasets synth credit</c>: seeded synthetic data sets with documented ground truth.</summary>
internal sealed class DatasetsCommand(IConsoleOutput console)
{
    private readonly Option<int> _rows = new("--rows") { Description = $"Number of applicants (1 to {CreditApplicantOptions.MaxRows}).", Required = true };
    private readonly Option<int> _seed = new("--seed") { Description = "Random seed; the same seed and options give the same bytes.", Required = true };
    private readonly Option<double> _bias = new("--bias") { Description = "0 to 1: lowers the approval log-odds of one gender by 2 × bias (see docs/datasets/credit.md)." };
    private readonly Option<double> _drift = new("--drift") { Description = "-5 to 5: moves income down and debt-to-income up by this many standard deviations." };
    private readonly Option<string> _output = new("--output", "-o") { Description = "CSV file to write (default: stdout)." };

    public Command Build()
    {
        var credit = new Command("credit", "Synthetic credit-card applicants with an 'approved' label.") { _rows, _seed, _bias, _drift, _output };
        credit.SetAction(ExecuteAsync);
        var synth = new Command("synth", "Generate a synthetic data set.");
        synth.Subcommands.Add(credit);
        var datasets = new Command("datasets", "Work with data sets.");
        datasets.Subcommands.Add(synth);
        return datasets;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var options = new CreditApplicantOptions
        {
            Rows = result.GetValue(_rows),
            Seed = result.GetValue(_seed),
            Bias = result.GetValue(_bias),
            Drift = result.GetValue(_drift),
        };

        // The options know their limits; prefix the flag so the message points at what to change.
        if (options.Problem() is { } problem)
        {
            console.Error($"--{problem}");
            return ExitCodes.InvalidConfiguration;
        }

        var applicants = CreditApplicants.Generate(options);
        var path = result.GetValue(_output);
        if (string.IsNullOrEmpty(path))
        {
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            CreditCsv.Write(applicants, text);
            console.Data(text.ToString().TrimEnd('\n'));
            return ExitCodes.Success;
        }

        try
        {
            await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
            {
                CreditCsv.Write(applicants, writer);
                await writer.FlushAsync(cancellationToken);
            }

            console.Info($"Wrote {options.Rows} applicants to {path}.");
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            console.Error($"--output: cannot write {path}: {exception.Message}");
            return ExitCodes.Failure;
        }
    }
}
