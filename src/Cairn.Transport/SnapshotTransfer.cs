using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>A snapshot being streamed in chunks: the message, its transfer id, and the next data offset to send.</summary>
/// <param name="Message">The InstallSnapshot message with the full data.</param>
/// <param name="Id">The transfer id the chunks carry.</param>
/// <param name="Offset">The next byte of data to send.</param>
internal sealed record SnapshotTransfer(Message Message, ulong Id, long Offset);
