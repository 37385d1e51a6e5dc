using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>Writes histories by hand, one line per operation; ids are assigned 1, 2, 3, ... in call order.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<KvOperation> _operations = [];

    public HistoryBuilder Put(int client, string key, string? value, long invoked, long? returned) =>
        Add(client, KvOperationKind.Put, key, value, null, invoked, returned, new KvResult(true, null));

    public HistoryBuilder Delete(int client, string key, long invoked, long? returned) =>
        Add(client, KvOperationKind.Delete, key, null, null, invoked, returned, new KvResult(true, null));

    public HistoryBuilder Get(int client, string key, string? read, long invoked, long returned) =>
        Add(client, KvOperationKind.Get, key, null, null, invoked, returned, new KvResult(true, read));

    public HistoryBuilder GetWithVersion(int client, string key, string? read, ulong version, long invoked, long returned) =>
        Add(client, KvOperationKind.Get, key, null, null, invoked, returned, new KvResult(true, read, version));

    public HistoryBuilder CasVersion(int client, string key, ulong expectedVersion, string value, bool ok, long invoked, long? returned) =>
        Add(client, KvOperationKind.CompareVersionAndSwap, key, value, null, invoked, returned, new KvResult(ok, null), expectedVersion);

    public HistoryBuilder PendingGet(int client, string key, long invoked) =>
        Add(client, KvOperationKind.Get, key, null, null, invoked, null, null);

    public HistoryBuilder Cas(int client, string key, string? expected, string? value, bool ok, long invoked, long? returned) =>
        Add(client, KvOperationKind.CompareAndSwap, key, value, expected, invoked, returned, new KvResult(ok, null));

    public HistoryBuilder Add(
        int client, KvOperationKind kind, string key, string? value, string? expected, long invoked, long? returned, KvResult? result, ulong expectedVersion = 0)
    {
        _operations.Add(new KvOperation(
            _operations.Count + 1, client, kind, key, value, expected, invoked, returned, returned is null ? null : result, expectedVersion));
        return this;
    }

    public IReadOnlyList<KvOperation> Build() => [.. _operations];
}
