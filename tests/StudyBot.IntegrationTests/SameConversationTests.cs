using System.Text;
using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The same weeks of a study group, played on SQLite and on PostgreSQL from the same start: every reply and every
/// message the bot sends must read the same on both. It covers what differs between the two engines where they are
/// easiest to get wrong: UTC times read back, local days and weeks, ties and ordering on boards, names and items typed
/// in another case, undo history, goals and streaks across weeks, and the scheduled posts that read all of it.
/// </summary>
public sealed class SameConversationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero); // a Monday

    /// <summary>(member, what they type); "+Nh" moves the clock N hours and runs the jobs each hour, as a live bot would.</summary>
    private static readonly (string Who, string Say)[] Script =
    [
        ("Ada", "/progress start complete-beginner part-time"),
        ("Ada", "/progress timezone europe/paris"),
        ("bob", "/progress start programmer full-time"),
        ("Bob", "/progress timezone America/New_York"),
        ("Zoë", "/progress start quick-learner custom 9"),
        ("Ada", "/studybot channel celebrations #celebrations"),
        ("Ada", "/studybot channel leaderboard #leaderboard"),
        ("Ada", "/studybot leaderboard schedule monday 09:00"),
        ("Ada", "/progress done Python-Basics"),
        ("Ada", "/progress doing mathematics-basics"),
        ("bob", "/progress done python-basics"),
        ("Zoë", "/progress log 45 practice python-basics first steps"),
        ("Ada", "/progress log 30 learning"),
        ("bob", "/progress goal set 5 hours week"),
        ("Ada", "/progress goal set 3 items week"),
        ("Ada", "/progress remind plan mon,wed,fri 19:00"),
        ("bob", "/progress remind plan tue,thu 07:30 daily"),
        ("Zoë", "/progress me privacy public"),
        ("Ada", "/progress board week points"),
        ("Zoë", "/progress board week minutes"),
        ("+20h", ""),
        ("Ada", "/progress done mathematics-basics"),
        ("Ada", "/progress done environment-setup"),
        ("Ada", "/progress undo"),
        ("Ada", "/progress done environment-setup"),
        ("bob", "/progress log 120 practice"),
        ("bob", "/progress log 60 review"),
        ("bob", "/progress undo"),
        ("Zoë", "/progress skip foundation known"),
        ("Zoë", "/progress"),
        ("Ada", "/progress streak"),
        ("bob", "/progress goal show"),
        ("+50h", ""),
        ("Ada", "/progress log 90 practice"),
        ("bob", "/progress rest until 3d"),
        ("Zoë", "/progress done numpy"),
        ("Zoë", "/progress done pandas"),
        ("Ada", "/progress board week consistency"),
        ("Ada", "/progress board all points"),
        ("+100h", ""),
        ("bob", "/progress rest end"),
        ("bob", "/progress streak"),
        ("Ada", "/progress goal show"),
        ("Ada", "/progress remind show"),
        ("Zoë", "/progress next"),
        ("Ada", "/progress board month improved"),
        ("Ada", "/studybot show"),
        ("+60h", ""),
        ("Ada", "/progress"),
        ("bob", "/progress"),
    ];

    [PostgresFact]
    public async Task Three_weeks_of_a_study_group_read_the_same_on_SQLite_and_on_PostgreSQL()
    {
        var onSqlite = await PlayAsync(DatabaseProvider.Sqlite);
        var onPostgres = await PlayAsync(DatabaseProvider.PostgreSQL);

        Assert.True(onSqlite.Count > Script.Length, "the script produced replies and scheduled messages");
        for (var i = 0; i < Math.Max(onSqlite.Count, onPostgres.Count); i++)
        {
            var a = i < onSqlite.Count ? onSqlite[i] : "(nothing)";
            var b = i < onPostgres.Count ? onPostgres[i] : "(nothing)";
            Assert.True(a == b, $"line {i} differs.\n--- SQLite:\n{a}\n--- PostgreSQL:\n{b}");
        }
    }

    private static async Task<List<string>> PlayAsync(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(now: Start, provider: provider);
        var seen = new List<string>();
        var delivered = 0;
        foreach (var (who, say) in Script)
        {
            if (who.StartsWith('+'))
            {
                var hours = int.Parse(who[1..^1], System.Globalization.CultureInfo.InvariantCulture);
                await bot.RunUntilAsync(bot.Time.GetUtcNow().AddHours(hours), TimeSpan.FromHours(1));
            }
            else
            {
                var reply = await bot.SayAsync(who, say);
                seen.Add($"{who}> {say}\n{ReplyText.All(reply)}");
            }

            // What the jobs sent meanwhile, in the order it was sent.
            var deliveries = bot.Notifier.Deliveries;
            foreach (var d in deliveries.Skip(delivered))
            {
                seen.Add($"[{d.At:yyyy-MM-dd HH:mm}] to {d.To}{(d.Direct ? " (DM)" : "")}:\n{ReplyText.All(d.Message)}");
            }

            delivered = deliveries.Count;
        }

        return seen;
    }
}
