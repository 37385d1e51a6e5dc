using Cairn.Resilience.Internal;
using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>
/// The breaker's state machine: closed → open on the failure ratio, open → half-open after the break,
/// half-open → closed when enough trial calls succeed or → open when too many fail, and isolated by hand.
/// </summary>
/// <remarks>
/// Thread-safe: every state change happens under <see cref="_lock"/>. A closed circuit admits calls on a single
/// volatile read, without taking the lock; a call that races with the circuit opening may still pass, as in Polly.
/// Events are not raised here: methods return the transition and the strategy reports it outside the lock.
/// </remarks>
internal sealed class CircuitController
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly HealthWindow _window;
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;
    private readonly TimeSpan _breakDuration;
    private readonly Func<BreakDurationGeneratorArguments, TimeSpan>? _breakDurationGenerator;
    private readonly int _trialCalls;
    private readonly int _trialSuccessesNeeded;

    // Written under _lock, read without it on the closed fast path and by the state provider.
    private volatile CircuitState _state = CircuitState.Closed;

    // Fields below are guarded by _lock.
    private long _openUntil;
    private long _epoch;
    private int _trialsAdmitted;
    private int _trialSuccesses;
    private int _trialFailures;

    // Consecutive half-open rounds that failed; reset when the circuit closes. Feeds the break-duration generator.
    private int _failedRounds;

    public CircuitController(
        TimeProvider timeProvider,
        double failureRatio,
        int minimumThroughput,
        TimeSpan samplingDuration,
        TimeSpan breakDuration,
        Func<BreakDurationGeneratorArguments, TimeSpan>? breakDurationGenerator,
        int trialCalls,
        double trialSuccessRatio)
    {
        _timeProvider = timeProvider;
        _window = new HealthWindow(Timestamps.FromTimeSpan(timeProvider, samplingDuration));
        _failureRatio = failureRatio;
        _minimumThroughput = minimumThroughput;
        _breakDuration = breakDuration;
        _breakDurationGenerator = breakDurationGenerator;
        _trialCalls = trialCalls;
        _trialSuccessesNeeded = (int)Math.Ceiling(trialSuccessRatio * trialCalls);
    }

    /// <summary>Gets or sets the handler the strategy installs to report manual transitions.</summary>
    public Func<CircuitTransition, TimeSpan, ResilienceContext, ValueTask>? ManualTransitionHandler { get; set; }

    public CircuitState State => _state;

    public int HalfOpenTrialsInFlight
    {
        get
        {
            lock (_lock)
            {
                return _state == CircuitState.HalfOpen ? _trialsAdmitted - _trialSuccesses - _trialFailures : 0;
            }
        }
    }

    /// <summary>Decides whether a call may pass; an admitted call must be followed by exactly one <see cref="Complete"/>.</summary>
    public Admission TryEnter()
    {
        if (_state == CircuitState.Closed)
        {
            return new Admission(true, false, 0, CircuitTransition.None, CircuitState.Closed, TimeSpan.Zero);
        }

        lock (_lock)
        {
            var transition = CircuitTransition.None;
            var now = _timeProvider.GetTimestamp();
            switch (_state)
            {
                case CircuitState.Closed:
                    return new Admission(true, false, 0, CircuitTransition.None, CircuitState.Closed, TimeSpan.Zero);
                case CircuitState.Isolated:
                    return Reject(CircuitState.Isolated, TimeSpan.Zero);
                case CircuitState.Open when now < _openUntil:
                    return Reject(CircuitState.Open, Timestamps.ToTimeSpan(_timeProvider, _openUntil - now));
                case CircuitState.Open:
                    EnterHalfOpen_NeedsLock();
                    transition = CircuitTransition.HalfOpened;
                    break;
            }

            if (_trialsAdmitted >= _trialCalls)
            {
                return Reject(CircuitState.HalfOpen, TimeSpan.Zero);
            }

            _trialsAdmitted++;
            return new Admission(true, true, _epoch, transition, CircuitState.HalfOpen, TimeSpan.Zero);
        }
    }

    /// <summary>Records the result of an admitted call.</summary>
    /// <returns>The transition made, and the break duration when the circuit opened.</returns>
    public (CircuitTransition Transition, TimeSpan BreakDuration) Complete(in Admission admission, CallResult result, ResilienceContext context)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            return admission.IsTrial
                ? CompleteTrial_NeedsLock(admission.Epoch, result, now, context)
                : CompleteClosed_NeedsLock(result, now, context);
        }
    }

    /// <summary>Holds the circuit open until closed by hand.</summary>
    public void Isolate()
    {
        lock (_lock)
        {
            _state = CircuitState.Isolated;
            _epoch++;
        }
    }

    public async ValueTask ApplyManualAsync(bool isolate, ResilienceContext context)
    {
        lock (_lock)
        {
            _state = isolate ? CircuitState.Isolated : CircuitState.Closed;
            _epoch++;
            _failedRounds = 0;
            _window.Reset();
        }

        if (ManualTransitionHandler is { } handler)
        {
            var transition = isolate ? CircuitTransition.Opened : CircuitTransition.Closed;
            await handler(transition, TimeSpan.MaxValue, context).ConfigureAwait(false);
        }
    }

    private static Admission Reject(CircuitState state, TimeSpan retryAfter) =>
        new(false, false, 0, CircuitTransition.None, state, retryAfter);

    private (CircuitTransition, TimeSpan) CompleteClosed_NeedsLock(CallResult result, long now, ResilienceContext context)
    {
        switch (result)
        {
            case CallResult.Success:
                _window.RecordSuccess(now);
                return (CircuitTransition.None, TimeSpan.Zero);
            case CallResult.Failure:
                _window.RecordFailure(now);
                break;
            default:
                return (CircuitTransition.None, TimeSpan.Zero);
        }

        // Only a closed circuit opens on the ratio; a call admitted just before the circuit opened lands here too.
        var (total, failures) = _window.Read(now);
        if (_state != CircuitState.Closed || total < _minimumThroughput || failures < _failureRatio * total)
        {
            return (CircuitTransition.None, TimeSpan.Zero);
        }

        return (CircuitTransition.Opened, Open_NeedsLock(now, failures / (double)total, failures, context));
    }

    private (CircuitTransition, TimeSpan) CompleteTrial_NeedsLock(long epoch, CallResult result, long now, ResilienceContext context)
    {
        // A trial from an earlier round (the round was decided, or the circuit was isolated or closed by hand)
        // carries no news about the current round.
        if (epoch != _epoch || _state != CircuitState.HalfOpen)
        {
            return (CircuitTransition.None, TimeSpan.Zero);
        }

        switch (result)
        {
            case CallResult.Success:
                _trialSuccesses++;
                break;
            case CallResult.Failure:
                _trialFailures++;
                break;
            default:
                // Give the slot back so another call can be the trial: a cancelled or crashed trial must never
                // leave the circuit half-open with no trial able to run (App-vNext/Polly#1979).
                _trialsAdmitted--;
                return (CircuitTransition.None, TimeSpan.Zero);
        }

        if (_trialSuccesses >= _trialSuccessesNeeded)
        {
            _state = CircuitState.Closed;
            _epoch++;
            _failedRounds = 0;
            _window.Reset();
            return (CircuitTransition.Closed, TimeSpan.Zero);
        }

        if (_trialFailures > _trialCalls - _trialSuccessesNeeded)
        {
            _failedRounds++;
            var ratio = _trialFailures / (double)(_trialFailures + _trialSuccesses);
            return (CircuitTransition.Opened, Open_NeedsLock(now, ratio, _trialFailures, context));
        }

        return (CircuitTransition.None, TimeSpan.Zero);
    }

    private TimeSpan Open_NeedsLock(long now, double failureRatio, int failureCount, ResilienceContext context)
    {
        var duration = _breakDurationGenerator is null
            ? _breakDuration
            : _breakDurationGenerator(new BreakDurationGeneratorArguments(failureRatio, failureCount, context, _failedRounds));
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var ticks = Timestamps.FromTimeSpan(_timeProvider, duration);
        _openUntil = ticks > long.MaxValue - now ? long.MaxValue : now + ticks;
        _state = CircuitState.Open;
        _epoch++;
        return duration;
    }

    private void EnterHalfOpen_NeedsLock()
    {
        _state = CircuitState.HalfOpen;
        _epoch++;
        _trialsAdmitted = 0;
        _trialSuccesses = 0;
        _trialFailures = 0;
    }
}
