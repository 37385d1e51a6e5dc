using Cairn.Client.LoadBalancing;
using Grpc.Net.Client.Balancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// Creates resolvers for channel targets of the <c>cairn</c> scheme: <c>cairn:///orders</c> (or <c>cairn://orders</c>)
/// resolves to the endpoint source registered for <c>orders</c>.
/// </summary>
/// <remarks>Register it in the channel's <c>ServiceProvider</c>; <c>AddCairnGrpcEndpointSource</c> does.</remarks>
public sealed class CairnResolverFactory : ResolverFactory
{
    /// <summary>The target URI scheme this factory serves.</summary>
    public const string Scheme = "cairn";

    private readonly Dictionary<string, EndpointSource> _sources;

    /// <summary>Initializes a factory.</summary>
    /// <param name="sources">Service names (matched case-insensitively) and their endpoint sources.</param>
    /// <exception cref="ArgumentException">A name appears twice.</exception>
    public CairnResolverFactory(IEnumerable<KeyValuePair<string, EndpointSource>> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = new Dictionary<string, EndpointSource>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in sources)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (!_sources.TryAdd(name, source))
            {
                throw new ArgumentException($"Service '{name}' has more than one Cairn endpoint source.", nameof(sources));
            }
        }
    }

    /// <inheritdoc/>
    public override string Name => Scheme;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No source is registered for the target's service name.</exception>
    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = ServiceName(options.Address);
        if (!_sources.TryGetValue(name, out var source))
        {
            throw new InvalidOperationException($"No Cairn endpoint source is registered for service '{name}' (target '{options.Address}').");
        }

        return new CairnEndpointResolver(name, source);
    }

    private static string ServiceName(Uri address) =>
        address.Host.Length > 0 ? address.Host : address.AbsolutePath.Trim('/');
}
