using System.Runtime.CompilerServices;
using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>A database of its own for one test, created and dropped directly on the primary, so that tests
/// sharing the cluster (and other engineers' runs) never see each other's tables.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name) => Name = name;

    public string Name { get; }

    public static async Task<TestDatabase> CreateAsync([CallerMemberName] string test = "")
    {
        var stem = new string(test.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        if (stem.Length > 40)
            stem = stem[..40];
        var name = $"it_{stem}_{Guid.NewGuid():N}"[..Math.Min(64, 4 + stem.Length + 13)];
        await Sql.ExecuteAsync(Cluster.Root(), $"CREATE DATABASE `{name}`");
        return new TestDatabase(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Sql.ExecuteAsync(Cluster.Root(), $"DROP DATABASE IF EXISTS `{Name}`");
        }
        catch (MySqlException)
        {
            // Best effort: a leftover database is harmless and named after its test.
        }
    }

    public override string ToString() => Name;
}
