using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class ConflictsConfigTests
{
    private static string File(string conflicts) => $"""
        backend_credentials:
          user: switchyard
          password: secret
        topology:
          kind: multi-primary
        users:
          - name: app
            password: app
        backends:
          - name: writer1
            address: 127.0.0.1:3306
            role: primary
          - name: writer2
            address: 127.0.0.1:3307
            role: primary
          - name: replica
            address: 127.0.0.1:3308
        {conflicts}
        """;

    private static IReadOnlyList<string> Errors(string conflicts)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(File(conflicts), "test"));
        return e.Errors.Select(x => x.Message).ToList();
    }

    [Fact]
    public void LoadYaml_NoConflictsSection_Off()
    {
        var config = ConfigLoader.LoadYaml(File(""), "test");

        Assert.False(config.Conflicts.Enabled);
        Assert.Empty(config.Conflicts.Tables);
    }

    [Fact]
    public void LoadYaml_FullSection_ReadsEveryKey()
    {
        var config = ConfigLoader.LoadYaml(File("""
            conflicts:
              scan_interval: 30s
              nodes: [writer2, writer1]
              user: repair
              password: pw
              chunk_size: 250
              replication_wait: 2s
              query_timeout: 5s
              tables:
                - name: shop.customers
                  key: id
                  strategy: last-write-wins
                  timestamp_column: last_modified
                  auto_repair: yes
                - name: shop.carts
                  key: [customer_id, item_id]
                  strategy: vector-clock
                  version_column: vclock
                  fallback: merge
                  merge:
                    quantity: max
                    note: latest:note_at
                    status: prefer:writer1
            """), "test");

        var c = config.Conflicts;
        Assert.True(c.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), c.ScanInterval);
        Assert.Equal(["writer2", "writer1"], c.NodesOf(config.Backends));
        Assert.Equal(new BackendCredentials("repair", "pw"), c.Credentials);
        Assert.Equal(250, c.ChunkSize);
        Assert.Equal(TimeSpan.FromSeconds(2), c.ReplicationWait);
        Assert.Equal(TimeSpan.FromSeconds(5), c.QueryTimeout);
        var customers = c.Tables[0];
        Assert.Equal(("shop", "customers", ConflictStrategy.LastWriteWins, "last_modified", true),
            (customers.Schema, customers.Table, customers.Strategy, customers.TimestampColumn, customers.AutoRepair));
        var carts = c.Tables[1];
        Assert.Equal(["customer_id", "item_id"], carts.Key);
        Assert.Equal((ConflictStrategy.VectorClock, "vclock", ConflictStrategy.Merge), (carts.Strategy, carts.VersionColumn, carts.Fallback));
        Assert.Equal(new MergeRule(MergeRuleKind.Max), carts.MergeRules["quantity"]);
        Assert.Equal(new MergeRule(MergeRuleKind.Latest, "note_at"), carts.MergeRules["note"]);
        Assert.Equal(new MergeRule(MergeRuleKind.PreferNode, "writer1"), carts.MergeRules["status"]);
    }

    [Fact]
    public void LoadYaml_Defaults_EveryPrimaryInOrderAndOnDemandOff()
    {
        var config = ConfigLoader.LoadYaml(File("""
            conflicts:
              scan_interval: off
              tables: [{ name: a.b, key: id }]
            """), "test");

        Assert.Equal(["writer1", "writer2"], config.Conflicts.NodesOf(config.Backends));
        Assert.Equal(TimeSpan.Zero, config.Conflicts.ScanInterval);
        Assert.Equal(ConflictStrategy.ReportOnly, config.Conflicts.Tables[0].Strategy);
        Assert.Null(config.Conflicts.Credentials);
        Assert.Equal(1000, config.Conflicts.ChunkSize);
    }

    [Fact]
    public void LoadYaml_TableWithoutKey_Error()
    {
        Assert.Contains(Errors("conflicts: { tables: [{ name: shop.t, strategy: report-only }] }"),
            e => e.Contains("table 'shop.t' has no key"));
    }

    [Fact]
    public void LoadYaml_UnknownStrategy_ErrorWithHint()
    {
        Assert.Contains(Errors("conflicts: { tables: [{ name: shop.t, key: id, strategy: last-writer-wins }] }"),
            e => e.Contains("must be one of last-write-wins, vector-clock, merge, report-only, not 'last-writer-wins' (did you mean 'last-write-wins'?)"));
    }

    [Theory]
    [InlineData("{ name: shop.t, key: id, strategy: last-write-wins }", "last-write-wins needs")]
    [InlineData("{ name: shop.t, key: id, strategy: vector-clock, timestamp_column: ts }", "vector-clock needs")]
    [InlineData("{ name: shop.t, key: id, strategy: vector-clock, version_column: v }", "with fallback last-write-wins needs")]
    [InlineData("{ name: shop.t, key: id, strategy: merge }", "merge needs rules")]
    [InlineData("{ name: shop.t, key: id, strategy: merge, merge: { a: newest } }", "must be latest:<timestamp column>, max, min or prefer:<node>")]
    [InlineData("{ name: shop.t, key: id, strategy: merge, merge: { a: 'prefer:replica' } }", "which is not one of the nodes")]
    [InlineData("{ name: shop.t, key: id, strategy: merge, merge: { id: max } }", "a key column is never merged")]
    [InlineData("{ name: shop.t, key: id, strategy: last-write-wins, timestamp_column: ts, fallback: merge }", "applies only to strategy vector-clock")]
    [InlineData("{ name: shop.t, key: id, strategy: report-only, auto_repair: true }", "report-only has nothing to apply")]
    [InlineData("{ name: shop.t, key: id, strategy: vector-clock, version_column: v, fallback: newest }", "must be last-write-wins or merge")]
    [InlineData("{ name: shop, key: id }", "must be database.table")]
    [InlineData("{ name: shop.t, key: 'id; drop' }", "invalid column name")]
    [InlineData("{ name: shop.t, key: id, colour: red }", "unknown key 'conflicts.tables[0].colour'")]
    public void LoadYaml_BadTable_Error(string table, string expected)
    {
        Assert.Contains(Errors($"conflicts: {{ tables: [{table}] }}"), e => e.Contains(expected));
    }

    [Fact]
    public void LoadYaml_NodeThatIsNotABackend_Error()
    {
        Assert.Contains(Errors("conflicts: { nodes: [writer1, writer3], tables: [{ name: a.b, key: id }] }"),
            e => e.Contains("names 'writer3', which is not a backend"));
    }

    [Fact]
    public void LoadYaml_FewerThanTwoNodes_Error()
    {
        Assert.Contains(Errors("conflicts: { nodes: [writer1], tables: [{ name: a.b, key: id }] }"),
            e => e.Contains("compares at least two nodes"));
    }

    [Fact]
    public void LoadYaml_NoTables_Error()
    {
        Assert.Contains(Errors("conflicts: { enabled: true }"), e => e.Contains("'conflicts.tables' is required"));
    }

    [Fact]
    public void LoadYaml_TableTwice_Error()
    {
        Assert.Contains(Errors("conflicts: { tables: [{ name: a.b, key: id }, { name: a.b, key: id }] }"), e => e.Contains("listed twice"));
    }
}
