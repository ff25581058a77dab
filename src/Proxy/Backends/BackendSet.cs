using System.Collections.Frozen;

namespace Switchyard.Proxy.Backends;

/// <summary>The backends in force and their pools, immutable: a reload builds a new set and swaps it in whole, so a
/// reader that takes the set once (a /status page, a scrape) sees one consistent list and map.</summary>
internal sealed class BackendSet
{
    public BackendSet(BackendEndpoint primary, IReadOnlyList<BackendPool> pools)
    {
        Primary = primary;
        Pools = pools.ToFrozenDictionary(p => p.Endpoint.Name, StringComparer.Ordinal);
        PrimaryPool = Pools[primary.Name];
        // The primary first, then the replicas in configuration order.
        Backends = [primary, .. pools.Select(p => p.Endpoint).Where(b => !ReferenceEquals(b, primary))];
        Replicas = [.. Backends.Where(b => !ReferenceEquals(b, primary)).Select(b => Pools[b.Name])];
    }

    public BackendEndpoint Primary { get; }
    public BackendPool PrimaryPool { get; }
    public IReadOnlyList<BackendEndpoint> Backends { get; }
    public FrozenDictionary<string, BackendPool> Pools { get; }
    public IReadOnlyList<BackendPool> Replicas { get; }

    /// <summary>This set with <paramref name="removed"/> taken out and <paramref name="added"/> appended.</summary>
    public BackendSet With(IReadOnlyCollection<BackendPool> removed, IReadOnlyList<BackendPool> added) =>
        new(Primary, [PrimaryPool, .. Replicas.Where(p => !removed.Contains(p)), .. added]);
}
