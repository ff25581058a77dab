using System.Text;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class LocalInfileTests(ProxyFixture proxy) : IDisposable
{
    private const int Rows = 40_000; // about 1.5 MB: the file goes up in many packets
    private readonly string _file = WriteCsv();

    /// <summary>MySqlConnector refuses a server-requested file without TLS (it only trusts MySqlBulkLoader's own
    /// file name), so the plain SQL statement is sent by the mariadb client, as an operator would.</summary>
    [Fact]
    public async Task LoadDataLocalInfileUploadsTheWholeFile()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE li (id INT PRIMARY KEY, name VARCHAR(50), note VARCHAR(50))");

        var result = await MariaDbCli.RunAsync(proxy.Port, db.Name,
            $"LOAD DATA LOCAL INFILE '{_file}' INTO TABLE li CHARACTER SET utf8mb4 FIELDS TERMINATED BY ','; SELECT ROW_COUNT(), 'after'",
            "--local-infile=1", "--batch", "--skip-column-names");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"{Rows}\tafter\n", result.Output);
        await AssertLoadedAsync(db);
    }

    [Fact]
    public async Task MySqlBulkLoaderWithALocalFileLoadsEveryRow()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE li (id INT PRIMARY KEY, name VARCHAR(50), note VARCHAR(50))");
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name, extra: "AllowLoadLocalInfile=true"));
        await connection.OpenAsync();

        var loader = new MySqlBulkLoader(connection)
        {
            FileName = _file,
            TableName = "li",
            Local = true,
            FieldTerminator = ",",
            LineTerminator = "\n",
        };
        var loaded = await loader.LoadAsync();

        Assert.Equal(Rows, loaded);
        await AssertLoadedAsync(db);
    }

    [Fact]
    public async Task LoadDataLocalInfileIntoAMissingTableReportsTheServersError()
    {
        await using var db = await TestDatabase.CreateAsync();
        var sql = $"LOAD DATA LOCAL INFILE '{_file}' INTO TABLE missing FIELDS TERMINATED BY ','";

        var direct = await Sql.ErrorAsync(Cluster.Direct(db.Name, extra: "AllowLoadLocalInfile=true"), sql);
        var proxied = await Sql.ErrorAsync(proxy.Proxy(db.Name, extra: "AllowLoadLocalInfile=true"), sql);

        Assert.Equal(1146, proxied.Number);
        Assert.Equal((direct.Number, direct.SqlState, direct.Message), (proxied.Number, proxied.SqlState, proxied.Message));
    }

    private static async Task AssertLoadedAsync(TestDatabase db)
    {
        await using var direct = new MySqlConnection(Cluster.Direct(db.Name));
        await direct.OpenAsync();
        var summary = await Sql.RowsAsync(direct, "SELECT COUNT(*), SUM(id), MAX(name), MIN(note) FROM li");
        Assert.Equal([Rows.ToString(), ((long)Rows * (Rows + 1) / 2).ToString(), "name 9999 ✓", "note 1"], summary[0]);
    }

    private static string WriteCsv()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-infile-{Guid.NewGuid():N}.csv");
        var text = new StringBuilder();
        for (var i = 1; i <= Rows; i++)
            text.Append(i).Append(",name ").Append(i % 10_000).Append(" ✓,note ").Append(i).Append('\n');
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }

    public void Dispose() => File.Delete(_file);
}
