using Cairn.Node;
using Cairn.Raft;
using Cairn.State;

namespace Cairn.Server;

/// <summary>
/// The way into the cluster shared by the HTTP and gRPC front ends: proposes commands (tagged with a client session for
/// exactly-once), runs reads (linearizable through ReadIndex, or stale from local state) and membership changes, each
/// bounded by the request timeout. Thread-safe.
/// </summary>
internal sealed class CommandGateway(NodeHost node, ReplicatedStateMachine machine, TimeSpan timeout)
{
    /// <summary>How long a request may wait for the cluster.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>The applied index of the latest snapshot this node restored (0 if none).</summary>
    public ulong RestoredIndex => machine.RestoredIndex;

    /// <summary>Proposes <paramref name="command"/> and waits until it is applied, refused or timed out.</summary>
    public async Task<GatewayOutcome> ProposeAsync(StateCommand command, ulong sessionId, ulong sequence, CancellationToken cancellationToken)
    {
        var bytes = StateCodec.EncodeCommand(command, sessionId, sequence);
        return await RunAsync(async token =>
        {
            var outcome = await node.ProposeAsync(bytes, token).ConfigureAwait(false);
            return outcome.Status == ProposalStatus.Applied ? GatewayOutcome.Done((StateResponse?)outcome.Result) : GatewayOutcome.Refused(outcome);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers a read from local state, after a ReadIndex barrier unless <paramref name="linearizable"/> is false.</summary>
    public Task<GatewayOutcome> QueryAsync(StateCommand query, bool linearizable, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            if (linearizable)
            {
                var barrier = await node.ReadIndexAsync(token).ConfigureAwait(false);
                if (barrier.Status != ProposalStatus.Applied)
                {
                    return GatewayOutcome.Refused(barrier);
                }
            }

            return GatewayOutcome.Done(await node.Query(_ => machine.Machine.Query(query), token).ConfigureAwait(false));
        }, cancellationToken);

    /// <summary>Proposes a membership change and waits until it is applied, refused or timed out.</summary>
    public Task<GatewayOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            var outcome = await node.ChangeMembershipAsync(change, token).ConfigureAwait(false);
            return outcome.Status == ProposalStatus.Applied ? GatewayOutcome.Done(EmptyResponse.Instance) : GatewayOutcome.Refused(outcome);
        }, cancellationToken);

    private async Task<GatewayOutcome> RunAsync(Func<CancellationToken, Task<GatewayOutcome>> run, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await run(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GatewayOutcome.TimedOut;
        }
    }
}

/// <summary>How a gateway request ended: applied with the state machine's response, refused by the node, or timed out.</summary>
/// <param name="Response">The state machine's response when applied (it may be an <see cref="ErrorResponse"/>).</param>
/// <param name="Refusal">The node's refusal (not leader, busy, rejected, stopped), when refused.</param>
/// <param name="IsTimeout">No answer within the request timeout.</param>
internal readonly record struct GatewayOutcome(StateResponse? Response, ProposalOutcome? Refusal, bool IsTimeout)
{
    public static readonly GatewayOutcome TimedOut = new(null, null, true);

    public bool Applied => Refusal is null && !IsTimeout;

    public static GatewayOutcome Done(StateResponse? response) => new(response, null, false);

    public static GatewayOutcome Refused(ProposalOutcome refusal) => new(null, refusal, false);
}
