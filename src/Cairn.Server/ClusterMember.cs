using System.Text;

namespace Cairn.Server;

/// <summary>A member as configured in <c>--initial-cluster</c>: its name, its numeric Raft id and its peer address.</summary>
/// <param name="Name">The member's name.</param>
/// <param name="Id">Its Raft node id, derived from the name (<see cref="IdOf"/>).</param>
/// <param name="PeerUrl">Where its peers reach it.</param>
public sealed record ClusterMember(string Name, ulong Id, Uri PeerUrl)
{
    /// <summary>
    /// The Raft node id of the member named <paramref name="name"/>: the 64-bit FNV-1a hash of its UTF-8 bytes (never 0).
    /// Deriving the id from the name, as etcd derives member ids from their URLs, lets every node and every operator
    /// agree on it without coordination, whatever the order of <c>--initial-cluster</c> and whichever members were
    /// added or removed since.
    /// </summary>
    public static ulong IdOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash == 0 ? 1 : hash;
    }
}
