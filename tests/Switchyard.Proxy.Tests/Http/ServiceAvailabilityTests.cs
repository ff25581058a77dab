using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Http;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Tests.Http;

/// <summary>/healthz and /status from the monitor's health values; the context's pools never connect.</summary>
public sealed class ServiceAvailabilityTests : IAsyncLifetime
{
    private readonly ProxyContext _context = new(new SwitchyardConfig
    {
        BackendCredentials = new BackendCredentials("switchyard", "secret"),
        Backends =
        [
            new BackendConfig { Name = "primary", Host = "127.0.0.1", Port = 1, Role = BackendRole.Primary },
            new BackendConfig { Name = "replica1", Host = "127.0.0.1", Port = 2 },
        ],
    }, NullLoggerFactory.Instance);

    [Fact]
    public void Of_PrimaryOnline_WritesAndReads()
    {
        _context.Primary.Health = Health(HealthState.Online);

        Assert.Equal(new ServiceAvailability(true, true), ServiceAvailability.Of(_context));
    }

    [Fact]
    public void Of_PrimaryDownReplicaOnline_ReadsOnly()
    {
        _context.Primary.Health = Health(HealthState.Down);
        _context.Backends[1].Health = Health(HealthState.Online);

        Assert.Equal(new ServiceAvailability(false, true), ServiceAvailability.Of(_context));
    }

    [Fact]
    public void Of_PrimaryDownReplicaLagging_Nothing()
    {
        _context.Primary.Health = Health(HealthState.Down);
        _context.Backends[1].Health = Health(HealthState.Lagging);

        Assert.Equal(new ServiceAvailability(false, false), ServiceAvailability.Of(_context));
    }

    [Fact]
    public void Of_PrimaryReadOnly_ReadsButNoWritesAndSaysWhy()
    {
        _context.Primary.Health = Health(HealthState.Online) with { ReadOnly = true, Warning = "read_only is ON" };

        Assert.Equal(new ServiceAvailability(false, true), ServiceAvailability.Of(_context));
        Assert.Equal("primary 'primary' has read_only=ON", ServiceAvailability.WhyNoWrites(_context));
        var health = JsonDocument.Parse(StatusDocument.HealthJson(ServiceAvailability.Of(_context), ServiceAvailability.WhyNoWrites(_context)));
        Assert.False(health.RootElement.GetProperty("writes").GetBoolean());
        Assert.Contains("read_only=ON", health.RootElement.GetProperty("writes_unavailable").GetString());
    }

    [Fact]
    public void WhyNoWrites_PrimaryWritable_IsEmpty()
    {
        _context.Primary.Health = Health(HealthState.Online) with { ReadOnly = false };

        Assert.Equal("", ServiceAvailability.WhyNoWrites(_context));
    }

    [Fact]
    public void WhyNoWrites_PrimaryShunned_NamesTheStateAndReason()
    {
        _context.Primary.Health = Health(HealthState.Shunned);

        Assert.Equal("primary 'primary' is shunned: Shunned", ServiceAvailability.WhyNoWrites(_context));
    }

    [Fact]
    public void StatusJson_ReplicaNotReadOnly_ShowsTheWarning()
    {
        _context.Primary.Health = Health(HealthState.Online) with { ReadOnly = true, Warning = "read_only is ON: the primary refuses writes" };
        _context.Backends[1].Health = Health(HealthState.Online) with { ReadOnly = false, Warning = "read_only is OFF on a replica" };

        var json = JsonDocument.Parse(StatusDocument.StatusJson(_context, 0));

        Assert.Contains("read_only=ON", json.RootElement.GetProperty("writes_unavailable").GetString());
        var replica = json.RootElement.GetProperty("backends")[1];
        Assert.Equal("online", replica.GetProperty("state").GetString());
        Assert.Equal("read_only is OFF on a replica", replica.GetProperty("warning").GetString());
        Assert.False(replica.GetProperty("read_only").GetBoolean());
    }

    [Fact]
    public void Of_NoMonitorAndNeverConnected_Nothing()
    {
        Assert.Equal(new ServiceAvailability(false, false), ServiceAvailability.Of(_context));
    }

    [Fact]
    public void StatusJson_HealthSet_ListsItPerBackend()
    {
        var checkedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        _context.Backends[1].Health = new BackendHealth(HealthState.Broken, "SQL thread stopped", null, 123, TimeSpan.FromMilliseconds(1.5), "0-1-42", checkedAt);

        using var json = JsonDocument.Parse(StatusDocument.StatusJson(_context, sessions: 3));

        Assert.Equal(3, json.RootElement.GetProperty("sessions").GetInt32());
        var replica = json.RootElement.GetProperty("backends")[1];
        Assert.Equal("replica1", replica.GetProperty("name").GetString());
        Assert.Equal("replica", replica.GetProperty("role").GetString());
        Assert.Equal("broken", replica.GetProperty("state").GetString());
        Assert.Equal("SQL thread stopped", replica.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, replica.GetProperty("lag_seconds").ValueKind);
        Assert.Equal(123, replica.GetProperty("lag_bytes").GetInt64());
        Assert.Equal(1.5, replica.GetProperty("round_trip_ms").GetDouble());
        Assert.Equal("0-1-42", replica.GetProperty("gtid").GetString());
        Assert.Equal(checkedAt, replica.GetProperty("checked_at").GetDateTimeOffset());
        Assert.Equal(0, replica.GetProperty("pool").GetProperty("open").GetInt32());
    }

    [Fact]
    public void Html_ReasonWithMarkup_IsEncoded()
    {
        _context.Backends[1].Health = Health(HealthState.Down) with { Reason = "<script>x</script>" };

        var html = System.Text.Encoding.UTF8.GetString(StatusDocument.Html(_context, sessions: 0));

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    private static BackendHealth Health(HealthState state) =>
        new(state, state == HealthState.Online ? "" : state.ToString(), null, null, null, null, DateTimeOffset.UtcNow);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
