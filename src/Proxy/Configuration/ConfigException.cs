namespace Switchyard.Proxy.Configuration;

/// <summary>A configuration could not be loaded; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ConfigException(string source, IReadOnlyList<ConfigError> errors)
    : Exception($"{source}: {errors.Count} configuration error(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
