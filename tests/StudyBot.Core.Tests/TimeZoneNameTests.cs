using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>Every name in the time-zone database works, in any letter case; near misses get useful suggestions.</summary>
public sealed class TimeZoneNameTests
{
    /// <summary>Zone and link names of the machine's tz database (tzdata.zi: "Z name ..." and "L target name").</summary>
    private static IReadOnlyList<string> DatabaseNames()
    {
        var dir = Environment.GetEnvironmentVariable("TZDIR") is { Length: > 0 } tzdir ? tzdir : "/usr/share/zoneinfo";
        var file = Path.Combine(dir, "tzdata.zi");
        Assert.True(File.Exists(file), $"the time-zone database's tzdata.zi was not found at {file}");
        return File.ReadLines(file)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 2 && (parts[0] == "Z" || (parts[0] == "L" && parts.Length >= 3)))
            .Select(parts => parts[0] == "Z" ? parts[1] : parts[2])
            .ToList();
    }

    [Fact]
    public void Every_name_in_the_time_zone_database_is_accepted_as_typed_and_in_lower_case()
    {
        var names = DatabaseNames();
        Assert.True(names.Count > 500, $"only {names.Count} names read");

        var refused = names.Where(n => !TimeZones.TryNormalize(n, out var id) || id != n).ToList();
        var refusedLower = names.Where(n => !TimeZones.TryNormalize(n.ToLowerInvariant(), out var id) || id != n).ToList();

        Assert.True(refused.Count == 0, "refused: " + string.Join(", ", refused.Take(20)));
        Assert.True(refusedLower.Count == 0, "refused in lower case: " + string.Join(", ", refusedLower.Take(20)));
    }

    [Theory]
    [InlineData("Etc/GMT-14", 14 * 60)]
    [InlineData("CET", 60)]
    [InlineData("EST5EDT", -5 * 60)]
    [InlineData("GMT", 0)]
    [InlineData("Asia/Calcutta", 5 * 60 + 30)]
    [InlineData("Europe/Kiev", 2 * 60)]
    [InlineData("US/Pacific", -8 * 60)]
    [InlineData("America/Godthab", -2 * 60)]
    [InlineData("NZ-CHAT", 13 * 60 + 45)]
    public void Legacy_names_and_links_keep_their_zone_s_clock(string name, int offsetMinutesOnJanuaryFirst)
    {
        Assert.True(TimeZones.TryNormalize(name, out var id));
        var offset = TimeZones.Get(id).GetUtcOffset(new DateTimeOffset(2027, 1, 1, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(offsetMinutesOnJanuaryFirst, (int)offset.TotalMinutes);
    }

    [Fact]
    public void A_legacy_name_the_machine_lacks_falls_back_to_the_zone_it_links_to()
    {
        static TimeZoneInfo? OnlyModernNames(string id) => id == "Asia/Kolkata" ? TimeZoneInfo.FindSystemTimeZoneById(id) : null;

        Assert.Equal("Asia/Kolkata", TimeZones.Get("Asia/Calcutta", OnlyModernNames).Id);
    }

    [Theory]
    [InlineData("Asia/Calcutta", "Asia/Kolkata")]
    [InlineData("US/Pacific", "America/Los_Angeles")]
    [InlineData("Europe/Berlin", null)]
    [InlineData("UTC", null)]
    [InlineData("GMT", null)]
    public void A_link_to_a_place_names_the_place(string name, string? place) => Assert.Equal(place, TimeZones.PlaceOf(name));

    [Theory]
    [InlineData("EST", "America/New_York")]
    [InlineData("MST", "America/Denver")]
    public void A_fixed_offset_abbreviation_gets_a_note_naming_the_place_that_follows_daylight_saving(string name, string place)
    {
        var note = TimeZones.FixedOffsetNote(name);

        Assert.NotNull(note);
        Assert.Contains(place, note.Value.Text, StringComparison.Ordinal);
        Assert.Equal(place, note.Value.Suggestion);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("UTC")]
    [InlineData("Etc/GMT-14")]
    public void Ordinary_zones_get_no_note(string name) => Assert.Null(TimeZones.FixedOffsetNote(name));

    [Theory]
    [InlineData("EST", "America/New_York")]
    [InlineData("est", "America/New_York")]
    [InlineData("PST", "America/Los_Angeles")]
    [InlineData("EDT", "America/New_York")]
    [InlineData("CEST", "Europe/Berlin")]
    [InlineData("UTC+2", "Etc/GMT-2")]
    [InlineData("GMT-5", "Etc/GMT+5")]
    [InlineData("Europe/Berln", "Europe/Berlin")]
    [InlineData("berlin", "Europe/Berlin")]
    [InlineData("new york", "America/New_York")]
    [InlineData("Amerca/Chicago", "America/Chicago")]
    public void Suggestions_start_with_the_zone_meant(string typed, string first)
    {
        var suggestions = TimeZones.Suggest(typed);

        Assert.NotEmpty(suggestions);
        Assert.Equal(first, suggestions[0]);
        Assert.DoesNotContain("Europe/Bucharest", suggestions);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("xyz")]
    public void Nonsense_gets_no_suggestion(string typed) => Assert.Empty(TimeZones.Suggest(typed));
}
