using System.Buffers.Binary;
using System.Numerics;

namespace Cairn.Storage;

/// <summary>
/// CRC-32C (Castagnoli). Chosen over XXH3 because it is an error-detecting code rather than a hash: it detects
/// every burst error up to 32 bits and every error of up to a few bits in records of the sizes we write, which
/// is the damage disks and torn writes produce; and <see cref="BitOperations.Crc32C(uint, ulong)"/> runs it on
/// the CPU's crc32 instruction with no package to add (ext4, iSCSI and RocksDB make the same choice).
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
