using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Units;

/// <summary>The payload of a membership-change entry: kind, node id (little-endian) and opaque context.</summary>
public sealed class MembershipChangeCodecTests
{
    [Theory]
    [InlineData(MembershipChangeKind.AddVoter, 1UL, "")]
    [InlineData(MembershipChangeKind.AddLearner, 42UL, "http://n42:7000")]
    [InlineData(MembershipChangeKind.PromoteLearner, ulong.MaxValue, "x")]
    [InlineData(MembershipChangeKind.RemoveNode, 7UL, "")]
    public void Decode_returns_what_Encode_wrote(MembershipChangeKind kind, ulong node, string context)
    {
        var change = new MembershipChange(kind, N.Id(node), Logs.Command(context));

        var decoded = MembershipChange.Decode(change.Encode());

        Assert.Equal((kind, N.Id(node)), (decoded.Kind, decoded.Node));
        Assert.Equal(Logs.Command(context), decoded.Context.ToArray());
    }

    [Fact]
    public void The_encoding_is_the_kind_byte_then_the_little_endian_id_then_the_context()
    {
        var bytes = new MembershipChange(MembershipChangeKind.AddLearner, N.Id(0x0102), new byte[] { 0xAA }).Encode();

        Assert.Equal(new byte[] { 2, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0xAA }, bytes);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 })] // one byte short of the header
    [InlineData(new byte[] { 0, 1, 0, 0, 0, 0, 0, 0, 0 })] // kind 0
    [InlineData(new byte[] { 5, 1, 0, 0, 0, 0, 0, 0, 0 })] // kind beyond RemoveNode
    public void A_payload_that_is_not_a_membership_change_is_refused(byte[] payload)
    {
        Assert.Throws<FormatException>(() => MembershipChange.Decode(payload));
    }
}
