using BenchmarkDotNet.Running;

namespace Switchyard.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job</c>, <c>--list</c> and the other
/// command-line options work (see benchmarks/README.md); <c>relay PORT BACKEND</c> runs the floor relay instead
/// (<see cref="Floor.ByteRelay"/>, used by scripts/bench-floor.sh).</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["relay", var port, var backend])
            await Floor.ByteRelay.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), backend);
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
