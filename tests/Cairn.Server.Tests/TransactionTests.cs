using System.Net;
using System.Text;

namespace Cairn.Server.Tests;

/// <summary>Compare-and-swap transactions over the HTTP API, against a real server process.</summary>
public sealed class TransactionTests
{
    private const string SwapAToB = """
        {"compare": [{"key": "cas", "target": "value", "op": "==", "value": "a"}],
         "success": [{"put": {"key": "cas", "value": "b"}}, {"get": {"key": "cas"}}],
         "failure": [{"get": {"key": "cas"}}]}
        """;

    [Fact]
    public async Task Compare_and_swap_succeeds_once_then_fails_and_bad_transactions_name_the_field()
    {
        using var cluster = new ProcessCluster(1);
        await cluster.WaitForLeaderAsync();
        await cluster.Client.SendAsync(HttpMethod.Put, "/v1/kv/cas", Encoding.UTF8.GetBytes("a"), CancellationToken.None);

        var (first, firstBody) = await TxnAsync(cluster, SwapAToB);
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.True(firstBody.GetProperty("succeeded").GetBoolean());
        var read = firstBody.GetProperty("responses")[1].GetProperty("get").GetProperty("kvs")[0].GetProperty("value").GetString();
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("b")), read);

        var (second, secondBody) = await TxnAsync(cluster, SwapAToB);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.False(secondBody.GetProperty("succeeded").GetBoolean());

        var (badTarget, badTargetBody) = await TxnAsync(cluster, """{"compare": [{"key": "cas", "target": "colour", "op": "=="}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, badTarget);
        Assert.Contains("compare[0].target", badTargetBody.GetProperty("error").GetString(), StringComparison.Ordinal);

        var (malformed, _) = await TxnAsync(cluster, "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
    }

    private static Task<(HttpStatusCode, System.Text.Json.JsonElement)> TxnAsync(ProcessCluster cluster, string json) =>
        cluster.Client.SendAsync(HttpMethod.Post, "/v1/kv/txn", Encoding.UTF8.GetBytes(json), CancellationToken.None, "application/json");
}
