using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StudyBot.Core.Progress;

/// <summary>
/// Time zones by the names of the IANA time-zone database, in any letter case, and local calendar arithmetic.
/// Every name of the database is accepted: zones, links and legacy names alike (<c>CET</c>, <c>EST5EDT</c>,
/// <c>Etc/GMT-14</c>, <c>US/Pacific</c>, <c>Asia/Calcutta</c>), and kept in the database's own spelling. A link
/// keeps working on a machine that lacks its file, through the zone it names (tzdb-names.txt holds the list).
/// </summary>
public static partial class TimeZones
{
    private const string NamesResource = "StudyBot.Core.Progress.tzdb-names.txt";

    private sealed record Names(FrozenDictionary<string, string> Spelling, FrozenDictionary<string, string> LinkTargets, IReadOnlyList<string> Places);

    private static readonly Lazy<Names> Database = new(LoadNames);

    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Found = new(StringComparer.Ordinal);

    /// <summary>Zone abbreviations people type that are not names in the database, and the place each usually means.</summary>
    private static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["EST"] = "America/New_York",
        ["EDT"] = "America/New_York",
        ["CST"] = "America/Chicago",
        ["CDT"] = "America/Chicago",
        ["MST"] = "America/Denver",
        ["MDT"] = "America/Denver",
        ["PST"] = "America/Los_Angeles",
        ["PDT"] = "America/Los_Angeles",
        ["AKST"] = "America/Anchorage",
        ["AKDT"] = "America/Anchorage",
        ["HST"] = "Pacific/Honolulu",
        ["BST"] = "Europe/London",
        ["IST"] = "Asia/Kolkata",
        ["CEST"] = "Europe/Berlin",
        ["EEST"] = "Europe/Athens",
        ["WEST"] = "Europe/Lisbon",
        ["MSK"] = "Europe/Moscow",
        ["AEST"] = "Australia/Sydney",
        ["AEDT"] = "Australia/Sydney",
        ["ACST"] = "Australia/Adelaide",
        ["AWST"] = "Australia/Perth",
        ["NZST"] = "Pacific/Auckland",
        ["NZDT"] = "Pacific/Auckland",
        ["JST"] = "Asia/Tokyo",
        ["KST"] = "Asia/Seoul",
        ["SGT"] = "Asia/Singapore",
        ["HKT"] = "Asia/Hong_Kong",
        ["PHT"] = "Asia/Manila",
        ["ICT"] = "Asia/Bangkok",
        ["WIB"] = "Asia/Jakarta",
        ["PKT"] = "Asia/Karachi",
        ["GST"] = "Asia/Dubai",
        ["SAST"] = "Africa/Johannesburg",
        ["WAT"] = "Africa/Lagos",
        ["EAT"] = "Africa/Nairobi",
        ["BRT"] = "America/Sao_Paulo",
        ["ART"] = "America/Argentina/Buenos_Aires",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Fixed-offset names people often mean as a place whose clocks change in summer.</summary>
    /// <remarks>The note's text is Resources/Zones.resx's "Zones.Fixed.&lt;name&gt;".</remarks>
    private static readonly FrozenDictionary<string, string> FixedOffsets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EST"] = "America/New_York",
        ["MST"] = "America/Denver",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Zones by place (Region/City), for autocomplete: no links, no legacy names.</summary>
    public static IEnumerable<string> AllIds => Database.Value.Places;

