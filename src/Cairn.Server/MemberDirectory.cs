using System.Net;
using System.Net.Http.Json;
using Cairn.Node;
using Cairn.Raft;
using Cairn.State.Cluster;
using Cairn.Transport;
using Microsoft.Extensions.Logging;

namespace Cairn.Server;

/// <summary>
/// Where every member is: the replicated member registry, filled in from <c>--initial-cluster</c> for members that have
/// not published yet, and filtered by Raft's configuration (removed members drop out). It keeps the peer transport's
/// connections in line with it, and publishes this member's own addresses until the registry holds them, so any node
/// can tell a client where the leader is. Lookups are lock-free and thread-safe.
/// </summary>
internal sealed partial class MemberDirectory : IAsyncDisposable
{
    private static readonly TimeSpan _refreshInterval = TimeSpan.FromSeconds(1);

    private readonly NodeHost _node;
    private readonly ReplicatedStateMachine _machine;
    private readonly PeerTransport _transport;
    private readonly IReadOnlyList<ClusterMember> _initial;
    private MemberRecord _self;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile IReadOnlyList<MemberRecord> _members;
    private Task? _running;

    public MemberDirectory(NodeHost node, ReplicatedStateMachine machine, PeerTransport transport, IReadOnlyList<ClusterMember> initial,
        ClusterMember self, HttpClient http, ILogger logger)
    {
        (_node, _machine, _transport, _initial, _http, _logger) = (node, machine, transport, initial, http, logger);
        _self = new MemberRecord(self.Id, self.Name, self.PeerUrl.ToString(), "");
        _members = [.. initial.Select(m => new MemberRecord(m.Id, m.Name, m.PeerUrl.ToString(), ""))];
        machine.MembersChanged += Signal;
        node.MembershipApplied += _ => Signal();
    }

    /// <summary>The members known now, in id order.</summary>
    public IReadOnlyList<MemberRecord> Members => _members;

    public MemberRecord? Find(NodeId id) => _members.FirstOrDefault(m => m.Id == id.Value);

    public MemberRecord? Find(string name) => _members.FirstOrDefault(m => m.Name == name);

    /// <summary>The client URL of <paramref name="id"/>, or null when unknown.</summary>
    public Uri? ClientUrlOf(NodeId id) =>
        Find(id) is { ClientUrl.Length: > 0 } member && Uri.TryCreate(member.ClientUrl, UriKind.Absolute, out var url) ? url : null;

    /// <summary>Starts keeping the directory and the transport current, and publishing this member at <paramref name="clientUrl"/>.</summary>
    public void Start(Uri clientUrl)
    {
        _self = _self with { ClientUrl = clientUrl.ToString() };
        _running = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        _machine.MembersChanged -= Signal;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _changed.Dispose();
    }

    // Runs on the node's event loop: only wakes the refresher.
    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var published = await RefreshAsync(_stopping.Token).ConfigureAwait(false);
                if (!published)
                {
                    await PublishSelfAsync(_stopping.Token).ConfigureAwait(false);
                }

                await _changed.WaitAsync(_refreshInterval, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>Rebuilds the directory and the transport's peers; true when the registry already holds this member as it is.</summary>
    private async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var registry = await _node.Query(_ => _machine.Machine.Cluster.Members, cancellationToken).ConfigureAwait(false);
        var membership = (await _node.GetStatusAsync(cancellationToken).ConfigureAwait(false)).Membership;
        var known = registry.ToDictionary(m => m.Id);
        foreach (var member in _initial)
        {
            known.TryAdd(member.Id, new MemberRecord(member.Id, member.Name, member.PeerUrl.ToString(), ""));
        }

        known[_self.Id] = known.TryGetValue(_self.Id, out var recorded) && recorded == _self ? recorded : _self;
        var members = known.Values.Where(m => m.Id == _self.Id || membership.Contains(new NodeId(m.Id)) || membership.Voters.Count == 0)
            .OrderBy(m => m.Id).ToArray();
        _members = members;

        foreach (var member in members.Where(m => m.Id != _self.Id && m.PeerUrl.Length > 0))
        {
            if (Uri.TryCreate(member.PeerUrl, UriKind.Absolute, out var url))
            {
                _transport.AddPeer(new NodeId(member.Id), new IPEndPoint(CairnServer.ResolveHost(url.Host), url.Port));
            }
        }

        foreach (var removed in membership.Voters.Count == 0 ? [] : known.Keys.Where(id => id != _self.Id && members.All(m => m.Id != id)))
        {
            _transport.RemovePeer(new NodeId(removed));
        }

        return registry.Contains(_self);
    }

    /// <summary>Commits this member's addresses through its own client API, which proposes or relays to the leader.</summary>
    private async Task PublishSelfAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.PutAsJsonAsync(
                new Uri(new Uri(_self.ClientUrl), $"/v1/members/{Uri.EscapeDataString(_self.Name)}"),
                new MemberUpdateRequest(_self.PeerUrl, _self.ClientUrl), cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                LogPublished(_self.Name, _self.ClientUrl);
            }
        }
        catch (HttpRequestException)
        {
            // No leader yet, or it is unreachable: the next refresh tries again.
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The request timed out: the next refresh tries again.
        }
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "published member {Name} with client URL {ClientUrl}")]
    private partial void LogPublished(string name, string clientUrl);
}
