using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Client.Tests.Cluster;

/// <summary>A fake clock that also records the due time of every timer created, so a test can wait until a delay is armed before moving time.</summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    public ConcurrentQueue<TimeSpan> DueTimes { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        DueTimes.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
