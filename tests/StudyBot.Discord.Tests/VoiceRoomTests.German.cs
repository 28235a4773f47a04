using StudyBot.Core.Chat;

namespace StudyBot.Discord.Tests;

/// <summary>The study-room commands answer a member whose Discord speaks German in German (the interaction's locale).</summary>
public sealed partial class VoiceRoomTests
{
    [Fact]
    public async Task A_German_speaking_member_reads_the_study_room_replies_in_German()
    {
        await using var room = await VoiceRoom.StartAsync(addRoom: false);
        Task<Reply> German(ulong user, string text, bool admin = false) =>
            room.Executor.RunTextAsync(new MemberRef(Hall, user.ToString(System.Globalization.CultureInfo.InvariantCulture), user == Mason ? "Mason" : "Nelly") { IsAdmin = admin, Locale = "de" }, text, CancellationToken.None);

        Assert.Equal("Es gibt noch keine Lernräume. Markier einen Sprachkanal mit `/studybot rooms add #Study Room`.", (await German(Mason, "/studybot rooms list", admin: true)).Text);
        var text = await German(Mason, $"/studybot rooms add <#{TextChannel}>", admin: true);
        Assert.Equal(ReplyTone.Error, text.Tone);
        Assert.StartsWith("#", text.Text, StringComparison.Ordinal);
        Assert.Contains("ist kein Sprachkanal, dort kann also niemand sitzen.", text.Text, StringComparison.Ordinal);
        Assert.Contains("Beispiel: `/studybot rooms add #Study Room`", text.Text, StringComparison.Ordinal);
        Assert.Contains("Ich finde keinen Kanal `#no-such-room`", (await German(Mason, "/studybot rooms add #no-such-room", admin: true)).Text, StringComparison.Ordinal);

        Assert.StartsWith("🎧 Study Room ist jetzt ein Lernraum.", (await German(Mason, "/studybot rooms add #Study Room", admin: true)).Text, StringComparison.Ordinal);
        Assert.Equal("🎧 Study Room ist schon ein Lernraum. Nichts geändert.", (await German(Mason, $"/studybot rooms add <#{StudyRoom}>", admin: true)).Text);
        Assert.StartsWith("🎧 Lernräume: Study Room", (await German(Mason, "/studybot rooms list", admin: true)).Text, StringComparison.Ordinal);

        Assert.Contains("Starte zuerst mit `/progress start`", (await German(Mason, "/progress me rooms ignore")).Text, StringComparison.Ordinal);
        await room.StartMemberAsync(Mason, "Mason");
        Assert.StartsWith("🔕 Deine Zeit in Sprach-Lernräumen wird nicht mehr gezählt.", (await German(Mason, "/progress me rooms ignore")).Text, StringComparison.Ordinal);
        Assert.Equal("Deine Zeit in Lernräumen wird schon nicht gezählt. Nichts geändert.", (await German(Mason, "/progress me rooms ignore")).Text);
        Assert.StartsWith("🎧 Deine Zeit in Sprach-Lernräumen zählt wieder", (await German(Mason, "/progress me rooms track")).Text, StringComparison.Ordinal);

        Assert.Equal("🎧 Study Room ist kein Lernraum mehr. Die dort schon verbrachte Zeit bleibt gezählt.", (await German(Mason, "/studybot rooms remove Study Room", admin: true)).Text);
        var gone = await German(Mason, "/studybot rooms remove Study Room", admin: true);
        Assert.Equal(ReplyTone.Error, gone.Tone);
        Assert.StartsWith("`Study Room` ist kein Lernraum. Es gibt noch keine Lernräume.", gone.Text, StringComparison.Ordinal);
    }
}
