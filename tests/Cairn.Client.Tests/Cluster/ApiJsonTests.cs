using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Client.Cluster;

namespace Cairn.Client.Tests.Cluster;

/// <summary>The wire format: error bodies to typed errors, field names out of messages, paths and the transaction body.</summary>
public sealed class ApiJsonTests
{
    [Theory]
    [InlineData("ttl: required, in seconds, at least 1", "ttl")]
    [InlineData("compare[0].target: must be value, version, createRevision, modRevision or exists", "compare[0].target")]
    [InlineData("Cairn-Sequence: required with Cairn-Session, a number from 1", "Cairn-Sequence")]
    [InlineData("key is 2000 bytes; the limit is 1024", "key")]
    [InlineData("success[1].key is also written by success[0]; a transaction writes each key at most once", "success[1].key")]
    [InlineData("leaseId 424242 is not a live lease", "leaseId")]
    [InlineData("success[0].leaseId 9 is not a live lease", "success[0].leaseId")]
    [InlineData("key not found", null)]
    [InlineData("no answer from the cluster within 5 s", null)]
    [InlineData("the watch hub is disposed", null)]
    public void The_field_is_read_from_the_message(string message, string? field) => Assert.Equal(field, ApiJson.FieldOf(message));

    [Theory]
    [InlineData("not_leader", 503, CairnErrorCode.NotLeader)]
    [InlineData("unavailable", 503, CairnErrorCode.Unavailable)]
    [InlineData("timeout", 504, CairnErrorCode.Timeout)]
    [InlineData("invalid_argument", 400, CairnErrorCode.InvalidArgument)]
    [InlineData("InvalidArgument", 400, CairnErrorCode.InvalidArgument)]
    [InlineData("too_large", 413, CairnErrorCode.TooLarge)]
    [InlineData("TooLarge", 400, CairnErrorCode.TooLarge)]
    [InlineData("LeaseNotFound", 400, CairnErrorCode.LeaseNotFound)]
    [InlineData("RevisionCompacted", 400, CairnErrorCode.RevisionCompacted)]
    [InlineData("not_found", 404, CairnErrorCode.NotFound)]
    [InlineData("SessionExpired", 400, CairnErrorCode.SessionExpired)]
    [InlineData(null, 502, CairnErrorCode.Unavailable)]
    [InlineData(null, 500, CairnErrorCode.Unknown)]
    [InlineData("SomethingNew", 409, CairnErrorCode.Unknown)]
    public void Server_codes_map_to_error_codes(string? serverCode, int status, CairnErrorCode expected) =>
        Assert.Equal(expected, ApiJson.ErrorCode(serverCode, (HttpStatusCode)status));

    [Fact]
    public void A_not_leader_body_yields_the_leaders_name_and_url()
    {
        using var body = JsonDocument.Parse("""{"error": "not leader", "code": "not_leader", "leader": "n2", "leaderUrl": "http://127.0.0.1:7102"}""");
        var error = ApiJson.Error(new Uri("http://127.0.0.1:7101/"), HttpStatusCode.ServiceUnavailable, body.RootElement);
        Assert.Equal((CairnErrorCode.NotLeader, "n2", new Uri("http://127.0.0.1:7102/")), (error.ErrorCode, error.LeaderName, error.LeaderUrl));
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData("a", "v1/kv/a")]
    [InlineData("dir/sub key/x", "v1/kv/dir/sub%20key/x")]
    [InlineData("q?x=1#f", "v1/kv/q%3Fx%3D1%23f")]
    public void Keys_become_paths_that_keep_every_segment(string key, string path)
    {
        Assert.Equal(path, ApiJson.KeyPath(key));
        Assert.Equal("/" + path, new Uri(new Uri("http://h/"), path).AbsolutePath);
    }

    [Theory]
    [InlineData("a/./b")]
    [InlineData("../up")]
    [InlineData("a/..")]
    public void Keys_with_dot_segments_are_refused_because_urls_remove_them(string key) =>
        Assert.Throws<ArgumentException>(() => ApiJson.KeyPath(key));

    [Fact]
    public void A_transaction_is_sent_in_the_servers_json_shape()
    {
        var txn = new CairnTxn()
            .If(TxnCondition.ValueIs("k", CompareOperator.NotEqual, "a"u8), TxnCondition.Missing("m"))
            .Then(TxnOperation.Put("k", "b", leaseId: 5))
            .Else(TxnOperation.Delete("old/", prefix: true), TxnOperation.Get("k"));

        var json = Encoding.UTF8.GetString(ApiJson.TxnBody(txn));

        Assert.Equal(
            """{"compare":[{"key":"k","target":"value","op":"!=","value":"a","number":0},{"key":"m","target":"exists","op":"==","number":0}],"""
            + """ "success":[{"put":{"key":"k","value":"b","lease":5}}],"failure":[{"delete":{"key":"old/","prefix":true}},{"get":{"key":"k","prefix":false}}]}""".TrimStart(),
            json);
    }

    [Fact]
    public void Binary_values_in_a_transaction_must_be_utf8() =>
        Assert.Throws<ArgumentException>(() => TxnOperation.Put("k", new byte[] { 0xff, 0xfe }));
}
