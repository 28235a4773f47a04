using StudyBot.Core.Chat;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// A member's DM channel id is kept in the database, so a restarted instance, or another instance on the same database,
/// DMs a member it has never DMed with one request (the post) instead of two (opening the channel, then the post): the
/// floor of a reminder fan-out is one request per member. On a real SQLite file, against the fake Discord.
/// </summary>
public sealed class DmChannelTests : IAsyncLifetime
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "290926798626357999", "Study Hall");

    private readonly string _directory = Directory.CreateTempSubdirectory("studybot-dm-channels-").FullName;
    private FakeDiscordServer _server = null!;

    private string DatabaseFile => Path.Combine(_directory, "studybot.db");

    public async Task InitializeAsync() =>
        _server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate, KnownChannelsOnly = true });

    public async Task DisposeAsync()
    {
        await Bounded.WaitAsync(_server.DisposeAsync().AsTask(), "the fake Discord server to stop");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static MemberRef Member(ulong id) => new(Guild, id.ToString(System.Globalization.CultureInfo.InvariantCulture), "member");

    /// <summary>An instance of StudyBot (its notifier, not started) on the shared database and the shared fake Discord.</summary>
    private Task<AdapterHarness> InstanceAsync(string? databaseFile = null) =>
        AdapterHarness.StartAsync(
            o =>
            {
                o.Start = false;
                o.RealEngine = true;
                o.DatabaseFile = databaseFile ?? DatabaseFile;
            },
            _server);

    private int Opens => _server.Requests.Count(r => r.Template == "/users/@me/channels");

    private static Task<DeliveryResult> DmAsync(AdapterHarness instance, ulong member, string text) =>
        instance.Get<DiscordNotifier>().SendDirectAsync(Member(member), new Reply { Text = text }, CancellationToken.None);

    [Fact]
    public async Task After_a_restart_a_DM_to_a_member_DMed_before_is_one_request_to_the_channel_they_already_have()
    {
        await using (var before = await InstanceAsync())
        {
            Assert.Equal(DeliveryResult.Ok, await DmAsync(before, 111, "Week 1 reminder"));
        }

        var channel = _server.DmChannelOf(111)!.Value;
        var requests = _server.Requests.Count;
        await using var after = await InstanceAsync();

        Assert.Equal(DeliveryResult.Ok, await DmAsync(after, 111, "Week 2 reminder"));

        var sent = _server.Requests.Skip(requests).ToList();
        var post = Assert.Single(sent);
        Assert.Equal("/channels/{channel_id}/messages", post.Template);
        Assert.Contains(channel.ToString(System.Globalization.CultureInfo.InvariantCulture), post.Path, StringComparison.Ordinal);
        Assert.Equal(2, _server.MessageCount(channel));
        Assert.Equal(1, Opens);
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_uses_the_channel_the_first_opened()
    {
        await using var one = await InstanceAsync();
        await using var two = await InstanceAsync();

        Assert.Equal(DeliveryResult.Ok, await DmAsync(one, 222, "From instance one"));
        Assert.Equal(DeliveryResult.Ok, await DmAsync(two, 222, "From instance two"));
        Assert.Equal(DeliveryResult.Ok, await DmAsync(two, 222, "Again from instance two"));

        Assert.Equal(1, Opens);
        Assert.Equal(3, _server.MessageCount(_server.DmChannelOf(222)!.Value));
    }

    [Fact]
    public async Task A_stored_channel_Discord_no_longer_knows_is_replaced_and_the_DM_arrives_once()
    {
        await using (var before = await InstanceAsync())
        {
            Assert.Equal(DeliveryResult.Ok, await DmAsync(before, 333, "Week 1 reminder"));
        }

        var gone = _server.CloseDmChannel(333)!.Value;
        await using (var after = await InstanceAsync())
        {
            Assert.Equal(DeliveryResult.Ok, await DmAsync(after, 333, "Week 2 reminder"));
        }

        var replaced = _server.DmChannelOf(333)!.Value;
        Assert.NotEqual(gone, replaced);
        Assert.Equal(1, _server.MessageCount(replaced));
        Assert.Single(_server.Requests, r => r.Status == 404 && r.Path.Contains(gone.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        // The database now holds the new channel: the next instance posts to it straight away.
        var requests = _server.Requests.Count;
        await using var later = await InstanceAsync();
        Assert.Equal(DeliveryResult.Ok, await DmAsync(later, 333, "Week 3 reminder"));
        var post = Assert.Single(_server.Requests.Skip(requests));
        Assert.Contains(replaced.ToString(System.Globalization.CultureInfo.InvariantCulture), post.Path, StringComparison.Ordinal);
        Assert.Equal(2, _server.MessageCount(replaced));
    }

    [Fact]
    public async Task When_the_database_cannot_be_reached_the_DMs_are_still_sent_and_the_log_says_so_once()
    {
        var folder = Path.Combine(_directory, "away");
        Directory.CreateDirectory(folder);
        await using var instance = await InstanceAsync(Path.Combine(folder, "studybot.db"));

        // The database goes away: its folder (and file) deleted, no connection left open in the pool.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);

        Assert.Equal(DeliveryResult.Ok, await DmAsync(instance, 444, "Reminder one"));
        Assert.Equal(DeliveryResult.Ok, await DmAsync(instance, 555, "Reminder two"));

        Assert.Equal(1, _server.MessageCount(_server.DmChannelOf(444)!.Value));
        Assert.Equal(1, _server.MessageCount(_server.DmChannelOf(555)!.Value));
        var warnings = instance.Logs.Lines.Where(l => l.Category.EndsWith(nameof(DiscordNotifier), StringComparison.Ordinal) && l.Message.Contains("DM channel", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.DoesNotContain("444", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("555", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_database_answers_again_the_channels_opened_from_then_on_are_kept_for_other_instances()
    {
        var folder = Path.Combine(_directory, "back");
        var file = Path.Combine(folder, "studybot.db");
        Directory.CreateDirectory(folder);
        await using var instance = await AdapterHarness.StartAsync(
            o =>
            {
                o.Start = false;
                o.RealEngine = true;
                o.FakeTime = true;
                o.DatabaseFile = file;
            },
            _server);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        Assert.Equal(DeliveryResult.Ok, await DmAsync(instance, 666, "While the database is away"));

        // The database is back (made again, empty); after the pause the notifier asks it again.
        await StudyBot.Data.StudyBotDatabase.MigrateAsync(instance.Services, CancellationToken.None);
        instance.Time!.Advance(DiscordNotifier.StoreRetryAfter);
        Assert.Equal(DeliveryResult.Ok, await DmAsync(instance, 777, "After it came back"));
        Assert.True(instance.Logs.Contains("keeps DM channel ids again"), instance.Logs.All);

        var requests = _server.Requests.Count;
        await using var other = await InstanceAsync(file);
        Assert.Equal(DeliveryResult.Ok, await DmAsync(other, 777, "From another instance"));
        var post = Assert.Single(_server.Requests.Skip(requests));
        Assert.Equal("/channels/{channel_id}/messages", post.Template);
        Assert.Equal(2, _server.MessageCount(_server.DmChannelOf(777)!.Value));
    }
}
