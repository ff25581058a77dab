using BenchmarkDotNet.Running;

namespace Switchyard.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job</c>, <c>--list</c> and the other
/// command-line options work (see benchmarks/README.md); <c>relay PORT BACKEND</c> and <c>epoll-relay PORT BACKEND</c>
/// and <c>pipeline-relay PORT BACKEND LANES</c> run the floor relays instead (<see cref="Floor.ByteRelay"/>,
/// <see cref="Floor.EpollRelay"/>, <see cref="Floor.PipelineRelay"/>, used by scripts/bench-floor.sh).</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["relay", var port, var backend])
            await Floor.ByteRelay.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), backend);
        else if (args is ["epoll-relay", var epollPort, var epollBackend])
            Floor.EpollRelay.Run(int.Parse(epollPort, System.Globalization.CultureInfo.InvariantCulture), epollBackend);
        else if (args is ["pipeline-relay", var pipelinePort, var pipelineBackend, var lanes])
            Floor.PipelineRelay.Run(int.Parse(pipelinePort, System.Globalization.CultureInfo.InvariantCulture), pipelineBackend,
                int.Parse(lanes, System.Globalization.CultureInfo.InvariantCulture));
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
