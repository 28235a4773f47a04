using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>Issue 20: a member's private note and links on a roadmap item, through the whole command path.</summary>
public sealed class NoteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static async Task<TestBot> StartedAsync(params string[] members)
    {
        var bot = await TestBot.StartAsync(now: T0);
        foreach (var member in members)
        {
            await bot.SayAsync(member, "/progress start programmer part-time");
        }

        return bot;
    }

    private static Task<long> NotesAsync(TestBot bot) => bot.CountAsync("""SELECT COUNT(*) FROM "ItemNotes" """);

    private static Task<string> StoredAsync(TestBot bot, string item) =>
        bot.QueryAsync($"""SELECT n."Text", n."LinksJson" FROM "ItemNotes" n JOIN "Members" m ON m."Id" = n."MemberId" WHERE m."UserId" = 'ada' AND n."ItemId" = '{item}'""");

    [Fact]
    public async Task A_note_is_saved_shown_replaced_and_cleared_privately()
    {
        await using var bot = await StartedAsync("Ada");

        var saved = await bot.SayAsync("Ada", "/progress note numpy practise broadcasting before pandas");
        Assert.Equal(ReplyTone.Success, saved.Tone);
        Assert.Equal(Visibility.Private, saved.Visibility);
        Assert.Equal("Your note on NumPy (`numpy`)", saved.Title);
        Assert.Contains("Note saved (only you see it)", saved.Text, StringComparison.Ordinal);
        Assert.Contains("practise broadcasting before pandas", saved.Text, StringComparison.Ordinal);

        var shown = await bot.SayAsync("Ada", "/progress note numpy");
        Assert.Equal(Visibility.Private, shown.Visibility);
        Assert.Equal("practise broadcasting before pandas", shown.Text);

        var replaced = await bot.SayAsync("Ada", "/progress note numpy   two  spaces and \"quotes\" kept");
        Assert.Contains("Note replaced", replaced.Text, StringComparison.Ordinal);
        Assert.Contains("two  spaces and \"quotes\" kept", (await bot.SayAsync("Ada", "/progress note numpy")).Text, StringComparison.Ordinal);
        Assert.Equal(1, await NotesAsync(bot));

        var cleared = await bot.SayAsync("Ada", "/progress note numpy clear");
        Assert.Contains("Cleared your note and links on NumPy", cleared.Text, StringComparison.Ordinal);
        Assert.Equal(0, await NotesAsync(bot));
        Assert.Contains("You have no note on NumPy (`numpy`) yet", (await bot.SayAsync("Ada", "/progress note numpy")).Text, StringComparison.Ordinal);
        Assert.Contains("nothing to clear", (await bot.SayAsync("Ada", "/progress note numpy clear")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_are_each_members_own()
    {
        await using var bot = await StartedAsync("Ada", "Bob");
        await bot.SayAsync("Ada", "/progress note numpy ada-only-words");

        var bobs = await bot.SayAsync("Bob", "/progress note numpy");
        Assert.DoesNotContain("ada-only-words", ReplyText.All(bobs), StringComparison.Ordinal);
        Assert.DoesNotContain("ada-only-words", ReplyText.All(await bot.SayAsync("Bob", "/progress done numpy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_are_added_once_each_http_or_https_only_at_most_ten()
    {
        await using var bot = await StartedAsync("Ada");

        var added = await bot.SayAsync("Ada", "/progress note numpy link https://numpy.org/doc/");
        Assert.Equal(ReplyTone.Success, added.Tone);
        Assert.Contains("https://numpy.org/doc/", ReplyText.All(added), StringComparison.Ordinal);
        var again = await bot.SayAsync("Ada", "/progress note numpy link https://numpy.org/doc");
        Assert.Contains("already on your note", again.Text, StringComparison.Ordinal);

        foreach (var bad in new[] { "javascript:alert(1)", "ftp://numpy.org/x", "numpy.org", "https://", "data:text/html,<b>x</b>" })
        {
            var refused = await bot.SayAsync("Ada", $"/progress note numpy link {bad}");
            Assert.Equal(ReplyTone.Error, refused.Tone);
            Assert.Contains("http:// or https://", refused.Text, StringComparison.Ordinal);
        }

        var tooLong = await bot.SayAsync("Ada", "/progress note numpy link https://example.org/" + new string('a', 500));
        Assert.Equal(ReplyTone.Error, tooLong.Tone);
        Assert.Contains("A link can be at most 500 characters", tooLong.Text, StringComparison.Ordinal);

        for (var i = 2; i <= 10; i++)
        {
            Assert.Equal(ReplyTone.Success, (await bot.SayAsync("Ada", $"/progress note numpy link https://example.org/{i}")).Tone);
        }

        var eleventh = await bot.SayAsync("Ada", "/progress note numpy link https://example.org/11");
        Assert.Equal(ReplyTone.Error, eleventh.Tone);
        Assert.Contains("at most 10 links", eleventh.Text, StringComparison.Ordinal);
        var stored = await StoredAsync(bot, "numpy");
        Assert.DoesNotContain("example.org/11", stored, StringComparison.Ordinal);
        Assert.Contains("Links (10)", ReplyText.All(await bot.SayAsync("Ada", "/progress note numpy")), StringComparison.Ordinal);

        // A note's text and its links live side by side: writing the text keeps the links.
        await bot.SayAsync("Ada", "/progress note numpy my words");
        Assert.Contains("Links (10)", ReplyText.All(await bot.SayAsync("Ada", "/progress note numpy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_1_MB_note_or_one_character_too_many_is_refused_and_nothing_changes()
    {
        await using var bot = await StartedAsync("Ada");
        await bot.SayAsync("Ada", "/progress note numpy the note before");
        var before = await bot.DumpAsync();

        var huge = await bot.SayAsync("Ada", "/progress note numpy " + new string('x', 1024 * 1024));
        Assert.Equal(ReplyTone.Error, huge.Tone);
        Assert.Contains("A note can be at most 2,000 characters", huge.Text, StringComparison.Ordinal);

        var over = await bot.SayAsync("Ada", "/progress note numpy " + new string('y', 2001));
        Assert.Equal(ReplyTone.Error, over.Tone);
        Assert.Contains("A note can be at most 2,000 characters: yours has 2,001", over.Text, StringComparison.Ordinal);

        Assert.Equal(before, await bot.DumpAsync());

        // Grapheme clusters count as one character each, as everywhere: 300 family emoji are 300 characters.
        var family = string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 300));
        Assert.Equal(ReplyTone.Success, (await bot.SayAsync("Ada", "/progress note pandas " + family)).Tone);

        var atLimit = await bot.SayAsync("Ada", "/progress note numpy " + new string('z', 2000));
        Assert.Equal(ReplyTone.Success, atLimit.Tone);
    }

    [Fact]
    public async Task Hidden_and_control_characters_are_refused_like_other_free_text()
    {
        await using var bot = await StartedAsync("Ada");

        foreach (var bad in new[] { "evil\u202Etxt.exe", "zero\u200Bwidth", "bell\u0007" })
        {
            var refused = await bot.SayAsync("Ada", $"/progress note numpy {bad}");
            Assert.Equal(ReplyTone.Error, refused.Tone);
        }

        Assert.Equal(0, await NotesAsync(bot));
    }

    [Fact]
    public async Task Html_and_script_are_stored_and_shown_as_the_member_wrote_them()
    {
        await using var bot = await StartedAsync("Ada");
        const string Html = "<script>alert('x')</script> <b>bold</b> & <a href=\"https://evil.example\">link</a>";

        await bot.SayAsync("Ada", "/progress note numpy " + Html);

        Assert.Equal(Html, (await bot.SayAsync("Ada", "/progress note numpy")).Text);
        Assert.StartsWith(Html + "|", await StoredAsync(bot, "numpy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_item_gets_the_item_not_found_reply_and_a_newcomer_is_asked_to_start_first()
    {
        await using var bot = await StartedAsync("Ada");

        var unknown = await bot.SayAsync("Ada", "/progress note quantum-basketweaving my note");
        Assert.Equal(ReplyTone.Error, unknown.Tone);
        Assert.Contains("quantum-basketweaving", unknown.Text, StringComparison.Ordinal);

        var newcomer = await bot.SayAsync("Zed", "/progress note numpy hello");
        Assert.Contains("/progress start", newcomer.Text, StringComparison.Ordinal);
        Assert.Equal(0, await NotesAsync(bot));
    }

    [Fact]
    public async Task The_items_chat_reply_shows_the_note_cut_to_a_short_field()
    {
        await using var bot = await StartedAsync("Ada");
        await bot.SayAsync("Ada", "/progress note numpy " + string.Join(' ', Enumerable.Repeat("broadcasting", 150)));
        await bot.SayAsync("Ada", "/progress note numpy link https://numpy.org/doc/");

        var done = await bot.SayAsync("Ada", "/progress done numpy");
        var field = Assert.Single(done.Fields, f => f.Name == "Your note");
        Assert.True(field.Value.Length < 320, field.Value);
        Assert.Contains("broadcasting broadcasting", field.Value, StringComparison.Ordinal);
        Assert.Contains("…", field.Value, StringComparison.Ordinal);
        Assert.Contains("1 link", field.Value, StringComparison.Ordinal);
        Assert.Contains("/progress note numpy", field.Value, StringComparison.Ordinal);

        Assert.Contains(( await bot.SayAsync("Ada", "/progress doing numpy")).Fields, f => f.Name == "Your note");
        Assert.DoesNotContain((await bot.SayAsync("Ada", "/progress done pandas")).Fields, f => f.Name == "Your note");
    }

    [Fact]
    public async Task The_export_has_the_notes_and_links_and_erasing_the_member_deletes_them()
    {
        await using var bot = await StartedAsync("Ada", "Bob");
        await bot.SayAsync("Ada", "/progress note numpy ada-secret-note");
        await bot.SayAsync("Ada", "/progress note numpy link https://numpy.org/doc/");
        await bot.SayAsync("Bob", "/progress note numpy bob-secret-note");

        var export = await bot.SayAsync("Ada", "/progress me export");
        var json = System.Text.Encoding.UTF8.GetString(Assert.Single(export.Attachments).Content);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var note = Assert.Single(doc.RootElement.GetProperty("member").GetProperty("notes").EnumerateArray());
        Assert.Equal("numpy", note.GetProperty("itemId").GetString());
        Assert.Equal("ada-secret-note", note.GetProperty("note").GetString());
        Assert.Equal("https://numpy.org/doc/", Assert.Single(note.GetProperty("links").EnumerateArray()).GetString());
        Assert.DoesNotContain("bob-secret-note", json, StringComparison.Ordinal);

        await bot.SayAsync("Ada", "/progress me delete confirm");
        var dump = await bot.DumpAsync();
        Assert.DoesNotContain("ada-secret-note", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("numpy.org/doc", dump, StringComparison.Ordinal);
        Assert.Contains("bob-secret-note", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_roadmap_version_moves_notes_with_renamed_and_merged_items_and_keeps_retired_ones()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-notes-versions-{Guid.NewGuid():N}.db");
        string Folder(string name) => Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "RoadmapVersions", name);
        Task<TestBot> StartAsync(string version, DateTimeOffset now) => TestBot.StartAsync(
            now: now,
            dbPath: file,
            replace: s => s.AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(Folder(version)), "ml-zero-to-hero")));
        try
        {
            await using (var v1 = await StartAsync("v1", T0))
            {
                await RoadmapVersionStartup.RunAsync(v1.Services, CancellationToken.None);
                await v1.SayAsync("Ada", "/progress start programmer part-time");
                foreach (var command in new[]
                {
                    "/progress note numpy renamed-note", "/progress note numpy link https://numpy.org/doc/",
                    "/progress note data-pandas-manipulation first-part", "/progress note data-pandas-manipulation link https://pandas.pydata.org/",
                    "/progress note data-polars-dask-judgement second-part", "/progress note data-polars-dask-judgement link https://pandas.pydata.org",
                    "/progress note polars-dask retired-note",
                })
                {
                    Assert.True((await v1.SayAsync("Ada", command)).Tone == ReplyTone.Success, command);
                }
            }

            await using var v2 = await StartAsync("v2", T0.AddHours(1));
            await RoadmapVersionStartup.RunAsync(v2.Services, CancellationToken.None);

            var renamed = await v2.SayAsync("Ada", "/progress note numpy-arrays");
            Assert.Equal("renamed-note", renamed.Text);
            Assert.Contains("https://numpy.org/doc/", ReplyText.All(renamed), StringComparison.Ordinal);

            var merged = await v2.SayAsync("Ada", "/progress note data-wrangling");
            Assert.Contains("first-part", merged.Text, StringComparison.Ordinal);
            Assert.Contains("second-part", merged.Text, StringComparison.Ordinal);
            Assert.Contains("Links (1)", ReplyText.All(merged), StringComparison.Ordinal);

            Assert.Contains("retired-note", await StoredAsync(v2, "polars-dask"), StringComparison.Ordinal);
            Assert.Equal(3, await NotesAsync(v2));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }
    }
}
