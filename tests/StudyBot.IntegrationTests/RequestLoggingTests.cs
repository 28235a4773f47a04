using Microsoft.Extensions.Configuration;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// ASP.NET Core's per-request log category is switched off (no Activity, no logging scope per request) only where the
/// logging settings would not write its Information lines anyway; whoever asks for request logs still gets them.
/// </summary>
public sealed class RequestLoggingTests
{
    private static bool LogsRequests(params (string Key, string Value)[] settings) =>
        StudyBotHost.LogsInformation(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build().GetSection("Logging"),
            StudyBotHost.HostingDiagnosticsCategory);

    [Fact]
    public void The_shipped_settings_with_Microsoft_at_Warning_write_no_request_lines()
    {
        Assert.False(LogsRequests(("Logging:LogLevel:Default", "Information"), ("Logging:LogLevel:Microsoft", "Warning")));
        Assert.False(LogsRequests(("Logging:LogLevel:Default", "Warning")));
        Assert.False(LogsRequests(("Logging:LogLevel:Default", "Information"), ("Logging:LogLevel:Microsoft.AspNetCore", "Error")));
    }

    [Fact]
    public void Asking_for_request_logs_anywhere_keeps_them()
    {
        // Nothing configured: the framework's default is Information.
        Assert.True(LogsRequests());
        Assert.True(LogsRequests(("Logging:LogLevel:Default", "Information")));
        Assert.True(LogsRequests(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Information")));
        Assert.True(LogsRequests(("Logging:LogLevel:Microsoft", "Warning"), ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Debug")));
        Assert.True(LogsRequests(("Logging:LogLevel:Default", "Warning"), ("Logging:Console:LogLevel:Microsoft.AspNetCore", "Trace")));
        Assert.True(LogsRequests(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:Microsoft.AspNetCore", "not a level")));
    }

    [Fact]
    public void A_longer_prefix_decides_over_a_shorter_one()
    {
        Assert.False(LogsRequests(("Logging:LogLevel:Microsoft", "Information"), ("Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Warning")));
        Assert.True(LogsRequests(("Logging:LogLevel:Microsoft", "Warning"), ("Logging:LogLevel:Microsoft.AspNetCore", "Information")));
        // A prefix must end at a dot: "Microsoft.AspNet" does not name this category.
        Assert.False(LogsRequests(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:Microsoft.AspNet", "Information")));
    }
}
