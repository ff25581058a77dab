using Switchyard.Proxy.Tests.Support;
namespace Switchyard.Proxy.Tests.Cli;

/// <summary>`switchyard --check-config FILE`, through the real entry point. Console output is process-wide, so these
/// tests are in a collection of their own that runs alone.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CheckConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CheckConfig_InvalidFile_PrintsEveryErrorWithLineAndColumnAndFails()
    {
        var path = Path.Combine(_directory, "bad.yaml");
        File.WriteAllText(path, """
            backend_credentials:
              user: switchyard
            users:
              - name: app
            backends:
              - name: primary
                address: 127.0.0.1:3306
                role: primary
            rules:
              - match: { regex: '(' }
                route: reporting
            """);

        var (exit, output, errors) = await RunAsync("--check-config", path);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("2 configuration error(s)", errors);
        Assert.Contains("line 10, column 21: 'rules[0].match.regex' is not a valid regular expression", errors);
        Assert.Contains("line 11, column 12: 'rules[0].route' names backend group 'reporting'", errors);
    }

    [Fact]
    public async Task CheckConfig_ShippedFile_PrintsTheSummaryAndSucceeds()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "switchyard.yaml");

        var (exit, output, errors) = await RunAsync("--check-config", path);

        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        Assert.Contains(": OK", output);
        Assert.Contains("replica1         127.0.0.1:3307         replica  weight 1, region local-a, groups reporting", output);
        Assert.Contains("rules            none", output);
    }

    private static Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => ProgramRun.RunAsync(args);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
