using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Sessions.Grains.Entities;

/// <summary>
/// XxHash3 of a string's UTF-16 code units: the same in every process and every run (unlike
/// <see cref="string.GetHashCode()"/>), so it can be stored (dedupe keys), spread work (outbox shards) and place an
/// entity's snapshot points alike in every silo. Not Orleans' own <c>StableHash</c>: the dedupe hashes already stored
/// were made with this one and must never change.
/// </summary>
public static class KeyHash
{
    public static ulong Of(string text) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan()));
}
