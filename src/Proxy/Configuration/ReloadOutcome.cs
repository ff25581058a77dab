namespace Switchyard.Proxy.Configuration;

/// <summary>What one reload attempt did.</summary>
public enum ReloadOutcome
{
    /// <summary>The file was valid and is now <see cref="LiveConfig.Current"/>.</summary>
    Applied,

    /// <summary>A file event, but the content is what was read last time: nothing to do.</summary>
    Unchanged,

    /// <summary>The file could not be read or is invalid: every error logged, the running configuration kept.</summary>
    Rejected,
}
