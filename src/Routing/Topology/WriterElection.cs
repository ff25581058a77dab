namespace Switchyard.Routing.Topology;

/// <summary>
/// Chooses the active writer of a multi-primary (or Galera) topology: pure, values in and out.
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="number">
/// <item>An operator's override wins while that writer is healthy; when it is not, the override is dropped.</item>
/// <item>A healthy active writer stays, except that with automatic failback the earliest writer before it in the
/// order that has been healthy for the failback delay takes over (so a writer that flaps never gets writes back).</item>
/// <item>Otherwise (no active writer, or it is unhealthy) the first healthy writer in order takes over at once: a
/// failover never waits for the failback delay.</item>
/// <item>No healthy writer: none is active.</item>
/// </list>
/// </remarks>
internal static class WriterElection
{
    public static ElectionOutcome Elect(ElectionInput input)
    {
        var writers = input.Writers;
        if (input.Override is { } chosen)
        {
            var index = IndexOf(writers, chosen);
            if (index >= 0 && writers[index].Healthy)
                return new ElectionOutcome(chosen, chosen == input.Current ? WriterChange.None : WriterChange.Switchover, chosen, null);
        }

        var current = input.Current is { } name ? IndexOf(writers, name) : -1;
        if (current >= 0 && writers[current].Healthy)
        {
            if (input.Failback == FailbackPolicy.Manual)
                return new ElectionOutcome(input.Current, WriterChange.None, null, null);
            DateTimeOffset? due = null;
            for (var i = 0; i < current; i++)
            {
                if (writers[i] is not { Healthy: true, HealthySince: { } since })
                    continue;
                var at = since + input.FailbackAfter;
                if (at <= input.Now)
                    return new ElectionOutcome(writers[i].Name, WriterChange.Failback, null, null);
                due = due is { } earlier && earlier < at ? earlier : at;
            }
            return new ElectionOutcome(input.Current, WriterChange.None, null, due);
        }

        for (var i = 0; i < writers.Count; i++)
        {
            if (!writers[i].Healthy)
                continue;
            var change = !input.Started ? WriterChange.Initial
                : input.Current is null ? WriterChange.Recovered
                : WriterChange.Failover;
            return new ElectionOutcome(writers[i].Name, change, null, null);
        }
        return new ElectionOutcome(null, input.Current is null ? WriterChange.None : WriterChange.Lost, null, null);
    }

    private static int IndexOf(IReadOnlyList<WriterCandidate> writers, string name)
    {
        for (var i = 0; i < writers.Count; i++)
        {
            if (string.Equals(writers[i].Name, name, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }
}
