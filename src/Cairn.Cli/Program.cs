using System.CommandLine;
using Cairn.Cli.Commands;

var root = new RootCommand("Cairn: a Raft-replicated coordination and messaging platform for .NET.")
{
    SimulateCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
