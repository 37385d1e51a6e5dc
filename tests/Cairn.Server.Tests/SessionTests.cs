using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cairn.Server.Tests;

/// <summary>Exactly-once writes through client sessions (Raft thesis §6.3), against a real server process.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task A_retried_write_is_applied_once_and_answered_with_the_first_result()
    {
        using var cluster = new ProcessCluster(1);
        await cluster.WaitForLeaderAsync();
        using var http = new HttpClient { BaseAddress = cluster.Endpoint(0) };
        var session = (await (await http.PostAsync(new Uri("/v1/session", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session").GetUInt64();

        async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(ulong sequence, string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/v1/kv/once", UriKind.Relative)) { Content = new StringContent(value) };
            request.Headers.Add("Cairn-Session", session.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("Cairn-Sequence", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var first = await PutAsync(1, "a");
        var retry = await PutAsync(1, "a");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body.GetProperty("revision").GetUInt64(), retry.Body.GetProperty("revision").GetUInt64());
        var read = await http.GetFromJsonAsync<JsonElement>(new Uri("/v1/kv/once", UriKind.Relative));
        Assert.Equal(1UL, read.GetProperty("version").GetUInt64());

        var second = await PutAsync(2, "b");
        Assert.True(second.Body.GetProperty("revision").GetUInt64() > first.Body.GetProperty("revision").GetUInt64());
        var stale = await PutAsync(1, "a");
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);

        using var unknown = new HttpRequestMessage(HttpMethod.Put, new Uri("/v1/kv/once", UriKind.Relative)) { Content = new StringContent("x") };
        unknown.Headers.Add("Cairn-Session", "abc");
        using var refused = await http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
