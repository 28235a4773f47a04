using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class DropUnusedHistoryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StudyLogs_CommunityId_LocalDate",
                table: "StudyLogs");

            migrationBuilder.DropIndex(
                name: "IX_ItemChanges_CommunityId_LocalDate",
                table: "ItemChanges");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_StudyLogs_CommunityId_LocalDate",
                table: "StudyLogs",
                columns: new[] { "CommunityId", "LocalDate" });

            migrationBuilder.CreateIndex(
                name: "IX_ItemChanges_CommunityId_LocalDate",
                table: "ItemChanges",
                columns: new[] { "CommunityId", "LocalDate" });
        }
    }
}
