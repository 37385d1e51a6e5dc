using System.Buffers.Binary;
using System.Numerics;

namespace Cairn.Primitives;

/// <summary>
/// CRC-32C (Castagnoli), as the write-ahead log and the peer frames carry it, computed with the CPU's crc32
/// instruction eight bytes at a time (<see cref="BitOperations.Crc32C(uint, ulong)"/>; no package). Chosen over a hash
/// such as XXH3 because it is an error-detecting code: it detects every burst error up to 32 bits and every error of
/// a few bits in records of our sizes, which is the damage disks, torn writes and networks produce; ext4, iSCSI and
/// RocksDB make the same choice. Thread-safe (pure functions).
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF, as in iSCSI and ext4).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>
    /// Continues a raw (not finalized) CRC over more bytes: start from <see cref="uint.MaxValue"/>, append every piece,
    /// and complement the end result to get <see cref="Compute"/>'s value.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
