using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
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

    internal static Reply NotHere() => new() { Tone = ReplyTone.Info, Text = DiscordOnly };

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
            return VoiceRooms.NotHere();
        }

        var text = ctx.Request.String("channel")!.Trim();
        var found = await directory.FindAsync(ctx.Who.Community, text, cancellationToken);
        switch (found.Outcome)
        {
            case VoiceChannelOutcome.NotFound:
                return Reply.Error($"I can't find a channel `{TextInput.Quote(text, 40)}` in this server (or I can't see it). Pick a voice channel from the list.", Example);
            case VoiceChannelOutcome.NotVoice:
                return Reply.Error($"#{TextInput.Quote(found.Name ?? text, 40)} is not a voice channel, so nobody can sit in it. A study room must be a voice or stage channel.", Example);
            case VoiceChannelOutcome.Unavailable:
                return Reply.Error("I couldn't reach Discord to check that channel, so nothing was changed. Please try again in a minute.");
        }

        var room = new StudyRoom(found.Id!, found.Name ?? found.Id!, ctx.Now.UtcDateTime);
        var defaults = new NewcomerDefaults(ctx.Snapshot.Community.RoadmapId.Length > 0 ? ctx.Snapshot.Community.RoadmapId : roadmaps.Default.Id, ctx.Snapshot.Community.TimeZoneId);
        if (!await rooms.AddRoomAsync(ctx.Who.Community, room, defaults, cancellationToken))
        {
            return new Reply { Tone = ReplyTone.Info, Text = $"🎧 {room.Name} is already a study room. Nothing changed." };
        }

        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"🎧 {room.Name} is now a study room. Members who started with StudyBot get their time there counted as study time "
                + $"(at least {VoiceRoomService.MinimumMinutes} minutes, not while deafened; `/progress me rooms ignore` opts out).",
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
            return VoiceRooms.NotHere();
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
            var list = current.Count == 0 ? "There are no study rooms yet." : "The study rooms are: " + string.Join(", ", current.Select(r => r.Name)) + ".";
            return Reply.Error($"`{TextInput.Quote(text, 40)}` is not a study room. {list}", "/studybot rooms remove #Study Room");
        }

        await voice.RoomRemovedAsync(ctx.Who.Community, room.ChannelId, cancellationToken);
        return new Reply { Tone = ReplyTone.Success, Text = $"🎧 {room.Name} is no longer a study room. Time already spent there stays counted." };
    }
}

internal sealed class RoomsListHandler(IVoiceRoomStore rooms) : ICommandHandler
{
    public string Path => "studybot rooms list";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Who.Community.Platform != Platforms.Discord)
        {
            return VoiceRooms.NotHere();
        }

        var current = await rooms.RoomsAsync(ctx.Who.Community, cancellationToken);
        if (current.Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = $"There are no study rooms yet. Mark a voice channel with `{RoomsAddHandler.Example}`." };
        }

        return new Reply
        {
            Tone = ReplyTone.Info,
            Text = "🎧 Study rooms: " + string.Join(", ", current.Select(r => $"{r.Name} ({VoiceRooms.Mention(r.ChannelId)})"))
                + $"\nTime there counts for members who started with StudyBot: at least {VoiceRoomService.MinimumMinutes} minutes, not while deafened.",
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
            return VoiceRooms.NotHere();
        }

        var ignore = ctx.Request.String("choice") == "ignore";
        var member = await rooms.MemberAsync(ctx.Who.Community, ctx.Who.UserId, cancellationToken);
        if (member is null || !member.Started)
        {
            return new Reply
            {
                Tone = ReplyTone.Info,
                Text = "StudyBot counts voice study-room time only for members who have started. Start with `/progress start` first; your time is then tracked unless you choose `/progress me rooms ignore`.",
            };
        }

        if (member.Ignored == ignore)
        {
            return new Reply { Tone = ReplyTone.Info, Text = ignore ? "Your time in study rooms is already not tracked. Nothing changed." : "Your time in study rooms is already tracked. Nothing changed." };
        }

        await rooms.SetIgnoredAsync(member.MemberId, ignore, ctx.Now.UtcDateTime, cancellationToken);
        if (ignore)
        {
            await voice.MemberIgnoredAsync(ctx.Who.Community, ctx.Who.UserId, cancellationToken);
            return new Reply { Tone = ReplyTone.Success, Text = "🔕 Your time in voice study rooms is no longer tracked. Time already counted stays. Turn it back on with `/progress me rooms track`." };
        }

        return new Reply { Tone = ReplyTone.Success, Text = $"🎧 Your time in voice study rooms counts again, from the next time you join one (at least {VoiceRoomService.MinimumMinutes} minutes, not while deafened)." };
    }
}
