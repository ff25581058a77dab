namespace Switchyard.Proxy.Tests.Support;

/// <summary>Waits for a condition by polling until a deadline: never a sleep standing in for synchronisation.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(10);
        }
    }
}
