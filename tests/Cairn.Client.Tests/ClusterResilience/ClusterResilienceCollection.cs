using Cairn.Client.Tests.Cluster;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>
/// One real 3-node cluster for the cluster-aware strategies' tests, which run one at a time so that their timing
/// bounds (a shared circuit opens within a second) do not compete with each other for the machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterResilienceCollection : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "ClusterResilience";
}
