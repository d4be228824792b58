using Cairn.Server;

var app = CairnApp.Create(args);
await app.StartCairnAsync();
await app.WaitForShutdownAsync();

public partial class Program;
