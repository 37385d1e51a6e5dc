namespace Cairn.Client.Tests.Cluster;

/// <summary>One 3-node cluster shared by the tests of a class that do not stop servers (each uses its own keys).</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    internal InProcessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await InProcessCluster.StartAsync(3);
        await Cluster.WaitForLeaderAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
