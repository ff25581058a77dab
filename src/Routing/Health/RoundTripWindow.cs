namespace Switchyard.Routing.Health;

/// <summary>
/// The round trip a backend is ranked by: the shortest of its last <see cref="Size"/> healthy checks. One check's time
/// swings with the load on both ends (a monitor continuation that runs late adds milliseconds, and a burst of work in
/// the proxy can delay several checks in a row), and waiting only ever adds to the path's own time; so the
/// minimum over a short window ignores a burst of slow checks shorter than the window, takes a faster figure at once,
/// and follows a path that really got longer after exactly <see cref="Size"/> checks.
/// </summary>
internal sealed class RoundTripWindow
{
    public const int Size = 5;

    private readonly TimeSpan[] _samples = new TimeSpan[Size];
    private int _count;
    private int _next;

    /// <summary>Adds a healthy check's time and returns the window's minimum.</summary>
    public TimeSpan Add(TimeSpan sample)
    {
        _samples[_next] = sample;
        _next = (_next + 1) % Size;
        if (_count < Size)
            _count++;
        var minimum = _samples[0];
        for (var i = 1; i < _count; i++)
        {
            if (_samples[i] < minimum)
                minimum = _samples[i];
        }
        return minimum;
    }

    /// <summary>Forgets every sample: after a failed check the path may be a different one.</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }
}
