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
