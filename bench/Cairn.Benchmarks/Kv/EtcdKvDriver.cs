using Cairn.Cli.Bench;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cairn.Benchmarks.Kv;

/// <summary>
/// etcd's v3 KV API through the dotnet-etcd client, for <c>cairn bench kv</c>'s load runner (bench/compare-etcd.sh):
/// <c>Put</c>, and <c>Range</c> of one key, linearizable unless the run asks for stale (etcd's <c>serializable</c>).
/// Client <c>i</c> sends to endpoint <c>i mod count</c>, as the Cairn driver does; etcd followers forward proposals and
/// read-index requests to their leader themselves.
/// </summary>
/// <remarks>
/// One gRPC channel per endpoint (HTTP/2, h2c on loopback), each over a <see cref="SocketsHttpHandler"/> that may open
/// more connections when one is full of streams; no proxy. A missing key on a read is a failure, as Cairn's 404 is.
/// </remarks>
internal sealed class EtcdKvDriver : IKvDriver
{
    private readonly GrpcChannel[] _channels;
    private readonly EtcdClient[] _clients;
    private readonly bool _serializable;

    public EtcdKvDriver(BenchOptions options)
    {
        _serializable = !options.Linearizable;
        _channels = [.. options.Endpoints.Select(endpoint => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            },
            DisposeHttpClient = true,
        }))];
        _clients = [.. _channels.Select(channel => new EtcdClient(channel.CreateCallInvoker()))];
    }

    public string Name => "etcd";

    public async ValueTask<KvOutcome> PutAsync(int client, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var request = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = UnsafeByteOperations.UnsafeWrap(value) };
        try
        {
            await ClientOf(client).PutAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return KvOutcome.Success;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            return KvOutcome.Failed($"gRPC {e.StatusCode}: {e.Status.Detail}");
        }
    }

    public async ValueTask<KvOutcome> GetAsync(int client, string key, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8(key), Serializable = _serializable };
        try
        {
            var response = await ClientOf(client).GetAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Kvs.Count == 1 ? KvOutcome.Success : KvOutcome.Failed("key not found");
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            return KvOutcome.Failed($"gRPC {e.StatusCode}: {e.Status.Detail}");
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private EtcdClient ClientOf(int client) => _clients[client % _clients.Length];
}
