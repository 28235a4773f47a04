using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Notifications;

/// <summary>The words for a completed milestone or phase, for the member's own reply and for public posts.</summary>
public static class Celebrations
{
    public static Reply ForCompletion(Roadmap roadmap, CompletionRecord completion, Func<string, ItemState> state)
    {
        if (completion.Kind == CompletionKind.Milestone)
        {
            var milestone = roadmap.Milestones.First(m => m.Id == completion.TargetId);
            var phase = roadmap.FindPhaseById(milestone.PhaseId)!;
            return new Reply
            {
                Tone = ReplyTone.Celebration,
                Title = $"🎉 Milestone complete: {milestone.Title}",
                Text = $"Every checkpoint of the {milestone.Title} is ticked off. The guide allows {milestone.Duration} for it; celebrate this win!",
                Fields = [new ReplyField("Phase", Format.PhaseName(phase), true)],
            };
        }

        var done = roadmap.FindPhaseById(completion.TargetId)!;
        var next = roadmap.Phases.FirstOrDefault(p => p.Number == done.Number + 1);
        var nextItem = next is null ? null : ProgressMath.NextItems(roadmap, state, 10).FirstOrDefault(i => i.PhaseId == next.Id);
        var text = next is null
            ? "That was the last phase of the roadmap. Hero status unlocked: time to share your portfolio!"
            : nextItem is null
                ? $"Next up: {Format.PhaseName(next)}."
                : $"Next up: {Format.PhaseName(next)}, starting with {nextItem.DisplayTitle}.";
        return new Reply
        {
            Tone = ReplyTone.Celebration,
            Title = $"🏁 Phase complete: {Format.PhaseName(done)}",
            Text = text,
            Buttons = nextItem is null ? [] : [new ReplyButton($"Start {nextItem.Title}", $"progress doing {nextItem.Id}", ButtonStyle.Primary)],
        };
    }

    /// <summary>A celebration for the community channel (or the member's DM): who, what, how long it took, what next.</summary>
    public static Reply ForCommunity(Roadmap roadmap, CompletionRecord completion, string name, TimeSpan? took, string estimate, Func<string, ItemState> state, bool inChannel)
    {
        var mine = ForCompletion(roadmap, completion, state);
        var what = completion.Kind == CompletionKind.Milestone
            ? $"the {roadmap.Milestones.First(m => m.Id == completion.TargetId).Title}"
            : Format.PhaseName(roadmap.FindPhaseById(completion.TargetId)!);
        var duration = took is { } t && t > TimeSpan.Zero
            ? $" It took {Eta.DescribeWeeks(t.TotalDays / 7).Replace("about ", "", StringComparison.Ordinal)}{(estimate.Length > 0 ? $"; the guide allows {estimate}" : "")}."
            : estimate.Length > 0 ? $" The guide allows {estimate} for it." : "";
        var who = inChannel ? $"**{name}** completed {what}!" : $"You completed {what}, {name}!";
        return new Reply
        {
            Visibility = inChannel ? Visibility.Public : Visibility.Private,
            Tone = ReplyTone.Celebration,
            Title = mine.Title,
            Text = completion.Kind == CompletionKind.Phase ? $"🎉 {who}{duration} {mine.Text}" : $"🎉 {who}{duration}",
            Buttons = inChannel ? [new ReplyButton("See my progress", "progress")] : mine.Buttons,
        };
    }
}
