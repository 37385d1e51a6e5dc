namespace Cairn.Transport;

/// <summary>Writes a frame payload body into exactly the span it is given.</summary>
/// <typeparam name="TState">What to write.</typeparam>
internal delegate void SpanWriter<in TState>(TState state, Span<byte> destination);
