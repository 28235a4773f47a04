using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Commands;

namespace StudyBot.Data;

/// <summary>
/// <see cref="ISharedMemberLines"/> on PostgreSQL: a transaction-scoped advisory lock per member, held on a connection of
/// its own for as long as the command runs. The lock goes with the transaction, so a command that ends, fails or loses
/// its connection (an instance killed mid-command) always lets the member's next command go; nothing is written.
/// </summary>
/// <remarks>
/// The key is the pair (<see cref="LockClass"/>, a 32-bit hash of platform, community and user): PostgreSQL keeps
/// two-key advisory locks apart from one-key ones (the migration lock). Two members whose hashes collide only wait for
/// each other when they run commands at the same moment, which costs a few milliseconds and is never wrong.
/// </remarks>
internal sealed class SharedMemberLines(IServiceScopeFactory scopes) : ISharedMemberLines
{
    /// <summary>The first key of every member's lock ("SBml" in ASCII).</summary>
    public const int LockClass = 0x53426D6C;

    /// <summary>PostgreSQL's lock_not_available: the lock_timeout ran out.</summary>
    private const string LockNotAvailable = "55P03";

    public async Task<IAsyncDisposable?> EnterAsync(string platform, string community, string userId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
            var tx = await db.Database.BeginTransactionAsync(cancellationToken);

            // At least a millisecond: lock_timeout 0 would mean "wait for ever".
            var timeout = (long)Math.Clamp(patience.TotalMilliseconds, 1, int.MaxValue);
            var key = KeyOf(platform, community, userId);
            var sql = $"SET LOCAL lock_timeout = {timeout}; SELECT pg_advisory_xact_lock({LockClass}, {key})";
            try
            {
                await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState == LockNotAvailable)
            {
                await tx.DisposeAsync();
                await scope.DisposeAsync();
                return null;
            }

            return new Held(scope, tx);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member's key: a stable 32-bit hash of where the command came from and who sent it.</summary>
    public static int KeyOf(string platform, string community, string userId)
    {
        // Each part with its length first, so no choice of characters makes two members' texts the same.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{platform.Length}:{platform}{community.Length}:{community}{userId.Length}:{userId}"));
        return BitConverter.ToInt32(hash, 0);
    }

    private sealed class Held(AsyncServiceScope scope, IDbContextTransaction tx) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                // Ending the transaction lets the lock go.
                await tx.DisposeAsync();
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                // The connection broke: the server ended the transaction, and the lock with it.
            }
            finally
            {
                await scope.DisposeAsync();
            }
        }
    }
}
