namespace Cairn.Raft;

/// <summary>
/// The members of a Raft group at one point in the log: voters, who count towards quorums, and learners, who
/// receive the log but neither vote nor count. Immutable; ids are kept sorted so iteration order is
/// deterministic everywhere.
/// </summary>
public sealed class Membership : IEquatable<Membership>
{
    private readonly NodeId[] _voters;
    private readonly NodeId[] _learners;

    /// <summary>A group with no members (a node that has not been bootstrapped).</summary>
    public static readonly Membership Empty = new([], []);

    /// <summary>Creates a membership; a node may not be both a voter and a learner.</summary>
    /// <exception cref="ArgumentException">An id is <see cref="NodeId.None"/>, repeated, or in both sets.</exception>
    public Membership(IEnumerable<NodeId> voters, IEnumerable<NodeId> learners)
    {
        _voters = [.. voters.Order()];
        _learners = [.. learners.Order()];
        var all = _voters.Concat(_learners).ToArray();
        if (all.Any(id => id.IsNone) || all.Distinct().Count() != all.Length)
        {
            throw new ArgumentException("membership ids must be non-zero and appear once across voters and learners");
        }
    }

    /// <summary>Voters in ascending id order.</summary>
    public IReadOnlyList<NodeId> Voters => _voters;

    /// <summary>Learners in ascending id order.</summary>
    public IReadOnlyList<NodeId> Learners => _learners;

    /// <summary>Voters then learners, each in ascending id order.</summary>
    public IEnumerable<NodeId> All => _voters.Concat(_learners);

    /// <summary>The number of votes that make a majority of the voters.</summary>
    public int QuorumSize => (_voters.Length / 2) + 1;

    /// <summary>True when <paramref name="id"/> votes.</summary>
    public bool IsVoter(NodeId id) => Array.BinarySearch(_voters, id) >= 0;

    /// <summary>True when <paramref name="id"/> is a learner.</summary>
    public bool IsLearner(NodeId id) => Array.BinarySearch(_learners, id) >= 0;

    /// <summary>True when <paramref name="id"/> is a voter or a learner.</summary>
    public bool Contains(NodeId id) => IsVoter(id) || IsLearner(id);

    /// <summary>
    /// The membership after <paramref name="change"/>, or null with a reason when the change does not apply
    /// (adding an existing member, promoting a non-learner, removing a stranger, removing the last voter).
    /// </summary>
    public Membership? TryApply(MembershipChange change, out string? reason)
    {
        reason = null;
        var id = change.Node;
        switch (change.Kind)
        {
            case MembershipChangeKind.AddVoter when !Contains(id):
                return new Membership(_voters.Append(id), _learners);
            case MembershipChangeKind.AddLearner when !Contains(id):
                return new Membership(_voters, _learners.Append(id));
            case MembershipChangeKind.PromoteLearner when IsLearner(id):
                return new Membership(_voters.Append(id), _learners.Where(l => l != id));
            case MembershipChangeKind.RemoveNode when IsVoter(id) && _voters.Length == 1:
                reason = "cannot remove the last voter";
                return null;
            case MembershipChangeKind.RemoveNode when Contains(id):
                return new Membership(_voters.Where(v => v != id), _learners.Where(l => l != id));
            default:
                reason = $"{change.Kind} does not apply to {id} in {this}";
                return null;
        }
    }

    /// <inheritdoc/>
    public bool Equals(Membership? other) =>
        other is not null && _voters.AsSpan().SequenceEqual(other._voters) && _learners.AsSpan().SequenceEqual(other._learners);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Membership);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var id in All)
        {
            hash.Add(id);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"voters=[{string.Join(",", _voters)}] learners=[{string.Join(",", _learners)}]";
}
