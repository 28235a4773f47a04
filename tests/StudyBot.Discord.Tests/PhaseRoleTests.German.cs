using StudyBot.Core.Chat;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Phase roles in German: the commands answer an admin whose Discord speaks German in German, and the notice about a
/// role that cannot be handed out (a post in the channel) is in the server's language.
/// </summary>
public sealed partial class PhaseRoleTests
{
    [Fact]
    public async Task A_German_server_reads_the_phase_role_replies_and_the_role_notice_in_German()
    {
        var options = Server();
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);
        Assert.NotEqual(ReplyTone.Error, (await RunAsync(harness, Admin, "/studybot language de")).Tone);
        var admin = Admin with { Locale = "de" };

        Assert.Equal("Noch vergibt keine Phase eine Rolle. Probier `/studybot roles map ml-basics @ML Basics graduate`.", (await RunAsync(harness, admin, "/studybot roles show")).Text);
        Assert.StartsWith("`phase-42` ist keine Phase der Roadmap. Phasen: 0 `foundation`", (await RunAsync(harness, admin, "/studybot roles map phase-42 graduate")).Text, StringComparison.Ordinal);
        var map = await RunAsync(harness, admin, "/studybot roles map foundation graduate");
        Assert.Equal(ReplyTone.Success, map.Tone);
        Assert.Equal("✅ Wer Phase 0: Foundation abschließt, bekommt jetzt **@Graduate**. Wer sie schon vorher abgeschlossen hat, bekommt sie mit `/studybot roles sync`.", map.Text);

        options.Roles.RemoveAll(r => r.Id == Graduate);
        var ada = new MemberRef(Guild, Ada.ToString(System.Globalization.CultureInfo.InvariantCulture), "Ada");
        var done = await RunAsync(harness, ada, "/progress skip foundation known");
        Assert.Contains(done.FollowUps, f => f.Title == "🏁 Phase geschafft: Phase 0: Foundation");
        await RunJobsAsync(harness);

        var notice = Assert.Single(Posts(harness.Server, StudyHall), p => p.Contains("Phasenrolle", StringComparison.Ordinal));
        Assert.Contains("⚠️ Ich kann eine Phasenrolle nicht vergeben", notice, StringComparison.Ordinal);
        Assert.Contains("aber die Rolle gibt es nicht mehr.", notice, StringComparison.Ordinal);
        var show = await RunAsync(harness, admin, "/studybot roles show");
        Assert.Equal("Phasenrollen", show.Title);
        Assert.Contains(show.Fields, f => f.Name == "Probleme" && f.Value.Contains("die Rolle gibt es nicht mehr", StringComparison.Ordinal));

        Assert.Equal("Wer Phase 0: Foundation abschließt, bekommt nicht mehr **@Graduate**. Wer sie schon hat, behält sie.", (await RunAsync(harness, admin, "/studybot roles unmap foundation")).Text);
        Assert.Equal("Phase 0: Foundation vergibt keine Rolle, es gab also nichts zu entfernen. `/studybot roles show` zeigt die Verknüpfungen.", (await RunAsync(harness, admin, "/studybot roles unmap foundation")).Text);
    }
}
