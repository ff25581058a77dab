namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// SIGSTOP that has taken effect when it returns. kill(2) only queues the signal: the group stop begins when one thread
/// of the target runs and takes it, and until then its other threads go on serving queries. On a loaded 2-core machine
/// that took milliseconds, long enough for a test to see a "frozen" server answer reads sent after kill returned.
/// So this waits until every thread of the process is in the stopped state (T in /proc/PID/task/TID/stat).
/// </summary>
internal static class ProcessFreeze
{
    public static async Task StopAsync(int pid)
    {
        await PrivateMariaDb.RunAsync("kill", "-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Poll.UntilAsync(() => Task.FromResult(AllThreadsStopped(pid)), TimeSpan.FromSeconds(10),
            $"every thread of process {pid} is stopped after SIGSTOP", () => string.Join(' ', ThreadStates(pid)));
    }

    public static Task ContinueAsync(int pid) =>
        PrivateMariaDb.RunAsync("kill", "-CONT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool AllThreadsStopped(int pid)
    {
        var states = ThreadStates(pid).ToList();
        return states.Count > 0 && states.All(state => state is 'T' or 't' or 'Z' or 'X');
    }

    /// <summary>The state letter of each thread: the field after the command name in parentheses, which may hold
    /// spaces and parentheses itself, so the last ')' ends it.</summary>
    private static IEnumerable<char> ThreadStates(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }
        foreach (var task in tasks)
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                continue; // the thread ended meanwhile
            }
            var end = stat.LastIndexOf(')');
            if (end > 0 && end + 2 < stat.Length)
                yield return stat[end + 2];
        }
    }
}
