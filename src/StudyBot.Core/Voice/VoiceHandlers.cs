using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Voice;

/// <summary>Wires voice study rooms into the engine: the service, the handlers of its commands.</summary>
public static class VoiceRooms
{
    public const string DiscordOnly = "Voice study rooms are a Discord feature: StudyBot counts time spent in a Discord server's voice channels. Here, log your study time with `/progress log`.";

    public static IServiceCollection AddVoiceRooms(this IServiceCollection services)
    {
        services.AddSingleton<VoiceRoomService>();
        Handler<RoomsAddHandler>(services);
        Handler<RoomsRemoveHandler>(services);
        Handler<RoomsListHandler>(services);
        Handler<MeRoomsHandler>(services);
        return services;
    }

    private static void Handler<T>(IServiceCollection services)
        where T : class, ICommandHandler
    {
        services.AddScoped<T>();
        services.AddScoped<ICommandHandler>(static sp => sp.GetRequiredService<T>());
    }

    internal static Reply NotHere(CommandContext ctx) => new() { Tone = ReplyTone.Info, Text = ctx.T("Voice.DiscordOnly") };

    internal static string Mention(string channelId) => $"<#{channelId}>";
}

internal sealed class RoomsAddHandler(IEnumerable<IVoiceChannelDirectory> directories, IVoiceRoomStore rooms, Roadmaps.RoadmapCatalog roadmaps) : ICommandHandler
{
    public const string Example = "/studybot rooms add #Study Room";

    public string Path => "studybot rooms add";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var directory = directories.FirstOrDefault(d => d.Platform == ctx.Who.Community.Platform);
        if (ctx.Who.Community.Platform != Platforms.Discord || directory is null)
        {
            return VoiceRooms.NotHere(ctx);
        }

        var text = ctx.Request.String("channel")!.Trim();
        var found = await directory.FindAsync(ctx.Who.Community, text, cancellationToken);
        switch (found.Outcome)
        {
            case VoiceChannelOutcome.NotFound:
                return LocalViews.Error(ctx, ctx.T("Voice.NotFound", TextInput.Quote(text, 40)), Example);
            case VoiceChannelOutcome.NotVoice:
                return LocalViews.Error(ctx, ctx.T("Voice.NotVoice", TextInput.Quote(found.Name ?? text, 40)), Example);
            case VoiceChannelOutcome.Unavailable:
                return LocalViews.Error(ctx, ctx.T("Voice.Unavailable"));
        }

        var room = new StudyRoom(found.Id!, found.Name ?? found.Id!, ctx.Now.UtcDateTime);
        var defaults = new NewcomerDefaults(ctx.Snapshot.Community.RoadmapId.Length > 0 ? ctx.Snapshot.Community.RoadmapId : roadmaps.Default.Id, ctx.Snapshot.Community.TimeZoneId);
        if (!await rooms.AddRoomAsync(ctx.Who.Community, room, defaults, cancellationToken))
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T("Voice.AlreadyRoom", room.Name) };
        }

        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("Voice.Added", room.Name, VoiceRoomService.MinimumMinutes),
        };
    }
}

internal sealed class RoomsRemoveHandler(IEnumerable<IVoiceChannelDirectory> directories, IVoiceRoomStore rooms, VoiceRoomService voice) : ICommandHandler
{
    public string Path => "studybot rooms remove";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var directory = directories.FirstOrDefault(d => d.Platform == ctx.Who.Community.Platform);
        if (ctx.Who.Community.Platform != Platforms.Discord || directory is null)
        {
            return VoiceRooms.NotHere(ctx);
        }

        var text = ctx.Request.String("channel")!.Trim();
        var current = await rooms.RoomsAsync(ctx.Who.Community, cancellationToken);

        // A room is matched by what is stored first (its id, mention or name), so a deleted channel can still be removed.
        var bare = text.Trim('<', '>', '#');
        var room = current.FirstOrDefault(r => r.ChannelId == bare || string.Equals(r.Name, bare, StringComparison.OrdinalIgnoreCase));
        if (room is null)
        {
            var found = await directory.FindAsync(ctx.Who.Community, text, cancellationToken);
            room = found.Id is { } id ? current.FirstOrDefault(r => r.ChannelId == id) : null;
        }

        if (room is null || !await rooms.RemoveRoomAsync(ctx.Who.Community, room.ChannelId, cancellationToken))
        {
            var list = current.Count == 0 ? ctx.T("Voice.NoRoomsYet") : ctx.T("Voice.RoomsAre", string.Join(", ", current.Select(r => r.Name)));
            return LocalViews.Error(ctx, ctx.T("Voice.NotARoom", TextInput.Quote(text, 40), list), "/studybot rooms remove #Study Room");
        }

        await voice.RoomRemovedAsync(ctx.Who.Community, room.ChannelId, cancellationToken);
        return new Reply { Tone = ReplyTone.Success, Text = ctx.T("Voice.Removed", room.Name) };
    }
}

internal sealed class RoomsListHandler(IVoiceRoomStore rooms) : ICommandHandler
{
    public string Path => "studybot rooms list";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Who.Community.Platform != Platforms.Discord)
        {
            return VoiceRooms.NotHere(ctx);
        }

        var current = await rooms.RoomsAsync(ctx.Who.Community, cancellationToken);
        if (current.Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T("Voice.NoneYet", RoomsAddHandler.Example) };
        }

        return new Reply
        {
            Tone = ReplyTone.Info,
            Text = ctx.T("Voice.List", string.Join(", ", current.Select(r => $"{r.Name} ({VoiceRooms.Mention(r.ChannelId)})")), VoiceRoomService.MinimumMinutes),
        };
    }
}

internal sealed class MeRoomsHandler(IVoiceRoomStore rooms, VoiceRoomService voice) : ICommandHandler
{
    public string Path => "progress me rooms";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Who.Community.Platform != Platforms.Discord)
        {
            return VoiceRooms.NotHere(ctx);
        }

        var ignore = ctx.Request.String("choice") == "ignore";
        var member = await rooms.MemberAsync(ctx.Who.Community, ctx.Who.UserId, cancellationToken);
        if (member is null || !member.Started)
        {
            return new Reply
            {
                Tone = ReplyTone.Info,
                Text = ctx.T("Voice.NotStarted"),
            };
        }

        if (member.Ignored == ignore)
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T(ignore ? "Voice.AlreadyIgnored" : "Voice.AlreadyTracked") };
        }

        await rooms.SetIgnoredAsync(member.MemberId, ignore, ctx.Now.UtcDateTime, cancellationToken);
        if (ignore)
        {
            await voice.MemberIgnoredAsync(ctx.Who.Community, ctx.Who.UserId, cancellationToken);
            return new Reply { Tone = ReplyTone.Success, Text = ctx.T("Voice.Ignored") };
        }

        return new Reply { Tone = ReplyTone.Success, Text = ctx.T("Voice.Tracked", VoiceRoomService.MinimumMinutes) };
    }
}
