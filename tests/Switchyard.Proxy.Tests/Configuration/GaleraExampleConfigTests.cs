using System.Text.Json;
using Json.Schema;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

/// <summary>config/switchyard.galera.yaml, the example for scripts/galera.sh's cluster, loads and satisfies the schema.</summary>
public sealed class GaleraExampleConfigTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Example = Path.Combine(Root, "config", "switchyard.galera.yaml");

    [Fact]
    public void GaleraExample_Loads_AsAGaleraTopologyWithEveryNodeAWriterInOrder()
    {
        var config = ConfigLoader.LoadFile(Example);

        Assert.Equal(TopologyKind.Galera, config.Topology.Kind);
        Assert.Equal(["n1", "n2", "n3"], config.Backends.Select(b => b.Name));
        Assert.All(config.Backends, b => Assert.Equal(BackendRole.Primary, b.Role));
        Assert.Equal(WritePolicy.SingleActive, config.Topology.WritePolicy);
    }

    [Fact]
    public void GaleraExample_IsValidAgainstTheSchema()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Root, "config", "switchyard.schema.json")));
        var json = YamlToJson.Convert(File.ReadAllText(Example));
        var result = schema.Evaluate(JsonDocument.Parse(json!.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, JsonSerializer.Serialize(result));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found above " + AppContext.BaseDirectory);
    }
}
