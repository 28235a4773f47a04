using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxByAge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_NextAttemptAtUtc",
                table: "Outbox");

            migrationBuilder.AddColumn<int>(
                name: "DropReason",
                table: "Outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_CommunityId_FailedAtUtc",
                table: "Outbox",
                columns: new[] { "CommunityId", "FailedAtUtc" },
                filter: "FailedAtUtc IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Platform_NextAttemptAtUtc",
                table: "Outbox",
                columns: new[] { "Platform", "NextAttemptAtUtc" },
                filter: "SentAtUtc IS NULL AND FailedAtUtc IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_CommunityId_FailedAtUtc",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_Platform_NextAttemptAtUtc",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "DropReason",
                table: "Outbox");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_NextAttemptAtUtc",
                table: "Outbox",
                column: "NextAttemptAtUtc",
                filter: "SentAtUtc IS NULL AND FailedAtUtc IS NULL");
        }
    }
}
