using System.Net;
using Cairn.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Transport;

/// <summary>The transport's log lines. Event ids 4000–4099 belong to Cairn.Transport.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(4000, LogLevel.Information, "Peer transport of {LocalId} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, NodeId localId, EndPoint endPoint);

    [LoggerMessage(4001, LogLevel.Information, "Connected to peer {PeerId} at {EndPoint}")]
    public static partial void Connected(ILogger logger, NodeId peerId, EndPoint endPoint);

    [LoggerMessage(4002, LogLevel.Debug, "Connection to peer {PeerId} at {EndPoint} failed; retrying in {Delay}")]
    public static partial void ConnectionFailed(ILogger logger, NodeId peerId, EndPoint endPoint, TimeSpan delay, Exception exception);

    [LoggerMessage(4003, LogLevel.Warning, "Refused inbound connection from {Remote}: {Reason}")]
    public static partial void HandshakeRejected(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "Closed inbound connection from {PeerId} at {Remote}: {Reason}")]
    public static partial void ProtocolError(ILogger logger, NodeId peerId, EndPoint? remote, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "Dropped {Type} to {PeerId}: {Reason}")]
    public static partial void Dropped(ILogger logger, string type, NodeId peerId, string reason);

    [LoggerMessage(4006, LogLevel.Debug, "Inbound connection from {PeerId} at {Remote} ended")]
    public static partial void InboundClosed(ILogger logger, NodeId peerId, EndPoint? remote, Exception? exception);
}
