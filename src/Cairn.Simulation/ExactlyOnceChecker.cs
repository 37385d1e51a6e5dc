using System.IO.Hashing;
using System.Text;
using Cairn.State;
using Cairn.State.Kv;

namespace Cairn.Simulation;

/// <summary>
/// Exactly-once writes (Raft thesis §6.3), judged on the committed history: a write sent in a session — however many
/// times the client retried it, to whichever nodes — takes effect at most once, and every retry that reaches the log
/// after it is answered with the original result, marked as a duplicate. Independently of the session table, no value
/// is ever written twice (every value the workload writes is unique in the run).
/// </summary>
internal sealed class ExactlyOnceChecker(Action<string> fail)
{
    private readonly Dictionary<(ulong SessionId, ulong Sequence), (ulong Index, ulong ResponseHash)> _applied = [];
    private readonly Dictionary<string, ulong> _writtenAt = new(StringComparer.Ordinal);

    /// <summary>Retries answered from the session table instead of being applied again.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Judges one committed entry (its first application anywhere).</summary>
    public void OnCommitted(ulong index, CommandEnvelope? envelope, ApplyResult result)
    {
        foreach (var change in result.Events)
        {
            if (change.Type == WatchEventType.Put)
            {
                var value = Encoding.UTF8.GetString(change.Kv.Value);
                if (!_writtenAt.TryAdd(value, index))
                {
                    fail($"exactly-once: value \"{value}\" written at index {index} was already written at index {_writtenAt[value]}");
                }
            }
        }

        if (envelope is not { SessionId: not 0 } || envelope.IsRead)
        {
            return;
        }

        var key = (envelope.SessionId, envelope.Sequence);
        var responseHash = XxHash3.HashToUInt64(StateCodec.EncodeResponse(result.Response));
        if (result.Duplicate)
        {
            Duplicates++;
            if (!_applied.TryGetValue(key, out var original))
            {
                fail($"exactly-once: index {index} answered session {key.SessionId} sequence {key.Sequence} as a duplicate, but it was never applied");
            }
            else if (original.ResponseHash != responseHash)
            {
                fail($"exactly-once: the retry of session {key.SessionId} sequence {key.Sequence} at index {index} got a result other than the original's (index {original.Index}): {result.Response}");
            }

            return;
        }

        // A refused request (the session is gone, or the sequence is stale) did not take effect.
        if (result.Response is ErrorResponse { Code: StateStatus.SessionExpired or StateStatus.SessionSequenceStale })
        {
            return;
        }

        if (!_applied.TryAdd(key, (index, responseHash)))
        {
            fail($"exactly-once: session {key.SessionId} sequence {key.Sequence} applied twice, at index {_applied[key].Index} and at index {index}");
        }
    }
}
