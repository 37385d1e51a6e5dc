using System.Reflection;

namespace Cairn.Architecture.Tests;

/// <summary>
/// The layering of docs/architecture.md, checked on the compiled assemblies: dependencies point one way, and the
/// consensus core depends on nothing but the platform.
/// </summary>
public sealed class LayeringTests
{
    public static TheoryData<string, string[]> AllowedCairnReferences => new()
    {
        { "Cairn.Primitives", [] },
        { "Cairn.Raft", [] },
        { "Cairn.Storage", ["Cairn.Raft", "Cairn.Primitives"] },
        { "Cairn.Transport", ["Cairn.Raft", "Cairn.Primitives"] },
        { "Cairn.Node", ["Cairn.Raft"] },
        { "Cairn.State", [] },
        { "Cairn.Simulation", ["Cairn.Raft", "Cairn.Node", "Cairn.State"] },
        { "Cairn.Api", [] },
        { "Cairn.Server", ["Cairn.Raft", "Cairn.Node", "Cairn.Storage", "Cairn.Transport", "Cairn.State", "Cairn.Api"] },
        { "Cairn.Resilience", [] },
        { "Cairn.Client", ["Cairn.Resilience"] },
        { "Cairn.Resilience.Cluster", ["Cairn.Resilience", "Cairn.Client"] },
        { "Cairn.Client.ServiceDiscovery", ["Cairn.Client"] },
        { "Cairn.Client.Grpc", ["Cairn.Client"] },
    };

    [Theory]
    [MemberData(nameof(AllowedCairnReferences))]
    public void Each_assembly_references_only_the_layers_below_it(string assembly, string[] allowed)
    {
        var references = CairnReferences(assembly);
        Assert.True(references.All(allowed.Contains), $"{assembly} references {string.Join(", ", references)}; allowed: {string.Join(", ", allowed)}");
    }

    [Fact]
    public void The_raft_core_references_nothing_but_the_platform()
    {
        var references = Assembly.Load("Cairn.Raft").GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var foreign = references.Where(name => !name.StartsWith("System", StringComparison.Ordinal) && name != "netstandard").ToArray();
        Assert.True(foreign.Length == 0, $"Cairn.Raft references {string.Join(", ", foreign)}");
    }

    private static string[] CairnReferences(string assembly) =>
        [.. Assembly.Load(assembly).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("Cairn.", StringComparison.Ordinal))];
}
