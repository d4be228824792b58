using Spectre.Console;

namespace Cairn.Cli;

/// <summary>All CLI output goes through here: data to stdout, human messages to stderr.</summary>
internal interface IConsoleOutput
{
    void Data(string text);

    void Info(string text);

    void Error(string text);

    /// <summary>A human table on stdout.</summary>
    void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows);
}

internal sealed class SpectreConsoleOutput : IConsoleOutput
{
    private readonly IAnsiConsole _stdout = Unwrapped(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), Console.IsOutputRedirected);
    private readonly IAnsiConsole _stderr = Unwrapped(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected);

    /// <summary>Output read by programs must not be wrapped at an imagined terminal width.</summary>
    private static IAnsiConsole Unwrapped(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = int.MaxValue / 2;
        }

        return console;
    }

    public void Data(string text) => _stdout.WriteLine(text);

    public void Info(string text) => _stderr.MarkupLine(Markup.Escape(text));

    public void Error(string text) => _stderr.MarkupLine($"[red]{Markup.Escape(text)}[/]");

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(Markup.Escape(header));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        _stdout.Write(table);
    }
}
