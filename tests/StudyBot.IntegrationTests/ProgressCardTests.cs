using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using StudyBot.Cards;
using StudyBot.Core.Cards;
using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary><c>/progress card</c> and the card on celebrations, on the real engine, database and renderer.</summary>
public sealed class ProgressCardTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static Task<TestBot> StartWithCardsAsync() =>
        TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0), configure: s => s.AddStudyBotCards());

    private static SKBitmap DecodePng(ReplyAttachment attachment)
    {
        Assert.Equal("image/png", attachment.ContentType);
        return SKBitmap.Decode(attachment.Content) ?? throw new Xunit.Sdk.XunitException("the attachment is not a decodable image");
    }

    [Fact]
    public async Task The_card_command_answers_privately_with_a_png_of_the_members_progress()
    {
        await using var bot = await StartWithCardsAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress done python-basics");
        await bot.SayAsync("Ada", "/progress goal set 5 hours");
        await bot.SayAsync("Ada", "/progress log 2h practice");

        var reply = await bot.SayAsync("Ada", "/progress card");

        Assert.Equal(Visibility.Private, reply.Visibility);
        Assert.NotEqual(ReplyTone.Error, reply.Tone);
        Assert.StartsWith("Here's your progress card, Ada: ", reply.Text, StringComparison.Ordinal);
        var attachment = Assert.Single(reply.Attachments);
        Assert.Equal("progress-ada-2026-11-02.png", attachment.FileName);
        Assert.Contains("Phase 0 Foundation 14%", attachment.AltText, StringComparison.Ordinal);
        Assert.Contains("This week: 2 h of 5 h.", attachment.AltText, StringComparison.Ordinal);
        using var image = DecodePng(attachment);
        Assert.Equal(1200, image.Width);
        Assert.Equal(630, image.Height);
    }

    [Fact]
    public async Task A_card_for_someone_who_has_not_started_still_comes_with_a_hint()
    {
        await using var bot = await StartWithCardsAsync();

        var reply = await bot.SayAsync("Newbie", "/progress card");

        Assert.Single(reply.Attachments);
        Assert.Contains("`/progress start` sets you up", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renderer_that_fails_gets_a_clear_reply_and_nothing_is_thrown_or_saved()
    {
        await using var bot = await TestBot.StartAsync(configure: s => s.AddSingleton<IProgressCardRenderer, BrokenRenderer>());
        await bot.SayAsync("Ada", "/progress done python-basics");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", "/progress card");

        Assert.Equal(ReplyTone.Warning, reply.Tone);
        Assert.Empty(reply.Attachments);
        Assert.Contains("I couldn't draw your progress card just now. `/progress` shows the same numbers as text", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Without_a_renderer_the_command_says_cards_are_off()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress card");

        Assert.Equal(ReplyTone.Warning, reply.Tone);
        Assert.Contains("Progress cards are not switched on", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_celebration_by_dm_carries_the_card_once_and_the_sent_row_keeps_only_its_words()
    {
        await using var bot = await StartWithCardsAsync();
        await bot.SayAsync("Ada", "/progress skip foundation known");
        bot.Time.Advance(TimeSpan.FromSeconds(15));

        await bot.Services.GetRequiredService<StudyBot.Core.Notifications.CelebrationService>().RunAsync(CancellationToken.None);

        // Milestone and phase complete together: two messages, and only the second carries the image.
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration'"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE PayloadJson LIKE '%\"attachments\":[{%'"));
        var largest = await bot.CountAsync("SELECT MAX(LENGTH(PayloadJson)) FROM Outbox");
        Assert.InRange(largest, 10_000, 400_000);

        await bot.RunJobsAsync();

        var dms = bot.Notifier.Deliveries.Where(d => d.Direct).ToList();
        Assert.Equal(2, dms.Count);
        Assert.Empty(dms[0].Message.Attachments);
        var card = Assert.Single(dms[1].Message.Attachments);
        Assert.StartsWith("🏁 Phase complete", dms[1].Message.Title, StringComparison.Ordinal);
        Assert.Contains("Phase 0 Foundation 100%", card.AltText, StringComparison.Ordinal);
        using (var image = DecodePng(card))
        {
            Assert.Equal(1200, image.Width);
        }

        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE SentAtUtc IS NOT NULL"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE PayloadJson LIKE '%\"attachments\":[{%'"));
        Assert.InRange(await bot.CountAsync("SELECT MAX(LENGTH(PayloadJson)) FROM Outbox"), 100, 5_000);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE PayloadJson LIKE '%Phase complete%'"));
    }

    [Theory]
    [InlineData("public", true)]
    [InlineData("partners", false)]
    public async Task In_the_channel_only_public_members_cards_are_shown(string privacy, bool withCard)
    {
        await using var bot = await StartWithCardsAsync();
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.SayAsync("Ada", $"/progress me privacy {privacy}");
        await bot.SayAsync("Ada", "/progress skip foundation known");

        await bot.RunUntilAsync(bot.Time.GetUtcNow().AddMinutes(1), TimeSpan.FromSeconds(10));

        var posts = bot.Notifier.Deliveries.Where(d => d.To == "#celebrations").ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(withCard ? 1 : 0, posts.Sum(p => p.Message.Attachments.Count));
    }

    [Fact]
    public async Task A_card_that_cannot_be_drawn_never_holds_up_the_celebration()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0), configure: s => s.AddSingleton<IProgressCardRenderer, BrokenRenderer>());
        await bot.SayAsync("Ada", "/progress skip foundation known");

        await bot.RunUntilAsync(bot.Time.GetUtcNow().AddMinutes(1), TimeSpan.FromSeconds(10));

        Assert.Equal(2, bot.Notifier.Deliveries.Count);
        Assert.All(bot.Notifier.Deliveries, d => Assert.Empty(d.Message.Attachments));
    }

    private sealed class BrokenRenderer : IProgressCardRenderer
    {
        public (int Width, int Height) Size => (1200, 630);

        public byte[] RenderPng(ProgressCard card) => throw new DllNotFoundException("libSkiaSharp");
    }
}
