using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.Bulkhead;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>The semaphore's view of its slots: parsing slot keys, free slots in rotation, revisions of the last change.</summary>
public sealed class SlotTableTests
{
    private const string Prefix = "cairn/semaphores/db/slots/";

    [Theory]
    [InlineData("cairn/semaphores/db/slots/0", 0)]
    [InlineData("cairn/semaphores/db/slots/2", 2)]
    [InlineData("cairn/semaphores/db/slots/3", -1)]
    [InlineData("cairn/semaphores/db/slots/01", -1)]
    [InlineData("cairn/semaphores/db/slots/-1", -1)]
    [InlineData("cairn/semaphores/db/slots/", -1)]
    [InlineData("cairn/semaphores/db/slots/1/x", -1)]
    [InlineData("cairn/semaphores/db/slots/99999999999", -1)]
    [InlineData("cairn/semaphores/dbx/slots/1", -1)]
    public void Only_canonical_slot_numbers_below_the_limit_are_slots(string key, int expected)
    {
        var table = new SlotTable(Prefix, 3);

        Assert.Equal(expected >= 0, table.TryParse(key, out var slot));
        Assert.Equal(expected, slot);
    }

    [Fact]
    public void A_snapshot_then_events_track_holders_and_the_revision_of_each_slot_s_last_change()
    {
        var table = new SlotTable(Prefix, 4);
        Assert.False(table.IsSynchronized);

        table.Reset(new RangeResult(20, [Kv(1, 12), Kv(3, 15), Kv(9, 16)], false));

        Assert.True(table.IsSynchronized);
        Assert.Equal([0, 2], table.FreeSlots(0));
        Assert.Equal([2, 0], table.FreeSlots(1));
        Assert.Equal((12L, 12L, 20L), (table.HolderRevision(1), table.ChangedAt(1), table.ChangedAt(0)));

        Assert.Equal(1, table.Apply(new WatchEvent(WatchEventType.Delete, 21, Kv(1, 12))));
        Assert.Equal(0, table.Apply(new WatchEvent(WatchEventType.Put, 22, Kv(0, 22))));
        Assert.Equal(-1, table.Apply(new WatchEvent(WatchEventType.Put, 23, Kv(7, 23))));

        Assert.Equal([1, 2], table.FreeSlots(0));
        Assert.Equal(2, table.FreeCount);
        Assert.Equal((0L, 21L), (table.HolderRevision(1), table.ChangedAt(1)));
        Assert.Equal(Prefix + "3", table.KeyOf(3));
    }

    private static KeyValue Kv(int slot, long revision) => new(Prefix + slot, "h/1"u8.ToArray(), revision, revision, 1, 5);
}
