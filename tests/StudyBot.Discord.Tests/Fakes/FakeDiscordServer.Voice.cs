using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace StudyBot.Discord.Tests.Fakes;

/// <summary>
/// Voice states as Discord keeps them: who sits in which voice channel of a guild, deafened or not. Changing one
/// dispatches VOICE_STATE_UPDATE (with the intent GUILD_VOICE_STATES, 1 &lt;&lt; 7) shaped like the docs' voice state object
/// (tests/fixtures/discord/gateway/voice_state_update.json); GUILD_CREATE carries the guild's current ones in
/// <c>voice_states</c>, without <c>guild_id</c>, as the docs say.
/// </summary>
public sealed partial class FakeDiscordServer
{
    public const int GuildVoiceStatesIntent = 1 << 7;

    /// <summary>(guild, user) → the voice channel and whether the user deafened themselves.</summary>
    public ConcurrentDictionary<(ulong Guild, ulong User), (ulong Channel, bool SelfDeaf)> VoiceStates { get; } = new();

    /// <summary>
    /// Moves a user into <paramref name="channelId"/> (null: out of voice) and, unless <paramref name="dispatch"/> is false
    /// (a change while the bot is not connected, which it only learns from the next GUILD_CREATE), dispatches it.
    /// </summary>
    public async Task SetVoiceStateAsync(ulong guildId, ulong userId, ulong? channelId, bool selfDeaf = false, bool dispatch = true)
    {
        if (channelId is { } channel)
        {
            VoiceStates[(guildId, userId)] = (channel, selfDeaf);
        }
        else
        {
            VoiceStates.TryRemove((guildId, userId), out _);
        }

        if (dispatch)
        {
            await DispatchAsync("VOICE_STATE_UPDATE", VoiceStateJson(guildId, userId, channelId, selfDeaf, withGuild: true));
        }
    }

    /// <summary>A voice state object as the docs show it; in GUILD_CREATE's list without <c>guild_id</c> and <c>member</c>.</summary>
    public static JsonObject VoiceStateJson(ulong guildId, ulong userId, ulong? channelId, bool selfDeaf, bool withGuild)
    {
        var state = new JsonObject();
        if (withGuild)
        {
            state["guild_id"] = guildId.ToString(CultureInfo.InvariantCulture);
        }

        state["channel_id"] = channelId?.ToString(CultureInfo.InvariantCulture);
        state["user_id"] = userId.ToString(CultureInfo.InvariantCulture);
        if (withGuild)
        {
            state["member"] = new JsonObject
            {
                ["user"] = new JsonObject
                {
                    ["id"] = userId.ToString(CultureInfo.InvariantCulture),
                    ["username"] = "member" + (userId % 1000).ToString(CultureInfo.InvariantCulture),
                    ["avatar"] = null,
                    ["discriminator"] = "0",
                    ["public_flags"] = 0,
                    ["flags"] = 0,
                    ["global_name"] = null,
                    ["primary_guild"] = null,
                },
                ["avatar"] = null,
                ["banner"] = null,
                ["communication_disabled_until"] = null,
                ["flags"] = 0,
                ["joined_at"] = "2026-01-05T10:00:00.000000+00:00",
                ["nick"] = null,
                ["pending"] = false,
                ["premium_since"] = null,
                ["roles"] = new JsonArray(),
                ["mute"] = false,
                ["deaf"] = false,
            };
        }

        state["session_id"] = "90326bd25d71d39b9ef95b299e3872ff";
        state["deaf"] = false;
        state["mute"] = false;
        state["self_deaf"] = selfDeaf;
        state["self_mute"] = selfDeaf;
        state["self_stream"] = false;
        state["self_video"] = false;
        state["suppress"] = false;
        state["request_to_speak_timestamp"] = null;
        return state;
    }

    /// <summary>GUILD_CREATE's <c>voice_states</c> for a guild.</summary>
    private JsonArray VoiceStatesOf(ulong guildId) =>
        new(VoiceStates.Where(v => v.Key.Guild == guildId).OrderBy(v => v.Key.User)
            .Select(v => (JsonNode)VoiceStateJson(guildId, v.Key.User, v.Value.Channel, v.Value.SelfDeaf, withGuild: false)).ToArray());
}
