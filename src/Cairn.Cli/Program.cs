using System.CommandLine;
using Cairn.Cli;
using Cairn.Cli.Commands;

var endpoints = new Option<string?>("--endpoints")
{
    Description = $"Comma-separated client URLs (default: $CAIRN_ENDPOINTS, else the local cluster {ClusterClient.LocalEndpoints}).",
    Recursive = true,
};
var output = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => "table", Recursive = true };
output.AcceptOnlyFromAmong("table", "json");

var root = new RootCommand("Cairn: a Raft-replicated coordination and messaging platform for .NET.")
{
    endpoints,
    output,
    UpCommand.Create(),
    ServerCommand.Create(),
    KvCommand.Create(endpoints, output),
    LeaseCommand.Create(endpoints, output),
    LeaderCommand.Create(endpoints, output),
    MemberCommand.Create(endpoints, output),
    StatusCommand.Create(endpoints, output),
    BenchCommand.Create(endpoints, output),
    SimulateCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
