namespace Switchyard.IntegrationTests.Support;

/// <summary>Reads which backends the tests use from <see cref="Variable"/>. An unknown value is an error rather than
/// the default, so that a typo never runs the suite against something the caller did not ask for.</summary>
internal static class TestBackendSelection
{
    public const string Variable = "SWITCHYARD_TEST_BACKENDS";
    public const string ProcessesValue = "processes";
    public const string ContainersValue = "containers";

    public static TestBackendKind FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Unset or empty means processes; the names are compared without regard to case and surrounding spaces.</summary>
    public static TestBackendKind Parse(string? value)
    {
        var name = value?.Trim() ?? "";
        if (name.Length == 0 || name.Equals(ProcessesValue, StringComparison.OrdinalIgnoreCase))
            return TestBackendKind.Processes;
        if (name.Equals(ContainersValue, StringComparison.OrdinalIgnoreCase))
            return TestBackendKind.Containers;
        throw new InvalidOperationException(
            $"{Variable}='{value}' is not a known backend kind: use '{ProcessesValue}' (the default: servers started by " +
            $"scripts/cluster.sh) or '{ContainersValue}' (mariadb containers through a Docker engine)");
    }
}
