using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>Walks the session state change entries of an OK packet without allocating.</summary>
/// See https://mariadb.com/kb/en/ok_packet/#session-change-type
public ref struct SessionStateReader(ReadOnlySpan<byte> data)
{
    private PayloadReader _reader = new(data);

    public SessionStateType Type { get; private set; }
    /// <summary>For SystemVariables: the variable name; for Schema: the schema; else the raw entry.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }
    /// <summary>For SystemVariables: the new value; otherwise empty.</summary>
    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>Finds the last entry of <paramref name="type"/> in an OK packet of a connection with
    /// CLIENT_SESSION_TRACK — for system variables, the last one named <paramref name="variable"/> (the server may
    /// report one twice). A malformed packet is "not found", never an exception: the caller then knows nothing.</summary>
    /// <param name="name">The entry's <see cref="Name"/> (for other types: its raw data).</param>
    /// <param name="value">The entry's <see cref="Value"/>.</param>
    public static bool TryFindLast(ReadOnlySpan<byte> okPayload, SessionStateType type, ReadOnlySpan<byte> variable,
        out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        if (okPayload.IsEmpty)
            return false;
        try
        {
            var reader = new SessionStateReader(OkPacket.Parse(okPayload, sessionTrack: true).SessionStateChanges);
            var found = false;
            while (reader.MoveNext())
            {
                if (reader.Type == type && (type != SessionStateType.SystemVariables || reader.Name.SequenceEqual(variable)))
                {
                    name = reader.Name;
                    value = reader.Value;
                    found = true;
                }
            }
            return found;
        }
        catch (ProtocolException)
        {
            name = value = default;
            return false;
        }
    }

    public bool MoveNext()
    {
        if (_reader.IsAtEnd)
            return false;
        Type = (SessionStateType)_reader.ReadByte();
        var entry = new PayloadReader(_reader.ReadLengthEncodedBytes());
        switch (Type)
        {
            case SessionStateType.SystemVariables:
                Name = entry.ReadLengthEncodedBytes();
                Value = entry.ReadLengthEncodedBytes();
                break;
            case SessionStateType.Schema:
                Name = entry.ReadLengthEncodedBytes();
                Value = default;
                break;
            default:
                Name = entry.ReadRest();
                Value = default;
                break;
        }
        return true;
    }
}
