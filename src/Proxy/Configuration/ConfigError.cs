namespace Switchyard.Proxy.Configuration;

/// <summary>One problem in a configuration file, with where it is.</summary>
public sealed record ConfigError(string Message, int Line = 0, int Column = 0)
{
    public override string ToString() => Line > 0 ? $"line {Line}, column {Column}: {Message}" : Message;
}
