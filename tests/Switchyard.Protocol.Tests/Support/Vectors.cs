using System.IO.Compression;
using System.Text.Json;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Tests.Support;

/// <summary>A captured server response and what an independent reading of it (tools/CaptureVectors' oracle, the
/// COM_PING sentinel and the server's own answers) says about it.</summary>
public sealed record VectorInfo
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required string Command { get; init; }
    public required string Shape { get; init; }
    public required bool DeprecateEof { get; init; }
    public required bool SessionTrack { get; init; }
    public required int Packets { get; init; }
    public required int PhysicalPackets { get; init; }
    public required long Bytes { get; init; }
    public required List<string> Scan { get; init; }
    public ushort? Status { get; init; }
    public required bool IsError { get; init; }
    public required ushort ErrorCode { get; init; }
    public uint? PreparedStatementId { get; init; }
    public ushort? PreparedParameters { get; init; }
    public ushort? PreparedColumns { get; init; }
    public ulong? AffectedRows { get; init; }
    public ulong? LastInsertId { get; init; }
    public int ResultSets { get; init; }
    public int Rows { get; init; }
    public required string Next { get; init; }
    public Dictionary<string, string>? Facts { get; init; }

    public ResponseShape ResponseShape => Enum.Parse<ResponseShape>(Shape);
    public IReadOnlyList<ScanStatus> ScanStatuses => Scan.Select(Enum.Parse<ScanStatus>).ToList();
    public bool IsLarge => File.EndsWith(".gz", StringComparison.Ordinal);

    public override string ToString() => Name;
}

public sealed record LoginInfo
{
    public required string Greeting { get; init; }
    public required string Response { get; init; }
    public required string Result { get; init; }
    public required string User { get; init; }
    public required string Password { get; init; }
    public required string Database { get; init; }
    public required uint ConnectionId { get; init; }
    public required string ServerVersion { get; init; }
}

public sealed record Manifest
{
    public required string Server { get; init; }
    public required LoginInfo Login { get; init; }
    public required List<VectorInfo> Vectors { get; init; }
}

public static class Vectors
{
    private static readonly Lazy<Manifest> LazyManifest = new(() =>
        JsonSerializer.Deserialize<Manifest>(System.IO.File.ReadAllText(PathOf("manifest.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidOperationException("empty manifest"));

    public static Manifest Manifest => LazyManifest.Value;

    public static VectorInfo Get(string name) => Manifest.Vectors.Single(v => v.Name == name);

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Vectors", file);

    /// <summary>The raw bytes of a vector file: one physical packet per line in hex, optionally gzip-compressed.</summary>
    public static byte[] Load(string file)
    {
        using var stream = System.IO.File.OpenRead(PathOf(file));
        using Stream text = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(text);
        var output = new MemoryStream();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            output.Write(Convert.FromHexString(line));
        }
        return output.ToArray();
    }

    public static byte[] Load(VectorInfo vector) => Load(vector.File);

    /// <summary>The payload of a file holding a single packet.</summary>
    public static byte[] LoadPayload(string file) => Load(file)[4..];

    public static TheoryData<string> SmallNames() => new(Manifest.Vectors.Where(v => !v.IsLarge).Select(v => v.Name));
    public static TheoryData<string> LargeNames() => new(Manifest.Vectors.Where(v => v.IsLarge).Select(v => v.Name));
}
