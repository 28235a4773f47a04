using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StudyBot.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_ActiveDayCount",
                table: "PeriodStats");

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_ActiveDayCount_Points",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "ActiveDayCount", "Points" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_ActiveDayCount_Points",
                table: "PeriodStats");

            migrationBuilder.CreateIndex(
                name: "IX_PeriodStats_CommunityId_Kind_PeriodStart_ActiveDayCount",
                table: "PeriodStats",
                columns: new[] { "CommunityId", "Kind", "PeriodStart", "ActiveDayCount" });
        }
    }
}
