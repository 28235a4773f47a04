using System.Globalization;
using System.Text.RegularExpressions;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Notifications;

/// <summary>
/// The words for a completed milestone or phase, for the member's own reply and for public posts (Resources/Celebrations.resx).
/// A culture of null writes English; a post in a community's channel is in the community's language, a DM in the member's.
/// </summary>
public static partial class Celebrations
{
    public static Reply ForCompletion(Roadmap roadmap, CompletionRecord completion, Func<string, ItemState> state, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        if (completion.Kind == CompletionKind.Milestone)
        {
            var milestone = roadmap.Milestones.First(m => m.Id == completion.TargetId);
            var phase = roadmap.FindPhaseById(milestone.PhaseId)!;
            return new Reply
            {
                Tone = ReplyTone.Celebration,
                Title = Text.Get(culture, "Celebrations.MilestoneTitle", milestone.Title),
                Text = Text.Get(culture, "Celebrations.MilestoneText", milestone.Title, Months(milestone.Duration, culture)),
                Fields = [new ReplyField(Text.Get(culture, "Celebrations.PhaseField"), Format.PhaseName(phase, culture), true)],
            };
        }

        var done = roadmap.FindPhaseById(completion.TargetId)!;
        var next = roadmap.Phases.FirstOrDefault(p => p.Number == done.Number + 1);
        var nextItem = next is null ? null : ProgressMath.NextItems(roadmap, state, 10).FirstOrDefault(i => i.PhaseId == next.Id);
        var text = next is null
            ? Text.Get(culture, "Celebrations.LastPhase")
            : nextItem is null
                ? Text.Get(culture, "Celebrations.NextPhase", Format.PhaseName(next, culture))
                : Text.Get(culture, "Celebrations.NextPhaseItem", Format.PhaseName(next, culture), nextItem.DisplayTitle);
        return new Reply
        {
            Tone = ReplyTone.Celebration,
            Title = Text.Get(culture, "Celebrations.PhaseTitle", Format.PhaseName(done, culture)),
            Text = text,
            Buttons = nextItem is null ? [] : [new ReplyButton(Text.Get(culture, "Celebrations.Start", nextItem.Title), $"progress doing {nextItem.Id}", ButtonStyle.Primary)],
        };
    }

    /// <summary>A celebration for the community channel (or the member's DM): who, what, how long it took, what next.</summary>
    public static Reply ForCommunity(Roadmap roadmap, CompletionRecord completion, string name, TimeSpan? took, string estimate, Func<string, ItemState> state, bool inChannel, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        var mine = ForCompletion(roadmap, completion, state, culture);
        var what = completion.Kind == CompletionKind.Milestone
            ? Text.Get(culture, "Celebrations.WhatMilestone", roadmap.Milestones.First(m => m.Id == completion.TargetId).Title)
            : Format.PhaseName(roadmap.FindPhaseById(completion.TargetId)!, culture);
        estimate = Months(estimate, culture);
        var duration = took is { } t && t > TimeSpan.Zero
            ? estimate.Length > 0 ? Text.Get(culture, "Celebrations.TookAllows", Took(t, culture), estimate) : Text.Get(culture, "Celebrations.Took", Took(t, culture))
            : estimate.Length > 0 ? Text.Get(culture, "Celebrations.Allows", estimate) : "";
        var who = Text.Get(culture, inChannel ? "Celebrations.InChannel" : "Celebrations.InDm", name, what);
        return new Reply
        {
            Visibility = inChannel ? Visibility.Public : Visibility.Private,
            Tone = ReplyTone.Celebration,
            Title = mine.Title,
            Text = completion.Kind == CompletionKind.Phase ? $"🎉 {who}{duration} {mine.Text}" : $"🎉 {who}{duration}",
            Buttons = inChannel ? [new ReplyButton(Text.Get(culture, "Celebrations.SeeProgress"), "progress")] : mine.Buttons,
        };
    }

    /// <summary>How long it took, as <see cref="Eta.DescribeWeeks"/> without its "about": "under a week", "3 weeks", "2 months".</summary>
    private static string Took(TimeSpan took, CultureInfo culture)
    {
        var weeks = took.TotalDays / 7;
        return weeks switch
        {
            < 1 => Text.Get(culture, "Celebrations.UnderAWeek"),
            < 1.5 => Text.Get(culture, "Celebrations.AWeek"),
            < 9 => Text.Get(culture, "Celebrations.Weeks", Math.Round(weeks)),
            _ => Text.Get(culture, "Celebrations.Months", Math.Round(weeks / Eta.WeeksPerMonth)),
        };
    }

    /// <summary>
    /// The guide's "2-3 months" (a roadmap's milestone duration, a phase's estimate) in <paramref name="culture"/>; English
    /// and anything else than a number of months stay as written.
    /// </summary>
    public static string Months(string duration, CultureInfo culture)
    {
        if (culture.TwoLetterISOLanguageName != Languages.German || MonthsPattern().Match(duration) is not { Success: true } match)
        {
            return duration;
        }

        var number = match.Groups[1].Value.Replace('.', ',');
        return Text.Get(culture, number == "1" ? "Celebrations.Month" : "Celebrations.Months", number);
    }

    [GeneratedRegex(@"^\s*([0-9][0-9.]*(?:\s*[-–]\s*[0-9][0-9.]*)?)\s+months?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthsPattern();
}
