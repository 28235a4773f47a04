using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// Several roadmaps per community (issue 17): what members and admins read about the roadmaps a community offers, and
/// how a roadmap someone typed is found (by id or title, with a "did you mean").
/// </summary>
internal static class RoadmapChoice
{
    /// <summary>The community's roadmap settings; one roadmap in the folder needs no query (only it can be enabled).</summary>
    public static async Task<(CommunityRoadmapSettings Settings, CommunityRoadmapRows Rows)> LoadAsync(
        RoadmapCatalog roadmaps, ICommunityRoadmapStore? store, CommandContext ctx, CancellationToken cancellationToken)
    {
        var rows = store is null || roadmaps.All.Count < 2 || ctx.Snapshot.Community.IsNew
            ? CommunityRoadmapRows.None
            : await store.LoadAsync(ctx.Who.Community, cancellationToken);
        return (CommunityRoadmapSettings.From(roadmaps, ctx.Snapshot.Community.RoadmapId, rows.Enabled), rows);
    }

    /// <summary>The roadmap the text names: its id (any case, spaces for dashes) or its title; null when none does.</summary>
    public static Roadmap? Find(RoadmapCatalog roadmaps, string text)
    {
        var key = text.Trim().Trim('`', '"').ToLowerInvariant().Replace(' ', '-');
        return roadmaps.All.FirstOrDefault(r => r.Id.Equals(key, StringComparison.OrdinalIgnoreCase))
            ?? roadmaps.All.FirstOrDefault(r => r.Title.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"There's no roadmap `x`. Did you mean `y`? Roadmaps you can use: ..." with an example.</summary>
    public static Reply Unknown(CommandContext ctx, RoadmapCatalog roadmaps, string text, IEnumerable<string> usable, string example)
    {
        var ids = usable.ToList();
        var key = text.Trim().ToLowerInvariant().Replace(' ', '-');
        var guess = CommandParser.Closest(key, ids) ?? CommandParser.Closest(key, roadmaps.All.Select(r => r.Id));
        var hint = guess is null ? "" : ctx.T("RoadmapChoice.DidYouMean", guess);
        return LocalViews.Error(ctx, ctx.T("RoadmapChoice.Unknown", TextInput.Quote(text, 40), hint, List(ids)), example.Replace("<id>", guess ?? ids.FirstOrDefault() ?? "id", StringComparison.Ordinal));
    }

    public static string List(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => $"`{id}`"));

    /// <summary>Where the member stands on a roadmap: "3 of 20 items done (15%)".</summary>
    public static string Standing(CommandContext ctx, Roadmap roadmap, Func<string, ItemState> state)
    {
        var phases = ProgressMath.Phases(roadmap, state);
        var learned = phases.Sum(p => p.Learned);
        var total = phases.Sum(p => p.Total);
        return ctx.T("RoadmapChoice.Standing", learned, Format.Plural(total, ctx.T("RoadmapChoice.Item"), ctx.T("RoadmapChoice.Items"), ctx.Culture), ProgressMath.OverallPercent(phases));
    }

    /// <summary>
    /// The roadmap a member asked to follow, or the reply that says why they can't: unknown, or not enabled here (the one
    /// they already follow is always theirs to keep, enabled or not).
    /// </summary>
    public static (Roadmap? Roadmap, Reply? Problem) Choose(RoadmapCatalog roadmaps, CommunityRoadmapSettings settings, CommandContext ctx, string text, string example)
    {
        var enabled = settings.Enabled.ToList();
        if (text.Equals("roadmap", StringComparison.OrdinalIgnoreCase))
        {
            // "/progress path roadmap" with nothing after it: which can I pick?
            return (null, new Reply
            {
                Tone = ReplyTone.Warning,
                Text = ctx.T("RoadmapChoice.Which", ctx.Roadmap.Title, ctx.Roadmap.Id, List(enabled)) + "\n"
                    + ctx.T("RoadmapChoice.Example", example.Replace("<id>", enabled.FirstOrDefault(id => id != ctx.Roadmap.Id) ?? ctx.Roadmap.Id, StringComparison.Ordinal)),
            });
        }

        var roadmap = Find(roadmaps, text);
        if (roadmap is null)
        {
            return (null, Unknown(ctx, roadmaps, text, enabled, example));
        }

        if (!settings.IsEnabled(roadmap.Id) && roadmap.Id != ctx.Roadmap.Id)
        {
            return (null, LocalViews.Error(ctx, ctx.T("RoadmapChoice.NotEnabled", roadmap.Title, roadmap.Id, List(enabled))));
        }

        return (roadmap, null);
    }

    /// <summary>"Other roadmaps here: ..." for a member who could switch; empty with a single enabled roadmap.</summary>
    public static string OthersLine(CommandContext ctx, CommunityRoadmapSettings settings, Roadmap current, string? how = null) =>
        settings.Enabled.Count(id => id != current.Id) is > 0
            ? "\n" + ctx.T("RoadmapChoice.Others", List(settings.Enabled.Where(id => id != current.Id)), how ?? ctx.T("Start.OthersSwitch"))
            : "";

    /// <summary>Autocomplete for a roadmap option: admins see every roadmap in the folder, members the ones enabled here.</summary>
    public static async Task<IReadOnlyList<Suggestion>> SuggestAsync(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store, MemberRef who, MemberSnapshot? snapshot, string path, string typed, CancellationToken cancellationToken)
    {
        IEnumerable<Roadmap> shown = roadmaps.All;
        if (!path.StartsWith(StudyBotCommands.AdminRoot + " ", StringComparison.Ordinal) && snapshot is not null)
        {
            var rows = store is null || roadmaps.All.Count < 2 || snapshot.Community.IsNew ? CommunityRoadmapRows.None : await store.LoadAsync(who.Community, cancellationToken);
            var settings = CommunityRoadmapSettings.From(roadmaps, snapshot.Community.RoadmapId, rows.Enabled);
            shown = shown.Where(r => settings.IsEnabled(r.Id));
        }

        var text = typed.Trim();
        return shown
            .Where(r => text.Length == 0 || r.Id.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Title.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(Autocomplete.MaxSuggestions)
            .Select(r => new Suggestion($"{r.Title} ({r.Id})", r.Id))
            .ToList();
    }
}

/// <summary><c>/studybot roadmap list</c>: every roadmap in the folder, enabled here or not, the default, and its followers.</summary>
internal sealed class AdminRoadmapListHandler(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store = null) : ICommandHandler
{
    public string Path => "studybot roadmap list";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (settings, rows) = await RoadmapChoice.LoadAsync(roadmaps, store, ctx, cancellationToken);
        var lines = roadmaps.All.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r =>
        {
            var followers = settings.FollowersOf(roadmaps, rows.Followers, r.Id);
            var members = Format.Plural(followers, ctx.T("RoadmapChoice.Member"), ctx.T("RoadmapChoice.Members"), ctx.Culture);
            var state = r.Id == settings.Default ? ctx.T("RoadmapChoice.ListDefault", members)
                : settings.IsEnabled(r.Id) ? ctx.T("RoadmapChoice.ListEnabled", members)
                : followers > 0 ? ctx.T(followers == 1 ? "RoadmapChoice.ListDisabledOne" : "RoadmapChoice.ListDisabledMany", members)
                : ctx.T("RoadmapChoice.ListNotEnabled");
            return ctx.T("RoadmapChoice.ListLine", r.Title, r.Id, r.Version, state);
        });
        return new Reply
        {
            Title = ctx.T("RoadmapChoice.ListTitle", ctx.Snapshot.Community.Name),
            Text = string.Join('\n', lines) + "\n" + ctx.T("RoadmapChoice.ListFooter"),
        };
    }
}

