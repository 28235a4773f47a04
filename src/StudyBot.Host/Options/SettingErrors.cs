using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using StudyBot.Discord;
using StudyBot.Host.Scheduling;
using StudyBot.Slack;

namespace StudyBot.Host.Options;

/// <summary>
/// Turns the configuration binder's errors ("Failed to convert configuration value ... to type ...") into the
/// one line an operator needs: the key, the value unless it may be a secret, and what a good value looks like.
/// </summary>
public static partial class SettingErrors
{
    /// <summary>The sections StudyBot binds, so an example can be the key's own default.</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [DatabaseOptions.Section] = typeof(DatabaseOptions),
        [RoadmapOptions.Section] = typeof(RoadmapOptions),
        [CommunityOptions.Section] = typeof(CommunityOptions),
        [ConsoleOptions.Section] = typeof(ConsoleOptions),
        [HttpOptions.Section] = typeof(HttpOptions),
        [SchedulingOptions.Section] = typeof(SchedulingOptions),
        [RetentionOptions.Section] = typeof(RetentionOptions),
        [DiagnosticsOptions.Section] = typeof(DiagnosticsOptions),
        [DiscordOptions.Section] = typeof(DiscordOptions),
        [SlackOptions.Section] = typeof(SlackOptions),
    };

    // The binder's message ends "... at '<path>' to type '<type>'." whatever the value held (even quotes).
    [GeneratedRegex(@"at '(?<path>[^']*)' to type '(?<type>[^']+)'\.?$")]
    private static partial Regex FailedBinding();

    /// <summary>
    /// The key, value and expected form of a binder error, or null when <paramref name="exception"/> is not one.
    /// </summary>
    public static string? Describe(InvalidOperationException exception, IConfiguration configuration)
    {
        var match = FailedBinding().Match(exception.Message);
        if (!match.Success)
        {
            return null;
        }

        var path = match.Groups["path"].Value;
        var type = ResolveType(match.Groups["type"].Value);
        var form = type switch
        {
            _ when type == typeof(TimeSpan) => $"is not a duration; use e.g. {Example(path, type)} (hours:minutes:seconds)",
            _ when type == typeof(bool) => "is not true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte)
                => $"is not a whole number; use e.g. {Example(path, type)}",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => $"is not a number; use e.g. {Example(path, type)}",
            _ when type == typeof(Uri) => "is not a URL",
            { IsEnum: true } => $"is not one of {string.Join(", ", Enum.GetNames(type))}",
            _ => $"cannot be read as {type?.Name ?? match.Groups["type"].Value}",
        };
        return $"{Quote(path, configuration[path])} {form}.";
    }

    /// <summary>
    /// The key followed by its value in quotes, or the key alone when its name suggests a secret (a token, a
    /// password, a connection string that may carry one): such values are never printed.
    /// </summary>
    public static string Quote(string key, string? value) =>
        MaySecret(key) ? key : $"{key} '{Shorten(value ?? "")}'";

    public static bool MaySecret(string key) =>
        SecretWords.Any(word => key.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] SecretWords = ["token", "secret", "password", "passwd", "pwd", "connectionstring", "apikey", "credential", "privatekey"];

    /// <summary>A duration as people type it: 00:00:02, 00:00:01.5, 1.00:00:00.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.MinValue)
        {
            return value.ToString("c", CultureInfo.InvariantCulture);
        }

        var size = value.Duration();
        var text = size.ToString(size.Days != 0 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);
        var fraction = size.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            text += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return value < TimeSpan.Zero ? "-" + text : text;
    }

    private static string Shorten(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return clean.Length > 60 ? clean[..60] + "…" : clean;
    }

    private static string Example(string path, Type? type)
    {
        var dot = path.IndexOf(':', StringComparison.Ordinal);
        if (dot > 0
            && Sections.TryGetValue(path[..dot], out var section)
            && section.GetProperty(path[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanRead: true } property
            && Activator.CreateInstance(section) is { } defaults)
        {
            switch (property.GetValue(defaults))
            {
                case TimeSpan duration:
                    return FormatDuration(duration);
                case IFormattable number and not Enum:
                    return number.ToString(null, CultureInfo.InvariantCulture);
            }
        }

        return type == typeof(TimeSpan) ? "00:00:30" : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "1.5" : "10";
    }

    private static Type? ResolveType(string name)
    {
        // Nullable<T> is named "System.Nullable`1[[T, assembly, ...]]".
        var nullable = name.IndexOf("[[", StringComparison.Ordinal);
        if (nullable >= 0)
        {
            var end = name.IndexOfAny([',', ']'], nullable + 2);
            name = name[(nullable + 2)..(end < 0 ? name.Length : end)];
        }

        return Type.GetType(name)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
    }
}
