using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Voice;

namespace StudyBot.Core.Sessions;

/// <summary>
/// On Discord, joining a session's voice channel while the session is open for check-in checks the member in, as the
/// Check in button does (the same command, so a check-in is still recorded once and its minutes logged once). Not in a
/// study room: there the room already counts the member's time, so joining checks nobody in (the button still does).
/// </summary>
public sealed partial class SessionVoiceCheckIn(IServiceProvider services, SessionService sessions, ILogger<SessionVoiceCheckIn> logger) : IVoicePresenceListener
{
    private long _checkIns;

    /// <summary>Check-ins asked for by joining a voice channel (for tests).</summary>
    public long CheckIns => Interlocked.Read(ref _checkIns);

    public async Task OnVoiceStateAsync(CommunityRef community, VoiceState state, DateTime atUtc, CancellationToken cancellationToken)
    {
        if (state.ChannelId is not { } channelId || state.Deafened)
        {
            return;
        }

        var session = await sessions.OpenInChannelAsync(community, channelId, cancellationToken);
        if (session is null)
        {
            return;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var rooms = await scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>().RoomsAsync(community, cancellationToken);
            if (rooms.Any(r => r.ChannelId == channelId))
            {
                return;
            }
        }

        // The executor is resolved when first needed: it is built from the handlers, which need the voice service this hangs on.
        var member = new MemberRef(community, state.UserId, state.UserId) { DisplayNameUnknown = true };
        var reply = await services.GetRequiredService<CommandExecutor>().RunTextAsync(member, $"/progress session checkin {session.Id}", cancellationToken);
        Interlocked.Increment(ref _checkIns);
        LogCheckedIn(session.Id, reply.Tone);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A member joined the voice channel of session {SessionId}: check-in answered {Tone}")]
    private partial void LogCheckedIn(long sessionId, ReplyTone tone);
}
