using System.Buffers;

namespace Parley.Fuzz;

/// <summary>One segment of a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands out when data spans its buffers.</summary>
internal sealed class ChainedSegment : ReadOnlySequenceSegment<byte>
{
    public ChainedSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    /// <summary>Links <paramref name="memory"/> after this segment and returns the new last segment.</summary>
    public ChainedSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ChainedSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }

    /// <summary>The input cut into segments of 1 to 7 bytes, as one sequence.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> input, int cycle)
    {
        if (input.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var size = Math.Min(1 + (cycle++ % 7), input.Length);
        var first = new ChainedSegment(input[..size].ToArray());
        var last = first;
        for (var offset = size; offset < input.Length; offset += size)
        {
            size = Math.Min(1 + (cycle++ % 7), input.Length - offset);
            last = last.Append(input.Slice(offset, size).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
