using System.Net;
using System.Net.Http.Headers;
using Cairn.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cairn.Server.Tests;

/// <summary>The gRPC API of real server processes (proto/cairn/v1/cairn.proto), and the OpenAPI document.</summary>
public sealed class GrpcApiTests : IDisposable
{
    private readonly ProcessCluster _cluster = new(3);
    private readonly List<GrpcChannel> _channels = [];

    [Fact]
    public async Task Keys_transactions_leases_and_watches_work_over_grpc()
    {
        var kv = new KV.KVClient(await LeaderChannelAsync());
        var leases = new Lease.LeaseClient(await LeaderChannelAsync());
        var watch = new Watch.WatchClient(await LeaderChannelAsync());

        var put = await kv.PutAsync(new PutRequest { Key = Bytes("g/a"), Value = Bytes("1") });
        var range = await kv.RangeAsync(new RangeRequest { Key = Bytes("g/"), Prefix = true });
        Assert.Equal("1", Assert.Single(range.Kvs).Value.ToStringUtf8());
        Assert.Equal(put.Revision, range.Kvs[0].ModRevision);

        var swapped = await kv.TxnAsync(new Api.V1.TxnRequest
        {
            Compare = { new Compare { Key = Bytes("g/a"), Target = Compare.Types.Target.Value, Op = Compare.Types.Operator.Equal, Value = Bytes("1") } },
            Success = { new Operation { Put = new PutRequest { Key = Bytes("g/a"), Value = Bytes("2") } } },
            Failure = { new Operation { Get = new RangeRequest { Key = Bytes("g/a") } } },
        });
        Assert.True(swapped.Succeeded);
        var failed = await kv.TxnAsync(new Api.V1.TxnRequest
        {
            Compare = { new Compare { Key = Bytes("g/a"), Target = Compare.Types.Target.Value, Op = Compare.Types.Operator.Equal, Value = Bytes("1") } },
            Failure = { new Operation { Get = new RangeRequest { Key = Bytes("g/a") } } },
        });
        Assert.False(failed.Succeeded);
        Assert.Equal("2", failed.Results[0].Get.Kvs[0].Value.ToStringUtf8());

        using var stream = watch.Watch(new WatchRequest { Key = Bytes("g/"), Prefix = true, FromRevision = put.Revision });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(put.Revision, stream.ResponseStream.Current.Revision);
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("2", stream.ResponseStream.Current.Kv.Value.ToStringUtf8());

        var lease = await leases.GrantAsync(new LeaseGrantRequest { TtlSeconds = 60 });
        await kv.PutAsync(new PutRequest { Key = Bytes("g/leased"), Value = Bytes("x"), Lease = lease.Id });
        var ttl = await leases.TimeToLiveAsync(new LeaseTimeToLiveRequest { Id = lease.Id });
        Assert.Equal("g/leased", Assert.Single(ttl.Keys).ToStringUtf8());
        var revoked = await leases.RevokeAsync(new LeaseRevokeRequest { Id = lease.Id });
        Assert.Equal(1UL, revoked.DeletedKeys);
        Assert.Empty((await kv.RangeAsync(new RangeRequest { Key = Bytes("g/leased") })).Kvs);
    }

    [Fact]
    public async Task Errors_are_typed_a_follower_forwards_writes_and_names_the_leader_for_what_only_it_may_propose()
    {
        var leader = await _cluster.WaitForLeaderAsync();
        var kv = new KV.KVClient(await LeaderChannelAsync());

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => kv.PutAsync(new PutRequest { Key = ByteString.CopyFrom(new byte[2000]), Value = Bytes("v") }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, tooLong.StatusCode);
        Assert.Contains("key", tooLong.Status.Detail, StringComparison.Ordinal);

        var leases = new Lease.LeaseClient(await LeaderChannelAsync());
        var unknown = await Assert.ThrowsAsync<RpcException>(() => leases.KeepAliveAsync(new LeaseKeepAliveRequest { Id = 424242 }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("LeaseNotFound", unknown.Trailers.GetValue("cairn-error-code"));

        for (var i = 0; i < 3; i++)
        {
            await kv.PutAsync(new PutRequest { Key = Bytes("c/k"), Value = Bytes($"{i}") });
        }

        var last = (await kv.RangeAsync(new RangeRequest { Key = Bytes("c/k") })).Kvs[0].ModRevision;
        await kv.CompactAsync(new CompactRequest { Revision = last });
        using var compacted = new Watch.WatchClient(await LeaderChannelAsync()).Watch(new WatchRequest { Key = Bytes("c/k"), FromRevision = 1 });
        var gone = await Assert.ThrowsAsync<RpcException>(() => compacted.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OutOfRange, gone.StatusCode);

        // A follower forwards writes to the leader inside Raft; a lease grant, which only the leader may stamp with its
        // clock, is refused with the leader's address.
        var follower = new KV.KVClient(Channel((leader + 1) % _cluster.Size));
        var forwarded = await follower.PutAsync(new PutRequest { Key = Bytes("f"), Value = Bytes("v") });
        Assert.Equal("v", (await kv.RangeAsync(new RangeRequest { Key = Bytes("f") })).Kvs.Single(k => k.ModRevision == forwarded.Revision).Value.ToStringUtf8());
        var followerLeases = new Lease.LeaseClient(Channel((leader + 1) % _cluster.Size));
        var refused = await Assert.ThrowsAsync<RpcException>(() => followerLeases.GrantAsync(new LeaseGrantRequest { TtlSeconds = 10 }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("not_leader", refused.Trailers.GetValue("cairn-error-code"));
        Assert.Equal(_cluster.Endpoint(leader).ToString(), refused.Trailers.GetValue("cairn-leader-url"));

        // Bytes that are not a protobuf message: a gRPC error, and the node keeps serving.
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var garbage = new ByteArrayContent([0, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var malformed = await http.PostAsync(new Uri(_cluster.GrpcEndpoint(leader), "/cairn.v1.KV/Put"), garbage);
        await malformed.Content.ReadAsByteArrayAsync();
        var status = malformed.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single() : malformed.Headers.GetValues("grpc-status").Single();
        Assert.NotEqual("0", status);
        await kv.PutAsync(new PutRequest { Key = Bytes("still"), Value = Bytes("serving") });
    }

    [Fact]
    public async Task The_node_serves_an_openapi_document_of_the_http_api()
    {
        await _cluster.WaitForLeaderAsync();
        using var http = new HttpClient();
        var document = await http.GetStringAsync(new Uri(_cluster.Endpoint(0), "/openapi/v1.json"));
        Assert.Contains("\"/v1/kv/{key}\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/v1/members\"", document, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _cluster.Dispose();
    }

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    private async Task<GrpcChannel> LeaderChannelAsync() => Channel(await _cluster.WaitForLeaderAsync());

    private GrpcChannel Channel(int index)
    {
        var channel = GrpcChannel.ForAddress(_cluster.GrpcEndpoint(index));
        _channels.Add(channel);
        return channel;
    }
}
