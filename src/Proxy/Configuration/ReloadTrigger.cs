namespace Switchyard.Proxy.Configuration;

/// <summary>Why a configuration reload runs.</summary>
public enum ReloadTrigger
{
    /// <summary>Something changed in the file's directory (an edit, an atomic replace, a ConfigMap symlink swap):
    /// the file is reloaded only if its content differs from the last content read.</summary>
    FileChanged,

    /// <summary>SIGHUP: always reloaded, even with unchanged content (an environment variable it names may have
    /// changed, or the operator simply wants to be sure).</summary>
    Signal,
}
