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

    public void Write(StateWriter writer)
    {
        writer.WriteVarUInt64((ulong)_sessions.Count);
        foreach (var session in _sessions.Values)
        {
            writer.WriteVarUInt64(session.Id);
            writer.WriteVarUInt64(session.LastSequence);
            writer.WriteVarUInt64(session.LastActivityMs);
            writer.WriteBool(session.LastResponse is not null);
            if (session.LastResponse is not null)
            {
                StateCodec.WriteResponse(writer, session.LastResponse);
            }
        }
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