/// <summary>Shared by enable, disable and default: the roadmap an admin named, or why not.</summary>
internal abstract class AdminRoadmapHandler(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store) : ICommandHandler
{
    public abstract string Path { get; }

    protected RoadmapCatalog Roadmaps => roadmaps;

    protected abstract string Example { get; }

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var text = ctx.Request.String("id")!;
        var (settings, rows) = await RoadmapChoice.LoadAsync(roadmaps, store, ctx, cancellationToken);
        var roadmap = RoadmapChoice.Find(roadmaps, text);
        if (roadmap is null)
        {
            return RoadmapChoice.Unknown(ctx, roadmaps, text, roadmaps.All.Select(r => r.Id).Order(StringComparer.Ordinal), Example);
        }

        return Decide(ctx, settings, roadmap, settings.FollowersOf(roadmaps, rows.Followers, roadmap.Id));
    }

    protected abstract CommandResult Decide(CommandContext ctx, CommunityRoadmapSettings settings, Roadmap roadmap, int followers);

    protected static string Name(Roadmap roadmap) => $"**{roadmap.Title}** (`{roadmap.Id}`)";

    protected static CommandResult Save(CommandContext ctx, string text, Community? community, params CommunityRoadmapChange[] settings)
    {
        var changes = ctx.NewChanges();
        changes.Community = community;
        changes.RoadmapSettings.AddRange(settings);
        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes);
    }
}

