using Switchyard.Proxy;

namespace Switchyard.Proxy.Tests.Support;

/// <summary>Runs the executable's entry point in-process with its console captured. The console is process-wide, so
/// runs are serialised: two test classes running in parallel would otherwise capture each other's output.</summary>
internal static class ProgramRun
{
    private static readonly SemaphoreSlim Console_ = new(1, 1);

    public static async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        await Console_.WaitAsync();
        var (output, errors) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            var exit = await Program.Main(args);
            return (exit, output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            Console_.Release();
        }
    }
}
