namespace Cairn.Client.Cluster;

/// <summary>
/// Where a watch resumes after a reconnection, so the consumer sees no gap and no duplicate. Several events may share a
/// revision, and a stream can break between two of them, so the watch resumes from the last revision seen (not the next
/// one) and drops as many events of that revision as it already delivered: every node delivers a revision's events in
/// the same (apply) order. Used by one enumeration at a time; not thread-safe.
/// </summary>
internal sealed class WatchPosition(long fromRevision)
{
    // Invariant: _skip ≤ _deliveredAtNext; both count events at revision Next only.
    private int _deliveredAtNext;
    private int _skip;

    /// <summary>The revision to ask for on the next (re)connection; 0 until known ("from now on").</summary>
    public long Next { get; private set; } = fromRevision;

    public bool IsKnown => Next > 0;

    public void StartAt(long revision) => Next = revision;

    /// <summary>True when the event is new to the consumer; false for one already delivered before a reconnection.</summary>
    public bool Accept(long revision)
    {
        if (revision < Next)
        {
            return false;
        }

        if (revision == Next)
        {
            if (_skip > 0)
            {
                _skip--;
                return false;
            }

            _deliveredAtNext++;
            return true;
        }

        Next = revision;
        _deliveredAtNext = 1;
        _skip = 0;
        return true;
    }

    /// <summary>The stream ended: the next one starts at <see cref="Next"/> again and repeats what was delivered there.</summary>
    public void Reconnecting() => _skip = _deliveredAtNext;

    /// <summary>The server cancelled the watch with a resume revision: everything below it was delivered whole.</summary>
    public void ResumeAt(long revision)
    {
        if (revision > Next)
        {
            Next = revision;
            _deliveredAtNext = 0;
            _skip = 0;
        }
    }
}
