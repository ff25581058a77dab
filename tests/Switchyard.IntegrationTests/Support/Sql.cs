using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Small helpers for one-off statements.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return await ScalarAsync(connection, sql);
    }

    public static async Task<object?> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>All rows of all result sets, each value rendered as an invariant string (or "NULL").</summary>
    public static async Task<List<List<string>>> RowsAsync(MySqlConnection connection, string sql, bool prepare = false)
    {
        await using var command = new MySqlCommand(sql, connection);
        if (prepare)
            await command.PrepareAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<List<string>>();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new List<string>();
                for (var i = 0; i < reader.FieldCount; i++)
                    row.Add(Render(reader.GetValue(i)));
                rows.Add(row);
            }
        } while (await reader.NextResultAsync());
        return rows;
    }

    public static string Render(object? value) => value switch
    {
        null or DBNull => "NULL",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Runs <paramref name="sql"/> expecting a server error, and returns it.</summary>
    public static async Task<MySqlException> ErrorAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return await Assert.ThrowsAsync<MySqlException>(async () =>
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        });
    }
}