    /// <summary>
    /// Finds a time zone by any name of the time-zone database, in any letter case ("europe/berlin" gives
    /// "Europe/Berlin", "cet" gives "CET", "us/pacific" gives "US/Pacific"). Spaces may stand for underscores.
    /// </summary>
    public static bool TryNormalize(string? input, out string ianaId)
    {
        ianaId = "";
        var text = input?.Trim().Replace(' ', '_');
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !NamePattern().IsMatch(text) || text.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var names = Database.Value;
        if (!names.Spelling.TryGetValue(text, out var name))
        {
            // A name of a newer database than the list knows, as the system spells it; never a path of the zoneinfo folder.
            if (!text.Contains('/') || text.StartsWith("posix/", StringComparison.OrdinalIgnoreCase) || text.StartsWith("right/", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            name = text;
        }

        if (Find(name, SystemZone) is null)
        {
            return false;
        }

        ianaId = name;
        return true;
    }

    /// <summary>The place a link names, when the name is another (often older) name of a Region/City zone: "Asia/Kolkata" for "Asia/Calcutta".</summary>
    public static string? PlaceOf(string ianaId) =>
        Database.Value.LinkTargets.TryGetValue(ianaId, out var target) && target.Contains('/') && !target.StartsWith("Etc/", StringComparison.Ordinal) ? target : null;

    /// <summary>
    /// A note for fixed-offset names that people often mean as a place whose clocks change (EST for New York), with
    /// the zone to suggest; null for every other zone.
    /// </summary>
    public static (string Text, string Suggestion)? FixedOffsetNote(string ianaId) => FixedOffsetNote(ianaId, Localization.Languages.Default);

    /// <summary>As <see cref="FixedOffsetNote(string)"/>, the note in <paramref name="culture"/>'s language.</summary>
    public static (string Text, string Suggestion)? FixedOffsetNote(string ianaId, System.Globalization.CultureInfo culture) =>
        FixedOffsets.TryGetValue(ianaId, out var suggestion) ? (Localization.Text.Get(culture, "Zones.Fixed." + ianaId), suggestion) : null;

    /// <summary>
    /// Up to <paramref name="count"/> zones the text may mean, best first: the place an abbreviation stands for
    /// (PST), the Etc zone of an offset (UTC+2), or zones whose name or city is close to the text (Europe/Berln, new york).
    /// </summary>
    public static IReadOnlyList<string> Suggest(string input, int count = 3)
    {
        var text = input.Trim();
        if (Abbreviations.TryGetValue(text, out var place))
        {
            return [place];
        }

        if (OffsetPattern().Match(Numerals.ToAscii(text).Replace(" ", "", StringComparison.Ordinal)) is { Success: true } offset
            && Numerals.TryParseDigits(offset.Groups["hours"].Value, out var hours))
        {
            var east = offset.Groups["sign"].Value == "+";
            if (hours == 0)
            {
                return ["UTC"];
            }

            // POSIX signs are reversed: Etc/GMT-2 is two hours ahead of UTC.
            return hours <= (east ? 14 : 12) ? [$"Etc/GMT{(east ? "-" : "+")}{hours}"] : [];
        }

        var needle = text.Replace(' ', '_').ToLowerInvariant();
        if (needle.Length < 3)
        {
            return [];
        }

        var allowed = needle.Length >= 8 ? 2 : needle.Length >= 4 ? 1 : 0;
        return Database.Value.Places
            .Select(id => (Id: id, Score: Score(id.ToLowerInvariant())))
            .Where(x => x.Score < int.MaxValue)
            .OrderBy(x => x.Score)
            .ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Id)
            .ToList();

        int Score(string id)
        {
            var city = id[(id.LastIndexOf('/') + 1)..];
            if (city == needle || id == needle)
            {
                return 0;
            }

            var distance = Math.Min(Fuzzy.Distance(needle, id), Fuzzy.Distance(needle, city));
            if (distance <= allowed)
            {
                return 1 + distance;
            }

            if (city.StartsWith(needle, StringComparison.Ordinal))
            {
                return 4;
            }

            return needle.Length >= 4 && id.Contains(needle, StringComparison.Ordinal) ? 5 : int.MaxValue;
        }
    }

    /// <summary>The zone of a stored id; UTC for an id this machine cannot find (never expected: ids are checked when set).</summary>
    public static TimeZoneInfo Get(string ianaId) => Found.GetOrAdd(ianaId, id => Find(id, SystemZone)) ?? TimeZoneInfo.Utc;

    /// <summary><see cref="Get(string)"/> with the system's lookup replaced, to show what a machine without some names does.</summary>
    internal static TimeZoneInfo Get(string ianaId, Func<string, TimeZoneInfo?> findSystemZone) => Find(ianaId, findSystemZone) ?? TimeZoneInfo.Utc;

    /// <summary>The zone's offset from UTC at an instant, as "UTC+1", "UTC+5:30" or "UTC-5".</summary>
    public static string DescribeOffset(DateTimeOffset instant, string ianaId)
    {
        var offset = Get(ianaId).GetUtcOffset(instant);
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"UTC{sign}{(int)abs.TotalHours}" : $"UTC{sign}{(int)abs.TotalHours}:{abs.Minutes:00}";
    }

    private static TimeZoneInfo? Find(string id, Func<string, TimeZoneInfo?> findSystemZone) =>
        findSystemZone(id) ?? (Database.Value.LinkTargets.TryGetValue(id, out var target) ? findSystemZone(target) : null);

    private static TimeZoneInfo? SystemZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException)
        {
            return null;
        }
    }

    private static Names LoadNames()
    {
        var spelling = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["UTC"] = "UTC" };
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var places = new List<string>();
        using var stream = typeof(TimeZones).Assembly.GetManifestResourceStream(NamesResource)
            ?? throw new InvalidOperationException($"The resource {NamesResource} is missing from StudyBot.Core.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            spelling.TryAdd(parts[0], parts[0]);
            if (parts.Length == 2)
            {
                links[parts[0]] = parts[1];
            }
            else if (parts[0].Contains('/') && !parts[0].StartsWith("Etc/", StringComparison.Ordinal))
            {
                places.Add(parts[0]);
            }
        }

        places.Add("UTC");
        places.Sort(StringComparer.Ordinal);
        return new Names(spelling.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), links.ToFrozenDictionary(StringComparer.Ordinal), places);
    }

    [GeneratedRegex("^[A-Za-z0-9_+/-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?:UTC|GMT)(?<sign>[+-])(?<hours>[0-9]{1,2})(?::?00)?$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetPattern();

    public static DateTime ToLocal(DateTimeOffset instant, string ianaId) =>
        TimeZoneInfo.ConvertTime(instant, Get(ianaId)).DateTime;

    public static DateOnly LocalDate(DateTimeOffset instant, string ianaId) => DateOnly.FromDateTime(ToLocal(instant, ianaId));

    /// <summary>The Monday that starts the week containing <paramref name="date"/>.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    public static DateOnly MonthStart(DateOnly date) => new(date.Year, date.Month, 1);
}
