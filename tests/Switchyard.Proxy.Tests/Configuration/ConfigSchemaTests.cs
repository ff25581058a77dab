using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

/// <summary>config/switchyard.schema.json is what editors validate and complete the YAML with: it must accept the
/// shipped file and a file using every key, reject what the loader rejects structurally, and name exactly the keys
/// the loader knows, section by section, so that neither can change without the other.</summary>
public sealed class ConfigSchemaTests
{
    /// <summary>Every key the loader knows, each section present (the known-key lists come from the loader's own
    /// checks, so a section absent here would go unchecked: the test below fails if one is missing).</summary>
    private const string EveryKey = """
        listeners:
          mysql: 127.0.0.1:6033
          http: "[::1]:6070"
        logging:
          level: debug
          format: json
          max_sql_length: 100
        limits:
          max_packet_size: 16MiB
          client_handshake_timeout: 5s
          client_read_timeout: 30
          drain_timeout: 30s
        backend_credentials:
          user: switchyard
          password_env: HOME
        backend_timeouts:
          connect: 500ms
          handshake: 1s
        pool:
          max_connections_per_backend: 100
          min_idle: 1
          wait_timeout: 2s
          idle_timeout: 1m
          max_age: 1h
          liveness_check_after: 1s
        routing:
          read_balancing: weighted
          replica_retry_delay: 1s
          hold_for_next_statement: 500ms
          pipelined_lanes: 2
          pipeline_max_depth: 16
          pipeline_stall_timeout: 1s
        prepared_statements:
          max_per_connection: 32
          max_per_session: 256
        monitor:
          shun_after_errors: 5
          shun_window: 20s
          enabled: yes
          interval: 250ms
          check_timeout: 1s
          user: monitor
          password: monitor
          max_replication_lag: 2.5s
          lag_recovery_ratio: 0.5
          failures_to_down: 2
          successes_to_online: 3
          heartbeat:
            enabled: true
            interval: 100ms
            table: hb.heartbeat
        server_version: 5.5.5-10.11.6-MariaDB
        topology:
          kind: multi-primary
          write_policy: single-active
          failback: manual
          failback_after: 10s
        regions:
          local: eu-west-1a
          homes:
            "42": eu-west-1a
            alice: eu-west-1a
          failback: immediate
          tie_tolerance: 5ms
        conflicts:
          enabled: true
          scan_interval: 5m
          nodes: [primary, replica1]
          user: repair
          password_env: HOME
          chunk_size: 500
          replication_wait: 5s
          query_timeout: 20s
          tables:
            - name: shop.customers
              key: id
              strategy: last-write-wins
              timestamp_column: last_modified
              auto_repair: true
            - name: shop.carts
              key: [customer_id, item_id]
              strategy: vector-clock
              version_column: vclock
              fallback: merge
              merge:
                quantity: max
                note: "latest:note_modified"
                status: "prefer:primary"
        digests:
          enabled: yes
          max_digests: 500
          metrics_top: 5
        consistency:
          default: max_lag=1.5
          read_your_writes:
            mode: time
            scope: user
            user_key: [session, db_user]
            time_window: 2s
            gtid_wait_timeout: 100ms
            max_tracked_users: 5000
            user_expiry: 30s
        users:
          - name: app
            password: app
            consistency: strong
          - name: report
            password_hash: "*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0"
          - name: ops
            password_env: HOME
        backends:
          - name: primary
            address: db1.internal:3306
            role: primary
            region: eu-west-1a
          - name: replica1
            address: 10.0.0.2:3306
            role: replica
            weight: 2
            max_replication_lag: 10s
            region: eu-west-1a
            groups: [analytics, reporting]
          - name: replica2
            address: "[fd00::3]:3306"
            region: eu-west-1a
            groups: analytics
          - name: replica3
            socket: /run/mysqld/mysqld.sock
            region: eu-west-1a
        rules:
          - name: reports-to-analytics
            match:
              class: [read]
              regex: '\bFROM\s+report_'
              ignore_case: false
              digest: SELECT * FROM report_daily WHERE day = ?
              user: [report]
              schema: shop
              client: [10.0.0.0/8, "fd00::/8", 192.168.1.7]
            route: analytics
            max_lag: 2s
            timeout: 30s
            mirror: reporting
          - name: no-drop
            match: { regex: '^\s*DROP\s', class: write }
            block: DROP is not allowed through Switchyard
        """;

    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "switchyard.schema.json")));

    [Fact]
    public void ShippedConfig_IsValidAgainstTheSchema()
    {
        AssertValid(File.ReadAllText(ShippedConfig()));
    }

    [Fact]
    public void ShippedConfig_PointsEditorsAtTheSchema()
    {
        Assert.Equal("# yaml-language-server: $schema=./switchyard.schema.json", File.ReadLines(ShippedConfig()).First());
    }

    [Fact]
    public void ShippedConfig_RuleExamplesInItsComments_AreValidForTheSchema()
    {
        AssertValid(ShippedConfigWithRuleExamples());
    }

    [Fact]
    public void ShippedConfig_RuleExamplesInItsComments_Load()
    {
        var config = ConfigLoader.LoadYaml(ShippedConfigWithRuleExamples(), "examples");

        Assert.Equal(["reports-on-reporting-replica", "orders-read-your-writes", "no-drop-database"], config.Rules.Rules.Select(r => r.Name));
    }

    /// <summary>config/switchyard.yaml with its commented rule examples (after <c>rules: []</c>) made real.</summary>
    internal static string ShippedConfigWithRuleExamples()
    {
        var lines = File.ReadAllLines(ShippedConfig()).ToList();
        var start = lines.IndexOf("rules: []");
        var examples = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("#  ", StringComparison.Ordinal)).Select(l => l[1..]).ToList();
        Assert.NotEmpty(examples);
        lines.RemoveRange(start, examples.Count + 1);
        lines.Insert(start, "rules:\n" + string.Join('\n', examples));
        return string.Join('\n', lines);
    }

    [Fact]
    public void EveryKeyFile_IsValidForTheSchemaAndTheLoader()
    {
        AssertValid(EveryKey);

        var config = ConfigLoader.LoadYaml(EveryKey, "every-key");

        Assert.Equal(2, config.Rules.Count);
        Assert.Equal(3, config.Users.Count);
    }

    [Fact]
    public void Schema_NamesExactlyTheKeysTheLoaderAccepts()
    {
        var loader = ConfigLoader.KnownKeys(EveryKey).Sections;
        var schema = SchemaSections();

        Assert.Equal(schema.Keys.Order(), loader.Keys.Order());
        foreach (var (section, keys) in loader)
            Assert.True(keys.SetEquals(schema[section]),
                $"section '{section}': loader accepts [{string.Join(", ", keys)}], schema has [{string.Join(", ", schema[section].Order())}]");
    }

    [Theory]
    [InlineData("colour: blue")] // unknown key
    [InlineData("pool: { min_idle: many }")]
    [InlineData("pool: { wait_timeout: 5 seconds }")]
    [InlineData("routing: { read_balancing: random }")]
    [InlineData("limits: { max_packet_size: 1.5MiB }")]
    [InlineData("listeners: { mysql: localhost }")]
    [InlineData("users: [{ name: a, password_hash: '*123' }]")]
    [InlineData("users: [{ name: a, password: x, password_env: Y }]")]
    [InlineData("backends: [{ name: b, address: 'h:1', groups: [primary] }]")]
    [InlineData("backends: [{ name: b, address: 'h:1', socket: /run/b.sock }]")]
    [InlineData("backends: [{ name: b, socket: run/b.sock }]")]
    [InlineData("backends: [{ name: b }]")]
    [InlineData("rules: [{ route: primary, block: no }]")]
    [InlineData("rules: [{ consistency: strong, max_lag: 2s }]")]
    [InlineData("rules: [{ match: { class: reads }, route: primary }]")]
    [InlineData("rules: [{ match: { client: not-an-address }, route: primary }]")]
    [InlineData("rules: [{ match: { user: app } }]")] // no action
    [InlineData("conflicts: { tables: [{ name: a.b }] }")] // no key
    [InlineData("conflicts: { tables: [{ name: a.b, key: id, strategy: newest }] }")]
    [InlineData("conflicts: { tables: [{ name: a.b, key: id, merge: { x: newest } }] }")]
    public void Schema_RejectsWhatTheLoaderRejects(string line)
    {
        var yaml = Replace(EveryKey, line);

        var result = Evaluate(yaml);

        Assert.False(result.IsValid, $"the schema accepted: {line}");
    }

    [Theory]
    [InlineData("rules: [{ consistency: strong }]")]
    [InlineData("rules: [{ consistency: max_lag=1.5, match: { class: read } }]")]
    [InlineData("monitor: { enabled: off }")]
    [InlineData("limits: { max_packet_size: 65536 }")]
    public void Schema_AcceptsOtherValidSpellings(string line)
    {
        AssertValid(Replace(EveryKey, line));
    }

    /// <summary>Replaces the top-level section named in <paramref name="line"/> (or adds it) with the one-line flow form.</summary>
    private static string Replace(string yaml, string line)
    {
        var key = line[..line.IndexOf(':')];
        var lines = yaml.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        if (start < 0)
            return yaml + "\n" + line + "\n";
        var end = start + 1;
        while (end < lines.Count && (lines[end].StartsWith(' ') || lines[end].Length == 0))
            end++;
        lines.RemoveRange(start, end - start);
        lines.Insert(start, line);
        return string.Join('\n', lines);
    }

    private static void AssertValid(string yaml)
    {
        var result = Evaluate(yaml);
        if (!result.IsValid)
            Assert.Fail("schema errors:\n" + JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var json = YamlToJson.Convert(yaml);
        var element = JsonDocument.Parse(json!.ToJsonString()).RootElement;
        return Schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    /// <summary>Every object the schema describes with properties, by path (list items as "[]"), with its property names.</summary>
    private static Dictionary<string, HashSet<string>> SchemaSections()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "switchyard.schema.json")))!.AsObject();
        var sections = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        Walk(root, root, "", sections);
        return sections;
    }

    private static void Walk(JsonObject root, JsonObject node, string path, Dictionary<string, HashSet<string>> sections)
    {
        node = Resolve(root, node);
        if (node["items"] is JsonObject items)
            Walk(root, items, path + "[]", sections);
        if (node["properties"] is not JsonObject properties)
            return;
        sections[path] = properties.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
            Walk(root, value!.AsObject(), path.Length == 0 ? name : $"{path}.{name}", sections);
    }

    private static JsonObject Resolve(JsonObject root, JsonObject node)
    {
        while (node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/$defs/", StringComparison.Ordinal))
            node = root["$defs"]![reference["#/$defs/".Length..]]!.AsObject();
        return node;
    }

    private static string ShippedConfig() => Path.Combine(RepositoryRoot(), "config", "switchyard.yaml");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found above " + AppContext.BaseDirectory);
    }
}
