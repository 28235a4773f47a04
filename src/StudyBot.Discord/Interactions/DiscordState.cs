using System.Collections.Concurrent;

namespace StudyBot.Discord.Interactions;

/// <summary>Guild names from GUILD_CREATE, so communities carry a readable name; the id stands in until one arrives.</summary>
internal sealed class GuildDirectory
{
    private readonly ConcurrentDictionary<ulong, string> _names = new();

    public int Count => _names.Count;

    public void Set(ulong guildId, string? name)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            _names[guildId] = name;
        }
    }

    public void Remove(ulong guildId) => _names.TryRemove(guildId, out _);

    public string? NameOf(ulong guildId) => _names.GetValueOrDefault(guildId);
}

/// <summary>
/// Members whose DMs are closed to the bot (50007). Sending again would only add invalid requests, so they are
/// skipped until they next use a command, which shows they are around and may have opened their DMs.
/// </summary>
internal sealed class DmReachability
{
    private readonly ConcurrentDictionary<ulong, bool> _closed = new();

    public bool IsClosed(ulong userId) => _closed.ContainsKey(userId);

    public void MarkClosed(ulong userId) => _closed[userId] = true;

    public void Clear(ulong userId) => _closed.TryRemove(userId, out _);
}
