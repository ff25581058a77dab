namespace Switchyard.Proxy.Configuration;

/// <summary>
/// The configuration in force, swapped whole by a reload. Readers take <see cref="Current"/> once per statement
/// and use that snapshot throughout, so a statement in flight finishes under the configuration it started with
/// while the next one sees the new one. Nothing here blocks readers: the swap is one volatile write.
/// </summary>
public sealed class LiveConfig(SwitchyardConfig initial)
{
    private volatile SwitchyardConfig _current = initial;
    private long _generation;

    /// <summary>The latest valid configuration (an invalid file never gets here).</summary>
    public SwitchyardConfig Current => _current;

    /// <summary>How many configurations were published after the first: 0 until the first successful reload.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Raised after <see cref="Current"/> changed, on the reloading thread, with the new configuration.
    /// Handlers must be quick and must not throw; one that throws does not stop the others.</summary>
    public event Action<SwitchyardConfig>? Changed;

    /// <summary>Makes <paramref name="next"/> current and notifies the subscribers; returns the exceptions of the
    /// ones that failed, for the caller to log.</summary>
    internal IReadOnlyList<Exception> Publish(SwitchyardConfig next)
    {
        _current = next;
        Interlocked.Increment(ref _generation);
        var failures = new List<Exception>();
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<SwitchyardConfig>)handler)(next);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        return failures;
    }
}
