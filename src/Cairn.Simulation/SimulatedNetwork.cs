using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>
/// A network of in-flight messages with seeded loss, duplication, variable delay (hence reordering) and directed
/// partitions. A message is dropped when its link is cut at delivery time.
/// </summary>
internal sealed class SimulatedNetwork(SplitMix64 random)
{
    private readonly PriorityQueue<Message, (long DeliverAt, long Sequence)> _inFlight = new();
    private readonly HashSet<(NodeId From, NodeId To)> _cut = [];
    private long _sequence;

    public double LossRate { get; set; }

    public double DuplicationRate { get; set; }

    public int MaxDelayTicks { get; set; } = 2;

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    public bool HasPartitions => _cut.Count > 0;

    public void Send(Message message, long now)
    {
        Sent++;
        if (random.Chance(LossRate))
        {
            Dropped++;
            return;
        }

        Enqueue(message, now);
        if (random.Chance(DuplicationRate))
        {
            Enqueue(message, now);
        }
    }

    /// <summary>Messages due at or before <paramref name="now"/>, in delivery order, minus those on cut links.</summary>
    public IEnumerable<Message> Deliver(long now)
    {
        while (_inFlight.TryPeek(out var message, out var at) && at.DeliverAt <= now)
        {
            _inFlight.Dequeue();
            if (_cut.Contains((message.From, message.To)))
            {
                Dropped++;
                continue;
            }

            yield return message;
        }
    }

    /// <summary>Delivers <paramref name="message"/> at <paramref name="deliverAt"/> instead (a frozen receiver).</summary>
    public void Hold(Message message, long deliverAt) => _inFlight.Enqueue(message, (deliverAt, _sequence++));

    public void Cut(NodeId from, NodeId to) => _cut.Add((from, to));

    public void HealAll() => _cut.Clear();

    public bool IsCut(NodeId from, NodeId to) => _cut.Contains((from, to));

    private void Enqueue(Message message, long now)
    {
        // Mostly short delays, sometimes a long one: that is what reorders messages.
        var delay = 1 + random.Next(MaxDelayTicks);
        if (random.Chance(0.02))
        {
            delay += random.Next(10 * MaxDelayTicks);
        }

        _inFlight.Enqueue(message, (now + delay, _sequence++));
    }
}
