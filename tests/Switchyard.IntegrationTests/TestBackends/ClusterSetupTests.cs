using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.TestBackends;

/// <summary>
/// The container path sets its servers up from <see cref="ClusterSetup"/>; scripts/cluster.sh (the default path, CI's)
/// has its own copy in bash. These tests run the script's own functions with `sql` replaced by a printer, and read its
/// server options, so that the two cannot drift apart unnoticed. No server is needed.
/// </summary>
public sealed partial class ClusterSetupTests
{
    private static readonly string Script = Path.Combine(Cluster.RepositoryRoot, "scripts", "cluster.sh");

    [Fact]
    public async Task TheReplicationUserIsCreatedWithTheStatementsClusterShRuns() =>
        Assert.Equal(ClusterSetup.ReplicationUserStatements, (await RenderAsync())["setup_repl_user"]);

    [Fact]
    public async Task UsersDatabasesAndPrivilegesAreTheOnesClusterShCreatesOnThePrimary() =>
        Assert.Equal(ClusterSetup.PrimaryStatements, (await RenderAsync())["setup_primary"]);

    [Fact]
    public async Task ReplicasArePointedAtThePrimaryWithTheStatementsClusterShRuns() =>
        Assert.Equal([.. ClusterSetup.PointReplicaStatements("127.0.0.1", 3306), ClusterSetup.StartReplicaStatement],
            (await RenderAsync())["setup_replica"]);

    [Fact]
    public async Task InstancesAndServerIdsAreClusterShs()
    {
        var rendered = await RenderAsync();
        Assert.Equal(ClusterSetup.Instances, rendered["instances"]);
        Assert.Equal(ClusterSetup.Instances.Select(i => ClusterSetup.ServerId(i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            rendered["server_ids"]);
    }

    [Fact]
    public async Task EveryServerStartsWithTheOptionsClusterShGivesItsServers()
    {
        var text = await File.ReadAllTextAsync(Script);
        var start = text.IndexOf("setsid mariadbd", StringComparison.Ordinal);
        var end = text.IndexOf("\"${extra[@]}\"", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "cluster.sh's start_instance no longer starts mariadbd as this test expects");
        // Options with a shell expansion are where this instance keeps its files and listens (datadir, port, socket,
        // pid and log files) and its server_id: they differ by path by design, server ids are compared above. A
        // container reads its image's configuration (no --no-defaults), where bind-address is commented out so that the
        // server listens on the containers' network; the host reaches it through a port published on 127.0.0.1 only.
        var options = Option().Matches(text[start..end]).Select(m => m.Value)
            .Where(o => !o.Contains('$') && o is not "--no-defaults" && !o.StartsWith("--bind-address=", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(options, ClusterSetup.ServerOptions(1, replica: false).Where(o => !o.StartsWith("--server-id=", StringComparison.Ordinal)));
        Assert.Contains("extra+=(--read-only=1)", text);
        Assert.Equal(["--read-only=1"], ClusterSetup.ServerOptions(2, replica: true).Except(ClusterSetup.ServerOptions(1, replica: false))
            .Where(o => !o.StartsWith("--server-id=", StringComparison.Ordinal)));
        Assert.Equal(ClusterSetup.ServerOptions(1, replica: false).Count + 1, ClusterSetup.ServerOptions(2, replica: true).Count);
    }

    [GeneratedRegex(@"--[a-z0-9-]+(=\S+)?")]
    private static partial Regex Option();

    /// <summary>Runs cluster.sh's setup functions (everything above its command dispatch) with `sql` printing the SQL it
    /// is given instead of sending it, and returns each function's statements, whitespace-normalised, by function.</summary>
    private static async Task<Dictionary<string, List<string>>> RenderAsync()
    {
        var directory = Directory.CreateTempSubdirectory("switchyard-cluster-sh-");
        try
        {
            // A copy beside a copy of lib/common.sh, since the script sources that relative to itself.
            Directory.CreateDirectory(Path.Combine(directory.FullName, "lib"));
            File.Copy(Path.Combine(Cluster.RepositoryRoot, "scripts", "lib", "common.sh"), Path.Combine(directory.FullName, "lib", "common.sh"));
            var text = await File.ReadAllTextAsync(Script);
            var dispatch = text.IndexOf("\ncase ${1:-} in", StringComparison.Ordinal);
            Assert.True(dispatch > 0, "cluster.sh no longer ends with its `case ${1:-} in` dispatch");
            var functions = Path.Combine(directory.FullName, "cluster-functions.sh");
            await File.WriteAllTextAsync(functions, text[..dispatch]);
            const string driver = """
                source "$1"
                # The last argument of `sql PORT ... -e STATEMENT`, or the SQL on standard input (a heredoc).
                sql() {
                    local last; for last in "$@"; do :; done
                    if [[ " $* " == *" -e "* ]]; then [[ $last == 'SHOW SLAVE STATUS\G' ]] || printf '%s;\n' "$last"; else cat; fi
                }
                echo '#setup_repl_user'; setup_repl_user 1
                echo '#setup_primary'; setup_primary
                echo '#setup_replica'; PRIMARY_PORT=3306; setup_replica 2
                echo '#instances'; printf '%s;\n' "${INSTANCES[@]}"
                echo '#server_ids'; for name in "${INSTANCES[@]}"; do echo "$(server_id_of "$name");"; done
                """;
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["-c", driver, "render", functions])
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"rendering cluster.sh's setup failed ({process.ExitCode}): {await error}");
            return Sections(await output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>();
        foreach (var section in output.Split('#', StringSplitOptions.RemoveEmptyEntries))
        {
            var newline = section.IndexOf('\n');
            sections[section[..newline]] = [.. section[(newline + 1)..]
                .Split(';')
                .Select(s => Whitespace().Replace(s, " ").Trim())
                .Where(s => s.Length > 0)];
        }
        return sections;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
