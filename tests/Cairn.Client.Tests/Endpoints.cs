using Cairn.Client.LoadBalancing;

namespace Cairn.Client.Tests;

internal static class Endpoints
{
    public static BackendEndpoint[] Create(int count, Func<int, int>? weight = null) =>
        [.. Enumerable.Range(0, count).Select(i => new BackendEndpoint(new Uri($"http://10.0.{i / 250}.{i % 250}:8080/"), weight?.Invoke(i) ?? 1))];

    public static void SetInFlight(BackendEndpoint endpoint, int count)
    {
        while (endpoint.InFlight < count)
        {
            endpoint.Enter();
        }

        while (endpoint.InFlight > count)
        {
            endpoint.Exit();
        }
    }

    public static int Load(BackendEndpoint e, BackendEndpoint relativeTo) =>
        ((long)(e.InFlight + 1) * relativeTo.Weight).CompareTo((long)(relativeTo.InFlight + 1) * e.Weight);
}
