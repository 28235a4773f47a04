using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Host.Console;
using StudyBot.Host.Options;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Members' data on disk is for the bot's own user only: the database (with its -wal and -shm) and data exports are
/// created 0600 and the folders made for them 0700. Unix only: Windows has no such modes, and there the tests pass trivially.
/// </summary>
public sealed class FilePermissionTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task A_new_database_and_its_wal_and_shm_are_readable_by_the_owner_only_in_an_owner_only_folder()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var root = Path.Combine(Path.GetTempPath(), $"studybot-modes-{Guid.NewGuid():N}");
        var path = Path.Combine(root, "data", "studybot.db");
        try
        {
            await using (var bot = await TestBot.StartAsync(dbPath: path))
            {
                // SQLite removes the -wal and -shm when the last connection closes: keep one open meanwhile.
                await using var reader = new Microsoft.Data.Sqlite.SqliteConnection(bot.ConnectionString);
                await reader.OpenAsync();
                await using (var read = reader.CreateCommand())
                {
                    read.CommandText = "SELECT COUNT(*) FROM Members";
                    await read.ExecuteScalarAsync();
                }

                await bot.SayAsync("Ada", "/progress log 30 practice");

                Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(root, "data")));
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    Assert.True(File.Exists(file), $"{Path.GetFileName(file)} exists while the bot runs");
                    Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file));
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_console_data_export_is_readable_by_the_owner_only_in_an_owner_only_folder()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var root = Path.Combine(Path.GetTempPath(), $"studybot-modes-{Guid.NewGuid():N}");
        var exports = Path.Combine(root, "data", "exports");
        try
        {
            var attachments = new ConsoleAttachments(Options.Create(new ConsoleOptions { ExportsDirectory = exports, AttachmentsDirectory = Path.Combine(root, "data", "cards") }));
            var reply = new Reply
            {
                Text = "Your data",
                Attachments =
                [
                    new ReplyAttachment("studybot-ada.json", "application/json", "{}"u8.ToArray(), "Your StudyBot data as JSON"),
                    new ReplyAttachment("progress-ada.png", ReplyAttachment.Png, [1, 2, 3], "Your card"),
                ],
            };

            var saved = attachments.Save(reply);

            Assert.All(saved.Values, s => Assert.Null(s.Error));
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(root, "data")));
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(exports));
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(root, "data", "cards")));
            foreach (var file in saved.Values)
            {
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file.Path!));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
