using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

// Usage: ConsistencyBench PORT DATABASE PAIRS LABEL PRIMARY_SERVER_ID
// Connection A writes a new value, connection B (same user key, given as a tag) reads it at once. Prints one
// tab-separated line: label, pairs, stale reads, reads served by replicas, read latency p50 and p95 in ms.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: ConsistencyBench PORT DATABASE PAIRS LABEL PRIMARY_SERVER_ID");
    return 2;
}
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var database = args[1];
var pairs = int.Parse(args[2], CultureInfo.InvariantCulture);
var label = args[3];
var primaryServerId = long.Parse(args[4], CultureInfo.InvariantCulture);
var connectionString = $"Server=127.0.0.1;Port={port};User ID=app;Password=app;Database={database};Pooling=false;SslMode=None;Default Command Timeout=30";

await using var writer = new MySqlConnection(connectionString);
await using var reader = new MySqlConnection(connectionString);
await writer.OpenAsync();
await reader.OpenAsync();
var start = Convert.ToInt64(await new MySqlCommand("/*user_id='bench'*/ SELECT COALESCE(MAX(v), 0) FROM c", writer).ExecuteScalarAsync(), CultureInfo.InvariantCulture);

// Warm-up: connections to every backend, statement caches, JIT; not counted.
for (var i = 0; i < 20; i++)
    await new MySqlCommand("/*user_id='warmup'*/ SELECT v FROM c WHERE id = 1", reader).ExecuteScalarAsync();

var latencies = new double[pairs];
int stale = 0, onReplicas = 0;
for (var i = 0; i < pairs; i++)
{
    var value = start + i + 1;
    await using (var write = new MySqlCommand($"/*user_id='bench'*/ UPDATE c SET v = {value} WHERE id = 1", writer))
        await write.ExecuteNonQueryAsync();
    var started = Stopwatch.GetTimestamp();
    await using var read = new MySqlCommand("/*user_id='bench'*/ SELECT v, @@server_id FROM c WHERE id = 1", reader);
    await using var result = await read.ExecuteReaderAsync();
    await result.ReadAsync();
    var seen = result.GetInt64(0);
    var serverId = result.GetInt64(1);
    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (seen != value)
        stale++;
    if (serverId != primaryServerId)
        onReplicas++;
}
Array.Sort(latencies);
double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
Console.WriteLine(string.Join('\t', label, pairs, stale, onReplicas,
    Percentile(0.50).ToString("0.000", CultureInfo.InvariantCulture), Percentile(0.95).ToString("0.000", CultureInfo.InvariantCulture)));
return 0;
