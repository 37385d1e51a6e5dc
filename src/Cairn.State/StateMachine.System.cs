using Cairn.State.Codec;
using Cairn.State.Kv;
using Cairn.State.Sessions;

namespace Cairn.State;

/// <summary>The dispatcher's own commands: client sessions (Raft thesis §6.3), committed time and leader promotion.</summary>
public sealed partial class StateMachine
{
    /// <summary>The promoted leader's clock mapping, as sweeps and lease stamps read it.</summary>
    private LeaderEpochClock CurrentLeaderClock => new(_leaderEpoch, _epochLeaderBaseMs, _epochCommittedBaseMs);

    private static bool TryReadSystemCommand(byte operation, ref StateReader reader, out StateCommand? command)
    {
        command = null;
        ulong epoch, now;
        switch ((SystemOperation)operation)
        {
            case SystemOperation.RegisterSession:
                command = new RegisterSessionCommand();
                break;
            case SystemOperation.ExpireLeases:
                if (reader.TryReadVarUInt64(out epoch) && reader.TryReadVarUInt64(out now))
                {
                    command = new ExpireLeasesCommand(epoch, now);
                }
                break;
            case SystemOperation.PromoteLeader:
                if (reader.TryReadVarUInt64(out epoch) && reader.TryReadVarUInt64(out now) && reader.TryReadVarUInt64(out var grace))
                {
                    command = new PromoteLeaderCommand(epoch, now, grace);
                }
                break;
            default:
                break;
        }
        return command is not null;
    }

    /// <summary>
    /// Exactly-once: a new sequence number applies and is remembered with its result; the same number again returns
    /// that result without applying; an older one is refused (its result is gone). Errors are remembered too; reads
    /// alone (range, lease time-to-live) are simply run again.
    /// </summary>
    private StateResponse ApplyInSession(StateCommand command, ulong sessionId, ulong sequence, out bool duplicate)
    {
        duplicate = false;
        if (command.Module == ModuleId.System)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "sessionId must be 0 for system commands");
        }
        if (!_sessions.TryGet(sessionId, out var session))
        {
            return new ErrorResponse(StateStatus.SessionExpired, $"sessionId {sessionId} is unknown or expired; register a new session");
        }
        if (sequence == 0)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "sequence is 0; sequences start at 1");
        }
        _sessions.Touch(session, _committedTimeMs);
        if (command is KvRangeCommand or LeaseTimeToLiveCommand)
        {
            // A read changes nothing, so running it again is harmless: its (possibly large) result is not remembered
            // and its sequence number is not consumed.
            return Dispatch(command);
        }
        if (sequence == session.LastSequence)
        {
            duplicate = true;
            return session.LastResponse!;
        }
        if (sequence < session.LastSequence)
        {
            return new ErrorResponse(StateStatus.SessionSequenceStale, $"sequence {sequence} is below the session's latest {session.LastSequence}");
        }
        var response = Dispatch(command);
        session.LastSequence = sequence;
        session.LastResponse = response;
        return response;
    }

    private StateResponse RegisterSession()
    {
        if (_sessions.Count >= _options.MaxSessions)
        {
            return new ErrorResponse(StateStatus.TooManySessions, $"sessions are at the limit of {_options.MaxSessions}");
        }
        _sessions.Add(new ClientSession(_context.Index, _committedTimeMs));
        return new SessionRegisteredResponse(_context.Index);
    }

    private StateResponse ExpireLeases(ExpireLeasesCommand expire)
    {
        if (expire.LeaderEpoch != _leaderEpoch)
        {
            return new ErrorResponse(StateStatus.StaleLeaderEpoch, $"leaderEpoch {expire.LeaderEpoch} is not the promoted epoch {_leaderEpoch}");
        }
        _committedTimeMs = Math.Max(_committedTimeMs, CurrentLeaderClock.ToCommittedMs(expire.NowMs));
        _context.SetCommittedTime(_committedTimeMs);
        var expiredLeases = 0UL;
        var more = false;
        foreach (var module in _modules)
        {
            expiredLeases += module.OnTimeAdvanced(_context, out var moduleMore);
            more |= moduleMore;
        }
        var expiredSessions = _sessions.Expire(_committedTimeMs, _options.SessionTimeoutMs);
        return new TimeAdvancedResponse(_committedTimeMs, expiredLeases, expiredSessions, more);
    }

    private StateResponse PromoteLeader(PromoteLeaderCommand promote)
    {
        if (promote.LeaderEpoch <= _leaderEpoch)
        {
            return new ErrorResponse(StateStatus.StaleLeaderEpoch, $"leaderEpoch {promote.LeaderEpoch} is not above the promoted epoch {_leaderEpoch}");
        }
        if (promote.GraceMs > PromoteLeaderCommand.MaxGraceMs)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, $"graceMs is {promote.GraceMs}; the limit is {PromoteLeaderCommand.MaxGraceMs}");
        }
        _leaderEpoch = promote.LeaderEpoch;
        _epochLeaderBaseMs = promote.NowMs;
        _epochCommittedBaseMs = _committedTimeMs;
        foreach (var module in _modules)
        {
            module.OnLeaderPromoted(promote.GraceMs);
        }
        _sessions.Extend(promote.GraceMs);
        return new LeaderPromotedResponse(_leaderEpoch, _committedTimeMs);
    }
}
