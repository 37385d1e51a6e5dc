using Cairn.State.Codec;

namespace Cairn.State;

/// <summary>
/// A command for the state machine. Encode it with <see cref="StateCodec.EncodeCommand"/>; the dispatcher decodes and
/// routes it by <see cref="Module"/> and <see cref="Operation"/>.
/// </summary>
public abstract record StateCommand
{
    /// <summary>The module that applies the command.</summary>
    public abstract ModuleId Module { get; }

    /// <summary>The module-specific operation code.</summary>
    public abstract byte Operation { get; }

    /// <summary>Writes the body after the envelope; the module's decoder reads exactly these bytes back.</summary>
    internal abstract void WriteBody(StateWriter writer);
}
