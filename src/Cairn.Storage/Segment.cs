namespace Cairn.Storage;

/// <summary>An open WAL segment file and what the storage knows about it.</summary>
internal sealed class Segment(long seq, string path, IStorageFile file) : IDisposable
{
    public long Seq { get; } = seq;

    public string Path { get; } = path;

    public IStorageFile File { get; } = file;

    /// <summary>Where the next record goes: the end of the last valid record.</summary>
    public long WritePosition { get; set; } = StorageFormat.SegmentHeaderBytes;

    /// <summary>The highest entry index written into this segment (0 when none): once a snapshot covers it the segment is dead.</summary>
    public ulong MaxIndex { get; set; }

    /// <summary>True once the segment holds a record after its start record; a segment is only left for the next when it does.</summary>
    public bool HasBody { get; set; }

    public void Dispose() => File.Dispose();
}
