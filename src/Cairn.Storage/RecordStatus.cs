namespace Cairn.Storage;

/// <summary>What recovery found at a record position.</summary>
internal enum RecordStatus
{
    /// <summary>A complete record whose checksums match.</summary>
    Valid,

    /// <summary>Zeros: the preallocated space after the last record.</summary>
    End,

    /// <summary>A checksum mismatch, an impossible length or a record cut by the end of the file.</summary>
    Invalid,
}
