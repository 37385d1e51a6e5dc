using System.CommandLine;
using Cairn.Simulation;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn simulate</c>: the deterministic cluster simulator, as the test suite runs it.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "How many seeds to run, consecutive from --seed.", DefaultValueFactory = _ => 20 };
        var seed = new Option<ulong?>("--seed") { Description = "Run this one seed (with a full event trace), or start --seeds here." };
        var nodes = new Option<int>("--nodes") { Description = "Founding voters: 1, 3, 5 or 7.", DefaultValueFactory = _ => 5 };
        var steps = new Option<int>("--steps") { Description = "Ticks of the fault-injecting safety phase per seed.", DefaultValueFactory = _ => 2_000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (1 to 64).", DefaultValueFactory = _ => 5 };
        var quiet = new Option<bool>("--quiet") { Description = "Print only failing seeds and the summary line." };
        var command = new Command("simulate", "Run seeded clusters (Raft, node runtime and state machine) under faults and check Raft safety, liveness, linearizability, exactly-once writes, lease expiry and watches.")
        {
            seeds, seed, nodes, steps, clients, quiet,
        };
        command.SetAction(parse =>
        {
            var single = parse.GetValue(seed);
            var options = new SimulationOptions
            {
                Seed = single ?? 1,
                Nodes = parse.GetValue(nodes),
                Steps = parse.GetValue(steps),
                Clients = parse.GetValue(clients),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"cairn simulate: {e.Message}");
                return 2;
            }

            var count = single is not null && parse.GetResult(seeds) is null or { Implicit: true } ? 1 : parse.GetValue(seeds);
            if (count < 1)
            {
                Console.Error.WriteLine("cairn simulate: --seeds must be at least 1");
                return 2;
            }

            var summary = SimulationRunner.Run(options, count, Console.Out, Console.Error, parse.GetValue(quiet));
            return summary.Violations == 0 ? 0 : 1;
        });
        return command;
    }
}