internal sealed class AdminRoadmapEnableHandler(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store = null) : AdminRoadmapHandler(roadmaps, store)
{
    public override string Path => "studybot roadmap enable";

    protected override string Example => "/studybot roadmap enable <id>";

    protected override CommandResult Decide(CommandContext ctx, CommunityRoadmapSettings settings, Roadmap roadmap, int followers)
    {
        if (settings.Enable(Roadmaps, roadmap.Id).Refusal == RoadmapRefusal.AlreadyEnabled)
        {
            return Reply.Info(ctx.T("RoadmapChoice.AlreadyEnabled", Name(roadmap)));
        }

        return Save(ctx, ctx.T("RoadmapChoice.Enabled", Name(roadmap), roadmap.Id), null, new CommunityRoadmapChange(roadmap.Id, true));
    }
}

internal sealed class AdminRoadmapDisableHandler(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store = null) : AdminRoadmapHandler(roadmaps, store)
{
    public override string Path => "studybot roadmap disable";

    protected override string Example => "/studybot roadmap disable <id>";

    protected override CommandResult Decide(CommandContext ctx, CommunityRoadmapSettings settings, Roadmap roadmap, int followers)
    {
        switch (settings.Disable(Roadmaps, roadmap.Id).Refusal)
        {
            case RoadmapRefusal.IsDefault:
                var other = settings.Enabled.FirstOrDefault(id => id != roadmap.Id);
                return LocalViews.Error(ctx, ctx.T("RoadmapChoice.IsDefault", Name(roadmap), other is null ? ctx.T("RoadmapChoice.IsDefaultNoOther") : ctx.T("RoadmapChoice.IsDefaultOther", other)));
            case RoadmapRefusal.NotEnabled:
                return Reply.Info(ctx.T("RoadmapChoice.NothingToDisable", Name(roadmap)));
        }

        var members = followers == 0
            ? ctx.T("RoadmapChoice.NobodyFollows")
            : ctx.T(followers == 1 ? "RoadmapChoice.StillFollowsOne" : "RoadmapChoice.StillFollowMany", Format.Plural(followers, ctx.T("RoadmapChoice.Member"), ctx.T("RoadmapChoice.Members"), ctx.Culture));
        return Save(ctx, ctx.T("RoadmapChoice.Disabled", Name(roadmap), members), null, new CommunityRoadmapChange(roadmap.Id, false));
    }
}

internal sealed class AdminRoadmapDefaultHandler(RoadmapCatalog roadmaps, ICommunityRoadmapStore? store = null) : AdminRoadmapHandler(roadmaps, store)
{
    public override string Path => "studybot roadmap default";

    protected override string Example => "/studybot roadmap default <id>";

    protected override CommandResult Decide(CommandContext ctx, CommunityRoadmapSettings settings, Roadmap roadmap, int followers)
    {
        if (roadmap.Id == settings.Default)
        {
            return Reply.Info(ctx.T("RoadmapChoice.AlreadyDefault", Name(roadmap)));
        }

        if (settings.WithDefault(Roadmaps, roadmap.Id).Refusal == RoadmapRefusal.NotEnabled)
        {
            return LocalViews.Error(ctx, ctx.T("RoadmapChoice.NotEnabledYet", Name(roadmap), roadmap.Id));
        }

        // The old default stays enabled (a row of its own now), and members who never chose keep following it: the store
        // writes their choice down before the default moves, so changing the default never moves a member.
        var old = Roadmaps.Get(settings.Default);
        return Save(
            ctx,
            ctx.T("RoadmapChoice.DefaultMoved", Name(roadmap), Name(old)),
            ctx.Snapshot.Community with { RoadmapId = roadmap.Id },
            new CommunityRoadmapChange(old.Id, true),
            new CommunityRoadmapChange(roadmap.Id, true));
    }
}
