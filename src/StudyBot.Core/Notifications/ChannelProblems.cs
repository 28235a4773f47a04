using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;

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

    /// <summary>A short reason, completing "…, but …" (in <paramref name="culture"/>; English when null).</summary>
    public static string Problem(ChannelProblem problem, CultureInfo? culture = null) => Text.Get(culture ?? Languages.Default, problem switch
    {
        ChannelProblem.NotFound => "ChannelNotices.NotFound",
        ChannelProblem.NotMember => "ChannelNotices.NotMember",
        ChannelProblem.Archived => "ChannelNotices.Archived",
        _ => "ChannelNotices.CantPost",
    });

    /// <summary>What an admin can do about it, for the community's platform and the setting the channel is for.</summary>
    public static string Fix(ChannelProblem problem, string platform, string? setting, CultureInfo? culture = null)
    {
        var pick = $"`/studybot channel {setting ?? "celebrations"} #channel`";
        return Text.Get(culture ?? Languages.Default, problem switch
        {
            ChannelProblem.NotMember when platform == Platforms.Slack => "ChannelNotices.FixInvite",
            ChannelProblem.NotMember => "ChannelNotices.FixPermissions",
            _ => "ChannelNotices.FixPick",
        }, pick);
    }

    /// <summary>
    /// The notice the admin who chose the channel gets, once per channel and problem, in the admin's language
    /// (<paramref name="culture"/>; English when null). It names no member.
    /// </summary>
    public static Reply Notice(string platform, string channelId, string? setting, ChannelProblem problem, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        var what = Text.Get(culture, setting switch
        {
            "celebrations" => "ChannelNotices.WhatCelebrations",
            "leaderboard" => "ChannelNotices.WhatLeaderboard",
            _ => "ChannelNotices.WhatOther",
        });
        var meanwhile = setting switch
        {
            "celebrations" => Text.Get(culture, "ChannelNotices.MeanwhileCelebrations"),
            "leaderboard" => Text.Get(culture, "ChannelNotices.MeanwhileLeaderboard"),
            _ => "",
        };
        return new Reply
        {
            Tone = ReplyTone.Warning,
            Title = Text.Get(culture, "ChannelNotices.Title"),
            Text = Text.Get(culture, "ChannelNotices.Notice", what, channelId, Problem(problem, culture), Fix(problem, platform, setting, culture), meanwhile).Replace("  ", " ", StringComparison.Ordinal),
        };
    }

    /// <summary>
    /// The lines of <c>/studybot show</c> and <c>/studybot status</c> for the open problems of the channels in use (a
    /// channel no longer chosen no longer matters), in <paramref name="culture"/> (English when null).
    /// </summary>
    public static IEnumerable<string> InUseLines(IEnumerable<ChannelProblemRecord> problems, CommunitySettings settings, string platform, CultureInfo? culture = null) =>
        problems
            .Select(p => (Problem: p, Setting: p.ChannelId == settings.CelebrationChannel ? "celebrations" : p.ChannelId == settings.LeaderboardChannel ? "leaderboard" : null))
            .Where(x => x.Setting is not null)
            .Select(x => ShowLine(x.Problem, platform, x.Setting, culture));

    /// <summary>One line of <c>/studybot show</c> for an open problem (the setting's name is the word the command takes).</summary>
    public static string ShowLine(ChannelProblemRecord problem, string platform, string? setting, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        var date = culture.TwoLetterISOLanguageName == Languages.German
            ? Format.Date(DateOnly.FromDateTime(problem.ReportedAtUtc), culture)
            : problem.ReportedAtUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Text.Get(culture, "ChannelNotices.ShowLine", problem.ChannelId, setting is null ? "" : $" ({setting})", Problem(problem.Problem, culture), date, Fix(problem.Problem, platform, setting, culture));
    }
}
