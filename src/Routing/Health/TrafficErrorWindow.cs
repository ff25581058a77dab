namespace Switchyard.Routing.Health;

/// <summary>Connection errors that live client traffic met on one backend, within a sliding window: decides when
/// there were enough of them to shun the backend. Pure (time arrives as values) and not thread-safe: its owner
/// serialises calls.</summary>
internal sealed class TrafficErrorWindow(int threshold, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _errors = new();

    /// <summary>Errors currently inside the window.</summary>
    public int Count => _errors.Count;

    /// <summary>Records one error at <paramref name="at"/>. True when it makes <c>threshold</c> errors within the
    /// window: the window is then emptied, so the next shunning needs as many fresh errors.</summary>
    public bool Record(DateTimeOffset at)
    {
        _errors.Enqueue(at);
        while (_errors.Count > 0 && at - _errors.Peek() > window)
            _errors.Dequeue();
        if (_errors.Count < threshold)
            return false;
        _errors.Clear();
        return true;
    }
}
