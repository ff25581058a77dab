using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>Reads MySQL's SESSION_TRACK_GTIDS entry (session_track_gtids = OWN_GTID / ALL_GTIDS) out of an OK
/// packet: the GTID set text the committing statement produced, e.g. <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:23</c>.</summary>
/// <remarks>Entry layout (after the type byte 3 and the entry's length-encoded total, which
/// <see cref="SessionStateReader"/> strips): 1 byte encoding specification, 0 = text, then the GTID set as a
/// length-encoded string. MySQL writes the specification as a single byte (not a length-encoded integer), and the
/// text of several sources is separated by ",\n".</remarks>
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html
/// and MySQL's sql/session_tracker.cc (Session_gtids_ctx_encoder_string::encode).
public static class TrackedGtids
{
    /// <summary>The only encoding MySQL defines: the GTID set in its text form.</summary>
    public const byte TextEncoding = 0;

    /// <summary>True when <paramref name="okPayload"/> (an OK packet of a connection with CLIENT_SESSION_TRACK) carries a
    /// SESSION_TRACK_GTIDS entry in text encoding; <paramref name="gtids"/> is then its GTID set text (a slice of the
    /// payload). A malformed packet or an unknown encoding is "not found", never an exception.</summary>
    public static bool TryFind(ReadOnlySpan<byte> okPayload, out ReadOnlySpan<byte> gtids)
    {
        gtids = default;
        return SessionStateReader.TryFindLast(okPayload, SessionStateType.Gtids, default, out var entry, out _) && TryReadEntry(entry, out gtids);
    }

    /// <summary>Decodes one entry's data (what follows its length): the encoding specification byte and the
    /// length-encoded GTID set text. False for another encoding (none exists yet: its layout would be unknown) or a
    /// truncated entry.</summary>
    public static bool TryReadEntry(ReadOnlySpan<byte> entry, out ReadOnlySpan<byte> gtids)
    {
        gtids = default;
        if (entry.IsEmpty || entry[0] != TextEncoding)
            return false;
        var rest = entry[1..];
        if (!PayloadReader.TrySkipLengthEncodedInteger(ref rest, out var length) || (ulong)rest.Length < length)
            return false;
        gtids = rest[..(int)length];
        return true;
    }
}
