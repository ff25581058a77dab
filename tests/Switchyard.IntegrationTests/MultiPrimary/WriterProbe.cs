using System.Net;
using System.Text.Json;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>What the multi-primary tests ask of a proxy: where its writes land, its topology in /status, POST /writer.</summary>
internal static class WriterProbe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The server id of the writer the next write lands on: a transaction goes where writes go.</summary>
    public static async Task<int> WriterOfNextWriteAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "START TRANSACTION");
        var id = Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT @@server_id"));
        await Sql.ExecuteAsync(connection, "COMMIT");
        return id;
    }

    /// <summary>Like <see cref="WriterOfNextWriteAsync"/>, but a refused write is -1 instead of an exception.</summary>
    public static async Task<int> TryWriterOfNextWriteAsync(string connectionString)
    {
        try
        {
            return await WriterOfNextWriteAsync(connectionString);
        }
        catch (MySqlException)
        {
            return -1;
        }
    }

    /// <summary>The "topology" object of /status.</summary>
    public static async Task<JsonElement> TopologyAsync(SwitchyardServer server)
    {
        var body = await MetricsScrape.GetAsync(server, "/status");
        return JsonDocument.Parse(body).RootElement.GetProperty("topology").Clone();
    }

    public static async Task<string?> ActiveWriterAsync(SwitchyardServer server) =>
        (await TopologyAsync(server)).GetProperty("active_writer").GetString();

    public static async Task<bool> WriterAvailableAsync(SwitchyardServer server, string name) =>
        (await TopologyAsync(server)).GetProperty("writers").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name).GetProperty("available").GetBoolean();

    public static async Task<(HttpStatusCode Status, string Body)> PostWriterAsync(SwitchyardServer server, string name)
    {
        using var response = await Http.PostAsync($"http://{server.HttpEndPoint}/writer?name={Uri.EscapeDataString(name)}", content: null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
