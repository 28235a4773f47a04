using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Outbox_CommunityId_Target_CreatedAtUtc",
                table: "Outbox",
                columns: new[] { "CommunityId", "Target", "CreatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_CommunityId_Target_CreatedAtUtc",
                table: "Outbox");
        }
    }
}
