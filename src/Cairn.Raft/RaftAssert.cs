namespace Cairn.Raft;

/// <summary>
/// Assertions that stay on in release builds. A consensus node whose invariants are broken must stop rather than
/// limp on and spread corruption, so a failed assertion throws <see cref="RaftInvariantException"/>.
/// </summary>
internal static class RaftAssert
{
    public static void That(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new RaftInvariantException(invariant);
        }
    }
}
