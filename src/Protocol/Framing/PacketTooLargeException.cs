namespace Switchyard.Protocol.Framing;

/// <summary>A peer announced a payload larger than the configured limit.</summary>
public sealed class PacketTooLargeException(long length, long limit)
    : Exception($"packet of {length} bytes is larger than the limit of {limit} bytes")
{
    public long Length { get; } = length;
    public long Limit { get; } = limit;
}
