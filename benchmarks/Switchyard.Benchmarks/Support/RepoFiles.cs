namespace Switchyard.Benchmarks.Support;

/// <summary>Finds files of the repository from wherever BenchmarkDotNet runs the benchmark process (it builds and
/// starts a generated project in a folder under bin/), by walking up to the folder that holds Switchyard.sln.</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("SWITCHYARD_ROOT") is { Length: > 0 } fromEnvironment)
            return fromEnvironment;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("Switchyard.sln not found above the benchmark's folder; set SWITCHYARD_ROOT to the repository root");
    }
}
