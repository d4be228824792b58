using System.CommandLine;
using Cairn.Cli;
using Cairn.Cli.Commands;

IConsoleOutput console = new SpectreConsoleOutput();
var root = new RootCommand("Cairn: the MLOps platform (MLflow-compatible tracking, registry and more).");
root.Subcommands.Add(new ServerCommand(console).Build());
root.Subcommands.Add(new ServeCommand(console).Build());
root.Subcommands.Add(new DbCommand(console).Build());
root.Subcommands.Add(new GcCommand(console).Build());
root.Subcommands.Add(new ModelsCommand(console).Build());
root.Subcommands.Add(new DatasetsCommand(console).Build());
root.Subcommands.Add(new TrainCommand(console).Build());
root.Subcommands.Add(new TuneCommand(console).Build());
root.Subcommands.Add(new AutoMlCommand(console).Build());
root.Subcommands.Add(new BaselineCommand(console).Build());
root.Subcommands.Add(new DriftCommand(console).Build());
return await root.Parse(args).InvokeAsync();
