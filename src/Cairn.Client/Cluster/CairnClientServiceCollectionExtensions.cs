using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cairn.Client.Cluster;

/// <summary>Registers <see cref="CairnClient"/> in a service collection.</summary>
public static class CairnClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one shared <see cref="CairnClient"/> (a singleton, disposed with the container) configured by
    /// <paramref name="configure"/>. The options are validated when the client is first resolved
    /// (<see cref="OptionsValidationException"/> naming the setting). Calling it again adds configuration to the same client.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options, at least <see cref="CairnClientOptions.Endpoints"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCairnClient(this IServiceCollection services, Action<CairnClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CairnClientOptions>().Configure(configure);
        return AddClient(services);
    }

    /// <summary>
    /// Registers one shared <see cref="CairnClient"/> configured from the section <see cref="CairnClientOptions.SectionName"/>
    /// (<c>"Cairn"</c>) of <paramref name="configuration"/>, e.g. <c>Cairn:Endpoints:0=http://10.0.0.1:2379</c>,
    /// <c>Cairn:Timeout=00:00:10</c>, <c>Cairn:Retry:MaxAttempts=5</c>; then by <paramref name="configure"/>, if given.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (or any section holding a <c>Cairn</c> section).</param>
    /// <param name="configure">Further settings, applied after the binding (for example a handler or a clock).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCairnClient(this IServiceCollection services, IConfiguration configuration, Action<CairnClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<CairnClientOptions>().Bind(configuration.GetSection(CairnClientOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddClient(services);
    }

    private static IServiceCollection AddClient(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CairnClientOptions>, CairnClientOptionsValidator>());
        services.TryAddSingleton(provider => new CairnClient(provider.GetRequiredService<IOptions<CairnClientOptions>>().Value));
        return services;
    }
}
