namespace Switchyard.Routing.Conflicts;

/// <summary>One node's summary of one key range: how many rows and the XOR of their row checksums.</summary>
internal readonly record struct ChunkChecksum(long Rows, long Checksum);
