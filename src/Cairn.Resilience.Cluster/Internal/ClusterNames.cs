using System.Globalization;
using System.Security.Cryptography;

namespace Cairn.Resilience.Cluster.Internal;

/// <summary>Checks the names that become key segments, and makes the default instance identity.</summary>
internal static class ClusterNames
{
    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// One identity per process, so that every shared breaker and semaphore of a process reports as the same instance
    /// unless told otherwise: two pipelines in one process must never count as two reporters.
    /// </summary>
    public static readonly string ProcessInstanceId = CreateProcessInstanceId();

    /// <summary>
    /// Throws unless <paramref name="name"/> is 1 to <see cref="MaxLength"/> characters of <c>[A-Za-z0-9._-]</c> and
    /// starts with a letter or digit: it becomes one segment of a key, so it must hold no <c>/</c> and cannot be
    /// <c>.</c> or <c>..</c> (URLs drop those segments).
    /// </summary>
    public static void Validate(string? name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(IsAllowed))
        {
            throw new ArgumentException(
                $"{parameter}: '{name}' must be 1 to {MaxLength} characters of letters, digits, '.', '_' or '-', starting with a letter or digit",
                parameter);
        }
    }

    /// <summary>Throws unless <paramref name="prefix"/> is a non-empty key prefix ending in <c>/</c> with no empty, <c>.</c> or <c>..</c> segment.</summary>
    public static void ValidatePrefix(string? prefix, string parameter)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 512 || prefix[^1] != '/'
            || prefix[..^1].Split('/').Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw new ArgumentException($"{parameter}: '{prefix}' must be a key prefix ending in '/' with no empty, '.' or '..' segment (at most 512 characters)", parameter);
        }
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static string CreateProcessInstanceId()
    {
        var host = new string([.. Environment.MachineName.Select(c => IsAllowed(c) ? c : '-').Take(64)]);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var id = string.Create(CultureInfo.InvariantCulture, $"{host}-{Environment.ProcessId}-{suffix}");
        return char.IsAsciiLetterOrDigit(id[0]) ? id : "i" + id;
    }
}
