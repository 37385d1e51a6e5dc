using Cairn.Client.LoadBalancing;
using Microsoft.Extensions.Primitives;

namespace Cairn.Client.ServiceDiscovery;

/// <summary>
/// Changes once the source's <see cref="EndpointSource.Version"/> moves past the version the endpoints were read at.
/// Callbacks fire from <see cref="EndpointSource.Changed"/>, so service discovery refreshes at once instead of polling.
/// </summary>
internal sealed class EndpointSourceChangeToken : IChangeToken
{
    private readonly EndpointSource _source;
    private readonly long _version;

    public EndpointSourceChangeToken(EndpointSource source, long version)
    {
        _source = source;
        _version = version;
    }

    public bool HasChanged => _source.Version != _version;

    public bool ActiveChangeCallbacks => true;

    public IDisposable RegisterChangeCallback(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new Registration(this, callback, state);
    }

    /// <summary>One callback: invoked at most once, on the first change after registration; disposing unsubscribes.</summary>
    private sealed class Registration : IDisposable
    {
        private readonly EndpointSourceChangeToken _token;
        private readonly Action<object?> _callback;
        private readonly object? _state;
        private int _done;

        public Registration(EndpointSourceChangeToken token, Action<object?> callback, object? state)
        {
            _token = token;
            _callback = callback;
            _state = state;
            token._source.Changed += OnChanged;

            // A change between reading the endpoints and registering would otherwise go unnoticed until the next one.
            if (token.HasChanged)
            {
                OnChanged(token._source, EventArgs.Empty);
            }
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _done, 1);
            _token._source.Changed -= OnChanged;
        }

        private void OnChanged(object? sender, EventArgs e)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                _token._source.Changed -= OnChanged;
                _callback(_state);
            }
        }
    }
}
