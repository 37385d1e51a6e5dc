using Polly;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>Isolates (holds open) and closes one or more Cairn circuit breakers by hand.</summary>
/// <remarks>
/// Thread-safe. A control created isolated, or isolated before a pipeline is built, makes that pipeline's breaker
/// start isolated. While isolated, calls are rejected with <see cref="Polly.CircuitBreaker.IsolatedCircuitException"/>.
/// </remarks>
public sealed class CairnCircuitBreakerManualControl
{
    private readonly Lock _lock = new();
    private readonly List<CircuitController> _controllers = [];

    /// <summary>Initializes a control.</summary>
    /// <param name="isIsolated">Whether breakers attached to this control start isolated.</param>
    public CairnCircuitBreakerManualControl(bool isIsolated = false) => IsIsolated = isIsolated;

    /// <summary>Gets a value indicating whether the last command was <see cref="IsolateAsync"/>.</summary>
    public bool IsIsolated { get; private set; }

    /// <summary>Isolates every attached breaker and runs their <c>OnOpened</c> callbacks.</summary>
    /// <param name="cancellationToken">Passed to the callbacks through their context.</param>
    /// <returns>A task that completes when every callback has run.</returns>
    public Task IsolateAsync(CancellationToken cancellationToken = default) => ApplyAsync(isolate: true, cancellationToken);

    /// <summary>Closes every attached breaker (from any state) and runs their <c>OnClosed</c> callbacks.</summary>
    /// <param name="cancellationToken">Passed to the callbacks through their context.</param>
    /// <returns>A task that completes when every callback has run.</returns>
    public Task CloseAsync(CancellationToken cancellationToken = default) => ApplyAsync(isolate: false, cancellationToken);

    internal void Attach(CircuitController controller)
    {
        lock (_lock)
        {
            _controllers.Add(controller);
            if (IsIsolated)
            {
                controller.Isolate();
            }
        }
    }

    private async Task ApplyAsync(bool isolate, CancellationToken cancellationToken)
    {
        CircuitController[] controllers;
        lock (_lock)
        {
            IsIsolated = isolate;
            controllers = [.. _controllers];
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            foreach (var controller in controllers)
            {
                await controller.ApplyManualAsync(isolate, context).ConfigureAwait(false);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
