using Cairn.Api.V1;
using Cairn.State.Kv;
using Google.Protobuf;
using Grpc.Core;
using KeyValue = Cairn.State.Kv.KeyValue;

namespace Cairn.Server.Grpc;

/// <summary>The <c>cairn.v1.KV</c> service over the command gateway.</summary>
internal sealed class KvGrpcService(CommandGateway gateway, GrpcOutcomes outcomes) : KV.KVBase
{
    public override async Task<RangeResponse> Range(RangeRequest request, ServerCallContext context)
    {
        var outcome = await gateway.QueryAsync(ToRange(request), request.Consistency == Consistency.Linearizable, context.CancellationToken).ConfigureAwait(false);
        var txn = outcomes.Expect<KvTxnResponse>(outcome);
        return ToProto((KvRangeResponse)txn.Responses[0], txn.Revision);
    }

    public override async Task<PutResponse> Put(PutRequest request, ServerCallContext context)
    {
        var txn = await ProposeAsync(new KvPutCommand(request.Key.ToByteArray(), request.Value.ToByteArray(), request.Lease), context).ConfigureAwait(false);
        return new PutResponse { Revision = txn.Revision };
    }

    public override async Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context)
    {
        var txn = await ProposeAsync(new KvDeleteCommand(request.Key.ToByteArray(), request.Prefix), context).ConfigureAwait(false);
        return new DeleteResponse { Revision = txn.Revision, Deleted = ((KvDeleteResponse)txn.Responses[0]).Deleted };
    }

    public override async Task<TxnResponse> Txn(Api.V1.TxnRequest request, ServerCallContext context)
    {
        var command = new KvTxnCommand(
            [.. request.Compare.Select(ToCompare)],
            [.. request.Success.Select((op, i) => ToOperation(op, $"success[{i}]"))],
            [.. request.Failure.Select((op, i) => ToOperation(op, $"failure[{i}]"))]);
        var txn = await ProposeAsync(command, context).ConfigureAwait(false);
        var response = new TxnResponse { Revision = txn.Revision, Succeeded = txn.Succeeded };
        response.Results.AddRange(txn.Responses.Select(r => r switch
        {
            KvRangeResponse range => new OperationResult { Get = ToProto(range, txn.Revision) },
            KvDeleteResponse deleted => new OperationResult { Delete = new DeleteResponse { Revision = txn.Revision, Deleted = deleted.Deleted } },
            _ => new OperationResult { Put = new PutResponse { Revision = txn.Revision } },
        }));
        return response;
    }

    public override async Task<CompactResponse> Compact(CompactRequest request, ServerCallContext context)
    {
        var (session, sequence) = GrpcOutcomes.Session(context);
        var outcome = await gateway.ProposeAsync(new KvCompactCommand(request.Revision), session, sequence, context.CancellationToken).ConfigureAwait(false);
        var compacted = outcomes.Expect<KvCompactResponse>(outcome);
        return new CompactResponse { Revision = compacted.Revision, CompactRevision = compacted.CompactRevision };
    }

    internal static Api.V1.KeyValue ToProto(KeyValue kv) => new()
    {
        Key = ByteString.CopyFrom(kv.Key),
        Value = ByteString.CopyFrom(kv.Value),
        CreateRevision = kv.CreateRevision,
        ModRevision = kv.ModRevision,
        Version = kv.Version,
        Lease = kv.LeaseId,
    };

    private async Task<KvTxnResponse> ProposeAsync(Cairn.State.StateCommand command, ServerCallContext context)
    {
        var (session, sequence) = GrpcOutcomes.Session(context);
        var outcome = await gateway.ProposeAsync(command, session, sequence, context.CancellationToken).ConfigureAwait(false);
        return outcomes.Expect<KvTxnResponse>(outcome);
    }

    private static KvRangeCommand ToRange(RangeRequest request) => new(request.Key.ToByteArray(), request.Prefix, request.Limit);

    private static RangeResponse ToProto(KvRangeResponse range, ulong revision)
    {
        var response = new RangeResponse { Revision = revision, More = range.More };
        response.Kvs.AddRange(range.Kvs.Select(ToProto));
        return response;
    }

    private static KvCompare ToCompare(Compare compare, int index) => compare.Target switch
    {
        Compare.Types.Target.Value => new KvCompare(compare.Key.ToByteArray(), KvCompareTarget.Value, Operator(compare.Op, index), 0, compare.Value.ToByteArray()),
        Compare.Types.Target.Version => new KvCompare(compare.Key.ToByteArray(), KvCompareTarget.Version, Operator(compare.Op, index), compare.Number, []),
        Compare.Types.Target.CreateRevision => new KvCompare(compare.Key.ToByteArray(), KvCompareTarget.CreateRevision, Operator(compare.Op, index), compare.Number, []),
        Compare.Types.Target.ModRevision => new KvCompare(compare.Key.ToByteArray(), KvCompareTarget.ModRevision, Operator(compare.Op, index), compare.Number, []),
        Compare.Types.Target.Exists => new KvCompare(compare.Key.ToByteArray(), KvCompareTarget.Exists, Operator(compare.Op, index), compare.Number, []),
        _ => throw GrpcOutcomes.Failure(StatusCode.InvalidArgument, "invalid_argument", $"compare[{index}].target: unknown target {compare.Target}"),
    };

    private static KvCompareOperator Operator(Compare.Types.Operator op, int index) => op switch
    {
        Compare.Types.Operator.Equal => KvCompareOperator.Equal,
        Compare.Types.Operator.NotEqual => KvCompareOperator.NotEqual,
        Compare.Types.Operator.Less => KvCompareOperator.Less,
        Compare.Types.Operator.Greater => KvCompareOperator.Greater,
        _ => throw GrpcOutcomes.Failure(StatusCode.InvalidArgument, "invalid_argument", $"compare[{index}].op: unknown operator {op}"),
    };

    private static KvRequestOp ToOperation(Operation operation, string field) => operation.OpCase switch
    {
        Operation.OpOneofCase.Put => new KvPutCommand(operation.Put.Key.ToByteArray(), operation.Put.Value.ToByteArray(), operation.Put.Lease),
        Operation.OpOneofCase.Delete => new KvDeleteCommand(operation.Delete.Key.ToByteArray(), operation.Delete.Prefix),
        Operation.OpOneofCase.Get => ToRange(operation.Get),
        _ => throw GrpcOutcomes.Failure(StatusCode.InvalidArgument, "invalid_argument", $"{field}: must set put, delete or get"),
    };
}
