namespace Switchyard.Proxy.Tests.Support;

/// <summary>The smallest configuration file that loads: the three required sections. Tests append what they test.</summary>
internal static class MinimalConfig
{
    public const string Yaml = """
        backend_credentials:
          user: switchyard
          password: secret
        users:
          - name: app
            password: app
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary

        """;
}
