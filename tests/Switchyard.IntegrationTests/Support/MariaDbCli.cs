using System.Diagnostics;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Runs the `mariadb` command-line client, a real C client (libmariadb), against a port.</summary>
internal static class MariaDbCli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(int port, string? database, string sql, params string[] options)
    {
        var start = new ProcessStartInfo("/usr/bin/mariadb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--no-defaults", "--protocol=tcp", "--default-character-set=utf8mb4", $"-h{Cluster.Host}", $"-P{port}", "-uapp", "-papp", .. options])
            start.ArgumentList.Add(argument);
        if (database is not null)
            start.ArgumentList.Add($"-D{database}");
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"mariadb did not finish within 30 s: {sql}");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}
