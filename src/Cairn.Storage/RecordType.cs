namespace Cairn.Storage;

/// <summary>What a WAL record holds. Values are part of the on-disk format and never reused.</summary>
internal enum RecordType : byte
{
    /// <summary>First record of every segment: the hard state, snapshot position and last index when it began.</summary>
    SegmentStart = 1,

    /// <summary>One <see cref="WalStorage.Persist"/> call: optional snapshot install, entries, optional hard state.</summary>
    Batch = 2,

    /// <summary>A snapshot taken locally by <see cref="WalStorage.SaveSnapshot"/>: the log up to it is compacted.</summary>
    SnapshotSaved = 3,
}
