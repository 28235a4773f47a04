using System.Collections.Frozen;

namespace StudyBot.Core.Progress;

/// <summary>IANA time zones, looked up case-insensitively, and local calendar arithmetic.</summary>
public static class TimeZones
{
    private static readonly Lazy<FrozenDictionary<string, string>> Known = new(() =>
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            if (TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana))
            {
                ids.TryAdd(iana, iana);
            }
            else
            {
                ids.TryAdd(zone.Id, zone.Id);
            }
        }

        ids.TryAdd("UTC", "UTC");
        ids.TryAdd("Etc/UTC", "Etc/UTC");
        return ids.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    });

    public static IEnumerable<string> AllIds => Known.Value.Values.Order(StringComparer.Ordinal);

    /// <summary>Finds an IANA zone by id in any letter case ("europe/berlin" gives "Europe/Berlin").</summary>
    public static bool TryNormalize(string? input, out string ianaId)
    {
        ianaId = "";
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        if (Known.Value.TryGetValue(text, out var found) && TryGet(found, out _))
        {
            ianaId = found;
            return true;
        }

        return false;
    }

    /// <summary>Up to <paramref name="count"/> zones whose id contains the text, for a helpful "did you mean".</summary>
    public static IReadOnlyList<string> Suggest(string input, int count = 3)
    {
        var text = input.Trim().Replace(' ', '_');
        if (text.Length < 3)
        {
            return [];
        }

        return AllIds.Where(id => id.Contains('/') && id.Contains(text, StringComparison.OrdinalIgnoreCase)).Take(count).ToList();
    }

    public static TimeZoneInfo Get(string ianaId) => TryGet(ianaId, out var zone) ? zone : TimeZoneInfo.Utc;

    private static bool TryGet(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    public static DateTime ToLocal(DateTimeOffset instant, string ianaId) =>
        TimeZoneInfo.ConvertTime(instant, Get(ianaId)).DateTime;

    public static DateOnly LocalDate(DateTimeOffset instant, string ianaId) => DateOnly.FromDateTime(ToLocal(instant, ianaId));

    /// <summary>The Monday that starts the week containing <paramref name="date"/>.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    public static DateOnly MonthStart(DateOnly date) => new(date.Year, date.Month, 1);
}
