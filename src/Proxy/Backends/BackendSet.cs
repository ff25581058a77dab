using System.Collections.Frozen;

namespace Switchyard.Proxy.Backends;

/// <summary>The backends in force and their pools, immutable: a reload builds a new set and swaps it in whole, so a
/// reader that takes the set once (a /status page, a scrape) sees one consistent list and map.</summary>
internal sealed class BackendSet
{
    /// <param name="writers">The backends with role primary, in configuration order (one in a primary-replica topology).</param>
    /// <param name="pools">Every pool, writers included.</param>
    /// <param name="writersServeReads">Multi-primary and Galera: reads spread over the writers as well as the replicas.</param>
    public BackendSet(IReadOnlyList<BackendPool> writers, IReadOnlyList<BackendPool> pools, bool writersServeReads)
    {
        Writers = writers;
        WritersServeReads = writersServeReads;
        Primary = writers[0].Endpoint;
        Pools = pools.ToFrozenDictionary(p => p.Endpoint.Name, StringComparer.Ordinal);
        PrimaryPool = writers[0];
        // The writers first, then the replicas in configuration order.
        Replicas = [.. pools.Where(p => !writers.Contains(p))];
        Backends = [.. writers.Select(w => w.Endpoint), .. Replicas.Select(p => p.Endpoint)];
        ReadPools = writersServeReads ? [.. writers, .. Replicas] : Replicas;
    }

    /// <summary>The first writer in configuration order (the one primary of a primary-replica topology); the active
    /// writer is <see cref="WriterSelector.Active"/>.</summary>
    public BackendEndpoint Primary { get; }
    public BackendPool PrimaryPool { get; }
    public IReadOnlyList<BackendPool> Writers { get; }
    public bool WritersServeReads { get; }
    public IReadOnlyList<BackendEndpoint> Backends { get; }
    public FrozenDictionary<string, BackendPool> Pools { get; }
    /// <summary>The backends with role replica.</summary>
    public IReadOnlyList<BackendPool> Replicas { get; }
    /// <summary>What reads are balanced over: the replicas, and in multi-primary and Galera topologies the writers too.</summary>
    public IReadOnlyList<BackendPool> ReadPools { get; }

    /// <summary>This set with <paramref name="removed"/> taken out and <paramref name="added"/> appended.</summary>
    public BackendSet With(IReadOnlyCollection<BackendPool> removed, IReadOnlyList<BackendPool> added) =>
        new(Writers, [.. Writers, .. Replicas.Where(p => !removed.Contains(p)), .. added], WritersServeReads);
}
