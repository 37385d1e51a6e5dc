using Cairn.Client.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cairn.Client.Tests.Cluster;

/// <summary><c>services.AddCairnClient(...)</c>: one shared client, from code or from the "Cairn" configuration section.</summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task The_client_is_one_singleton_bound_from_the_cairn_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cairn:Endpoints:0"] = "http://10.0.0.1:2379",
            ["Cairn:Endpoints:1"] = "http://10.0.0.2:2379",
            ["Cairn:Timeout"] = "00:00:03",
            ["Cairn:Retry:MaxAttempts"] = "3",
        }).Build();
        var services = new ServiceCollection().AddCairnClient(configuration, o => o.MaxConcurrentWrites = 8);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<CairnClient>();
        var options = provider.GetRequiredService<IOptions<CairnClientOptions>>().Value;

        Assert.Same(client, provider.GetRequiredService<CairnClient>());
        Assert.Equal([new Uri("http://10.0.0.1:2379/"), new Uri("http://10.0.0.2:2379/")], client.Endpoints);
        Assert.Equal((TimeSpan.FromSeconds(3), 3, 8), (options.Timeout, options.Retry.MaxAttempts, options.MaxConcurrentWrites));
    }

    [Fact]
    public void Invalid_settings_fail_when_the_client_is_resolved_naming_the_setting()
    {
        using var provider = new ServiceCollection().AddCairnClient(o => o.Timeout = TimeSpan.Zero).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<CairnClient>());

        Assert.Contains("Endpoints", error.Message, StringComparison.Ordinal);
    }
}
