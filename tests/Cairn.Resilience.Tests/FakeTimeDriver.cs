using Microsoft.Extensions.Time.Testing;

namespace Cairn.Resilience.Tests;

/// <summary>Drives a task that waits on fake timers to completion, advancing the fake clock in steps, with a bound.</summary>
public static class FakeTimeDriver
{
    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan step, int maxSteps = 1000)
    {
        for (int i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            time.Advance(step);

            // Let continuations scheduled by the fired timers run before the next step (bounded, no real sleep).
            await Task.Yield();
        }

        Assert.True(task.IsCompleted, $"The task did not finish within {maxSteps} steps of {step}.");
        return await task;
    }
}
