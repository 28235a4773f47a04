namespace StudyBot.BrowserTests;

/// <summary>
/// Where the browser tests find Chromium: Debian's package, driven by Playwright with no browser download. Where it is
/// missing they skip with the line that installs it; CI sets <c>STUDYBOT_REQUIRE_BROWSER=1</c> after installing it, so
/// there a missing browser fails instead.
/// </summary>
internal static class Chromium
{
    public const string RequireVariable = "STUDYBOT_REQUIRE_BROWSER";

    public const string InstallLine = "sudo apt-get install -y chromium";

    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("STUDYBOT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why the browser tests are skipped here, or null when they run.</summary>
    public static string? SkipReason => File.Exists(ExecutablePath) || Required
        ? null
        : $"Chromium is not installed ({ExecutablePath} is missing); install it to run the browser tests: {InstallLine}";
}

/// <summary>A test that needs a real browser.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = Chromium.SkipReason!;
}

/// <summary>A theory that needs a real browser.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = Chromium.SkipReason!;
}
