using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Cairn.TestKit;

/// <summary>Listens to the Polly meter and counts the events reported by one pipeline (by its name).</summary>
public sealed class PollyEventRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly string _pipelineName;

    public PollyEventRecorder(string pipelineName)
    {
        _pipelineName = pipelineName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Record(tags));
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
        _listener.Start();
    }

    public int Count(string eventName) => _counts.GetValueOrDefault(eventName);

    public void Dispose() => _listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pipeline = null;
        string? name = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "pipeline.name")
            {
                pipeline = tag.Value as string;
            }
            else if (tag.Key == "event.name")
            {
                name = tag.Value as string;
            }
        }

        if (pipeline == _pipelineName && name is not null)
        {
            _counts.AddOrUpdate(name, 1, static (_, n) => n + 1);
        }
    }
}
