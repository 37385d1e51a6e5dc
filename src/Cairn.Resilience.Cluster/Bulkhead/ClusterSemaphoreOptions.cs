using System.Globalization;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// Settings of a <see cref="ClusterSemaphore"/>, read once when it is created (later changes have no effect). Not
/// thread-safe: configure, then hand over. Checked by <see cref="Validate"/>, which the constructor calls.
/// </summary>
public sealed class ClusterSemaphoreOptions
{
    /// <summary>
    /// The semaphore's name, the same on every instance that shares the limit (e.g. <c>payments-api</c>): 1 to 128
    /// characters of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, starting with a letter or digit. Required.
    /// </summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The most permits held at once across all instances, 1 to 1,000. Every instance must use the same value: the
    /// permits are slot keys <c>0..PermitLimit-1</c>, so instances with different values together allow the largest.
    /// </summary>
    public int PermitLimit { get; set; } = 1;

    /// <summary>
    /// The TTL of this instance's session lease, which every permit it holds is attached to and which is kept alive
    /// while the semaphore lives. It bounds how long a crashed instance blocks its permits. 1 s to 1 hour; default 10 s.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The key prefix of all semaphores; the slots are <c>{KeyPrefix}{Name}/slots/{n}</c>. Ends with <c>/</c>;
    /// default <c>cairn/semaphores/</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "cairn/semaphores/";

    /// <summary>
    /// This instance's name in the slot values (for operators reading the keys), with the same character rules as
    /// <see cref="Name"/>; null for one identity per process.
    /// </summary>
    public string? HolderId { get; set; }

    /// <summary>The clock for timeouts and retry pauses; null for <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Called with every error of the background work (watching, releasing after a failure) before it is retried;
    /// null to ignore them. Called on a background thread; must not throw or block.
    /// </summary>
    public Action<Exception>? OnError { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        ClusterNames.Validate(Name, nameof(Name));
        if (HolderId is not null)
        {
            ClusterNames.Validate(HolderId, nameof(HolderId));
        }

        ClusterNames.ValidatePrefix(KeyPrefix, nameof(KeyPrefix));
        if (PermitLimit is < 1 or > 1000)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"PermitLimit: {PermitLimit}; must be 1 to 1000"), nameof(PermitLimit));
        }

        if (LeaseTtl < TimeSpan.FromSeconds(1) || LeaseTtl > TimeSpan.FromHours(1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"LeaseTtl: {LeaseTtl}; must be 1 s to 1 hour"), nameof(LeaseTtl));
        }
    }
}
