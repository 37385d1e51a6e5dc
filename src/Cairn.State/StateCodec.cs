using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Cairn.State.Codec;
using Cairn.State.Kv;

namespace Cairn.State;

/// <summary>
/// The versioned binary codec of commands and responses.
/// A command is <c>[version=1][module][operation][sessionId varint][sequence varint, only if sessionId ≠ 0][body]</c>;
/// a response is <c>[version=1][tag][body]</c>. Decoders never throw: short, trailing or impossible bytes make them
/// return false (and make apply answer <see cref="StateStatus.Malformed"/>).
/// </summary>
public static class StateCodec
{
    /// <summary>The codec version this build writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>The longest message an error response may carry, in bytes.</summary>
    private const int MaxMessageBytes = 4096;

    /// <summary>Encodes <paramref name="command"/>, tagged with a client session when <paramref name="sessionId"/> is not 0.</summary>
    /// <param name="command">The command.</param>
    /// <param name="sessionId">The session from <see cref="SessionRegisteredResponse"/>, or 0 for none.</param>
    /// <param name="sequence">The request's sequence number in the session (1, 2, ...; a retry reuses it).</param>
    public static byte[] EncodeCommand(StateCommand command, ulong sessionId = 0, ulong sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        var buffer = new ArrayBufferWriter<byte>();
        WriteCommand(buffer, command, sessionId, sequence);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="command"/> into <paramref name="output"/>; see <see cref="EncodeCommand"/>.</summary>
    public static void WriteCommand(IBufferWriter<byte> output, StateCommand command, ulong sessionId = 0, ulong sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        var writer = new StateWriter(output);
        writer.WriteByte(Version);
        writer.WriteByte((byte)command.Module);
        writer.WriteByte(command.Operation);
        writer.WriteVarUInt64(sessionId);
        if (sessionId != 0)
        {
            writer.WriteVarUInt64(sequence);
        }
        command.WriteBody(writer);
    }

    /// <summary>Encodes a response (for the wire, or for a session's remembered result).</summary>
    public static byte[] EncodeResponse(StateResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new StateWriter(buffer);
        writer.WriteByte(Version);
        WriteResponse(writer, response);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a response written by <see cref="EncodeResponse"/>; false on any malformed input.</summary>
    public static bool TryDecodeResponse(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out StateResponse? response)
    {
        response = null;
        var reader = new StateReader(bytes);
        return reader.TryReadByte(out var version) && version == Version && TryReadResponse(ref reader, out response) && reader.RemainingBytes == 0;
    }

    internal static void WriteResponse(StateWriter writer, StateResponse response)
    {
        switch (response)
        {
            case ErrorResponse error:
                writer.WriteByte((byte)ResponseTag.Error);
                writer.WriteByte((byte)error.Code);
                writer.WriteString(error.Message);
                break;
            case EmptyResponse:
                writer.WriteByte((byte)ResponseTag.Empty);
                break;
            case KvTxnResponse txn:
                writer.WriteByte((byte)ResponseTag.KvTxn);
                KvCodec.WriteTxnResponse(writer, txn);
                break;
            case KvCompactResponse compact:
                WriteNumbers(writer, ResponseTag.KvCompact, compact.Revision, compact.CompactRevision);
                break;
            case LeaseGrantResponse grant:
                WriteNumbers(writer, ResponseTag.LeaseGrant, grant.LeaseId, grant.TtlMs, grant.ExpiresAtMs);
                break;
            case LeaseRevokeResponse revoke:
                WriteNumbers(writer, ResponseTag.LeaseRevoke, revoke.Revision, revoke.DeletedKeys);
                break;
            case LeaseKeepAliveResponse keepAlive:
                WriteNumbers(writer, ResponseTag.LeaseKeepAlive, keepAlive.LeaseId, keepAlive.TtlMs, keepAlive.ExpiresAtMs);
                break;
            case LeaseTimeToLiveResponse ttl:
                WriteNumbers(writer, ResponseTag.LeaseTimeToLive, ttl.LeaseId, ttl.GrantedTtlMs, ttl.RemainingTtlMs, (ulong)ttl.Keys.Count);
                foreach (var key in ttl.Keys)
                {
                    writer.WriteBytes(key);
                }
                break;
            case SessionRegisteredResponse session:
                WriteNumbers(writer, ResponseTag.SessionRegistered, session.SessionId);
                break;
            case TimeAdvancedResponse time:
                WriteNumbers(writer, ResponseTag.TimeAdvanced, time.CommittedTimeMs, time.ExpiredLeases, time.ExpiredSessions);
                writer.WriteBool(time.More);
                break;
            case LeaderPromotedResponse promoted:
                WriteNumbers(writer, ResponseTag.LeaderPromoted, promoted.LeaderEpoch, promoted.CommittedTimeMs);
                break;
            default:
                throw new ArgumentException($"no encoding for response type {response.GetType().Name}", nameof(response));
        }
    }

    private static void WriteNumbers(StateWriter writer, ResponseTag tag, params ReadOnlySpan<ulong> numbers)
    {
        writer.WriteByte((byte)tag);
        foreach (var number in numbers)
        {
            writer.WriteVarUInt64(number);
        }
    }

    internal static bool TryReadResponse(ref StateReader reader, [NotNullWhen(true)] out StateResponse? response)
    {
        response = null;
        if (!reader.TryReadByte(out var tag))
        {
            return false;
        }
        switch ((ResponseTag)tag)
        {
            case ResponseTag.Error:
                if (reader.TryReadByte(out var code) && code is > 0 and <= (byte)StateStatus.TooManySessions && reader.TryReadString(MaxMessageBytes, out var message))
                {
                    response = new ErrorResponse((StateStatus)code, message);
                }
                break;
            case ResponseTag.Empty:
                response = EmptyResponse.Instance;
                break;
            case ResponseTag.KvTxn:
                if (KvCodec.TryReadTxnResponse(ref reader, out var txn))
                {
                    response = txn;
                }
                break;
            case ResponseTag.KvCompact:
                if (reader.TryReadVarUInt64(out var a) && reader.TryReadVarUInt64(out var b))
                {
                    response = new KvCompactResponse(a, b);
                }
                break;
            case ResponseTag.LeaseGrant:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b) && reader.TryReadVarUInt64(out var c))
                {
                    response = new LeaseGrantResponse(a, b, c);
                }
                break;
            case ResponseTag.LeaseRevoke:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b))
                {
                    response = new LeaseRevokeResponse(a, b);
                }
                break;
            case ResponseTag.LeaseKeepAlive:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b) && reader.TryReadVarUInt64(out c))
                {
                    response = new LeaseKeepAliveResponse(a, b, c);
                }
                break;
            case ResponseTag.LeaseTimeToLive:
                response = TryReadTimeToLive(ref reader);
                break;
            case ResponseTag.SessionRegistered:
                if (reader.TryReadVarUInt64(out a))
                {
                    response = new SessionRegisteredResponse(a);
                }
                break;
            case ResponseTag.TimeAdvanced:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b) && reader.TryReadVarUInt64(out c) && reader.TryReadBool(out var more))
                {
                    response = new TimeAdvancedResponse(a, b, c, more);
                }
                break;
            case ResponseTag.LeaderPromoted:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b))
                {
                    response = new LeaderPromotedResponse(a, b);
                }
                break;
            default:
                break;
        }
        return response is not null;
    }

    private static LeaseTimeToLiveResponse? TryReadTimeToLive(ref StateReader reader)
    {
        if (!reader.TryReadVarUInt64(out var id) || !reader.TryReadVarUInt64(out var granted) || !reader.TryReadVarUInt64(out var remaining)
            || !reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return null;
        }
        var keys = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadBytes(int.MaxValue, out var key))
            {
                return null;
            }
            keys[i] = key;
        }
        return new LeaseTimeToLiveResponse(id, granted, remaining, keys);
    }
}
