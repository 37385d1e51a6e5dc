using System.Text;
using Cairn.State.Kv;

namespace Cairn.State.Tests;

/// <summary>A state machine with an automatic log index and string helpers.</summary>
internal sealed class Harness(StateMachineOptions? options = null)
{
    public StateMachine Machine { get; } = new(options);

    public ulong NextIndex { get; set; } = 1;

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static string S(byte[] b) => Encoding.UTF8.GetString(b);

    public ApplyResult Apply(StateCommand command, ulong sessionId = 0, ulong sequence = 0) =>
        Machine.Apply(NextIndex++, StateCodec.EncodeCommand(command, sessionId, sequence));

    public ApplyResult ApplyRaw(byte[] bytes) => Machine.Apply(NextIndex++, bytes);

    public T Ok<T>(StateCommand command, ulong sessionId = 0, ulong sequence = 0)
        where T : StateResponse
    {
        var response = Apply(command, sessionId, sequence).Response;
        return Assert.IsType<T>(response);
    }

    public ErrorResponse Error(StateCommand command, StateStatus expected)
    {
        var error = Assert.IsType<ErrorResponse>(Apply(command).Response);
        Assert.Equal(expected, error.Code);
        return error;
    }

    public KvTxnResponse Put(string key, string value, ulong lease = 0) => Ok<KvTxnResponse>(new KvPutCommand(B(key), B(value), lease));

    public KvTxnResponse Delete(string key, bool prefix = false) => Ok<KvTxnResponse>(new KvDeleteCommand(B(key), prefix, PrevKv: true));

    public KeyValue? Get(string key) => Machine.Kv.Get(B(key));

    public KvRangeResponse Range(string prefix, ulong limit = 0) =>
        Assert.IsType<KvRangeResponse>(Ok<KvTxnResponse>(new KvRangeCommand(B(prefix), Prefix: true, limit)).Responses[0]);

    public ulong Grant(ulong ttlMs, ulong id = 0) => Ok<LeaseGrantResponse>(new LeaseGrantCommand(id, ttlMs)).LeaseId;

    public TimeAdvancedResponse Tick(ulong nowMs, ulong epoch = 0) => Ok<TimeAdvancedResponse>(new ExpireLeasesCommand(epoch, nowMs));

    public string[] Keys() => [.. Machine.Kv.All().Select(kv => S(kv.Key))];
}
