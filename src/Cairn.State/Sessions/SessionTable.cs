using Cairn.State.Codec;

namespace Cairn.State.Sessions;

/// <summary>
/// The client sessions for exactly-once writes. Deterministic: expiry is by committed time only, and iteration is in
/// (last activity, id) or id order, never hash order.
/// </summary>
internal sealed class SessionTable
{
    private readonly SortedDictionary<ulong, ClientSession> _sessions = [];

    // Invariant: one entry per session, so the first entry is the next to expire.
    private readonly SortedSet<(ulong LastActivityMs, ulong Id)> _byActivity = [];

    public int Count => _sessions.Count;

    public bool TryGet(ulong id, out ClientSession session) => _sessions.TryGetValue(id, out session!);

    public void Add(ClientSession session)
    {
        _sessions.Add(session.Id, session);
        _byActivity.Add((session.LastActivityMs, session.Id));
    }

    public void Touch(ClientSession session, ulong nowMs)
    {
        _byActivity.Remove((session.LastActivityMs, session.Id));
        session.LastActivityMs = Math.Max(session.LastActivityMs, nowMs);
        _byActivity.Add((session.LastActivityMs, session.Id));
    }

    /// <summary>Removes every session idle for <paramref name="timeoutMs"/> or more at <paramref name="nowMs"/>.</summary>
    public ulong Expire(ulong nowMs, ulong timeoutMs)
    {
        var expired = 0UL;
        while (_byActivity.Count > 0 && _byActivity.Min.LastActivityMs + timeoutMs <= nowMs)
        {
            var (_, id) = _byActivity.Min;
            _byActivity.Remove(_byActivity.Min);
            _sessions.Remove(id);
            expired++;
        }
        return expired;
    }

    public void Extend(ulong graceMs)
    {
        _byActivity.Clear();
        foreach (var session in _sessions.Values)
        {
            session.LastActivityMs += graceMs;
            _byActivity.Add((session.LastActivityMs, session.Id));
        }
    }

    /// <summary>Freezes the sessions (their mutable fields copied) and returns the writer of that frozen state.</summary>
    public Action<StateWriter> Capture()
    {
        var sessions = _sessions.Values.Select(s => (s.Id, s.LastSequence, s.LastActivityMs, s.LastResponse)).ToArray();
        return writer =>
        {
            writer.WriteVarUInt64((ulong)sessions.Length);
            foreach (var (id, lastSequence, lastActivityMs, lastResponse) in sessions)
            {
                writer.WriteVarUInt64(id);
                writer.WriteVarUInt64(lastSequence);
                writer.WriteVarUInt64(lastActivityMs);
                writer.WriteBool(lastResponse is not null);
                if (lastResponse is not null)
                {
                    StateCodec.WriteResponse(writer, lastResponse);
                }
            }
        };
    }

    public bool TryRead(ref StateReader reader)
    {
        if (!reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadVarUInt64(out var id) || !reader.TryReadVarUInt64(out var sequence) || !reader.TryReadVarUInt64(out var activity)
                || !reader.TryReadBool(out var hasResponse) || id == 0 || _sessions.ContainsKey(id))
            {
                return false;
            }
            StateResponse? response = null;
            if (hasResponse && !StateCodec.TryReadResponse(ref reader, out response))
            {
                return false;
            }
            Add(new ClientSession(id, activity) { LastSequence = sequence, LastResponse = response });
        }
        return true;
    }
}
