namespace Switchyard.Benchmarks.Support;

/// <summary>The server responses captured by tools/CaptureVectors for the protocol tests, read from their files in
/// tests/Switchyard.Protocol.Tests/Vectors (one physical packet per line in hex, '#' starts a comment line).
/// Benchmarks scan exactly the bytes the tests verify.</summary>
internal static class VectorFiles
{
    public const string Folder = "tests/Switchyard.Protocol.Tests/Vectors";

    public static byte[] Load(string file)
    {
        var output = new MemoryStream();
        foreach (var line in File.ReadLines(RepoFiles.PathOf(Path.Combine(Folder, file))))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            output.Write(Convert.FromHexString(line));
        }
        return output.ToArray();
    }
}
