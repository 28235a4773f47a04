using StudyBot.Core.Chat;

namespace StudyBot.Core.Notifications;

/// <summary>The words for channel problems: in the admins' notice and in <c>/studybot show</c>.</summary>
public static class ChannelTexts
{
    /// <summary>What a channel post was for, from the outbox kind: "celebrations", "leaderboard", or null for other posts.</summary>
    public static string? Setting(string kind) => kind switch
    {
        OutboxKinds.Celebration => "celebrations",
        OutboxKinds.Leaderboard => "leaderboard",
        _ => null,
    };

    /// <summary>A short reason, completing "…, but …".</summary>
    public static string Problem(ChannelProblem problem) => problem switch
    {
        ChannelProblem.NotFound => "it no longer exists or I can no longer see it",
        ChannelProblem.NotMember => "I'm not a member of it",
        ChannelProblem.Archived => "it has been archived",
        _ => "I can't post there",
    };

    /// <summary>What an admin can do about it, for the community's platform and the setting the channel is for.</summary>
    public static string Fix(ChannelProblem problem, string platform, string? setting)
    {
        var pick = $"`/studybot channel {setting ?? "celebrations"} #channel`";
        return problem switch
        {
            ChannelProblem.NotMember when platform == Platforms.Slack => $"Invite me there with `/invite @StudyBot`, or pick another channel with {pick}",
            ChannelProblem.NotMember => $"Let me view and post in it, or pick another channel with {pick}",
            _ => $"Pick another channel with {pick}",
        };
    }

    /// <summary>The notice the admin who chose the channel gets, once per channel and problem. It names no member.</summary>
    public static Reply Notice(string platform, string channelId, string? setting, ChannelProblem problem)
    {
        var what = setting switch
        {
            "celebrations" => "Milestone celebrations",
            "leaderboard" => "The weekly leaderboard",
            _ => "My posts",
        };
        var meanwhile = setting switch
        {
            "celebrations" => "Meanwhile I celebrate members by DM.",
            "leaderboard" => "This week's leaderboard was not posted; members can still see it with `/progress board`.",
            _ => "",
        };
        return new Reply
        {
            Tone = ReplyTone.Warning,
            Title = "⚠️ I can't post in a StudyBot channel",
            Text = $"{what} should go to #{channelId}, but {Problem(problem)}. {Fix(problem, platform, setting)}. {meanwhile} I'll say this once.".Replace("  ", " ", StringComparison.Ordinal),
        };
    }

    /// <summary>
    /// The lines of <c>/studybot show</c> and <c>/studybot status</c> for the open problems of the channels in use (a
    /// channel no longer chosen no longer matters).
    /// </summary>
    public static IEnumerable<string> InUseLines(IEnumerable<ChannelProblemRecord> problems, CommunitySettings settings, string platform) =>
        problems
            .Select(p => (Problem: p, Setting: p.ChannelId == settings.CelebrationChannel ? "celebrations" : p.ChannelId == settings.LeaderboardChannel ? "leaderboard" : null))
            .Where(x => x.Setting is not null)
            .Select(x => ShowLine(x.Problem, platform, x.Setting));

    /// <summary>One line of <c>/studybot show</c> for an open problem.</summary>
    public static string ShowLine(ChannelProblemRecord problem, string platform, string? setting) =>
        $"⚠️ #{problem.ChannelId}{(setting is null ? "" : $" ({setting})")}: {Problem(problem.Problem)} (since {problem.ReportedAtUtc:yyyy-MM-dd}). {Fix(problem.Problem, platform, setting)}.";
}
