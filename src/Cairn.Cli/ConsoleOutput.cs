using Spectre.Console;

namespace Cairn.Cli;

/// <summary>All CLI output goes through here: data to stdout, human messages to stderr.</summary>
internal interface IConsoleOutput
{
    void Data(string text);

    void Info(string text);

    void Error(string text);
}

internal sealed class SpectreConsoleOutput : IConsoleOutput
{
    private readonly IAnsiConsole _stdout = AnsiConsole.Console;
    private readonly IAnsiConsole _stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public void Data(string text) => _stdout.WriteLine(text);

    public void Info(string text) => _stderr.MarkupLine(Markup.Escape(text));

    public void Error(string text) => _stderr.MarkupLine($"[red]{Markup.Escape(text)}[/]");
}
