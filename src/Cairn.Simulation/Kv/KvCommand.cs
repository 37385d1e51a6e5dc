using System.Text;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Kv;

/// <summary>
/// A write to the simulator's key-value state machine, tagged with the client session and sequence number that make
/// retries exactly-once (Raft thesis §6.3).
/// </summary>
/// <param name="ClientId">The client session.</param>
/// <param name="Sequence">The client's sequence number for this operation; retries reuse it.</param>
/// <param name="Kind">Put, compare-and-swap or delete.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value to write (Put, CompareAndSwap).</param>
/// <param name="Expected">The value a compare-and-swap expects; null means absent.</param>
public sealed record KvCommand(int ClientId, long Sequence, KvOperationKind Kind, string Key, string? Value, string? Expected)
{
    private const char Separator = '\u001f';
    private const string Absent = "\u0000";

    /// <summary>Encodes the command as a log entry payload.</summary>
    public byte[] Encode() => Encoding.UTF8.GetBytes(string.Join(Separator,
        ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ((int)Kind).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Key, Value ?? Absent, Expected ?? Absent));

    /// <summary>Decodes a payload written by <see cref="Encode"/>.</summary>
    public static KvCommand Decode(ReadOnlySpan<byte> payload)
    {
        var parts = Encoding.UTF8.GetString(payload).Split(Separator);
        return new KvCommand(
            int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            (KvOperationKind)int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture),
            parts[3],
            parts[4] == Absent ? null : parts[4],
            parts[5] == Absent ? null : parts[5]);
    }
}
