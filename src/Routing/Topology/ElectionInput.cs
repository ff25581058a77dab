namespace Switchyard.Routing.Topology;

/// <summary>Everything an election decides from.</summary>
/// <param name="Writers">The writers in failover order (configuration order).</param>
/// <param name="Current">The active writer before this election (null: none yet, or none was healthy).</param>
/// <param name="Failback">Whether writes return to an earlier writer by themselves.</param>
/// <param name="FailbackAfter">How long an earlier writer must have been healthy before automatic failback.</param>
/// <param name="Override">A writer an operator chose (null: none): active while it is healthy.</param>
/// <param name="Now">The time of the election.</param>
/// <param name="Started">Whether an election already ran: the first one is <see cref="WriterChange.Initial"/>.</param>
internal sealed record ElectionInput(
    IReadOnlyList<WriterCandidate> Writers,
    string? Current,
    FailbackPolicy Failback,
    TimeSpan FailbackAfter,
    string? Override,
    DateTimeOffset Now,
    bool Started = true);
