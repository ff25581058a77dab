using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Prometheus;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Metrics;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

/// <summary>Reloads through the real file watcher on a temporary directory. Every wait polls a counter with a deadline;
/// "exactly once" is checked after one more event has been handled, so nothing relies on timing.</summary>
public sealed class ConfigReloadTests : IDisposable
{
    private const string Secret = "s3cret-never-logged";
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-reload-").FullName;
    private readonly ListLogger _logger = new();
    private readonly ConfigMetrics _metrics = new(Prometheus.Metrics.NewCustomRegistry());

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AtomicReplace_IsReloadedExactlyOnce()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var (live, reloader, watcher) = Watch(path);
        using var _ = watcher;

        ReplaceAtomically(path, Config("app", "report"));

        await Poll.UntilAsync(() => live.Generation >= 1, "the reload");
        await AllEventsHandledAsync(reloader);
        Assert.Equal(1, live.Generation);
        Assert.Equal(1, _metrics.Successes);
        Assert.Equal(["app", "report"], live.Current.Users.Select(u => u.Name));
    }

    [Fact]
    public async Task InvalidFile_IsCountedAndLoggedAndTheRunningConfigurationKept()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var (live, reloader, watcher) = Watch(path);
        using var _ = watcher;
        var running = live.Current;

        var invalid = Config("app") + "pol:\n  min_idle: 1\nrules:\n  - match: { regex: 'a(' }\n    route: primary\n";
        ReplaceAtomically(path, invalid);

        await Poll.UntilAsync(() => _metrics.Failures >= 1, "the rejected reload");
        await AllEventsHandledAsync(reloader);
        Assert.Same(running, live.Current);
        Assert.Equal(0, live.Generation);
        Assert.Equal(1, _metrics.Failures);
        Assert.Equal(0, _metrics.Successes);
        var errors = _logger.Lines.Where(l => l.EventId == 1802).Select(l => l.Message).ToList();
        Assert.Equal(2, errors.Count);
        var line = invalid.Split('\n').ToList().IndexOf("pol:") + 1;
        Assert.Contains(errors, e => e.Contains($"line {line}, column 1: unknown key 'pol' (did you mean 'pool'?)"));
        Assert.Contains(errors, e => e.Contains("'rules[0].match.regex' is not a valid regular expression"));
        Assert.Contains(_logger.Lines, l => l.EventId == 1801 && l.Message.Contains("2 error(s)"));
        Assert.DoesNotContain(_logger.Lines, l => l.Message.Contains(Secret));
    }

    [Fact]
    public async Task KubernetesConfigMapSymlinkSwap_IsReloadedExactlyOnce()
    {
        // The layout the kubelet writes: the file is a symlink through "..data", itself a symlink to a timestamped
        // directory; an update writes a new directory and renames a new "..data" symlink over the old one.
        Write(Path.Combine("..2026_12_01_a", "switchyard.yaml"), Config("app"));
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..2026_12_01_a");
        var path = Path.Combine(_directory, "switchyard.yaml");
        File.CreateSymbolicLink(path, Path.Combine("..data", "switchyard.yaml"));
        var (live, reloader, watcher) = Watch(path);
        using var _ = watcher;

        Write(Path.Combine("..2026_12_01_b", "switchyard.yaml"), Config("app", "report"));
        File.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), "..2026_12_01_b");
        Rename(Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data"));
        Directory.Delete(Path.Combine(_directory, "..2026_12_01_a"), recursive: true);

        await Poll.UntilAsync(() => live.Generation >= 1, "the reload");
        await AllEventsHandledAsync(reloader);
        Assert.Equal(1, live.Generation);
        Assert.Equal(["app", "report"], live.Current.Users.Select(u => u.Name));
    }

    [Fact]
    public async Task SymlinkToAFileElsewhere_EditOfTheTargetIsReloaded()
    {
        var target = Write(Path.Combine("checkout", "switchyard.yaml"), Config("app"));
        var path = Path.Combine(_directory, "etc", "switchyard.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        var (live, reloader, watcher) = Watch(path);
        using var _ = watcher;
        Assert.Equal([Path.GetDirectoryName(path)!, Path.GetDirectoryName(target)!], ConfigWatcher.DirectoriesToWatch(path));

        ReplaceAtomically(target, Config("app", "report"));

        await Poll.UntilAsync(() => live.Generation >= 1, "the reload");
        Assert.Equal(["app", "report"], live.Current.Users.Select(u => u.Name));
    }

    [Fact]
    public void DirectoriesToWatch_KubernetesLayout_IsTheMountDirectoryOnly()
    {
        Write(Path.Combine("..2026_12_01_a", "switchyard.yaml"), Config("app"));
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..2026_12_01_a");
        var path = Path.Combine(_directory, "switchyard.yaml");
        File.CreateSymbolicLink(path, Path.Combine("..data", "switchyard.yaml"));

        Assert.Equal([_directory], ConfigWatcher.DirectoriesToWatch(path));
    }

    [Fact]
    public async Task Sighup_ReloadsEvenUnchangedContent()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var (live, reloader, watcher) = Watch(path);
        using var _ = watcher;

        watcher.RequestReload(ReloadTrigger.Signal);

        // Attempts counts a reload once all of it (publish, metrics, log) is done.
        await Poll.UntilAsync(() => reloader.Attempts >= 1, "the reload");
        Assert.Equal(1, live.Generation);
        Assert.Equal(1, _metrics.Successes);
        Assert.Contains(_logger.Lines, l => l.EventId == 1800 && l.Message.Contains("(Signal)"));
    }

    [Fact]
    public void Reload_FileEventWithSameContent_IsNoReload()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var reloader = new ConfigReloader(path, live, _metrics, _logger, TimeProvider.System);

        Assert.Equal(ReloadOutcome.Unchanged, reloader.Reload(ReloadTrigger.FileChanged));
        Assert.Equal(0, live.Generation);
        Assert.Equal(0, _metrics.Successes + _metrics.Failures);
    }

    [Fact]
    public void Reload_ValidChange_PublishesAndNotifiesAndWarnsAboutRestartOnlySections()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var reloader = new ConfigReloader(path, live, _metrics, _logger, TimeProvider.System);
        SwitchyardConfig? notified = null;
        live.Changed += c => notified = c;
        File.WriteAllText(path, Config("app", "report") + "pool:\n  max_connections_per_backend: 7\n");

        Assert.Equal(ReloadOutcome.Applied, reloader.Reload(ReloadTrigger.FileChanged));

        Assert.Same(live.Current, notified);
        Assert.Equal(7, live.Current.Pool.MaxConnectionsPerBackend);
        Assert.True(_metrics.LastSuccessSeconds > 0);
        var restart = Assert.Single(_logger.Lines, l => l.EventId == 1803);
        Assert.Contains("'pool'", restart.Message);

        // The pool was never rebuilt: a later reload that keeps the change still says it needs a restart.
        File.WriteAllText(path, Config("app") + "pool:\n  max_connections_per_backend: 7\n");
        Assert.Equal(ReloadOutcome.Applied, reloader.Reload(ReloadTrigger.FileChanged));
        Assert.Equal(2, _logger.Lines.Count(l => l.EventId == 1803 && l.Message.Contains("'pool'")));
    }

    [Fact]
    public void Reload_SubscriberThrows_OthersStillRunAndTheReloadStands()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var reloader = new ConfigReloader(path, live, _metrics, _logger, TimeProvider.System);
        var second = false;
        live.Changed += _ => throw new InvalidOperationException("boom");
        live.Changed += _ => second = true;

        Assert.Equal(ReloadOutcome.Applied, reloader.Reload(ReloadTrigger.Signal));

        Assert.True(second);
        Assert.Contains(_logger.Lines, l => l.EventId == 1807);
    }

    [Fact]
    public void Reload_FileGone_IsRejectedAndCounted()
    {
        var path = Write("switchyard.yaml", Config("app"));
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var reloader = new ConfigReloader(path, live, _metrics, _logger, TimeProvider.System);
        File.Delete(path);

        Assert.Equal(ReloadOutcome.Rejected, reloader.Reload(ReloadTrigger.Signal));

        Assert.Equal(1, _metrics.Failures);
        Assert.Contains(_logger.Lines, l => l.EventId == 1802 && l.Message.Contains("cannot read the file"));
    }

    [Fact]
    public async Task Metrics_AreExportedWithBothResults()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ConfigMetrics(registry);
        metrics.ReloadFailed();
        metrics.ReloadSucceeded(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("switchyard_config_reloads_total{result=\"success\"} 1", text);
        Assert.Contains("switchyard_config_reloads_total{result=\"failure\"} 1", text);
        Assert.Contains("switchyard_config_last_reload_success_timestamp_seconds 1700000000", text);
    }

    [Fact]
    public async Task RuleCounters_AreExportedPerRuleAndContinueAcrossAReload()
    {
        var path = Write("switchyard.yaml", Config("app") + "rules:\n  - name: all\n    route: primary\n  - name: old\n    route: replica\n");
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ConfigMetrics(registry, () => live.Current.Rules);
        var reloader = new ConfigReloader(path, live, metrics, _logger, TimeProvider.System);
        live.Current.Rules.Match(new Switchyard.Routing.Rules.RuleInput(default, "SELECT 1"u8, "app", null, null));
        Assert.Contains("switchyard_rule_hits_total{rule=\"all\"} 1", await ExportAsync(registry));

        File.WriteAllText(path, Config("app") + "rules:\n  - name: all\n    route: replica\n");
        Assert.Equal(ReloadOutcome.Applied, reloader.Reload(ReloadTrigger.Signal));
        live.Current.Rules.Match(new Switchyard.Routing.Rules.RuleInput(default, "SELECT 1"u8, "app", null, null));

        var text = await ExportAsync(registry);
        Assert.Contains("switchyard_rule_hits_total{rule=\"all\"} 2", text);
        Assert.DoesNotContain("rule=\"old\"", text);
    }

    private static async Task<string> ExportAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Touches an unrelated file and waits until the watcher has handled that event too: every earlier event
    /// was handled before it (one quiet period covers them all, and reloads run one at a time).</summary>
    private static async Task AllEventsHandledAsync(ConfigReloader reloader)
    {
        await Poll.UntilAsync(() => reloader.Started == reloader.Attempts, "no reload running");
        var before = reloader.Attempts;
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(reloader.Path)!, "marker-" + Guid.NewGuid().ToString("N")), "x");
        await Poll.UntilAsync(() => reloader.Attempts > before, "the marker event");
    }

    private (LiveConfig Live, ConfigReloader Reloader, ConfigWatcher Watcher) Watch(string path)
    {
        var live = new LiveConfig(ConfigLoader.LoadFile(path));
        var reloader = new ConfigReloader(path, live, _metrics, _logger, TimeProvider.System);
        var watcher = new ConfigWatcher(reloader, _logger, TimeProvider.System, TimeSpan.FromMilliseconds(50), handleSighup: false);
        return (live, reloader, watcher);
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>What editors do: write a temporary file beside the original, then rename it over it.</summary>
    private static void ReplaceAtomically(string path, string text)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>rename(2), as the kubelet does: replaces the "..data" symlink itself, never what it points to.</summary>
    private static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
            throw new IOException($"rename {from} -> {to} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int RenameNative(string from, string to);

    private static string Config(params string[] users) => $"""
        backend_credentials:
          user: switchyard
          password: {Secret}
        monitor:
          enabled: false
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary
        users:
        {string.Join("\n", users.Select(u => $"  - name: {u}\n    password: {Secret}"))}

        """;
}
