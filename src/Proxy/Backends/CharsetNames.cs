namespace Switchyard.Proxy.Backends;

/// <summary>Character set names of the collation ids clients send in their handshake: needed to undo a
/// session's SET NAMES on a pooled connection (back to what the handshake chose).</summary>
internal static class CharsetNames
{
    public static string ForCollation(byte collation) => collation switch
    {
        8 or 5 or 15 or 31 or 47 or 48 or 49 or 94 => "latin1",
        33 or 83 or 192 or >= 193 and <= 215 or 223 => "utf8mb3",
        9 or 21 or 27 or 77 => "latin2",
        51 or 14 or 23 or 50 or 52 => "cp1251",
        63 => "binary",
        11 or 65 => "ascii",
        28 or 87 => "gbk",
        _ => "utf8mb4",
    };
}
