namespace Switchyard.IntegrationTests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping for a guessed time.</summary>
internal static class Poll
{
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, what, () => "");

    /// <summary>As above; <paramref name="state"/> describes what was last seen, for the failure message.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> state)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting until {what}" + (state() is { Length: > 0 } seen ? $" (last seen: {seen})" : ""));
            await Task.Delay(20);
        }
    }
}
